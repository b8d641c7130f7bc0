"""Scoring a past plan: every scenario against the actuals of every year that has them (pure).

For each scenario and staff group, each actual dated on or after the plan's start is compared with
the scenario's value on that date, on the actuals' definition (:func:`~gpworkforce.plans.model.
comparable`). Dates after the plan's horizon are compared with the plan's final position held
(``beyond_horizon`` says so): a plan that ends in 2020 still claims its 2020 level afterwards.

``error = plan - actual``, ``error_pct = error / actual x 100``; ``inside_band`` = actual within
P10-P90 (None when the scenario had no fan). Per scenario: mean absolute % error over the years
within the horizon and over all years, and the error in the last year with an actual.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from gpworkforce.plans.model import (
    Plan,
    StaffGroup,
    comparable,
    comparable_target,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScoreRow(_Frozen):
    scenario: str
    staff_group: StaffGroup
    date: dt.date
    actual: float
    actual_from: str
    plan: float
    p10: float | None
    p90: float | None
    error: float
    error_pct: float
    inside_band: bool | None
    beyond_horizon: bool


class ScenarioScore(_Frozen):
    scenario: str
    staff_group: StaffGroup
    years: int
    mape_horizon: float
    mape_all: float
    last_date: dt.date
    last_actual: float
    last_plan: float
    last_error_pct: float
    inside_band_share: float | None
    target: float | None  # on the actuals' definition
    target_date: dt.date | None
    actual_at_target_date: float | None


class PlanScore(_Frozen):
    plan_name: str
    source: str
    rows: tuple[ScoreRow, ...]
    scenarios: tuple[ScenarioScore, ...]


def score_plan(
    plan: Plan,
    actuals: Mapping[StaffGroup, Mapping[dt.date, float]],
    *,
    source: str,
    provenance: Mapping[dt.date, str] | None = None,
) -> PlanScore:
    provenance = provenance or {}
    rows: list[ScoreRow] = []
    summaries: list[ScenarioScore] = []
    for traj in plan.scenarios:
        series = {d: v for d, v in actuals.get(traj.staff_group, {}).items() if math.isfinite(v)}
        at_start = series.get(traj.start)
        if plan.comparison.mode == "relative" and at_start is None:
            continue  # nothing to anchor on: no comparison possible (reported by the caller)
        mine: list[ScoreRow] = []
        for d in sorted(x for x in series if x >= traj.start):
            beyond = d > traj.end
            raw = traj.at(d) if not beyond else traj.points[-1]
            assert raw is not None
            p = comparable(plan, raw, at_start)
            actual = series[d]
            inside = (
                None if not p.has_band or p.p90 == p.p10 else bool(p.p10 <= actual <= p.p90)  # type: ignore[operator]
            )
            mine.append(
                ScoreRow(
                    scenario=traj.scenario,
                    staff_group=traj.staff_group,
                    date=d,
                    actual=actual,
                    actual_from=provenance.get(d, source),
                    plan=p.central,
                    p10=p.p10,
                    p90=p.p90,
                    error=p.central - actual,
                    error_pct=(p.central - actual) / actual * 100.0,
                    inside_band=inside,
                    beyond_horizon=beyond,
                )
            )
        scored = [r for r in mine if r.date > traj.start]
        if not scored:
            rows.extend(mine)
            continue
        within = [r for r in scored if not r.beyond_horizon]
        banded = [r for r in scored if r.inside_band is not None]
        target = plan.target_for(traj.staff_group)
        last = scored[-1]
        summaries.append(
            ScenarioScore(
                scenario=traj.scenario,
                staff_group=traj.staff_group,
                years=len(scored),
                mape_horizon=_mape(within),
                mape_all=_mape(scored),
                last_date=last.date,
                last_actual=last.actual,
                last_plan=last.plan,
                last_error_pct=last.error_pct,
                inside_band_share=(
                    sum(1 for r in banded if r.inside_band) / len(banded) if banded else None
                ),
                target=None if target is None else comparable_target(plan, target, at_start),
                target_date=None if target is None else target.date,
                actual_at_target_date=None if target is None else series.get(target.date),
            )
        )
        rows.extend(mine)
    return PlanScore(
        plan_name=plan.name, source=source, rows=tuple(rows), scenarios=tuple(summaries)
    )


def _mape(rows: list[ScoreRow]) -> float:
    if not rows:
        return math.nan
    return sum(abs(r.error_pct) for r in rows) / len(rows)
