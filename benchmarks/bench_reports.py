"""Rendering speed: the LLR 2017 demo baseline report in every format, and a national-size export.

Run: ``python -m benchmarks bench_reports``. Figures go to docs/performance.md ("Reports").
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import Result, best_of, peak_rss_mb
from gpworkforce import exports
from gpworkforce.cli.baseline import build_baseline_report
from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.sources import demo_context
from gpworkforce.domain.report import ReportTable
from gpworkforce.reports import OutputFormat, report_bytes
from gpworkforce.reports.html import render_html
from gpworkforce.reports.svg import chart_svg


def _national_table(rows: int = 6_500, seed: int = 1) -> ReportTable:
    """A practice-level table the size of England: 6,500 rows x 20 columns, 5% not available."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"practice_code": [f"P{i:05d}" for i in range(rows)]})
    frame["name"] = [
        f"Practice {i} =HYPERLINK" if i % 97 == 0 else f"Practice {i}" for i in range(rows)
    ]
    for j in range(18):
        values = pd.array(rng.gamma(2.0, 3.0, rows), dtype="Float64")
        values[rng.random(rows) < 0.05] = pd.NA
        frame[f"measure {j} WTE"] = values
    decimals = {c: 1 for c in frame.columns if c.endswith("WTE")}
    return ReportTable("national", "National practice table", frame, decimals=decimals)


def run() -> list[Result]:
    context = demo_context()
    day = dt.date(2017, 9, 30)
    t_report, report = best_of(
        lambda: build_baseline_report(context, "QK1", day, SourceChoice.RETURNS), repeats=1
    )
    n_tables, n_charts = len(report.tables), len(report.charts)
    t_svg, _ = best_of(lambda: [chart_svg(c) for c in report.charts], repeats=3)
    t_html, html = best_of(lambda: render_html(report), repeats=3)
    t_pdf, pdf = best_of(lambda: report_bytes(report, OutputFormat.PDF), repeats=1)
    t_xlsx, _ = best_of(lambda: report_bytes(report, OutputFormat.XLSX), repeats=5)
    with tempfile.TemporaryDirectory() as tmp:
        t_csv, _ = best_of(lambda: exports.write_csv_files(report.tables, Path(tmp)), repeats=5)
    national = _national_table()
    t_nat_xlsx, data = best_of(lambda: exports.xlsx_bytes([national]), repeats=3)
    t_nat_csv, _ = best_of(lambda: exports.csv_bytes(national), repeats=3)
    assert io.BytesIO(data).getbuffer().nbytes > 0
    what = f"LLR demo, {n_tables} tables, {n_charts} charts"
    return [
        Result("baseline analyses for QK1 (context already built)", t_report, "s", note=what),
        Result("SVG of every chart (vl-convert)", t_svg, "s", note=f"{n_charts} charts"),
        Result("HTML report incl. SVG", t_html, "s", note=f"{len(html) / 1024:.0f} KiB"),
        Result("PDF report (WeasyPrint)", t_pdf, "s", note=f"{len(pdf) / 1024:.0f} KiB"),
        Result("XLSX report", t_xlsx, "s", note=what),
        Result("CSV files + README", t_csv, "s", note=what),
        Result("XLSX, 6,500 x 20 table", t_nat_xlsx, "s"),
        Result("CSV, 6,500 x 20 table", t_nat_csv, "s"),
        Result("peak RSS", peak_rss_mb(), "MB"),
    ]
