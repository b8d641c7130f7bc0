"""What the plan pages show, from the library's results: rows for the templates, the quarterly
table (BLMK Table 1 layout), the Vega-Lite chart specs and the downloadable tables."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.plans.model import STAFF_GROUP_LABELS, StaffGroup
from gpworkforce.plans.model import Plan as LibraryPlan
from gpworkforce.plans.outputs import (
    plan_chart,
    quarterly_frame,
    score_chart_frame,
    score_tables,
    tracking_chart_frame,
    tracking_tables,
)
from gpworkforce.plans.scoring import PlanScore
from gpworkforce.plans.spc import ASSURANCE_LABELS, VARIATION_LABELS, Assurance, PointType
from gpworkforce.plans.tracking import GroupTracking, Tracking

# MDC icon colours and the letter each icon carries (text alternative: the label)
VARIATION_ICONS = {
    PointType.COMMON_CAUSE: ("#768692", "~"),
    PointType.IMPROVEMENT: ("#289de0", "+"),
    PointType.CONCERN: ("#fab428", "!"),
    PointType.NEITHER: ("#361475", "*"),
}
ASSURANCE_ICONS = {
    Assurance.CONSISTENT_PASS: ("#289de0", "P"),
    Assurance.CONSISTENT_FAIL: ("#fab428", "F"),
    Assurance.HIT_AND_MISS: ("#768692", "?"),
}


@dataclass(frozen=True)
class SummaryRow:
    group: StaffGroup
    label: str
    period: str
    actual: float | None
    actual_from: str
    plan: float | None
    target: float | None
    variance: float | None
    variance_pct: float | None
    percentile: float | None
    variation: str
    variation_icon: tuple[str, str] | None
    assurance: str
    assurance_icon: tuple[str, str] | None
    probability: float | None
    alerts: int


def summary_rows(result: Tracking) -> list[SummaryRow]:
    out = []
    for g in result.groups:
        last = g.rows[-1] if g.rows else None
        spc = g.spc
        out.append(
            SummaryRow(
                group=g.staff_group,
                label=STAFF_GROUP_LABELS[g.staff_group],
                period=last.period if last else "",
                actual=last.actual if last else None,
                actual_from=last.actual_from if last else "",
                plan=last.plan if last else None,
                target=last.target if last else None,
                variance=last.variance if last else None,
                variance_pct=last.variance_pct if last else None,
                percentile=last.percentile if last else None,
                variation=VARIATION_LABELS[spc.variation] if spc else g.spc_note or "No SPC",
                variation_icon=VARIATION_ICONS[spc.variation] if spc else None,
                assurance=(
                    ASSURANCE_LABELS[spc.assurance]
                    if spc and spc.assurance
                    else "No target to assure"
                ),
                assurance_icon=ASSURANCE_ICONS[spc.assurance] if spc and spc.assurance else None,
                # a plan without a P10-P90 fan has no range to read a chance from (the
                # library's 0 or 1 there only says whether the central path meets the target)
                probability=(
                    g.probability_of_target
                    if any(r.percentile is not None for r in g.rows)
                    else None
                ),
                alerts=len(g.alerts),
            )
        )
    return out


def group_of(result: Tracking, group: StaffGroup) -> GroupTracking | None:
    return next((g for g in result.groups if g.staff_group is group), None)


def quarterly(plan: LibraryPlan, result: Tracking) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns (quarters) and rows (staff group, measure, values) of the BLMK Table 1 layout."""
    frame = quarterly_frame(plan, result)
    quarters = [c for c in frame.columns if c not in ("staff group", "measure")]
    rows = []
    for rec in frame.to_dict("records"):
        rows.append(
            {
                "group": rec["staff group"],
                "measure": rec["measure"],
                "values": [_num(rec[q]) for q in quarters],
            }
        )
    return quarters, rows


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def measure_spec(plan: LibraryPlan, result: Tracking, group: StaffGroup) -> str:
    """The measure's chart (actual with SPC points, plan with fan, mean and limits, target) as
    a Vega-Lite spec (JSON text)."""
    frame = tracking_chart_frame(result, group)
    g = group_of(result, group)
    target = None
    t = plan.target_for(group)
    if t is not None and g is not None and g.rows and g.rows[0].target is not None:
        target = (t.date, g.rows[0].target, target_label(g.rows[0].target, t.date))
    chart = plan_chart(f"{STAFF_GROUP_LABELS[group]}: actual, plan and target", frame, target)
    return _responsive(chart.to_json())


def score_spec(plan: LibraryPlan, result: PlanScore) -> str:
    frame = score_chart_frame(result)
    target = None
    s = next((s for s in result.scenarios if s.target is not None), None)
    t = plan.targets[0] if plan.targets else None
    if s is not None and t is not None and s.target_date is not None and s.target is not None:
        target = (s.target_date, s.target, target_label(s.target, s.target_date))
    chart = plan_chart(f"{plan.name}: each scenario against what happened", frame, target)
    return _responsive(chart.to_json())


def target_label(value: float, on: Any) -> str:
    """The target as drawn: on the actuals' definition (a relative plan's target is converted, a
    practice's is its share), so the label gives the value drawn, not the plan's own wording."""
    return f"Target: {value:,.1f} WTE by {on:%B %Y}"


def _responsive(spec_json: str) -> str:
    spec = json.loads(spec_json)
    spec["width"] = "container"
    spec.pop("$schema", None)
    return json.dumps(spec, separators=(",", ":"))


def tables(
    plan: LibraryPlan, result: Tracking | None, score: PlanScore | None
) -> list[ReportTable]:
    out: list[ReportTable] = []
    if result is not None:
        out += tracking_tables(plan, result)
    if score is not None:
        out += score_tables(plan, score)
    return out


DOWNLOADS = {
    "plan_quarterly": "Actual, plan and target by quarter",
    "plan_tracking": "Every period: actual, plan, target, variance, percentile, SPC",
    "plan_tracking_summary": "Summary: one line per staff group",
    "plan_spc_limits": "SPC limits",
    "plan_alerts": "Alerts",
    "plan_score_summary": "Scoring: each scenario against actuals",
    "plan_score_years": "Scoring: error per year and scenario",
}


def chart_table(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records")


@dataclass(frozen=True)
class ScoreYear:
    date: Any
    actual_from: str
    actual: float
    beyond_horizon: bool
    cells: list[tuple[float, float, bool | None] | None]  # per scenario: plan, error %, inside


def score_years(result: PlanScore) -> tuple[list[str], list[ScoreYear]]:
    """The scoring rows pivoted: one row per date with an actual (one staff group at a time, in
    order), one column per scenario (plan, error %, inside the band)."""
    names = list(dict.fromkeys(r.scenario for r in result.rows))
    by_key = {(r.staff_group, r.date, r.scenario): r for r in result.rows}
    keys = list(dict.fromkeys((r.staff_group, r.date) for r in result.rows))
    out = []
    for group, date in keys:
        first = next(by_key[(group, date, n)] for n in names if (group, date, n) in by_key)
        cells: list[tuple[float, float, bool | None] | None] = []
        for n in names:
            r = by_key.get((group, date, n))
            cells.append(None if r is None else (r.plan, r.error_pct, r.inside_band))
        out.append(ScoreYear(date, first.actual_from, first.actual, first.beyond_horizon, cells))
    return names, out
