"""Decision 0097: a long area table prints its total and the ten rows that matter most; the whole
table goes to the Excel data pack only (issue 14, item 7)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.papers.build import PRINT_ROWS, SHOWN_ROWS, printed
from gpworkforce.papers.model import Paper, Section
from gpworkforce.papers.render import paper_html, paper_xlsx


def _tables(n: int) -> tuple[ReportTable, ReportTable]:
    names = [f"Practice {i:03d}" for i in range(n)] + ["The ICB"]
    # shortfall i * 7 mod n: a permutation, so the largest ten are known without sorting here
    gaps = [float((i * 7) % n) for i in range(n)] + [float(sum(range(n)))]
    source = ReportTable(
        key="target_gap",
        title="GP WTE against the target",
        frame=pd.DataFrame(
            {"org_name": names, "row": ["child"] * n + ["total"], "Gap (WTE)": gaps}
        ),
    )
    board = ReportTable(
        key="target_gap",
        title="GP WTE against the target",
        frame=pd.DataFrame({"Organisation": names, "Shortfall (WTE)": gaps}),
        notes=("Shortfall = needed - in post.",),
    )
    return source, board


def test_a_short_table_prints_whole():
    source, board = _tables(PRINT_ROWS - 1)
    short, whole = printed(
        source, board, "Shortfall (WTE)", "furthest below", ("practice", "practices")
    )
    assert short is board and whole is None


def test_a_long_table_prints_the_largest_ten_and_the_total_and_keeps_all_rows_for_the_pack():
    source, board = _tables(141)
    short, whole = printed(
        source, board, "Shortfall (WTE)", "furthest below the target", ("practice", "practices")
    )
    frame = short.frame
    assert len(frame) == SHOWN_ROWS + 1
    # the ten largest shortfalls of 0..140 are 140 down to 131, then the total row last
    assert list(frame["Shortfall (WTE)"][:SHOWN_ROWS]) == [float(v) for v in range(140, 130, -1)]
    assert frame["Organisation"].iloc[-1] == "The ICB"
    assert short.title == "GP WTE against the target: the 10 practices furthest below the target"
    assert short.notes[0].startswith("All 141 practices are in the Excel data pack")
    assert whole is not None and len(whole.frame) == 142 and whole.key == "target_gap_all"

    paper = Paper(
        title="General practice workforce: The ICB",
        organisation="The ICB",
        meeting="Board",
        date=dt.date(2017, 10, 25),
        purpose="To test.",
        key_messages=("A message.",),
        recommendations=("NOTE.",),
        sections=(Section(key="baseline", title="Today", tables=(short,), data_tables=(whole,)),),
    )
    html = paper_html(paper)
    assert "Practice 140" in html and "Practice 005" not in html  # 5 * 7 = 35: not in the top ten
    book = openpyxl.load_workbook(io.BytesIO(paper_xlsx(paper)))
    assert len(book.sheetnames) == 4  # cover, notes, the printed table, the whole table
    sheet = book[book.sheetnames[-1]]
    names = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(names) == 142 and "Practice 005" in names
