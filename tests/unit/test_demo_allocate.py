"""Integer apportionment used by the demo generator."""

from __future__ import annotations

import pytest

from gpworkforce.demo.allocate import bounded_split, largest_remainder


def test_largest_remainder_hamilton_example() -> None:
    # 10 seats for 3 parties with 45%, 35%, 20%: quotas 4.5, 3.5, 2.0 -> 4 + 3 + 2, then the
    # leftover seat goes to the first of the two equal remainders (position breaks ties).
    assert largest_remainder([45, 35, 20], 10) == [5, 3, 2]


def test_largest_remainder_minimum_given_first() -> None:
    assert largest_remainder([100, 0, 0], 5, minimum=1) == [3, 1, 1]


def test_largest_remainder_all_zero_weights_share_equally() -> None:
    assert largest_remainder([0, 0, 0], 7) == [3, 2, 2]


def test_largest_remainder_rejects_total_below_minimum() -> None:
    with pytest.raises(ValueError, match="below"):
        largest_remainder([1, 1, 1], 2, minimum=1)


def test_bounded_split_respects_bounds_and_total() -> None:
    parts = bounded_split([1, 1, 10], 30, lo=8, hi=12)
    assert sum(parts) == 30
    assert all(8 <= p <= 12 for p in parts)
    assert parts[2] == 12  # the big desire is capped; the rest is shared


def test_bounded_split_infeasible_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sum"):
        bounded_split([1, 1], 30, lo=8, hi=12)


def test_bounded_split_follows_desire_when_unconstrained() -> None:
    assert bounded_split([1, 3], 40, lo=0, hi=100) == [10, 30]
