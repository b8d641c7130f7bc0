"""The delivery plan's forms: workstreams, KPIs and initiatives added and changed by the
programme office, checked field by field (a form error names the field), audited, and refused
to roles that only read."""

from __future__ import annotations

import pytest
from django.test import Client

from gpworkforce.web.delivery.models import Initiative, KpiRecord, Workstream
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db

WORKSTREAM = {
    "organisation": "QK1",
    "number": "14",
    "name": "Digital",
    "position": "Not started",
    "owner": "Head of digital",
    "start_year": "2018",
    "end_year": "2020",
    "actions": "Online consultation\n\n e-Referrals ",
    "success_measures": "",
    "kpi_text": "",
}


def _client(world, name: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(world.users[name])
    return c


def test_a_workstream_is_added_changed_and_audited() -> None:
    world = build_world()
    c = _client(world, "programme")
    assert c.get("/delivery/workstreams/new/").status_code == 200
    r = c.post("/delivery/workstreams/new/", WORKSTREAM)
    assert r.status_code == 302, r.content.decode()[-2000:]
    w = Workstream.objects.get(organisation_id="QK1", number=14)
    assert (w.name, w.actions) == ("Digital", ["Online consultation", "e-Referrals"])
    event = AuditEvent.objects.get(action="workstream.create")
    assert event.actor_username == "programme" and event.after["name"] == "Digital"
    # the same number again, and a last year before the first: form errors naming the field
    again = c.post("/delivery/workstreams/new/", WORKSTREAM)
    assert again.status_code == 400 and "already a workstream numbered 14" in again.content.decode()
    bad = c.post("/delivery/workstreams/new/", WORKSTREAM | {"number": "15", "end_year": "2017"})
    page = bad.content.decode()
    assert (
        bad.status_code == 400 and 'href="#end_year"' in page and "not be before the first" in page
    )
    assert not Workstream.objects.filter(number=15).exists()
    # a change records what changed, before and after
    url = f"/delivery/workstreams/{w.pk}/edit/"
    assert 'value="Digital"' in c.get(url).content.decode()
    assert c.post(url, WORKSTREAM | {"owner": "Chief digital officer"}).status_code == 302
    change = AuditEvent.objects.get(action="workstream.update")
    assert change.before == {"owner": "Head of digital"}
    assert change.after == {"owner": "Chief digital officer"}


KPI = {
    "organisation": "QK1",
    "ref": "9a",
    "name": "GP WTE per 1,000 patients",
    "workstream": "",
    "measure_kind": "baseline",
    "baseline_measure": "gp-wte-per-1000",
    "measure": "",
    "staff_group": "",
    "unit": "WTE per 1,000",
    "direction": "higher",
    "target": "0.58",
    "amber_tolerance": "0.03",
    "stale_after_days": "400",
    "red_after_days": "90",
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"baseline_measure": ""}, "baseline_measure", "Choose the baseline measure"),
        ({"measure_kind": "plan-variance", "measure": "No such plan", "staff_group": "gp"},
         "measure", "There is no plan called"),
        ({"measure_kind": "plan-variance", "measure": "", "staff_group": ""},
         "staff_group", "Choose the staff group"),
        ({"amber_tolerance": "-1"}, "amber_tolerance", "Amber within"),
        ({"target": "lots"}, "target", "Target"),
        ({"ref": ""}, "ref", "Reference"),
    ],
)  # fmt: skip
def test_a_bad_kpi_is_a_form_error_on_its_field(change: dict, field: str, message: str) -> None:
    world = build_world()
    r = _client(world, "programme").post("/delivery/kpis/new/", KPI | change)
    page = r.content.decode()
    assert r.status_code == 400 and f'href="#{field}"' in page and message in page
    assert not KpiRecord.objects.exists()


def test_a_kpi_is_bound_to_a_measure_by_the_form_and_changed_later() -> None:
    world = build_world()
    c = _client(world, "analyst")
    r = c.post("/delivery/kpis/new/", KPI)
    kpi = KpiRecord.objects.get(organisation_id="QK1", ref="9a")
    assert r.status_code == 302 and r["Location"] == f"/delivery/kpis/{kpi.pk}/"
    assert (kpi.measure_kind, kpi.measure, kpi.target) == ("baseline", "gp-wte-per-1000", 0.58)
    r = c.post(f"/delivery/kpis/{kpi.pk}/edit/", KPI | {"target": "0.6"})
    assert r.status_code == 302
    kpi.refresh_from_db()
    assert kpi.target == 0.6
    event = AuditEvent.objects.get(action="kpi.update")
    assert (event.before, event.after) == ({"target": 0.58}, {"target": 0.6})


def test_an_initiative_needs_national_or_local_and_draws_on_a_funding_scheme() -> None:
    from gpworkforce.web.finance.models import FundingRecord

    world = build_world()
    FundingRecord.objects.create(
        owner_id="QK1", scheme="GP5YFV international recruitment", financial_year="2017/18",
        status="confirmed",
    )  # fmt: skip
    c = _client(world, "programme")
    form = {
        "organisation": "QK1",
        "name": "International GP Recruitment",
        "lever": "international_recruits",
        "funding": "GP5YFV international recruitment",
        "start": "2017-04-01",
        "end": "2020-03-31",
        "assumed_wte": "30",
    }
    r = c.post("/delivery/initiatives/new/", form)
    assert r.status_code == 400 and "Tick national, local or both" in r.content.decode()
    assert c.post("/delivery/initiatives/new/", form | {"funding": "Made up"}).status_code == 400
    r = c.post("/delivery/initiatives/new/", form | {"national": "on"})
    assert r.status_code == 302
    i = Initiative.objects.get(name="International GP Recruitment")
    assert (i.national, i.local, i.lever, i.assumed_wte) == (
        True,
        False,
        "international_recruits",
        30,
    )
    assert i.funding == "GP5YFV international recruitment"
    assert AuditEvent.objects.filter(action="initiative.create").count() == 1
    # a board viewer reads the initiatives but has no form
    board = _client(world, "board")
    assert board.get("/delivery/initiatives/new/").status_code == 403
    assert "Add an initiative" not in board.get("/delivery/initiatives/").content.decode()
    assert "Add an initiative" in c.get("/delivery/initiatives/").content.decode()
