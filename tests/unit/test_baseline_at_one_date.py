"""``BaselineData.at`` keeps exactly the rows of its date: the same rows whether or not every row
is on that date (then the frame itself is kept, not copied), none of another date or none."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from baseline_fixtures import SEP16, SEP17, registry, workforce
from gpworkforce.baseline.data import BaselineData, SourceKind

SOURCE = "gpw-detailed:{d}:2018-01-01:f"


def _rows(dates: list[dt.date]) -> pd.DataFrame:
    return workforce(
        [("P00001", d, "GP_PARTNER", 1.0, 0.5 + i, SOURCE.format(d=d)) for i, d in enumerate(dates)]
    )


def test_at_keeps_the_rows_of_its_date_only() -> None:
    rows = _rows([SEP16, SEP17, SEP16])
    at = BaselineData(workforce=rows, registry=registry(), source=SourceKind.GPW).at(SEP16)
    expected = rows.loc[rows["period"] == pd.Timestamp(SEP16)].reset_index(drop=True)
    pd.testing.assert_frame_equal(at.workforce.reset_index(drop=True), expected)
    assert list(at.workforce["fte"]) == [0.5, 2.5]


def test_at_a_date_every_row_is_on_keeps_the_table_itself() -> None:
    rows = _rows([SEP17, SEP17])
    data = BaselineData(workforce=rows, registry=registry(), source=SourceKind.GPW)
    at = data.at(SEP17)
    pd.testing.assert_frame_equal(at.workforce, rows)
    assert at.workforce is data.select().workforce  # not copied
    assert at.at(SEP16).workforce.empty  # another date: none
