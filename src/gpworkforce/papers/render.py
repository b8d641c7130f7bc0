"""A :class:`~gpworkforce.papers.model.Paper` as PDF (WeasyPrint), Word (python-docx) and an
Excel data pack (XlsxWriter). Renderers lay out and never compute; each output is byte-identical
for the same paper (fixed dates inside the files and the zip archives)."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import jinja2
import pandas as pd
from markupsafe import Markup

from gpworkforce import __version__
from gpworkforce.domain.report import ReportTable
from gpworkforce.exports import is_missing, neutralise
from gpworkforce.papers.model import Paper, Section
from gpworkforce.reports.formatting import format_value, is_numeric_column
from gpworkforce.reports.model import ReportChart
from gpworkforce.reports.svg import chart_svg, svg_png, vegalite_svg

__all__ = ["footer_html", "paper_docx", "paper_html", "paper_xlsx"]

FIXED = dt.datetime(2000, 1, 1)  # the date written inside files, so outputs are reproducible
PNG_FONT = "DejaVu Sans"  # installed with the project's Debian fonts; Arial is not


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def printed_value(value: Any, decimals: int | None = None) -> str:
    """A table cell as the paper prints it: a date as people write it ("31 Oct 2017"), any other
    value as :func:`format_value` writes it (the Excel pack keeps real dates)."""
    if not is_missing(value) and isinstance(value, pd.Timestamp | dt.date):
        stamp = pd.Timestamp(value)
        if stamp == stamp.normalize():
            return f"{stamp.day} {stamp:%b %Y}"
    return format_value(value, decimals)


def printed_rows(frame: pd.DataFrame, decimals: dict[str, int]) -> list[list[str]]:
    """Every row of ``frame`` as the paper prints it (PDF and Word)."""
    places = [decimals.get(str(c)) for c in frame.columns]
    return [
        [printed_value(v, d) for v, d in zip(row, places, strict=True)]
        for row in frame.itertuples(index=False, name=None)
    ]


# --- HTML / PDF ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Head:
    label: str
    numeric: bool


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool


# A table of more columns than this prints in a smaller type, so it fits the width of A4
WIDE_COLUMNS = 8


@dataclass(frozen=True)
class _Table:
    title: str
    header: tuple[_Head, ...]
    rows: tuple[tuple[_Cell, ...], ...]
    notes: tuple[str, ...]

    @property
    def wide(self) -> bool:
        return len(self.header) > WIDE_COLUMNS


@dataclass(frozen=True)
class _Chart:
    src: str  # the SVG as a data: URL (an image, not inline markup: parsed and styled once)
    description: str


def _table(t: ReportTable) -> _Table:
    numeric = [is_numeric_column(t.frame, c) for c in t.frame.columns]
    rows = printed_rows(t.frame, dict(t.decimals))
    return _Table(
        title=t.title,
        header=tuple(_Head(str(c), n) for c, n in zip(t.frame.columns, numeric, strict=True)),
        rows=tuple(tuple(_Cell(x, n) for x, n in zip(r, numeric, strict=True)) for r in rows),
        notes=t.notes,
    )


@dataclass(frozen=True)
class _Section:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    figures: tuple[Any, ...]
    tables: tuple[_Table, ...]
    charts: tuple[_Chart, ...]


def paper_chart(chart: ReportChart) -> ReportChart:
    """The chart as the paper draws it: in a font that is installed (DejaVu Sans), so the one
    drawing serves the PDF (SVG) and Word (PNG from that SVG)."""
    spec = copy.deepcopy(dict(chart.spec))
    config = dict(spec.get("config", {}))
    config["font"] = PNG_FONT
    spec["config"] = config
    return replace(chart, spec=spec)


def _section(s: Section) -> _Section:
    return _Section(
        s.key,
        s.title,
        s.paragraphs,
        s.figures,
        tuple(_table(t) for t in s.tables),
        tuple(_Chart(_svg_url(chart_svg(paper_chart(c))), c.description) for c in s.charts),
    )


def _svg_url(svg: str) -> str:
    """The SVG as an image URL: WeasyPrint draws it as vector graphics like inline SVG, but its
    elements stay out of the HTML tree the stylesheet is matched against (less layout work)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gpworkforce.papers", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> str:
    return resources.files("gpworkforce.papers").joinpath("templates/paper.css").read_text("utf-8")


def paper_html(
    paper: Paper,
    *,
    front: bool = True,
    appendices: Sequence[Section] | None = None,
    footers: bool = True,
) -> str:
    """The paper as one HTML document, or a part of it for :mod:`gpworkforce.papers.pdf`: without
    ``front`` no cover, summary or sections; ``appendices`` the appendices printed (default all);
    without ``footers`` no page footers (the parts' footers are laid out separately, once the
    pages of every part are known). Every section starts a page, so the parts' pages are the
    whole paper's."""
    return (
        _environment()
        .get_template("paper.html.j2")
        .render(
            paper=paper,
            css=Markup(_css()),  # noqa: S704 - our own packaged stylesheet
            date=_date(paper.date),
            front=front,
            footers=footers,
            sections=[_section(s) for s in paper.sections] if front else [],
            appendices=[
                _section(s) for s in (paper.appendices if appendices is None else appendices)
            ],
        )
    )


def footer_html(paper: Paper, pages: int) -> str:
    """``pages`` empty pages with the paper's page footers (its title, "Page n of N"; none on the
    cover), by the paper's own stylesheet: laid over the pages of the parts joined."""
    return (
        _environment()
        .get_template("paper-footers.html.j2")
        .render(css=Markup(_css()), title=paper.title, pages=pages)  # noqa: S704 - our stylesheet
    )


# --- Word ---------------------------------------------------------------------------------------


def chart_png(chart: ReportChart, scale: float = 2.0) -> bytes:
    """The chart as PNG for Word: the PDF's SVG drawing (cached by content) converted to PNG."""
    return svg_png(vegalite_svg(dict(paper_chart(chart).spec)), scale=scale)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_table_xml(t: ReportTable) -> str:
    """A table as WordprocessingML, written in one piece: python-docx's cell-by-cell API walks the
    whole table for every row and cell (most of a long paper's Word time), the XML is the same."""
    numeric = [is_numeric_column(t.frame, c) for c in t.frame.columns]
    rows = printed_rows(t.frame, dict(t.decimals))
    # 8.5 pt = 17 half-points; widths shared equally across the text width (170 mm = 9638 twips)
    width = 9638 // max(len(numeric), 1)

    def cell(text: str, num: bool, bold: bool) -> str:
        jc = '<w:pPr><w:jc w:val="right"/></w:pPr>' if num else ""
        rpr = "<w:rPr>" + ("<w:b/>" if bold else "") + '<w:sz w:val="17"/></w:rPr>'
        body = f'<w:r>{rpr}<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>' if text else ""
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>{jc}{body}</w:p></w:tc>'

    head = "".join(
        cell(str(name), num, True) for name, num in zip(t.frame.columns, numeric, strict=True)
    )
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"  # a row is not broken across two pages
        + "".join(cell(x, num, False) for x, num in zip(r, numeric, strict=True))
        + "</w:tr>"
        for r in rows
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in numeric)
    return (
        f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>{body}</w:tbl>"
    )


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated :data:`FIXED`, in the same order (reproducible)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def paper_docx(paper: Paper) -> bytes:
    """An editable Word document with the same content as the PDF (charts as images)."""
    import docx
    from docx.oxml import parse_xml
    from docx.shared import Mm, Pt, RGBColor

    doc = docx.Document()
    props = doc.core_properties
    props.title = paper.title
    props.author = paper.author or paper.organisation
    props.created = props.modified = FIXED
    props.last_modified_by = "gpworkforce"
    props.revision = 1
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(18))
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    blue = RGBColor(0x00, 0x30, 0x87)

    p = doc.add_paragraph(paper.organisation)
    p.runs[0].bold = True
    p.runs[0].font.color.rgb = RGBColor(0x00, 0x5E, 0xB8)
    doc.add_heading(paper.title, level=0)
    meta = doc.add_table(rows=0, cols=2)
    for label, value in (
        ("Meeting", paper.meeting),
        ("Date", _date(paper.date)),
        ("Author", paper.author),
        ("Prepared with", f"gpworkforce {paper.version or __version__}"),
    ):
        if value:
            cells = meta.add_row().cells
            cells[0].text, cells[1].text = label, value
            cells[0].paragraphs[0].runs[0].bold = True
    p = doc.add_paragraph()
    p.add_run("Purpose: ").bold = True
    p.add_run(paper.purpose)
    doc.add_page_break()

    doc.add_heading("Executive summary", level=1)
    doc.add_heading("Key messages", level=2)
    for m in paper.key_messages:
        doc.add_paragraph(m, style="List Bullet")
    doc.add_heading("Recommendations", level=2)
    for r in paper.recommendations:
        doc.add_paragraph(r, style="List Bullet")
    for n in paper.notes:
        doc.add_paragraph(n).runs[0].italic = True

    def add_table(t: ReportTable) -> None:
        # Word's caption (the PDF's <caption>): listed by "Insert Table of Figures", and kept on
        # the page of the table's first rows rather than left alone at the foot of a page
        cap = doc.add_paragraph(t.title, style="Caption")
        cap.runs[0].bold = True
        cap.paragraph_format.keep_with_next = True
        if len(t.frame.columns):
            # before the closing section properties, where python-docx's add_table puts it
            doc.element.body._insert_tbl(parse_xml(_docx_table_xml(t)))
        if t.notes:
            note = doc.add_paragraph(" ".join(t.notes))
            note.runs[0].font.size = Pt(8)

    for i, s in enumerate(paper.sections, start=1):
        doc.add_page_break()
        h = doc.add_heading(f"{i}. {s.title}", level=1)
        h.runs[0].font.color.rgb = blue
        if s.figures:
            grid = doc.add_table(rows=1, cols=len(s.figures))
            grid.style = "Table Grid"
            for cell, f in zip(grid.rows[0].cells, s.figures, strict=True):
                cell.text = f.label
                cell.paragraphs[0].runs[0].font.size = Pt(8)
                value = cell.add_paragraph().add_run(f.value)
                value.bold, value.font.size = True, Pt(13)
                if f.context:
                    cell.add_paragraph(f.context).runs[0].font.size = Pt(8)
        for para in s.paragraphs:
            doc.add_paragraph(para)
        for t in s.tables:
            add_table(t)
        for c in s.charts:
            doc.add_picture(io.BytesIO(chart_png(c)), width=Mm(170))
            cap = doc.add_paragraph(c.description)
            cap.runs[0].font.size = Pt(8)
    for s in paper.appendices:
        doc.add_page_break()
        doc.add_heading(s.title, level=1)
        for para in s.paragraphs:
            doc.add_paragraph(para)
        for t in s.tables:
            add_table(t)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


# --- Excel data pack ----------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# a cell that is only a percentage ("20%", "7.5%"), in a column that also holds words ("not
# estimated"): stored as the number it is, shown as a percentage
_PERCENT_TEXT = re.compile(r"(\d+(?:\.(\d+))?)%")


def _sheet_name(title: str, used: set[str]) -> str:
    """A sheet's name from its table's title: Excel's forbidden characters out (a colon becomes a
    dash), single spaces, cut at a word within Excel's 31 characters, unique in the book."""
    clean = " ".join(_SHEET_BAD.sub(" ", title.replace(":", " -")).split())
    base = _words_within(clean, 31) or "Table"
    name, n = base, 2
    while name.lower() in used:
        name = f"{_words_within(base, 26)} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _words_within(text: str, limit: int) -> str:
    """``text`` cut after its last whole word within ``limit`` characters (a single word longer
    than that is cut), without a dangling dash or comma."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" -,;")


def percent_column(name: object) -> bool:
    """A column of percentages by its header ("Vacancy rate %", "% WTE aged 55+"): the pack
    stores them as fractions shown as % (5.7% is 0.057), not as 5.7 with a % in the header."""
    label = str(name)
    return label.endswith(" %") or label.startswith("% ")


def _number_format(frame: pd.DataFrame, col: object, decimals: int | None) -> str:
    """Excel's format of a numeric column: its decimals as the paper prints them; whole numbers
    without a decimal point (Excel shows "16." for "#,##0.##"); percentages as %."""
    if percent_column(col):
        places = 1 if decimals is None else decimals
        return "0" + ("." + "0" * places if places else "") + "%"
    if decimals is not None:
        return "#,##0" + ("." + "0" * decimals if decimals else "")
    values = pd.to_numeric(frame[col], errors="coerce").dropna()
    return "#,##0" if (values == values.round()).all() else "#,##0.0##"


def paper_xlsx(paper: Paper) -> bytes:
    """Cover and notes sheets, then one sheet per table: human headers, frozen first column and
    header row, filters, number formats, print titles, landscape A4 fitted to width."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {"title": paper.title, "author": paper.author or paper.organisation, "created": FIXED}
    )
    bold = book.add_format({"bold": True})
    title_fmt = book.add_format({"bold": True, "font_size": 16, "font_color": "#003087"})
    head = book.add_format({"bold": True, "bottom": 2, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = book.add_format({"num_format": "d mmm yyyy"})

    cover = book.add_worksheet("Cover")
    cover.set_column(0, 0, 22)
    cover.set_column(1, 1, 100)
    cover.write(0, 0, neutralise(paper.title), title_fmt)
    rows = [
        ("Organisation", paper.organisation),
        ("Meeting", paper.meeting),
        ("Date", _date(paper.date)),
        ("Purpose", paper.purpose),
    ]
    for r, (k, v) in enumerate(rows, start=2):
        cover.write(r, 0, k, bold)
        cover.write(r, 1, neutralise(v), wrap)
    r = len(rows) + 3
    cover.write(r, 0, "Key messages", bold)
    for m in paper.key_messages:
        cover.write(r, 1, neutralise(m), wrap)
        r += 1
    r += 1
    cover.write(r, 0, "Sheets", bold)
    used = {"cover", "notes"}
    names = []
    for s, t in paper.pack_tables:
        names.append((s, t, _sheet_name(t.title, used)))
    for s, t, name in names:
        cover.write(r, 1, f"{name}: {t.title} (section: {s.title})", wrap)
        r += 1

    notes = book.add_worksheet("Notes")
    notes.set_column(0, 0, 120)
    lines = ["A blank cell means not available (no figure was given); it is not zero."]
    for s in paper.appendices:
        lines.append(s.title)
        lines.extend(s.paragraphs)
    for _s, t, name in names:
        if t.notes:
            lines.append(f"{name}: " + " ".join(t.notes))
    for i, line in enumerate(lines):
        notes.write(i, 0, neutralise(line), wrap)

    for _s, t, name in names:
        sheet = book.add_worksheet(name)
        frame = t.frame
        sheet.write(0, 0, neutralise(t.title), bold)
        header_row = 2
        fmts = {}
        for c, col in enumerate(frame.columns):
            sheet.write(header_row, c, neutralise(str(col)), head)
            d = dict(t.decimals).get(str(col))
            if is_numeric_column(frame, col):
                fmts[c] = book.add_format({"num_format": _number_format(frame, col, d)})
            width = max([len(str(col)) * 0.9] + [len(str(v)) for v in frame[col].head(200)])
            sheet.set_column(c, c, min(max(10, width + 2), 60))
        percent = {c for c in fmts if percent_column(frame.columns[c])}
        percent_text = {}  # decimals -> the format of a percentage written as text
        for r_i, row in enumerate(frame.itertuples(index=False, name=None), start=header_row + 1):
            for c, value in enumerate(row):
                if value is None or (value == "" if isinstance(value, str) else pd.isna(value)):
                    continue  # a blank cell: not available (the Notes sheet says so)
                if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
                    sheet.write_datetime(r_i, c, pd.Timestamp(value).to_pydatetime(), date_fmt)
                elif isinstance(value, bool):
                    sheet.write_boolean(r_i, c, value)
                elif (isinstance(value, int | float) and not isinstance(value, bool)) or hasattr(
                    value, "item"
                ):
                    number = float(value) / 100 if c in percent else float(value)
                    sheet.write_number(r_i, c, number, fmts.get(c))
                elif isinstance(value, str) and (m := _PERCENT_TEXT.fullmatch(value.strip())):
                    places = len(m.group(2) or "")
                    if places not in percent_text:
                        fmt = "0" + ("." + "0" * places if places else "") + "%"
                        percent_text[places] = book.add_format({"num_format": fmt})
                    sheet.write_number(r_i, c, float(m.group(1)) / 100, percent_text[places])
                else:
                    sheet.write_string(r_i, c, neutralise(str(value)))
        last = header_row + len(frame)
        sheet.freeze_panes(header_row + 1, 1)
        if len(frame.columns):
            sheet.autofilter(header_row, 0, max(last, header_row), len(frame.columns) - 1)
        sheet.repeat_rows(header_row)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.set_footer("&L" + neutralise(paper.title).replace("&", "&&") + "&RPage &P of &N")
    book.close()
    return buf.getvalue()
