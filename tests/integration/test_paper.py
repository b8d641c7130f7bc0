"""The committee paper on the LLR 2017 demo: key messages carry the baseline's own figures, the
paper shows no internal identifiers, and PDF, Word and Excel outputs are byte-reproducible."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.cli.baseline import build_baseline_report
from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.sources import demo_context
from gpworkforce.delivery.plan import read_timeline
from gpworkforce.delivery.registers import read_risks
from gpworkforce.forecast.runner import run_scenario
from gpworkforce.papers.build import PaperInputs, build_paper, scenario_result
from gpworkforce.papers.pdf import paper_pdf
from gpworkforce.papers.render import paper_docx, paper_html, paper_xlsx

ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"


@pytest.fixture(scope="module")
def paper():
    context = demo_context()
    period = dt.date(2017, 9, 30)
    report = build_baseline_report(context, "QK1", period, SourceChoice.RETURNS)
    runs = [scenario_result(run_scenario(LLR / f"scenario-{n}.toml")) for n in (1, 2, 3)]
    return build_paper(
        PaperInputs(
            baseline=report,
            organisation="Leicester, Leicestershire and Rutland",
            period=period,
            source_note="Figures come from practices' returns.",
            meeting="GP Programme Board",
            date=dt.date(2017, 10, 25),
            as_of=dt.date(2017, 11, 1),
            scenarios=runs,
            risks=read_risks(LLR / "delivery" / "risks.csv"),
            timeline=read_timeline(LLR / "delivery" / "implementation.csv"),
        )
    )


def test_key_messages_carry_the_figures(paper):
    text = "\n".join(paper.key_messages)
    # the demo reproduces the LLR plan: 542.0 WTE GPs excluding registrars, 0.486 per 1,000 against
    # 0.58, so 646.3 WTE needed and 104.3 short (docs/demo.md; Table 3 and Table 8)
    assert "542.0 WTE GPs (excluding registrars) on 30 September 2017" in text
    assert (
        "0.486 per 1,000 registered patients against a target of 0.58: 104.3 WTE short of the 646.3 WTE"
        in text
    )
    # the paper's three scenarios give 561, 630 and 658 against the 639 target (Tables 12-14)
    scen = next(s for s in paper.sections if s.key == "scenarios")
    frame = scen.tables[0].frame
    assert [round(v) for v in frame["GP WTE (central)"]] == [561, 630, 658]
    assert "1 scenario of 3 reaches the plan's target of 639 WTE by Sep 2020" in text
    # no review has moved a risk yet: said in words, not "0 went up and 0 down"
    assert (
        "7 live risks of 10 are rated significant; since the last review none went up or down"
        in (text)
    )
    assert "0 went up" not in text
    # scenarios without uncertain assumptions have no range: said so, not an internal "none"
    assert list(frame["Band"]) == ["no range"] * 3
    (chart,) = scen.charts  # nor does its caption point at shaded bands that are not drawn
    assert "No scenario has a range" in chart.description and "Shaded" not in chart.description
    assert "3 critical milestones of the implementation plan are overdue" in text


def test_no_internal_identifiers_in_the_paper(paper):
    html = paper_html(paper)
    for internal in (
        "org_code",
        "org_name",
        ">row<",
        "GP_SALARIED",
        "GP_EXCL_REGISTRARS",
        "unknown-vintage",
        "practice-return:",
    ):
        assert internal not in html, internal
    headers = [str(c) for _, t in paper.tables for c in t.frame.columns]
    assert all(re.fullmatch(r"[a-z_]+", h) is None for h in headers), headers


def test_outputs_are_reproducible_and_well_formed(paper):
    pdf = paper_pdf(paper)
    assert pdf.startswith(b"%PDF") and pdf == paper_pdf(paper)
    docx = paper_docx(paper)
    assert docx == paper_docx(paper)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = z.read("word/document.xml").decode()
        assert "Key messages" in body and "Workforce risks" in body
        assert sum(n.startswith("word/media/") for n in z.namelist()) == sum(
            len(s.charts) for s in paper.sections
        )
    xlsx = paper_xlsx(paper)
    assert xlsx == paper_xlsx(paper)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames[:2] == ["Cover", "Notes"]
    assert len(book.sheetnames) == 2 + len(paper.tables)
    staff = book["Staff WTE by staff group"]
    assert staff.freeze_panes == "B4"
    assert staff.auto_filter.ref.startswith("A3")
    assert staff["A3"].value == "Organisation"
    total = [
        r
        for r in staff.iter_rows(min_row=4, values_only=True)
        if r[0] and "Integrated Care Board" in r[0]
    ]
    assert isinstance(total[0][2], float) and round(total[0][2], 1) == 542.0  # a number, not text


def test_paper_command(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "paper",
            "--org",
            "QK1",
            "--period",
            "2017-09-30",
            "--out",
            str(tmp_path),
            "--format",
            "xlsx",
            "--risks",
            str(LLR / "delivery" / "risks.csv"),
            "--scenario",
            str(LLR / "scenario-2.toml"),
            "--finance",
            "--allocations",
            str(LLR / "allocations.csv"),
            "--plan",
            str(LLR / "plan.toml"),
            "--date",
            "2017-10-25",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "paper-qk1-2017-09-30.xlsx").exists()
    assert "542.0 WTE GPs" in result.stdout
    # finance: Scenario 2 ends 9 WTE short of 639; 9 x the cost model's salaried GP (LLR: £112,000)
    assert (
        "closing the remaining gap of 9.0 WTE by Sep 2020 would cost £1.0 million a year"
        in result.stdout
    )
    # the plan scored against GPW: Scenario 1 closest (docs/plans.md)
    assert "Scenario 1: Base position came closest to what happened" in result.stdout
    book = openpyxl.load_workbook(tmp_path / "paper-qk1-2017-09-30.xlsx")
    assert any(n.startswith("Primary care spend") for n in book.sheetnames), book.sheetnames
    assert any(n.startswith("Cost a year") for n in book.sheetnames), book.sheetnames
    bad = CliRunner().invoke(
        app,
        [
            "paper",
            "--org",
            "QK1",
            "--period",
            "2017-09-30",
            "--out",
            str(tmp_path),
            "--risks",
            str(tmp_path / "none.csv"),
        ],
    )
    assert bad.exit_code == 3 and "file not found" in bad.stderr


def test_word_tables_hold_every_cell_with_a_repeated_bold_header(paper):
    """The Word tables are written as XML in one piece: python-docx reads back every header and
    cell of each table as the paper formats it, the header row repeats on each page and is bold,
    and numbers are right-aligned."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from gpworkforce.papers.render import printed_rows

    document = docx.Document(io.BytesIO(paper_docx(paper)))
    tables = [t for _s, t in paper.tables if len(t.frame.columns)]
    # the data tables are those with a repeated header row (not the cover's or figures' grids)
    data = [t for t in document.tables if t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")]
    assert len(data) == len(tables)
    for table, written in zip(tables, data, strict=True):
        header = [c.text for c in written.rows[0].cells]
        assert header == [str(c) for c in table.frame.columns]
        assert all(r.bold for c in written.rows[0].cells for r in c.paragraphs[0].runs)
        rows = [[c.text for c in r.cells] for r in written.rows[1:]]
        # as the paper prints it (dates as people write them: tests/unit/test_paper_dates.py)
        assert rows == [list(r) for r in printed_rows(table.frame, dict(table.decimals))]
        assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", c) for r in rows for c in r)
    staff = next(w for t, w in zip(tables, data, strict=True) if t.key == "staff_wte")
    total = next(r for r in staff.rows if "Integrated Care Board" in r.cells[0].text)
    assert total.cells[2].text == "542.0"
    assert total.cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert total.cells[0].paragraphs[0].alignment is None


def test_every_chart_in_the_paper_states_its_finding_and_names_every_series(paper):
    import json

    from gpworkforce.reports.chart_checks import chart_problems, title_text

    charts = [c for s in paper.all_sections for c in s.charts]
    assert len(charts) >= 4
    for chart in charts:
        spec = json.loads(json.dumps(dict(chart.spec)))
        assert chart_problems(spec) == [], chart.key
        assert chart.title == title_text(spec), chart.key  # the caption reads the same finding
    scenarios = next(c for c in charts if c.key == "scenarios_chart")
    # the scenarios' finding carries the same figures as the key message (Tables 12-14)
    assert title_text(dict(scenarios.spec)) == (
        "1 of 3 scenarios reaches the target of 639.0 WTE GPs by Sep 2020"
    )


def test_the_full_appendices_print_every_practice_each_scenario_the_register_and_the_plan():
    """--full-appendices: the LLR practice-level paper with appendices C-F, every practice's rows
    printed once (and once in the Excel pack), the short tables pointing to Appendix C."""
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.web.papers.compute import pdf_pages

    context = demo_context()
    period = dt.date(2017, 9, 30)
    report = build_baseline_report(
        context, "QK1", period, SourceChoice.RETURNS, child_level=OrgType.PRACTICE
    )
    runs = [scenario_result(run_scenario(LLR / f"scenario-{n}.toml")) for n in (1, 2, 3)]
    common = {
        "baseline": report,
        "organisation": "Leicester, Leicestershire and Rutland",
        "period": period,
        "source_note": "Figures come from practices' returns.",
        "scenarios": runs,
        "risks": read_risks(LLR / "delivery" / "risks.csv"),
        "timeline": read_timeline(LLR / "delivery" / "implementation.csv"),
        "rows_label": ("practice", "practices"),
    }
    short = build_paper(PaperInputs(**common))
    full = build_paper(PaperInputs(**common, full_appendices=True))
    titles = [s.title for s in full.appendices]
    assert titles == [
        "Appendix A: Methods and definitions",
        "Appendix B: Where these figures come from",
        "Appendix C: Every practice's figures",
        "Appendix D: Each scenario year by year",
        "Appendix E: The risk register in full",
        "Appendix F: The implementation plan by workstream",
    ]
    every = full.appendices[2].tables
    assert [len(t.frame) for t in every] == [142, 142, 142, 142]  # 141 practices and the total
    # staff aged 55 and over, every practice: the baseline's shares, under human headers
    aged = next(t for t in every if t.key == "over_55_by_area_all").frame
    source = next(t for t in report.tables if t.key == "over_55_by_area").frame
    assert list(aged.columns) == [
        "Organisation",
        "GPs %",
        "Nurses %",
        "Other clinical %",
        "Admin and non-clinical %",
        "All staff %",
    ]
    assert aged["GPs %"].tolist() == source["GPs % aged 55+"].tolist()
    printed = next(t for s in full.sections for t in s.tables if t.key == "over_55_by_area").frame
    top = source.loc[source["row"] == "child"].nlargest(10, "GPs % aged 55+", keep="first")
    assert printed["Organisation"].tolist()[:10] == top["org_name"].tolist()
    assert printed["Organisation"].iloc[-1] == source["org_name"].iloc[-1]  # the total last
    assert [s.title for s in short.appendices] == titles[:2]
    # each whole table once in the pack: printed in Appendix C, no longer a data-only table
    keys = [t.key for _s, t in full.pack_tables]
    assert len(keys) == len(set(keys)) and "staff_wte_all" in keys
    assert {t.key for _s, t in short.pack_tables} <= set(keys)
    notes = " ".join(n for s in full.sections for t in s.tables for n in t.notes)
    assert "All 141 practices are in Appendix C and the Excel data pack" in notes
    years = full.appendices[3].tables[1].frame  # scenario 2: 2017 to 2020, central 541 -> 630
    assert round(years["GP WTE (central)"].iloc[-1]) == 630
    html = paper_html(full)
    names = report.tables[0].frame["org_name"]
    from markupsafe import escape

    assert all(str(escape(str(n))) in html for n in names)
    # without finance, skill mix and the plan: about 31 pages against 15 (the command's: 37 / 19)
    assert pdf_pages(paper_pdf(full)) >= pdf_pages(paper_pdf(short)) + 12
    plan = full.appendices[5].tables[0].frame  # one row per workstream, not per month
    assert len(plan) == 13 and plan["Periods complete"].sum() == 36
    assert plan["Issues"].ne("none").sum() >= 1


def test_the_appendices_are_lettered_without_a_gap_when_the_baseline_tables_are_short():
    """The sub-ICB rows of an ICB are short (no "every area" appendix): the appendix after B is
    C, not D (the board reads "Appendix C" in the contents and finds D)."""
    context = demo_context()
    period = dt.date(2017, 9, 30)
    report = build_baseline_report(context, "QK1", period, SourceChoice.RETURNS, with_charts=False)
    full = build_paper(
        PaperInputs(
            baseline=report,
            organisation="Leicester, Leicestershire and Rutland",
            period=period,
            source_note="Figures come from practices' returns.",
            scenarios=(scenario_result(run_scenario(LLR / "scenario-2.toml")),),
            risks=read_risks(LLR / "delivery" / "risks.csv"),
            timeline=read_timeline(LLR / "delivery" / "implementation.csv"),
            full_appendices=True,
        )
    )
    assert [s.title for s in full.appendices] == [
        "Appendix A: Methods and definitions",
        "Appendix B: Where these figures come from",
        "Appendix C: Each scenario year by year",
        "Appendix D: The risk register in full",
        "Appendix E: The implementation plan by workstream",
    ]


@pytest.fixture(scope="module")
def whole_and_joined(paper):
    """The paper laid out by WeasyPrint as one document (the oracle) and in parts, joined."""
    from gpworkforce.papers.pdf import lay_out

    return lay_out(paper_html(paper)).pdf, paper_pdf(paper)


def _outline_and_names(pdf: bytes):
    import pikepdf

    doc = pikepdf.open(io.BytesIO(pdf))
    page = {p.objgen: i for i, p in enumerate(doc.pages)}

    def where(dest):
        return page[dest[0].objgen], [
            round(float(v), 2) for v in list(dest)[1:] if not isinstance(v, pikepdf.Name)
        ]

    items = []
    with doc.open_outline() as outline:

        def walk(nodes, depth):
            for n in nodes:
                items.append((depth, n.title, *where(n.destination), n.is_closed))
                walk(n.children, depth + 1)

        walk(outline.root, 0)
    names = {k: where(v) for k, v in pikepdf.NameTree(doc.Root.Names.Dests).items()}
    return len(doc.pages), items, names, dict(doc.docinfo), str(doc.Root.Lang)


def test_the_pdf_laid_out_in_parts_is_the_paper_laid_out_whole(whole_and_joined):
    """Bookmarks (titles, nesting, page, position), the sections' named destinations, the
    document information and the language are those WeasyPrint writes for the whole paper."""
    whole, joined = whole_and_joined
    pages, items, names, info, lang = _outline_and_names(joined)
    assert (pages, items, names, info, lang) == _outline_and_names(whole)
    assert pages >= 12 and len(items) >= 10 and "methods" in names
    assert [d for d, *_ in items][:3] == [0, 1, 2]  # the title, then the summary under it


def test_the_page_footers_are_the_whole_papers(paper):
    """The footers laid over the parts read, page by page, as WeasyPrint writes them in the whole
    paper: none on the cover, then the title and "Page n of N"."""
    import weasyprint

    from gpworkforce.papers.render import footer_html

    def footers(html):
        pages = weasyprint.HTML(string=html).render().pages
        return [
            [
                "".join(b.text for b in box.descendants() if hasattr(b, "text"))
                for box in p._page_box.children[1:]  # the margin boxes after the page's body
            ]
            for p in pages
        ]

    whole = footers(paper_html(paper))
    assert footers(footer_html(paper, len(whole))) == whole
    assert whole[0] == [] and whole[1][-1] == f"Page 2 of {len(whole)}"


def test_the_joined_pdf_looks_like_the_whole_paper(whole_and_joined, tmp_path):
    """Every page drawn at 40 dpi is the same picture (the parts, their footers laid over)."""
    import shutil
    import subprocess

    from PIL import Image, ImageChops

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed")
    for name, pdf in zip(("whole", "joined"), whole_and_joined, strict=True):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
            check=True,
        )
    whole = sorted(tmp_path.glob("whole-*.png"))
    joined = sorted(tmp_path.glob("joined-*.png"))
    assert len(whole) == len(joined) >= 12
    for a, b in zip(whole, joined, strict=True):
        diff = ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB"))
        assert diff.getbbox() is None, a.name


def test_the_pdf_is_the_same_bytes_laid_out_in_forked_processes(paper, whole_and_joined):
    from gpworkforce.papers.pdf import layout_pool

    pool = layout_pool()
    if pool is None:
        pytest.skip("no fork on this system")
    with pool:
        assert paper_pdf(paper, pool) == whole_and_joined[1]


def test_a_missing_scenario_file_is_refused_before_anything_is_computed(tmp_path):
    result = CliRunner().invoke(
        app,
        ["paper", "--org", "QK1", "--period", "2017-09-30", "--out", str(tmp_path / "p"),
         "--scenario", str(LLR / "scenario-2.toml"), "--scenario", str(tmp_path / "none.toml")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "none.toml: scenario file must exist, not found" in result.stderr
    assert "Reading data" not in result.stderr  # refused before the data is read
    assert not (tmp_path / "p").exists()


def test_the_word_document_has_the_pdfs_headings_in_order_and_captioned_tables(paper):
    """The board secretary edits the Word file: its headings are the PDF's, in the same order;
    each table's title is a Word caption kept with the table, and no row breaks across pages."""
    import docx as python_docx

    html = paper_html(paper)
    pdf_headings = [
        re.sub(r"<[^>]+>", "", h).replace("&#39;", "'").replace("&amp;", "&").strip()
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    ]
    document = python_docx.Document(io.BytesIO(paper_docx(paper)))
    word_headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert word_headings == pdf_headings and len(word_headings) >= 8
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    assert [p.text for p in captions] == [t.title for _s, t in paper.tables]
    assert all(p.paragraph_format.keep_with_next for p in captions)
    body_rows = [r for t in document.tables[1:] for r in t.rows[1:]]
    assert body_rows and all(r._tr.xpath("./w:trPr/w:cantSplit") for r in body_rows)
