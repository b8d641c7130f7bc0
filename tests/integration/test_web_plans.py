"""Plans in the web app: immutability in the models, audited actions, alerts recorded and read by
other apps, the home page, and a spreadsheet's problems named by row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from gpworkforce.web.models import AuditEvent, ImmutableRecord
from gpworkforce.web.plans.actions import adopt, close, create_plan, revise
from gpworkforce.web.plans.alerts import open_alerts, refresh_alerts
from gpworkforce.web.plans.models import (
    ALERT_WORDING,
    Plan,
    PlanAlert,
    PlanVersion,
    RecalculationPoint,
)
from gpworkforce.web.plans.testing import tiny_plan
from gpworkforce.web.plans.tracking import tracked
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db


def test_versions_points_and_closed_plans_never_change() -> None:
    build_world()
    plan = create_plan(actor=None, org_code="QK1", document=tiny_plan())
    v1 = PlanVersion.objects.get(plan=plan)
    v1.reason = "edited in place"
    with pytest.raises(ImmutableRecord):
        v1.save()
    with pytest.raises(ImmutableRecord):
        v1.delete()
    with pytest.raises(ImmutableRecord):
        plan.delete()
    adopt(actor=None, plan_id=plan.pk)
    plan.refresh_from_db()
    plan.state = "draft"
    with pytest.raises(ImmutableRecord):
        plan.save()
    plan.refresh_from_db()
    plan.name = "renamed"
    with pytest.raises(ImmutableRecord):
        plan.save()
    plan.refresh_from_db()
    # a re-baseline is a new version with its reason; the first stays as it was
    v2 = revise(actor=None, plan_id=plan.pk, reason="new funding")
    plan.refresh_from_db()
    assert (v2.number, plan.adopted_version) == (2, 2)
    assert v2.library_plan().revisions[-1].reason == "new funding"
    assert PlanVersion.objects.get(plan=plan, number=1).document == v1.document
    plan.adopted_version = 1
    with pytest.raises(ImmutableRecord):
        plan.save()
    point = RecalculationPoint.objects.create(
        plan=plan, date=dt.date(2018, 9, 30), reason="x", recorded_at=v2.created_at
    )
    point.reason = "y"
    with pytest.raises(ImmutableRecord):
        point.save()
    close(actor=None, plan_id=plan.pk, reason="superseded")
    plan.refresh_from_db()
    plan.closed_reason = "reopened"
    with pytest.raises(ImmutableRecord):
        plan.save()
    actions = list(
        AuditEvent.objects.filter(object_type="Plan")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["plan.create", "plan.adopt", "plan.rebaseline", "plan.close"]


def test_an_alert_is_recorded_shown_on_home_and_cleared() -> None:
    """No actuals for the plan's organisation: a target plan with no fan and a latest actual far
    below it is unreachable; here the alert is made from the library's tracking result."""
    from gpworkforce.plans.model import StaffGroup
    from gpworkforce.plans.tracking import track

    world = build_world()
    doc = tiny_plan(target=12.0)
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    actuals = {StaffGroup.GP: {dt.date(2017, 9, 30): 10.0, dt.date(2018, 9, 30): 9.0}}
    result = track(doc, actuals, source="test")
    assert [a.kind.value for a in result.alerts] == ["target_unreachable"]
    assert refresh_alerts(plan, result) == 1
    alert = PlanAlert.objects.get()
    assert alert.evidence["latest_actual"] == 9.0 and alert.cleared_at is None
    # other apps (the risk register): by the organisation or one above it, not another's
    assert [a.pk for a in open_alerts("QK1")] == [alert.pk]
    assert list(open_alerts("QXX")) == []
    client = Client()
    client.force_login(world.users["board"])
    page = client.get("/").content.decode()
    assert "Plan alerts (1)" in page and "Target unlikely to be met" in page
    client.force_login(world.users["submitter"])
    assert "Plan alerts" not in client.get("/").content.decode()
    # no longer found: cleared, never deleted
    refresh_alerts(plan, None)
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert list(open_alerts("QK1")) == []


SHEET_PROBLEMS = [
    (
        "staff group,measure,2017/18 Q2,2018/19 Q2\nGPs,Plan WTE,10,abc\n",
        "row 2, column '2018/19 Q2': must be a number of at least 0, got 'abc'",
    ),
    (
        "staff group,measure,2017/18 Q2,2018/19 Q2\nDoctors,Plan WTE,10,12\n",
        "row 2, column 'staff group': must be one of",
    ),
    (
        "staff group,measure,2017/18 Q2,Someday\nGPs,Plan WTE,10,12\n",
        "row 1, column 'Someday': must be a quarter like 2024/25 Q1",
    ),
    (
        "staff group,measure,2017/18 Q2,2018/19 Q2\nGPs,Plan WTE,10,12\nGPs,Target WTE,,13\n",
        "Target source: say where the targets come from",
    ),
]


@pytest.mark.parametrize(("text", "problem"), SHEET_PROBLEMS)
def test_a_bad_spreadsheet_is_a_form_error_naming_row_and_column(text: str, problem: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    response = client.post(
        "/plans/new/",
        {
            "organisation": "QK1",
            "name": "BLMK style",
            "file": SimpleUploadedFile("plan.csv", text.encode()),
        },
    )
    assert response.status_code == 400
    assert problem in response.content.decode().replace("&#39;", "'")
    assert not Plan.objects.exists()


def test_a_spreadsheet_becomes_a_draft_plan_and_its_quarterly_table_reads_back() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    text = (
        "staff group,measure,2017/18 Q2,2018/19 Q2\n"
        "GPs,Plan WTE,10,12\nGPs,P10 WTE,9,11\nGPs,P90 WTE,11,13\n"
        "GPs,Target WTE,,12.5\nNurses,Plan WTE,5,5.5\n"
        'Nurses,"Target per 1,000",,0.5\nNurses,Registered patients,,12000\n'
    )
    response = client.post(
        "/plans/new/",
        {
            "organisation": "QK1",
            "name": "BLMK style",
            "file": SimpleUploadedFile("plan.csv", text.encode()),
            "trajectory_source": "BLMK Table 1",
            "target_source": "BLMK Table 1",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    doc = plan.latest_version().library_plan()
    gp = next(t for t in doc.scenarios if t.staff_group.value == "gp")
    assert [(p.date, p.central, p.p10, p.p90) for p in gp.points] == [
        (dt.date(2017, 9, 30), 10.0, 9.0, 11.0),
        (dt.date(2018, 9, 30), 12.0, 11.0, 13.0),
    ]
    assert doc.targets[0].wte == 12.5 and doc.targets[0].date == dt.date(2018, 9, 30)
    assert {t.staff_group.value for t in doc.scenarios} == {"gp", "nurses"}
    nurses = next(t for t in doc.targets if t.staff_group.value == "nurses")
    # 0.5 WTE per 1,000 of 12,000 patients = 6 WTE
    assert (nurses.per_1000, nurses.registered, nurses.value) == (0.5, 12000.0, 6.0)
    assert tracked(plan).plan.name == "BLMK style"
    with transaction.atomic():
        assert AuditEvent.objects.filter(action="plan.create").count() == 1


def test_downloads_neutralise_formulas() -> None:
    """A scenario named like a formula comes out of the CSV and the workbook as text."""
    import io

    import openpyxl

    from plans_support import Y2017, Y2018, load_gpw_fte

    world = build_world()
    load_gpw_fte(
        {(code, on): 3.0 for code in ("C82001", "C82002", "C82003") for on in (Y2017, Y2018)}
    )
    doc = tiny_plan()
    evil = doc.model_copy(
        update={
            "adopted": '=HYPERLINK("http://x","y")',
            "scenarios": tuple(
                t.model_copy(update={"scenario": '=HYPERLINK("http://x","y")'})
                for t in doc.scenarios
            ),
        }
    )
    plan = create_plan(actor=None, org_code="QK1", document=evil)
    client = Client()
    client.force_login(world.users["board"])
    csv = client.get(f"/plans/{plan.pk}/download/plan_score_summary.csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    xlsx = client.get(f"/plans/{plan.pk}/download/plan_score_summary.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith("=") for c in cells)


_OLD_SENTENCE = "probability of meeting the target (12.0 WTE by Mar 2021) is 0%, below 20%"


@pytest.mark.parametrize("wording", [0, ALERT_WORDING])
def test_an_alert_stored_in_an_older_wording_is_refreshed_before_a_page_shows_it(
    wording: int,
) -> None:
    """Alerts stored before the plan-without-a-fan sentence was corrected kept "probability ...
    is 0%" until alerts were next refreshed (issue 14). One stored in the older wording (0, as
    migration plans.0002 marks every row stored before) is refreshed from the current data
    before the home page, the plans list or the risk register read it; one in the current
    wording is shown as stored (the control: the page does show a stored sentence)."""
    world = build_world()
    doc = tiny_plan(target=12.0)
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    stored = PlanAlert.objects.create(
        plan=plan,
        version=plan.adopted_version,
        staff_group="gp",
        period="2018/19 Q2",
        kind="target_unreachable",
        message=_OLD_SENTENCE,
        evidence={"probability": 0.0, "threshold": 0.2, "target": 12.0},
        raised_at=dt.datetime(2018, 10, 1, tzinfo=dt.UTC),
        wording=wording,
    )
    client = Client()
    client.force_login(world.users["board"])
    page = client.get("/").content.decode()
    plans_page = client.get("/plans/").content.decode()
    shown = [a.message for a in open_alerts("QK1")]
    stored.refresh_from_db()
    if wording == ALERT_WORDING:
        assert "is 0%" in page and shown == [_OLD_SENTENCE] and stored.message == _OLD_SENTENCE
        return
    assert "is 0%" not in page and "is 0%" not in plans_page
    assert not any("is 0%" in m for m in shown)
    # refreshed from the current data: reworded, or cleared if the data no longer raise it
    now = tracked(plan).tracking
    found = [a.message for a in now.alerts] if now is not None else []
    assert shown == found
    assert (stored.cleared_at is None and stored.message in found) or (
        stored.cleared_at is not None and stored.message == _OLD_SENTENCE
    )


@pytest.mark.django_db(transaction=True)  # each action commits, as a request's does
def test_accepting_a_return_raises_the_alert_it_causes(fast_dashboards: None) -> None:
    """The plan's band at 30 Sep 2018 is 11 to 13 WTE; C82001's return of 72 sessions (8.0 WTE)
    with the others' GPW figures (3.0 + 3.5) makes 14.5: above P90, raised once the acceptance
    commits (the data-change hook's task), with the evidence."""
    from plans_support import Y2018, accept_own_return, load_gpw, the_plan

    world = build_world()
    load_gpw()
    plan_id = the_plan()
    assert not PlanAlert.objects.exists()
    accept_own_return(world, Y2018, sessions=72.0)
    alert = PlanAlert.objects.get(plan_id=plan_id, kind="outside_band")
    assert alert.period == "2018/19 Q2"
    assert alert.evidence == {"actual": 14.5, "p10": 11.0, "plan": 12.0, "p90": 13.0}
    assert [a.pk for a in open_alerts("03W")] == []  # the ICB's plan, not the sub-ICB's
    assert alert.pk in [a.pk for a in open_alerts("QK1")]


def test_a_recalculation_point_recorded_on_the_page_splits_the_limits() -> None:
    """Four GPW Septembers (10, 11, 12, 16 WTE): the analyst says the process changed from
    September 2019; the limits are then computed for 2017-2018 and for 2019-2020 apart
    (means 10.5 and 14.0), with the reason, and the action is audited."""
    from plans_support import load_gpw_fte

    world = build_world()
    values = {2017: 10.0, 2018: 11.0, 2019: 12.0, 2020: 16.0}
    load_gpw_fte(
        {("C82001", dt.date(year, 9, 30)): v for year, v in values.items()},
        source="gpw-practice-year-gp-admin:FY2018-FY2021:unknown-vintage:000000000000",
    )
    doc = tiny_plan(points=((dt.date(2017, 9, 30), 10.0), (dt.date(2020, 9, 30), 13.0)))
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    client = Client()
    client.force_login(world.users["analyst"])
    url = f"/plans/{plan.pk}/recalculations/"
    assert client.post(url, {"period": "2019-09-30", "reason": ""}).status_code == 302
    assert not RecalculationPoint.objects.exists()  # no reason: refused
    client.post(url, {"period": "2019-09-30", "reason": "new ARRS roles counted"})
    spc = tracked(plan).tracking.groups[0].spc  # type: ignore[union-attr]
    assert spc is not None
    assert [(s.start, s.end, s.mean, s.reason) for s in spc.segments] == [
        ("2017/18 Q2", "2018/19 Q2", 10.5, "initial baseline"),
        ("2019/20 Q2", "2020/21 Q2", 14.0, "new ARRS roles counted"),
    ]
    assert AuditEvent.objects.filter(action="plan.recalculation").count() == 1
    board = Client()
    board.force_login(world.users["board"])
    assert board.post(url, {"period": "2018-09-30", "reason": "x"}).status_code == 403


def test_the_plan_pages_show_no_internal_key() -> None:
    from gpworkforce import labels
    from plans_support import Y2018, accept_own_return, load_gpw, the_plan

    world = build_world()
    load_gpw()
    plan_id = the_plan()
    accept_own_return(world, Y2018, sessions=72.0)  # an alert, a return's provenance
    client = Client()
    client.force_login(world.users["analyst"])
    for path in ("", "groups/gp/", "score/", "download/plan_tracking.csv"):
        text = client.get(f"/plans/{plan_id}/{path}").content.decode("utf-8-sig")
        assert labels.internal_keys_in(text) == [], path
    client.force_login(world.users["submitter"])
    text = client.get("/plans/practice/C82001/").content.decode()
    assert labels.internal_keys_in(text) == []


def test_the_downloaded_quarterly_workbook_reads_back_as_a_rebaseline() -> None:
    """The quarterly table downloaded as Excel (a title above it, notes below it) is uploaded as
    the plan's re-baseline: version 2 has the plan's five quarters (10.0 in September 2017 to
    12.0 in September 2018) and its 12 WTE target."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans_support import load_gpw, the_plan

    world = build_world()
    load_gpw()
    plan_id = the_plan()
    client = Client()
    client.force_login(world.users["analyst"])
    book = client.get(f"/plans/{plan_id}/download/plan_quarterly.xlsx").content
    response = client.post(
        f"/plans/{plan_id}/revise/",
        {
            "reason": "re-baselined from the quarterly table",
            "file": SimpleUploadedFile("quarterly.xlsx", book),
            "target_source": "the plan's own target",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(pk=plan_id)
    assert plan.adopted_version == 2
    doc = plan.tracked_version().library_plan()
    points = doc.scenarios[0].points
    assert [p.date for p in points] == [
        dt.date(2017, 9, 30),
        dt.date(2017, 12, 31),
        dt.date(2018, 3, 31),
        dt.date(2018, 6, 30),
        dt.date(2018, 9, 30),
    ]
    assert (points[0].central, points[-1].central) == (10.0, 12.0)
    assert doc.targets[0].wte == 12.0 and doc.revisions[-1].reason.startswith("re-baselined")


def test_a_finished_run_becomes_a_plan_then_its_rebaseline() -> None:
    """Run quarters 10.0 (9.0-11.0), 10.5, 11.0 (9.8-12.2) become a new draft plan's trajectory
    with the run as its source; once adopted, a second adoption of the run is a re-baseline."""
    from runs_support import finished_run

    world = build_world()
    run = finished_run("QK1")
    client = Client()
    client.force_login(world.users["analyst"])
    url = f"/plans/from-run/{run.pk}/"
    assert url in client.get("/plans/").content.decode()  # offered on the plans page
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"plan": "new", "name": "From the run", "reason": ""}).status_code == 400
    )
    response = client.post(url, {"plan": "new", "name": "From the run", "reason": "agreed"})
    assert response.status_code == 302
    plan = Plan.objects.get(name="From the run")
    doc = plan.latest_version().library_plan()
    points = doc.scenarios[0].points
    assert [(p.date.isoformat(), p.central, p.p10, p.p90) for p in points] == [
        ("2017-09-30", 10.0, 9.0, 11.0),
        ("2017-12-31", 10.5, 9.4, 11.6),
        ("2018-03-31", 11.0, 9.8, 12.2),
    ]
    assert doc.adopted == "Scenario 3" and f"run {run.pk}" in doc.scenarios[0].source
    assert doc.targets == ()  # the run's scenario had no target
    # a run whose scenario has a target gives it to a new plan, saying where it came from
    with_target = finished_run("QK1", name="Scenario 2")
    results = {
        **with_target.results,
        "target": {"label": "NHSE target", "date": "2018-03-31", "wte": 12.5, "per_1000": None},
    }
    type(with_target).objects.filter(pk=with_target.pk).update(results=results)
    response = client.post(
        f"/plans/from-run/{with_target.pk}/",
        {"plan": "new", "name": "With a target", "reason": "agreed"},
    )
    assert response.status_code == 302
    (target,) = Plan.objects.get(name="With a target").latest_version().library_plan().targets
    assert (target.staff_group.value, target.date, target.wte, target.label) == (
        "gp",
        dt.date(2018, 3, 31),
        12.5,
        "NHSE target",
    )
    assert f"scenario 'Scenario 2' (version 1), run {with_target.pk}" in target.source
    adopt(actor=None, plan_id=plan.pk)
    client.post(url, {"plan": str(plan.pk), "name": "", "reason": "re-run with new data"})
    plan.refresh_from_db()
    assert plan.adopted_version == 2
    assert AuditEvent.objects.filter(action="plan.rebaseline").count() == 1
    board = Client()
    board.force_login(world.users["board"])
    assert board.get(url).status_code == 403
