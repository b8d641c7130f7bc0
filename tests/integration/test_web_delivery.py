"""Delivery assurance through the web (Django test client, real database): the registers' CSV and
XLSX round trip, formula-injection safety, an override that ends at its expiry, a closed risk that
is not raised again without a new trigger, practices seeing and answering their own items, bad
input as form errors, and every write audited."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.delivery.maturity import load_template
from gpworkforce.web.delivery import actions, registers_io, services
from gpworkforce.web.delivery.models import (
    Initiative,
    KpiOverrideRecord,
    KpiRecord,
    KpiValueRecord,
    MaturityAssessmentRecord,
    MilestoneRecord,
    RiskRecord,
    TimelineEntry,
    Workstream,
)
from gpworkforce.web.delivery.seed import seed_delivery
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

DAY = dt.date(2017, 11, 15)  # a board date inside the LLR plan's first months


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch) -> World:
    w = build_world()
    seed_delivery("QK1")
    monkeypatch.setattr(services, "today", lambda: DAY)
    return w


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


# KPIs before the initiatives that name them (the arrived-WTE KPI)
ORDER = ("plan", "milestones", "kpis", "kpi-values", "initiatives", "risks", "maturity")


def _fill(world: World) -> None:
    """Values, an override, a review history, a mitigation with a due date, a formula-like text
    and a moderated self-assessment, so every column of every register holds something."""
    kpi = KpiRecord.objects.get(organisation_id="QK1", ref="3a")
    actions.record_kpi_value(
        actor=world.users["programme"],
        kpi_id=kpi.pk,
        period_end=dt.date(2017, 9, 30),
        value=4,
        source="=cmd|' /C calc'!A0",  # a spreadsheet would run this
        today=DAY,
    )
    risk = actions.raise_risk(
        actor=world.users["programme"],
        org_code="QK1",
        description="@SUM(1+1) locum rates rise",
        likelihood=2,
        impact=3,
        added=dt.date(2017, 10, 1),
        owner="+44 Head of workforce",
    )
    actions.review_risk(
        actor=world.users["analyst"], risk_id=risk.pk, on=DAY, likelihood=4, impact=4, note="worse"
    )
    matrix = load_template("primary-care-five-pillars")
    a = actions.submit_assessment(
        actor=world.users["manager"],
        matrix=matrix,
        org_code=OWN_PRACTICE,
        period_end=dt.date(2017, 9, 30),
        levels={d.key: matrix.levels[1] for d in matrix.dimensions},
        evidence={matrix.dimensions[0].key: "-minutes of the practice meeting"},
    )
    actions.moderate_assessment(
        actor=world.users["analyst"],
        matrix=matrix,
        assessment_id=a.pk,
        moderated={matrix.dimensions[0].key: matrix.levels[0]},
        note="evidence thin",
    )


def _wipe() -> None:
    for model in (MaturityAssessmentRecord, RiskRecord, KpiRecord, Initiative, Workstream):
        model.objects.all().delete()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_register_round_trips_through_its_file(world: World, fmt: str) -> None:
    _fill(world)
    before = {r: registers_io.export_bytes(r, "QK1", "csv") for r in ORDER}
    files = {r: registers_io.export_bytes(r, "QK1", fmt) for r in ORDER}
    assert all(b.count(b"\n") >= 2 for b in before.values()), before  # header and rows
    _wipe()
    added = 0
    for register in ORDER:
        result = registers_io.import_register(
            world.users["programme"], register, "QK1", f"{register}.{fmt}", files[register]
        )
        assert result.updated == 0 and result.added > 0, (register, result)
        added += result.added
    # every row an import adds is audited, by whom
    events = AuditEvent.objects.filter(action="import.add", actor_username="programme")
    assert events.count() == added
    after = {r: registers_io.export_bytes(r, "QK1", "csv") for r in ORDER}
    assert after == before
    # importing the same files again changes nothing
    for register in ORDER:
        result = registers_io.import_register(
            world.users["programme"], register, "QK1", f"{register}.{fmt}", files[register]
        )
        assert (result.added, result.updated) == (0, 0), (register, result)
    assert not AuditEvent.objects.filter(action="import.update").exists()
    assert AuditEvent.objects.filter(action="risks.import", organisation_code="QK1").count() == 2


def test_exports_are_safe_from_formula_injection(world: World) -> None:
    _fill(world)
    text = registers_io.export_bytes("risks", "QK1", "csv").decode("utf-8-sig")
    assert "'@SUM(1+1) locum rates rise" in text and "'+44 Head of workforce" in text
    values = registers_io.export_bytes("kpi-values", "QK1", "csv").decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in values
    book = openpyxl.load_workbook(io.BytesIO(registers_io.export_bytes("risks", "QK1", "xlsx")))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # no cell is a formula
    assert "'@SUM(1+1) locum rates rise" in [c.value for c in cells]


def test_a_bad_file_is_refused_whole_with_each_problem_located(world: World) -> None:
    good = registers_io.export_bytes("risks", "QK1", "csv").decode("utf-8-sig")
    lines = good.splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("Original likelihood")] = "7"
    bad = "\n".join([lines[0], ",".join(row), *lines[2:]]).encode()
    c = client_for("programme")
    before = RiskRecord.objects.count()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = c.post(
        reverse("delivery-registers"),
        {
            "register": "risks",
            "organisation": "QK1",
            "file": SimpleUploadedFile("risks.csv", bad),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "row 2" in html and "Original likelihood" in html and "from 1 to 5" in html
    assert RiskRecord.objects.count() == before


def test_an_override_shows_until_its_expiry_and_not_a_day_longer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    kpi = KpiRecord.objects.get(organisation_id="QK1", ref="3a")
    c = client_for("programme")
    url = reverse("delivery-kpi-override", args=[kpi.pk])
    # a reason and an expiry are both required
    assert c.post(url, {"rag": "green", "reason": "", "expires": "2017-11-30"}).status_code == 400
    assert c.post(url, {"rag": "green", "reason": "x", "expires": ""}).status_code == 400
    assert not KpiOverrideRecord.objects.exists()
    response = c.post(
        url, {"rag": "green", "reason": "recruits arrive in December", "expires": "2017-11-30"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="kpi.override")
    assert event.after["reason"] == "recruits arrive in December"
    assert event.after["expires"] == "2017-11-30" and event.actor_username == "programme"

    def shown(on: dt.date) -> tuple[str, str]:
        monkeypatch.setattr(services, "today", lambda: on)
        status = services.kpi_status(KpiRecord.objects.get(pk=kpi.pk), on)
        return status.result.rag.value, status.result.computed.value

    assert shown(dt.date(2017, 11, 30)) == ("green", "not reported")
    # the day after the expiry the computed RAG shows again (amber: workstream 3's November
    # milestone fell due on 30 November and is not done)
    assert shown(dt.date(2017, 12, 1)) == ("amber", "amber")
    page = c.get(reverse("delivery-kpi", args=[kpi.pk])).content.decode()
    assert "kpi.jinja" not in page and "expired" in page and "overdue" in page


def _red_kpi(world: World) -> KpiRecord:
    kpi = KpiRecord.objects.get(organisation_id="QK1", ref="3a")  # target 30 WTE, amber within 10
    actions.record_kpi_value(
        actor=world.users["programme"],
        kpi_id=kpi.pk,
        period_end=dt.date(2017, 9, 30),
        value=4,
        source="recruitment tracker",
        today=DAY,
    )
    return kpi


def test_a_red_kpi_proposes_a_risk_that_is_not_raised_again_once_closed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    kpi = _red_kpi(world)
    made = services.refresh_proposals(None, "QK1", DAY)
    kpi_proposals = [r for r in made if r.trigger.startswith("kpi:QK1:3a")]
    assert len(kpi_proposals) == 1 and kpi_proposals[0].status == "proposed"
    proposal = kpi_proposals[0]
    assert "4.0 WTE is 26.0 WTE short of the target of 30.0 WTE" in proposal.description
    c = client_for("programme")
    # dismissing needs a reason
    url = reverse("risk-action", args=[proposal.pk, "dismiss"])
    assert c.post(url, {"reason": ""}).status_code == 400
    dismissed = c.post(url, {"reason": "covered by R008"})
    assert dismissed.status_code == 302, dismissed.content.decode().split("error-summary__list")[
        -1
    ][:600]
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.closure_reason == "covered by R008"
    # the same condition, seen again on later days, raises nothing and reopens nothing
    for later in (DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=90)):
        assert [
            r
            for r in services.refresh_proposals(None, "QK1", later)
            if r.trigger.startswith("kpi:QK1:3a:")  # (other KPIs may turn red meanwhile)
        ] == []
    proposal.refresh_from_db()
    assert proposal.status == "dismissed"
    # the owner cannot review or accept a dismissed risk through the web either
    review = c.post(
        reverse("risk-action", args=[proposal.pk, "review"]),
        {"on": "2017-11-20", "likelihood": "3", "impact": "3"},
    )
    assert review.status_code == 400 and "dismissed" in review.content.decode()
    # a new occurrence (a new red value recorded after the dismissal) is a new proposal
    later = DAY + dt.timedelta(days=100)
    monkeypatch.setattr(services, "today", lambda: later)
    actions.record_kpi_value(
        actor=world.users["programme"],
        kpi_id=kpi.pk,
        period_end=dt.date(2017, 12, 31),
        value=6,
        source="recruitment tracker",
        today=later,
    )
    again = [
        r
        for r in services.refresh_proposals(None, "QK1", later)
        if r.trigger.startswith("kpi:QK1:3a:")
    ]
    assert len(again) == 1 and again[0].pk != proposal.pk
    proposal.refresh_from_db()
    assert proposal.status == "dismissed"


def test_a_file_cannot_reopen_a_closed_risk(world: World) -> None:
    risk = RiskRecord.objects.get(organisation_id="QK1", ref="R001")
    data = registers_io.export_bytes("risks", "QK1", "csv")
    actions.close_risk(actor=None, risk_id=risk.pk, on=DAY, reason="posts funded")
    with pytest.raises(Exception, match="not reopen risk R001"):
        registers_io.import_register(None, "risks", "QK1", "risks.csv", data)
    risk.refresh_from_db()
    assert risk.status == "closed"


def test_raising_reviewing_and_closing_through_the_pages_is_audited(world: World) -> None:
    c = client_for("programme")
    bad = c.post(
        reverse("risk-new"), {"organisation": "QK1", "description": "x", "likelihood": "9"}
    )
    assert bad.status_code == 400 and "from 1 to 5" in bad.content.decode()
    response = c.post(
        reverse("risk-new"),
        {
            "organisation": "QK1",
            "description": "Practice nurses retiring faster than trainees qualify",
            "likelihood": "3",
            "impact": "4",
            "added": "2017-11-01",
            "owner": "Head of nursing",
        },
    )
    assert response.status_code == 302
    risk = RiskRecord.objects.get(description__startswith="Practice nurses")
    assert risk.ref == "R011"  # after the log's R001-R010
    url = reverse("risk-action", args=[risk.pk, "review"])
    assert c.post(url, {"on": "2017-10-01", "likelihood": "4", "impact": "4"}).status_code == 400
    assert (
        c.post(
            url, {"on": "2017-11-10", "likelihood": "4", "impact": "4", "note": "3 retired"}
        ).status_code
        == 302
    )
    page = c.get(reverse("risk-detail", args=[risk.pk])).content.decode()
    assert "4 x 4 = 16" in page and "Up" in page and "Significant" in page
    close = reverse("risk-action", args=[risk.pk, "close"])
    assert c.post(close, {"closed_on": "2017-11-12", "reason": ""}).status_code == 400
    assert (
        c.post(close, {"closed_on": "2017-11-12", "reason": "merged into R003"}).status_code == 302
    )
    actions_seen = list(
        AuditEvent.objects.filter(object_type="RiskRecord", object_id=str(risk.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions_seen) == ["risk.close", "risk.raise", "risk.review"]
    # closed: no more reviews
    assert c.post(url, {"on": "2017-11-13", "likelihood": "1", "impact": "1"}).status_code == 400


def test_a_practice_sees_and_answers_only_its_own_items(world: World) -> None:
    own = actions.raise_risk(
        actor=None,
        org_code=OWN_PRACTICE,
        description="Single-handed GP retiring",
        likelihood=4,
        impact=4,
        added=DAY,
    )
    other = actions.raise_risk(
        actor=None, org_code="C82002", description="Beta's risk", likelihood=2, impact=2, added=DAY
    )
    c = client_for("manager")
    listing = c.get(reverse("risk-list")).content.decode()
    assert "Single-handed GP retiring" in listing and "Beta&#39;s risk" not in listing
    assert "Doctors in training" not in listing  # the ICB's register (R002) is not the practice's
    assert c.get(reverse("risk-detail", args=[other.pk])).status_code == 404
    assert (
        c.post(
            reverse("risk-answer", args=[own.pk]), {"text": "Recruiting a salaried GP"}
        ).status_code
        == 302
    )
    assert c.post(reverse("risk-action", args=[own.pk, "review"]), {}).status_code == 403
    assert (
        "Recruiting a salaried GP"
        in client_for("analyst").get(reverse("risk-detail", args=[own.pk])).content.decode()
    )
    assert AuditEvent.objects.filter(action="risk.answer", actor_username="manager").count() == 1


def test_board_viewers_read_but_never_write(world: World) -> None:
    c = client_for("board")
    for name in (
        "delivery-plan",
        "delivery-board",
        "delivery-timeline",
        "delivery-initiatives",
        "risk-list",
        "maturity",
        "resilience",
    ):
        assert c.get(reverse(name)).status_code == 200, name
    assert c.post(reverse("risk-new"), {}).status_code == 403
    kpi = KpiRecord.objects.get(ref="3a")
    assert c.post(reverse("delivery-kpi-override", args=[kpi.pk]), {}).status_code == 403


def test_the_board_summary_and_pages_show_the_llr_plan(world: World) -> None:
    c = client_for("board")
    board = c.get(reverse("delivery-board")).content.decode()
    # on 15 November 2017 the October milestones (rows 1, 5 and 9) are overdue
    assert "3 overdue milestones" in board
    initiatives = c.get(reverse("delivery-initiatives")).content.decode()
    assert "8 national and 13 local" in initiatives  # LLR Table 16
    timeline = c.get(reverse("delivery-timeline")).content.decode()
    assert "3 critical milestones overdue" in timeline and "<svg" in timeline
    assert "Today, 15 Nov 2017" in timeline
    earlier = c.get(reverse("delivery-timeline") + "?on=2017-10-15").content.decode()
    assert "As at, 15 Oct 2017" in earlier and "No critical milestone is overdue" in earlier
    # years after the 2017-19 plan: no dashed line squeezing the plan to a sliver, and the page
    # says so instead of pointing at a line that is not drawn
    late = c.get(reverse("delivery-timeline") + "?on=2026-12-05").content.decode()
    assert "As at, 5 Dec 2026" not in late and "<svg" in late
    import html

    assert "5 December 2026 is after the plan's last period, so the chart does not mark it" in (
        html.unescape(late)
    )
    assert "The dashed line marks" not in late and "The dashed line marks" in earlier
    risks = c.get(reverse("risk-list")).content.decode()
    assert "7 significant of 10" in risks  # Figure 15: R001, R002, R004, R005, R006, R008, R010
    assert TimelineEntry.objects.count() == 13 * 13 and MilestoneRecord.objects.count() == 28
    done = MilestoneRecord.objects.filter(due=dt.date(2017, 10, 31)).first()
    p = client_for("programme")
    assert (
        p.post(
            reverse("delivery-milestone-done", args=[done.pk]), {"done": "2017-11-01"}
        ).status_code
        == 302
    )
    assert MilestoneRecord.objects.get(pk=done.pk).done == dt.date(2017, 11, 1)
    # the board marks a met milestone Complete on the timeline: one fewer overdue
    assert "2 critical milestones overdue" in c.get(reverse("delivery-timeline")).content.decode()
    assert "2 overdue milestones" in c.get(reverse("delivery-board")).content.decode()


def test_moderation_is_by_someone_other_than_the_assessor(world: World) -> None:
    matrix = load_template("primary-care-five-pillars")
    c = client_for("manager")
    form = {"matrix": matrix.key, "organisation": OWN_PRACTICE, "period_end": "2017-09-30"}
    missing = c.post(reverse("maturity-assess"), form)
    assert missing.status_code == 400 and matrix.dimensions[0].name in missing.content.decode()
    form |= {f"level-{d.key}": matrix.levels[2] for d in matrix.dimensions}
    assert c.post(reverse("maturity-assess"), form).status_code == 302
    a = MaturityAssessmentRecord.objects.get(organisation_id=OWN_PRACTICE)
    assert a.submitted_by == "manager"
    with pytest.raises(actions.FieldError, match="may not change"):
        actions.moderate_assessment(
            actor=world.users["manager"], matrix=matrix, assessment_id=a.pk, moderated={}, note=""
        )
    # an analyst who submits a practice's self-assessment cannot moderate it either
    own = actions.submit_assessment(
        actor=world.users["analyst"],
        matrix=matrix,
        org_code="C82003",  # under 04C: the 03W heat map below is C82001's alone
        period_end=dt.date(2017, 9, 30),
        levels={d.key: matrix.levels[1] for d in matrix.dimensions},
        evidence={},
    )
    with pytest.raises(actions.FieldError, match="cannot moderate"):
        actions.moderate_assessment(
            actor=world.users["analyst"], matrix=matrix, assessment_id=own.pk, moderated={}, note=""
        )
    analyst = client_for("analyst")
    r = analyst.post(
        reverse("maturity-moderate", args=[a.pk]),
        {f"moderated-{matrix.dimensions[0].key}": matrix.levels[0], "note": "no evidence"},
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.moderated == {matrix.dimensions[0].key: matrix.levels[0]} and a.reviewer == "analyst"
    heat = analyst.get(reverse("maturity") + f"?matrix={matrix.key}&by=sub_icb").content.decode()
    assert "East Leicestershire and Rutland" in heat
    # 03W: C82001 at Step 2 on each dimension, moderated to Foundation on the first; 04C: C82003
    assert heat.count("mean 0.0 of 3") == 1 and heat.count("mean 2.0 of 3") == 4
    assert heat.count("mean 1.0 of 3") == 5


def test_kpi_values_enter_with_their_source_and_feed_the_rag(world: World) -> None:
    kpi = KpiRecord.objects.get(organisation_id="QK1", ref="3a")
    c = client_for("programme")
    url = reverse("delivery-kpi-value", args=[kpi.pk])
    assert c.post(url, {"period_end": "2017-09-30", "value": "25", "source": ""}).status_code == 400
    assert (
        c.post(url, {"period_end": "2017-09-30", "value": "abc", "source": "tracker"}).status_code
        == 400
    )
    assert (
        c.post(url, {"period_end": "2017-12-31", "value": "25", "source": "tracker"}).status_code
        == 400
    )  # future
    assert not KpiValueRecord.objects.exists()
    assert (
        c.post(url, {"period_end": "2017-09-30", "value": "25", "source": "tracker"}).status_code
        == 302
    )
    status = services.kpi_status(KpiRecord.objects.get(pk=kpi.pk), DAY)
    assert status.result.computed.value == "amber"  # 5 short of 30, within 10


def _plan_alert(plan_id: int, period: str, raised: dt.datetime) -> None:
    from gpworkforce.web.plans.models import Plan, PlanAlert

    plan = Plan.objects.get(pk=plan_id)
    PlanAlert.objects.create(
        plan=plan,
        version=plan.adopted_version,
        staff_group="gp",
        period=period,
        kind="target_unreachable",
        message="P(target met) 0.12, below 0.2",
        evidence={"probability": 0.12},
        raised_at=raised,
    )


def test_a_plan_alert_proposes_a_risk_in_the_plans_register(world: World) -> None:
    from gpworkforce.web.plans.actions import adopt, create_plan
    from gpworkforce.web.plans.testing import tiny_plan

    plan = create_plan(actor=None, org_code="03W", document=tiny_plan("03W", name="ELR GP plan"))
    adopt(actor=None, plan_id=plan.pk)
    _plan_alert(plan.pk, "2017/18 Q2", dt.datetime(2017, 11, 10, 12, tzinfo=dt.UTC))
    made = [
        r for r in services.refresh_proposals(None, "QK1", DAY) if r.trigger.startswith("plan:")
    ]
    assert len(made) == 1
    risk = made[0]
    assert risk.organisation_id == "03W" and risk.status == "proposed"
    assert risk.trigger_on == dt.date(2017, 11, 10)
    assert (
        "Plan alert: ELR GP plan, GPs: target unlikely to be met (2017/18 Q2)" in risk.description
    )
    assert (risk.original_likelihood, risk.original_impact) == (4, 4)
    c = client_for("analyst")
    assert (
        c.post(
            reverse("risk-action", args=[risk.pk, "dismiss"]), {"reason": "plan under revision"}
        ).status_code
        == 302
    )
    # the same open alert raises nothing again
    assert not [
        r for r in services.refresh_proposals(None, "QK1", DAY) if r.trigger.startswith("plan:")
    ]
    # the next quarter's alert of the same kind is a new occurrence
    later = DAY + dt.timedelta(days=100)
    _plan_alert(plan.pk, "2017/18 Q4", dt.datetime(2018, 2, 20, 12, tzinfo=dt.UTC))
    again = [
        r for r in services.refresh_proposals(None, "QK1", later) if r.trigger.startswith("plan:")
    ]
    assert len(again) == 1 and "2017/18 Q4" in again[0].description
    risk.refresh_from_db()
    assert risk.status == "dismissed"


def test_resilience_weights_and_a_review_that_proposes_risks_for_the_watch_list(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gpworkforce.delivery.resilience import Indicator
    from gpworkforce.web.delivery.models import ResilienceReview, ResilienceSettings

    c = client_for("programme")
    form = {f"weight-{i.value}": "1" for i in Indicator}
    form |= {f"starts-{i.value}": "0" for i in Indicator} | {
        f"full-{i.value}": "50" for i in Indicator
    }
    form["threshold"] = "35"
    bad = c.post(reverse("resilience-settings"), form | {"weight-single_handed": "-1"})
    assert bad.status_code == 400 and "must not be negative" in bad.content.decode()
    assert c.post(reverse("resilience-settings"), form).status_code == 302
    saved = ResilienceSettings.objects.get(organisation_id="QK1")
    assert (
        saved.config["watch_threshold"] == 35
        and saved.config["rules"]["over55_share"]["full"] == 0.5
    )
    assert AuditEvent.objects.filter(action="resilience.settings").count() == 1

    scores = [
        {
            "code": OWN_PRACTICE,
            "name": "Alpha Surgery",
            "score": 62.5,
            "rank": 1,
            "watch": True,
            "reasons": ["single-handed practice"],
            "missing": [],
            "parent": "03W",
        },
        {
            "code": "C82002",
            "name": "Beta Medical Centre",
            "score": 10.0,
            "rank": 2,
            "watch": False,
            "reasons": [],
            "missing": [],
            "parent": "03W",
        },
    ]
    seen: dict[str, object] = {}

    def fake(org_code: str, census: dt.date, previous: dt.date | None, config: object) -> list:
        seen.update(org=org_code, census=census, threshold=config.watch_threshold)  # type: ignore[attr-defined]
        return scores

    monkeypatch.setattr(services, "compute_scores", fake)
    assert c.post(reverse("resilience-review"), {"census": "2017-09-30"}).status_code == 302
    assert seen == {"org": "QK1", "census": dt.date(2017, 9, 30), "threshold": 35}
    review = ResilienceReview.objects.get()
    assert review.config["watch_threshold"] == 35
    proposal = RiskRecord.objects.get(trigger=f"resilience:{OWN_PRACTICE}")
    assert proposal.organisation_id == OWN_PRACTICE and proposal.status == "proposed"
    assert "Resilience score 62.5 of 100: single-handed practice." in proposal.description
    # the practice sees its own item and answers it; the ICB's page lists both practices
    manager = client_for("manager")
    assert "Resilience score 62.5" in manager.get(reverse("risk-list")).content.decode()
    page = manager.get(reverse("resilience")).content.decode()
    assert "Alpha Surgery" in page and "Beta Medical Centre" not in page
    assert "Beta Medical Centre" in c.get(reverse("resilience")).content.decode()
    # reviewing again the same day proposes nothing new
    assert c.post(reverse("resilience-review"), {"census": "2017-09-30"}).status_code == 302
    assert RiskRecord.objects.filter(trigger__startswith="resilience:").count() == 1


def test_initiatives_show_the_funding_register_entries_they_draw_on(world: World) -> None:
    from gpworkforce.web.finance.seed import seed_llr_finance

    seed_llr_finance("QK1")
    page = client_for("analyst").get(reverse("delivery-initiatives")).content.decode()
    row = next(r for r in page.split("<tr") if "Correspondence Management" in r)
    assert "GP5YFV practice workforce development (administrative staff)" in row
    # scenarios/llr-2017/funding.csv: 95,000 + 3 x 190,000 for 2016/17 to 2019/20
    assert "£665,000 over 4 years" in row
    board = client_for("board").get(reverse("delivery-initiatives")).content.decode()
    assert "£665,000 over 4 years" in board


def test_the_seed_command_refuses_an_unknown_organisation_and_seeds_once(world: World) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must be a known organisation code"):
        call_command("seed_delivery", org="ZZZ", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_delivery", org="qk1", stdout=out)  # seeded by the fixture already
    assert "0 workstreams, 0 milestones, 0 initiatives, 0 risks, 0 kpis added" in out.getvalue()
    assert RiskRecord.objects.filter(organisation_id="QK1").count() == 10


def test_an_import_that_changes_a_row_audits_the_change(world: World) -> None:
    text = registers_io.export_bytes("initiatives", "QK1", "csv").decode("utf-8-sig")
    changed = text.replace("Nurse Associates,,yes,", "Nurse Associates,,yes,,,Head of nursing,")
    assert changed != text
    result = registers_io.import_register(
        world.users["analyst"], "initiatives", "QK1", "initiatives.csv", changed.encode()
    )
    assert (result.added, result.updated) == (0, 1)
    event = AuditEvent.objects.get(action="import.update")
    assert event.after == {"lead": ["", "Head of nursing"]} and event.actor_username == "analyst"
    assert (
        Initiative.objects.get(organisation_id="QK1", name="Nurse Associates").lead
        == "Head of nursing"
    )
