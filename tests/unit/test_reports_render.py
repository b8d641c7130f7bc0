"""Unit tests of the report renderers: model, formatting, charts, SVG, HTML, PDF, text, output."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gpworkforce import __version__
from gpworkforce.domain.report import ReportTable
from gpworkforce.reports import OutputFormat, Report, ReportChart, report_bytes, write_report
from gpworkforce.reports import charts as ch
from gpworkforce.reports.formatting import NA_TEXT, format_value
from gpworkforce.reports.html import render_html
from gpworkforce.reports.svg import chart_svg
from gpworkforce.reports.text import render_text


def _staff() -> ReportTable:
    frame = pd.DataFrame(
        {
            "Area": ["East <Leics>", "Leicester City", "LLR"],
            "GP WTE": pd.Series([176.04, 174.0, pd.NA], dtype="Float64"),
            "Headcount": pd.Series([255, 240, 1234], dtype="Int64"),
        }
    )
    return ReportTable(
        "staff",
        "Staff by group",
        frame,
        notes=("Registrars excluded.",),
        sources=("NHS Digital GPW Sep 2017",),
        decimals={"GP WTE": 1},
    )


def _per_1000() -> ReportTable:
    frame = pd.DataFrame({"Area": ["03W", "04C"], "GP WTE per 1,000": [0.53, 0.44]})
    return ReportTable("per_1000", "Per 1,000 patients", frame, decimals={"GP WTE per 1,000": 2})


def _chart(after: str | None = "staff") -> ReportChart:
    return ch.grouped_bars(
        _staff().frame,
        key="wte",
        title="GP WTE by area",
        category="Area",
        series={"GP WTE": "GPs"},
        value_title="WTE",
        description="GP WTE per area.",
        after_table=after,
    )


def _report(**kw: object) -> Report:
    args: dict[str, object] = {
        "title": "Baseline: LLR",
        "tables": (_staff(), _per_1000()),
        "charts": (_chart(),),
        "subtitle": "30 September 2017",
        "statements": ("GP FTE is real (NHS Digital).", "Nurses are synthetic."),
        "generated": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
    }
    args.update(kw)
    return Report(**args)  # type: ignore[arg-type]


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5678, 1, "1,234.6"),
        (1234.0, None, "1,234"),
        (0.4641, None, "0.4641"),
        (0.46, 2, "0.46"),
        (12, 2, "12"),
        (pd.NA, 1, NA_TEXT),
        (float("nan"), None, NA_TEXT),
        (None, None, NA_TEXT),
        (True, None, "yes"),
        # dates as people write them, never ISO (issue 14)
        (pd.Timestamp("2017-09-30"), None, "30 September 2017"),
        (dt.date(2017, 9, 30), None, "30 September 2017"),
        (dt.date(2019, 4, 1), None, "1 April 2019"),
        (pd.Timestamp("2017-10-01 09:05"), None, "1 October 2017 09:05"),
        ("03W", None, "03W"),
        (float("inf"), None, "∞"),
    ],
)
def test_format_value(value: object, decimals: int | None, text: str) -> None:
    assert format_value(value, decimals) == text


# --- model -----------------------------------------------------------------------------------


def test_report_rejects_duplicate_tables_and_unknown_chart_anchor() -> None:
    with pytest.raises(ValueError, match="unique"):
        _report(tables=(_staff(), _staff()))
    with pytest.raises(ValueError, match="unknown tables"):
        _report(charts=(_chart(after="nope"),))


def test_chart_needs_description() -> None:
    with pytest.raises(ValueError, match="description"):
        ReportChart("c", "C", {}, " ")


def test_chart_spec_is_read_only() -> None:
    chart = _chart()
    with pytest.raises(TypeError):
        chart.spec["mark"] = "line"  # type: ignore[index]


# --- charts ----------------------------------------------------------------------------------


def _values(chart: ReportChart) -> list[dict[str, object]]:
    datasets = chart.spec["datasets"]
    return [row for rows in datasets.values() for row in rows]


def test_grouped_bars_drop_na_and_say_so() -> None:
    chart = _chart()
    values = [r["value"] for r in _values(chart) if "series" in r]
    assert values == [176.04, 174.0]
    assert "1 value not available, not drawn" in chart.description
    assert chart.spec["description"] == chart.description


def test_target_line_is_in_the_spec() -> None:
    chart = ch.bars_against_target(
        _per_1000().frame,
        key="p",
        title="GP WTE per 1,000",
        category="Area",
        value="GP WTE per 1,000",
        target=0.58,
        value_title="WTE per 1,000",
        description="Against 0.58.",
    )
    assert {"target": 0.58, "label": "Target 0.58"} in _values(chart)
    assert [layer["mark"]["type"] for layer in chart.spec["layer"]] == ["bar", "rule", "text"]


def test_pyramid_puts_left_sex_negative() -> None:
    frame = pd.DataFrame(
        {"age": ["<30", "<30", "55+"], "sex": ["F", "M", "F"], "hc": [10.0, 4.0, pd.NA]}
    )
    chart = ch.age_sex_pyramid(
        frame,
        key="pyr",
        title="Age",
        age="age",
        sex="sex",
        value="hc",
        value_title="Headcount",
        description="Pyramid.",
    )
    signed = {(r["sex"], r["age"]): r["signed"] for r in _values(chart)}
    assert signed == {("F", "<30"): -10.0, ("M", "<30"): 4.0}
    assert chart.spec["encoding"]["x"]["scale"]["domain"] == [-10.0, 10.0]  # zero centred
    assert "1 value not available" in chart.description


def test_time_series_and_stacked_bars_build() -> None:
    frame = pd.DataFrame(
        {"period": pd.to_datetime(["2015-09-30", "2016-09-30"]), "GP": [563.0, 565.0]}
    )
    line = ch.time_series(
        frame,
        key="ts",
        title="GP WTE",
        period="period",
        series={"GP": "GP WTE"},
        value_title="WTE",
        description="Sep to Sep.",
    )
    assert line.spec["mark"]["type"] == "line"
    assert [
        r["Date"] for r in _values(line)
    ]  # the field is named for people == ["2015-09-30", "2016-09-30"]
    stacked = ch.stacked_bars(
        _staff().frame,
        key="st",
        title="Stacked",
        category="Area",
        series={"GP WTE": "GPs", "Headcount": "People"},
        value_title="n",
        description="d",
    )
    assert stacked.spec["encoding"]["x"]["stack"] == "zero"


# --- SVG and HTML ----------------------------------------------------------------------------


def test_chart_svg_is_accessible_image() -> None:
    svg = chart_svg(_chart())
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    # the accessible name is the chart's finding (its title); the label is drawn under it
    assert _chart().title == "East <Leics> has the most WTE: 176.0"  # escaped as it goes in
    assert '<title id="chart-wte-title">East &lt;Leics&gt; has the most WTE: 176.0</title>' in svg
    assert ">GP WTE by area</text>" in svg
    assert "GP WTE per area." in svg
    assert svg.rstrip().endswith("</svg>")


def test_html_has_tables_charts_statements_and_no_external_assets() -> None:
    html = render_html(_report())
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert html.count("<table>") == 2
    assert ">Staff by group</caption>" in html
    assert "East &lt;Leics&gt;" in html  # escaped
    assert ">176.0<" in html and ">1,234<" in html
    assert '<abbr title="not available">n/a</abbr>' in html
    assert html.count("<svg") == 1
    assert "GP FTE is real (NHS Digital)." in html and "Nurses are synthetic." in html
    assert "Registrars excluded." in html and "NHS Digital GPW Sep 2017" in html
    assert f"gpworkforce {__version__}" in html
    assert "2 January 2026" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    # chart placed after its table, before the next table
    assert html.index("<svg") < html.index('id="table-per_1000"')


def test_html_loose_charts_get_a_section() -> None:
    html = render_html(_report(charts=(_chart(after=None),)))
    assert 'id="charts"' in html
    assert html.index('id="table-per_1000"') < html.index("<svg")


def test_pdf_bytes() -> None:
    pdf = report_bytes(_report(), OutputFormat.PDF)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 5000


def test_text_output_aligns_and_marks_na() -> None:
    text = render_text([_staff()])
    lines = text.splitlines()
    assert lines[0] == "Staff by group"
    assert lines[2].split() == ["Area", "GP", "WTE", "Headcount"]
    assert lines[4].startswith("East <Leics>")
    assert lines[4].endswith("176.0        255")
    assert lines[6].split()[-2:] == [NA_TEXT, "1,234"]
    assert "Note: Registrars excluded." in text
    assert text.rstrip().endswith("it is not zero.")


# --- output ----------------------------------------------------------------------------------


def test_write_xlsx_one_sheet_per_table(tmp_path: Path) -> None:
    [path] = write_report(_report(), OutputFormat.XLSX, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["staff", "per_1000"]
    assert book["per_1000"]["B4"].value == 0.53


def test_write_csv_directory_and_single_file(tmp_path: Path) -> None:
    paths = write_report(_report(), OutputFormat.CSV, tmp_path / "csv")
    assert [p.name for p in paths] == ["staff.csv", "per_1000.csv", "README.txt"]
    single = write_report(
        _report(tables=(_staff(),), charts=()), OutputFormat.CSV, tmp_path / "s.csv"
    )
    assert [p.name for p in single] == ["s.csv", "s.README.txt"]
    assert pd.read_csv(single[0])["Headcount"].tolist() == [255, 240, 1234]


def test_csv_bytes_need_one_table() -> None:
    with pytest.raises(ValueError, match="one table"):
        report_bytes(_report(), OutputFormat.CSV)
    one = report_bytes(_report(tables=(_per_1000(),), charts=()), OutputFormat.CSV)
    assert pd.read_csv(io.BytesIO(one)).shape == (2, 2)


def test_html_and_table_files(tmp_path: Path) -> None:
    [html] = write_report(_report(), OutputFormat.HTML, tmp_path / "r.html")
    [txt] = write_report(_report(), OutputFormat.TABLE, tmp_path / "r.txt")
    assert "<svg" in html.read_text()
    assert "Per 1,000 patients" in txt.read_text()


@pytest.mark.parametrize(
    ("numeric", "max_columns", "groups"),
    [
        ([False, True, True, True], None, [[0, 1, 2, 3]]),
        ([False, True, True, True], 3, [[0, 1, 2, 3]]),
        ([False, False, True, True, True], 2, [[0, 1, 2, 3], [0, 1, 4]]),
        ([True, True, True], 2, [[0, 1], [2]]),
        ([False, False, False, False, True], 1, [[0, 1, 2, 3], [0, 1, 2, 4]]),
    ],
)
def test_column_groups_repeat_leading_text_columns(
    numeric: list[bool], max_columns: int | None, groups: list[list[int]]
) -> None:
    from gpworkforce.reports.html import column_groups

    assert column_groups(numeric, max_columns) == groups


def test_print_html_splits_wide_tables_into_parts() -> None:
    html = render_html(_report(charts=()), max_columns=1)
    assert ">Staff by group (part 1 of 2)</caption>" in html
    assert ">Staff by group (part 2 of 2)</caption>" in html
    assert html.count("<table>") == 3  # staff in two parts, per 1,000 (one number column) whole
    assert html.count('<th scope="row">East &lt;Leics&gt;</th>') == 2  # key column repeated


def test_text_splits_wide_tables_to_fit_the_width() -> None:
    frame = pd.DataFrame(
        {"Area": ["East", "City"]} | {f"Measure {i} WTE": [1.5, 2.5] for i in range(12)}
    )
    text = render_text([ReportTable("wide", "Wide", frame, decimals={})], width=60)
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines)
    parts = [line for line in lines if line.startswith("(part ")]
    assert len(parts) >= 2 and parts[-1].endswith(f"of {len(parts)})")
    assert sum(line.startswith("East") for line in lines) == len(parts)  # key column repeated
    for i in range(12):
        assert sum(f"Measure {i} WTE" in line for line in lines) == 1  # each printed once


def test_a_series_of_iso_dates_kept_as_text_is_labelled_as_people_write_months() -> None:
    """Issue 14: the GPW series' periods are ISO text; the chart labels them "Sep 2015" (in
    their order), never "2015-09-30" nor a month the figure is not for ("Oct 2015")."""
    frame = pd.DataFrame({"Period": ["2015-09-30", "2016-09-30"], "GP WTE": [497.0, 546.7]})
    line = ch.time_series(
        frame,
        key="ts",
        title="GP WTE",
        period="Period",
        series={"GP WTE": "GPs"},
        value_title="WTE",
        description="Sep to Sep.",
    )
    assert [r["Period"] for r in _values(line) if "value" in r] == ["Sep 2015", "Sep 2016"]
    assert "2015-09-30" not in chart_svg(line)
