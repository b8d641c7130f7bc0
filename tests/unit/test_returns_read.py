"""The reader's edge: damaged, hostile or misshapen XLSX and CSV bytes become located issues."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from gpworkforce.errors import InputFileError, Issue, ValidationFailed
from gpworkforce.returns import (
    ReturnLimits,
    UnreadableReturn,
    check_return_bytes,
    read_return_bytes,
    return_csv_text,
    return_xlsx_bytes,
)
from returns_support import REGISTRY, TAXONOMY, base_return, rezip, sheet_member

XLSX = return_xlsx_bytes(base_return())
CSV = return_csv_text(base_return())


def _issues(data: bytes, name: str, **kw: object) -> tuple[Issue, ...]:
    with pytest.raises(ValidationFailed) as info:
        read_return_bytes(data, name, REGISTRY, TAXONOMY, **kw)  # type: ignore[arg-type]
    assert info.value.issues, "a rejection must carry issues"
    for issue in info.value.issues:
        assert issue.location.file == name
    return tuple(info.value.issues)


def _unreadable(data: bytes, name: str, **kw: object) -> Issue:
    with pytest.raises(UnreadableReturn) as info:
        read_return_bytes(data, name, REGISTRY, TAXONOMY, **kw)  # type: ignore[arg-type]
    assert isinstance(info.value, InputFileError)
    assert info.value.exit_code == 3
    (issue,) = info.value.issues
    assert issue.location.file == name
    return issue


def _edit_workbook(edit) -> bytes:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(io.BytesIO(XLSX))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- round trip ------------------------------------------------------------------------------
def test_xlsx_and_csv_read_back_equal() -> None:
    ret = base_return()
    assert read_return_bytes(XLSX, "r.xlsx", REGISTRY, TAXONOMY) == ret
    assert read_return_bytes(CSV.encode(), "r.csv", REGISTRY, TAXONOMY) == ret


def test_source_names_practice_period_file_and_checksum() -> None:
    ret = read_return_bytes(XLSX, "r.xlsx", REGISTRY, TAXONOMY)
    assert ret.source is not None
    assert (ret.source.publisher, ret.source.period) == ("C82001", "2017-09-30")
    assert ret.source.file_name == "r.xlsx"
    assert ret.source.sha256 is not None and len(ret.source.sha256) == 64
    assert ret.source.source_id.startswith("practice-return:2017-09-30:")


def test_csv_with_byte_order_mark_is_read() -> None:
    assert read_return_bytes(b"\xef\xbb\xbf" + CSV.encode(), "r.csv", REGISTRY, TAXONOMY)


def test_format_is_sniffed_from_content_not_name() -> None:
    assert read_return_bytes(XLSX, "upload.bin", REGISTRY, TAXONOMY) == base_return()


# ---- XLSX structure ----------------------------------------------------------------------------
def test_missing_sheet_is_named() -> None:
    data = _edit_workbook(lambda wb: wb.remove(wb["Locums"]))
    (issue,) = _issues(data, "r.xlsx")
    assert issue.location.sheet == "Locums"
    assert issue.expected == "be a sheet in the workbook"
    assert "'Staff'" in issue.found


def test_missing_header_is_located() -> None:
    data = _edit_workbook(lambda wb: wb["Staff"].cell(1, 3, "Hours"))
    (issue,) = _issues(data, "r.xlsx")
    assert (issue.location.sheet, issue.location.row, issue.location.column) == (
        "Staff",
        1,
        "Hours per week",
    )
    assert issue.expected == "be a column header in row 1 ('Hours per week')"


def test_repeated_header_is_rejected() -> None:
    data = _edit_workbook(lambda wb: wb["Vacancies"].cell(1, 5, "WTE vacant"))
    (issue,) = _issues(data, "r.xlsx")
    assert (issue.location.sheet, issue.location.column) == ("Vacancies", "WTE vacant")
    assert issue.expected == "appear once in the header row"


def test_extra_columns_and_sheet_name_case_are_tolerated() -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Staff"].cell(1, 9, "Notes")
        wb["Staff"].cell(2, 9, "on leave")
        wb["Locums"].title = "tmp"
        wb["tmp"].title = " LOCUMS"

    assert read_return_bytes(_edit_workbook(edit), "r.xlsx", REGISTRY, TAXONOMY) == base_return()


def test_census_date_may_be_typed_as_text() -> None:
    data = _edit_workbook(lambda wb: wb["Practice"].cell(2, 2, "2017-09-30"))
    assert read_return_bytes(data, "r.xlsx", REGISTRY, TAXONOMY) == base_return()


def test_sheet_row_limit() -> None:
    (issue,) = _issues(XLSX, "r.xlsx", limits=ReturnLimits(max_rows=3))
    assert (issue.location.sheet, issue.location.row) == ("Staff", 5)
    assert issue.expected == "have at most 3 data rows"


# ---- corrupt XLSX --------------------------------------------------------------------------------
def test_not_a_zip() -> None:
    issue = _unreadable(b"hello, I am not a workbook", "r.xlsx")
    assert issue.expected == "be an XLSX workbook (a zip archive)"


def test_truncated_zip() -> None:
    issue = _unreadable(XLSX[: len(XLSX) // 2], "r.xlsx")
    assert issue.expected == "be a valid XLSX workbook"
    assert issue.found.startswith("a damaged zip archive")


def _patch_central_directory(data: bytes, offset: int, value: bytes) -> bytes:
    """Every central-directory record's field at ``offset`` set to ``value``."""
    buf = bytearray(data)
    at = buf.find(b"PK\x01\x02")
    assert at >= 0
    while at >= 0:
        buf[at + offset : at + offset + len(value)] = value
        at = buf.find(b"PK\x01\x02", at + 4)
    return bytes(buf)


def test_zip_needing_an_unsupported_version_is_a_user_error() -> None:
    # "version needed to extract" 25.5: zipfile raises NotImplementedError on opening it
    issue = _unreadable(_patch_central_directory(XLSX, 6, b"\xff\x00"), "r.xlsx")
    assert issue.expected == "be an XLSX workbook saved by a spreadsheet program"
    assert issue.found == (
        "a zip archive using a feature that cannot be unpacked (zip file version 25.5)"
    )


@pytest.mark.parametrize(
    ("offset", "value"),
    [(8, b"\x01\x00"), (10, b"\x63\x00"), (10, b"\x0e\x00")],
    ids=["encrypted-flag", "unknown-compression-99", "lzma-compression"],
)
def test_zip_members_zipfile_cannot_read_are_a_user_error(offset: int, value: bytes) -> None:
    issue = _unreadable(_patch_central_directory(XLSX, offset, value), "r.xlsx")
    assert issue.expected in ("be a readable XLSX workbook", "be a valid XLSX workbook")
    assert issue.found


def test_zip_without_workbook_part() -> None:
    issue = _unreadable(rezip(XLSX, {"xl/workbook.xml": None}), "r.xlsx")
    assert issue.expected == "be a readable XLSX workbook"


def test_broken_sheet_xml() -> None:
    member = sheet_member(XLSX, "Staff")
    issue = _unreadable(rezip(XLSX, {member: b"<worksheet><sheetData><row>"}), "r.xlsx")
    assert issue.expected == "be a readable XLSX workbook"


def test_xml_entity_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<sst><si><t>&lol2;</t></si></sst>"
    )
    issue = _unreadable(rezip(XLSX, {"xl/sharedStrings.xml": bomb}), "r.xlsx")
    assert issue.expected == "be a readable XLSX workbook"


def test_zip_bomb_is_refused_before_unpacking() -> None:
    huge = rezip(XLSX, {"xl/media/filler.bin": b"\0" * 3_000_000})
    assert len(huge) < 200_000  # it compresses away: only the unpacked size gives it away
    issue = _unreadable(huge, "r.xlsx", limits=ReturnLimits(max_uncompressed_bytes=2_000_000))
    assert issue.expected == "unpack to at most 2,000,000 bytes"


def test_too_many_zip_members() -> None:
    issue = _unreadable(XLSX, "r.xlsx", limits=ReturnLimits(max_zip_entries=5))
    assert issue.expected == "hold at most 5 parts"


def test_oversized_upload() -> None:
    issue = _unreadable(XLSX, "r.xlsx", limits=ReturnLimits(max_bytes=1000))
    assert issue.expected == "be at most 1,000 bytes"
    assert issue.found == f"{len(XLSX):,} bytes"


def test_empty_and_old_excel_files() -> None:
    assert _unreadable(b"", "r.csv").found == "an empty file"
    assert _unreadable(b"\xd0\xcf\x11\xe0", "r.xls").found == "an old .xls file"


# ---- CSV -------------------------------------------------------------------------------------------
def test_csv_with_nul_byte() -> None:
    issue = _unreadable(CSV.encode()[:50] + b"\x00" + CSV.encode()[50:], "r.csv")
    assert issue.expected == "be CSV text"
    assert issue.found.startswith("a NUL byte at offset 50")


def test_csv_not_utf8() -> None:
    issue = _unreadable(CSV.replace("C82001", "C82001\u2013").encode("cp1252"), "r.csv")
    assert issue.expected == "be UTF-8 text (in Excel, save as 'CSV UTF-8')"
    assert issue.found.startswith("the byte 0x96 at offset")


def test_csv_field_too_large() -> None:
    lines = CSV.splitlines()
    lines[3] = lines[3] + "x" * 200_000
    issue = _unreadable("\n".join(lines).encode(), "r.csv")
    assert issue.expected == "be well-formed CSV"
    assert issue.location.row is not None


def test_csv_missing_column() -> None:
    text = CSV.replace(",months_open", ",months")
    (issue,) = _issues(text.encode(), "r.csv")
    assert (issue.location.row, issue.location.column) == (1, "months_open")
    assert issue.expected == "be a column header in row 1"


def test_csv_unknown_section_and_misplaced_cells() -> None:
    lines = CSV.splitlines()
    lines[2] = lines[2].replace("staff,", "staf,", 1)
    lines[4] = lines[4].replace("staff,,,", "staff,C82001,,", 1)
    issues = _issues("\n".join(lines).encode(), "r.csv")
    assert [(i.location.row, i.location.column, i.expected) for i in issues] == [
        (3, "section", "be one of practice, staff, vacancy, locum, spend"),
        (5, "practice_code", "be empty on a staff line"),
    ]


def test_csv_row_with_too_many_cells() -> None:
    lines = CSV.splitlines()
    lines[3] += ",extra"
    (issue,) = _issues("\n".join(lines).encode(), "r.csv")
    assert issue.location.row == 4
    assert issue.expected == "have 15 cells like the header"


def test_csv_blank_lines_are_skipped_and_lines_counted() -> None:
    lines = CSV.splitlines()
    lines.insert(2, ",,,")
    lines[4] = lines[4].replace(",1,", ",-1,", 1)  # GP_SENIOR_PARTNER headcount
    (issue,) = _issues("\n".join(lines).encode(), "r.csv")
    assert (issue.location.row, issue.location.column) == (5, "headcount")


def test_check_returns_issues_without_raising_for_rule_breaches() -> None:
    bad = CSV.replace("C82001", "C82003").encode()
    result = check_return_bytes(bad, "r.csv", REGISTRY, TAXONOMY)
    assert not result.ok
    assert result.ret is None
    with pytest.raises(ValidationFailed, match=r"r\.csv was rejected: 1 problem"):
        read_return_bytes(bad, "r.csv", REGISTRY, TAXONOMY)


def test_zip_members_are_checked_before_parsing() -> None:
    with zipfile.ZipFile(io.BytesIO(XLSX)) as zf:
        declared = sum(i.file_size for i in zf.infolist())
    limits = ReturnLimits(max_uncompressed_bytes=declared - 1)
    assert _unreadable(XLSX, "r.xlsx", limits=limits).found.endswith("(a zip bomb?)")
    assert read_return_bytes(XLSX, "r.xlsx", REGISTRY, TAXONOMY, limits=ReturnLimits(
        max_uncompressed_bytes=declared)) == base_return()  # fmt: skip


def test_rows_beyond_the_physical_limit_are_reported_not_dropped() -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Staff"].cell(31, 1, "GP_RETAINER")  # far below the data, past 5 x max_rows

    (issue,) = _issues(_edit_workbook(edit), "r.xlsx", limits=ReturnLimits(max_rows=6))
    assert (issue.location.sheet, issue.location.row) == ("Staff", 31)
    assert issue.expected.startswith("end by row 30")


def test_csv_sections_may_be_named_like_the_sheets() -> None:
    text = CSV.replace("\nvacancy,", "\nVacancies,").replace("\nlocum,", "\nLOCUMS,")
    assert text != CSV
    assert read_return_bytes(text.encode(), "r.csv", REGISTRY, TAXONOMY) == base_return()
