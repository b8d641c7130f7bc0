"""Committee papers: time to build a long paper (issue 14's target: a 40-page paper, PDF, Word
and Excel together, in <= 10 s), and the same baseline as the baseline report's PDF for comparison.

The paper (32 pages, the longest the demo's data give): the LLR 2017 demo at ICB level with every practice as a row (141 rows in each area
table), the three LLR scenarios, their costs, the allocations, the 2017 plan scored against GPW,
the risk register and the implementation plan. Run: ``python -m benchmarks bench_papers``.
Figures go to docs/performance.md ("Committee papers").
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from benchmarks.common import Result, best_of
from gpworkforce.baseline.report import baseline_report
from gpworkforce.cli.sources import demo_context
from gpworkforce.domain.orgs import OrgType
from gpworkforce.reports.baseline_charts import baseline_charts
from gpworkforce.reports.model import Report

ROOT = Path(__file__).resolve().parents[1]
LLR = ROOT / "scenarios" / "llr-2017"
DAY = dt.date(2017, 9, 30)
TARGET_SECONDS = 10.0


def paper_inputs(child_level: OrgType | None = OrgType.PRACTICE) -> object:
    from gpworkforce.delivery.plan import read_timeline
    from gpworkforce.delivery.registers import read_risks
    from gpworkforce.finance.runner import allocation_tables, cost_scenario
    from gpworkforce.finance.tables_io import read_allocations
    from gpworkforce.forecast.runner import run_scenario
    from gpworkforce.papers.build import (
        PaperInputs,
        allocation_summary,
        cost_summary,
        plan_score_summary,
        scenario_result,
    )
    from gpworkforce.plans.actuals import gpw_actuals
    from gpworkforce.plans.io import load_plan
    from gpworkforce.plans.scoring import score_plan

    context = demo_context()
    tables = baseline_report(
        context.data,
        "QK1",
        DAY,
        source="returns",
        denominators=context.denominators,
        child_level=child_level,
    )
    report = Report(
        title="General practice workforce baseline: LLR (QK1)",
        tables=tuple(tables),
        charts=baseline_charts(tables),
        generated=dt.datetime(2017, 10, 25, tzinfo=dt.UTC),
    )
    scenarios = [LLR / f"scenario-{i}.toml" for i in (1, 2, 3)]
    plan = load_plan(LLR / "plan.toml")
    actuals, label, provenance = gpw_actuals(plan)
    return PaperInputs(
        baseline=report,
        organisation="NHS Leicester, Leicestershire and Rutland Integrated Care Board",
        period=DAY,
        source_note="Figures come from practices' returns (the LLR 2017 demo).",
        meeting="LLR GP Programme Board",
        date=dt.date(2017, 10, 25),
        as_of=dt.date(2017, 12, 31),
        scenarios=tuple(scenario_result(run_scenario(p, 0)) for p in scenarios),
        risks=read_risks(LLR / "delivery" / "risks.csv"),
        timeline=read_timeline(LLR / "delivery" / "implementation.csv"),
        costs=tuple(cost_summary(cost_scenario(p, draws=0)) for p in scenarios),
        allocations=allocation_summary(
            allocation_tables(read_allocations(LLR / "allocations.csv"), 0.109, 0.113, {})
        ),
        plan_score=plan_score_summary(
            plan, score_plan(plan, actuals, source=label, provenance=provenance)
        ),
    )


def run() -> list[Result]:
    from gpworkforce.papers.build import build_paper
    from gpworkforce.papers.render import paper_docx, paper_pdf, paper_xlsx
    from gpworkforce.reports.pdf import render_pdf
    from gpworkforce.web.papers.compute import pdf_pages

    inputs = paper_inputs()
    t_build, paper = best_of(lambda: build_paper(inputs), repeats=1)  # type: ignore[arg-type]
    t_pdf, pdf = best_of(lambda: paper_pdf(paper), repeats=1)
    t_docx, _ = best_of(lambda: paper_docx(paper), repeats=1)
    t_xlsx, _ = best_of(lambda: paper_xlsx(paper), repeats=1)
    pages = pdf_pages(pdf)
    started = time.perf_counter()
    report_pdf = render_pdf(inputs.baseline)  # type: ignore[attr-defined]
    t_report = time.perf_counter() - started
    total = t_build + t_pdf + t_docx + t_xlsx
    what = f"{pages}-page paper (LLR, every practice a row, 3 scenarios, finance, plan, risks)"
    return [
        Result(f"committee paper, all three files: {what}", total, "s", TARGET_SECONDS),
        Result("  of which writing the paper (key messages, sections)", t_build, "s"),
        Result("  of which the PDF (WeasyPrint)", t_pdf, "s"),
        Result("  of which the Word document (python-docx, charts as PNG)", t_docx, "s"),
        Result("  of which the Excel data pack (XlsxWriter)", t_xlsx, "s"),
        Result(
            f"the same baseline as the baseline report's PDF ({pdf_pages(report_pdf)} pages)",
            t_report,
            "s",
        ),
    ]
