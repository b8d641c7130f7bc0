"""Every write to the delivery registers: checked by the library, done in one transaction, audited.

Each action takes the acting user (``None``: the system, e.g. seeding or automatic proposals),
checks the permission on the object's organisation, validates with the library's domain objects
(so a rule lives in one place) and records one audit event with the state before and after.
Mistakes raise :class:`FieldError` (a :class:`UserError` naming the form field), never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from gpworkforce.delivery import risks as lib_risks
from gpworkforce.delivery import triggers as lib_triggers
from gpworkforce.delivery.kpis import Override, Rag
from gpworkforce.delivery.maturity import Assessment, MaturityMatrix
from gpworkforce.delivery.plan import CellStatus
from gpworkforce.delivery.resilience import ResilienceConfig
from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.web.actions import audit
from gpworkforce.web.delivery.models import (
    Initiative,
    KpiOverrideRecord,
    KpiRecord,
    KpiValueRecord,
    MaturityAssessmentRecord,
    MilestoneRecord,
    MitigationRecord,
    ResilienceSettings,
    RiskRecord,
    RiskResponse,
    RiskReviewRecord,
    TimelineEntry,
    Workstream,
)
from gpworkforce.web.models import Organisation, User
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.roles import Permission


class FieldError(UserError):
    """A mistake in one field of a form (``field`` names it, for the error summary's link)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _name(actor: User | None) -> str:
    return actor.get_username() if actor is not None else audit.SYSTEM_ACTOR


def _require(actor: User | None, permission: Permission, org_code: str) -> None:
    if actor is not None and not has_permission(actor, permission, org_code):
        raise FieldError(f"you may not change the delivery registers of {org_code}")


def _given(text: str, message: str, field: str) -> None:
    """Refuse a required text left blank (white space only)."""
    if not text.strip():
        raise FieldError(message, field)


def _pydantic_message(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    field = str(err["loc"][0]) if err["loc"] else ""
    return str(err["msg"]).removeprefix("Value error, "), field


# -- risks -----------------------------------------------------------------------------------------
def next_risk_ref(org_code: str, prefix: str = "R") -> str:
    used = set(RiskRecord.objects.filter(organisation_id=org_code).values_list("ref", flat=True))
    n = 1
    while f"{prefix}{n:03d}" in used:
        n += 1
    return f"{prefix}{n:03d}"


def _audit_risk(
    actor: User | None,
    action: str,
    risk: RiskRecord,
    before: dict[str, Any] | None = None,
    **more: Any,
) -> None:
    """One audit event for a change of ``risk``: its state before (None: a new risk) and after,
    with ``more`` beside the state after."""
    audit.record(
        actor,
        action,
        risk,
        organisation_code=risk.organisation_id,
        before=before,
        after=risk.snapshot() | more,
    )


@transaction.atomic
def raise_risk(
    *,
    actor: User | None,
    org_code: str,
    description: str,
    likelihood: int,
    impact: int,
    added: dt.date,
    workstream: str = "",
    responsible: str = "",
    owner: str = "",
    ref: str = "",
) -> RiskRecord:
    """A new open risk in ``org_code``'s register, scored likelihood x impact."""
    _require(actor, Permission.EDIT_DELIVERY, org_code)
    if not Organisation.objects.filter(code=org_code).exists():
        raise FieldError(f"organisation must be a known code, got {org_code!r}", "organisation")
    ref = ref.strip() or next_risk_ref(org_code)
    if RiskRecord.objects.filter(organisation_id=org_code, ref=ref).exists():
        raise FieldError(f"risk number must be new in the register, got {ref!r}", "ref")
    try:
        domain = lib_risks.Risk(
            ref=ref,
            description=description.strip(),
            workstream=workstream.strip(),
            organisation=responsible.strip(),
            owner=owner.strip(),
            added=added,
            original_likelihood=likelihood,
            original_impact=impact,
        )
    except ValidationError as exc:
        message, field = _pydantic_message(exc)
        raise FieldError(f"{field.replace('_', ' ')} must be valid: {message}", field) from None
    risk = RiskRecord.create_from(org_code, domain)
    _audit_risk(actor, "risk.raise", risk)
    return risk


def _locked(risk_id: int) -> RiskRecord:
    return RiskRecord.objects.select_for_update().get(pk=risk_id)


def _editable_risk(actor: User | None, risk_id: int) -> RiskRecord:
    """The risk, locked, once the actor is known to be allowed to change its register."""
    risk = _locked(risk_id)
    _require(actor, Permission.EDIT_DELIVERY, risk.organisation_id)
    return risk


@contextlib.contextmanager
def _library_refusal(field: str, rule_field: str) -> Iterator[None]:
    """The library's refusal of a risk change as a :class:`FieldError`: a validation error on
    ``field``, a rule broken (``ValueError``) on ``rule_field``."""
    try:
        yield
    except ValidationError as exc:
        message, _field = _pydantic_message(exc)
        raise FieldError(message, field) from None
    except ValueError as exc:
        raise FieldError(str(exc), rule_field) from None


@transaction.atomic
def review_risk(
    *, actor: User | None, risk_id: int, on: dt.date, likelihood: int, impact: int, note: str = ""
) -> RiskRecord:
    """A dated review appended to the risk's history (movement is computed from it)."""
    risk = _editable_risk(actor, risk_id)
    before = risk.snapshot()
    try:
        review = lib_risks.Review(
            on=on, likelihood=likelihood, impact=impact, note=note.strip(), by=_name(actor)
        )
        lib_risks.review_risk(risk.to_domain(), review)
    except ValidationError as exc:
        message, field = _pydantic_message(exc)
        raise FieldError(f"the review must be valid: {message}", field or "on") from None
    except ValueError as exc:
        raise FieldError(str(exc), "on") from None
    last = risk.reviews.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise FieldError(
            f"review date must not be before the latest review ({last.on:%-d %B %Y})", "on"
        )
    RiskReviewRecord.create_from(risk, review)
    _audit_risk(actor, "risk.review", risk, before, reviewed_on=on.isoformat(), note=note.strip())
    return risk


@transaction.atomic
def close_risk(
    *, actor: User | None, risk_id: int, on: dt.date, reason: str, dismiss: bool = False
) -> RiskRecord:
    """Close an open risk (or dismiss a proposal) with a date and a reason; never reopened."""
    risk = _editable_risk(actor, risk_id)
    _given(reason, "reason must be given: say why", "reason")
    before = risk.snapshot()
    with _library_refusal("on", "reason"):
        closed = lib_risks.close_risk(risk.to_domain(), on, reason.strip(), dismiss=dismiss)
    if on < risk.added:
        raise FieldError(
            f"date must not be before the risk was added ({risk.added:%-d %B %Y})", "on"
        )
    risk.status, risk.closed_on, risk.closure_reason = (
        closed.status.value,
        closed.closed_on,
        closed.closure_reason,
    )
    risk.save(update_fields=["status", "closed_on", "closure_reason"])
    _audit_risk(actor, "risk.dismiss" if dismiss else "risk.close", risk, before)
    return risk


@transaction.atomic
def accept_proposal(*, actor: User | None, risk_id: int, on: dt.date, note: str = "") -> RiskRecord:
    """The owner accepts a proposed risk: it opens, with the acceptance as its first review."""
    risk = _editable_risk(actor, risk_id)
    before = risk.snapshot()
    with _library_refusal("on", "on"):
        accepted = lib_triggers.accept_proposal(risk.to_domain(), on, _name(actor), note.strip())
    RiskReviewRecord.create_from(risk, accepted.reviews[-1])
    risk.status = accepted.status.value
    risk.save(update_fields=["status"])
    _audit_risk(actor, "risk.accept", risk, before)
    return risk


@transaction.atomic
def add_mitigation(
    *, actor: User | None, risk_id: int, action: str, owner: str = "", due: dt.date | None = None
) -> MitigationRecord:
    """A mitigating action, with its owner and due date, for a live risk."""
    risk = _editable_risk(actor, risk_id)
    _given(action, "mitigating action must be given", "action")
    if not risk.to_domain().is_live:
        raise FieldError(f"risk {risk.ref} is {risk.status}: mitigations are for live risks")
    m = MitigationRecord.objects.create(
        risk=risk, action=action.strip(), owner=owner.strip(), due=due
    )
    audit.record(
        actor,
        "risk.mitigation",
        m,
        organisation_code=risk.organisation_id,
        after={"risk": risk.ref, "action": m.action, "owner": m.owner, "due": str(due or "")},
    )
    return m


@transaction.atomic
def respond_to_risk(*, actor: User, risk_id: int, text: str) -> RiskResponse:
    """A practice answers a risk about itself (kept beside the reviews)."""
    risk = _locked(risk_id)
    if not has_permission(actor, Permission.ANSWER_DELIVERY, risk.organisation_id):
        raise FieldError(f"you may not answer risks of {risk.organisation_id}")
    _given(text, "answer must be given", "text")
    r = RiskResponse.objects.create(
        risk=risk, text=text.strip(), by=_name(actor), at=timezone.now()
    )
    audit.record(
        actor,
        "risk.answer",
        r,
        organisation_code=risk.organisation_id,
        after={"risk": risk.ref, "text": r.text},
    )
    return r


@transaction.atomic
def propose(
    *, actor: User | None, org_code: str, triggers: Iterable[lib_triggers.Trigger]
) -> list[RiskRecord]:
    """Proposed risks for the triggers ``org_code``'s register has not handled (library rules:
    a live risk for the same condition, or a closure dated on or after the trigger, raises none)."""
    _require(actor, Permission.EDIT_DELIVERY, org_code)
    register = [
        r.to_domain()
        for r in RiskRecord.objects.filter(organisation_id=org_code).prefetch_related(
            "reviews", "mitigations"
        )
    ]
    # refs are unique per organisation: proposals continue the register's own numbering
    proposals = lib_triggers.propose_risks(list(triggers), register, prefix="A")
    made = []
    for p in proposals:
        risk = RiskRecord.create_from(
            org_code, p, status=p.status.value, trigger=p.trigger, trigger_on=p.trigger_on
        )
        _audit_risk(actor, "risk.propose", risk, trigger=p.trigger, trigger_on=str(p.trigger_on))
        made.append(risk)
    return made


# -- KPIs ------------------------------------------------------------------------------------------
def _editable_kpi(actor: User | None, kpi_id: int) -> KpiRecord:
    """The KPI, locked, once the actor is known to be allowed to change its register."""
    kpi = KpiRecord.objects.select_for_update().get(pk=kpi_id)
    _require(actor, Permission.EDIT_DELIVERY, kpi.organisation_id)
    return kpi


def _end_active_overrides(kpi: KpiRecord, today: dt.date) -> list[KpiOverrideRecord]:
    """Withdraw (today) the KPI's overrides still active today; the ones withdrawn."""
    ended = []
    for old in KpiOverrideRecord.objects.filter(kpi=kpi, withdrawn_on__isnull=True):
        if old.to_domain().active(today):
            old.withdrawn_on = today
            old.save(update_fields=["withdrawn_on"])
            ended.append(old)
    return ended


@transaction.atomic
def record_kpi_value(
    *,
    actor: User | None,
    kpi_id: int,
    period_end: dt.date,
    value: float,
    source: str,
    today: dt.date,
) -> KpiValueRecord:
    """A KPI's value for a period (entered each quarter with its source); a correction of the same
    period replaces the value and the audit keeps the old one."""
    kpi = _editable_kpi(actor, kpi_id)
    if kpi.measure_kind != "entered":
        raise FieldError(
            "this KPI's values are computed by the tool from its measure, never entered", "value"
        )
    _given(source, "source must say where the value comes from", "source")
    if period_end > today:
        raise FieldError(
            f"period end must not be after today, got {period_end:%-d %B %Y}", "period_end"
        )
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError("value must be a number", "value")
    existing = KpiValueRecord.objects.filter(kpi=kpi, period_end=period_end).first()
    before = {"value": existing.value, "source": existing.source} if existing is not None else None
    row, _ = KpiValueRecord.objects.update_or_create(
        kpi=kpi,
        period_end=period_end,
        defaults={
            "value": value,
            "source": source.strip(),
            "recorded_on": today,
            "recorded_by": actor,
        },
    )
    audit.record(
        actor,
        "kpi.value",
        row,
        organisation_code=kpi.organisation_id,
        before=before,
        after={
            "kpi": kpi.ref,
            "period_end": period_end.isoformat(),
            "value": value,
            "source": row.source,
        },
    )
    return row


@transaction.atomic
def override_kpi(
    *,
    actor: User | None,
    kpi_id: int,
    rag: str,
    reason: str,
    expires: dt.date,
    today: dt.date,
) -> KpiOverrideRecord:
    """Override the computed RAG with a reason and an expiry (both required, both audited)."""
    kpi = _editable_kpi(actor, kpi_id)
    if rag not in (Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value):
        raise FieldError("RAG must be red, amber or green", "rag")
    _given(reason, "reason must be given for an override", "reason")
    if expires < today:
        raise FieldError(f"expiry must be today or later, got {expires:%-d %B %Y}", "expires")
    Override(rag=Rag(rag), reason=reason.strip(), by=_name(actor), set_on=today, expires=expires)
    _end_active_overrides(kpi, today)  # a new override ends the one before it
    row = KpiOverrideRecord.objects.create(
        kpi=kpi, rag=rag, reason=reason.strip(), by=_name(actor), set_on=today, expires=expires
    )
    audit.record(
        actor,
        "kpi.override",
        row,
        organisation_code=kpi.organisation_id,
        after={"kpi": kpi.ref, "rag": rag, "reason": row.reason, "expires": expires.isoformat()},
    )
    return row


@transaction.atomic
def withdraw_override(*, actor: User | None, kpi_id: int, today: dt.date) -> int:
    kpi = _editable_kpi(actor, kpi_id)
    ended = _end_active_overrides(kpi, today)
    for old in ended:
        audit.record(
            actor,
            "kpi.override.withdraw",
            old,
            organisation_code=kpi.organisation_id,
            before={"rag": old.rag, "expires": old.expires.isoformat()},
            after={"withdrawn_on": today.isoformat()},
        )
    return len(ended)


def _milestone_snapshot(m: MilestoneRecord) -> dict[str, Any]:
    return {
        "workstream": m.workstream.number,
        "name": m.name,
        "due": m.due.isoformat(),
        "done": m.done.isoformat() if m.done else None,
    }


def _refuse_clash(rows: Any, row_id: int | None, message: str, field: str) -> None:
    """Refuse a natural key already held by another row than ``row_id`` (None: a new row)."""
    if row_id is not None:
        rows = rows.exclude(pk=row_id)
    if rows.exists():
        raise FieldError(message, field)


def _update(
    actor: User | None,
    action: str,
    obj: Any,
    org_code: str,
    values: Mapping[str, Any],
    snapshot: Callable[[Any], dict[str, Any]],
) -> set[str]:
    """Set ``values`` on ``obj`` and save it, with one audit event ``action`` holding the fields
    that changed, before and after (none changed: no event); the fields that changed."""
    before = snapshot(obj)
    for k, v in values.items():
        setattr(obj, k, v)
    obj.save()
    after = snapshot(obj)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit.record(
            actor,
            action,
            obj,
            organisation_code=org_code,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return changed


def _mark_complete(m: MilestoneRecord) -> None:
    # the board marks a met critical milestone Complete on the implementation plan (Figure 14)
    TimelineEntry.objects.filter(
        workstream=m.workstream, end=m.due, status=CellStatus.CRITICAL.value
    ).update(status=CellStatus.COMPLETE.value)


@transaction.atomic
def save_milestone(
    *,
    actor: User | None,
    org_code: str,
    milestone_id: int | None,
    values: Mapping[str, Any],
    today: dt.date,
) -> MilestoneRecord:
    """Add (``milestone_id`` None) or change a milestone of one of ``org_code``'s workstreams:
    its name unique in the workstream, its done date not in the future. One audit event
    (``milestone.create`` or ``milestone.update``) with the fields before and after."""
    _require(actor, Permission.EDIT_DELIVERY, org_code)
    ws = values["workstream"]
    if ws is None or ws.organisation_id != org_code:
        raise FieldError("Choose a workstream of this organisation", "workstream")
    if values.get("done") is not None and values["done"] > today:
        raise FieldError(f"Done must be today or earlier, not {values['done']:%d/%m/%Y}", "done")
    _refuse_clash(
        MilestoneRecord.objects.filter(workstream=ws, name=values["name"]),
        milestone_id,
        f"Workstream {ws.number} already has a milestone called {values['name']}",
        "name",
    )
    if milestone_id is None:
        m = MilestoneRecord.objects.create(**values)
        if m.done is not None:
            _mark_complete(m)
        audit.record(
            actor, "milestone.create", m, organisation_code=org_code, after=_milestone_snapshot(m)
        )
        return m
    m = (
        MilestoneRecord.objects.select_for_update()
        .select_related("workstream")
        .get(pk=milestone_id, workstream__organisation_id=org_code)
    )
    _update(actor, "milestone.update", m, org_code, values, _milestone_snapshot)
    if m.done is not None:
        _mark_complete(m)
    return m


@transaction.atomic
def milestone_done(
    *, actor: User | None, milestone_id: int, done: dt.date, today: dt.date
) -> MilestoneRecord:
    m = (
        MilestoneRecord.objects.select_for_update()
        .select_related("workstream")
        .get(pk=milestone_id)
    )
    org = m.workstream.organisation_id
    _require(actor, Permission.EDIT_DELIVERY, org)
    if done > today:
        raise FieldError("date done must not be in the future", "done")
    before = {"done": m.done.isoformat() if m.done else None}
    m.done = done
    m.save(update_fields=["done"])
    _mark_complete(m)
    audit.record(
        actor,
        "milestone.done",
        m,
        organisation_code=org,
        before=before,
        after={"name": m.name, "done": done.isoformat()},
    )
    return m


# -- maturity --------------------------------------------------------------------------------------
def _may_assess(actor: User, org_code: str) -> bool:
    """Those who answer for the organisation, or edit its registers, assess it."""
    return has_permission(actor, Permission.ANSWER_DELIVERY, org_code) or has_permission(
        actor, Permission.EDIT_DELIVERY, org_code
    )


def _assessment_for_evidence(
    actor: User, assessment_id: int, dimension: str, what: str, fields: tuple[str, str]
) -> MaturityAssessmentRecord:
    """The self-assessment, locked, that ``actor`` may add evidence (``what``: "file",
    "measure") to for one of its dimensions; ``fields``: the form's fields for the refusals."""
    row = MaturityAssessmentRecord.objects.select_for_update().get(pk=assessment_id)
    if not _may_assess(actor, row.organisation_id):
        raise FieldError(f"you may not add evidence for {row.organisation_id}", fields[0])
    if dimension not in row.levels:
        raise FieldError(f"Choose the dimension the {what} is evidence for", fields[1])
    return row


@transaction.atomic
def submit_assessment(
    *,
    actor: User | None,
    matrix: MaturityMatrix,
    org_code: str,
    period_end: dt.date,
    levels: Mapping[str, str],
    evidence: Mapping[str, str],
) -> MaturityAssessmentRecord:
    """An organisation's self-assessment for a period (a resubmission replaces it until moderated)."""
    if actor is not None and not _may_assess(actor, org_code):
        raise FieldError(f"you may not assess {org_code}")
    assessment = Assessment(
        matrix=matrix.key,
        organisation=org_code,
        period_end=period_end,
        levels={k: v for k, v in levels.items() if v},
        evidence={k: v.strip() for k, v in evidence.items() if v.strip()},
    )
    try:
        assessment.check(matrix)
    except ValidationFailed as exc:
        first = exc.issues[0]
        field = (first.location.field or "").split(".")[-1]
        names = {d.key: d.name for d in matrix.dimensions}
        raise FieldError(
            f"{names.get(field, field)}: must {first.expected}, got {first.found}", field
        ) from None
    existing = MaturityAssessmentRecord.objects.filter(
        organisation_id=org_code, matrix=matrix.key, period_end=period_end
    ).first()
    if existing is not None and existing.moderated_at is not None:
        raise FieldError(
            f"the assessment for {period_end:%-d %B %Y} has been moderated and cannot be changed",
            "period_end",
        )
    before = {"levels": existing.levels} if existing is not None else None
    row, _ = MaturityAssessmentRecord.objects.update_or_create(
        organisation_id=org_code,
        matrix=matrix.key,
        period_end=period_end,
        defaults={
            "levels": dict(assessment.levels),
            "evidence": dict(assessment.evidence),
            "submitted_by": _name(actor),
            "submitted_at": timezone.now(),
        },
    )
    audit.record(
        actor,
        "maturity.assess",
        row,
        organisation_code=org_code,
        before=before,
        after={"matrix": matrix.key, "period_end": period_end.isoformat(), "levels": row.levels},
    )
    return row


@transaction.atomic
def moderate_assessment(
    *,
    actor: User | None,
    matrix: MaturityMatrix,
    assessment_id: int,
    moderated: Mapping[str, str],
    note: str,
) -> MaturityAssessmentRecord:
    """A reviewer's moderation: the levels they set where they differ (the reviewer cannot be the
    person who submitted the self-assessment)."""
    row = MaturityAssessmentRecord.objects.select_for_update().get(pk=assessment_id)
    _require(actor, Permission.EDIT_DELIVERY, row.organisation_id)
    if actor is not None and actor.get_username() == row.submitted_by:
        raise FieldError("the person who submitted a self-assessment cannot moderate it")
    changed = {k: v for k, v in moderated.items() if v and v != row.levels.get(k)}
    domain = Assessment(
        matrix=row.matrix,
        organisation=row.organisation_id,
        period_end=row.period_end,
        levels=row.levels,
        evidence=row.evidence,
        moderated=changed,
        reviewer=_name(actor),
    )
    try:
        domain.check(matrix)
    except ValidationFailed as exc:
        first = exc.issues[0]
        raise FieldError(str(first), (first.location.field or "").split(".")[-1]) from None
    before = {"moderated": row.moderated, "reviewer": row.reviewer}
    row.moderated, row.reviewer = changed, _name(actor)
    row.moderation_note, row.moderated_at = note.strip(), timezone.now()
    row.save()
    audit.record(
        actor,
        "maturity.moderate",
        row,
        organisation_code=row.organisation_id,
        before=before,
        after={"moderated": changed, "reviewer": row.reviewer, "note": row.moderation_note},
    )
    return row


# -- resilience ------------------------------------------------------------------------------------
@transaction.atomic
def save_resilience_settings(
    *, actor: User | None, org_code: str, config: ResilienceConfig
) -> ResilienceSettings:
    _require(actor, Permission.EDIT_DELIVERY, org_code)
    existing = ResilienceSettings.objects.filter(organisation_id=org_code).first()
    before = existing.config if existing is not None else None
    row, _ = ResilienceSettings.objects.update_or_create(
        organisation_id=org_code,
        defaults={
            "config": config.model_dump(mode="json"),
            "updated_by": _name(actor),
            "updated_at": timezone.now(),
        },
    )
    audit.record(
        actor,
        "resilience.settings",
        row,
        organisation_code=org_code,
        before=before,
        after=row.config,
    )
    return row


def audit_import(
    actor: User | None, register: str, org_code: str, counts: Mapping[str, Any]
) -> None:
    """One audit event for an import (inside its transaction)."""
    audit.record(
        actor,
        f"{register}.import",
        None,
        object_type=register,
        object_id=org_code,
        organisation_code=org_code,
        after=dict(counts),
    )


# -- workstreams, KPIs and initiatives (the plan's forms) ------------------------------------------
# each register row's kind: its model, the audit action's prefix, its natural key within the
# organisation and how the key is said in a message
_EDITABLE: dict[str, tuple[type[Any], str, str]] = {
    "workstream": (Workstream, "number", "a workstream numbered"),
    "kpi": (KpiRecord, "ref", "a KPI with the reference"),
    "initiative": (Initiative, "name", "an initiative called"),
}


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = v if v is None or isinstance(v, bool | int | float | str | list) else str(v)
    return out


@transaction.atomic
def save_row(
    *,
    actor: User | None,
    kind: str,
    org_code: str,
    row_id: int | None,
    values: Mapping[str, Any],
) -> Any:
    """Add (``row_id`` None) or change a workstream, KPI or initiative of ``org_code``'s delivery
    plan; its natural key (number, reference, name) must stay unique in the organisation. One
    audit event (``<kind>.create`` or ``<kind>.update``) with the fields before and after."""
    model, key, said = _EDITABLE[kind]
    _require(actor, Permission.EDIT_DELIVERY, org_code)
    _refuse_clash(
        model.objects.filter(organisation_id=org_code, **{key: values[key]}),
        row_id,
        f"There is already {said} {values[key]}",
        key,
    )
    if row_id is None:
        obj = model.objects.create(organisation_id=org_code, **values)
        audit.record(
            actor, f"{kind}.create", obj, organisation_code=org_code, after=_snapshot(obj, values)
        )
        return obj
    obj = model.objects.select_for_update().get(pk=row_id, organisation_id=org_code)
    changed = _update(
        actor, f"{kind}.update", obj, org_code, values, lambda o: _snapshot(o, values)
    )
    if kind == "initiative" and changed & {"lever", "run_id", "comparison_run_id"}:
        # what the initiative delivers is worked out again for the new link (decision 0088)
        obj.delivered, obj.delivered_status, obj.delivered_error = None, "", ""
        obj.save(update_fields=["delivered", "delivered_status", "delivered_error"])
    return obj


# -- maturity evidence files -----------------------------------------------------------------------
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {  # the kinds of file taken as evidence, by extension, and how each is served
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


def evidence_name(name: str) -> str:
    """A file's name safe to show and to offer as a download name: its last path part, letters,
    digits, spaces, dots, dashes and underscores only, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch if ch.isalnum() or ch in " ._-" else "_" for ch in base).strip(" .")
    stem, dot, ext = clean.rpartition(".")
    return (stem[: 120 - len(ext) - 1] + dot + ext) if dot else clean[:120]


@transaction.atomic
def add_evidence_file(
    *, actor: User, assessment_id: int, dimension: str, name: str, data: bytes
) -> Any:
    """Keep a file as evidence for one dimension of a self-assessment (by those who may assess
    the organisation); checked for kind and size; one audit event with its name, size and hash."""
    from pathlib import PurePosixPath

    row = _assessment_for_evidence(actor, assessment_id, dimension, "file", ("file", "dimension"))
    clean = evidence_name(name)
    ext = PurePosixPath(clean).suffix.lower()
    if ext not in EVIDENCE_TYPES:
        raise FieldError(
            "The file must be one of " + ", ".join(EVIDENCE_TYPES) + f", got '{clean or name}'",
            "file",
        )
    if not data:
        raise FieldError("The file is empty", "file")
    if len(data) > EVIDENCE_MAX_BYTES:
        raise FieldError(
            f"The file must be at most {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB, "
            f"got {len(data) / (1024 * 1024):.1f} MB",
            "file",
        )
    return keep_evidence_file(actor, row, dimension, clean, data)


def evidence_problem(name: str, data: bytes) -> tuple[str, str] | None:
    """(what was expected, what was found) when a file cannot be kept as evidence (the same
    rules as an upload: its name as kept, its kind, not empty, its size), else None."""
    from pathlib import PurePosixPath

    clean = evidence_name(name)
    if clean != name:
        return ("be a cleaned file name (letters, digits, spaces, dots, dashes, underscores)",
                repr(name))  # fmt: skip
    if PurePosixPath(clean).suffix.lower() not in EVIDENCE_TYPES:
        return ("be one of " + ", ".join(EVIDENCE_TYPES), repr(name))
    if not data:
        return ("be a file with something in it", "an empty file")
    if len(data) > EVIDENCE_MAX_BYTES:
        return (f"be at most {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB", "a larger file")
    return None


def keep_evidence_file(
    actor: User | None, row: MaturityAssessmentRecord, dimension: str, clean: str, data: bytes
) -> Any:
    """Keep a checked file (see :func:`add_evidence_file`, :func:`evidence_problem`); audited."""
    import hashlib

    from gpworkforce.web.delivery.models import EvidenceFile

    digest = hashlib.sha256(data).hexdigest()
    kept = EvidenceFile.objects.create(
        assessment=row,
        dimension=dimension,
        name=clean,
        size=len(data),
        sha256=digest,
        data=data,
        uploaded_by=_name(actor),
        uploaded_at=timezone.now(),
    )
    audit.record(
        actor,
        "maturity.evidence",
        kept,
        organisation_code=row.organisation_id,
        after={"dimension": dimension, "name": clean, "size": len(data), "sha256": digest},
    )
    return kept


@transaction.atomic
def add_evidence_measure(
    *, actor: User, assessment_id: int, dimension: str, measure: str
) -> MaturityAssessmentRecord:
    """Offer one of the tool's own measures (a baseline measure of the assessed organisation)
    as evidence for one dimension, by those who may assess the organisation; audited
    ``maturity.evidence_measure``. The figure itself is read when the page is shown, as at the
    assessment's period end, so it is never typed in."""
    from gpworkforce.delivery.measures import BASELINE_MEASURES

    row = _assessment_for_evidence(
        actor, assessment_id, dimension, "measure", ("measure", "measure_dimension")
    )
    if measure not in BASELINE_MEASURES:
        raise FieldError("Choose one of the tool's measures", "measure")
    held = list(row.measures.get(dimension, []))
    if measure in held:
        raise FieldError(
            f"{BASELINE_MEASURES[measure].label} is already evidence for this dimension", "measure"
        )
    row.measures = {**row.measures, dimension: [*held, measure]}
    row.save(update_fields=["measures"])
    audit.record(
        actor,
        "maturity.evidence_measure",
        row,
        organisation_code=row.organisation_id,
        before={"dimension": dimension, "measures": held},
        after={"dimension": dimension, "measures": [*held, measure]},
    )
    return row
