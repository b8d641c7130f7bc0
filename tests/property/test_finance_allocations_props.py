"""Allocations on random tables: the derived figures against plain arithmetic, totals = parts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.finance.allocations import ALL_ORGS, FundingRow, Thresholds, derive

money = st.floats(0, 1e6, allow_nan=False)


@st.composite
def tables(draw: Any) -> list[FundingRow]:
    orgs = draw(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=4, unique=True))
    years = draw(
        st.lists(
            st.sampled_from(["2017/18", "2018/19", "2019/20"]), min_size=1, max_size=3, unique=True
        )
    )
    return [
        FundingRow(
            organisation=o,
            financial_year=y,
            allocation=draw(st.floats(1, 1e7)),
            delegated=draw(money),
            discretionary=draw(money),
            other=draw(st.dictionaries(st.sampled_from(["x", "y"]), money, max_size=2)),
        )
        for o in orgs
        for y in years
    ]


@given(tables(), st.floats(0.05, 0.15), st.floats(0, 0.05), st.floats(1e4, 2e5))
def test_derived_figures_and_totals(
    rows: list[FundingRow], minimum: float, extra: float, cost: float
) -> None:
    th = Thresholds(minimum=minimum, aspiration=min(minimum + extra, 0.99))
    frame = derive(rows, th, {"r": cost})
    by = {(r["organisation"], r["financial_year"]): r for r in frame.to_dict("records")}
    for r in rows:
        got = by[(r.organisation, r.financial_year)]
        spend = r.delegated + r.discretionary + sum(r.other.values())
        assert got["total_primary_care_spend_gbp_thousands"] == pytest.approx(spend)
        assert got["spend_share_pct"] == pytest.approx(100 * spend / r.allocation)
        assert (got["meets_minimum"] == "yes") == (spend / r.allocation >= th.minimum)
        head = spend - th.aspiration * r.allocation
        assert got["headroom_to_aspiration_gbp_thousands"] == pytest.approx(head, abs=1e-6)
        assert got["headroom_to_aspiration_wte_r"] == pytest.approx(head * 1000 / cost, abs=1e-6)
    for year in {r.financial_year for r in rows}:
        these = [r for r in rows if r.financial_year == year]
        if len(these) < 2:
            assert (ALL_ORGS, year) not in by
            continue
        total = by[(ALL_ORGS, year)]
        assert total["allocation_gbp_thousands"] == pytest.approx(sum(r.allocation for r in these))
        assert total["total_primary_care_spend_gbp_thousands"] == pytest.approx(
            sum(by[(r.organisation, year)]["total_primary_care_spend_gbp_thousands"] for r in these)
        )
