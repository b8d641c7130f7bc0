"""The rules the person-level workforce files share (``loaders/people.py``), used by the PCN and
the GPW individual-level loaders; expected figures counted by hand from the rows below."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders.people import (
    census_month,
    headcount,
    missing_fte_issues,
    strip_people,
    sum_people,
)

ROWS = pd.DataFrame(
    {
        "ORG": ["U1", "U1", "U1", "U2", "U2"],
        "UNIQUE_IDENTIFIER": pd.array(["7", "7", "8", " ", "9"], dtype="string"),
        "node": ["A", "B", "A", "A", "A"],
        "group": ["G", "G", "G", "G", "G"],
        "FTE": [0.5, 0.25, 1.0, 0.4, 0.2],
    }
)


def people() -> pd.DataFrame:
    frame = ROWS.copy()
    strip_people(frame, ["UNIQUE_IDENTIFIER"])
    return frame


def test_a_person_in_two_roles_counts_once_and_contracted_hours_make_it_unknown() -> None:
    frame = people()
    assert frame["UNIQUE_IDENTIFIER"].isna().tolist() == [False, False, False, True, False]
    got = headcount(frame, ["ORG", "group"])
    assert got[("U1", "G")] == 2  # persons 7 and 8; 7 holds two roles
    assert pd.isna(got[("U2", "G")])  # a row without a person: the headcount is not known


def test_sums_by_organisation_and_each_level() -> None:
    long = sum_people(people(), "ORG", ("node", "group"))
    got = {(r.practice_code, r.node): (round(r.fte, 6), r.headcount) for r in long.itertuples()}
    assert got[("U1", "A")] == (1.5, 2)
    assert got[("U1", "B")] == (0.25, 1)
    assert got[("U1", "G")] == (1.75, 2)
    assert got[("U2", "G")][0] == 0.6
    assert list(long.columns) == ["practice_code", "node", "fte", "headcount"]


def test_a_level_left_empty_leaves_the_row_out_of_that_level_only() -> None:
    frame = people().assign(node=["A", None, "A", "A", "A"])
    long = sum_people(frame, "ORG", ("node", "group"))
    assert ("U1", "B") not in set(zip(long["practice_code"], long["node"], strict=True))
    assert long.loc[(long["practice_code"] == "U1") & (long["node"] == "G"), "fte"].item() == 1.75


def test_a_missing_fte_is_named_by_row_and_column() -> None:
    frame = people()
    frame.loc[2, "FTE"] = float("nan")
    (issue,) = missing_fte_issues(frame, "f.csv")
    assert (issue.location.file, issue.location.row, issue.location.column) == ("f.csv", 4, "FTE")


def test_census_month_is_the_last_day_of_the_one_month_given() -> None:
    frame = pd.DataFrame({"Y": [2024.0, 2024.0], "M": [2.0, 2.0]})
    assert census_month(frame, "Y", "M", "f.csv", earliest=2015) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("years", "months"),
    [
        ([2024.0, 2024.0], [2.0, 3.0]),  # two months
        ([2024.5, 2024.5], [2.0, 2.0]),  # not a whole year
        ([2014.0, 2014.0], [2.0, 2.0]),  # before the earliest year
        ([2024.0, 2024.0], [13.0, 13.0]),  # no such month
        ([2024.0, None], [2.0, 2.0]),  # a row without a year
    ],
)
def test_census_month_refuses_anything_but_one_month(
    years: list[float | None], months: list[float]
) -> None:
    frame = pd.DataFrame({"Y": years, "M": months})
    with pytest.raises(ValidationFailed) as err:
        census_month(frame, "Y", "M", "f.csv", earliest=2015)
    assert "f.csv, column 'Y/M'" in str(err.value)
