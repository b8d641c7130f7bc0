"""Self-contained, accessible HTML report (Jinja2 template, inline NHS.UK-like CSS, inline SVG)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from gpworkforce import labels
from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.formatting import NA_MEANING, NA_TEXT, display_rows, is_numeric_column
from gpworkforce.reports.model import Report, ReportChart
from gpworkforce.reports.svg import chart_svg


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool
    na: bool


@dataclass(frozen=True)
class _Header:
    label: str
    numeric: bool


@dataclass(frozen=True)
class _Chart:
    key: str
    title: str
    description: str
    svg: Markup


@dataclass(frozen=True)
class _Part:
    """One printed block of a table: all rows, some columns (the whole table on screen)."""

    caption: str
    header: tuple[_Header, ...]
    rows: tuple[tuple[_Cell, ...], ...]


@dataclass(frozen=True)
class _Table:
    key: str
    title: str
    parts: tuple[_Part, ...]
    row_headers: bool
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    charts: tuple[_Chart, ...]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gpworkforce.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> str:
    return (
        resources.files("gpworkforce.reports").joinpath("templates/report.css").read_text("utf-8")
    )


def _chart(chart: ReportChart) -> _Chart:
    # chart_svg escapes the title and description it inserts; the rest is vl-convert's own SVG.
    return _Chart(chart.key, chart.title, chart.description, Markup(chart_svg(chart)))  # noqa: S704


def column_groups(numeric: list[bool], max_columns: int | None) -> list[list[int]]:
    """Column indexes per printed part: the leading text columns (up to 3) repeat in each part.

    ``max_columns`` counts the other columns per part; ``None`` keeps the table whole.
    """
    lead = 0
    while lead < min(3, len(numeric)) and not numeric[lead]:
        lead += 1
    rest = list(range(lead, len(numeric)))
    if max_columns is None or len(rest) <= max_columns:
        return [list(range(len(numeric)))]
    keys = list(range(lead))
    return [keys + rest[i : i + max_columns] for i in range(0, len(rest), max_columns)]


def _table(table: ReportTable, charts: tuple[ReportChart, ...], max_columns: int | None) -> _Table:
    frame = table.frame
    numeric = [is_numeric_column(frame, c) for c in frame.columns]
    header = [_Header(str(c), n) for c, n in zip(frame.columns, numeric, strict=True)]
    rows = [
        [_Cell(text, n, text == NA_TEXT) for text, n in zip(row, numeric, strict=True)]
        for row in display_rows(frame, dict(table.decimals))
    ]
    groups = column_groups(numeric, max_columns)
    parts = tuple(
        _Part(
            caption=table.title
            if len(groups) == 1
            else f"{table.title} (part {i} of {len(groups)})",
            header=tuple(header[c] for c in group),
            rows=tuple(tuple(row[c] for c in group) for row in rows),
        )
        for i, group in enumerate(groups, start=1)
    )
    return _Table(
        key=table.key,
        title=table.title,
        parts=parts,
        row_headers=bool(numeric) and not numeric[0],
        notes=table.notes,
        sources=table.sources,
        charts=tuple(_chart(c) for c in charts),
    )


def render_html(report: Report, *, max_columns: int | None = None) -> str:
    """The whole report as one HTML document with no external assets.

    ``max_columns`` (for print) splits wider tables into parts of that many columns after the
    leading text columns, which repeat in every part, so no table runs off the page.
    """
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        css=Markup(_css()),  # noqa: S704 - our own packaged stylesheet
        tables=[
            _table(labels.readable(t), report.charts_after(t.key), max_columns)
            for t in report.tables
        ],
        loose_charts=[_chart(c) for c in report.loose_charts],
        na_meaning=NA_MEANING,
        generated=report.generated.strftime("%-d %B %Y %H:%M %Z").strip(),
    )
