"""Forecast outputs: tables (as :class:`ReportTable`), the trajectory chart and writing them.

Tables are long and tidy: one row per date, organisation and measure. With Monte Carlo draws each
row carries the central case (run 0) and P10 / P50 / P90 over draws 1..N. The trajectory chart
(like LLR Figure 9) shows supply, demand, the target and, with draws, the P10-P90 fan; it is an
Altair chart rendered to static SVG with vl-convert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gpworkforce.domain.report import ReportTable
from gpworkforce.exports import atomic_write_text, write_csv_files, write_xlsx
from gpworkforce.forecast.cohort import CohortForecast
from gpworkforce.forecast.cohort_mc import TOTAL, CohortSummary, Fan
from gpworkforce.forecast.hee_linear import HeeTable
from gpworkforce.forecast.uncertainty import fan_chart, probability_meeting_target
from gpworkforce.reports.charts import heading as heading_params
from gpworkforce.reports.svg import vegalite_svg

MEASURE_TITLES = {
    "supply_hc": "GP headcount",
    "supply_fte": "GP WTE",
    "supply_gp_equiv": "GP-equivalent WTE (with substitutes, net of supervision)",
    "registered": "Registered patients",
    "demand": "Demand, WTE GPs",
    "gap": "Gap, WTE (demand - supply)",
    "per_1000": "GP-equivalent WTE per 1,000 patients",
    "cost_salaried": "Cost of the gap at salaried cost, GBP a year",
    "cost_locum": "Cost of the gap at locum cost, GBP a year",
}


def summarise(
    runs: NDArray[np.float64], dates: Sequence[dt.date], orgs: Sequence[str], measure: str
) -> pd.DataFrame:
    """Central case and P10/P50/P90 per date and organisation from ``[runs, dates, orgs]``."""
    frame = fan_chart(runs, list(dates), list(orgs), measure)
    if runs.shape[0] == 1:
        frame = frame.loc[:, ["period", "org", "measure", "central"]]
    else:
        frame = frame.loc[:, ["period", "org", "measure", "central", "p10", "p50", "p90"]]
    return frame.rename(columns={"period": "date"})


def yearly(fc: CohortForecast) -> NDArray[np.int64]:
    """Positions of the recorded steps that fall on whole years from the start (and the last)."""
    steps = fc.engine.steps
    keep = (steps % fc.engine.steps_per_year == 0) | (steps == steps[-1])
    return np.flatnonzero(keep)


def cohort_tables(
    fc: CohortForecast, scenario_name: str, sources: Sequence[str]
) -> list[ReportTable]:
    """The forecast table (every measure, every organisation and the total) and the stocks, at
    whole years from the start (the chart keeps every step)."""
    idx = yearly(fc)
    dates = [fc.dates[i] for i in idx]
    parts = []
    for name, full in fc.measures().items():
        arr = full[:, idx]
        parts.append(summarise(arr, dates, fc.orgs, name))
        if len(fc.orgs) > 1 and name not in ("per_1000",):
            parts.append(summarise(arr.sum(axis=2, keepdims=True), dates, ["TOTAL"], name))
    if fc.registered is not None and len(fc.orgs) > 1:
        total = fc.supply_gp_equiv[:, idx].sum(axis=2, keepdims=True) / fc.registered[:, idx].sum(
            axis=2, keepdims=True
        )
        parts.append(summarise(total * 1000.0, dates, ["TOTAL"], "per_1000"))
    frame = pd.concat(parts, ignore_index=True)
    value_cols = [c for c in ("central", "p10", "p50", "p90") if c in frame.columns]
    notes = (
        "central = the central case (every assumption at its central value).",
        *(("p10/p50/p90 = percentiles over the Monte Carlo draws.",) if fc.draws > 1 else ()),
        *(f"{k}: {v}" for k, v in MEASURE_TITLES.items() if k in fc.measures()),
    )
    forecast = ReportTable(
        key="forecast",
        title=f"{scenario_name}: supply, demand and gap",
        frame=frame,
        notes=notes,
        sources=tuple(sources),
        decimals=dict.fromkeys(value_cols, 2),
    )
    eng = fc.engine
    n_o, n_k, n_a = len(eng.orgs), len(eng.classes), len(eng.bands)
    grid = pd.MultiIndex.from_product(
        [dates, eng.orgs, eng.classes, eng.bands], names=["date", "org", "class", "band"]
    )
    stock_frame = grid.to_frame(index=False).assign(
        headcount=eng.headcount[0, idx].reshape(len(idx) * n_o * n_k * n_a),
        fte=eng.fte[0, idx].reshape(len(idx) * n_o * n_k * n_a),
    )
    stocks = ReportTable(
        key="stocks",
        title=f"{scenario_name}: stocks by class and age band (central case)",
        frame=stock_frame,
        sources=tuple(sources),
        decimals={"headcount": 2, "fte": 2},
    )
    return [forecast, stocks]


def flows_table(fc: CohortForecast, scenario_name: str) -> ReportTable | None:
    """Flows of the central case per year, summed over organisations, classes and bands."""
    flows = fc.engine.flows
    if flows is None:
        return None
    spy = fc.engine.steps_per_year
    names = list(flows.__dataclass_fields__)
    rows = []
    n_years = flows.inflow_hc.shape[1] // spy
    for y in range(n_years):
        sl = slice(y * spy, (y + 1) * spy)
        rows.append({"year": y + 1, **{n: float(getattr(flows, n)[0, sl].sum()) for n in names}})
    return ReportTable(
        key="flows",
        title=f"{scenario_name}: flows per forecast year (central case, all organisations)",
        frame=pd.DataFrame(rows),
        notes=("_hc = headcount, _fte = FTE; end = start + in - out every step.",),
        decimals=dict.fromkeys(names, 2),
    )


def hee_tables(table: HeeTable, positions: NDArray[np.float64] | None = None) -> list[ReportTable]:
    """The LLR-style table and, with draws, the distribution of the end position."""
    frame = pd.DataFrame(
        [(li.label, li.baseline, li.assumption, li.value) for li in table.lines],
        columns=["line", "baseline", "local_assumptions", f"number_over_{table.years}_years"],
    )
    out = [
        ReportTable(
            key="hee_linear",
            title=table.scenario,
            frame=frame,
            notes=("HEE GP Forecast Model arithmetic (LLR GP Workforce Plan 2017, Tables 12-14).",),
        )
    ]
    if positions is not None and positions.shape[0] > 1:
        draws = positions[1:]
        q = np.quantile(draws, [0.1, 0.5, 0.9])
        out.append(
            ReportTable(
                key="position",
                title=f"{table.scenario}: end position over Monte Carlo draws",
                frame=pd.DataFrame(
                    [
                        {
                            "central": positions[0],
                            "p10": q[0],
                            "p50": q[1],
                            "p90": q[2],
                            "draws": len(draws),
                        }
                    ]
                ),
                decimals={"central": 1, "p10": 1, "p50": 1, "p90": 1},
            )
        )
    return out


def trajectory_chart(
    series: pd.DataFrame, target: tuple[dt.date, float] | None, title: str, y_title: str = "WTE GPs"
) -> alt.LayerChart:
    """Lines per ``series`` (date, line, central[, p10, p90]); P10-P90 band where given; target point."""
    data = series.assign(date=pd.to_datetime(series["date"]).dt.strftime("%Y-%m-%d"))
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", tickCount="year"))
    )
    legend = alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=600)
    layers: list[alt.Chart] = []
    if "p10" in data.columns:
        layers.append(
            base.mark_area(opacity=0.25).encode(
                y=alt.Y("p10:Q", title=y_title),
                y2="p90:Q",
                # one legend, drawn by the lines (a band's pale swatch reads as no colour)
                color=alt.Color("line:N", legend=None),
            )
        )
    layers.append(
        base.mark_line(point=True).encode(
            y=alt.Y("central:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color("line:N", legend=legend),
        )
    )
    if target is not None:
        tgt = pd.DataFrame(
            {"date": [target[0].isoformat()], "value": [target[1]], "line": ["Target"]}
        )
        layers.append(
            alt.Chart(tgt).mark_rule(strokeDash=[6, 4], color="black").encode(y="value:Q")
        )
        layers.append(
            alt.Chart(tgt)
            .mark_point(shape="diamond", size=120, filled=True, color="black")
            .encode(x="date:T", y="value:Q", tooltip=["line", "value"])
        )
        # the target line says what it is: a board reads it without a legend entry
        label = tgt.assign(text=[f"Target: {target[1]:,.1f} {y_title} by {target[0]:%-d %B %Y}"])
        layers.append(
            alt.Chart(label)
            .mark_text(align="right", baseline="top", dx=-8, dy=6, color="black", fontSize=12)
            .encode(x="date:T", y="value:Q", text="text:N")
        )
    heading = heading_params(trajectory_finding(series, target, y_title), title)
    return alt.layer(*layers).properties(title=heading, width=640, height=360)


def trajectory_finding(
    series: pd.DataFrame, target: tuple[dt.date, float] | None, unit: str = "WTE GPs"
) -> str:
    """The chart's finding from its figures: each line's central value on the target's date (or
    at its end) against the target; without a target, where the line ends against its start."""
    if series.empty:
        return ""
    frame = series.assign(date=pd.to_datetime(series["date"]))
    ends: list[tuple[str, pd.Timestamp, float, float]] = []
    for line, rows in frame.groupby("line", sort=False):
        rows = rows.sort_values("date")
        if target is not None:
            upto = rows.loc[rows["date"] <= pd.Timestamp(target[0])]
            rows = upto if len(upto) else rows
        first, last = rows.iloc[0], rows.iloc[-1]
        ends.append((str(line), last["date"], float(last["central"]), float(first["central"])))
    if target is not None:
        when, goal = f"{target[0]:%b %Y}", target[1]
        if len(ends) == 1:
            line, _d, value, _f = ends[0]
            gap = goal - value
            return (
                f"{line}: {value:,.1f} {unit} by {when}, {gap:,.1f} short of the target of {goal:,.1f}"
                if gap > 0
                else f"{line}: {value:,.1f} {unit} by {when}, meets the target of {goal:,.1f}"
            )
        met = [e for e in ends if e[2] >= goal]
        if met:
            verb = "reaches" if len(met) == 1 else "reach"
            return f"{len(met)} of {len(ends)} scenarios {verb} the target of {goal:,.1f} {unit} by {when}"
        line, _d, value, _f = max(ends, key=lambda e: e[2])
        return (
            f"No scenario reaches the target of {goal:,.1f} {unit} by {when}; the closest, {line}, "
            f"is {goal - value:,.1f} short"
        )
    line, day, value, start = max(ends, key=lambda e: e[2])
    word = "rises" if value > start else "falls" if value < start else "stays"
    if len(ends) == 1:
        return f"{line}: {unit} {word} from {start:,.1f} to {value:,.1f} by {day:%b %Y}"
    return f"{line} ends highest: {value:,.1f} {unit} by {day:%b %Y}"


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """Static SVG of an Altair chart (no browser needed; drawn once per distinct chart)."""
    return vegalite_svg(chart.to_json())


def flows_by_org(fc: CohortForecast, scenario_name: str) -> ReportTable | None:
    """Flows of the central case per forecast year and organisation (summed over classes and
    bands)."""
    flows = fc.engine.flows
    if flows is None:
        return None
    spy = fc.engine.steps_per_year
    names = list(flows.__dataclass_fields__)
    n_years = flows.inflow_hc.shape[1] // spy
    orgs = fc.engine.orgs
    cols = {}
    for n in names:
        arr = getattr(flows, n)[0].sum(axis=(2, 3))  # [T, O]
        cols[n] = arr[: n_years * spy].reshape(n_years, spy, len(orgs)).sum(axis=1).reshape(-1)
    frame = pd.DataFrame(
        {"year": np.repeat(np.arange(1, n_years + 1), len(orgs)), "org": np.tile(orgs, n_years)}
        | cols
    )
    return ReportTable(
        key="flows",
        title=f"{scenario_name}: flows per forecast year and organisation (central case)",
        frame=frame,
        notes=("_hc = headcount, _fte = FTE; end = start + in - out every step.",),
        decimals=dict.fromkeys(names, 2),
    )


def cohort_trajectory(fc: CohortForecast, title: str) -> pd.DataFrame:
    """Series for the chart: total supply (with fan when drawn) and demand over organisations."""
    frames = []
    supply = fc.supply_gp_equiv.sum(axis=2, keepdims=True)
    frames.append(summarise(supply, fc.dates, ["TOTAL"], "supply").assign(line=f"{title}: supply"))
    if fc.demand is not None:
        demand = fc.demand.sum(axis=2, keepdims=True)
        frames.append(
            summarise(demand, fc.dates, ["TOTAL"], "demand").assign(line=f"{title}: demand")
        )
    return pd.concat(frames, ignore_index=True)


def target_table(
    supply: NDArray[np.float64], target: NDArray[np.float64], date: dt.date, label: str
) -> ReportTable:
    """Supply against the target at its date: central case, P10/P50/P90 and the probability
    (share of draws 1..N) that supply reaches the target. ``supply`` and ``target`` are per run."""
    runs = supply.shape[0]
    draws = supply[1:] if runs > 1 else supply
    q = np.quantile(draws, [0.1, 0.5, 0.9])
    met = float(probability_meeting_target(supply - target, 0.0))
    frame = pd.DataFrame(
        [
            {
                "date": date,
                "target": label,
                "target_wte": float(target[0]),
                "supply_central": float(supply[0]),
                "supply_p10": q[0],
                "supply_p50": q[1],
                "supply_p90": q[2],
                "probability_meeting_target": met,
                "draws": runs - 1,
            }
        ]
    )
    notes = [
        "probability = share of draws whose supply reaches the target (central case only when no draws)."
    ]
    return ReportTable(
        key="target",
        title=f"Meeting the target by {date.isoformat()}",
        frame=frame,
        notes=tuple(notes),
        decimals={c: 1 for c in frame.columns if c.startswith(("supply", "target_"))}
        | {"probability_meeting_target": 3},
    )


XLSX_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows including the header


def write_outputs(
    out_dir: Path,
    tables: Sequence[ReportTable],
    charts: dict[str, str],
    stem: str,
    *,
    xlsx: bool = True,
) -> list[Path]:
    """CSV files (+ README), the XLSX workbook (``xlsx``) and SVG charts into ``out_dir``.

    A table too long for a worksheet is written as CSV only (the README says so)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fits = [t for t in tables if len(t.frame) <= XLSX_MAX_ROWS] if xlsx else []
    csv_tables = [
        t
        if len(t.frame) <= XLSX_MAX_ROWS
        else ReportTable(
            key=t.key,
            title=t.title,
            frame=t.frame,
            notes=(*t.notes, "Too long for a worksheet: in this CSV only, not in the workbook."),
            sources=t.sources,
            decimals=t.decimals,
        )
        for t in tables
    ]
    paths = write_csv_files(csv_tables, out_dir)
    if fits:
        paths.append(write_xlsx(fits, out_dir / f"{stem}.xlsx"))
    for name, svg in sorted(charts.items()):
        paths.append(atomic_write_text(out_dir / f"{name}.svg", svg))
    return paths


def _total_rows(
    fan: Fan, positions: NDArray[np.int64], dates: Sequence[dt.date], draws: bool
) -> pd.DataFrame:
    """The TOTAL column of a group fan at some of its positions."""
    sel = np.searchsorted(fan.positions, positions)
    sub = Fan(fan.measure, (TOTAL,), positions, fan.central[sel, -1:], fan.q[:, sel, -1:])
    return sub.frame(dates, draws)


def summary_tables(
    summary: CohortSummary, central: CohortForecast, scenario_name: str, sources: Sequence[str]
) -> list[ReportTable]:
    """Tables of a cohort run from its streamed summary: ``forecast`` (per organisation for the
    measures asked, and TOTAL, at whole years), ``stocks`` (central case), ``groups`` (every
    measure per group at every step) and ``every_step`` (per organisation at every step)."""
    draws = summary.runs > 1
    dates = summary.dates
    parts = []
    for name, fan in summary.group_fans.items():
        if name in summary.org_fans:
            parts.append(summary.org_fans[name].frame(dates, draws))
        if len(summary.orgs) > 1:
            parts.append(_total_rows(fan, summary.yearly, dates, draws))
    frame = pd.concat(parts, ignore_index=True)
    value_cols = [c for c in ("central", "p10", "p50", "p90") if c in frame.columns]
    notes = (
        "central = the central case (every assumption at its central value).",
        *(("p10/p50/p90 = percentiles over the Monte Carlo draws.",) if draws else ()),
        *(f"{k}: {v}" for k, v in MEASURE_TITLES.items() if k in summary.group_fans),
    )
    tables = [
        ReportTable(
            key="forecast",
            title=f"{scenario_name}: supply, demand and gap",
            frame=frame,
            notes=notes,
            sources=tuple(sources),
            decimals=dict.fromkeys(value_cols, 2),
        ),
        cohort_tables(central, scenario_name, sources)[1],
    ]
    if len(summary.groups) > 1:
        group_frame = pd.concat(
            [
                f.frame(dates, draws).rename(columns={"org": "group"})
                for f in summary.group_fans.values()
            ],
            ignore_index=True,
        )
        tables.append(
            ReportTable(
                key="groups",
                title=f"{scenario_name}: every measure per group and in total, every step",
                frame=group_frame,
                notes=(*notes, "costs at whole years only (they need every organisation's gap)."),
                sources=tuple(sources),
                decimals=dict.fromkeys(value_cols, 2),
            )
        )
    if summary.org_every_step:
        step_frame = pd.concat(
            [f.frame(dates, draws) for f in summary.org_every_step.values()], ignore_index=True
        )
        tables.append(
            ReportTable(
                key="every_step",
                title=f"{scenario_name}: per organisation at every step",
                frame=step_frame,
                notes=notes[:2],
                sources=tuple(sources),
                decimals=dict.fromkeys(value_cols, 2),
            )
        )
    return tables


def summary_trajectory(summary: CohortSummary, title: str) -> pd.DataFrame:
    """Series for the chart from the summary's TOTAL paths (every step, fan with draws)."""
    frames = []
    for measure, label in (("supply_gp_equiv", "supply"), ("demand", "demand")):
        if measure in summary.group_paths:
            runs = summary.group_paths[measure][:, :, -1:]
            frames.append(
                summarise(runs, summary.dates, ["TOTAL"], label).assign(line=f"{title}: {label}")
            )
    return pd.concat(frames, ignore_index=True)


def group_target_table(rows: pd.DataFrame, label: str) -> ReportTable:
    """Supply against the target per group (and TOTAL) with the probability of meeting it."""
    return ReportTable(
        key="target_groups",
        title=f"Meeting the target ({label}) per group",
        frame=rows.rename(columns={"org": "group"}),
        notes=("probability = share of draws whose supply reaches the group's target.",),
        decimals={c: 1 for c in rows.columns if c.startswith(("supply", "target_"))}
        | {"probability_meeting_target": 3},
    )
