"""``tables.factorize`` (decision 0135) gives exactly ``pd.factorize``'s codes and uniques: for
text columns whose cells share string objects (as the parsed store expands them from Parquet
dictionaries), hold equal text in distinct objects, or hold missing values of several kinds;
with and without the NA sentinel; and for columns it leaves to pandas (dates, numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce import tables

TEXT = ["A81001", "B82003", "GP", "NURSE", "gpw:2024-09-30:2024-11-01:ab12", ""]


def _distinct_copy(text: str) -> str:
    """``text`` as a new string object (equal, not identical)."""
    return "".join(list(text))  # (the empty string is one object: never a copy)


cell = st.one_of(
    st.sampled_from(TEXT),  # shared objects, as the store's dictionary expansion gives
    st.sampled_from(TEXT).map(_distinct_copy),  # equal text in another object
    st.just(None),
)


def _same(got: tuple, want: tuple) -> None:
    codes, uniques = got
    want_codes, want_uniques = want
    np.testing.assert_array_equal(codes, want_codes)
    assert codes.dtype == want_codes.dtype
    assert type(uniques) is type(want_uniques)
    assert uniques.dtype == want_uniques.dtype
    assert pd.Index(uniques).equals(pd.Index(want_uniques))  # (NA equal to NA)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(cell, max_size=60),
    sentinel=st.booleans(),
    dtype=st.sampled_from(["string", "object"]),
)
def test_equals_pandas_factorize(cells: list[str | None], sentinel: bool, dtype: str) -> None:
    values = pd.Series(cells, dtype=dtype)
    _same(
        tables.factorize(values, use_na_sentinel=sentinel),
        pd.factorize(values, use_na_sentinel=sentinel),
    )


@settings(max_examples=100, deadline=None)
@given(
    cells=st.lists(cell, min_size=1, max_size=60), start=st.integers(0, 5), step=st.integers(1, 3)
)
def test_equals_pandas_on_a_slice_of_a_frame(
    cells: list[str | None], start: int, step: int
) -> None:
    """Rows chosen from a frame (a copy of some of its cells), as the analyses factorise them."""
    frame = pd.DataFrame({"code": pd.array(cells, dtype="string"), "n": range(len(cells))})
    part = frame.loc[frame["n"] % step == 0].iloc[start:]
    _same(
        tables.factorize(part["code"], use_na_sentinel=False),
        pd.factorize(part["code"], use_na_sentinel=False),
    )


def test_missing_values_of_several_kinds_share_one_code() -> None:
    values = pd.Series(["a", None, float("nan"), pd.NA, "a", float("nan")], dtype=object)
    for sentinel in (True, False):
        _same(
            tables.factorize(values, use_na_sentinel=sentinel),
            pd.factorize(values, use_na_sentinel=sentinel),
        )


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(pd.to_datetime(["2024-09-30", None, "2023-09-30", "2024-09-30"])),
        pd.Series([1.5, np.nan, 1.5, 2.0]),
        pd.Series(pd.array(["a", None, "a"], dtype="string[pyarrow]")),
        pd.Series([], dtype="string"),
    ],
)
def test_other_columns_are_left_to_pandas(values: pd.Series) -> None:
    for sentinel in (True, False):
        _same(
            tables.factorize(values, use_na_sentinel=sentinel),
            pd.factorize(values, use_na_sentinel=sentinel),
        )


def test_cells_sharing_objects_take_the_object_path() -> None:
    """The store's expansion: one object per distinct code, repeated (the fast path is taken,
    and a wrong numbering of objects would change the codes)."""
    distinct = np.array(["C82001", "C82002", None, "C82003"], dtype=object)
    codes = np.array([1, 1, 0, 3, 2, 0, 1, 3, 3, 2])
    values = pd.Series(pd.array(distinct.take(codes), dtype="string"))
    assert tables._object_cells(values) is not None
    _same(tables.factorize(values), pd.factorize(values))
    _same(
        tables.factorize(values, use_na_sentinel=False),
        pd.factorize(values, use_na_sentinel=False),
    )
