"""Tracking a plan: actual vs plan vs target per staff group and period, SPC, alerts (pure).

For every staff group of the adopted scenario and every period with an actual inside the plan's
horizon (actuals are matched to the plan's trajectory on their own dates, linear between the plan's
dates, see :meth:`Trajectory.at`):

* ``variance = actual - plan`` and ``variance_pct = variance / plan x 100``;
* ``percentile`` of the actual in the plan's fan (:func:`fan_percentile`);
* ``gap_to_target = actual - target`` (target carried onto the actuals' definition);
* SPC (:mod:`gpworkforce.plans.spc`) of the actual series, with the plan's settings;
* alerts: ``outside_band`` (actual below P10 or above P90), ``spc_concern`` (a special-cause
  concern point) and ``target_unreachable`` (probability of meeting the target, re-anchored on the
  latest actual, below the plan's threshold), each with its evidence.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from enum import StrEnum
from statistics import NormalDist

from pydantic import BaseModel, ConfigDict

from gpworkforce.plans.model import (
    Plan,
    StaffGroup,
    TrajectoryPoint,
    comparable,
    comparable_target,
    quarter_label,
)
from gpworkforce.plans.spc import (
    PointType,
    Recalculation,
    SpcInputError,
    SpcResult,
    SpcRules,
    xmr,
)

# the standard normal from the standard library (scipy.stats costs about a second to import)
_NORMAL = NormalDist()
Z90 = _NORMAL.inv_cdf(0.9)  # 1.2816: P90 of the standard normal


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlertKind(StrEnum):
    OUTSIDE_BAND = "outside_band"
    SPC_CONCERN = "spc_concern"
    TARGET_UNREACHABLE = "target_unreachable"


class Alert(_Frozen):
    staff_group: StaffGroup
    period: str
    kind: AlertKind
    message: str
    evidence: dict[str, float | str]


class TrackingRow(_Frozen):
    staff_group: StaffGroup
    date: dt.date
    period: str
    actual: float
    actual_from: str
    plan: float
    p10: float | None
    p90: float | None
    target: float | None
    variance: float
    variance_pct: float
    percentile: float | None
    inside_band: bool | None
    gap_to_target: float | None
    spc_rules: str
    spc_point_type: str


class GroupTracking(_Frozen):
    staff_group: StaffGroup
    rows: tuple[TrackingRow, ...]
    spc: SpcResult | None
    spc_note: str
    probability_of_target: float | None
    alerts: tuple[Alert, ...]


class Tracking(_Frozen):
    plan_name: str
    plan_version: int
    scenario: str
    source: str
    groups: tuple[GroupTracking, ...]

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return tuple(a for g in self.groups for a in g.alerts)


def _half_normal_sd(point: TrajectoryPoint, upper: bool) -> float:
    assert point.p10 is not None and point.p90 is not None
    return ((point.p90 - point.central) if upper else (point.central - point.p10)) / Z90


def fan_percentile(point: TrajectoryPoint, value: float) -> float | None:
    """Where ``value`` falls in the fan, 0-100. The fan is read as a two-piece normal with its
    mode at the central value and the half spreads set by P10 and P90 (so P10 -> 10, central
    -> 50, P90 -> 90 exactly). None when the plan had no fan (no P10/P90) or a zero-width half."""
    if not point.has_band:
        return None
    upper = value >= point.central
    sd = _half_normal_sd(point, upper)
    if sd <= 0:
        return None if value != point.central else 50.0
    return float(_NORMAL.cdf((value - point.central) / sd) * 100.0)


def probability_at_least(point: TrajectoryPoint, goal: float) -> float | None:
    """P(value >= goal) under the same two-piece normal; None without a fan."""
    if not point.has_band:
        return None
    upper = goal >= point.central
    sd = _half_normal_sd(point, upper)
    if sd <= 0:
        return 1.0 if point.central >= goal else 0.0
    return float(1.0 - _NORMAL.cdf((goal - point.central) / sd))


def track(
    plan: Plan,
    actuals: Mapping[StaffGroup, Mapping[dt.date, float]],
    *,
    source: str,
    provenance: Mapping[dt.date, str] | None = None,
) -> Tracking:
    """Compare the adopted scenario with ``actuals`` (per staff group: date -> WTE);
    ``provenance`` says per date where the actual came from."""
    provenance = provenance or {}
    groups = []
    for traj in plan.trajectories():
        series = {d: v for d, v in actuals.get(traj.staff_group, {}).items() if math.isfinite(v)}
        at_start = series.get(traj.start)
        dates = sorted(d for d in series if traj.start <= d <= traj.end)
        target = plan.target_for(traj.staff_group)
        goal = None
        if target is not None and (plan.comparison.mode == "absolute" or at_start is not None):
            goal = comparable_target(plan, target, at_start)
        rows: list[TrackingRow] = []
        alerts: list[Alert] = []
        for d in dates:
            raw = traj.at(d)
            assert raw is not None
            if plan.comparison.mode == "relative" and at_start is None:
                break
            p = comparable(plan, raw, at_start)
            actual = series[d]
            variance = actual - p.central
            pct = fan_percentile(p, actual)
            inside = None if not p.has_band else bool(p.p10 <= actual <= p.p90)  # type: ignore[operator]
            rows.append(
                TrackingRow(
                    staff_group=traj.staff_group,
                    date=d,
                    period=quarter_label(d),
                    actual=actual,
                    actual_from=provenance.get(d, source),
                    plan=p.central,
                    p10=p.p10,
                    p90=p.p90,
                    target=goal,
                    variance=variance,
                    variance_pct=variance / p.central * 100.0 if p.central else math.nan,
                    percentile=pct,
                    inside_band=inside,
                    gap_to_target=None if goal is None else actual - goal,
                    spc_rules="",
                    spc_point_type="",
                )
            )
            if inside is False:
                alerts.append(
                    Alert(
                        staff_group=traj.staff_group,
                        period=quarter_label(d),
                        kind=AlertKind.OUTSIDE_BAND,
                        message=(
                            f"actual {actual:,.1f} WTE is {'below P10' if actual < p.p10 else 'above P90'}"  # type: ignore[operator]
                            f" of the plan ({p.p10:,.1f} to {p.p90:,.1f})"
                        ),
                        evidence={
                            "actual": actual,
                            "p10": p.p10,
                            "plan": p.central,
                            "p90": p.p90,
                        },  # type: ignore[dict-item]
                    )
                )
        spc, note = _spc(plan, rows, goal)
        if plan.comparison.mode == "relative" and at_start is None:
            note = (
                f"no actual on the plan's start ({traj.start}): a relative comparison cannot be"
                " made"
            )
        if spc is not None:
            rows = [
                r.model_copy(
                    update={
                        "spc_rules": ", ".join(pt.rules),
                        "spc_point_type": pt.point_type.value,
                    }
                )
                for r, pt in zip(rows, spc.points, strict=True)
            ]
            for r, pt in zip(rows, spc.points, strict=True):
                if pt.point_type is PointType.CONCERN:
                    alerts.append(
                        Alert(
                            staff_group=traj.staff_group,
                            period=r.period,
                            kind=AlertKind.SPC_CONCERN,
                            message=f"special-cause concern ({', '.join(pt.rules)})",
                            evidence={
                                "actual": pt.value,
                                "mean": pt.mean,
                                "lower_limit": pt.lower_limit,
                                "upper_limit": pt.upper_limit,
                                "rules": ", ".join(pt.rules),
                            },
                        )
                    )
        prob = None
        if target is not None and goal is not None and rows:
            prob = _reanchored_probability(plan, traj.staff_group, rows[-1], target.date, at_start)
            fanned = any(p.has_band for p in traj.points)
            if prob is not None and prob < plan.alerts.unreachable_below:
                latest = {"latest_actual": rows[-1].actual, "latest_plan": rows[-1].plan}
                alerts.append(
                    Alert(
                        staff_group=traj.staff_group,
                        period=rows[-1].period,
                        kind=AlertKind.TARGET_UNREACHABLE,
                        message=(
                            f"probability of meeting the target ({goal:,.1f} WTE by"
                            f" {target.date:%B %Y}) is {prob:.0%}, below"
                            f" {plan.alerts.unreachable_below:.0%}"
                            if fanned
                            # without a fan the 0 is no probability: the plan's path, moved
                            # by the latest variance, misses the target
                            else f"the plan's path, moved by the latest variance, misses the"
                            f" target ({goal:,.1f} WTE by {target.date:%B %Y}); the plan has no"
                            " P10-P90 range, so no probability"
                        ),
                        evidence=(
                            {
                                "probability": prob,
                                "threshold": plan.alerts.unreachable_below,
                                "target": goal,
                            }
                            if fanned
                            else {"target": goal}
                        )
                        | latest,
                    )
                )
        groups.append(
            GroupTracking(
                staff_group=traj.staff_group,
                rows=tuple(rows),
                spc=spc,
                spc_note=note,
                probability_of_target=prob,
                alerts=tuple(alerts),
            )
        )
    return Tracking(
        plan_name=plan.name,
        plan_version=plan.version,
        scenario=plan.adopted,
        source=source,
        groups=tuple(groups),
    )


def _spc(
    plan: Plan, rows: Sequence[TrackingRow], goal: float | None
) -> tuple[SpcResult | None, str]:
    labels = [r.period for r in rows]
    by_date = {r.date: r.period for r in rows}
    recalcs = []
    for on, reason in plan.spc.recalculations:
        if on in by_date:
            recalcs.append(Recalculation(at=by_date[on], reason=reason))
    try:
        result = xmr(
            labels,
            [r.actual for r in rows],
            direction=plan.direction,
            target=goal,
            baseline_points=plan.spc.baseline_points,
            recalculations=recalcs,
            rules=SpcRules(shift_points=plan.spc.shift_points, trend_points=plan.spc.trend_points),
        )
    except SpcInputError as exc:
        return None, f"no SPC chart: {exc}"
    return result, ""


def _reanchored_probability(
    plan: Plan,
    group: StaffGroup,
    latest: TrackingRow,
    target_date: dt.date,
    at_start: float | None,
) -> float | None:
    """P(meeting the target at its date), the plan's fan there shifted by the latest variance."""
    traj = next(t for t in plan.trajectories() if t.staff_group is group)
    on = min(max(target_date, traj.start), traj.end)
    raw = traj.at(on)
    target = plan.target_for(group)
    if raw is None or target is None:
        return None
    p = comparable(plan, raw, at_start)
    shift = latest.variance
    moved = TrajectoryPoint(
        date=p.date,
        central=max(p.central + shift, 0.0),
        p10=None if p.p10 is None else max(p.p10 + shift, 0.0),
        p90=None if p.p90 is None else max(p.p90 + shift, 0.0),
    )
    goal = comparable_target(plan, target, at_start)
    if not moved.has_band:
        return 1.0 if moved.central >= goal else 0.0
    return probability_at_least(moved, goal)
