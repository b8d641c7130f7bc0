"""Charts for the baseline report, built from the baseline analyses' tables.

Each chart is recognised by its table's ``key`` and column names (see ``docs/baseline.md``); a
table whose layout is not recognised simply gets no chart, so a change in an analysis never
breaks rendering. Charts follow the LLR plan's Graphs 2-5: WTE by staff group per sub-area,
WTE per 1,000 patients against the target, age-sex pyramids, locums by type, and the time series.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.reports import charts
from gpworkforce.reports.model import ReportChart

NAME, ROW = "org_name", "row"


def _rows(frame: pd.DataFrame, children_only: bool) -> pd.DataFrame:
    """The children rows when asked and present, else every row."""
    if children_only and ROW in frame.columns and (frame[ROW] == "child").any():
        return frame.loc[frame[ROW] == "child"]
    return frame


def _ending(frame: pd.DataFrame, suffix: str, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Columns ending with ``suffix`` (not starting with any of ``skip``) -> label without it."""
    return {
        str(c): str(c)[: -len(suffix)]
        for c in frame.columns
        if str(c).endswith(suffix) and not str(c).startswith(skip)
    }


def _children(frame: pd.DataFrame) -> pd.DataFrame:
    """The areas' rows (no total row) when the frame says which is which."""
    if ROW in frame.columns:
        return frame.loc[frame[ROW] != "total"]
    return frame


def _staff_finding(frame: pd.DataFrame, series: dict[str, str]) -> str:
    values = frame[list(series)].apply(pd.to_numeric, errors="coerce")
    if values.notna().sum().sum() == 0 or len(frame) == 0:
        return ""
    totals = values.sum(axis=1)
    top = int(totals.to_numpy().argmax())
    name = str(frame[NAME].iloc[top])
    groups = values.sum(axis=0)
    largest = series[str(groups.idxmax())]
    return (
        f"{name} has the most staff ({charts.number_text(float(totals.iloc[top]))} WTE); "
        f"{largest} are the largest group ({charts.number_text(float(groups.max()))} WTE)"
        if len(frame) > 1
        else f"{largest} are the largest group: {charts.number_text(float(groups.max()))} WTE"
    )


def _staff(table: ReportTable) -> ReportChart | None:
    frame = _rows(table.frame, children_only=True)
    series = _ending(frame, " WTE", skip=("Total",))
    if NAME not in frame.columns or not series:
        return None
    return charts.grouped_bars(
        frame,
        key=f"{table.key}_chart",
        finding=_staff_finding(frame, series),
        title="WTE by staff group in each area (the total is in the table)",
        category=NAME,
        series=series,
        value_title="WTE",
        series_title="Staff group",
        description="Whole-time equivalent staff in each staff group, one group of bars per area.",
        after_table=table.key,
    )


def _per_thousand(table: ReportTable) -> ReportChart | None:
    frame = table.frame
    series = _ending(frame, " per 1,000 registered", skip=("Total",))
    if NAME not in frame.columns or not series:
        return None
    first = next(iter(series))
    finding = charts.range_finding(
        _children(frame), NAME, first, f"{series[first]} WTE per 1,000 patients"
    )
    return charts.grouped_bars(
        frame,
        key=f"{table.key}_chart",
        finding=finding,
        title="WTE per 1,000 registered patients by staff group",
        category=NAME,
        series=series,
        value_title="WTE per 1,000 registered patients",
        series_title="Staff group",
        description="WTE per 1,000 registered patients in each staff group, per area and in total.",
        after_table=table.key,
    )


def _target(table: ReportTable) -> ReportChart | None:
    frame = table.frame
    needed = {NAME, "WTE per 1,000", "Target per 1,000"}
    if not needed <= set(frame.columns):
        return None
    targets = pd.to_numeric(frame["Target per 1,000"], errors="coerce").dropna().unique()
    if len(targets) != 1:
        return None
    target = float(targets[0])
    return charts.bars_against_target(
        frame,
        key=f"{table.key}_chart",
        finding=_target_finding(frame, target),
        title="WTE per 1,000 patients against the target",
        category=NAME,
        value="WTE per 1,000",
        target=target,
        value_title="WTE per 1,000 patients",
        description=f"WTE per 1,000 patients per area; the dashed line is the target of {target:g}.",
        after_table=table.key,
    )


def _target_finding(frame: pd.DataFrame, target: float) -> str:
    """The organisation's gap to the target and how many areas fall short of it."""
    areas = _children(frame)
    values = pd.to_numeric(areas["WTE per 1,000"], errors="coerce").dropna()
    below = int((values < target).sum())
    areas_text = f"{below} of {len(values)} areas are below it" if len(values) > 1 else ""
    total = frame.loc[frame[ROW] == "total"] if ROW in frame.columns else frame.iloc[0:0]
    gap = (
        pd.to_numeric(total["Gap (WTE)"], errors="coerce").dropna()
        if "Gap (WTE)" in total.columns
        else pd.Series(dtype=float)
    )
    if len(gap) == 1:
        g = float(gap.iloc[0])
        head = (
            f"{charts.number_text(g)} WTE short of the target of {target:g} per 1,000 patients"
            if g > 0
            else f"{charts.number_text(-g)} WTE above the target of {target:g} per 1,000 patients"
        )
        return f"{head}; {areas_text}" if areas_text else head
    if areas_text:
        return f"{areas_text.capitalize()}: the target is {target:g} WTE per 1,000 patients"
    return ""


def _pyramid(table: ReportTable) -> ReportChart | None:
    frame = table.frame
    if not {"Age band", "Female", "Male"} <= set(frame.columns):
        return None
    long = frame.melt(
        id_vars=["Age band"], value_vars=["Female", "Male"], var_name="Sex", value_name="Headcount"
    )
    label = table.title.split(":")[0]
    who = label.split(", ", 1)[1] if ", " in label else ""
    data = long.assign(value=pd.to_numeric(long["Headcount"], errors="coerce").fillna(0.0))
    finding = charts.older_finding(data.astype({"Age band": str}), "Age band", who)
    return charts.age_sex_pyramid(
        long,
        key=f"{table.key}_chart",
        finding=finding,
        title=table.title.split(":")[0],
        age="Age band",
        sex="Sex",
        value="Headcount",
        value_title="Headcount",
        left="Female",
        age_order=list(frame["Age band"].astype(str)),
        description="Headcount by age band, women to the left and men to the right.",
        after_table=table.key,
    )


def _locums(table: ReportTable) -> ReportChart | None:
    frame = _rows(table.frame, children_only=True)
    series = {
        c: label for c, label in _ending(frame, " WTE", skip=("All", "GP")).items() if "ocum" in c
    }
    if NAME not in frame.columns or not series:
        return None
    return charts.stacked_bars(
        frame,
        key=f"{table.key}_chart",
        title="Locum WTE by type of locum work in each area",
        category=NAME,
        series=series,
        value_title="Locum WTE",
        series_title="Locum type",
        description="GP locum whole-time equivalents per area, stacked by type of locum work.",
        after_table=table.key,
    )


def _series(table: ReportTable) -> ReportChart | None:
    frame = table.frame
    series = _ending(frame, " WTE", skip=("Total",))
    if "Period" not in frame.columns or not series:
        return None
    values = frame[list(series)].apply(pd.to_numeric, errors="coerce")
    if values.notna().sum().sum() == 0:
        return None
    return charts.time_series(
        frame,
        key=f"{table.key}_chart",
        title="WTE by staff group at each census date",
        period="Period",
        series=series,
        value_title="WTE",
        series_title="Staff group",
        description="WTE per staff group at each census date (compare September with September).",
        after_table=table.key,
    )


def _has_values(chart: ReportChart) -> bool:
    """False when every value was not available (an empty chart says nothing)."""
    datasets = chart.spec.get("datasets", {})
    return any(
        row.get("value") is not None for rows in datasets.values() for row in rows if "value" in row
    )


_BUILDERS: dict[str, Callable[[ReportTable], ReportChart | None]] = {
    "staff_by_group": _staff,
    "per_thousand": _per_thousand,
    "target_gap": _target,
    "locums": _locums,
    "series": _series,
}


def baseline_charts(tables: Sequence[ReportTable]) -> tuple[ReportChart, ...]:
    """The charts that illustrate ``tables`` (each placed right after its table)."""
    out: list[ReportChart] = []
    for table in tables:
        builder = _BUILDERS.get(table.key)
        if builder is None and table.key.startswith("pyramid"):
            builder = _pyramid
        chart = builder(table) if builder is not None else None
        if chart is not None and _has_values(chart):
            out.append(chart)
    return tuple(out)
