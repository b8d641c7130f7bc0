"""Spec: what a GPW practice-year file must hold (issue 10, item 5): practice codes in the ODS
practice format, Years GPW can have published, at least one row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import load_practice_year_gp_admin

pytestmark = pytest.mark.spec

HEADER = "Practice.Code,Year,TOTAL_PATIENTS,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE,TOTAL_ADMIN_FTE"
NEXT_YEAR = dt.date.today().year + 1


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("XXXXXXXXX,2018,8000,5,4.5,10", "Practice.Code", "a letter and five digits"),
        ("03W,2018,8000,5,4.5,10", "Practice.Code", "a GP practice's ODS code"),
        ("C82001,1999,8000,5,4.5,10", "Year", "from 2016"),
        ("C82001,2015,8000,5,4.5,10", "Year", "September 2015"),
        (f"C82001,{NEXT_YEAR + 1},8000,5,4.5,10", "Year", f"to {NEXT_YEAR}"),
    ],
)
def test_refused_cell(tmp_path: Path, row: str, column: str, words: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"{HEADER}\nC82002,2018,9000,6,5,11\n{row}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(path)
    (issue,) = err.value.issues
    assert (issue.location.row, issue.location.column) == (3, column)
    assert words in issue.expected


def test_header_only_file_is_not_a_dataset(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(path)
    (issue,) = err.value.issues
    assert issue.expected == "hold at least one practice row"
    assert issue.location.row == 2


def test_the_accepted_range(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"{HEADER}\nC82001,2016,8000,5,4.5,10\nY02345,{NEXT_YEAR},1,1,1,1\n")
    loaded = load_practice_year_gp_admin(path)
    assert set(loaded.workforce["practice_code"]) == {"C82001", "Y02345"}
