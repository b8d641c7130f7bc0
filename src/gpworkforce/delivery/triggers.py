"""Risks raised automatically from what the tool already watches.

A *trigger* is a condition the tool detected on a date: a plan alert (trajectory breach, SPC
concern, target unreachable), a practice on the resilience watch list, a KPI turning red, a
collection round's response rate below its threshold. Each trigger has a stable ``key`` naming the
condition (for example ``"kpi:GP-WTE:red"``), so that the same condition seen again is recognised.

:func:`propose_risks` turns triggers into *proposed* risks for their owner to accept or dismiss.
It never changes an existing risk. A condition that already has a proposed or open risk raises
nothing; one whose risk was closed or dismissed raises a new proposal only when the trigger is
newer than that closure (a new occurrence), never for the occurrence that was already handled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from gpworkforce.delivery.risks import Review, Risk, RiskStatus

__all__ = ["Trigger", "TriggerKind", "accept_proposal", "propose_risks"]


class TriggerKind(StrEnum):
    PLAN_ALERT = "plan-alert"
    RESILIENCE_WATCH = "resilience-watch"
    KPI_RED = "kpi-red"
    RESPONSE_RATE = "response-rate"


KIND_LABELS = {
    TriggerKind.PLAN_ALERT: "Plan alert",
    TriggerKind.RESILIENCE_WATCH: "Practice on the resilience watch list",
    TriggerKind.KPI_RED: "KPI turned red",
    TriggerKind.RESPONSE_RATE: "Low response to a collection round",
}


class Trigger(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, description="Stable identity of the condition.")
    kind: TriggerKind
    raised_on: dt.date = Field(description="Date the condition was detected.")
    subject: str = Field(min_length=1, description="What it is about, in words.")
    evidence: str = Field(min_length=1, description="The figures that raised it.")
    organisation: str = Field("", description="Organisation responsible.")
    owner: str = Field("", description="Who the proposal goes to.")
    workstream: str = Field("", description="Workstream of the proposed risk.")
    likelihood: int = Field(3, ge=1, le=5, description="Suggested likelihood.")
    impact: int = Field(3, ge=1, le=5, description="Suggested impact.")


def _handled(trigger: Trigger, register: Sequence[Risk]) -> bool:
    for risk in register:
        if risk.trigger != trigger.key:
            continue
        if risk.is_live:
            return True
        # closed or dismissed: this occurrence was handled unless the trigger came after closure
        if risk.closed_on is not None and trigger.raised_on <= risk.closed_on:
            return True
    return False


def _next_refs(register: Sequence[Risk], prefix: str) -> Iterable[str]:
    used = {r.ref for r in register}
    n = 1
    while True:
        ref = f"{prefix}{n:03d}"
        if ref not in used:
            yield ref
        n += 1


def propose_risks(
    triggers: Iterable[Trigger], register: Sequence[Risk], *, prefix: str = "A"
) -> tuple[Risk, ...]:
    """Proposed risks for the triggers not already handled in ``register`` (which is unchanged).

    Triggers with the same key are proposed once, from the latest of them.
    """
    latest: dict[str, Trigger] = {}
    for t in triggers:
        if t.key not in latest or t.raised_on > latest[t.key].raised_on:
            latest[t.key] = t
    refs = _next_refs(register, prefix)
    proposals = []
    for t in sorted(latest.values(), key=lambda t: (t.raised_on, t.key)):
        if _handled(t, register):
            continue
        proposals.append(
            Risk(
                ref=next(refs),
                description=f"{KIND_LABELS[t.kind]}: {t.subject}. {t.evidence}",
                workstream=t.workstream,
                organisation=t.organisation,
                owner=t.owner,
                added=t.raised_on,
                original_likelihood=t.likelihood,
                original_impact=t.impact,
                status=RiskStatus.PROPOSED,
                trigger=t.key,
                trigger_on=t.raised_on,
            )
        )
    return tuple(proposals)


def accept_proposal(risk: Risk, on: dt.date, by: str, note: str = "") -> Risk:
    """The owner accepts a proposed risk: it becomes open, with the acceptance as its first review."""
    if risk.status is not RiskStatus.PROPOSED:
        raise ValueError(f"risk {risk.ref} is {risk.status}, not proposed")
    review = Review(
        on=on,
        likelihood=risk.original_likelihood,
        impact=risk.original_impact,
        note=note or "accepted by the owner",
        by=by,
    )
    return Risk.model_validate(
        risk.model_dump() | {"status": RiskStatus.OPEN, "reviews": (*risk.reviews, review)}
    )
