"""The fast CSV column path writes exactly what the cell-by-cell path writes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.exports import _cell_text, column_cells, column_texts

pytestmark = pytest.mark.property

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
words = st.sampled_from(["A81001", "=SUM(A1)", "+1", "TOTAL", "", " -x", "ICB QK1"])
dates = st.sampled_from([dt.date(2024, 3, 31), dt.date(2025, 4, 30), None])


def slow(series: pd.Series, decimals: int | None) -> list[str]:
    return [_cell_text(cell, decimals) for cell in column_cells(series)]


@given(st.lists(floats, min_size=1, max_size=60), st.sampled_from([None, 0, 2, 3]))
def test_numbers(values: list[float], decimals: int | None) -> None:
    series = pd.Series(values, dtype="float64")
    assert column_texts(series, decimals) == slow(series, decimals)


@given(st.lists(st.one_of(words, dates), min_size=1, max_size=80), st.sampled_from([None, 2]))
def test_labels_and_dates(values: list[object], decimals: int | None) -> None:
    series = pd.Series(values * 5, dtype=object)  # repeated: the distinct-value path is taken
    assert column_texts(series, decimals) == slow(series, decimals)


def test_missing_labels_are_blank() -> None:
    series = pd.Series(["a", None, np.nan, "a", "a", "a", "a", "a", "a"], dtype=object)
    assert column_texts(series, None) == ["a", "", "", "a", "a", "a", "a", "a", "a"]
