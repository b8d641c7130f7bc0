"""Calibration on a tiny hand-made practice-year series, every figure computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from gpworkforce.errors import UserError
from gpworkforce.forecast.calibration import calibrate, calibrate_many, panel_from_workforce

# Three practices of one area over three GPW years.
#   P1: 10 -> 12 -> 12 heads, FTE 8 -> 9 -> 9.6
#   P2:  5 ->  3 -> (closed)  FTE 5 -> 3
#   P3: (new)  -> 4 ->  6     FTE 2 -> 3   (NA headcount in 2018: left out that year)
PANEL = pd.DataFrame(
    [
        ("P1", 2016, 10.0, 8.0),
        ("P1", 2017, 12.0, 9.0),
        ("P1", 2018, 12.0, 9.6),
        ("P2", 2016, 5.0, 5.0),
        ("P2", 2017, 3.0, 3.0),
        ("P3", 2017, 4.0, 2.0),
        ("P3", 2018, 6.0, 3.0),
        ("P4", 2016, 7.0, 7.0),  # another area
        ("P5", 2018, float("nan"), 1.0),
    ],
    columns=["practice_code", "fy", "headcount", "fte"],
)


def test_interval_flows_by_hand() -> None:
    cal = calibrate(PANEL, ["P1", "P2", "P3", "P5"], "AREA")
    first, second = cal.intervals
    # 2016 -> 2017: HC 15 -> 19; P1 +2, P2 -2, P3 new with 4
    assert (first.hc_start, first.hc_end, first.fte_start, first.fte_end) == (15, 19, 13, 14)
    assert (first.hc_gained, first.hc_lost, first.hc_new, first.hc_gone) == (2, 2, 4, 0)
    assert first.joiner_rate == pytest.approx(6 / 15)
    assert first.leaver_rate == pytest.approx(2 / 15)
    assert first.net_rate_hc == pytest.approx(4 / 15)
    assert first.joiner_rate - first.leaver_rate == pytest.approx(first.net_rate_hc)
    assert first.participation_start == pytest.approx(13 / 15)
    assert first.participation_end == pytest.approx(14 / 19)
    # 2017 -> 2018: HC 19 -> 18; P1 0, P3 +2, P2 gone with 3; P5 has NA headcount: left out
    assert (second.hc_start, second.hc_end) == (19, 18)
    assert (second.hc_gained, second.hc_lost, second.hc_new, second.hc_gone) == (2, 0, 0, 3)
    assert second.missing == 1
    assert second.fte_end == pytest.approx(12.6)
    assert cal.net_rate_hc == pytest.approx((4 / 15 + -1 / 19) / 2)
    assert cal.participation == pytest.approx(12.6 / 18)
    dists = cal.distributions()
    assert dists["net_rate_hc"].central == pytest.approx(cal.net_rate_hc)
    assert dists["net_rate_hc"].sd == pytest.approx(
        pd.Series([4 / 15, -1 / 19]).std(ddof=1), rel=1e-12
    )


def test_year_window_and_many_orgs() -> None:
    cal = calibrate(PANEL, ["P1", "P2", "P3"], "AREA", last_fy=2017)
    assert [(iv.start_fy, iv.end_fy) for iv in cal.intervals] == [(2016, 2017)]
    many = calibrate_many(PANEL, {"P1": "A", "P2": "A", "P3": "A", "P4": "B"})
    assert set(many) == {"A"}  # B has one year only: left out
    assert many["A"].intervals[0].hc_start == 15


def test_too_few_years_is_a_user_error() -> None:
    with pytest.raises(UserError, match="at least two GPW years"):
        calibrate(PANEL, ["P4"], "B")


def test_panel_from_canonical_workforce_rows() -> None:
    wf = pd.DataFrame(
        {
            "practice_code": ["A1", "A1", "A1"],
            "period": pd.to_datetime(["2017-09-30", "2021-03-31", "2017-09-30"]),
            "node": ["GP_QUALIFIED", "GP_QUALIFIED", "ADMIN"],
            "headcount": pd.array([3.0, None, 9.0], dtype="Float64"),
            "fte": pd.array([2.5, 2.0, 7.0], dtype="Float64"),
            "source_id": ["s", "s", "s"],
        }
    )
    panel = panel_from_workforce(wf)
    assert panel["fy"].tolist() == [2018, 2021]  # Sep 2017 is GPW Year 2018
    assert panel["headcount"].isna().tolist() == [False, True]
