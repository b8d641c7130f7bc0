"""What the delivery pages read: scoped querysets, KPI RAG, triggers for risk proposals, the
resilience review and the board summary. Computation is the library's; this module only gathers
the registers' rows and passes them, with "today", to :mod:`gpworkforce.delivery`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gpworkforce.delivery.kpis import KpiValue, Rag, RagResult, kpi_rag
from gpworkforce.delivery.maturity import MaturityMatrix, load_template, template_names
from gpworkforce.delivery.resilience import (
    DEFAULT_RESILIENCE,
    LABELS,
    ResilienceConfig,
    watch_list,
)
from gpworkforce.delivery.resilience_data import practice_measures
from gpworkforce.delivery.risks import DEFAULT_BANDS, Movement, movement
from gpworkforce.delivery.triggers import Trigger, TriggerKind
from gpworkforce.domain.orgs import OrgType
from gpworkforce.labels import plural
from gpworkforce.web.actions import audit
from gpworkforce.web.delivery import actions, measures
from gpworkforce.web.delivery.models import (
    KpiRecord,
    MaturityAssessmentRecord,
    MilestoneRecord,
    ResilienceReview,
    ResilienceSettings,
    RiskRecord,
    Workstream,
)
from gpworkforce.web.models import (
    CollectionRound,
    Organisation,
    ParentLink,
    PracticeReturnRecord,
    User,
)
from gpworkforce.web.permissions import visible_codes
from gpworkforce.web.workflow import RESPONDED_STATES

# A collection round whose response rate is below this share this many days after its census
# date raises a risk proposal (docs/delivery.md).
RESPONSE_RATE_THRESHOLD = 0.8
RESPONSE_DEADLINE_DAYS = 42
# Risks added or escalated within this many days count as "new" or "escalated" on the board page.
BOARD_RECENT_DAYS = 90


def today() -> dt.date:
    return timezone.localdate()


def scoped(qs: QuerySet[Any], user: Any, field: str = "organisation_id") -> QuerySet[Any]:
    """Rows whose organisation the user may see (theirs and every one under it, today)."""
    return qs.filter(**{f"{field}__in": visible_codes(user)})


# -- KPIs ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KpiStatus:
    kpi: KpiRecord
    result: RagResult


def kpi_status(kpi: KpiRecord, on: dt.date) -> KpiStatus:
    milestones = [m.to_domain() for m in kpi.workstream.milestones.all()] if kpi.workstream else []
    override = None
    for o in kpi.overrides.all():  # newest first
        d = o.to_domain()
        if d.active(on):
            override = d
            break
    result = kpi_rag(
        kpi.to_domain(),
        [v for v, _recorded in kpi_values(kpi)],
        on,
        milestones,
        override,
    )
    return KpiStatus(kpi, result)


def kpi_values(kpi: KpiRecord) -> list[tuple[KpiValue, dt.date]]:
    """The KPI's values with the day each was known: entered ones as typed in; a response rate
    computed now from the collection rounds of the KPI's organisation (each round's value known
    once its deadline, :data:`RESPONSE_DEADLINE_DAYS` after the census date, has passed); a
    baseline measure, a plan's variance or a spend line read by :mod:`.measures`."""
    computed = measures.computed_values(kpi)
    if computed is not None:
        return computed
    if kpi.measure_kind == "response-rate":
        out = []
        for rnd in CollectionRound.objects.filter(
            organisation_id=kpi.measure_org or kpi.organisation_id
        ):
            states = list(
                PracticeReturnRecord.objects.filter(round=rnd).values_list("state", flat=True)
            )
            if not states:
                continue
            rate = 100.0 * sum(1 for s in states if s in RESPONDED_STATES) / len(states)
            value = KpiValue(
                period_end=rnd.census_date,
                value=round(rate, 1),
                source=f"collection round of {rnd.census_date:%-d %B %Y}: "
                f"{plural(len(states), 'practice')}",
            )
            out.append((value, rnd.census_date + dt.timedelta(days=RESPONSE_DEADLINE_DAYS)))
        return sorted(out, key=lambda x: x[0].period_end)
    return [(v.to_domain(), v.recorded_on) for v in kpi.values.all()]


def kpi_statuses(kpis: Iterable[KpiRecord], on: dt.date) -> list[KpiStatus]:
    return [kpi_status(k, on) for k in kpis]


def kpis_for(user: Any) -> QuerySet[KpiRecord]:
    return (
        scoped(KpiRecord.objects.all(), user)
        .select_related("workstream")
        .prefetch_related("values", "overrides", "workstream__milestones")
    )


def _red_since(status: KpiStatus, on: dt.date) -> dt.date | None:
    """When the KPI's red began: the day its latest value was recorded when that value alone
    makes it red (the library's rule without milestones), else the first day a milestone was
    overdue by more than the KPI allows. None when it is not red."""
    kpi, result = status.kpi, status.result
    if result.rag is not Rag.RED:
        return None
    if result.override is not None:  # red because a person said so
        return result.override.set_on
    values = kpi_values(kpi)
    alone = kpi_rag(kpi.to_domain(), [v for v, _r in values], on)
    if alone.computed is Rag.RED and alone.value is not None:
        return next(r for v, r in values if v.period_end == alone.value.period_end)
    days = dt.timedelta(days=kpi.red_after_days + 1)
    milestones = kpi.workstream.milestones.all() if kpi.workstream else []
    dues = [m.due + days for m in milestones if m.done is None and m.due + days <= on]
    return min(dues) if dues else on


# -- triggers --------------------------------------------------------------------------------------
def kpi_triggers(org_codes: Iterable[str], on: dt.date) -> list[tuple[str, Trigger]]:
    out = []
    for kpi in KpiRecord.objects.filter(organisation_id__in=list(org_codes)).prefetch_related(
        "values", "overrides", "workstream__milestones"
    ):
        st = kpi_status(kpi, on)
        since = _red_since(st, on)
        if since is None:
            continue
        out.append(
            (
                kpi.organisation_id,
                Trigger(
                    key=f"kpi:{kpi.organisation_id}:{kpi.ref}:red",
                    kind=TriggerKind.KPI_RED,
                    raised_on=min(since, on),
                    subject=f"KPI {kpi.ref} {kpi.name}",
                    evidence="; ".join(st.result.reasons) + ".",
                    workstream=kpi.workstream.name if kpi.workstream else "",
                    likelihood=4,
                    impact=3,
                ),
            )
        )
    return out


def response_rate_triggers(org_codes: Iterable[str], on: dt.date) -> list[tuple[str, Trigger]]:
    out = []
    for rnd in CollectionRound.objects.filter(organisation_id__in=list(org_codes)):
        deadline = rnd.census_date + dt.timedelta(days=RESPONSE_DEADLINE_DAYS)
        if deadline > on:
            continue
        states = list(
            PracticeReturnRecord.objects.filter(round=rnd).values_list("state", flat=True)
        )
        if not states:
            continue
        rate = sum(1 for s in states if s in RESPONDED_STATES) / len(states)
        if rate >= RESPONSE_RATE_THRESHOLD:
            continue
        out.append(
            (
                rnd.organisation_id,
                Trigger(
                    key=f"response-rate:{rnd.pk}",
                    kind=TriggerKind.RESPONSE_RATE,
                    raised_on=deadline,
                    subject=f"collection round of {rnd.census_date:%-d %B %Y}",
                    evidence=(
                        f"{rate:.0%} of {plural(len(states), 'practice')} had responded "
                        f"{RESPONSE_DEADLINE_DAYS} days after the census date "
                        f"(threshold {RESPONSE_RATE_THRESHOLD:.0%})."
                    ),
                    workstream="Workforce data",
                    likelihood=3,
                    impact=3,
                ),
            )
        )
    return out


def resilience_triggers(org_codes: Iterable[str]) -> list[tuple[str, Trigger]]:
    """Each practice on the latest watch list of each organisation: proposed in the practice's own
    register (so the practice sees it and answers), owned by the organisation that reviewed it."""
    out = []
    for code in org_codes:
        review = ResilienceReview.objects.filter(organisation_id=code).first()
        if review is None:
            continue
        for s in review.scores:
            if not s["watch"]:
                continue
            out.append(
                (
                    s["code"],
                    Trigger(
                        key=f"resilience:{s['code']}",
                        kind=TriggerKind.RESILIENCE_WATCH,
                        raised_on=review.reviewed_on,
                        subject=f"{s['name']} ({s['code']})",
                        evidence=f"Resilience score {s['score']:.1f} of 100: "
                        + "; ".join(s["reasons"])
                        + ".",
                        organisation=code,
                        workstream="Practice resilience",
                        likelihood=3,
                        impact=3,
                    ),
                )
            )
    return out


PLAN_ALERT_SCORES = {  # suggested likelihood and impact of a proposal, by the alert's kind
    "target_unreachable": (4, 4),
    "spc_concern": (3, 3),
    "outside_band": (3, 3),
}


def plan_alert_triggers(org_code: str) -> list[tuple[str, Trigger]]:
    """The open alerts of the adopted plans of ``org_code`` and every organisation under it
    (``gpworkforce.web.plans.alerts.open_alerts``: an actual outside the plan's band, an SPC
    concern, the target unlikely to be met), one condition per plan, staff group and kind; its
    date is the day the latest alert of that condition was raised, proposed in the register of
    the plan's organisation."""
    from gpworkforce.plans.model import STAFF_GROUP_LABELS, StaffGroup
    from gpworkforce.web.plans.alerts import open_alerts

    out = []
    for alert in open_alerts(org_code):
        plan = alert.plan
        try:
            group = STAFF_GROUP_LABELS[StaffGroup(alert.staff_group)]
        except (ValueError, KeyError):
            group = alert.staff_group
        likelihood, impact = PLAN_ALERT_SCORES.get(alert.kind, (3, 3))
        out.append(
            (
                plan.organisation_id,
                Trigger(
                    key=f"plan:{plan.pk}:{alert.staff_group}:{alert.kind}",
                    kind=TriggerKind.PLAN_ALERT,
                    raised_on=timezone.localtime(alert.raised_at).date(),
                    subject=f"{plan.name}, {group}: {alert.kind_label.lower()} ({alert.period})",
                    evidence=alert.message.strip() or alert.kind_label,
                    organisation=plan.organisation_id,
                    workstream="Workforce plan",
                    likelihood=likelihood,
                    impact=impact,
                ),
            )
        )
    return out


@transaction.atomic
def refresh_proposals(actor: User | None, org_code: str, on: dt.date) -> list[RiskRecord]:
    """Propose a risk for each new condition under ``org_code`` (library rules decide which)."""
    codes = sorted(
        set(Organisation.objects.filter(code__in=_under(org_code)).values_list("code", flat=True))
    )
    triggers = [
        *kpi_triggers(codes, on),
        *response_rate_triggers(codes, on),
        *resilience_triggers(codes),
        *plan_alert_triggers(org_code),
    ]
    by_org: dict[str, list[Trigger]] = {}
    for code, trig in triggers:
        by_org.setdefault(code, []).append(trig)
    made = []
    for code, trigs in sorted(by_org.items()):
        made += actions.propose(
            actor=None if actor is None else actor, org_code=code, triggers=trigs
        )
    return made


def _under(org_code: str) -> set[str]:
    from gpworkforce.web.models import descendant_codes

    return descendant_codes(org_code, today())


# -- risks -----------------------------------------------------------------------------------------
def risks_for(user: Any) -> QuerySet[RiskRecord]:
    return scoped(RiskRecord.objects.all(), user).prefetch_related("reviews", "mitigations")


@dataclass(frozen=True)
class RiskRow:
    risk: RiskRecord
    domain: Any
    movement: Movement
    level: str
    colour: str
    original_level: str

    @property
    def escalated(self) -> bool:
        return self.movement is Movement.UP


def risk_rows(risks: Iterable[RiskRecord]) -> list[RiskRow]:
    out = []
    for r in risks:
        d = r.to_domain()
        band = DEFAULT_BANDS.band(d.rating)
        out.append(
            RiskRow(
                r, d, movement(d), band.name, band.colour, DEFAULT_BANDS.level(d.original_rating)
            )
        )
    return out


# -- maturity --------------------------------------------------------------------------------------
def matrices() -> dict[str, MaturityMatrix]:
    return {name: load_template(name) for name in template_names()}


def ancestor_of_type(code: str, kind: OrgType, on: dt.date) -> str | None:
    """The organisation of type ``kind`` above ``code`` (or ``code`` itself), by today's links."""
    seen = set()
    current = code
    types = dict(Organisation.objects.values_list("code", "type"))
    while current and current not in seen:
        if types.get(current) == kind.value:
            return current
        seen.add(current)
        link = (
            ParentLink.objects.filter(ParentLink.in_force_q(on), child_id=current)
            .values_list("parent_id", flat=True)
            .first()
        )
        current = link
    return None


def assessments_for(user: Any) -> QuerySet[MaturityAssessmentRecord]:
    return scoped(MaturityAssessmentRecord.objects.all(), user).select_related("organisation")


# -- resilience ------------------------------------------------------------------------------------
def resilience_config(org_code: str) -> ResilienceConfig:
    row = ResilienceSettings.objects.filter(organisation_id=org_code).first()
    return ResilienceConfig.model_validate(row.config) if row is not None else DEFAULT_RESILIENCE


def _practice_parents(org_code: str, on: dt.date) -> list[str]:
    """``org_code`` or the organisations under it whose children are practices."""
    types = dict(Organisation.objects.values_list("code", "type"))
    out: list[str] = []
    frontier = [org_code]
    seen = set()
    while frontier:
        code = frontier.pop(0)
        if code in seen:
            continue
        seen.add(code)
        kids = list(
            ParentLink.objects.filter(ParentLink.in_force_q(on), parent_id=code).values_list(
                "child_id", flat=True
            )
        )
        if any(types.get(k) == OrgType.PRACTICE.value for k in kids):
            out.append(code)
        else:
            frontier += sorted(kids)
    return out


def compute_scores(
    org_code: str, census: dt.date, previous: dt.date | None, config: ResilienceConfig
) -> list[dict[str, Any]]:
    """Every practice under ``org_code`` scored and ranked from the baseline's own tables."""
    from gpworkforce.web.dashboards import compute_dashboard
    from gpworkforce.web.jobs.models import current

    version = current()
    measures = []
    parent_of: dict[str, str] = {}
    for area in _practice_parents(org_code, census):
        dash = compute_dashboard(area, census, version)
        prior = compute_dashboard(area, previous, version) if previous else None
        found = practice_measures(
            SimpleNamespace(tables=dash.tables),  # type: ignore[arg-type]
            SimpleNamespace(tables=prior.tables) if prior is not None else None,  # type: ignore[arg-type]
        )
        measures.extend(found)
        parent_of |= {m.code: area for m in found}
    ranked = watch_list(measures, config)
    return [
        {
            "code": s.code,
            "name": s.name,
            "score": round(s.score, 3),
            "rank": s.rank,
            "watch": s.watch,
            "reasons": list(s.reasons),
            "missing": [LABELS[i] for i in s.missing],
            "parent": parent_of.get(s.code, ""),
        }
        for s in ranked
    ]


@transaction.atomic
def review_resilience(
    actor: User | None, org_code: str, census: dt.date, previous: dt.date | None, on: dt.date
) -> ResilienceReview:
    """Score the practices now, keep the review, and propose risks for those on the watch list."""
    if actor is not None:
        actions._require(actor, actions.Permission.EDIT_DELIVERY, org_code)
    config = resilience_config(org_code)
    scores = compute_scores(org_code, census, previous, config)
    review = ResilienceReview.objects.create(
        organisation_id=org_code,
        reviewed_on=on,
        census=census,
        previous_census=previous,
        config=config.model_dump(mode="json"),
        scores=scores,
        reviewed_by=actor.get_username() if actor is not None else audit.SYSTEM_ACTOR,
    )
    audit.record(
        actor,
        "resilience.review",
        review,
        organisation_code=org_code,
        after={
            "census": census.isoformat(),
            "practices": len(scores),
            "watch": [s["code"] for s in scores if s["watch"]],
        },
    )
    refresh_proposals(actor, org_code, on)
    return review


# -- board summary ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardSummary:
    rag_counts: dict[str, int]
    red_kpis: list[KpiStatus]
    new_risks: list[RiskRow]
    escalated_risks: list[RiskRow]
    proposals: int
    overdue: list[tuple[MilestoneRecord, int]]
    maturity: list[dict[str, Any]]
    live_by_level: dict[str, int]


def board_summary(user: Any, on: dt.date) -> BoardSummary:
    statuses = kpi_statuses(kpis_for(user), on)
    counts = Counter(s.result.rag.value for s in statuses)
    rag_counts = {
        r.value: counts.get(r.value, 0) for r in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_REPORTED)
    }
    rows = risk_rows(risks_for(user))
    recent = on - dt.timedelta(days=BOARD_RECENT_DAYS)
    live = [r for r in rows if r.domain.status.value == "open"]
    new = [r for r in live if recent <= r.risk.added <= on]
    escalated = [
        r
        for r in live
        if r.escalated and r.domain.reviews and recent <= r.domain.reviews[-1].on <= on
    ]
    overdue = []
    for m in scoped(
        MilestoneRecord.objects.select_related("workstream"), user, "workstream__organisation_id"
    ):
        late = m.overdue_days(on)
        if late > 0:
            overdue.append((m, late))
    overdue.sort(key=lambda x: -x[1])
    return BoardSummary(
        rag_counts=rag_counts,
        red_kpis=[s for s in statuses if s.result.rag is Rag.RED],
        new_risks=new,
        escalated_risks=escalated,
        proposals=sum(1 for r in rows if r.domain.status.value == "proposed"),
        overdue=overdue,
        maturity=maturity_progress(user),
        live_by_level=dict(Counter(r.level for r in live)),
    )


def maturity_progress(user: Any) -> list[dict[str, Any]]:
    """Per matrix and period: organisations assessed and the mean level, first and latest."""
    out = []
    mats = matrices()
    rows = list(assessments_for(user))
    for key, matrix in mats.items():
        mine = [r for r in rows if r.matrix == key]
        if not mine:
            continue
        periods = sorted({r.period_end for r in mine})
        per = []
        for p in periods:
            these = [r.to_domain() for r in mine if r.period_end == p]
            ranks = [matrix.rank(a.effective(d.key)) for a in these for d in matrix.dimensions]
            per.append({"period": p, "organisations": len(these), "mean": sum(ranks) / len(ranks)})
        out.append({"matrix": matrix, "periods": per})
    return out


def workstreams_for(user: Any) -> QuerySet[Workstream]:
    return scoped(Workstream.objects.all(), user).prefetch_related("milestones", "timeline")


def statuses_by_workstream(statuses: Sequence[KpiStatus]) -> dict[int | None, list[KpiStatus]]:
    out: dict[int | None, list[KpiStatus]] = {}
    for s in statuses:
        out.setdefault(s.kpi.workstream_id, []).append(s)
    return out
