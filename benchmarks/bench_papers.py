"""Committee papers on the user's path (issue 14's target: a 40-page paper, PDF, Word and Excel
together, in <= 10 s), with the obvious alternatives of its speed-ups in the same run.

1. ``gpworkforce paper`` as a board secretary runs it (a subprocess): the LLR 2017 demo at ICB
   level with every practice as a row (``--rows practice``: 141 rows in each area table), the
   three LLR scenarios (scenario 2 with 200 Monte Carlo draws), their costs, the allocations, the
   2017 plan scored against GPW, the risk register and the implementation plan; all three files.
   Wall time, the CPU time of the command and of its layout processes (user + system), the step
   times the command prints and the PDF's page count. First with ``--full-appendices`` (every
   practice's rows, each scenario year by year, the risk register and the implementation plan in
   full: the 40-page case of the target, 42 pages), then without (20 pages).
2. Word tables: python-docx's cell-by-cell API (what the paper used before) against the table
   written as one piece of XML (what it uses now), on the same paper's tables.
3. Charts for Word: each chart laid out again by vl-convert as PNG (before) against the PNG drawn
   from the SVG the PDF already drew (now).
4. The PDF laid out whole by WeasyPrint (before decision 0139) against laid out in parts and
   joined (now), one after the other in this process: the CPU the parts add.

The machine is shared: the load average before and after each measurement is in its note.
Figures go to docs/performance.md ("Committee papers").
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, load_average

ROOT = Path(__file__).resolve().parents[1]
LLR = ROOT / "scenarios" / "llr-2017"
TARGET_SECONDS = 10.0
ROOT_PERIOD = dt.date(2017, 9, 30)
STEP = re.compile(r"^(.*) \.\.\.\n\s+done \(([0-9.]+) s; CPU ([0-9.]+) s\)", re.MULTILINE)


def cli_args(out: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("gpworkforce")),
        "paper",
        "--org",
        "QK1",
        "--period",
        "2017-09-30",
        "--out",
        str(out),
        "--rows",
        "practice",
        "--scenario",
        str(LLR / "scenario-1.toml"),
        "--scenario",
        str(LLR / "scenario-2-uncertain.toml"),
        "--scenario",
        str(LLR / "scenario-3.toml"),
        "--draws",
        "200",
        "--finance",
        "--allocations",
        str(LLR / "allocations.csv"),
        "--plan",
        str(LLR / "plan.toml"),
        "--risks",
        str(LLR / "delivery" / "risks.csv"),
        "--timeline",
        str(LLR / "delivery" / "implementation.csv"),
        "--meeting",
        "LLR GP Programme Board",
        "--date",
        "2017-10-25",
        "--as-of",
        "2017-12-31",
    ]


def _cli(extra: tuple[str, ...] = ()) -> list[Result]:
    from gpworkforce.web.papers.compute import pdf_pages

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        before = load_average()
        usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([*cli_args(out), *extra], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        after = load_average()
        if proc.returncode != 0:
            raise RuntimeError(f"gpworkforce paper failed: {proc.stderr[-2000:]}")
        cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
        pages = pdf_pages((out / "paper-qk1-2017-09-30.pdf").read_bytes())
    steps = {name.strip(): (float(w), float(c)) for name, w, c in STEP.findall(proc.stderr)}
    note = f"{before} before, {after} after"
    results = [
        Result(
            f"gpworkforce paper{' ' + ' '.join(extra) if extra else ''}, {pages}-page paper, "
            "all three files (wall)",
            wall,
            "s",
            TARGET_SECONDS,
            note=note,
        ),
        Result(
            f"  the same, CPU time of the command (user + system; {note})",
            cpu,
            "s",
            TARGET_SECONDS,
        ),
    ]
    for name in (
        "Reading data from the built-in LLR 2017 demo",
        "Computing the baseline for QK1 on 2017-09-30",
        "Computing the baseline for QK1 on 2017-06-30 (the quarter before)",
        "Scoring the plan against GPW (beside the steps above)",
        "Laying out the pdf (its parts in parallel)",
        "Rendering docx",
        "Rendering xlsx",
        "Rendering pdf (joining its parts)",
    ):
        if name in steps:
            w, c = steps[name]
            results.append(Result(f"  of which: {name} (wall; CPU {c:.1f} s)", w, "s"))
    w = sum(v[0] for k, v in steps.items() if k.startswith(("Forecasting", "Costing")))
    c = sum(v[1] for k, v in steps.items() if k.startswith(("Forecasting", "Costing")))
    results.append(
        Result(f"  of which: forecasting and costing the scenarios (wall; CPU {c:.1f} s)", w, "s")
    )
    return results


def _paper() -> object:
    """The same paper in this process (for the two comparisons)."""
    from gpworkforce.cli.baseline import build_baseline_report
    from gpworkforce.cli.choices import SourceChoice
    from gpworkforce.cli.sources import demo_context
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.forecast.runner import run_scenario
    from gpworkforce.papers.build import PaperInputs, build_paper, scenario_result

    context = demo_context()
    report = build_baseline_report(
        context, "QK1", ROOT_PERIOD, SourceChoice.RETURNS, child_level=OrgType.PRACTICE
    )
    from gpworkforce.delivery.plan import read_timeline
    from gpworkforce.delivery.registers import read_risks

    runs = [scenario_result(run_scenario(LLR / f"scenario-{n}.toml")) for n in (1, 2, 3)]
    return build_paper(
        PaperInputs(
            baseline=report,
            organisation="NHS Leicester, Leicestershire and Rutland Integrated Care Board",
            period=ROOT_PERIOD,
            source_note="Figures come from practices' returns.",
            scenarios=runs,
            risks=read_risks(LLR / "delivery" / "risks.csv"),
            timeline=read_timeline(LLR / "delivery" / "implementation.csv"),
            rows_label=("practice", "practices"),
            full_appendices=True,
        )
    )


def _docx_api_table(doc: object, t: object) -> None:
    """A table through python-docx's cell-by-cell API, as the paper wrote it before."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from gpworkforce.reports.formatting import display_rows, is_numeric_column

    numeric = [is_numeric_column(t.frame, c) for c in t.frame.columns]  # type: ignore[attr-defined]
    rows = display_rows(t.frame, dict(t.decimals))  # type: ignore[attr-defined]
    table = doc.add_table(rows=1, cols=len(t.frame.columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name, num in zip(table.rows[0].cells, t.frame.columns, numeric, strict=True):  # type: ignore[attr-defined]
        cell.text = str(name)
        run = cell.paragraphs[0].runs[0]
        run.bold = True
        run.font.size = Pt(8.5)
        if num:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in rows:
        cells = table.add_row().cells
        for cell, text, num in zip(cells, values, numeric, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].font.size = Pt(8.5)
            if num:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _cpu(fn: object) -> float:
    t0 = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - t0


def _comparisons() -> list[Result]:
    import docx
    import vl_convert
    from docx.oxml import parse_xml

    from gpworkforce.papers.render import _docx_table_xml, paper_chart
    from gpworkforce.reports.svg import svg_png, vegalite_svg

    paper = _paper()
    tables = [t for _s, t in paper.tables if len(t.frame.columns)]  # type: ignore[attr-defined]
    charts = [paper_chart(c) for s in paper.sections for c in s.charts]  # type: ignore[attr-defined]
    cells = sum(t.frame.size for t in tables)
    note = load_average()

    def api() -> None:
        doc = docx.Document()
        for t in tables:
            _docx_api_table(doc, t)
        doc.save(io.BytesIO())

    def xml() -> None:
        doc = docx.Document()
        for t in tables:
            doc.element.body._insert_tbl(parse_xml(_docx_table_xml(t)))
        doc.save(io.BytesIO())

    for c in charts:  # the PDF has drawn them already
        vegalite_svg(dict(c.spec))

    def relayout() -> None:
        for c in charts:
            vl_convert.vegalite_to_png(json.dumps(dict(c.spec)), scale=2.0)

    def from_svg() -> None:
        for c in charts:
            svg_png(vegalite_svg(dict(c.spec)), scale=2.0)

    from gpworkforce.papers.pdf import lay_out, paper_pdf
    from gpworkforce.papers.render import paper_html
    from gpworkforce.web.papers.compute import pdf_pages

    html = paper_html(paper)  # type: ignore[arg-type]  # the charts drawn once, before both
    pages = lay_out(html).pages  # WeasyPrint's fonts and stylesheets loaded before both
    t_whole = _cpu(lambda: lay_out(paper_html(paper)))  # type: ignore[arg-type]
    t_parts = _cpu(lambda: paper_pdf(paper))  # type: ignore[arg-type]
    assert pdf_pages(paper_pdf(paper)) == pages  # type: ignore[arg-type]
    t_api, t_xml = _cpu(api), _cpu(xml)
    t_relayout, t_svg = _cpu(relayout), _cpu(from_svg)
    return [
        Result(
            f"Word tables ({len(tables)} tables, {cells:,} cells), python-docx cell API (CPU)",
            t_api,
            "s",
            note=note,
        ),
        Result("  the same tables written as XML in one piece (CPU)", t_xml, "s", note=note),
        Result(
            f"Word charts ({len(charts)}), each laid out again as PNG by vl-convert (CPU)",
            t_relayout,
            "s",
            note=note,
        ),
        Result("  the same PNGs from the SVGs the PDF drew (CPU)", t_svg, "s", note=load_average()),
        Result(f"PDF of {pages} pages laid out whole by WeasyPrint (CPU)", t_whole, "s", note=note),
        Result(
            "  the same laid out in parts and joined, one after the other (CPU)",
            t_parts,
            "s",
            note=load_average(),
        ),
    ]


def run() -> list[Result]:
    return _cli(("--full-appendices",)) + _cli() + _comparisons()
