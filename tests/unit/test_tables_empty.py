"""``tables.empty``: built once per spec, but every caller gets a table of its own."""

from __future__ import annotations

import pandas as pd

from gpworkforce import tables


def test_empty_has_the_specs_columns_and_dtypes() -> None:
    for spec in (tables.WORKFORCE, tables.DEMOGRAPHY, tables.PATIENTS, tables.VACANCIES):
        frame = tables.empty(spec)
        assert list(frame.columns) == list(spec)
        assert {c: str(t) for c, t in frame.dtypes.items()} == dict(spec)
        assert frame.empty


def test_changing_one_empty_table_leaves_the_next_one_empty() -> None:
    first = tables.empty(tables.WORKFORCE)
    first["extra"] = pd.Series(dtype="Float64")
    first.loc[0] = ["A81001", pd.Timestamp("2024-09-30"), "GP", 1.0, 1.0, "x", 2.0]
    second = tables.empty(tables.WORKFORCE)
    assert second.empty
    assert list(second.columns) == list(tables.WORKFORCE)
