"""Spec: numbers written as text, one table for every reader (issue 10 item 3).

The same table is checked through the scalar parser, the vectorised column parser the loaders
use, a loader reading a CSV (the file, row and column named), the practice return's CSV and XLSX
readers and its web-form path (one located issue each).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import load_practice_year_gp_admin
from gpworkforce.loaders.tabular import NA_TOKENS
from gpworkforce.numbers import NotANumber, parse_number, parse_number_column
from gpworkforce.returns import check_return_bytes, validate_return_dict
from gpworkforce.returns.template import build_csv, build_xlsx
from returns_support import REGISTRY, TAXONOMY, base_dict

pytestmark = pytest.mark.spec

# text, thousands allowed?, the number or the words the refusal must contain
ACCEPTED = [
    ("37.5", False, 37.5),
    ("-2", False, -2.0),
    ("+7", False, 7.0),
    (".5", False, 0.5),
    ("5.", False, 5.0),
    ("1e3", False, 1000.0),
    (" 12 ", False, 12.0),
    ("0", False, 0.0),
    ("1,234", True, 1234.0),
    ("12,345.5", True, 12345.5),
    ("1,234,567", True, 1234567.0),
    ("-1,000", True, -1000.0),
]
REFUSED = [
    ("inf", False, "be a finite number"),
    ("-Infinity", False, "be a finite number"),
    ("nan", False, "be a finite number"),
    ("1e400", False, "be a finite number"),
    ("1,5", False, "use a decimal point, not a comma (write 1.5)"),
    ("1,5", True, "use a decimal point, not a comma (write 1.5)"),
    ("37,25", True, "use a decimal point, not a comma (write 37.25)"),
    ("1,500", False, "write 1500, or 1.500 for a decimal"),
    ("12,34,567", True, "thousands separators in the form 1,234,567"),
    ("1,234.5,6", True, "thousands separators in the form 1,234,567"),
    ("1,234.5", False, "without thousands separators"),
    ("3_6", False, "without underscores"),
    ("1_000", True, "without underscores"),
    ("\uff13\uff16", False, "digits 0-9"),  # full-width 36
    ("\u0663\u0666", False, "digits 0-9"),  # Arabic-Indic 36
    ("   ", False, "a cell of only spaces"),
    ("two", False, "be a number"),
    ("0x10", False, "be a number"),
    ("=1+2", False, "be a number"),
]


@pytest.mark.parametrize(("text", "thousands", "value"), ACCEPTED)
def test_accepted(text: str, thousands: bool, value: float) -> None:
    assert parse_number(text, thousands=thousands) == value


@pytest.mark.parametrize(("text", "thousands", "words"), REFUSED)
def test_refused(text: str, thousands: bool, words: str) -> None:
    why = parse_number(text, thousands=thousands)
    assert isinstance(why, NotANumber)
    assert words in f"{why.expected} {why.found}"


def test_grouped_text_without_thousands_is_refused_as_ambiguous() -> None:
    why = parse_number("1,234")
    assert isinstance(why, NotANumber)
    assert "write 1234, or 1.234" in why.expected


def test_column_parser_agrees_with_the_scalar_parser() -> None:
    cases = [(t, th) for t, th, _ in ACCEPTED + REFUSED]
    for thousands in (False, True):
        texts = [t for t, _ in cases] + ["", "NA", " NA ", "ND"]
        parsed = parse_number_column(
            pd.Series(texts, dtype="string"), na_tokens=NA_TOKENS, thousands=thousands
        )
        bad = dict(parsed.bad)
        for pos, text in enumerate(texts):
            if (text.strip() in NA_TOKENS and text.strip() != "") or text == "":
                assert np.isnan(parsed.values[pos]) and pos not in bad, text
                continue
            scalar = parse_number(text, thousands=thousands)
            if isinstance(scalar, NotANumber):
                assert bad[pos] == scalar, text
                assert np.isnan(parsed.values[pos])
            else:
                assert parsed.values[pos] == scalar and pos not in bad, text
        assert parsed.bad_count == len(bad)


# -- a loader: the file, row and column of each refused cell -----------------------------------

_GP_ADMIN_HEADER = (
    "Practice.Code,Year,TOTAL_PATIENTS,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE,TOTAL_ADMIN_FTE"
)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("inf", "be a finite number"),
        ("Infinity", "be a finite number"),
        ('"1,5"', "use a decimal point, not a comma (write 1.5)"),
        ("3_6", "without underscores"),
        ("\uff13\uff16", "digits 0-9"),
        ("   ", "a cell of only spaces"),
        ('"1,234"', "write 1234, or 1.234 for a decimal"),
    ],
)
def test_loader_names_file_row_and_column(tmp_path: Path, cell: str, words: str) -> None:
    path = tmp_path / "gp_admin.csv"
    path.write_text(
        f"{_GP_ADMIN_HEADER}\nC82001,2018,8000,5,4.5,10\nC82002,2018,9000,6,{cell},11\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(path)
    (issue,) = err.value.issues
    assert (issue.location.file, issue.location.row) == ("gp_admin.csv", 3)
    assert issue.location.column == "TOTAL_GP_EXTGL_FTE"
    assert words in f"{issue.expected} {issue.found}"


def test_loader_reads_plain_numbers_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "gp_admin.csv"
    path.write_text(f"{_GP_ADMIN_HEADER}\nC82001,2018,8000, 5 ,4.5e0,NA\n", encoding="utf-8")
    loaded = load_practice_year_gp_admin(path)
    fte = loaded.workforce.set_index("node").loc["GP_QUALIFIED", "fte"]
    assert fte == 4.5


# -- the practice return: forms, CSV and XLSX ------------------------------------------------


def _with_hours(text: object) -> dict[str, object]:
    data = copy.deepcopy(base_dict())
    data["staff"][1]["hours_per_week"] = text  # type: ignore[index]
    return data


def _rows(data: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    rows = {"Practice": [{k: data[k] for k in ("practice_code", "census_date")}]}
    for sheet, key in (("Staff", "staff"), ("Vacancies", "vacancies"), ("Locums", "locums")):
        rows[sheet] = list(data[key])  # type: ignore[call-overload]
    return rows


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("37,5", "use a decimal point, not a comma (write 37.5)"),
        ("3_7", "without underscores"),
        ("\uff13\uff17", "digits 0-9"),
        ("inf", "be a finite number"),
        ("12,34,567", "in the form 1,234,567"),
    ],
)
def test_return_refuses_the_same_texts_everywhere(text: str, words: str) -> None:
    data = _with_hours(text)
    form = validate_return_dict(data, REGISTRY, TAXONOMY, file="form")
    rows = _rows(data)
    xlsx = check_return_bytes(build_xlsx(rows, blank_rows=5), "r.xlsx", REGISTRY, TAXONOMY)
    csv = check_return_bytes(build_csv(rows).encode(), "r.csv", REGISTRY, TAXONOMY)
    for result in (form, xlsx, csv):
        (issue,) = result.issues
        assert result.ret is None
        assert words in issue.expected
        assert issue.location.column in ("Hours per week", "hours_per_week")


def test_return_accepts_thousands_in_the_published_form() -> None:
    data = _with_hours("1,050")  # 14 people x 75 hours
    data["staff"][1]["headcount"] = 14  # type: ignore[index]
    result = validate_return_dict(data, REGISTRY, TAXONOMY, file="form")
    assert result.issues == ()
    assert result.ret is not None
    assert result.ret.staff[1].hours_per_week == 1050.0


def test_return_formula_without_saved_result_is_named(tmp_path: Path) -> None:
    """A workbook whose formula has no cached value (written by a program that does not
    calculate): the cell is reported as that formula, not as an empty cell."""
    data = _with_hours(30)
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx(_rows(data), blank_rows=5)))
    sheet = book["Staff"]
    header = [c.value for c in sheet[1]]
    column = header.index("Hours per week") + 1
    sheet.cell(row=3, column=column, value="=10+20")  # openpyxl saves no result
    out = io.BytesIO()
    book.save(out)
    result = check_return_bytes(out.getvalue(), "r.xlsx", REGISTRY, TAXONOMY)
    (issue,) = result.issues
    assert (issue.location.sheet, issue.location.row) == ("Staff", 3)
    assert issue.location.column == "Hours per week"
    assert "the formula =10+20 with no saved result" in issue.found
    assert "open the workbook in Excel and save it" in issue.expected
