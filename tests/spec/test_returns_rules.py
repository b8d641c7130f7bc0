"""Spec: every validation rule of the practice return, as a table of input cells -> issue.

Each case changes cells of a valid return and names the one issue expected: where (sheet, row,
column) and the whole message ("must ..., got ...", compared exactly). Rules come from issue 2
item 4 and docs/returns.md. Every case runs through the web-form path (plain data), and the XLSX and CSV
readers, which must agree on the message and locate the same cell in their own terms.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

import pytest

from gpworkforce.errors import Issue
from gpworkforce.returns import check_return_bytes, validate_return_dict
from gpworkforce.returns.schema import SHEETS_BY_NAME, ReturnLimits
from gpworkforce.returns.template import build_csv, build_xlsx
from returns_support import REGISTRY, TAXONOMY
from returns_support import base_dict as without_spend


@dataclass(frozen=True)
class Case:
    name: str
    sheet: str  # Practice, Staff, Vacancies, Locums
    line: int | None  # 1-based line on the sheet (None for the Practice sheet)
    cells: dict[str, object]  # field key -> new value ("" empties it)
    column: str | None  # field key the issue names (None: the whole row)
    must: str  # the whole text after "must"
    got: str  # the whole text after "got"


CASES = [
    # Practice sheet
    Case("unknown practice", "Practice", None, {"practice_code": "Z99999"}, "practice_code",
         "be the ODS code of a practice in the registry", "'Z99999'"),
    Case("not a practice", "Practice", None, {"practice_code": "03W"}, "practice_code",
         "be a practice code (03W is a sub_icb)", "'03W'"),
    Case("closed practice", "Practice", None, {"practice_code": "C82003"}, "practice_code",
         "be a practice open on 2017-09-30 (C82003 closed on 2016-03-31)", "'C82003'"),
    Case("not yet open", "Practice", None, {"practice_code": "C82004"}, "practice_code",
         "be a practice open on 2017-09-30 (C82004 opened on 2018-01-01)", "'C82004'"),
    Case("missing practice", "Practice", None, {"practice_code": ""}, "practice_code",
         "be given", "an empty cell"),
    Case("census not quarter end", "Practice", None, {"census_date": "2017-09-29"},
         "census_date", "be a quarter end (31 March, 30 June, 30 September or 31 December)",
         "the date 2017-09-29"),
    Case("census not a date", "Practice", None, {"census_date": "next friday"}, "census_date",
         "be a date like 2017-09-30", "'next friday'"),
    Case("census impossible date", "Practice", None, {"census_date": "2017-02-30"},
         "census_date", "be a date like 2017-09-30", "'2017-02-30'"),
    # Staff sheet: roles
    Case("unknown role", "Staff", 1, {"role_code": "GP_ASTRONAUT"}, "role_code",
         "be a role code from the Lists sheet", "'GP_ASTRONAUT'"),
    Case("role not a leaf", "Staff", 1, {"role_code": "GP_PARTNER"}, "role_code",
         "be a detailed role code (GP_PARTNER is split into GP_PARTNER_PROVIDER, "
         "GP_SENIOR_PARTNER)", "'GP_PARTNER'"),
    Case("locum on staff sheet", "Staff", 1, {"role_code": "GP_LOCUM_OTHER"}, "role_code",
         "be on the Locums sheet (GP locums are returned there)", "'GP_LOCUM_OTHER'"),
    Case("missing role", "Staff", 2, {"role_code": ""}, "role_code", "be given",
         "an empty cell"),
    # a staff group with more than six roles: the message names the first six
    Case("role is a whole staff group", "Staff", 2, {"role_code": "NURSE"}, "role_code",
         "be a detailed role code (NURSE is split into NURSE_ANP, NURSE_DISPENSING, "
         "NURSE_DISTRICT, NURSE_EXTENDED, NURSE_PARTNER, NURSE_PRACTICE)", "'NURSE'"),
    # Staff sheet: headcount
    Case("negative headcount", "Staff", 1, {"headcount": "-1"}, "headcount", "be 0 or more",
         "-1"),
    Case("fractional headcount", "Staff", 1, {"headcount": "2.5"}, "headcount",
         "be a whole number", "'2.5'"),
    Case("text headcount", "Staff", 1, {"headcount": "three"}, "headcount",
         "be a whole number", "'three'"),
    Case("formula headcount", "Staff", 1, {"headcount": "=1+2"}, "headcount",
         "be a whole number", "'=1+2'"),
    Case("missing headcount", "Staff", 2, {"headcount": ""}, "headcount", "be given",
         "an empty cell"),
    Case("huge headcount", "Staff", 1, {"headcount": "5000"}, "headcount",
         "be at most 1000 on one line", "5000"),
    Case("zero headcount with hours", "Staff", 2, {"headcount": "0"}, "headcount",
         "be more than 0 when hours are given", "0 people working 52.5 hours a week"),
    Case("zero headcount with half an hour", "Staff", 2, {"headcount": "0", "hours_per_week": "0.5"},
         "headcount", "be more than 0 when hours are given", "0 people working 0.5 hours a week"),
    # Staff sheet: hours and sessions
    Case("hours per head over 80", "Staff", 2, {"hours_per_week": "200"}, "hours_per_week",
         "be at most 80 hours a week per head (160 for 2)", "200 (100.0 per head)"),
    Case("FTE above what headcount can work", "Staff", 2, {"hours_per_week": "155"},
         "hours_per_week", "come to at most 2 FTE per head (2 people)", "155 hours = 4.13 FTE"),
    Case("sessions per head over 12", "Staff", 1, {"sessions_per_week": "40"},
         "sessions_per_week", "be at most 12 sessions a week per head (36 for 3)",
         "40 (13.3 per head)"),
    Case("hours and sessions both", "Staff", 1, {"hours_per_week": "10"},
         "sessions_per_week",
         "be empty when hours per week are given (give hours or sessions, not both)", "'22.5'"),
    Case("neither hours nor sessions", "Staff", 2, {"hours_per_week": ""}, "hours_per_week",
         "be given (or, for GPs, sessions per week)", "an empty cell"),
    Case("sessions for a nurse", "Staff", 2, {"hours_per_week": "", "sessions_per_week": "5"},
         "sessions_per_week",
         "be empty for NURSE_PRACTICE, which is not a GP role (give hours per week)", "'5'"),
    Case("negative hours", "Staff", 2, {"hours_per_week": "-7.5"}, "hours_per_week",
         "be 0 or more", "'-7.5'"),
    Case("not-a-number hours", "Staff", 2, {"hours_per_week": "nan"}, "hours_per_week",
         "be a finite number", "'nan'"),
    Case("overflowing hours", "Staff", 2, {"hours_per_week": "1e400"}, "hours_per_week",
         "be a finite number", "'1e400'"),
    Case("text hours", "Staff", 2, {"hours_per_week": "full time"}, "hours_per_week",
         "be a number", "'full time'"),
    # Staff sheet: age, sex, contract
    Case("unknown age band", "Staff", 1, {"age_band": "15-19"}, "age_band",
         "be an age band from the Lists sheet", "'15-19'"),
    Case("missing age band", "Staff", 1, {"age_band": ""}, "age_band", "be given",
         "an empty cell"),
    Case("unknown sex", "Staff", 1, {"sex": "X"}, "sex", "be F, M or U", "'X'"),
    Case("unknown contract", "Staff", 1, {"contract_type": "zero hours"}, "contract_type",
         "be a contract type from the Lists sheet", "'zero hours'"),
    Case("GP on a locum contract", "Staff", 1, {"contract_type": "locum"}, "contract_type",
         "not be 'locum' for a GP role (return GP locums on the Locums sheet)", "'locum'"),
    Case("junk text", "Staff", 1, {"role_code": "\u2603\x07\u202e"}, "role_code",
         "be a role code from the Lists sheet", "'\u2603?\\u202e'"),  # bidi control escaped
    # Vacancies sheet
    Case("zero vacancy", "Vacancies", 1, {"wte_vacant": "0"}, "wte_vacant",
         "be more than 0 and at most 100", "0.0"),
    Case("missing vacancy WTE", "Vacancies", 1, {"wte_vacant": ""}, "wte_vacant",
         "be given", "an empty cell"),
    Case("months open over 120", "Vacancies", 1, {"months_open": "121"}, "months_open",
         "be between 0 and 120", "121"),
    Case("fractional months", "Vacancies", 1, {"months_open": "2.5"}, "months_open",
         "be a whole number", "'2.5'"),
    Case("locum vacancy", "Vacancies", 1, {"role_code": "GP_LOCUM_VACANCY"}, "role_code",
         "be on the Locums sheet (GP locums are returned there)", "'GP_LOCUM_VACANCY'"),
    # Locums sheet
    Case("locum type not a locum", "Locums", 1, {"locum_type": "GP_SALARIED_BY_PRACTICE"},
         "locum_type", "be a locum type (GP_LOCUM_ABSENCE, GP_LOCUM_VACANCY, GP_LOCUM_OTHER)",
         "'GP_SALARIED_BY_PRACTICE'"),
    Case("locum sessions per head", "Locums", 1, {"sessions_per_week": "13"},
         "sessions_per_week", "be at most 12 sessions a week per head (12 for 1)",
         "13 (13.0 per head)"),
    Case("zero locums with sessions", "Locums", 1, {"headcount": "0"}, "headcount",
         "be more than 0 when sessions are given", "0 people working 2 sessions a week"),
    Case("negative locum sessions", "Locums", 1, {"sessions_per_week": "-2"},
         "sessions_per_week", "be 0 or more", "'-2'"),
    Case("locum bad sex", "Locums", 1, {"sex": "Z"}, "sex", "be F, M or U", "'Z'"),
    Case("negative locum headcount", "Locums", 1, {"headcount": "-1"}, "headcount",
         "be 0 or more", "-1"),
    Case("locum unknown age band", "Locums", 1, {"age_band": "15-19"}, "age_band",
         "be an age band from the Lists sheet", "'15-19'"),
    # Spend sheet (optional; issue 12 item 4)
    Case("negative locum spend", "Spend", 1, {"locum_spend_gbp": "-5"}, "locum_spend_gbp",
         "be 0 or more (pounds spent)", "'-5'"),
    Case("agency spend too large", "Spend", 1, {"agency_spend_gbp": "6000000"}, "agency_spend_gbp",
         "be at most £5,000,000 (one practice's spend in a quarter)", "£6,000,000.00"),
    Case("locum spend as words", "Spend", 1, {"locum_spend_gbp": "lots"}, "locum_spend_gbp",
         "be a number", "'lots'"),
    Case("agency spend not finite", "Spend", 1, {"agency_spend_gbp": "nan"}, "agency_spend_gbp",
         "be a finite number", "'nan'"),
    Case("spend with a decimal comma", "Spend", 1, {"locum_spend_gbp": "£1250,50"}, "locum_spend_gbp",
         "use a decimal point, not a comma (write 1250.50)", "'£1250,50'"),
]  # fmt: skip

_LIST_KEY = {
    "Staff": "staff",
    "Vacancies": "vacancies",
    "Locums": "locums",
    "Spend": "spend",
}
SPEND_LINE = {"locum_spend_gbp": "12500", "agency_spend_gbp": "3000.5"}


def base_dict() -> dict[str, object]:
    """The shared base return with its optional spend section filled."""
    return without_spend() | {"spend": [dict(SPEND_LINE)]}


def _apply(case: Case) -> dict[str, object]:
    data = copy.deepcopy(base_dict())
    if case.sheet == "Practice":
        data.update(case.cells)
    else:
        data[_LIST_KEY[case.sheet]][case.line - 1].update(case.cells)  # type: ignore[index]
    return data


def _rows(data: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    """Plain data as template rows, for writing the exact cells into XLSX and CSV files."""
    rows = {"Practice": [{k: data[k] for k in ("practice_code", "census_date")}]}
    for sheet, key in _LIST_KEY.items():
        rows[sheet] = list(data.get(key, []))  # type: ignore[call-overload]
    return rows


def _csv_line(data: dict[str, object], sheet: str, line: int | None) -> int:
    """Physical line of a row in the CSV form: header, practice, staff, vacancies, locums."""
    if sheet == "Practice":
        return 2
    before = 2
    for other, key in _LIST_KEY.items():
        if other == sheet:
            return before + (line or 0)
        before += len(data.get(key, []))  # type: ignore[arg-type]
    raise AssertionError(sheet)


def _only_issue(issues: tuple[Issue, ...]) -> Issue:
    assert len(issues) == 1, "\n".join(str(i) for i in issues)
    return issues[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_from_plain_data(case: Case) -> None:
    result = validate_return_dict(_apply(case), REGISTRY, TAXONOMY, file="form")
    issue = _only_issue(result.issues)
    assert result.ret is None
    spec = SHEETS_BY_NAME[case.sheet]
    assert issue.location.file == "form"
    assert issue.location.sheet == case.sheet
    assert issue.location.row == (1 if case.line is None else case.line)
    assert issue.location.column == (spec.field(case.column).header if case.column else None)
    assert issue.expected == case.must
    assert issue.found == case.got


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_from_xlsx_and_csv(case: Case) -> None:
    data = _apply(case)
    rows = _rows(data)
    spec = SHEETS_BY_NAME[case.sheet]
    xlsx = check_return_bytes(build_xlsx(rows, blank_rows=5), "r.xlsx", REGISTRY, TAXONOMY)
    x_issue = _only_issue(xlsx.issues)
    assert (x_issue.location.file, x_issue.location.sheet) == ("r.xlsx", case.sheet)
    assert x_issue.location.row == (case.line or 1) + 1  # below the header row
    assert x_issue.location.column == (spec.field(case.column).header if case.column else None)
    csv_res = check_return_bytes(build_csv(rows).encode(), "r.csv", REGISTRY, TAXONOMY)
    c_issue = _only_issue(csv_res.issues)
    assert (c_issue.location.file, c_issue.location.sheet) == ("r.csv", None)
    assert c_issue.location.row == _csv_line(data, case.sheet, case.line)
    assert c_issue.location.column == case.column
    assert x_issue.expected == c_issue.expected == case.must


def test_base_data_is_valid_by_every_path() -> None:
    data = base_dict()
    assert validate_return_dict(data, REGISTRY, TAXONOMY).ok
    rows = _rows(data)
    assert check_return_bytes(build_xlsx(rows), "r.xlsx", REGISTRY, TAXONOMY).ok
    assert check_return_bytes(build_csv(rows).encode(), "r.csv", REGISTRY, TAXONOMY).ok


@pytest.mark.parametrize(
    ("sheet", "extra", "what"),
    [
        ("staff", 0, "role, age band, sex and contract type (row 1 has GP_PARTNER_PROVIDER, "
         "45-49, F, partner)"),
        ("vacancies", 0, "role and months open (row 1 has GP_SALARIED_BY_PRACTICE, 4)"),
        ("locums", 0, "locum type, age band and sex (row 1 has GP_LOCUM_OTHER, Unknown, U)"),
    ],
)  # fmt: skip
def test_duplicate_lines_are_rejected_on_the_second(sheet: str, extra: int, what: str) -> None:
    data = base_dict()
    lines = data[sheet]
    lines.append(dict(lines[extra]))  # type: ignore[attr-defined]
    issue = _only_issue(validate_return_dict(data, REGISTRY, TAXONOMY).issues)
    assert issue.location.row == len(lines)  # type: ignore[arg-type]
    assert issue.expected == f"be the only line with the same {what}"
    assert issue.found == "a duplicate line"


def test_sessions_that_come_to_more_than_two_fte_a_head_under_wider_limits() -> None:
    """With a practice's own limit of 30 sessions a head, 90 sessions for 3 GPs pass the
    sessions check but come to 90 / 9 = 10 FTE, over 2 FTE a head (6 for 3 people)."""
    data = _apply(Case("wide", "Staff", 1, {"sessions_per_week": "90"}, None, "", ""))
    limits = ReturnLimits(max_sessions_per_head=30)
    issue = _only_issue(validate_return_dict(data, REGISTRY, TAXONOMY, limits=limits).issues)
    assert (issue.location.sheet, issue.location.row) == ("Staff", 1)
    assert issue.location.column == SHEETS_BY_NAME["Staff"].field("sessions_per_week").header
    assert issue.expected == "come to at most 2 FTE per head (3 people)"
    assert issue.found == "90 sessions = 10.00 FTE"
    # the control: 54 sessions (6 FTE, exactly 2 a head) are accepted
    ok = _apply(Case("wide", "Staff", 1, {"sessions_per_week": "54"}, None, "", ""))
    assert validate_return_dict(ok, REGISTRY, TAXONOMY, limits=limits).ok


def test_every_problem_is_reported_not_just_the_first() -> None:
    data = base_dict()
    data["practice_code"] = "NOPE1"
    data["staff"][0]["headcount"] = "-3"  # type: ignore[index]
    data["staff"][1]["sex"] = "?"  # type: ignore[index]
    data["vacancies"][0]["months_open"] = "999"  # type: ignore[index]
    data["locums"][0]["locum_type"] = "GP_LOCUM"  # type: ignore[index]
    issues = validate_return_dict(data, REGISTRY, TAXONOMY).issues
    assert [(i.location.sheet, i.location.row, i.location.column) for i in issues] == [
        ("Practice", 1, "Practice code"),
        ("Staff", 1, "Headcount"),
        ("Staff", 2, "Sex"),
        ("Vacancies", 1, "Months open"),
        ("Locums", 1, "Locum type"),
    ]


def test_census_date_must_match_the_collection() -> None:
    issue = _only_issue(
        validate_return_dict(
            base_dict(), REGISTRY, TAXONOMY, census_date=dt.date(2017, 12, 31)
        ).issues
    )
    assert issue.expected == "be the census date being collected, 2017-12-31"
    assert issue.found == "the date 2017-09-30"


def test_a_return_needs_staff() -> None:
    data = base_dict()
    data["staff"] = []
    issue = _only_issue(validate_return_dict(data, REGISTRY, TAXONOMY).issues)
    assert (issue.location.sheet, issue.expected) == ("Staff", "list at least one staff line")


def test_row_limit() -> None:
    data = base_dict()
    limits = ReturnLimits(max_rows=1)
    issue = _only_issue(validate_return_dict(data, REGISTRY, TAXONOMY, limits=limits).issues)
    assert (issue.location.sheet, issue.location.row) == ("Staff", 2)
    assert issue.expected == "have at most 1 data rows"


def test_known_practices_may_be_a_plain_set() -> None:
    assert validate_return_dict(base_dict(), {"C82001"}, TAXONOMY).ok
    issue = _only_issue(validate_return_dict(base_dict(), {"C99999"}, TAXONOMY).issues)
    assert issue.expected == "be the ODS code of a known practice"


def test_lenient_spellings_are_accepted() -> None:
    data = base_dict()
    data["census_date"] = "30/09/2017"
    data["practice_code"] = " c82001 "
    data["staff"][0].update(role_code="gp_partner_provider", sex="female", age_band="45 - 49")  # type: ignore[index]
    data["staff"][1]["contract_type"] = "Fixed term"  # type: ignore[index]
    result = validate_return_dict(data, REGISTRY, TAXONOMY)
    assert result.ok, result.issues
    assert result.ret is not None
    assert result.ret.practice_code == "C82001"
    assert result.ret.staff[0].role == "GP_PARTNER_PROVIDER"
    assert result.ret.staff[1].contract.value == "fixed_term"


def test_issue_prints_as_file_sheet_row_column_must_got() -> None:
    data = base_dict()
    data["staff"][0]["headcount"] = "-1"  # type: ignore[index]
    issue = _only_issue(validate_return_dict(data, REGISTRY, TAXONOMY, file="r.xlsx").issues)
    assert (
        str(issue) == "r.xlsx, sheet 'Staff', row 1, column 'Headcount': must be 0 or more, got -1"
    )


# Values exactly at each limit are accepted (the limits are inclusive; one step over is a case
# above). Staff line 1: 3 GPs; line 2: 2 nurses; Locums line 1: 1 locum.
BOUNDARIES = [
    ("headcount at the per-line limit", "Staff", 2, {"headcount": "1000"}),
    ("sessions at 12 per head", "Staff", 1, {"sessions_per_week": "36"}),
    ("hours at 2 FTE per head", "Staff", 2, {"hours_per_week": "150"}),
    ("zero hours", "Staff", 2, {"hours_per_week": "0"}),
    ("zero headcount and zero hours", "Staff", 2, {"headcount": "0", "hours_per_week": "0"}),
    ("locum sessions at 12 per head", "Locums", 1, {"sessions_per_week": "12"}),
    ("months open at 120", "Vacancies", 1, {"months_open": "120"}),
    ("months open 0", "Vacancies", 1, {"months_open": "0"}),
    ("vacancy WTE at the limit", "Vacancies", 1, {"wte_vacant": "100"}),
]


@pytest.mark.parametrize(
    ("sheet", "line", "cells"), [b[1:] for b in BOUNDARIES], ids=[b[0] for b in BOUNDARIES]
)
def test_values_at_a_limit_are_accepted(sheet: str, line: int, cells: dict[str, object]) -> None:
    data = _apply(Case("boundary", sheet, line, cells, None, "", ""))
    result = validate_return_dict(data, REGISTRY, TAXONOMY, file="form")
    assert result.issues == (), "\n".join(str(i) for i in result.issues)
    assert result.ret is not None


# ---- the optional spend section (issue 12 item 4) -------------------------------------------------
def _every_path(data: dict[str, object]) -> list[tuple[str, object]]:
    """The outcome of validating ``data`` as form data, as an XLSX and as a CSV file."""
    rows = _rows(data)
    return [
        ("form", validate_return_dict(data, REGISTRY, TAXONOMY)),
        ("xlsx", check_return_bytes(build_xlsx(rows, blank_rows=5), "r.xlsx", REGISTRY, TAXONOMY)),
        ("csv", check_return_bytes(build_csv(rows).encode(), "r.csv", REGISTRY, TAXONOMY)),
    ]


@pytest.mark.parametrize(
    ("cells", "locum", "agency"),
    [
        ({"locum_spend_gbp": "12500", "agency_spend_gbp": "3000.5"}, 12500.0, 3000.5),
        (
            {"locum_spend_gbp": "£1,250.50", "agency_spend_gbp": ""},
            1250.5,
            None,
        ),  # empty is not zero
        ({"locum_spend_gbp": "", "agency_spend_gbp": "0"}, None, 0.0),
        (
            {"locum_spend_gbp": "5000000", "agency_spend_gbp": "0.01"},
            5_000_000.0,
            0.01,
        ),  # the limit itself
    ],
)
def test_spend_is_read_as_pounds_by_every_path(
    cells: dict[str, str], locum: float | None, agency: float | None
) -> None:
    data = base_dict() | {"spend": [cells]}
    for path, result in _every_path(data):
        assert result.ok, (path, result.issues)  # type: ignore[attr-defined]
        spend = result.ret.spend  # type: ignore[attr-defined]
        assert (spend.locum_gbp, spend.agency_gbp) == (locum, agency), path


def test_a_return_without_the_spend_section_has_no_spend_by_every_path() -> None:
    for path, result in _every_path(without_spend()):
        assert result.ok and result.ret.spend is None, path  # type: ignore[attr-defined]


def test_files_made_before_the_spend_section_are_still_read() -> None:
    """A workbook with no Spend sheet and a CSV with no spend columns are accepted."""
    import io

    import openpyxl

    rows = _rows(without_spend())
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(rows, blank_rows=5)))
    del wb["Spend"]
    buf = io.BytesIO()
    wb.save(buf)
    result = check_return_bytes(buf.getvalue(), "old.xlsx", REGISTRY, TAXONOMY)
    assert result.ok and result.ret.spend is None, result.issues  # type: ignore[union-attr]
    header, *lines = build_csv(rows).splitlines()
    keep = [
        i
        for i, c in enumerate(header.split(","))
        if c not in ("locum_spend_gbp", "agency_spend_gbp")
    ]
    old = "\n".join(",".join(line.split(",")[i] for i in keep) for line in [header, *lines])
    assert "gbp" not in old
    result = check_return_bytes(old.encode(), "old.csv", REGISTRY, TAXONOMY)
    assert result.ok and result.ret.spend is None, result.issues  # type: ignore[union-attr]
    # a spend line in a CSV without the spend columns is named, not dropped
    old += "\nspend" + "," * (len(keep) - 1)
    issue = _only_issue(check_return_bytes(old.encode(), "old.csv", REGISTRY, TAXONOMY).issues)
    assert issue.location.column == "locum_spend_gbp"
    assert issue.expected == "be a column header in row 1 for a spend line"


def test_a_second_spend_line_is_refused() -> None:
    data = base_dict()
    data["spend"] = [dict(SPEND_LINE), {"locum_spend_gbp": "1"}]
    for path, result in _every_path(data):
        issue = _only_issue(result.issues)  # type: ignore[attr-defined]
        assert issue.expected == "have at most one spend line", path
        assert issue.found == "another line", path
        assert issue.location.sheet == ("Spend" if path != "csv" else None)
        assert issue.location.column is None
        # the second line: row 2 of the form's list, below the header in the workbook, and in
        # the CSV after the header, practice, 2 staff, 1 vacancy, 1 locum and the first spend line
        assert issue.location.row == {"form": 2, "xlsx": 3, "csv": 8}[path], path


def test_a_spend_line_with_neither_figure_names_the_locum_column() -> None:
    """Reachable when a line has only cells the reader ignores (a note column)."""
    from gpworkforce.returns.cells import RawReturn, RawRow, RawSheet
    from gpworkforce.returns.schema import SPEND
    from gpworkforce.returns.validate import raw_from_dict, validate_raw

    raw = raw_from_dict(base_dict(), file="form")
    sheets = dict(raw.sheets)
    sheets["Spend"] = RawSheet(
        SPEND, (RawRow(1, {"locum_spend_gbp": None, "agency_spend_gbp": " "}),), "Spend"
    )
    result = validate_raw(
        RawReturn(file="form", column_style="header", sheets=sheets, issues=()), REGISTRY, TAXONOMY
    )
    issue = _only_issue(result.issues)
    assert (issue.location.sheet, issue.location.row, issue.location.column) == (
        "Spend",
        1,
        "Locum spend (GBP)",
    )
    assert issue.found == "both empty"
    assert issue.expected == (
        "give the locum spend or the agency spend (or both), or leave the line out"
    )


def test_spend_limit_follows_the_limits() -> None:
    data = base_dict() | {"spend": [{"locum_spend_gbp": "1000.01"}]}
    tight = ReturnLimits(max_quarter_spend_gbp=1000)
    issue = _only_issue(validate_return_dict(data, REGISTRY, TAXONOMY, limits=tight).issues)
    assert issue.expected == "be at most £1,000 (one practice's spend in a quarter)"
    assert issue.found == "£1,000.01"
    loose = validate_return_dict(data | {"spend": [{"locum_spend_gbp": "1000"}]}, REGISTRY, TAXONOMY,
                                 limits=tight)  # fmt: skip
    assert loose.ok


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"locum_spend_gbp": "-1", "agency_spend_gbp": "5"}, None),  # one bad figure: no line
        ({"locum_spend_gbp": "5", "agency_spend_gbp": "5000000.01"}, None),
        ({"locum_spend_gbp": "x", "agency_spend_gbp": "5"}, None),
        ({"locum_spend_gbp": " £ 7 ", "agency_spend_gbp": None}, (7.0, None)),
        ({"locum_spend_gbp": None, "agency_spend_gbp": 0}, (None, 0.0)),
    ],
)
def test_spend_line_is_built_only_from_good_figures(
    cells: dict[str, object], expected: tuple[float | None, float | None] | None
) -> None:
    """The line rule on its own: a line with any refused figure gives no spend line (and the
    issue); good figures give exactly them."""
    from gpworkforce.domain.measures import DEFAULT_CONVENTION
    from gpworkforce.returns.cells import RawRow, RawSheet
    from gpworkforce.returns.rules import IssueSink, LineContext, spend_line
    from gpworkforce.returns.schema import DEFAULT_LIMITS, SPEND

    sink = IssueSink("form", "header")
    ctx = LineContext(TAXONOMY, DEFAULT_CONVENTION, DEFAULT_LIMITS, sink)
    sheet = RawSheet(SPEND, (), "Spend")
    line = spend_line(ctx, sheet, RawRow(1, cells))
    if expected is None:
        assert line is None and len(sink.issues) == 1
    else:
        assert line is not None and not sink.issues
        assert (line.locum_gbp, line.agency_gbp) == expected
