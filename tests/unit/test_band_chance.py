"""The chance of reaching a target read from an evaluated band (decision 0156): the distribution
function linear between the band's quantiles, only a bound beyond its outermost ones. By hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.forecast.evaluated_band import band_at_target, chance_of_reaching

BAND = {0.025: 90.0, 0.1: 95.0, 0.5: 100.0, 0.9: 110.0, 0.975: 120.0}


@pytest.mark.parametrize(
    ("target", "chance", "bound"),
    [
        (100.0, 0.5, ""),  # at the median
        (105.0, 0.3, ""),  # halfway from P50 to P90: F = 0.5 + 0.5 x 0.4 = 0.7
        (92.5, 0.9375, ""),  # halfway from P2.5 to P10: F = 0.0625
        (110.0, 0.1, ""),  # at P90
        (90.0, 0.975, ">="),  # at or below P2.5: the band says only "at least 97.5%"
        (80.0, 0.975, ">="),
        (121.0, 0.025, "<="),  # above P97.5: at most 2.5%
    ],
)
def test_chance_between_and_beyond_the_quantiles(target: float, chance: float, bound: str) -> None:
    got, how = chance_of_reaching(BAND, target)
    assert got == pytest.approx(chance) and how == bound


def test_a_band_without_its_outer_quantiles_bounds_at_p10_and_p90() -> None:
    inner = {0.1: 95.0, 0.5: 100.0, 0.9: 110.0}
    assert chance_of_reaching(inner, 94.0) == (pytest.approx(0.9), ">=")
    assert chance_of_reaching(inner, 111.0) == (pytest.approx(0.1), "<=")


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"date": dt.date(2025, 3, 31), "years_ahead": 1, "central": 100.0,
             "p10": 95.0, "p50": 100.0, "p90": 110.0},
            {"date": dt.date(2026, 3, 31), "years_ahead": 2, "central": 200.0,
             "p10": 180.0, "p50": 200.0, "p90": 220.0},
            {"date": dt.date(2027, 3, 31), "years_ahead": 3, "central": 300.0,
             "p10": float("nan"), "p50": float("nan"), "p90": float("nan")},
        ]
    )  # fmt: skip


def test_the_band_row_nearest_the_target_date_is_read() -> None:
    at = band_at_target(_frame(), dt.date(2026, 1, 1), 210.0)  # nearest: 31 March 2026
    assert at is not None and at.years_ahead == 2
    assert (at.p10, at.p50, at.p90) == (180.0, 200.0, 220.0)
    assert at.chance == pytest.approx(0.3) and at.chance_text() == "30%"


def test_no_chance_is_read_beyond_the_evaluated_horizons() -> None:
    assert band_at_target(_frame(), dt.date(2027, 3, 31), 250.0) is None


def test_bounds_are_said_as_bounds() -> None:
    low = band_at_target(_frame(), dt.date(2025, 3, 31), 90.0)
    assert low is not None and low.chance_text() == "90% or more"
    high = band_at_target(_frame(), dt.date(2025, 3, 31), 130.0)
    assert high is not None and high.chance_text() == "10% or less"


def test_an_undated_band_gives_no_target_reading() -> None:
    """HEE linear without a baseline date: the band has no dates (apply_band drops the empty
    column), so there is no target date to read it at."""
    undated = _frame().drop(columns=["date"])
    assert band_at_target(undated, dt.date(2026, 3, 31), 210.0) is None
