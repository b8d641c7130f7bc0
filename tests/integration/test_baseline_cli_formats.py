"""``baseline`` builds charts only for the formats that draw them (HTML, PDF): the tables of a
CSV, XLSX or text report are the same, without the cost of charting (issue 10, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from gpworkforce.cli.baseline import CHART_FORMATS, build_baseline_report
from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.sources import demo_context
from gpworkforce.reports.formats import OutputFormat

pytestmark = pytest.mark.integration


def test_a_report_without_charts_has_the_same_tables() -> None:
    context = demo_context()
    on = dt.date(2017, 9, 30)
    full = build_baseline_report(context, "QK1", on, SourceChoice.RETURNS)
    bare = build_baseline_report(context, "QK1", on, SourceChoice.RETURNS, with_charts=False)
    assert full.charts and bare.charts == ()
    assert [t.key for t in bare.tables] == [t.key for t in full.tables]
    for mine, theirs in zip(bare.tables, full.tables, strict=True):
        assert mine.frame.equals(theirs.frame) and mine.notes == theirs.notes
    assert bare.statements == full.statements


def test_only_html_and_pdf_draw_charts() -> None:
    assert {OutputFormat.HTML, OutputFormat.PDF} == CHART_FORMATS
