"""The finance pages' charts (Altair, drawn to static SVG on the server; each has its table
beside it on the page as the accessible alternative)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import vl_convert

from gpworkforce.finance.costing import ALL, MEASURES
from gpworkforce.finance.runner import CostedRun, group_words
from gpworkforce.reports.charts import heading

WIDTH = 760


def _svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_json())


def cost_chart(c: CostedRun, terms: str) -> str:
    """Cost of the workforce and of the gap (substantive and locum) by year: central line and
    the P10-P90 band over the draws."""
    rows = c.rows
    records = []
    for m in ("workforce", "gap_substantive", "gap_locum"):
        if (m, ALL, ALL, terms) not in rows.keys:
            continue
        arr = rows.get(m, terms=terms)
        lo = hi = arr[0]
        if arr.shape[0] > 1:
            lo, hi = np.quantile(arr[1:], [0.1, 0.9], axis=0)
        for i, d in enumerate(rows.dates):
            records.append(
                {
                    "date": f"{d:%b %Y}",
                    "measure": MEASURES[m],
                    "central": arr[0, i] / 1e6,
                    "p10": lo[i] / 1e6,
                    "p90": hi[i] / 1e6,
                }
            )
    frame = pd.DataFrame(records)
    base = alt.Chart(frame).encode(
        x=alt.X("date:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "measure:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)
        ),
    )
    # one legend, drawn by the lines (a band's pale swatch reads as no colour)
    band = base.mark_area(opacity=0.2).encode(
        y="p10:Q", y2="p90:Q", color=alt.Color("measure:N", legend=None)
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("central:Q", title="GBP million a year"),
    )
    word = "real terms" if terms == "real" else "cash terms"
    drawn = rows.values.shape[1] > 1
    title = f"Cost by year, {word}" + (" (line: central; band: P10 to P90)" if drawn else "")
    finding = ""
    first_measure = frame.loc[frame["measure"] == frame["measure"].iloc[0]] if len(frame) else frame
    if len(first_measure) > 1:
        a, b = first_measure.iloc[0], first_measure.iloc[-1]
        verb = "rises" if b["central"] > a["central"] else "falls"
        finding = (
            f"{a['measure']} {verb} from £{a['central']:,.1f}m a year in {a['date']} to "
            f"£{b['central']:,.1f}m in {b['date']} ({word})"
        )
    chart = (band + line if drawn else line).properties(
        width=WIDTH, height=300, title=heading(finding, title) if finding else title
    )
    return _svg(chart)


def group_chart(c: CostedRun, terms: str) -> str:
    """Cost of the workforce by staff group and year (central), stacked."""
    rows = c.rows
    words = group_words(c.loaded)  # a cohort model's class codes by the role each stands for
    records = []
    for (m, g, p, t), arr in zip(rows.keys, rows.values, strict=True):
        if m != "workforce" or g == ALL or p != ALL or t != terms:
            continue
        for i, d in enumerate(rows.dates):
            records.append({"date": f"{d:%b %Y}", "group": words(g), "central": arr[0, i] / 1e6})
    frame = pd.DataFrame(records)
    if frame.empty:
        return ""
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("date:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(central):Q", title="GBP million a year"),
            color=alt.Color(
                "group:N", title="Staff group", legend=alt.Legend(orient="bottom", labelLimit=0)
            ),
        )
        .properties(
            width=WIDTH,
            height=260,
            title=heading(_group_finding(frame), "Cost of the workforce by staff group (central)"),
        )
    )
    return _svg(chart)


def _group_finding(frame: pd.DataFrame) -> str:
    last = frame.loc[frame["date"] == frame["date"].iloc[-1]]
    by_group = last.groupby("group", sort=False)["central"].sum()
    return (
        f"{by_group.idxmax()} cost the most in {last['date'].iloc[0]}: "
        f"£{by_group.max():,.1f}m of £{by_group.sum():,.1f}m a year"
    )


def share_chart(frame: pd.DataFrame, minimum: float, aspiration: float) -> str:
    """Primary care spend as % of allocation by organisation and year, with the thresholds."""
    if frame.empty:
        return ""
    data = frame[["Organisation", "Financial year", "Primary care spend as % of allocation"]]
    data = data.rename(
        columns={
            "Organisation": "org",
            "Financial year": "year",
            "Primary care spend as % of allocation": "share",
        }
    )
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title="% of allocation", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "org:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=0)
            ),
        )
    )
    rules = pd.DataFrame(
        {
            "share": [100 * minimum, 100 * aspiration],
            "label": [f"minimum {100 * minimum:g}%", f"aspiration {100 * aspiration:g}%"],
        }
    )
    rule = alt.Chart(rules).mark_rule(strokeDash=[6, 4], color="#425563").encode(y="share:Q")
    text = (
        alt.Chart(rules)
        .mark_text(align="left", dx=4, dy=-6, color="#425563")
        .encode(y="share:Q", text="label:N", x=alt.value(0))
    )
    latest = data.loc[data["year"] == sorted(data["year"].astype(str))[-1]]
    share = pd.to_numeric(latest["share"], errors="coerce").dropna()
    below = int((share < 100 * minimum).sum())
    finding = (
        f"{below} of {len(share)} below the {100 * minimum:g}% minimum in {latest['year'].iloc[0]}"
        if len(share)
        else ""
    )
    label = "Primary care spend as a share of allocation"
    chart = (lines + rule + text).properties(
        width=WIDTH, height=280, title=heading(finding, label) if finding else label
    )
    return _svg(chart)
