"""KPIs bound to measures the tool computes (issue 13 item 1): a baseline measure read from the
dashboard's figures, a plan's variance from its tracking, spend against allocation from the
finance register; each value with its source and date, never typed in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from gpworkforce.web.delivery import actions, services
from gpworkforce.web.delivery.models import KpiRecord
from gpworkforce.web.testing import CENSUS, build_world

pytestmark = pytest.mark.django_db


def _kpi(ref: str, kind: str, measure: str, **extra: object) -> KpiRecord:
    fields: dict[str, object] = {
        "organisation_id": "QK1",
        "ref": ref,
        "name": f"KPI {ref}",
        "measure_kind": kind,
        "measure": measure,
        "target": 1.0,
        "amber_tolerance": 0.1,
        "stale_after_days": 4000,
    }
    return KpiRecord.objects.create(**(fields | extra))


# GPW figures for the test world's three practices on the census date: GP WTE and list sizes
GP_WTE = {"C82001": 10.0, "C82002": 6.0, "C82003": 4.0}
PATIENTS = {"C82001": 10_000.0, "C82002": 9_000.0, "C82003": 11_000.0}


def _gpw() -> None:
    from gpworkforce.web.jobs.models import bump
    from gpworkforce.web.models import ReferencePatients, ReferenceWorkforce

    for code, wte in GP_WTE.items():
        ReferenceWorkforce.objects.create(
            practice_code=code, period=CENSUS, node="GP_QUALIFIED", headcount=wte, fte=wte,
            source_id="gpw-practice:test:2017-12-01:abc",
        )  # fmt: skip
        ReferencePatients.objects.create(
            practice_code=code, period=CENSUS, registered=PATIENTS[code], weighted=None,
            source_id="gpw-practice:test:2017-12-01:abc",
        )  # fmt: skip
    bump()  # a new data version: the dashboards are computed from these


def test_a_baseline_kpi_is_the_organisations_gp_wte_per_1000_patients() -> None:
    world = build_world()
    _gpw()
    kpi = _kpi("1b", "baseline", "gp-wte-per-1000", target=0.58, amber_tolerance=0.03)
    values = services.kpi_values(kpi)
    assert [v.period_end for v, _known in values] == [CENSUS]
    value, known = values[0]
    # 20 GP WTE for 30,000 registered patients
    assert value.value == pytest.approx(1000 * 20 / 30_000, abs=1e-3)
    assert (
        "WTE against the per-1,000 target" in value.source and "30 September 2017" in value.source
    )
    assert known > CENSUS
    # its RAG is computed from that value: 0.667 meets 0.58; against a target of 0.7 it is 0.033
    # short (amber within 0.05), against 0.75 red
    assert services.kpi_status(kpi, CENSUS).result.computed.value == "green"
    for target, rag in ((0.7, "amber"), (0.75, "red")):
        KpiRecord.objects.filter(pk=kpi.pk).update(target=target, amber_tolerance=0.05)
        kpi.refresh_from_db()
        assert services.kpi_status(kpi, CENSUS).result.computed.value == rag
    # other measures of the same baseline: GP WTE, and the gap to the 0.58 target (17.4 - 20)
    assert services.kpi_values(_kpi("1c", "baseline", "gp-wte"))[0][0].value == pytest.approx(20)
    gap = services.kpi_values(_kpi("1d", "baseline", "gp-wte-gap"))[0][0].value
    assert gap == pytest.approx(0.58 * 30 - 20, abs=0.01)
    # a measure the baseline has no figure for (no ages in these data): no value, not an error
    assert services.kpi_values(_kpi("1e", "baseline", "gp-over-55-share")) == []
    # the page shows the value with its source, and offers no form to type one in
    client = Client()
    client.force_login(world.users["programme"])
    page = client.get(f"/delivery/kpis/{kpi.pk}/").content.decode()
    assert "GP WTE per 1,000 registered patients" in page and "30 September 2017" in page
    assert "Record value" not in page


def test_a_computed_kpi_refuses_a_typed_value() -> None:
    world = build_world()
    kpi = _kpi("1b", "baseline", "gp-wte-per-1000")
    with pytest.raises(actions.FieldError, match="computed by the tool"):
        actions.record_kpi_value(
            actor=world.users["programme"],
            kpi_id=kpi.pk,
            period_end=CENSUS,
            value=0.6,
            source="typed",
            today=CENSUS,
        )


def test_a_spend_kpi_is_spend_over_allocation_summed_over_organisations() -> None:
    from gpworkforce.web.finance.models import AllocationRecord

    build_world()
    for org, alloc, delegated, discretionary in (
        ("A", 1000.0, 100.0, 10.0),
        ("B", 3000.0, 200.0, 30.0),
    ):
        AllocationRecord.objects.create(
            owner_id="QK1",
            organisation=org,
            financial_year="2017/18",
            allocation=alloc,
            delegated=delegated,
            discretionary=discretionary,
        )
    both = _kpi("12a", "spend", "All organisations", target=11.3)
    only_a = _kpi("12b", "spend", "A", target=11.3, amber_tolerance=0.4)
    [(v, _k)] = services.kpi_values(both)
    assert v.period_end == dt.date(2018, 3, 31)
    assert v.value == pytest.approx(100 * 340 / 4000)  # 8.5%
    assert "2017/18" in v.source and "4,000" in v.source
    [(a, _k)] = services.kpi_values(only_a)
    assert a.value == pytest.approx(11.0)
    assert services.kpi_status(only_a, dt.date(2018, 4, 1)).result.computed.value == "amber"
    # 0.3 short of 11.3: amber within 0.4; before the year ends there is no value yet
    assert services.kpi_status(only_a, dt.date(2018, 3, 30)).result.computed.value == "not reported"


def test_a_plan_variance_kpi_is_actual_minus_plan_at_each_tracked_date() -> None:
    from gpworkforce.web.plans.actions import adopt, create_plan
    from gpworkforce.web.plans.testing import tiny_plan

    build_world()
    _gpw()
    plan = create_plan(actor=None, org_code="QK1", document=tiny_plan("QK1", name="GP plan"))
    adopt(actor=None, plan_id=plan.pk)
    kpi = _kpi("3d", "plan-variance", "GP plan", staff_group="gp", target=0.0)
    # GPW has 20 GP WTE on 30 September 2017 against a plan of 10; nothing yet for 2018
    [(v, _k)] = services.kpi_values(kpi)
    assert (v.period_end, v.value) == (CENSUS, pytest.approx(10.0))
    assert "GP plan" in v.source and "version 1" in v.source and "20.0 WTE" in v.source
    # a plan's name that matches nothing: no values, not an error
    assert services.kpi_values(_kpi("3e", "plan-variance", "No such plan")) == []


def test_a_kpi_file_naming_an_unknown_measure_is_refused_with_row_and_column() -> None:
    from gpworkforce.errors import ValidationFailed
    from gpworkforce.web.delivery import registers_io

    world = build_world()
    data = (
        b"KPI,Name,Measure kind,Measure,Staff group,Target\n"
        b"1b,GP WTE per 1000,baseline,gp-wte-per-1000,,0.58\n"
        b"1c,Something,baseline,GP WTE per million,,1\n"
        b"3d,Plan,plan-variance,LLR plan,doctors,0\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        registers_io.import_register(world.users["programme"], "kpis", "QK1", "kpis.csv", data)
    text = str(caught.value)
    assert "row 3" in text and "'Measure'" in text and "GP WTE per million" in text
    assert "row 4" in text and "'Staff group'" in text and "doctors" in text
    assert not KpiRecord.objects.exists()  # nothing written


def test_a_baseline_kpi_has_its_history_at_every_census_date() -> None:
    """An earlier census date's dashboard, never viewed, is asked of the task worker (here the
    immediate backend runs it) so the KPI's values reach back to the first census date."""
    from gpworkforce.web.jobs.models import bump
    from gpworkforce.web.models import ReferencePatients, ReferenceWorkforce

    build_world()
    _gpw()
    earlier = dt.date(CENSUS.year - 1, CENSUS.month, CENSUS.day)
    for code, wte in GP_WTE.items():  # a year before: 2 GP WTE fewer in each practice
        ReferenceWorkforce.objects.create(
            practice_code=code, period=earlier, node="GP_QUALIFIED", headcount=wte - 2,
            fte=wte - 2, source_id="gpw-practice:test:2016-12-01:abc",
        )  # fmt: skip
        ReferencePatients.objects.create(
            practice_code=code, period=earlier, registered=PATIENTS[code], weighted=None,
            source_id="gpw-practice:test:2016-12-01:abc",
        )  # fmt: skip
    bump()
    kpi = _kpi("1h", "baseline", "gp-wte")
    values = {v.period_end: v.value for v, _known in services.kpi_values(kpi)}
    assert values == {earlier: pytest.approx(14.0), CENSUS: pytest.approx(20.0)}
