"""Every write to plans, audited (``plan.create``, ``plan.revise``, ``plan.adopt``,
``plan.rebaseline``, ``plan.close``, ``plan.recalculation``), each in one transaction: all of it or
nothing. ``actor`` None is the system (the demo's seeding).

A version is never changed: a revision (a draft's, or an adopted plan's re-baseline) is a new
version made by the library (:meth:`gpworkforce.plans.model.Plan.revise`), with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UserError
from gpworkforce.plans.model import Level
from gpworkforce.plans.model import Plan as LibraryPlan
from gpworkforce.web.actions import audit
from gpworkforce.web.models import Organisation, User
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.plans.models import Plan, PlanState, PlanVersion, RecalculationPoint
from gpworkforce.web.roles import Permission

LEVELS = {
    OrgType.ICB.value: Level.ICB,
    OrgType.SUB_ICB.value: Level.SUB_ICB,
    OrgType.PCN.value: Level.PCN,
    OrgType.PRACTICE.value: Level.PRACTICE,
}


class ActionRefused(UserError):
    """The user may not do this (shown as a message)."""


def _may_edit(actor: User | None, org_code: str) -> None:
    if actor is not None and not has_permission(actor, Permission.EDIT_PLAN, org_code):
        raise ActionRefused(f"you may not change plans for {org_code}")


def _summary(plan: Plan, version: PlanVersion | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": plan.name,
        "organisation": plan.organisation_id,
        "state": plan.state,
        "adopted_version": plan.adopted_version,
    }
    if version is not None:
        doc = version.library_plan()
        out |= {
            "version": version.number,
            "reason": version.reason,
            "adopted_scenario": doc.adopted,
            "period": f"{doc.start} to {doc.end}",
            "staff_groups": sorted({t.staff_group.value for t in doc.trajectories()}),
        }
    return out


def _checked(document: LibraryPlan, org: Organisation) -> LibraryPlan:
    level = LEVELS.get(org.type)
    if level is None:
        raise UserError(
            f"a plan's organisation must be an ICB, sub-ICB, PCN or practice, got {org}"
        )
    return document.model_copy(
        update={"organisation": org.code, "organisation_name": org.name, "level": level}
    )


@transaction.atomic
def create_plan(
    *, actor: User | None, org_code: str, document: LibraryPlan, imported_from: str = ""
) -> Plan:
    """A new draft plan for ``org_code`` whose first version is ``document`` (its organisation
    and level are set from ``org_code``)."""
    _may_edit(actor, org_code)
    org = Organisation.objects.filter(code=org_code).first()
    if org is None:
        raise UserError(f"organisation must be a known ODS code, got {org_code!r}")
    document = _checked(document, org)
    now = timezone.now()
    plan = Plan.objects.create(
        organisation=org, name=document.name, created_by=actor, created_at=now
    )
    version = PlanVersion.objects.create(
        plan=plan,
        number=document.version,
        reason=document.revisions[-1].reason,
        document=document.model_dump(mode="json"),
        imported_from=imported_from,
        created_by=actor,
        created_at=now,
    )
    audit.record(
        actor, "plan.create", plan, organisation_code=org.code, after=_summary(plan, version)
    )
    return plan


def _locked(plan_id: int) -> Plan:
    plan = Plan.objects.select_for_update().select_related("organisation").get(pk=plan_id)
    return plan


@transaction.atomic
def revise(
    *,
    actor: User | None,
    plan_id: int,
    reason: str,
    document: LibraryPlan | None = None,
    imported_from: str = "",
    on: dt.date | None = None,
) -> PlanVersion:
    """A new version of the plan with ``reason``: ``document``'s trajectories and targets (or the
    latest version's, unchanged). A draft stays a draft; an adopted plan is re-baselined: the new
    version becomes the one tracking compares with (``plan.rebaseline``). A closed plan refuses."""
    plan = _locked(plan_id)
    _may_edit(actor, plan.organisation_id)
    reason = reason.strip()
    if not reason:
        raise UserError("reason must say why the plan is revised, got nothing")
    if plan.state == PlanState.CLOSED:
        raise UserError("a closed plan cannot be revised")
    latest = plan.latest_version()
    before = _summary(plan, latest)
    base = latest.library_plan()
    changes: dict[str, Any] = {}
    if document is not None:
        new = _checked(document, plan.organisation)
        changes = {
            "scenarios": [t.model_dump() for t in new.scenarios],
            "targets": [t.model_dump() for t in new.targets],
            "adopted": new.adopted,
            "start": new.start,
            "end": new.end,
            "comparison": new.comparison.model_dump(),
            "direction": new.direction,
            "spc": new.spc.model_dump(),
            "alerts": new.alerts.model_dump(),
            "source": new.source or base.source,
        }
    by = actor.get_username() if actor is not None else "system"
    try:
        doc = base.revise(date=on or timezone.localdate(), reason=reason, by=by, **changes)
    except ValueError as exc:
        raise UserError(f"the revised plan must be valid: {exc}") from None
    version = PlanVersion.objects.create(
        plan=plan,
        number=doc.version,
        reason=reason,
        document=doc.model_dump(mode="json"),
        imported_from=imported_from,
        created_by=actor,
        created_at=timezone.now(),
    )
    action = "plan.revise"
    if plan.state == PlanState.ADOPTED:
        plan.adopted_version = version.number
        plan.save(update_fields=["adopted_version"])
        action = "plan.rebaseline"
    audit.record(
        actor,
        action,
        plan,
        organisation_code=plan.organisation_id,
        before=before,
        after=_summary(plan, version),
    )
    return version


@transaction.atomic
def adopt(*, actor: User | None, plan_id: int) -> Plan:
    """The draft's latest version becomes the adopted plan (tracked, alerts raised)."""
    plan = _locked(plan_id)
    _may_edit(actor, plan.organisation_id)
    if plan.state != PlanState.DRAFT:
        raise UserError(f"only a draft plan can be adopted, this one is {plan.state_label.lower()}")
    latest = plan.latest_version()
    before = _summary(plan, latest)
    plan.state = PlanState.ADOPTED
    plan.adopted_version = latest.number
    plan.save(update_fields=["state", "adopted_version"])
    audit.record(
        actor,
        "plan.adopt",
        plan,
        organisation_code=plan.organisation_id,
        before=before,
        after=_summary(plan, latest),
    )
    return plan


@transaction.atomic
def close(*, actor: User | None, plan_id: int, reason: str) -> Plan:
    """Close the plan (no more tracking alerts; never changed again)."""
    plan = _locked(plan_id)
    _may_edit(actor, plan.organisation_id)
    reason = reason.strip()
    if not reason:
        raise UserError("reason must say why the plan is closed, got nothing")
    if plan.state == PlanState.CLOSED:
        raise UserError("the plan is already closed")
    before = _summary(plan)
    plan.state = PlanState.CLOSED
    if plan.adopted_version is None:
        plan.adopted_version = plan.latest_version().number
    plan.closed_reason = reason
    plan.save(update_fields=["state", "adopted_version", "closed_reason"])
    audit.record(
        actor,
        "plan.close",
        plan,
        organisation_code=plan.organisation_id,
        before=before,
        after={**_summary(plan), "reason": reason},
    )
    return plan


@transaction.atomic
def record_recalculation(
    *, actor: User | None, plan_id: int, on: dt.date, reason: str, periods: list[dt.date]
) -> RecalculationPoint:
    """From the actual dated ``on`` (one of ``periods``, the dates with actuals), the SPC limits
    are computed afresh; ``reason`` says why the process changed."""
    plan = _locked(plan_id)
    _may_edit(actor, plan.organisation_id)
    reason = reason.strip()
    if not reason:
        raise UserError("reason must say why the process changed, got nothing")
    if plan.state == PlanState.CLOSED:
        raise UserError("a closed plan cannot be changed")
    if on not in periods[1:]:
        raise UserError(
            "the recalculation point must be a period with an actual after the first, got"
            f" {on:%-d %B %Y}"
        )
    if RecalculationPoint.objects.filter(plan=plan, date=on).exists():
        raise UserError(f"a recalculation point is already recorded at {on:%-d %B %Y}")
    point = RecalculationPoint.objects.create(
        plan=plan, date=on, reason=reason, recorded_by=actor, recorded_at=timezone.now()
    )
    audit.record(
        actor,
        "plan.recalculation",
        point,
        organisation_code=plan.organisation_id,
        after={"plan": plan.pk, "date": on.isoformat(), "reason": reason},
    )
    return point
