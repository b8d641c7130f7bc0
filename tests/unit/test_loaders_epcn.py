"""The ePCN workbook reader refuses bad input with file, sheet, row and column (issue 10, item 1).

Workbooks are written here in the published layout (headings broken over lines inside the cell,
``YYYYMMDD`` dates), one defect at a time; real LLR codes, made-up dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.loaders.epcn import read_epcn

EXTRACT = dt.date(2024, 6, 30)
DETAILS = ["PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location", "Open Date",
           "Close Date", "Postcode"]  # fmt: skip
MEMBERS = ["Partner\r\nOrganisation\r\nCode", "Partner\r\nName",
           "Practice\r\nParent\r\nSub ICB Loc Code", "Practice\r\nParent\r\nSub ICB Loc Name",
           "PCN Code", "PCN Name", "PCN Parent\r\nSub ICB Loc Code",
           "PCN Parent\r\nSub ICB Loc Name", "Practice to PCN\r\nRelationship\r\nStart Date",
           "Practice to PCN\r\nRelationship\r\nEnd Date"]  # fmt: skip
PCNS = [
    ["U30213", "CROSS COUNTIES PCN", "03W", "LLR - 03W", "20190701", None, None],
    ["U71931", "SOUTH BLABY & LUTTERWORTH PCN", "03W", "LLR - 03W", 20190701, None, None],
]


def member(code: str, pcn: str, start: object, end: object = None) -> list[object]:
    return [
        code,
        f"PRACTICE {code}",
        "03W",
        "LLR - 03W",
        pcn,
        "PCN",
        "03W",
        "LLR - 03W",
        start,
        end,
    ]


MEMBERS_OK = [
    member("C82001", "U30213", "20190701"),
    member("C82002", "U71931", "20190701", "20230930"),
    member("C82002", "U30213", dt.datetime(2023, 10, 1)),  # a date cell
]


def workbook(
    tmp_path: Path,
    members: list[list[object]] | None = None,
    pcns: list[list[object]] | None = None,
    *,
    details_sheet: str = "PCNDetails",
    members_header: list[str] | None = None,
    drop: str | None = None,
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = details_sheet
    sheet.append(DETAILS)
    for row in PCNS if pcns is None else pcns:
        sheet.append(row)
    if drop != "PCN Core Partner Details":
        sheet = book.create_sheet("PCN Core Partner Details")
        sheet.append(members_header or MEMBERS)
        for row in MEMBERS_OK if members is None else members:
            sheet.append(row)
    path = tmp_path / "ePCN.xlsx"
    book.save(path)
    return path


def problems(path: Path, on: dt.date = EXTRACT) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        read_epcn(path, on)
    return [str(i) for i in info.value.issues]


def test_the_published_layout_reads_with_every_date_form(tmp_path: Path) -> None:
    epcn = read_epcn(workbook(tmp_path), EXTRACT)
    assert list(epcn.pcns["pcn_code"]) == ["U30213", "U71931"]
    assert set(epcn.pcns["opened"]) == {dt.date(2019, 7, 1)}  # text and number YYYYMMDD
    assert list(epcn.members["start"]) == [dt.date(2019, 7, 1)] * 2 + [dt.date(2023, 10, 1)]
    assert list(epcn.members["end"]) == [None, dt.date(2023, 9, 30), None]
    assert list(epcn.members["row"]) == [2, 3, 4]  # as the spreadsheet numbers them
    assert epcn.pcn_on(dt.date(2023, 9, 30)) == {"C82001": "U30213", "C82002": "U71931"}
    assert epcn.pcn_on(dt.date(2023, 10, 1)) == {"C82001": "U30213", "C82002": "U30213"}
    assert epcn.warnings == ()


def test_the_older_sheet_name_and_the_ods_export_headings_read_too(tmp_path: Path) -> None:
    header = [h.replace("\r\n", " ").replace("Loc ", "Location ") for h in MEMBERS]
    epcn = read_epcn(
        workbook(tmp_path, details_sheet="PCN Details", members_header=header), EXTRACT
    )
    assert len(epcn.members) == 3


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ePCN.xlsx"
    path.write_text("PCN Code,PCN Name\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="must be NHS England ODS's ePCN workbook"):
        read_epcn(path, EXTRACT)


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path, drop="PCN Core Partner Details"))
    assert "sheet 'PCN Core Partner Details'" in issue
    assert "no such sheet (sheets: PCNDetails)" in issue


def test_a_missing_column_is_named_with_its_sheet_and_header_row(tmp_path: Path) -> None:
    header = [h for h in MEMBERS if "End Date" not in h]
    (issue,) = problems(workbook(tmp_path, [m[:9] for m in MEMBERS_OK], members_header=header))
    assert issue == (
        "ePCN.xlsx, sheet 'PCN Core Partner Details', row 1, column 'Practice to PCN "
        "Relationship End Date': must be present, got no such column"
    )


def test_bad_codes_and_dates_are_each_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    rows = [
        member("C82-01", "U30213", "20190701"),  # not an ODS code
        member("C82003", "30213", "20190701"),  # PCN code without its U
        member("C82004", "U30213", "2019-13-01"),  # not a date
        member("C82006", "U30213", None),  # no start date
        member("C82007", "U30213", "1 July 2019"),  # a date, but not as ODS writes it
    ]
    found = problems(workbook(tmp_path, rows))
    sheet = "ePCN.xlsx, sheet 'PCN Core Partner Details'"
    assert found == [
        f"{sheet}, row 2, column 'Partner Organisation Code': must be a practice code (a letter "
        "and five digits), got 'C82-01'",
        f"{sheet}, row 3, column 'PCN Code': must be a PCN code (U and five digits, e.g. "
        "U30213), got '30213'",
        f"{sheet}, row 4, column 'Practice to PCN Relationship Start Date': must be a date "
        "(YYYYMMDD, as ODS writes it, or a date cell), got '2019-13-01'",
        f"{sheet}, row 5, column 'Practice to PCN Relationship Start Date': must be a date "
        "(YYYYMMDD, as ODS writes it), got an empty cell",
        f"{sheet}, row 6, column 'Practice to PCN Relationship Start Date': must be a date "
        "(YYYYMMDD, as ODS writes it, or a date cell), got '1 July 2019'",
    ]


def test_an_end_before_its_start_is_refused(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path, [member("C82001", "U30213", "20230101", "20221231")]))
    assert issue.endswith(
        "row 2, column 'Practice to PCN Relationship End Date': must not be before the Practice "
        "to PCN Relationship Start Date 20230101, got 20221231"
    )


def test_a_practice_in_two_pcns_at_once_is_refused(tmp_path: Path) -> None:
    rows = [
        member("C82002", "U71931", "20190701", "20231031"),
        member("C82002", "U30213", "20231001"),
    ]
    (issue,) = problems(workbook(tmp_path, rows))
    assert "row 3, column 'Practice to PCN Relationship Start Date'" in issue
    assert "start after the practice's membership of U71931 (row 2) ended" in issue
    assert "got 20231001, while that one ends 20231031" in issue


def test_a_pcn_listed_twice_is_refused(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path, pcns=[PCNS[0], PCNS[1], PCNS[0]]))
    assert issue == (
        "ePCN.xlsx, sheet 'PCNDetails', row 4, column 'PCN Code': must appear once (already on "
        "row 2), got 'U30213'"
    )


def test_a_relationship_starting_after_the_extract_date_is_refused(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path), dt.date(2023, 9, 30))
    assert "row 4, column 'Practice to PCN Relationship Start Date'" in issue
    assert "must not be after the file's extract date 20230930 (--period), got 20231001" in issue


def test_a_header_only_partner_sheet_is_an_empty_dataset(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path, []))
    assert "sheet 'PCN Core Partner Details', row 2" in issue
    assert "must hold at least one practice row, got none (a header only)" in issue


def test_a_pcn_missing_from_the_details_sheet_is_a_warning(tmp_path: Path) -> None:
    epcn = read_epcn(workbook(tmp_path, pcns=[PCNS[0]]), EXTRACT)
    (warning,) = epcn.warnings
    assert (
        "1 PCN of sheet 'PCN Core Partner Details' is not listed in sheet 'PCNDetails'" in warning
    )
    assert warning.endswith(": U71931")


# the ODS Data Search and Export CSV (report epcncorepartnerdetails) as downloaded: no header,
# the documented column order, then "Practice Sub ICB and PCN Sub ICB Match?"
EXPORT = (
    "C82001,SOUTH LEICESTERSHIRE MEDICAL PARTNERSHIP,03W,LLR - 03W,U30213,CROSS COUNTIES PCN,"
    "03W,LLR - 03W,20190701,,Y\n"
    "C82002,COUNTESTHORPE HEALTH CENTRE,03W,LLR - 03W,U71931,SOUTH BLABY & LUTTERWORTH PCN,"
    "03W,LLR - 03W,20190701,20230930,Y\n"
    "C82002,COUNTESTHORPE HEALTH CENTRE,03W,LLR - 03W,U30213,CROSS COUNTIES PCN,"
    "03W,LLR - 03W,20231001,,Y\n"
)
EXPORT_HEADER = (
    "Partner Organisation Code,Partner Name,Practice Parent Sub ICB Location Code,Practice "
    "Parent Sub ICB Location Name,PCN Code,PCN Name,PCN Parent Sub ICB Location Code,PCN Parent "
    "Sub ICB Location Name,Practice to PCN Relationship Start Date,Practice to PCN Relationship "
    "End Date,Practice Sub ICB and PCN Sub ICB Match?\n"
)


@pytest.mark.parametrize("header", ["", EXPORT_HEADER])
def test_the_ods_export_csv_reads_with_or_without_its_header(tmp_path: Path, header: str) -> None:
    path = tmp_path / "epcncorepartnerdetails.csv"
    path.write_text(header + EXPORT, encoding="utf-8")
    epcn = read_epcn(path, EXTRACT)
    assert epcn.encoding == "utf-8"
    assert epcn.pcn_on(dt.date(2023, 9, 30)) == {"C82001": "U30213", "C82002": "U71931"}
    assert epcn.pcn_on(dt.date(2023, 10, 1)) == {"C82001": "U30213", "C82002": "U30213"}
    assert list(epcn.members["row"]) == ([2, 3, 4] if header else [1, 2, 3])
    # no PCNDetails: each PCN named by its rows, placed in its current parent sub-ICB location
    pcns = epcn.pcns.set_index("pcn_code")
    assert pcns.loc["U30213", "pcn_name"] == "CROSS COUNTIES PCN"
    assert pcns.loc["U30213", "sub_icb"] == "03W"
    assert pcns.loc["U71931", "sub_icb"] is None  # no relationship current on the extract date


def test_a_bad_cell_of_the_export_is_named_by_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "epcncorepartnerdetails.csv"
    path.write_text(EXPORT.replace("20231001", "01/10/2023"), encoding="utf-8")
    (issue,) = problems(path)
    assert issue == (
        "epcncorepartnerdetails.csv, row 3, column 'Practice to PCN Relationship Start Date': "
        "must be a date (YYYYMMDD, as ODS writes it, or a date cell), got '01/10/2023'"
    )


def test_a_csv_with_other_headings_is_refused_naming_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("Practice,PCN\nC82001,U30213\n", encoding="utf-8")
    found = problems(path)
    assert found[0] == (
        "members.csv, row 1: must be a header row with the columns 'Partner Organisation Code', "
        "'PCN Code', 'Practice to PCN Relationship Start Date', 'Practice to PCN Relationship "
        "End Date' (within the first 10 rows), got none"
    )


def test_a_partner_that_is_not_a_gp_practice_is_left_out_with_a_warning(tmp_path: Path) -> None:
    rows = [*MEMBERS_OK, member("RT5", "U30213", "20200401")]  # an NHS trust's ODS code
    epcn = read_epcn(workbook(tmp_path, rows), EXTRACT)
    assert "RT5" not in set(epcn.members["practice_code"])
    (warning,) = epcn.warnings
    assert warning == (
        "ePCN.xlsx: 1 partner row whose partner is not a GP practice (an ODS code not a letter "
        "and five digits) left out of PCN membership: RT5 (row 5)"
    )


def test_a_file_of_other_partners_only_is_refused(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path, [member("RT5", "U30213", "20200401")]))
    assert issue == (
        "ePCN.xlsx, sheet 'PCN Core Partner Details', column 'Partner Organisation Code': must "
        "name at least one GP practice (a letter and five digits), got only other partners (RT5)"
    )


def test_problems_of_the_older_details_sheet_name_it_as_found(tmp_path: Path) -> None:
    (issue,) = problems(workbook(tmp_path, pcns=[PCNS[0], PCNS[0]], details_sheet="PCN Details"))
    assert issue.startswith("ePCN.xlsx, sheet 'PCN Details', row 3, column 'PCN Code'")
