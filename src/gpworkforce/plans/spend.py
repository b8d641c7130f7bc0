"""Locum and agency spend actuals against the plan's costed trajectory, quarter by quarter, with
the workforce measures' machinery (:mod:`gpworkforce.plans.tracking`'s percentile in the plan's
fan and :mod:`gpworkforce.plans.spc`'s XmR chart, lower spend better):

    variance   = actual - plan          variance % = variance / plan x 100
    inside     = plan P10 <= actual <= plan P90     (none without draws)
    percentile = where the actual falls in the plan's fan (two-piece normal, docs/plans.md)

Actuals are the practices' reported spend summed per quarter
(:func:`gpworkforce.finance.spend.quarterly`); the plan is the costed run's locum and agency
spend (:func:`gpworkforce.finance.spend.planned_quarterly`). Pure: no I/O.
"""

from __future__ import annotations

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.plans.model import TrajectoryPoint, quarter_label
from gpworkforce.plans.spc import Direction, SpcInputError, SpcResult, xmr
from gpworkforce.plans.tracking import fan_percentile


def _point(rec: dict[str, object]) -> TrajectoryPoint:
    central = float(rec["plan_gbp"])  # type: ignore[arg-type]
    lo, hi = rec.get("plan_p10_gbp"), rec.get("plan_p90_gbp")
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi) or not lo <= central <= hi:  # type: ignore[operator]
        return TrajectoryPoint(date=rec["quarter_end"], central=central)  # type: ignore[arg-type]
    return TrajectoryPoint(date=rec["quarter_end"], central=central, p10=lo, p90=hi)  # type: ignore[arg-type]


def track_spend(
    actual: pd.DataFrame, planned: pd.DataFrame
) -> tuple[ReportTable, SpcResult | None, str]:
    """One row per quarter with both an actual and a plan; the SPC chart of the actual total
    (None, with the reason, when it cannot be drawn)."""
    plan = {r["quarter_end"]: r for r in planned.to_dict("records")}
    rows = []
    for rec in actual.to_dict("records"):
        q = rec["quarter_end"]
        if q not in plan:
            continue
        p = _point(plan[q])
        total = float(rec["total_gbp"])
        variance = total - p.central
        inside = None if not p.has_band else bool(p.p10 <= total <= p.p90)  # type: ignore[operator]
        pct = fan_percentile(p, total)
        rows.append(
            {
                "Quarter": quarter_label(q),
                "Quarter end": q,
                "Practices reporting": int(rec["practices"]),
                "Locum spend (GBP)": float(rec["locum_gbp"]),
                "Agency spend (GBP)": float(rec["agency_gbp"]),
                "Locum and agency spend (GBP)": total,
                "Plan (GBP)": p.central,
                "Plan P10 (GBP)": p.p10,
                "Plan P90 (GBP)": p.p90,
                "Variance (GBP)": variance,
                "Variance %": variance / p.central * 100.0 if p.central else None,
                "Inside the plan's band": "" if inside is None else ("yes" if inside else "no"),
                "Percentile in the plan's fan": pct,
            }
        )
    frame = pd.DataFrame.from_records(rows)
    spc: SpcResult | None = None
    why = ""
    if len(frame):
        try:
            spc = xmr(
                list(frame["Quarter"]),
                list(frame["Locum and agency spend (GBP)"]),
                direction=Direction.DECREASE,
            )
        except SpcInputError as exc:
            why = f"no SPC chart: {exc}"
        if spc is not None:
            frame["SPC rules"] = [", ".join(r.value for r in pt.rules) for pt in spc.points]
            frame["SPC point"] = [pt.point_type.value for pt in spc.points]
    money = [c for c in frame.columns if "(GBP)" in c]
    table = ReportTable(
        key="spend_tracking",
        title="Locum and agency spend against the plan, by quarter (GBP, cash)",
        frame=frame,
        notes=(
            "Actual = the practices' reported locum and agency spend summed per quarter (only"
            " practices that reported; see Practices reporting).",
            "Plan = the costed scenario's locum and agency spend: a year's cost at each run date,"
            " read at the quarter's end and divided by 4; P10/P90 over the draws.",
            "SPC: XmR chart (Making Data Count), lower spend better.",
        ),
        decimals={
            k: v
            for k, v in {
                **dict.fromkeys(money, 0),
                "Variance %": 1,
                "Percentile in the plan's fan": 0,
            }.items()
            if k in frame.columns
        },
    )
    return table, spc, why
