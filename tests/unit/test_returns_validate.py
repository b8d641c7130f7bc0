"""The validator's own rules and plumbing (``returns/validate.py``) beyond the spec table in
``tests/spec/test_returns_rules.py``: the Practice sheet's row count, which date the opening check
uses, malformed plain data, the options passed through, and what a valid return carries.

Expected messages and figures are written out by hand from ``docs/returns.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from gpworkforce.domain.measures import FteConvention
from gpworkforce.errors import ValidationFailed
from gpworkforce.returns.cells import RawRow, RawSheet
from gpworkforce.returns.schema import PRACTICE, ReturnLimits
from gpworkforce.returns.validate import raw_from_dict, validate_raw, validate_return_dict
from returns_support import REGISTRY, TAXONOMY, base_dict


def where(issue: object) -> tuple[object, ...]:
    loc = issue.location  # type: ignore[attr-defined]
    return (loc.sheet, loc.row, loc.column, issue.expected, issue.found)  # type: ignore[attr-defined]


def test_a_valid_return_carries_its_source() -> None:
    raw = raw_from_dict(base_dict(), file="alpha.xlsx")
    result = validate_raw(raw, REGISTRY, TAXONOMY, sha256="ab" * 32)
    assert result.ok and result.issues == ()
    ret = result.unwrap()
    assert (ret.practice_code, ret.census_date) == ("C82001", dt.date(2017, 9, 30))
    assert [s.role for s in ret.staff] == ["GP_PARTNER_PROVIDER", "NURSE_PRACTICE"]
    assert [(v.role, v.months_open) for v in ret.vacancies] == [("GP_SALARIED_BY_PRACTICE", 4)]
    assert [lc.locum_type for lc in ret.locums] == ["GP_LOCUM_OTHER"]
    src = ret.source
    assert (src.publisher, src.dataset, src.period) == ("C82001", "practice-return", "2017-09-30")
    assert (src.file_name, src.sha256) == ("alpha.xlsx", "ab" * 32)


def test_unwrap_raises_with_every_issue_and_the_summary() -> None:
    data = base_dict()
    data["census_date"] = "2017-09-29"
    result = validate_return_dict(data, REGISTRY, TAXONOMY)
    assert not result.ok and result.ret is None
    with pytest.raises(ValidationFailed) as default:
        result.unwrap()
    assert str(default.value).startswith("the practice return was rejected: 1 problem\n")
    with pytest.raises(ValidationFailed) as custom:
        result.unwrap("upload refused")
    assert custom.value.summary == "upload refused"
    assert tuple(custom.value.issues) == result.issues


def _with_practice_rows(*rows: RawRow):  # type: ignore[no-untyped-def]
    raw = raw_from_dict(base_dict())
    sheets = {**raw.sheets, PRACTICE.name: RawSheet(PRACTICE, rows, "Practice")}
    return dataclasses.replace(raw, sheets=sheets)


def test_the_practice_sheet_has_exactly_one_data_row() -> None:
    empty = validate_raw(_with_practice_rows(), REGISTRY, TAXONOMY)
    assert [where(i) for i in empty.issues] == [
        ("Practice", None, None, "give the practice code and census date", "no data row")
    ]
    good = {"practice_code": "C82001", "census_date": "2017-09-30"}
    two = validate_raw(_with_practice_rows(RawRow(2, good), RawRow(3, good)), REGISTRY, TAXONOMY)
    assert [where(i) for i in two.issues] == [
        ("Practice", 3, None, "have exactly one data row", "another row")
    ]


def test_a_practice_that_is_not_yet_open_is_checked_on_the_date_given() -> None:
    # C82004 opens on 2018-01-01. A date that is not a quarter end is still the date it is checked
    # on; a cell that is not a date at all gives no date to check it on.
    data = base_dict()
    data.update(practice_code="C82004", census_date="2017-09-29")
    issues = validate_return_dict(data, REGISTRY, TAXONOMY).issues
    assert [where(i) for i in issues] == [
        (
            "Practice",
            1,
            "Census date",
            "be a quarter end (31 March, 30 June, 30 September or 31 December)",
            "the date 2017-09-29",
        ),
        (
            "Practice",
            1,
            "Practice code",
            "be a practice open on 2017-09-29 (C82004 opened on 2018-01-01)",
            "'C82004'",
        ),
    ]
    data["census_date"] = "soon"
    issues = validate_return_dict(data, REGISTRY, TAXONOMY).issues
    assert [i.location.column for i in issues] == ["Census date"]


def test_malformed_plain_data_is_reported_not_raised() -> None:
    data = base_dict()
    data["vacancies"] = "GP, 1, 4"  # text, not a list of lines
    locum = data["locums"][0]  # type: ignore[index]
    data["locums"] = ["GP_LOCUM_OTHER", locum]  # a line that is not a mapping of cells, then one
    staff = data["staff"]
    data["staff"] = [{}, staff[0], {"role_code": "  "}, staff[1]]  # type: ignore[index]
    raw = raw_from_dict(data, file="form")
    assert [(i.location.sheet, i.location.row, i.expected, i.found) for i in raw.issues] == [
        ("Vacancies", None, "be a list of lines", "'GP, 1, 4'"),
        ("Locums", 1, "be a line of cells", "'GP_LOCUM_OTHER'"),
    ]
    assert [i.location.file for i in raw.issues] == ["form", "form"]
    # empty lines are skipped; the others keep the number of their place in the list
    assert [r.row for r in raw.sheets["Staff"].rows] == [2, 4]
    assert [r.row for r in raw.sheets["Locums"].rows] == [2]
    assert raw.column_style == "header"  # columns named by their headings unless told otherwise
    result = validate_return_dict(data, REGISTRY, TAXONOMY)
    assert [(i.location.sheet, i.expected) for i in result.issues] == [
        ("Vacancies", "be a list of lines"),
        ("Locums", "be a line of cells"),
    ]


def test_missing_line_lists_are_empty_sheets() -> None:
    data = base_dict()
    del data["vacancies"], data["locums"]
    result = validate_return_dict(data, REGISTRY, TAXONOMY)
    assert result.ok, result.issues
    assert result.unwrap().vacancies == () and result.unwrap().locums == ()
    data["staff"] = None
    issues = validate_return_dict(data, REGISTRY, TAXONOMY).issues
    assert [(i.location.sheet, i.location.row, i.expected, i.found) for i in issues] == [
        ("Staff", None, "list at least one staff line", "no lines")
    ]


def test_options_reach_the_rules() -> None:
    # 2 nurses at 52.5 hours a week: 1.4 FTE at 37.5 hours per FTE, but 5.25 FTE at 10 hours,
    # over the 2 FTE a head allows (4 for 2 people)
    short_week = FteConvention(hours_per_fte=10)
    issues = validate_return_dict(base_dict(), REGISTRY, TAXONOMY, convention=short_week).issues
    assert [(i.location.row, i.expected, i.found) for i in issues] == [
        (2, "come to at most 2 FTE per head (2 people)", "52.5 hours = 5.25 FTE")
    ]
    # column names in the input's style: the field key for a CSV written with keys
    data = base_dict()
    data["staff"][0]["headcount"] = "-1"  # type: ignore[index]
    keyed = validate_return_dict(data, REGISTRY, TAXONOMY, style="key", file="r.csv").issues
    assert [(i.location.file, i.location.column) for i in keyed] == [("r.csv", "headcount")]
    # the row limit applies to every line sheet, one issue on the first row over it
    data = base_dict()
    data["vacancies"] = [
        {"role_code": "GP_SALARIED_BY_PRACTICE", "wte_vacant": "1", "months_open": str(m)}
        for m in (1, 2, 3)
    ]
    limits = ReturnLimits(max_rows=2)
    issues = validate_return_dict(data, REGISTRY, TAXONOMY, limits=limits).issues
    assert [where(i) for i in issues] == [
        ("Vacancies", 3, None, "have at most 2 data rows", "3 or more")
    ]


def test_a_registry_entry_that_is_not_a_practice() -> None:
    data = base_dict()
    data["practice_code"] = "03w"
    issues = validate_return_dict(data, REGISTRY, TAXONOMY).issues
    assert [(i.expected, i.found) for i in issues] == [
        ("be a practice code (03W is a sub_icb)", "'03w'")
    ]


def test_census_and_registry_messages_in_full() -> None:
    other_quarter = validate_return_dict(
        base_dict(), REGISTRY, TAXONOMY, census_date=dt.date(2017, 12, 31)
    ).issues
    assert [where(i) for i in other_quarter] == [
        (
            "Practice",
            1,
            "Census date",
            "be the census date being collected, 2017-12-31",
            "the date 2017-09-30",
        )
    ]
    data = base_dict()
    data["practice_code"] = "C99999"
    unknown = validate_return_dict(data, REGISTRY, TAXONOMY).issues
    assert [where(i) for i in unknown] == [
        (
            "Practice",
            1,
            "Practice code",
            "be the ODS code of a practice in the registry",
            "'C99999'",
        )
    ]


def test_vacancies_for_one_role_open_for_different_times_are_not_duplicates() -> None:
    data = base_dict()
    data["vacancies"] = [
        {"role_code": "GP_SALARIED_BY_PRACTICE", "wte_vacant": "1", "months_open": "4"},
        {"role_code": "GP_SALARIED_BY_PRACTICE", "wte_vacant": "0.5", "months_open": "6"},
    ]
    result = validate_return_dict(data, REGISTRY, TAXONOMY)
    assert result.ok, result.issues
    assert [v.months_open for v in result.unwrap().vacancies] == [4, 6]


@pytest.mark.parametrize(
    ("today", "census", "latest"),
    [
        (dt.date(2026, 12, 5), "2027-03-31", "2026-12-31"),  # one quarter ahead
        (dt.date(2026, 12, 5), "2031-03-31", "2026-12-31"),  # years ahead
        (dt.date(2026, 12, 31), "2027-06-30", "2027-03-31"),  # on a quarter end: the next one
        (dt.date(2026, 12, 30), "2027-03-31", "2026-12-31"),
    ],
)
def test_a_census_date_after_the_next_quarter_end_is_refused(
    today: dt.date, census: str, latest: str
) -> None:
    data = base_dict()
    data["census_date"] = census
    issues = validate_return_dict(data, REGISTRY, TAXONOMY, today=today).issues
    assert [where(i) for i in issues] == [
        (
            "Practice",
            1,
            "Census date",
            f"be a census date no later than {latest}, the next quarter end after today",
            f"the date {census}",
        )
    ]


@pytest.mark.parametrize(
    ("today", "census"),
    [
        (dt.date(2026, 12, 5), "2026-12-31"),  # the next quarter end itself
        (dt.date(2026, 12, 31), "2027-03-31"),  # today a quarter end: the one after is next
        (dt.date(2026, 12, 31), "2026-12-31"),
        (dt.date(2026, 12, 5), "2017-09-30"),
    ],
)
def test_a_census_date_up_to_the_next_quarter_end_is_accepted(today: dt.date, census: str) -> None:
    data = base_dict()
    data["census_date"] = census
    assert validate_return_dict(data, REGISTRY, TAXONOMY, today=today).ok
