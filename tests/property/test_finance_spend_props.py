"""Spend actuals: the quarterly totals are the sum of their parts, whatever the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.finance.spend import SpendRow, quarterly

QUARTERS = [dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30)]
amount = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False))


@st.composite
def spend_rows(draw: Any) -> list[SpendRow]:
    cells = draw(st.sets(st.tuples(st.integers(0, 5), st.integers(0, 2)), min_size=1, max_size=15))
    rows = []
    for practice, q in sorted(cells):
        locum, agency = draw(amount), draw(amount)
        if locum is None and agency is None:
            locum = 0.0
        rows.append(
            SpendRow(
                practice=f"C8200{practice}",
                quarter_end=QUARTERS[q],
                locum_gbp=locum,
                agency_gbp=agency,
            )
        )
    return rows


@given(spend_rows())
def test_quarterly_totals_are_the_sum_of_their_parts(rows: list[SpendRow]) -> None:
    q = quarterly(rows)
    assert list(q["practices"]) == [
        sum(1 for r in rows if r.quarter_end == d) for d in q["quarter_end"]
    ]
    assert q["total_gbp"].tolist() == pytest.approx((q["locum_gbp"] + q["agency_gbp"]).tolist())
    all_locum = sum(r.locum_gbp or 0.0 for r in rows)
    all_agency = sum(r.agency_gbp or 0.0 for r in rows)
    assert q["locum_gbp"].sum() == pytest.approx(all_locum)
    assert q["agency_gbp"].sum() == pytest.approx(all_agency)
