"""The committee paper's Excel data pack as a board secretary opens it (issue 14, item 7; decision
0171): numbers stored as numbers in formats Excel shows cleanly (no "16." for a whole number),
percentages as %, blank cells where nothing was given, readable sheet names, frozen first column
and header row, a filter over the table and the header printed on every page."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.papers.model import Paper, Section
from gpworkforce.papers.render import paper_xlsx


def _book(*tables: ReportTable) -> openpyxl.Workbook:
    paper = Paper(
        title="General practice workforce: The ICB",
        organisation="The ICB",
        meeting="Board",
        date=dt.date(2017, 10, 25),
        purpose="To test.",
        key_messages=("A message.",),
        recommendations=("NOTE.",),
        sections=(Section(key="s", title="Today", tables=tables),),
    )
    return openpyxl.load_workbook(io.BytesIO(paper_xlsx(paper)))


def _risks() -> ReportTable:
    return ReportTable(
        key="risks",
        title="Reviews of each risk",
        frame=pd.DataFrame(
            {
                "Risk": ["R001", "R002"],
                "Likelihood": [4, 5],
                "Vacancy rate %": [4.25, 12.5],
                "Per 1,000": [0.486, 0.5],
                "Note": ["", "Reviewed at the board"],
            }
        ),
    )


def test_numbers_are_numbers_in_clean_formats_and_percentages_are_percent():
    sheet = _book(_risks())["Reviews of each risk"]
    header = [c.value for c in sheet[3]]
    assert header == ["Risk", "Likelihood", "Vacancy rate %", "Per 1,000", "Note"]
    likelihood, rate, per = sheet["B4"], sheet["C4"], sheet["D4"]
    assert likelihood.data_type == "n" and likelihood.value == 4
    assert likelihood.number_format == "#,##0"  # not "#,##0.##", which Excel shows as "4."
    assert rate.data_type == "n" and rate.value == 0.0425 and rate.number_format == "0.0%"
    assert sheet["C5"].value == 0.125
    assert per.value == 0.486 and per.number_format == "#,##0.0##"
    assert sheet["E4"].value is None  # nothing given: a blank cell, not an empty string
    assert sheet["E5"].value == "Reviewed at the board"


def test_a_percentage_keeps_the_decimals_the_paper_prints():
    table = ReportTable(
        key="share",
        title="Share",
        frame=pd.DataFrame({"Area": ["A"], "% WTE aged 55+": [26.04]}),
        decimals={"% WTE aged 55+": 2},
    )
    cell = _book(table)["Share"]["B4"]
    assert cell.value == 0.2604 and cell.number_format == "0.00%"


def test_frozen_first_column_filter_and_print_titles():
    sheet = _book(_risks())["Reviews of each risk"]
    assert sheet.freeze_panes == "B4"
    assert sheet.auto_filter.ref == "A3:E5"
    assert sheet.print_title_rows == "$3:$3"


def test_sheet_names_are_cut_at_a_word_without_doubled_spaces():
    long = ReportTable(
        key="mix",
        title="Skill mix: current staff, the optimum for task demand, and after demographic change",
        frame=pd.DataFrame({"Skill level": ["Core"], "WTE": [1.0]}),
    )
    scenario = ReportTable(
        key="years",
        title="Scenario 2: International recruitment and improved retention: GP WTE at each date",
        frame=pd.DataFrame({"Date": [dt.date(2018, 9, 30)], "WTE": [570.7]}),
    )
    again = ReportTable(key="years2", title=scenario.title, frame=scenario.frame)
    names = _book(long, scenario, again).sheetnames[2:]
    assert names == [
        "Skill mix - current staff, the",
        "Scenario 2 - International",
        "Scenario 2 - International (2)",
    ]
    assert all(len(n) <= 31 and "  " not in n for n in names)


def test_risk_movements_are_counted_in_words():
    from gpworkforce.papers.build import _moves

    assert _moves(0, 0) == "none went up or down"
    assert _moves(2, 0) == "2 went up and none down"
    assert _moves(0, 1) == "none went up and 1 down"
    assert _moves(3, 4) == "3 went up and 4 down"


def test_missing_values_of_every_kind_are_blank_cells():
    table = ReportTable(
        key="na",
        title="Missing",
        frame=pd.DataFrame(
            {
                "Area": ["A", "B", "C"],
                "WTE": pd.array([1.5, pd.NA, 2.0], dtype="Float64"),
                "Note": ["", None, "x"],
            }
        ),
    )
    sheet = _book(table)["Missing"]
    assert [sheet[f"B{r}"].value for r in (4, 5, 6)] == [1.5, None, 2.0]
    assert [sheet[f"C{r}"].value for r in (4, 5, 6)] == [None, None, "x"]


def test_a_percentage_written_among_words_is_stored_as_a_number():
    table = ReportTable(
        key="chance",
        title="Scenarios",
        frame=pd.DataFrame(
            {
                "Scenario": ["One", "Two", "Three"],
                "Chance of meeting the target": ["20%", "not estimated", "7.5%"],
            }
        ),
    )
    sheet = _book(table)["Scenarios"]
    assert sheet["B4"].data_type == "n" and sheet["B4"].value == 0.2
    assert sheet["B4"].number_format == "0%"
    assert sheet["B5"].value == "not estimated"
    assert sheet["B6"].value == 0.075 and sheet["B6"].number_format == "0.0%"
