"""Unit tests of gpworkforce.exports: CSV/XLSX writers (formula safety, NA, formats, atomicity)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from gpworkforce import exports
from gpworkforce.domain.report import ReportTable


def _table(key: str = "staff", **kw: object) -> ReportTable:
    frame = pd.DataFrame(
        {
            "area": pd.Series(["03W", '=HYPERLINK("x")', " @SUM(A1)", None], dtype="string"),
            "wte": pd.Series([177.44, 153.9, pd.NA, 0.0], dtype="Float64"),
            "headcount": pd.Series([10, 20, 30, 40], dtype="Int64"),
        }
    )
    defaults: dict[str, object] = {
        "title": "GP WTE by CCG",
        "frame": frame,
        "notes": ("Qualified GPs only.", "-minus note"),
        "sources": ("NHS Digital GPW, Sep 2017",),
        "decimals": {"wte": 1},
    }
    defaults.update(kw)
    return ReportTable(key=key, **defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 116", "'+44 116"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("  =1", "'  =1"),
        ("\n=1", "'\n=1"),
        ("03W", "03W"),
        ("a=b", "a=b"),
        ("", ""),
        ("  plain", "  plain"),
    ],
)
def test_neutralise(text: str, safe: str) -> None:
    assert exports.neutralise(text) == safe


def test_is_missing() -> None:
    assert exports.is_missing(None)
    assert exports.is_missing(pd.NA)
    assert exports.is_missing(float("nan"))
    assert exports.is_missing(np.float32("nan"))
    assert exports.is_missing(pd.NaT)
    assert not exports.is_missing(0)
    assert not exports.is_missing(0.0)
    assert not exports.is_missing("")
    assert not exports.is_missing(np.bool_(False))


def test_csv_bytes_neutralises_and_blanks_na() -> None:
    text = exports.csv_bytes(_table()).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "area,wte,headcount"
    assert lines[1] == "03W,177.4,10"
    assert lines[2] == '"\'=HYPERLINK(""x"")",153.9,20'
    assert lines[3] == "' @SUM(A1),,30"
    assert lines[4] == ",0.0,40"
    assert lines[5] == ""


def test_csv_round_trips_through_pandas_with_na() -> None:
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(_table())))
    assert list(back.columns) == ["area", "wte", "headcount"]
    assert back["wte"].isna().tolist() == [False, False, True, False]
    assert back["headcount"].tolist() == [10, 20, 30, 40]


def test_csv_formats_dates_bools_and_inf() -> None:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2017-09-30 00:00", "2017-09-30 12:30"]),
            "flag": [True, np.bool_(False)],
            "ratio": [float("inf"), float("-inf")],
            "day": [dt.date(2020, 1, 2), None],
        }
    )
    text = exports.csv_bytes(ReportTable("t", "T", frame)).decode("utf-8-sig")
    rows = text.split("\r\n")
    assert rows[1] == "2017-09-30,TRUE,∞,2020-01-02"
    assert rows[2] == "2017-09-30 12:30:00,FALSE,−∞,"


def test_write_csv_files_writes_readme(tmp_path: Path) -> None:
    tables = [_table("a"), _table("b", title="Second")]
    paths = exports.write_csv_files(tables, tmp_path / "out", prefix="llr_")
    assert [p.name for p in paths] == ["llr_a.csv", "llr_b.csv", "llr_README.txt"]
    readme = paths[-1].read_text()
    assert "llr_b.csv: Second" in readme
    assert "Source: NHS Digital GPW, Sep 2017" in readme
    assert exports.NA_LEGEND in readme


def test_write_csv_files_rejects_duplicate_keys(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unique"):
        exports.write_csv_files([_table("a"), _table("a")], tmp_path)


def test_xlsx_layout_formats_and_safety(tmp_path: Path) -> None:
    path = exports.write_xlsx(
        [_table("staff"), _table("locums", title="Locums")], tmp_path / "r.xlsx"
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["staff", "locums"]
    ws = book["staff"]
    assert ws["A1"].value == "GP WTE by CCG"
    # headers through the labels catalogue: a known key gets its label, others stay
    assert [c.value for c in ws[3]] == ["area", "wte", "Headcount (people)"]
    assert ws.freeze_panes == "B4"  # header row and first column stay in view
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A3")
    assert ws["B4"].value == pytest.approx(177.44)
    assert ws["B4"].number_format == "#,##0.0"
    assert ws["B6"].value is None  # NA -> blank
    assert ws["B7"].value == 0.0  # zero stays zero
    assert ws["C4"].value == 10 and ws["C4"].data_type == "n"
    assert ws["A5"].value == '\'=HYPERLINK("x")' and ws["A5"].data_type == "s"
    assert ws["A7"].value is None
    column_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert "Notes" in column_a and "Sources" in column_a
    assert "'-minus note" in column_a
    assert "NHS Digital GPW, Sep 2017" in column_a
    assert column_a[-1] == exports.NA_LEGEND
    assert ws.column_dimensions["A"].width >= 8
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_xlsx_dates_are_dates() -> None:
    frame = pd.DataFrame({"period": pd.to_datetime(["2017-09-30"]).tz_localize("UTC")})
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([ReportTable("t", "T", frame)])))["t"]
    assert ws["A4"].value == dt.datetime(2017, 9, 30)
    assert ws["A4"].number_format == "d mmm yyyy"


def test_xlsx_needs_a_table() -> None:
    with pytest.raises(ValueError, match=r"^a workbook needs at least one table$"):
        exports.xlsx_bytes([])


@pytest.mark.parametrize(
    ("keys", "names"),
    [
        (["a", "A"], ["a", "A~2"]),
        (["x" * 40, "x" * 40], ["x" * 31, "x" * 29 + "~2"]),
        (["history"], ["History_"]),
        (["a:b", "a?b"], ["a_b", "a_b~2"]),
        (["'quoted'"], ["quoted"]),
        ([""], ["Sheet1"]),
        (["Xray X", "'X'"], ["Xray X", "X"]),  # only apostrophes are stripped from the ends
    ],
)
def test_sheet_names(keys: list[str], names: list[str]) -> None:
    assert exports.sheet_names(keys) == names


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), exports.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_bytes_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.bin"
    exports.atomic_write_bytes(target, b"one")
    exports.atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.bin"]


# ---- written to kill surviving mutants (docs/testing.md, "Mutation testing") -----------------
def test_csv_metadata_text_exactly() -> None:
    second = _table("b", title="Second", notes=(), sources=("ONS",))
    assert exports.csv_metadata([_table("a"), second]) == (
        "a.csv: GP WTE by CCG\n"
        "  Note: Qualified GPs only.\n"
        "  Note: -minus note\n"
        "  Source: NHS Digital GPW, Sep 2017\n"
        "\n"
        "b.csv: Second\n"
        "  Source: ONS\n"
        "\n"
        f"{exports.NA_LEGEND}\n"
    )
    assert exports.csv_metadata([second], ["other.csv"]).startswith("other.csv: Second\n")
    with pytest.raises(ValueError):  # a name for every table, not silently fewer
        exports.csv_metadata([_table("a"), second], ["one.csv"])


def test_write_csv_files_without_a_prefix(tmp_path: Path) -> None:
    paths = exports.write_csv_files([_table("a")], tmp_path)
    assert [p.name for p in paths] == ["a.csv", "README.txt"]


def test_xlsx_number_formats_by_decimals() -> None:
    frame = pd.DataFrame({"n0": [1234.4], "n2": [1234.5], "free": [1.5]})
    table = ReportTable("t", "T", frame, decimals={"n0": 0, "n2": 2})
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    assert ws["A4"].number_format == "#,##0"
    assert ws["B4"].number_format == "#,##0.00"
    assert ws["C4"].number_format == "General"


def test_xlsx_column_widths_follow_the_longest_shown_value() -> None:
    frame = pd.DataFrame(
        {
            "a": pd.Series(["x" * 30, None, "short\n" + "y" * 40], dtype="object"),
            "b": [None, None, None],
            "n": [1.0, 123456789.0, -5.0],
            "m": [1.0, 12345678.5, 2.0],
            "d": [1234.5, 1.0, 2.0],
            "e": ["", "", ""],
        }
    )
    table = ReportTable("t", "T", frame, decimals={"n": 0, "d": 2})
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    # openpyxl invents width 13 for a column the file gives none: read only the ones written;
    # xlsxwriter adds a fixed padding of under one character to each
    widths = {key: int(dim.width) for key, dim in ws.column_dimensions.items()}
    assert widths == {
        "A": 42,  # the longest line, 40, + 2
        "B": 8,  # empty: the minimum
        "C": 13,  # "123,456,789": 9 digits + 2 separators + 2
        "D": 12,  # "12345678.5" (no fixed decimals, no separators) + 2
        "E": 10,  # "1,234.50": 7 characters + 1 separator + 2
        "F": 8,  # empty texts: the minimum
    }


def test_write_xlsx_keeps_the_creation_date(tmp_path: Path) -> None:
    when = dt.datetime(2020, 5, 17, 8, 0, tzinfo=dt.UTC)
    path = exports.write_xlsx([_table("a")], tmp_path / "r.xlsx", created=when)
    assert path.read_bytes() == exports.xlsx_bytes([_table("a")], created=when)
    assert openpyxl.load_workbook(path).properties.created == dt.datetime(2020, 5, 17, 8, 0)


def test_xlsx_booleans_datetimes_and_styles() -> None:
    frame = pd.DataFrame(
        {
            "flag": [True, False],
            "at": [dt.datetime(2017, 9, 30, 12, 30), dt.datetime(2017, 9, 30)],
            "on": [dt.date(2017, 9, 30), dt.date(2018, 3, 31)],
        }
    )
    table = ReportTable("t", "Title", frame, notes=("A note.",), sources=("A source.",))
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    assert (ws["A4"].value, ws["A4"].data_type) == (True, "b")
    assert (ws["A5"].value, ws["A5"].data_type) == (False, "b")
    assert ws["B4"].value == dt.datetime(2017, 9, 30, 12, 30)
    assert ws["B4"].number_format == "d mmm yyyy hh:mm"  # a time of day is shown
    assert ws["B5"].number_format == "d mmm yyyy"  # midnight: the date alone
    assert [ws["C4"].value, ws["C5"].value] == [dt.datetime(2017, 9, 30), dt.datetime(2018, 3, 31)]
    assert ws["C4"].number_format == ws["C5"].number_format == "d mmm yyyy"
    title, header = ws["A1"], ws["A3"]
    assert title.font.b and title.font.sz == 14
    assert header.font.b and header.alignment.wrap_text and header.alignment.vertical == "top"
    assert header.border.bottom.style == "thin"
    assert header.fill.fgColor.rgb.upper().endswith("E8EDEE")
    cells = {c.value: c for c in ws["A"] if c.value is not None}
    assert cells["Notes"].font.b and cells["Sources"].font.b
    assert cells["A note."].font.i and cells["A source."].font.i
    assert cells[exports.NA_LEGEND].font.i


def test_csv_numbers_without_fixed_decimals() -> None:
    frame = pd.DataFrame({"x": [3.0, 2.5, 999_999_999_999_999.0, 1e15, -4.0]})
    rows = exports.csv_bytes(ReportTable("t", "T", frame)).decode("utf-8-sig").split("\r\n")
    # whole numbers print without ".0" up to 15 digits; from 1e15 on, Python's own repr
    assert rows[1:6] == ["3", "2.5", "999999999999999", "1000000000000000.0", "-4"]


def test_csv_cells_of_a_mixed_object_column() -> None:
    utc_noon = dt.datetime(2020, 1, 2, 12, 30, tzinfo=dt.UTC)
    values = [np.int64(5), np.float32(2.5), utc_noon, True, "=1", None, 7.0, dt.date(2021, 5, 6)]
    frame = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    rows = exports.csv_bytes(ReportTable("t", "T", frame)).decode("utf-8-sig").split("\r\n")
    # the time zone is dropped, the wall-clock time kept; a formula-like text is neutralised; a
    # blank cell alone on its row is written "" (the csv module's way of telling it from no row)
    assert rows[1:9] == ["5", "2.5", "2020-01-02 12:30:00", "TRUE", "'=1", '""', "7", "2021-05-06"]


def test_atomic_write_gives_a_new_file_normal_permissions_and_keeps_an_existing_files(
    tmp_path: Path,
) -> None:
    fresh = exports.atomic_write_bytes(tmp_path / "new.csv", b"x")
    assert fresh.stat().st_mode & 0o777 == 0o644  # rw-r--r--, not mkstemp's private 0600
    private = tmp_path / "private.csv"
    private.write_bytes(b"old")
    private.chmod(0o600)
    exports.atomic_write_text(private, "né", encoding="latin-1")
    assert private.stat().st_mode & 0o777 == 0o600
    assert private.read_bytes() == b"n\xe9"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "private.csv"]


def test_xlsx_keeps_texts_as_texts_and_cuts_overlong_ones() -> None:
    frame = pd.DataFrame({"t": ["123", "http://example.com", "1e5", "x" * 40_000]})
    table = ReportTable("t", "=title", frame, notes=("+note",))
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    assert ws["A1"].value == "'=title"  # the title is neutralised too
    got = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=1).data_type) for r in (4, 5, 6)]
    assert got == [("123", "s"), ("http://example.com", "s"), ("1e5", "s")]
    assert ws["A5"].hyperlink is None
    assert ws["A7"].value == "x" * 32_767  # Excel's limit for one cell
    assert "'+note" in [c.value for c in ws["A"]]


def test_xlsx_of_a_table_with_no_rows() -> None:
    wte = "whole-time equivalent"
    frame = pd.DataFrame({"code": pd.Series([], dtype=object), wte: pd.Series([], dtype=float)})
    table = ReportTable("t", "Nothing yet", frame, decimals={wte: 1})
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    assert [c.value for c in ws[3]] == ["code", wte]
    assert ws["A5"].value == exports.NA_LEGEND  # header, one blank row, then the legend
    widths = {key: int(dim.width) for key, dim in ws.column_dimensions.items()}
    assert widths == {"A": 8, "B": 23}  # the minimum; the heading's 21 characters + 2
    assert exports.csv_bytes(table).decode("utf-8-sig") == f"code,{wte}\r\n"


def test_xlsx_column_widths_for_long_headings_and_billions() -> None:
    frame = pd.DataFrame({"Registered patients": [12.0], "n": [1_234_567_890.0]})
    table = ReportTable("t", "T", frame, decimals={"n": 0})
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    widths = {key: int(dim.width) for key, dim in ws.column_dimensions.items()}
    assert widths == {
        "A": 21,  # the heading, 19 characters, + 2 (the values are shorter)
        "B": 15,  # "1,234,567,890": 10 digits + 3 separators + 2
    }


def test_xlsx_notes_sources_and_legend_rows() -> None:
    # 4 data rows on rows 4-7; one blank row; then each block and one blank row after it
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([_table()])))["staff"]
    assert [ws.cell(row=r, column=1).value for r in range(8, 17)] == [
        None,
        "Notes",
        "Qualified GPs only.",
        "'-minus note",
        None,
        "Sources",
        "NHS Digital GPW, Sep 2017",
        None,
        exports.NA_LEGEND,
    ]
    assert ws.max_row == 16
    # no notes: the sources still follow (on the row the notes would have started)
    bare = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([_table(notes=())])))["staff"]
    assert [bare.cell(row=r, column=1).value for r in range(9, 13)] == [
        "Sources",
        "NHS Digital GPW, Sep 2017",
        None,
        exports.NA_LEGEND,
    ]


def test_csv_whole_number_columns_and_repeated_labels_with_fixed_decimals() -> None:
    frame = pd.DataFrame(
        {
            "count": pd.Series([10, pd.NA, 3], dtype="Int64"),
            "share": pd.Series([1.5, 1.5, 1.5], dtype=object),
        }
    )
    labels = pd.DataFrame({"share": pd.Series([0.5] * 8 + ["n/a"], dtype=object)})
    table = ReportTable("t", "T", frame, decimals={"count": 1, "share": 2})
    rows = exports.csv_bytes(table).decode("utf-8-sig").split("\r\n")
    # a whole-number column stays whole (a missing count is blank); numbers in a text column
    # take the column's decimals
    assert rows[1:4] == ["10,1.50", ",1.50", "3,1.50"]
    many = exports.csv_bytes(ReportTable("t", "T", labels, decimals={"share": 2}))
    assert many.decode("utf-8-sig").split("\r\n")[1:10] == ["0.50"] * 8 + ["n/a"]
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    assert [ws["A4"].value, ws["A5"].value, ws["A6"].value] == [10, None, 3]


def test_xlsx_sheets_keep_headings_in_view_filter_and_print_on_a4() -> None:
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([_table()])))["staff"]
    assert ws.freeze_panes == "B4"  # the header rows and the first column stay in view
    assert ws.auto_filter.ref == "A3:C7"  # the header (row 3) over the 4 data rows, 3 columns
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
    # one page wide (1, the file format's default, is left out of the file), as long as needed
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"  # the header on every printed page
    one = ReportTable("t", "T", pd.DataFrame({"a": [1, 2]}))
    single = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([one])))["t"]
    assert single.freeze_panes == "A4"  # one column: nothing to keep beside it
    assert single.auto_filter.ref == "A3:A5"
    two = ReportTable("t", "T", pd.DataFrame({"a": [1], "b": [2]}))
    assert openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([two])))["t"].freeze_panes == "B4"
    empty = ReportTable("t", "T", pd.DataFrame({"a": pd.Series([], dtype=float), "b": []}))
    assert (
        openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([empty])))["t"].auto_filter.ref is None
    )
