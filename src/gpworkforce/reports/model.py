"""What a rendered report is made of: tables (:class:`ReportTable`), charts and statements.

Analyses return tables; :mod:`gpworkforce.reports.charts` turns table-shaped frames into chart
specifications; the renderers (HTML, PDF, XLSX, CSV, text) only lay these out and never compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from gpworkforce import __version__
from gpworkforce.domain.report import ReportTable


def _freeze(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(spec))


@dataclass(frozen=True)
class ReportChart:
    """A chart as a Vega-Lite specification (JSON-able mapping), with an accessible description.

    ``description`` is the text alternative read by screen readers (what the chart shows, in one or
    two sentences). ``after_table`` names the :attr:`ReportTable.key` the chart illustrates; the HTML
    report places the chart right after that table (or in a "Charts" section when ``None``).
    """

    key: str
    title: str
    spec: Mapping[str, Any]
    description: str
    after_table: str | None = None

    def __post_init__(self) -> None:
        if not self.key.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"chart key must be alphanumeric with - or _, got {self.key!r}")
        if not self.description.strip():
            raise ValueError("a chart needs a text description for screen readers")
        object.__setattr__(self, "spec", _freeze(self.spec))


@dataclass(frozen=True)
class Report:
    """A whole report: what the HTML/PDF renderers lay out, and what XLSX/CSV/text export.

    ``statements`` are plain sentences shown first under "About these figures", e.g. which figures
    are real (published) and which synthetic.
    """

    title: str
    tables: tuple[ReportTable, ...]
    charts: tuple[ReportChart, ...] = ()
    subtitle: str = ""
    statements: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()  # the few figures that matter, shown first
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    version: str = __version__

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(self.tables))
        object.__setattr__(self, "charts", tuple(self.charts))
        object.__setattr__(self, "statements", tuple(self.statements))
        object.__setattr__(self, "headline", tuple(self.headline))
        keys = [t.key for t in self.tables]
        if len(set(keys)) != len(keys):
            raise ValueError(f"report table keys must be unique, got {keys}")
        chart_keys = [c.key for c in self.charts]
        if len(set(chart_keys)) != len(chart_keys):
            raise ValueError(f"report chart keys must be unique, got {chart_keys}")
        unknown = {c.after_table for c in self.charts} - set(keys) - {None}
        if unknown:
            raise ValueError(f"charts placed after unknown tables {sorted(unknown)}")  # type: ignore[type-var]

    def charts_after(self, table_key: str) -> tuple[ReportChart, ...]:
        return tuple(c for c in self.charts if c.after_table == table_key)

    @property
    def loose_charts(self) -> tuple[ReportChart, ...]:
        return tuple(c for c in self.charts if c.after_table is None)
