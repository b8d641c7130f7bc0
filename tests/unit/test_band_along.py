"""The evaluated band along a forecast path (decision 0166): each quantile's ratio to the
central case is 1 at the start, the band's own at its whole years, and straight in time between;
no band before the start, after the last whole year banded, or from a year without a band.
Hand-worked figures."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from gpworkforce.forecast.evaluated_band import band_along

D = dt.date
BAND = pd.DataFrame(
    [
        # ratios 0.9 / 1.0 / 1.1 one year ahead, 0.8 / 0.95 / 1.2 two years ahead
        {"date": D(2021, 1, 1), "years_ahead": 1, "central": 100.0, "p10": 90.0, "p50": 100.0, "p90": 110.0},
        {"date": D(2022, 1, 1), "years_ahead": 2, "central": 200.0, "p10": 160.0, "p50": 190.0, "p90": 240.0},
        {"date": D(2023, 1, 1), "years_ahead": 3, "central": 300.0, "p10": math.nan, "p50": math.nan, "p90": math.nan},
    ]
)  # fmt: skip


def test_hand_worked_points() -> None:
    points = [
        (D(2020, 1, 1), 50.0),  # the start: no width
        (D(2020, 7, 2), 80.0),  # half way through 2020 (a leap year, 183 of 366 days)
        (D(2021, 1, 1), 100.0),  # the band's own year
        (D(2022, 1, 1), 210.0),  # another central: the band's ratios times it
        (D(2022, 4, 1), 220.0),  # after the last banded year: none
        (D(2019, 12, 31), 49.0),  # before the start: none
    ]
    out = band_along(points, D(2020, 1, 1), BAND)
    assert out[0] == pytest.approx({"p10": 50.0, "p50": 50.0, "p90": 50.0})
    assert out[1] == pytest.approx({"p10": 80 * 0.95, "p50": 80.0, "p90": 80 * 1.05})
    assert out[2] == pytest.approx({"p10": 90.0, "p50": 100.0, "p90": 110.0})
    assert out[3] == pytest.approx({"p10": 168.0, "p50": 199.5, "p90": 252.0})
    assert out[4] is None and out[5] is None


def test_between_the_first_and_second_year() -> None:
    # 2021-07-02 is 182 of 365 days into 2021
    (got,) = band_along([(D(2021, 7, 2), 150.0)], D(2020, 1, 1), BAND)
    w = 182 / 365
    assert got == pytest.approx(
        {"p10": 150 * (0.9 - 0.1 * w), "p50": 150 * (1 - 0.05 * w), "p90": 150 * (1.1 + 0.1 * w)}
    )


def test_no_band_gives_none_everywhere() -> None:
    points = [(D(2020, 1, 1), 1.0), (D(2021, 1, 1), 2.0)]
    assert band_along(points, D(2020, 1, 1), None) == [None, None]
    assert band_along(points, None, BAND) == [None, None]
    unbanded = BAND.assign(p10=math.nan)
    assert band_along(points, D(2020, 1, 1), unbanded) == [None, None]
