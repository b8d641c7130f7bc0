"""A practice map's codes must have the format of their tier (issue 10, item 5): a practice code
where an ICB's should be, or a 7-character sub-ICB code, is refused with row and column.

The map is the real January 2022 extract (../shared/data), its first rows edited; every row of
the real 2020 and 2022 maps has these formats (so both still load, tested elsewhere)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders.registry_files import read_practice_map

pytestmark = pytest.mark.integration

MAP = "nhs/gp_reg_pat_prac_map_2022-01.csv"


def edited(shared_data: Path, tmp_path: Path, edits: dict[tuple[int, str], str]) -> Path:
    with (shared_data / MAP).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))[:5]
    for (index, column), value in edits.items():
        rows[index][column] = value
    path = tmp_path / "map.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_real_rows_load(shared_data: Path, tmp_path: Path) -> None:
    found = read_practice_map(edited(shared_data, tmp_path, {}))
    assert len(found.frame) == 5


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("PRACTICE_CODE", "QK1", "a letter and five digits"),
        ("PCN_CODE", "U1", "U and five digits"),
        ("CCG_CODE", "XXXXXXX", "three or five letters or digits"),
        ("STP_CODE", "C82001", "Q and two letters or digits"),
        ("COMM_REGION_CODE", "QK1", "Y and two digits"),
    ],
)
def test_a_code_of_another_format_is_refused_with_row_and_column(
    shared_data: Path, tmp_path: Path, column: str, value: str, words: str
) -> None:
    path = edited(shared_data, tmp_path, {(2, column): value})
    with pytest.raises(ValidationFailed) as info:
        read_practice_map(path)
    [issue] = info.value.issues
    assert (issue.location.row, issue.location.column) == (4, column)  # header = row 1
    assert words in issue.expected and repr(value) == issue.found
