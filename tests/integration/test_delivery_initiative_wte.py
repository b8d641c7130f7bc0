"""An initiative's WTE from a forecast run and from the actuals (decision 0088), and milestones
added and changed through a form.

The oracle for the WTE is the LLR plan's arithmetic (Tables 12 and 13), not the code: Scenario 2
ends at 630 WTE in September 2020; without its 30 international recruits at 600; with Scenario
1's leaving rates (15% of over-55s and 3% of sessions a year instead of 12% and 2%) 24 WTE lower.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client, TestCase

from gpworkforce.forecast.scenario_io import load_scenario, shipped_scenarios_dir
from gpworkforce.web.delivery import levers
from gpworkforce.web.delivery.models import (
    Initiative,
    KpiRecord,
    KpiValueRecord,
    MilestoneRecord,
    TimelineEntry,
    Workstream,
)
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.scenarios.actions import create_scenario, request_run
from gpworkforce.web.scenarios.models import Run
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db
LLR = shipped_scenarios_dir() / "llr-2017"


def _client(world, name: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(world.users[name])
    return c


def _run(world, file: str, org: str = "QK1") -> Run:  # type: ignore[no-untyped-def]
    actor = world.users["analyst"] if org == "QK1" else None
    row = create_scenario(actor, org, load_scenario(LLR / file).scenario, source=f"test {file}")
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = request_run(actor, row.pk, 0)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


FORM = {
    "organisation": "QK1",
    "name": "International Recruitment",
    "national": "on",
    "lever": "international_recruits",
    "start": "2017-04-01",
    "end": "2020-09-30",
}


def _post(c: Client, url: str, data: dict) -> object:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return c.post(url, data)


def test_an_initiatives_wte_is_worked_out_from_the_run_and_arrivals_from_a_kpi() -> None:
    world = build_world()
    s1, s2 = _run(world, "scenario-1.toml"), _run(world, "scenario-2.toml")
    kpi = KpiRecord.objects.create(
        organisation_id="QK1", ref="3a", name="International GP recruits in post", target=30
    )
    c = _client(world, "programme")
    r = _post(
        c, "/delivery/initiatives/new/", FORM | {"run": str(s2.pk), "arrived_kpi": str(kpi.pk)}
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    i = Initiative.objects.get(name="International Recruitment")
    assert i.delivered_status == "done", i.delivered_error
    points = levers.delivered_points(i)
    last = points[-1]
    assert last.date == dt.date(2020, 9, 30)
    assert (last.with_lever, last.without_lever, last.wte) == (630.0, 600.0, 30.0)
    # the run is yearly, 10 recruits a year, straight between its dates: on 31 March 2019,
    # 10 + 10 x 182 / 365 (hand-worked)
    mid = next(p for p in points if p.date == dt.date(2019, 3, 31))
    assert mid.wte == pytest.approx(10 + 10 * 182 / 365, abs=0.001)
    # arrivals: none yet, then the KPI's latest value
    page = c.get("/delivery/initiatives/").content.decode()
    assert "30.0" in page and "by Sep 2020" in page and "no value yet for" in page
    KpiValueRecord.objects.create(
        kpi=kpi,
        period_end=dt.date(2018, 3, 31),
        value=7,
        source="HR",
        recorded_on=dt.date(2018, 4, 2),
    )
    KpiValueRecord.objects.create(
        kpi=kpi,
        period_end=dt.date(2018, 6, 30),
        value=12,
        source="HR",
        recorded_on=dt.date(2018, 7, 2),
    )
    page = c.get("/delivery/initiatives/").content.decode()
    assert "12.0" in page and "at 30 June 2018" in page
    # a retention scheme against Scenario 1: 24 WTE (LLR Table 12 against Table 13)
    r = _post(
        c,
        f"/delivery/initiatives/{i.pk}/edit/",
        FORM
        | {
            "lever": "leaving_rates",
            "run": str(s2.pk),
            "comparison_run": str(s1.pk),
            "arrived_kpi": str(kpi.pk),
        },
    )
    assert r.status_code == 302
    i.refresh_from_db()
    assert i.delivered_status == "done" and levers.delivered_points(i)[-1].wte == 24.0
    change = AuditEvent.objects.get(action="initiative.update")
    assert change.before["lever"] == "international_recruits"
    assert change.after == {"lever": "leaving_rates", "comparison_run_id": s1.pk}
    assert "against Scenario 1: Base position" in c.get("/delivery/initiatives/").content.decode()


def test_a_rate_lever_needs_a_comparison_and_runs_come_from_the_organisation() -> None:
    world = build_world()
    s2 = _run(world, "scenario-2.toml")
    other = _run(world, "scenario-2.toml", org="QXX")  # another ICB's
    c = _client(world, "programme")
    r = _post(c, "/delivery/initiatives/new/", FORM | {"lever": "leaving_rates", "run": str(s2.pk)})
    assert r.status_code == 400 and 'href="#comparison_run"' in r.content.decode()
    r = _post(c, "/delivery/initiatives/new/", FORM | {"lever": "", "run": str(s2.pk)})
    assert r.status_code == 400 and 'href="#lever"' in r.content.decode()
    # another organisation's run is not offered, and refused
    assert f'value="{other.pk}"' not in c.get("/delivery/initiatives/new/").content.decode()
    r = _post(c, "/delivery/initiatives/new/", FORM | {"run": str(other.pk)})
    assert r.status_code == 400 and 'href="#run"' in r.content.decode()
    assert not Initiative.objects.exists()


def test_a_lever_the_scenario_does_not_model_says_so_on_the_page() -> None:
    world = build_world()
    s2 = _run(world, "scenario-2.toml")
    c = _client(world, "programme")
    r = _post(c, "/delivery/initiatives/new/", FORM | {"lever": "returners", "run": str(s2.pk)})
    assert r.status_code == 302
    i = Initiative.objects.get()
    assert i.delivered_status == "failed" and i.delivered is None
    page = c.get("/delivery/initiatives/").content.decode()
    assert "does not model GPs returning to practice" in page


def test_an_initiative_linked_to_a_queued_run_is_worked_out_once_the_run_is_done() -> None:
    world = build_world()
    row = create_scenario(
        world.users["analyst"], "QK1", load_scenario(LLR / "scenario-2.toml").scenario
    )
    run = request_run(world.users["analyst"], row.pk, 0)  # queued: its task not run
    i = Initiative.objects.create(
        organisation_id="QK1", name="IR", national=True, lever="international_recruits", run=run
    )
    c = _client(world, "board")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        page = c.get("/delivery/initiatives/").content.decode()
    assert "being worked out" in page and not callbacks  # nothing asked while the run waits
    i.refresh_from_db()
    assert i.delivered_status == ""
    from gpworkforce.web.scenarios import tasks

    tasks.run_scenario.call(run.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        c.get("/delivery/initiatives/")
    i.refresh_from_db()
    assert i.delivered_status == "done" and levers.delivered_points(i)[-1].wte == 30.0


def test_locum_conversion_is_measured_in_salaried_gp_wte_in_a_cohort_run() -> None:
    """Moving locums into salaried posts leaves GP WTE as it is (both count as GPs): the
    initiative is measured in salaried GP WTE, whose gain is the locum WTE the transition
    moved (the total, worked out independently from the run without the lever, is unchanged)."""
    world = build_world()
    run = _run(world, "cohort.toml")
    c = _client(world, "programme")
    form = FORM | {"name": "Locum conversion", "lever": "locum_conversion", "run": str(run.pk)}
    assert _post(c, "/delivery/initiatives/new/", form).status_code == 302
    i = Initiative.objects.get()
    assert i.delivered_status == "done", i.delivered_error
    points = {p.date: p for p in levers.delivered_points(i)}
    assert points[dt.date(2017, 9, 30)].wte == 0.0  # nothing moved at the start
    gains = [points[d].wte for d in sorted(points)]
    assert gains[-1] > 0 and all(b >= a - 1e-9 for a, b in itertools.pairwise(gains))
    # the total GP WTE without the transition is the run's own: nothing was gained in total
    from gpworkforce.delivery.levers import counterfactual
    from gpworkforce.web.scenarios import compute

    text = compute.scenario_toml(
        compute.validate(counterfactual(compute.parse_toml(run.scenario_toml), "locum_conversion"))
    )
    without = {p["date"]: p["central"] for p in compute.run_toml(text, 0).results["quarterly"]}
    for p in run.quarterly_trajectory("gp"):
        assert without[p.date.isoformat()] == pytest.approx(p.central, abs=1e-6)
    assert "salaried GP WTE by Sep 2020" in c.get("/delivery/initiatives/").content.decode()


# -- milestones ------------------------------------------------------------------------------------
def test_a_milestone_is_added_changed_and_marked_done_through_forms_audited() -> None:
    world = build_world()
    ws = Workstream.objects.create(
        organisation_id="QK1", number=3, name="GPs", start_year=2017, end_year=2020
    )
    cell = TimelineEntry.objects.create(
        workstream=ws, detail="x", period="Q4 18-20", start=dt.date(2019, 1, 1),
        end=dt.date(2019, 3, 31), status="Critical Milestone",
    )  # fmt: skip
    c = _client(world, "programme")
    assert "Add a milestone" in c.get("/delivery/timeline/").content.decode()
    form = {"organisation": "QK1", "workstream": str(ws.pk), "name": "Wave 1", "due": "2019-03-31"}
    r = c.post("/delivery/milestones/new/", form)
    assert r.status_code == 302, r.content.decode()[-2000:]
    m = MilestoneRecord.objects.get(name="Wave 1")
    assert (m.due, m.done) == (dt.date(2019, 3, 31), None)
    event = AuditEvent.objects.get(action="milestone.create")
    assert event.after == {"workstream": 3, "name": "Wave 1", "due": "2019-03-31", "done": None}
    # the same name again in the workstream, a done date in the future: errors on the field
    again = c.post("/delivery/milestones/new/", form)
    assert (
        again.status_code == 400
        and "already has a milestone called Wave 1" in again.content.decode()
    )
    future = c.post(f"/delivery/milestones/{m.pk}/edit/", form | {"done": "2999-01-01"})
    assert future.status_code == 400 and 'href="#done"' in future.content.decode()
    bad = c.post("/delivery/milestones/new/", form | {"name": "W2", "due": "31/13/2019"})
    assert bad.status_code == 400 and 'href="#due"' in bad.content.decode()
    # changed: the due date moves; then done: the grid's critical milestone becomes Complete
    url = f"/delivery/milestones/{m.pk}/edit/"
    assert 'value="Wave 1"' in c.get(url).content.decode()
    assert c.post(url, form | {"due": "2019-06-30"}).status_code == 302
    change = AuditEvent.objects.get(action="milestone.update")
    assert (change.before, change.after) == ({"due": "2019-03-31"}, {"due": "2019-06-30"})
    assert c.post(url, form | {"done": "2019-03-20"}).status_code == 302
    m.refresh_from_db()
    cell.refresh_from_db()
    assert m.due == dt.date(2019, 3, 31) and m.done == dt.date(2019, 3, 20)
    assert cell.status == "Complete"
    assert AuditEvent.objects.filter(action="milestone.update").count() == 2
    # readers have no form
    board = _client(world, "board")
    assert board.get("/delivery/milestones/new/").status_code == 403
    assert board.get(url).status_code == 403
    assert "Add a milestone" not in board.get("/delivery/timeline/").content.decode()


def test_an_initiatives_runs_and_kpi_round_trip_through_the_register_file() -> None:
    """The initiatives register carries the forecast run, the comparison run and the KPI that
    counts arrivals: exported, wiped and imported again, the links come back; a run of another
    organisation or an unknown KPI is refused, naming the row and column."""
    from gpworkforce.web.delivery import registers_io

    world = build_world()
    s1, s2 = _run(world, "scenario-1.toml"), _run(world, "scenario-2.toml")
    kpi = KpiRecord.objects.create(
        organisation_id="QK1", ref="3a", name="Recruits in post", target=30
    )
    Initiative.objects.create(
        organisation_id="QK1",
        name="Retention",
        local=True,
        lever="leaving_rates",
        run=s2,
        comparison_run=s1,
        arrived_kpi=kpi,
    )
    before = registers_io.export_bytes("initiatives", "QK1", "csv")
    text = before.decode("utf-8-sig")
    assert f",{s2.pk},{s1.pk},3a" in text
    Initiative.objects.all().delete()
    actor = world.users["programme"]
    result = registers_io.import_register(actor, "initiatives", "QK1", "i.csv", before)
    assert result.added == 1
    back = Initiative.objects.get(name="Retention")
    assert (back.run_id, back.comparison_run_id, back.arrived_kpi_id) == (s2.pk, s1.pk, kpi.pk)
    assert registers_io.export_bytes("initiatives", "QK1", "csv") == before
    # a comparison run that is the forecast run itself, and a KPI QK1 does not have
    bad = text.replace(f",{s2.pk},{s1.pk},3a", f",{s2.pk},{s2.pk},9z").encode("utf-8-sig")
    with pytest.raises(Exception) as err:
        registers_io.import_register(actor, "initiatives", "QK1", "bad.csv", bad)
    message = str(err.value)
    assert "column 'Comparison run': must be a different run from the forecast run" in message
    assert "column 'Arrived WTE KPI': must be the reference of a KPI of QK1, got '9z'" in message
