"""The committee paper prints table dates as people write them ("31 Oct 2017"), in the PDF's HTML
and in Word; the Excel data pack keeps them as real dates (issue 14, item 7)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.papers.model import Paper, Section
from gpworkforce.papers.render import paper_docx, paper_html, paper_xlsx

DAYS = (dt.date(2017, 10, 31), dt.date(2018, 3, 1))


def _paper() -> Paper:
    table = ReportTable(
        key="milestones",
        title="Milestones",
        frame=pd.DataFrame(
            {
                "Milestone": ["Recruit", "Retain"],
                "Due": list(DAYS),
                "Reviewed": [pd.Timestamp(2018, 1, 5), pd.NaT],
                "WTE": [1.5, 2.0],
            }
        ),
        decimals={"WTE": 1},
    )
    return Paper(
        title="General practice workforce: The ICB",
        organisation="The ICB",
        meeting="Board",
        date=dt.date(2017, 10, 25),
        purpose="To test.",
        key_messages=("A message.",),
        recommendations=("NOTE.",),
        sections=(Section(key="delivery", title="Delivery", tables=(table,)),),
    )


def _written(d: dt.date) -> str:
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{d.day} {months[d.month - 1]} {d.year}"


def test_printed_tables_write_dates_as_people_do_and_the_pack_keeps_real_dates() -> None:
    paper = _paper()
    html = paper_html(paper)
    with zipfile.ZipFile(io.BytesIO(paper_docx(paper))) as z:
        word = z.read("word/document.xml").decode()
    for text in (html, word):
        for d in (*DAYS, dt.date(2018, 1, 5)):
            assert f">{_written(d)}<" in text
            assert d.isoformat() not in text
    assert ">31 Oct 2017<" in html  # the brief's own example, spelt out
    book = openpyxl.load_workbook(io.BytesIO(paper_xlsx(paper)))
    sheet = book[book.sheetnames[-1]]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert dt.datetime(2017, 10, 31) in values and dt.datetime(2018, 3, 1) in values
    # the same inputs give the same bytes
    assert paper_docx(paper) == paper_docx(_paper()) and paper_xlsx(paper) == paper_xlsx(_paper())
