"""Board charts for delivery assurance: the implementation timeline and the risk heat map.

Built as Vega-Lite specifications (:class:`~gpworkforce.reports.model.ReportChart`), rendered to
static SVG by :mod:`gpworkforce.reports.svg` like every other chart. Titles state the finding.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import altair as alt
import pandas as pd

from gpworkforce.delivery.maturity import MaturityMatrix, ProgressCell
from gpworkforce.delivery.plan import CellStatus, TimelineCell, overdue_milestones
from gpworkforce.delivery.risks import (
    DEFAULT_BANDS,
    IMPACT_LABELS,
    LIKELIHOOD_LABELS,
    Movement,
    Risk,
    RiskBands,
    movement,
)
from gpworkforce.reports.charts import TARGET_COLOUR, _config
from gpworkforce.reports.model import ReportChart

__all__ = [
    "marks_day",
    "maturity_progress_chart",
    "risk_heat_map",
    "risk_movement_chart",
    "timeline_chart",
]

STATUS_COLOURS = {
    CellStatus.COMPLETE: "#007f3b",
    CellStatus.PLANNED: "#aeb7bd",
    CellStatus.CRITICAL: "#005eb8",
    CellStatus.ISSUE: "#d5281b",
}
BAND_COLOURS = {"green": "#007f3b", "yellow": "#ffeb3b", "orange": "#ed8b00", "red": "#d5281b"}


# how far before or after the plan the dashed line of the day it is judged on is still drawn
SHOWN_AROUND_DAYS = 183


def marks_day(cells: Sequence[TimelineCell], today: dt.date) -> bool:
    """Whether the timeline draws the dashed line at ``today``: only within
    :data:`SHOWN_AROUND_DAYS` of the plan. A day long after (or before) it would stretch the axis
    until the plan is a sliver at one end (LLR's 2017-19 plan judged in 2026)."""
    if not cells:
        return False
    around = dt.timedelta(days=SHOWN_AROUND_DAYS)
    return min(c.start for c in cells) - around <= today <= max(c.end for c in cells) + around


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def timeline_chart(
    cells: Sequence[TimelineCell], today: dt.date, *, marker: str = "Today"
) -> ReportChart:
    """Figure 14 as a chart: a row per deliverable, a bar per period coloured by status.

    ``marker`` labels the dashed line at ``today`` ("As at" when showing an earlier date)."""
    overdue = overdue_milestones(cells, today)
    late = {(n, m.due) for n, m in overdue}
    frame = pd.DataFrame(
        [
            {
                "row": f"{c.number}. {c.detail}",
                "order": c.number,
                "start": c.start.isoformat(),
                "end": (c.end + dt.timedelta(days=1)).isoformat(),
                "period": c.period,
                "status": c.status.value,
                "overdue": (c.number, c.end) in late,
            }
            for c in cells
        ]
    )
    rows = sorted(set(frame["row"]), key=lambda r: int(r.split(".")[0]))
    status_order = [
        s.value
        for s in (CellStatus.COMPLETE, CellStatus.PLANNED, CellStatus.CRITICAL, CellStatus.ISSUE)
    ]
    y = alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y")),
            x2="end:T",
            y=y,
            color=alt.Color(
                "status:N",
                title="Status",
                scale=alt.Scale(
                    domain=status_order, range=[STATUS_COLOURS[CellStatus(s)] for s in status_order]
                ),
            ),
            tooltip=["row:N", "period:N", "status:N"],
        )
    )
    marks = frame.loc[frame["overdue"]]
    late_marks = (
        alt.Chart(marks)
        .mark_point(shape="triangle-down", size=120, filled=True, color="#212b32")
        .encode(x="end:T", y=y)
    )
    first, last = min(c.start for c in cells), max(c.end for c in cells)
    drawn = marks_day(cells, today)
    rule = (
        alt.Chart(pd.DataFrame({"today": [today.isoformat()]}))
        .mark_rule(color=TARGET_COLOUR, strokeDash=[4, 3])
        .encode(x="today:T")
    )
    label = (
        alt.Chart(
            pd.DataFrame({"today": [today.isoformat()], "text": [f"{marker}, {today:%-d %b %Y}"]})
        )
        .mark_text(align="left", dx=4, dy=-6, color=TARGET_COLOUR, fontSize=12)
        .encode(x="today:T", y=alt.value(0), text="text:N")
    )
    n_late = len(overdue)
    title = (
        f"{_plural(n_late, 'critical milestone')} overdue"
        if n_late
        else "No critical milestone is overdue"
    )
    if drawn:
        when = f"the dashed line marks {today:%-d %B %Y}"
    else:
        side = "after its last period ends" if today > last else "before its first period starts"
        when = (
            f"{today:%-d %B %Y} is {side} ({(last if today > last else first):%-d %B %Y}), so it"
            " is not marked"
        )
    description = (
        f"Implementation plan for {_plural(len(rows), 'deliverable')} by month and quarter, coloured by status; "
        f"{when}. {title}; overdue milestones are marked with a triangle."
    )
    layers = (bars + late_marks + rule + label) if drawn else (bars + late_marks)
    chart = layers.properties(width=560, height=24 * len(rows))
    return ReportChart(
        key="implementation_timeline",
        title=title,
        spec=_config(chart, title, description),
        description=description,
    )


def risk_heat_map(risks: Sequence[Risk], bands: RiskBands = DEFAULT_BANDS) -> ReportChart:
    """The 5 x 5 matrix with the number of live risks in each cell, coloured by level band."""
    live = [r for r in risks if r.is_live]
    counts = Counter(r.current for r in live)
    frame = pd.DataFrame(
        [
            {
                "likelihood": f"{lk} {LIKELIHOOD_LABELS[lk]}",
                "impact": f"{im} {IMPACT_LABELS[im]}",
                "level": bands.level(lk * im),
                "colour": BAND_COLOURS[bands.band(lk * im).colour],
                "count": counts.get((lk, im), 0),
                "label": str(counts[(lk, im)]) if counts.get((lk, im)) else "",
            }
            for lk in range(1, 6)
            for im in range(1, 6)
        ]
    )
    x = alt.X(
        "impact:N",
        title="Impact",
        sort=[f"{i} {IMPACT_LABELS[i]}" for i in range(1, 6)],
        axis=alt.Axis(labelAngle=0),
    )
    y = alt.Y(
        "likelihood:N",
        title="Likelihood",
        sort=[f"{i} {LIKELIHOOD_LABELS[i]}" for i in range(5, 0, -1)],
    )
    cells = (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=alt.Color("colour:N", scale=None),
            tooltip=["likelihood:N", "impact:N", "level:N", "count:Q"],
        )
    )
    text = (
        alt.Chart(frame)
        .mark_text(fontSize=16, fontWeight="bold", color="#212b32")
        .encode(x=x, y=y, text="label:N")
    )
    top = Counter(bands.level(r.rating) for r in live)
    worst = bands.bands[-1].name
    title = f"{_plural(top.get(worst, 0), 'live risk')} rated {worst.lower()}, of {len(live)}"
    description = (
        "Risk heat map: live risks counted by likelihood and impact. Cells are coloured by level: "
        + ", ".join(f"{b.name} {b.low}-{b.high}" for b in bands.bands)
        + "."
    )
    chart = (cells + text).properties(width=420, height=300)
    return ReportChart(
        key="risk_heat_map",
        title=title,
        spec=_config(chart, title, description),
        description=description,
    )


MOVEMENT_COLOURS = {
    Movement.UP: "#d5281b",
    Movement.DOWN: "#007f3b",
    Movement.SAME: "#4c6272",
    Movement.NEW: "#005eb8",
}
MOVEMENT_WORDS = {
    Movement.UP: "up",
    Movement.DOWN: "down",
    Movement.SAME: "no change",
    Movement.NEW: "not yet reviewed",
}


def risk_movement_chart(risks: Sequence[Risk]) -> ReportChart:
    """Each risk's rating before its latest review and at it (the movement), one row per risk."""
    rows = []
    for r in risks:
        if r.reviews:
            before = r.reviews[-2].rating if len(r.reviews) > 1 else r.original_rating
        else:
            before = r.original_rating
        move = movement(r)
        label = f"{r.ref} {r.description[:40]}" + ("…" if len(r.description) > 40 else "")
        for when, rating in (("before", before), ("now", r.rating)):
            rows.append(
                {
                    "risk": label,
                    "ref": r.ref,
                    "when": "Previous rating" if when == "before" else "Latest rating",
                    "rating": rating,
                    "movement": MOVEMENT_WORDS[move],
                }
            )
    frame = pd.DataFrame(rows)
    order = [
        f"{r.ref} {r.description[:40]}" + ("…" if len(r.description) > 40 else "") for r in risks
    ]
    words = [MOVEMENT_WORDS[m] for m in (Movement.UP, Movement.DOWN, Movement.SAME, Movement.NEW)]
    colours = alt.Scale(
        domain=words,
        range=[
            MOVEMENT_COLOURS[m] for m in (Movement.UP, Movement.DOWN, Movement.SAME, Movement.NEW)
        ],
    )
    y = alt.Y("risk:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("rating:Q", title="Rating (likelihood x impact)", scale=alt.Scale(domain=[0, 25]))
    line = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2)
        .encode(
            x=x, y=y, detail="ref:N", color=alt.Color("movement:N", title="Movement", scale=colours)
        )
    )
    points = (
        alt.Chart(frame)
        .mark_point(size=70, filled=True)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape("when:N", title=None),
            color=alt.Color("movement:N", scale=colours, legend=None),
            tooltip=["risk:N", "when:N", "rating:Q", "movement:N"],
        )
    )
    counts = Counter(movement(r) for r in risks)
    title = (
        f"{_plural(counts.get(Movement.UP, 0), 'risk')} up and "
        f"{counts.get(Movement.DOWN, 0):,} down at their latest review"
    )
    description = (
        "Risk movement: for each live risk, its rating before its latest review and at it; "
        "red lines went up, green down, grey did not change, blue are not yet reviewed."
    )
    chart = (line + points).properties(width=480, height=max(60, 22 * len(risks)))
    return ReportChart(
        key="risk_movement",
        title=title,
        spec=_config(chart, title, description),
        description=description,
    )


def maturity_progress_chart(matrix: MaturityMatrix, cells: Sequence[ProgressCell]) -> ReportChart:
    """Mean level of each dimension at each period over every organisation assessed (the
    organisations' latest self-assessment in the period, moderated where a reviewer moderated it),
    one line per dimension; the y axis is the matrix's levels."""
    names = {d.key: d.name for d in matrix.dimensions}
    totals: dict[tuple[str, dt.date], list[float]] = {}
    for c in cells:
        n = sum(c.counts)
        acc = totals.setdefault((c.dimension, c.period_end), [0.0, 0.0])
        acc[0] += c.mean_rank * n
        acc[1] += n
    rows = [
        {
            "dimension": names[dim],
            "period": period.isoformat(),
            "mean": total / n,
            "organisations": int(n),
        }
        for (dim, period), (total, n) in sorted(totals.items(), key=lambda kv: kv[0][1])
        if n
    ]
    frame = pd.DataFrame(rows, columns=["dimension", "period", "mean", "organisations"])
    top = len(matrix.levels) - 1
    axis = alt.Axis(
        values=list(range(len(matrix.levels))),
        labelExpr="[" + ", ".join(repr(level) for level in matrix.levels) + "][datum.value]",
        title=None,
    )
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("period:T", title="Period end", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("mean:Q", scale=alt.Scale(domain=[0, top]), axis=axis),
            color=alt.Color(
                "dimension:N",
                title="Dimension",
                sort=list(names.values()),
                legend=alt.Legend(orient="right", labelLimit=260, symbolType="stroke"),
            ),
            tooltip=[
                "dimension:N",
                "period:T",
                alt.Tooltip("mean:Q", format=".2f"),
                "organisations:Q",
            ],
        )
        .properties(width=420, height=220)
    )
    periods = sorted({c.period_end for c in cells})
    if len(periods) > 1:
        first = [r["mean"] for r in rows if r["period"] == periods[0].isoformat()]
        last = [r["mean"] for r in rows if r["period"] == periods[-1].isoformat()]
        change = sum(last) / len(last) - sum(first) / len(first)
        title = (
            f"Mean maturity {'up' if change > 0 else 'down' if change < 0 else 'unchanged'}"
            f"{f' by {abs(change):.2f} of a level' if change else ''} from "
            f"{periods[0]:%b %Y} to {periods[-1]:%b %Y}"
        )
    else:
        title = "Mean maturity by dimension"
    description = (
        f"{matrix.name}: the mean level of each dimension at each period over the organisations "
        "assessed (moderated levels where a reviewer moderated), least mature at the bottom."
    )
    return ReportChart(
        key="maturity_progress",
        title=title,
        spec=_config(chart, title, description),
        description=description,
    )
