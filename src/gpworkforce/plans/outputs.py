"""Tables, charts and headlines of tracking and scoring (what ``gpworkforce plan`` writes)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.plans.model import (
    STAFF_GROUP_LABELS,
    Plan,
    comparable,
    quarter_label,
    quarterly,
)
from gpworkforce.plans.scoring import PlanScore
from gpworkforce.plans.spc import ASSURANCE_LABELS, VARIATION_LABELS
from gpworkforce.plans.tracking import Tracking

# The evidence of an alert (gpworkforce.plans.tracking) in words: its keys as people name them;
# probabilities as per cents, everything else numeric in WTE.
_EVIDENCE_NAMES = {
    "p10": "P10",
    "p90": "P90",
    "plan": "plan",
    "mean": "mean",
    "lower_limit": "lower process limit",
    "upper_limit": "upper process limit",
    "rules": "rules broken",
    "latest_actual": "latest actual",
    "latest_plan": "latest plan",
}
_EVIDENCE_SHARES = frozenset({"probability", "threshold"})


def evidence_text(evidence: dict[str, Any]) -> str:
    """An alert's evidence as one line: ``probability 3%; threshold 20%; target 593.2 WTE``."""
    parts = []
    for key, value in evidence.items():
        name = _EVIDENCE_NAMES.get(key, key.replace("_", " "))
        if value is None:
            shown = "not known"
        elif isinstance(value, bool) or not isinstance(value, int | float):
            shown = str(value)
        elif key in _EVIDENCE_SHARES:
            shown = f"{value:.0%}"
        else:
            shown = f"{value:,.1f} WTE"
        parts.append(f"{name} {shown}")
    return "; ".join(parts)


def _plan_notes(plan: Plan) -> tuple[str, ...]:
    notes = [f"Plan version {plan.version}: {plan.revisions[-1].reason}"]
    if plan.comparison.mode == "relative":
        notes.append(
            f"Compared relative: each plan figure x (actual at the plan's start /"
            f" {plan.comparison.baseline_value:g}), the plan's own start figure."
        )
    if plan.comparison.note:
        notes.append(plan.comparison.note)
    return tuple(notes)


def gpw_year(date: Any) -> str:
    return f"{date:%d %b %Y} (GPW Year {date.year + 1})" if date.month == 9 else f"{date:%d %b %Y}"


def score_tables(plan: Plan, result: PlanScore) -> list[ReportTable]:
    rows = pd.DataFrame(
        [
            {
                "scenario": r.scenario,
                "staff group": STAFF_GROUP_LABELS[r.staff_group],
                "date": r.date,
                "actual WTE": r.actual,
                "actual from": r.actual_from,
                "plan WTE": r.plan,
                "plan P10": r.p10,
                "plan P90": r.p90,
                "error WTE": r.error,
                "error %": r.error_pct,
                "inside P10-P90": r.inside_band,
                "beyond plan horizon": r.beyond_horizon,
            }
            for r in result.rows
        ]
    )
    summary = pd.DataFrame(
        [
            {
                "scenario": s.scenario,
                "staff group": STAFF_GROUP_LABELS[s.staff_group],
                "years scored": s.years,
                "MAPE within horizon %": s.mape_horizon,
                "MAPE all years %": s.mape_all,
                "last actual date": s.last_date,
                "last actual WTE": s.last_actual,
                "plan WTE then": s.last_plan,
                "error then %": s.last_error_pct,
                "share inside P10-P90": s.inside_band_share,
                "target WTE (like for like)": s.target,
                "target date": s.target_date,
                "actual at target date": s.actual_at_target_date,
            }
            for s in result.scenarios
        ]
    )
    notes = (
        *_plan_notes(plan),
        "error = plan - actual; error % = error / actual x 100.",
        "After the plan's horizon the plan's final position is held (beyond plan horizon).",
    )
    sources = (result.source, plan.source) if plan.source else (result.source,)
    return [
        ReportTable(
            "plan_score_summary",
            f"{plan.name}: scenarios against actuals",
            summary,
            notes=notes,
            sources=sources,
            decimals={"MAPE within horizon %": 1, "MAPE all years %": 1, "error then %": 1},
        ),
        ReportTable(
            "plan_score_years",
            f"{plan.name}: error per year and scenario",
            rows,
            notes=notes,
            sources=sources,
            decimals={"error %": 1},
        ),
    ]


def tracking_tables(plan: Plan, result: Tracking) -> list[ReportTable]:
    rows = pd.DataFrame(
        [
            {
                "staff group": STAFF_GROUP_LABELS[r.staff_group],
                "period": r.period,
                "date": r.date,
                "actual WTE": r.actual,
                "actual from": r.actual_from,
                "plan WTE": r.plan,
                "plan P10": r.p10,
                "plan P90": r.p90,
                "target WTE": r.target,
                "variance WTE": r.variance,
                "variance %": r.variance_pct,
                "percentile in plan fan": r.percentile,
                "inside P10-P90": r.inside_band,
                "gap to target WTE": r.gap_to_target,
                "SPC signals": r.spc_rules,
                "SPC point": r.spc_point_type,
            }
            for g in result.groups
            for r in g.rows
        ]
    )
    summary = pd.DataFrame(
        [
            {
                "staff group": STAFF_GROUP_LABELS[g.staff_group],
                "latest period": g.rows[-1].period if g.rows else "",
                "latest actual WTE": g.rows[-1].actual if g.rows else None,
                "latest plan WTE": g.rows[-1].plan if g.rows else None,
                "variation": VARIATION_LABELS[g.spc.variation] if g.spc else g.spc_note,
                "assurance": (
                    ASSURANCE_LABELS[g.spc.assurance] if g.spc and g.spc.assurance else ""
                ),
                "probability of meeting the target": g.probability_of_target,
                "alerts": len(g.alerts),
            }
            for g in result.groups
        ]
    )
    limits = pd.DataFrame(
        [
            {
                "staff group": STAFF_GROUP_LABELS[g.staff_group],
                "from": s.start,
                "to": s.end,
                "baseline periods": ", ".join(s.baseline),
                "mean": s.mean,
                "mean moving range": s.mean_moving_range,
                "lower process limit": s.lower_limit,
                "upper process limit": s.upper_limit,
                "reason": s.reason,
            }
            for g in result.groups
            if g.spc is not None
            for s in g.spc.segments
        ],
        columns=[
            "staff group",
            "from",
            "to",
            "baseline periods",
            "mean",
            "mean moving range",
            "lower process limit",
            "upper process limit",
            "reason",
        ],
    )
    alerts = pd.DataFrame(
        [
            {
                "staff group": STAFF_GROUP_LABELS[a.staff_group],
                "period": a.period,
                "alert": a.kind.value,
                "message": a.message,
                "evidence": evidence_text(a.evidence),
            }
            for a in result.alerts
        ],
        columns=["staff group", "period", "alert", "message", "evidence"],
    )
    notes = (*_plan_notes(plan), f"Adopted scenario: {result.scenario}")
    src = (result.source,)
    quarters = ReportTable(
        "plan_quarterly",
        f"{plan.name}: actual vs plan vs target by quarter",
        quarterly_frame(plan, result),
        notes=(*notes, "Plan at quarter ends, linear between the plan's own dates."),
        sources=src,
    )
    return [
        quarters,
        ReportTable("plan_tracking_summary", f"{plan.name}: tracking summary", summary, notes, src),
        ReportTable("plan_tracking", f"{plan.name}: actual vs plan vs target", rows, notes, src),
        ReportTable("plan_spc_limits", f"{plan.name}: SPC limits", limits, notes, src),
        ReportTable("plan_alerts", f"{plan.name}: alerts", alerts, notes, src),
    ]


def quarterly_frame(plan: Plan, result: Tracking) -> pd.DataFrame:
    """BLMK Table 1 layout: per staff group, rows actual / plan / target / variance, one column per
    quarter of the plan's period (the plan on the actuals' definition)."""
    records = []
    for g in result.groups:
        traj = next(t for t in plan.trajectories() if t.staff_group is g.staff_group)
        actual = {quarter_label(r.date): r.actual for r in g.rows}
        goal = g.rows[0].target if g.rows else None
        start = next((r.actual for r in g.rows if r.date == traj.start), None)
        plan_q: dict[str, float] = {}
        if plan.comparison.mode == "absolute" or start is not None:
            for p in quarterly(traj):
                plan_q[quarter_label(p.date)] = comparable(plan, p, start).central
        labels = list(dict.fromkeys([*plan_q, *actual]))
        name = STAFF_GROUP_LABELS[g.staff_group]
        target_row = dict.fromkeys(labels)
        target = plan.target_for(g.staff_group)
        if target is not None and goal is not None:
            target_row[quarter_label(target.date)] = goal
        variance = {q: actual[q] - plan_q[q] for q in labels if q in actual and q in plan_q}
        for what, row in (
            ("Actual WTE", actual),
            ("Plan WTE", plan_q),
            ("Target WTE", target_row),
            ("Variance from plan WTE", variance),
        ):
            records.append(
                {"staff group": name, "measure": what, **{q: row.get(q) for q in labels}}
            )
    return pd.DataFrame(records)


def plan_chart(
    title: str,
    lines: pd.DataFrame,
    target: tuple[Any, float, str] | None,
    y_title: str = "WTE (on the actuals' definition)",
) -> Any:
    """Altair layers: each series' P10-P90 band (when any) and line, actuals in black, target.

    ``lines``: columns date, series, value, p10, p90 (p10/p90 may be empty); series "Actual" is
    drawn in black with points.
    """
    import altair as alt

    frame = lines.assign(date=pd.to_datetime(lines["date"]))
    # numbers as float64 (Altair writes NaN as null); the SPC label as text, "" when none
    for col in ("p10", "p90"):
        if col in frame:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    if "spc" in frame:
        frame["spc"] = ["" if pd.isna(v) else str(v) for v in frame["spc"]]
    x = alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=-30))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
    is_limit = frame["series"].isin(LIMIT_SERIES)
    names = [n for n in dict.fromkeys(frame.loc[~is_limit, "series"]) if n != "Actual"]
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[*names, "Actual"], range=[*PALETTE[: len(names)], "#000000"]),
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=0),
    )
    plans = frame[~is_limit & (frame["series"] != "Actual")]
    actual = frame[frame["series"] == "Actual"]
    layers = []
    banded = plans.dropna(subset=["p10", "p90"])
    if len(banded):
        layers.append(
            alt.Chart(banded)
            .mark_area(opacity=0.2)
            .encode(x=x, y="p10:Q", y2="p90:Q", color=colour)
        )
    if is_limit.any():
        layers.append(
            alt.Chart(frame[is_limit])
            # a neutral grey, as the subtitle says: NHS mid grey (#768692) reads as blue beside
            # the plan's blue line (issue 14)
            .mark_line(strokeDash=[6, 3], color=LIMIT_GREY)
            .encode(x=x, y=y, detail="series:N", tooltip=["series:N", "value:Q"])
        )
    layers.append(alt.Chart(plans).mark_line().encode(x=x, y=y, color=colour))
    layers.append(alt.Chart(actual).mark_line(point=True).encode(x=x, y=y, color=colour))
    if "spc" in actual and actual["spc"].isin(list(SPC_COLOURS)).any():
        special = actual[actual["spc"].isin(list(SPC_COLOURS))]
        layers.append(
            alt.Chart(special)
            .mark_point(filled=True, size=90)
            .encode(
                x=x,
                y=y,
                shape=alt.Shape(
                    "spc:N",
                    title="SPC",
                    scale=alt.Scale(domain=list(SPC_COLOURS), range=["circle"] * len(SPC_COLOURS)),
                ),
                fill=alt.Fill(
                    "spc:N",
                    title="SPC",
                    scale=alt.Scale(domain=list(SPC_COLOURS), range=list(SPC_COLOURS.values())),
                    legend=alt.Legend(orient="bottom", labelLimit=0),
                ),
            )
        )
    if target is not None:
        when, value, label = target
        t = pd.DataFrame({"date": [pd.Timestamp(when)], "value": [value], "label": [label]})
        layers.append(
            alt.Chart(t)
            .mark_point(shape="diamond", size=120, color="#330072", filled=True)
            .encode(x=x, y=y)
        )
        layers.append(
            alt.Chart(t)
            .mark_text(align="right", dx=-10, dy=14, color="#330072")
            .encode(x=x, y=y, text="label:N")
        )
        rule = pd.DataFrame({"value": [value]})
        layers.append(
            alt.Chart(rule).mark_rule(strokeDash=[4, 4], color="#330072").encode(y="value:Q")
        )
    subtitle = [title, "Dashed grey: SPC mean and process limits"] if is_limit.any() else title
    from gpworkforce.reports.charts import wrap

    heading = alt.TitleParams(
        wrap(plan_finding(frame, target) or title),
        subtitle=subtitle,
        subtitleFontSize=12,
        subtitleColor="#4c6272",
    )
    return alt.layer(*layers).properties(title=heading, width=640, height=340)


def plan_finding(frame: pd.DataFrame, target: tuple[Any, float, str] | None) -> str:
    """The latest actual against the target (else against the first plan line on that date)."""
    actual = frame.loc[frame["series"] == "Actual"].dropna(subset=["value"])
    if actual.empty:
        return ""
    last = actual.sort_values("date").iloc[-1]
    when, value = pd.Timestamp(last["date"]), float(last["value"])
    head = f"Actual {value:,.1f} WTE in {when:%b %Y}"
    if target is not None:
        gap = float(target[1]) - value
        side = "below" if gap > 0 else "above"
        return f"{head}, {abs(gap):,.1f} WTE {side} the target of {float(target[1]):,.1f} WTE"
    plans = frame.loc[~frame["series"].isin(["Actual", *LIMIT_SERIES])].dropna(subset=["value"])
    same = plans.loc[pd.to_datetime(plans["date"]) == when]
    if same.empty:
        return head
    first = same.iloc[0]
    diff = value - float(first["value"])
    side = "above" if diff > 0 else "below"
    return f"{head}, {abs(diff):,.1f} WTE {side} {first['series']}"


LIMIT_SERIES = ("Mean", "Lower process limit", "Upper process limit")
LIMIT_GREY = "#8a8a8a"  # the SPC mean and limits: "Dashed grey" in the chart's subtitle
# MDC's icon colours: improvement blue, concern orange, no better direction purple
SPC_COLOURS = {
    "Special cause: improvement": "#289de0",
    "Special cause: concern": "#fab428",
    "Special cause (no better direction)": "#361475",
}
SPC_NAMES = {
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neither": "Special cause (no better direction)",
}
PALETTE = ("#005eb8", "#ed8b00", "#009639", "#7c2855", "#00a9ce", "#ae2573", "#425563")


def chart_svg(chart: Any, *, key: str, title: str, description: str) -> str:
    """Static SVG through the reports' renderer: an image with a title and a text description."""
    from gpworkforce.reports.model import ReportChart
    from gpworkforce.reports.svg import chart_svg as render

    spec = json.loads(chart.to_json())
    return render(ReportChart(key=key, title=title, spec=spec, description=description))


def score_chart_frame(result: PlanScore) -> pd.DataFrame:
    plan_rows = [
        {"date": r.date, "series": r.scenario, "value": r.plan, "p10": r.p10, "p90": r.p90}
        for r in result.rows
    ]
    seen: dict[Any, float] = {}
    for r in result.rows:
        seen.setdefault(r.date, r.actual)
    actual_rows = [
        {"date": d, "series": "Actual", "value": v, "p10": None, "p90": None}
        for d, v in sorted(seen.items())
    ]
    return pd.DataFrame(plan_rows + actual_rows, columns=["date", "series", "value", "p10", "p90"])


def tracking_chart_frame(result: Tracking, group: Any) -> pd.DataFrame:
    """Plan (with fan), actual (with its SPC point type) and the SPC mean and limits."""
    recs: list[dict[str, Any]] = []

    def add(date: Any, series: str, value: float, **kw: Any) -> None:
        recs.append({"date": date, "series": series, "value": value, **kw})

    for g in result.groups:
        if g.staff_group is not group:
            continue
        for r in g.rows:
            add(r.date, "Plan", r.plan, p10=r.p10, p90=r.p90)
            add(r.date, "Actual", r.actual, spc=SPC_NAMES.get(r.spc_point_type))
        if g.spc is not None:
            for r, p in zip(g.rows, g.spc.points, strict=True):
                add(r.date, "Mean", p.mean)
                add(r.date, "Lower process limit", p.lower_limit)
                add(r.date, "Upper process limit", p.upper_limit)
    return pd.DataFrame(recs, columns=["date", "series", "value", "p10", "p90", "spc"])
