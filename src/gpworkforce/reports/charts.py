"""Chart specifications (Altair -> Vega-Lite) built from table-shaped frames. No rendering here.

Each builder takes a frame and the names of its columns and returns a :class:`ReportChart` whose
``spec`` is a Vega-Lite mapping; :mod:`gpworkforce.reports.svg` turns it into static SVG. Rows
whose value is not available are left out of the chart (never drawn as zero) and the chart's text
description says how many were left out.

A chart's title states its finding, computed from the figures drawn ("East Leicestershire and
Rutland has the most staff: 612.3 WTE"); what the chart shows ("WTE by staff group in each area")
is its subtitle (issue 14, item 6; :mod:`gpworkforce.reports.chart_checks` says what a board
chart must have). A caller that knows more gives its own ``finding``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from gpworkforce import labels
from gpworkforce.reports.model import ReportChart

# NHS identity colours (blue, purple, green, warm yellow, pink, aqua green, mid grey).
PALETTE = ("#005eb8", "#330072", "#007f3b", "#ffb81c", "#ae2573", "#00a499", "#768692")
TARGET_COLOUR = "#d5281b"
WIDTH = 560
FONT = "Arial"


def wrap(text: str, width: int = 72) -> str | list[str]:
    """A title in lines that fit an A4 chart (Vega-Lite draws a list as lines)."""
    lines = textwrap.wrap(text, width, break_on_hyphens=False)
    return lines if len(lines) > 1 else text


def heading(finding: str, label: str | list[str]) -> alt.TitleParams:
    """The title a board reads first (the finding) over what the chart shows (its label)."""
    return alt.TitleParams(
        wrap(finding),
        subtitle=label,
        subtitleFontSize=12,
        subtitleColor="#4c6272",
        anchor="start",
    )


def _config(
    chart: alt.TopLevelMixin, title: str, description: str, finding: str = ""
) -> dict[str, Any]:
    configured = (
        chart.properties(
            title=heading(finding, title) if finding else title, description=description
        )
        .configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#212b32")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom", labelLimit=400)
        .configure_title(fontSize=15, anchor="start", color="#212b32")
        .configure_view(stroke=None)
    )
    # The builders here always make the same kinds of specification, and a test validates each
    # against the Vega-Lite schema; validating every chart drawn again cost about 20 ms a chart.
    return configured.to_dict(validate=False)


def _long(
    frame: pd.DataFrame, category: str, series: Mapping[str, str], value_name: str = "value"
) -> tuple[pd.DataFrame, int]:
    """Melt ``series`` columns (column -> label) to long form with plain dtypes; drop NA values."""
    long = frame.loc[:, [category, *series]].melt(
        id_vars=[category], var_name="series", value_name=value_name
    )
    long["series"] = long["series"].map(series)
    long[category] = long[category].astype(str)
    numbers = pd.to_numeric(long[value_name], errors="coerce").astype("Float64")
    missing = int(numbers.isna().sum())
    long[value_name] = numbers.astype("float64")
    return long.loc[numbers.notna().to_numpy()].reset_index(drop=True), missing


def _human_field(frame: pd.DataFrame, key: str) -> tuple[pd.DataFrame, str]:
    """The frame with column ``key`` named as people read it (charts' descriptions for screen
    readers name the fields they encode)."""
    name = labels.column(key)
    if name == key or name in frame.columns:
        return frame, key
    return frame.rename(columns={key: name}), name


def _with_missing(description: str, missing: int) -> str:
    if missing:
        return f"{description} {labels.plural(missing, 'value')} not available, not drawn."
    return description


def number_text(value: float) -> str:
    """A figure as a title gives it: whole numbers as they are, 1 decimal place, 2 below 1."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 1 else f"{value:,.1f}"


def largest_finding(long: pd.DataFrame, category: str, what: str, unit: str) -> str:
    """'<category> has the most <what>: <value> <unit>' over the summed series (no data: '')."""
    if long.empty:
        return ""
    sums = long.groupby(category, sort=False)["value"].sum()
    top = str(sums.idxmax())
    return f"{top} has the most {what}: {number_text(float(sums.max()))} {unit}".rstrip()


def range_finding(frame: pd.DataFrame, category: str, column: str, what: str) -> str:
    """'<what> ranges from <low> in <A> to <high> in <B>' (fewer than two values: '')."""
    values = pd.to_numeric(frame[column], errors="coerce")
    ok = values.notna().to_numpy()
    if ok.sum() < 2:
        return ""
    names = frame.loc[ok, category].astype(str).to_numpy()
    vals = values[ok].to_numpy(dtype=float)
    lo, hi = int(vals.argmin()), int(vals.argmax())
    return f"{what} ranges from {number_text(vals[lo])} in {names[lo]} to {number_text(vals[hi])} in {names[hi]}"


def _colour(field: str, names: Sequence[str], title: str, data: pd.DataFrame) -> alt.Color:
    """Colours for the labels that have data (in the given order; none drawn -> no legend entry)."""
    present = set(data[field])
    domain = [label for label in dict.fromkeys(names) if label in present] or list(names)[:1]
    scale = alt.Scale(domain=domain, range=list(PALETTE[: max(len(domain), 1)]))
    return alt.Color(f"{field}:N", title=title, scale=scale, sort=domain)


def _series_tooltip(field: str, series_title: str, value_title: str) -> list[alt.Tooltip]:
    """The tooltip of a chart with a series per colour: the row (``field``), the series and the
    value to two decimals."""
    return [
        alt.Tooltip(f"{field}:N", title=labels.column(field)),
        alt.Tooltip("series:N", title=series_title or "Series"),
        alt.Tooltip("value:Q", title=value_title, format=",.2f"),
    ]


def grouped_bars(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    category: str,
    series: Mapping[str, str],
    value_title: str,
    description: str,
    series_title: str = "",
    after_table: str | None = None,
    finding: str = "",
) -> ReportChart:
    """Horizontal bars per ``category`` row, one bar per ``series`` column (e.g. WTE by group).

    Counts only for parts of one whole: a total row drawn on the same axis would dwarf its parts
    (callers draw the areas and leave the total to the table)."""
    frame, category = _human_field(frame, category)
    long, missing = _long(frame, category, series)
    order = list(dict.fromkeys(frame[category].astype(str)))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
            yOffset=alt.YOffset("series:N", sort=list(series.values())),
            x=alt.X("value:Q", title=value_title),
            color=_colour("series", list(series.values()), series_title, long),
            tooltip=_series_tooltip(category, series_title, value_title),
        )
        .properties(width=WIDTH, height=max(120, 14 * len(series) * len(order) + 20))
    )
    text = _with_missing(description, missing)
    finding = finding or largest_finding(long, category, value_title, "")
    return ReportChart(
        key, finding or title, _config(chart, title, text, finding), text, after_table
    )


def stacked_bars(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    category: str,
    series: Mapping[str, str],
    value_title: str,
    description: str,
    series_title: str = "",
    after_table: str | None = None,
    finding: str = "",
) -> ReportChart:
    """Horizontal bars per ``category`` row with ``series`` columns stacked (e.g. locums by type)."""
    frame, category = _human_field(frame, category)
    long, missing = _long(frame, category, series)
    names = list(series.values())
    long["order"] = long["series"].map({label: i for i, label in enumerate(names)})
    order = list(dict.fromkeys(frame[category].astype(str)))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
            x=alt.X("value:Q", title=value_title, stack="zero"),
            color=_colour("series", names, series_title, long),
            order=alt.Order("order:Q"),
            tooltip=_series_tooltip(category, series_title, value_title),
        )
        .properties(width=WIDTH, height=max(120, 34 * len(order)))
    )
    text = _with_missing(description, missing)
    if not finding and not long.empty:
        parts = long.groupby("series", sort=False)["value"].sum()
        total = float(parts.sum())
        finding = (
            f"{parts.idxmax()} is the largest part: {number_text(float(parts.max()))} of "
            f"{number_text(total)} {value_title}"
        )
    return ReportChart(
        key, finding or title, _config(chart, title, text, finding), text, after_table
    )


def bars_against_target(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    category: str,
    value: str,
    target: float,
    value_title: str,
    description: str,
    target_label: str = "Target",
    after_table: str | None = None,
    category_title: str = "Organisation",
    finding: str = "",
) -> ReportChart:
    """One horizontal bar per ``category`` row and a dashed target line (e.g. GP WTE per 1,000)."""
    long, missing = _long(frame, category, {value: value_title})
    order = list(dict.fromkeys(frame[category].astype(str)))
    bars = (
        alt.Chart(long)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(
                f"{category}:N",
                title=category_title,
                sort=order,
                axis=alt.Axis(labelLimit=360, title=None),
            ),
            x=alt.X("value:Q", title=value_title),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("value:Q", title=value_title, format=",.3f"),
            ],
        )
    )
    target_frame = pd.DataFrame(
        {"target": [float(target)], "label": [f"{target_label} {target:g}"]}
    )
    rule = (
        alt.Chart(target_frame)
        .mark_rule(color=TARGET_COLOUR, strokeDash=[6, 3], size=2)
        .encode(x=alt.X("target:Q"))
    )
    label = (
        alt.Chart(target_frame)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-2, color=TARGET_COLOUR, y=0)
        .encode(x=alt.X("target:Q"), text=alt.Text("label:N"))
    )
    height = max(120, 34 * len(order))
    chart = alt.layer(bars, rule, label).properties(width=WIDTH, height=height)
    text = _with_missing(description, missing)
    if not finding and not long.empty:
        below = int((long["value"] < target).sum())
        finding = f"{below} of {len(long)} are below the {target_label.lower()} of {target:g}"
    return ReportChart(
        key, finding or title, _config(chart, title, text, finding), text, after_table
    )


def age_sex_pyramid(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    age: str,
    sex: str,
    value: str,
    value_title: str,
    description: str,
    left: str = "F",
    age_order: Sequence[str] | None = None,
    after_table: str | None = None,
    finding: str = "",
) -> ReportChart:
    """Population pyramid: ``left`` sex drawn to the left, others to the right, ages bottom-up."""
    data = frame.loc[:, [age, sex, value]].copy()
    data[age] = data[age].astype(str)
    data[sex] = data[sex].astype(str)
    numbers = pd.to_numeric(data[value], errors="coerce").astype("Float64")
    missing = int(numbers.isna().sum())
    data = data.loc[numbers.notna().to_numpy()].copy()
    data["value"] = numbers.dropna().astype("float64").to_numpy()
    data["signed"] = data["value"].where(data[sex] != left, -data["value"])
    ages = list(age_order) if age_order is not None else sorted(data[age].unique())
    extent = float(data["value"].abs().max()) if len(data) else 1.0
    extent = extent if extent > 0 else 1.0
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{age}:N", title="Age band", sort=list(reversed(ages))),
            x=alt.X(
                "signed:Q",
                title=value_title,
                scale=alt.Scale(domain=[-extent, extent]),  # zero in the middle
                axis=alt.Axis(labelExpr="abs(datum.value)", tickCount=8),
            ),
            color=_colour(sex, sorted(data[sex].unique(), key=lambda s: s != left), "Sex", data),
            tooltip=[
                alt.Tooltip(f"{age}:N", title=labels.column(age)),
                alt.Tooltip(f"{sex}:N", title=labels.column(sex)),
                alt.Tooltip("value:Q", title=value_title, format=",.1f"),
            ],
        )
        .properties(width=WIDTH, height=max(160, 24 * len(ages)))
    )
    text = _with_missing(description, missing)
    finding = finding or older_finding(data, age) or _left_finding(data, sex, left)
    return ReportChart(
        key, finding or title, _config(chart, title, text, finding), text, after_table
    )


def _left_finding(data: pd.DataFrame, sex: str, left: str) -> str:
    """'<share> are <left>' (e.g. women) when the age bands say nothing of age 55."""
    total = float(data["value"].sum()) if len(data) else 0.0
    if total <= 0:
        return ""
    part = float(data.loc[data[sex] == left, "value"].sum())
    return f"{part / total:.0%} are {left.lower()} ({number_text(part)} of {number_text(total)})"


def older_finding(data: pd.DataFrame, age: str, who: str = "") -> str:
    """'<share> are aged 55 or over' from age bands that start with their lowest age ('' when
    no band starts at 55 or over: the bands do not say)."""
    total = float(data["value"].sum()) if len(data) else 0.0
    first = pd.to_numeric(data[age].str.extract(r"^(\d+)", expand=False), errors="coerce")
    if total <= 0 or not first.ge(55).any():
        return ""
    older = float(data.loc[first.ge(55).to_numpy(), "value"].sum())
    of = f" of {who}" if who else ""
    return (
        f"{older / total:.0%}{of} are aged 55 or over "
        f"({number_text(older)} of {number_text(total)})"
    )


def time_series(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    period: str,
    series: Mapping[str, str],
    value_title: str,
    description: str,
    series_title: str = "",
    after_table: str | None = None,
    finding: str = "",
) -> ReportChart:
    """Lines with points over ``period`` (dates or labels), one line per ``series`` column."""
    frame, period = _human_field(frame, period)
    if frame[period].dtype == object:  # ISO dates kept as text are labelled as people write them
        parsed = pd.to_datetime(frame[period], format="%Y-%m-%d", errors="coerce")
        if len(parsed) and parsed.notna().all():
            frame = frame.assign(**{period: [f"{d:%b %Y}" for d in parsed]})
    long, missing = _long(frame, period, series)
    if pd.api.types.is_datetime64_any_dtype(frame[period]):
        long[period] = pd.to_datetime(long[period]).dt.strftime("%Y-%m-%d")
        x = alt.X(f"{period}:T", title=None, axis=alt.Axis(format="%b %Y"))
    else:
        x = alt.X(
            f"{period}:O",
            title=None,
            sort=list(dict.fromkeys(frame[period].astype(str))),
            axis=alt.Axis(labelAngle=0),
        )
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=value_title),
            color=_colour("series", list(series.values()), series_title, long),
            tooltip=_series_tooltip(period, series_title, value_title),
        )
        .properties(width=WIDTH, height=280)
    )
    text = _with_missing(description, missing)
    finding = finding or _change_finding(long, period, list(series.values()), value_title)
    return ReportChart(
        key, finding or title, _config(chart, title, text, finding), text, after_table
    )


def _change_finding(long: pd.DataFrame, period: str, names: Sequence[str], unit: str) -> str:
    """'<series> rose by <d> <unit>, from <a> in <p0> to <b> in <p1>' for the first series drawn
    at two periods or more."""
    for name in names:
        line = long.loc[long["series"] == name]
        if len(line) < 2:
            continue
        first, last = line.iloc[0], line.iloc[-1]
        d = float(last["value"]) - float(first["value"])
        word = "rose" if d > 0 else "fell" if d < 0 else "did not change"
        by = f" by {number_text(abs(d))} {unit}" if d else ""
        return (
            f"{name} {word}{by}, from {number_text(float(first['value']))} in {_period(first[period])} "
            f"to {number_text(float(last['value']))} in {_period(last[period])}"
        )
    return ""


def _period(value: Any) -> str:
    text = str(value)
    try:
        return pd.Timestamp(text).strftime("%b %Y") if len(text) == 10 else text
    except ValueError:
        return text
