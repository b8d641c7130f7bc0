"""A stored plan against the actuals in the database (the library's arithmetic, read here).

Actuals (:func:`actuals_for`): per staff group and date, the practices' **accepted returns** where
any practice of the plan's organisation returned for that date (non-returners imputed as the
baseline documents: carried forward, else GPW), else **GPW**'s published figure for that date
(the reference rows loaded into the web app); per date, which and how
(:func:`gpworkforce.plans.actuals.returns_else_gpw`). Scoring a past plan uses GPW alone.

Both are computed from the inputs the dashboards build once per data version
(:func:`gpworkforce.web.dashboards.inputs_for`) and kept per plan version, recalculation points
and data version in this process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from gpworkforce.errors import UserError
from gpworkforce.plans.actuals import actuals_from_gpw_rows, returns_else_gpw
from gpworkforce.plans.model import Plan as LibraryPlan
from gpworkforce.plans.model import practice_share
from gpworkforce.plans.scoring import PlanScore, score_plan
from gpworkforce.plans.tracking import Tracking, track
from gpworkforce.web.dashboards import _inputs
from gpworkforce.web.jobs.models import current
from gpworkforce.web.models import Organisation
from gpworkforce.web.plans.models import Plan, PlanVersion, RecalculationPoint

GPW_ONLY = "NHS Digital's GPW figures (practice level), summed over the organisation's practices"


@dataclass(frozen=True)
class Tracked:
    plan: LibraryPlan  # with the recorded recalculation points
    tracking: Tracking | None
    problem: str = ""  # why there is no tracking (e.g. no actuals)


def with_recalculations(plan: LibraryPlan, points: list[RecalculationPoint]) -> LibraryPlan:
    recorded = dict(plan.spc.recalculations)
    recorded.update({p.date: p.reason for p in points})
    spc = plan.spc.model_copy(update={"recalculations": tuple(sorted(recorded.items()))})
    return plan.model_copy(update={"spc": spc})


def tracked(plan: Plan, version: PlanVersion | None = None) -> Tracked:
    """The plan's tracked version (or ``version``) against the actuals now in the database."""
    version = version or plan.tracked_version()
    recalcs = tuple(plan.recalculations.values_list("id", flat=True))  # type: ignore[attr-defined]
    return _tracked(version.pk, recalcs, current())


@functools.lru_cache(maxsize=64)
def _tracked(version_pk: int, recalc_ids: tuple[int, ...], data_version: str) -> Tracked:
    version = PlanVersion.objects.get(pk=version_pk)
    points = list(RecalculationPoint.objects.filter(id__in=recalc_ids))
    plan = with_recalculations(version.library_plan(), points)
    data = _inputs(data_version).data
    try:
        actuals, source, provenance = returns_else_gpw(plan, data)
    except UserError as exc:
        return Tracked(plan, None, exc.message)
    if not any(actuals.values()):
        return Tracked(plan, None, "there are no actuals for this organisation yet")
    return Tracked(plan, track(plan, actuals, source=source, provenance=provenance))


def scored(plan: Plan, version: PlanVersion | None = None) -> tuple[PlanScore | None, str]:
    """Every scenario of the version against GPW alone (a past plan's score), or why not."""
    version = version or plan.tracked_version()
    return _scored(version.pk, current())


@functools.lru_cache(maxsize=32)
def _scored(version_pk: int, data_version: str) -> tuple[PlanScore | None, str]:
    plan = PlanVersion.objects.get(pk=version_pk).library_plan()
    data = _inputs(data_version).data
    try:
        actuals, provenance = actuals_from_gpw_rows(plan, data)
    except UserError as exc:
        return None, exc.message
    if not any(actuals.values()):
        return None, "GPW has no figures for this organisation"
    return score_plan(plan, actuals, source=GPW_ONLY, provenance=provenance), ""


def practice_tracking(plan: Plan, practice: Organisation) -> Tracked:
    """The practice's actuals against its share of the plan (see
    :func:`gpworkforce.plans.model.practice_share`): the share is the practice's part of the
    organisation's actual on the plan's first date with both (first staff group of the plan)."""
    version = plan.tracked_version()
    recalcs = tuple(plan.recalculations.values_list("id", flat=True))  # type: ignore[attr-defined]
    return _practice(version.pk, recalcs, practice.code, practice.name, current())


@functools.lru_cache(maxsize=64)
def _practice(
    version_pk: int, recalc_ids: tuple[int, ...], code: str, name: str, data_version: str
) -> Tracked:
    whole = _tracked(version_pk, recalc_ids, data_version)
    plan = whole.plan
    data = _inputs(data_version).data
    share: float | None = None
    if plan.comparison.mode == "absolute":
        mine = practice_share(plan, code, name, 1.0)
        try:
            own, _src, _prov = returns_else_gpw(mine, data)
            org, _src2, _prov2 = returns_else_gpw(plan, data)
        except UserError as exc:
            return Tracked(plan, None, exc.message)
        first = plan.scenarios[0]
        common = sorted(
            d
            for d in own.get(first.staff_group, {})
            if d in org.get(first.staff_group, {}) and d >= first.start
        )
        if not common or not org[first.staff_group][common[0]]:
            return Tracked(plan, None, "this practice has no actual on the plan's start")
        share = own[first.staff_group][common[0]] / org[first.staff_group][common[0]]
    try:
        mine = practice_share(plan, code, name, share)
        actuals, source, provenance = returns_else_gpw(mine, data)
    except (UserError, ValueError) as exc:
        return Tracked(plan, None, str(exc))
    if not any(actuals.values()):
        return Tracked(mine, None, "there are no actuals for this practice yet")
    return Tracked(mine, track(mine, actuals, source=source, provenance=provenance))
