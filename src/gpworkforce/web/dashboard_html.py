"""The dashboard's tables and charts as HTML (the same for every permitted viewer of an
organisation with the same download right): rendered by the dashboard's task with its figures,
or by a page view that finds none (e.g. an older version's figures)."""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
from django.template.loader import get_template

from gpworkforce import labels
from gpworkforce.papers.headline import (
    BaselineHeadline,
    baseline_headline,
    fmt_number,
    fmt_pct,
    fmt_signed,
    headline_change,
    quarter_before,
)
from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column
from gpworkforce.web.dashboards import Dashboard

# The detail below the headline, by topic: each table sits behind an NHS.UK details component
# (its title the summary), so the page opens on the headline and a list of titles, not on
# fifteen tables one under another; the charts stay shown. A table not listed goes last.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Staff", ("staff_by_group", "staff_by_role", "locums")),
    ("Against the target", ("per_thousand", "target_gap", "inequality")),
    ("Age", ("over_55", "over_55_by_area", "pyramid_all", "pyramid_gp")),
    ("Vacancies", ("vacancies", "vacancies_by_area")),
    ("Returns and data quality", ("response_rate", "imputation", "gpw_comparison")),
    ("Published figures (NHS Digital GPW)", ("gpw_series",)),
)
OTHER_TOPIC = "Other tables"
# a chart taller than this (e.g. one bar group per practice of a sub-ICB area) is behind
# "Show the chart", its title the summary
TALL_CHART_PX = 700
_SVG_HEIGHT = re.compile(r'^<svg[^>]*?\sheight="([0-9.]+)')
_SVG_TITLE = re.compile(r"<title[^>]*>([^<]*)</title>")


def chart_view(key: str, svg: str) -> dict[str, Any]:
    """A dashboard chart with its title and whether it is too tall to show open."""
    height = _SVG_HEIGHT.match(svg)
    title = _SVG_TITLE.search(svg)
    return {
        "key": key,
        "svg": svg,
        "title": html.unescape(title[1]) if title else "the chart",
        "tall": height is not None and float(height[1]) > TALL_CHART_PX,
    }


def _table_view(table: Any) -> dict[str, Any]:
    table = labels.readable(table)
    frame = table.frame
    return {
        "key": table.key,
        "title": table.title,
        # the part before ": <organisation>, <date>" (the page's heading says those)
        "short_title": table.title.split(": ", 1)[0],
        "columns": [str(c) for c in frame.columns],
        "numeric": [is_numeric_column(frame, c) for c in frame.columns],
        "rows": display_rows(frame, dict(table.decimals)),
        "rows_text": labels.plural(len(frame), "row"),
        "notes": table.notes,
    }


def _signed(value: float | None) -> str:
    if value is None:
        return "not available"
    return f"{value:+,.1f}".replace("-", "−")


def _gpw_year_change(dash: Dashboard) -> dict[str, str] | None:
    """GPW fully qualified GP WTE at the census date and a year before (like for like)."""
    table = dash.table("gpw_series")
    if table is None or dash.census is None:
        return None
    frame = table.frame
    column = next((c for c in map(str, frame.columns) if c.startswith("Fully qualified")), None)
    if column is None:
        return None
    by_period = dict(zip(frame["Period"].astype(str), frame[column], strict=True))
    now = by_period.get(dash.census.isoformat())
    before_date = dash.census.replace(year=dash.census.year - 1)
    before = by_period.get(before_date.isoformat())
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return {
        "label": "Fully qualified GPs, NHS Digital GPW",
        "value": _signed(float(now) - float(before)) + " WTE",
        "context": f"{fmt_number(float(before))} on {labels.date_text(before_date)} to "
        f"{fmt_number(float(now))} on {labels.date_text(dash.census)} (published figures, "
        "like for like; they exclude locums and registrars, so they differ from the returns' "
        "figure above)",
    }


def _group_change(dash: Dashboard, label: str, now: float | None) -> str | None:
    """A staff group's WTE change since the quarter before (None: no figures then)."""
    if dash.previous is None:
        return None
    before = dict(dash.previous.wte).get(label)
    if now is None or before is None:
        return "not available"
    return fmt_signed(now - before)


def _quarter_change(dash: Dashboard, h: BaselineHeadline) -> dict[str, str] | None:
    """GP WTE now against the quarter before, from the same source and definitions."""
    if dash.previous is None:
        return None
    c = headline_change(h, dash.previous)
    if c.gp_wte is None:
        return None
    since = labels.date_text(c.since)
    parts = [
        f"GP WTE from {fmt_number(c.gp_wte_before)} on {since} to {fmt_number(h.gp_wte)} "
        f"(accepted returns both quarters, practices without one filled in the same way)"
    ]
    if c.gp_per_1000 is not None:
        parts.append(f"per 1,000 patients {fmt_signed(c.gp_per_1000, 3)}")
    if c.response_points is not None and dash.previous.response_pct is not None:
        parts.append(
            f"response rate {fmt_pct(dash.previous.response_pct, 0)} then, "
            f"{fmt_pct(h.response_pct, 0)} now"
        )
    return {"value": fmt_signed(c.gp_wte) + " WTE", "context": "; ".join(parts) + "."}


def headline_view(dash: Dashboard) -> dict[str, Any] | None:
    """The few figures that matter, read from the dashboard's own tables (the definitions of
    :mod:`gpworkforce.papers.headline`, the same as the CLI's and the committee paper's)."""
    if dash.census is None or dash.table("staff_by_group") is None:
        return None
    h = baseline_headline(dash.tables, dash.org_code, dash.census)
    sources = [s for t in dash.tables for s in t.sources]
    received = labels.latest_received(sources)
    quarter = quarter_before(dash.census)
    per_1000 = None
    if h.gp_per_1000 is not None and h.target_per_1000 is not None:
        per_1000 = {
            "value": f"{h.gp_per_1000:.2f}",
            "context": f"against a target of {h.target_per_1000:.2f}, on "
            f"{fmt_number(h.patients, 0)} registered patients (the practices' list sizes, summed)",
        }
    gap = None
    if h.gap is not None:
        word = "short of" if h.gap > 0 else "above"
        gap = {
            "value": f"{fmt_number(abs(h.gap))} WTE",
            "context": f"{word} the {fmt_number(h.wte_needed)} WTE GPs the target needs",
        }
    return {
        "census": labels.date_text(dash.census),
        "gp_wte": fmt_number(h.gp_wte),
        "groups": [(label, fmt_number(v), _group_change(dash, label, v)) for label, v in h.wte],
        "quarter_change": _quarter_change(dash, h),
        "quarter": labels.date_text(quarter),
        "per_1000": per_1000,
        "gap": gap,
        "response": None
        if h.response_pct is None
        else {
            "value": fmt_pct(h.response_pct, 0),
            "context": f"{h.returned} of {labels.plural(h.expected or 0, 'practice')} "
            "sent an accepted return",
        },
        "year_change": _gpw_year_change(dash),
        "quarter_text": (
            f"Not available: no practice of this organisation has an accepted return for "
            f"{labels.date_text(quarter)}."
            if quarter in dash.periods
            else f"Not available: there are no figures for {labels.date_text(quarter)} "
            "(no collection round or published figures for that quarter)."
        ),
        "received": labels.date_text(received) if received else None,
    }


def topics(tables: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The tables grouped by :data:`TOPICS` in its order (topics without a table left out)."""
    placed = {key: i for i, (_, keys) in enumerate(TOPICS) for key in keys}
    groups: list[list[dict[str, Any]]] = [[] for _ in range(len(TOPICS) + 1)]
    for t in tables:
        groups[placed.get(t["key"], len(TOPICS))].append(t)
    names = [name for name, _ in TOPICS] + [OTHER_TOPIC]
    return [(name, group) for name, group in zip(names, groups, strict=True) if group]


def tables_html(dash: Dashboard, can_download: bool) -> str:
    """The message (if any), every table with its download links (if allowed) and charts, then
    where the figures come from (one line per source and date, behind an expander)."""
    sources = [s for t in dash.tables for s in t.sources]
    return get_template("web/_dashboard_tables.jinja").render(
        {
            "org": {"code": dash.org_code},
            "dash": dash,
            "headline": headline_view(dash),
            "topics": topics([_table_view(t) for t in dash.tables]),
            "sources": labels.sources_summary(sources),
            "charts": [chart_view(key, svg) for key, svg in dash.charts],
            "na_meaning": NA_MEANING,
            "can_download": can_download,
            "period_param": dash.census.isoformat() if dash.census else "",
        }
    )
