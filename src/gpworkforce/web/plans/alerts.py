"""Plan alerts: recorded from tracking, read by the plan page, the home page and other apps.

A breach found by the library's tracking (:mod:`gpworkforce.plans.tracking`: an actual outside
the plan's P10-P90 band, a special-cause concern point, the target's probability below the plan's
threshold) is kept as a :class:`~gpworkforce.web.plans.models.PlanAlert` with its evidence, for
adopted plans only (a draft commits to nothing). :func:`refresh_alerts` runs after every change of
the data (a return accepted, GPW figures loaded; :mod:`.hooks`) and whenever a plan page computes
its tracking; an alert no longer found is cleared, never deleted.

For other apps (the risk register): :func:`open_alerts`. An alert stored in an older wording
(``PlanAlert.wording`` below ``ALERT_WORDING``: e.g. "probability ... is 0%" for a plan without a
fan, stored before that sentence was corrected) is refreshed from the current data before
:func:`open_alerts` returns, so no page shows the older sentence.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from gpworkforce.plans.tracking import Tracking
from gpworkforce.web.models import descendant_codes
from gpworkforce.web.plans.models import ALERT_WORDING, Plan, PlanAlert, PlanState


def open_alerts(org_code: str, on: dt.date | None = None) -> QuerySet[PlanAlert]:
    """The alerts not cleared of the adopted (not closed) plans of ``org_code`` and of every
    organisation under it (hierarchy on ``on``, default today), newest first; for the adopted
    version only. Each has ``plan`` (with ``organisation``), ``staff_group`` (gp, nurses, dpc,
    admin), ``period`` ("2017/18 Q2"), ``kind`` (outside_band, spc_concern, target_unreachable),
    ``kind_label``, ``message``, ``evidence`` (a dict of numbers and text) and ``raised_at``."""
    codes = descendant_codes(org_code, on or timezone.localdate())
    refresh_older_wording(codes)
    rows = PlanAlert.objects.filter(
        cleared_at__isnull=True,
        plan__state=PlanState.ADOPTED,
        plan__organisation_id__in=codes,
    ).select_related("plan", "plan__organisation")
    return rows.filter(version=_adopted_version_ref())


def _adopted_version_ref():  # type: ignore[no-untyped-def]
    from django.db.models import F

    return F("plan__adopted_version")


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def refresh_older_wording(codes: list[str] | set[str]) -> int:
    """Refresh the alerts of each adopted plan of ``codes`` that has an open alert stored in an
    older wording; how many plans (0 once they have been refreshed: one query)."""
    from gpworkforce.web.plans.tracking import tracked

    plans = list(
        Plan.objects.filter(
            state=PlanState.ADOPTED,
            organisation_id__in=codes,
            alerts__cleared_at__isnull=True,
            alerts__wording__lt=ALERT_WORDING,
            alerts__version=F("adopted_version"),  # refresh_alerts reads that version's only
        ).distinct()
    )
    for plan in plans:
        refresh_alerts(plan, tracked(plan).tracking)
    return len(plans)


def refresh_alerts(plan: Plan, tracking: Tracking | None) -> int:
    """Record the alerts ``tracking`` found for ``plan`` (adopted only) and clear the ones it no
    longer finds; how many are open."""
    if plan.state != PlanState.ADOPTED or plan.adopted_version is None:
        return 0
    found = (
        {}
        if tracking is None
        else {(a.staff_group.value, a.period, a.kind.value): a for a in tracking.alerts}
    )
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (a.staff_group, a.period, a.kind): a
            for a in PlanAlert.objects.select_for_update().filter(
                plan=plan, version=plan.adopted_version
            )
        }
        for key, alert in found.items():
            row = existing.get(key)
            evidence = {k: _json_safe(v) for k, v in alert.evidence.items()}
            if row is None:
                PlanAlert.objects.create(
                    plan=plan,
                    version=plan.adopted_version,
                    staff_group=key[0],
                    period=key[1],
                    kind=key[2],
                    message=alert.message,
                    evidence=evidence,
                    raised_at=now,
                    wording=ALERT_WORDING,
                )
            elif (
                row.cleared_at is not None
                or row.message != alert.message
                or row.wording != ALERT_WORDING
            ):
                row.cleared_at = None
                row.message = alert.message
                row.evidence = evidence
                row.wording = ALERT_WORDING
                row.save(update_fields=["cleared_at", "message", "evidence", "wording"])
        for key, row in existing.items():
            if key not in found and row.cleared_at is None:
                row.cleared_at = now
                row.save(update_fields=["cleared_at"])
    return len(found)


def refresh_all() -> int:
    """Refresh every adopted plan's alerts from the current data; how many plans."""
    from gpworkforce.web.plans.tracking import tracked

    plans = list(Plan.objects.filter(state=PlanState.ADOPTED))
    for plan in plans:
        refresh_alerts(plan, tracked(plan).tracking)
    return len(plans)
