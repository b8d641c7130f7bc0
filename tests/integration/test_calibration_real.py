"""Calibration on the real GPW practice-year series (2016-2024) for LLR and every ICB."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.forecast.calibration import (
    GP_ADMIN_FILE,
    calibrate,
    calibrate_many,
    icb_map,
    load_panel,
)


@pytest.fixture(scope="module")
def panel(shared_data: Path) -> pd.DataFrame:
    return load_panel(shared_data / "nhs" / GP_ADMIN_FILE)


@pytest.fixture(scope="module")
def practice_icb(shared_data: Path) -> dict[str, str]:
    return icb_map()


def test_llr_rates_are_plausible(panel: pd.DataFrame, practice_icb: dict[str, str]) -> None:
    llr = [p for p, icb in practice_icb.items() if icb == "QK1"]
    cal = calibrate(panel, llr, "QK1")
    assert [iv.end_fy for iv in cal.intervals] == list(range(2017, 2025))
    sep2017 = cal.intervals[1]  # 2017 -> 2018 ends at Year 2018 = September 2017
    # the plan counted 541 WTE incl. ~39 WTE locums (Table 10) at 9 sessions; GPW's qualified
    # GPs exclude locums, so the same area must show a little less
    assert 480 < sep2017.fte_end < 541
    assert 125 <= sep2017.practices_end <= 145
    assert 0.02 < cal.joiner_rate < 0.15
    assert 0.02 < cal.leaver_rate < 0.15
    assert abs(cal.net_rate_hc) < 0.05
    assert 0.65 < cal.participation < 0.9  # FTE per head of qualified GPs, 2024
    assert cal.participation_change < 0  # GPs have worked fewer hours per head since 2016


def test_every_icb_calibrates(panel: pd.DataFrame, practice_icb: dict[str, str]) -> None:
    cals = calibrate_many(panel, practice_icb, first_fy=2016, last_fy=2018)
    assert len(cals) == 42
    rates = pd.Series({k: c.net_rate_fte for k, c in cals.items()})
    assert rates.between(-0.2, 0.2).all()
    assert all(c.intervals[-1].end_fy == 2018 for c in cals.values())
    assert sum(c.intervals[-1].fte_end for c in cals.values()) == pytest.approx(
        panel.loc[(panel.fy == 2018) & panel.practice_code.isin(practice_icb), "fte"].sum()
    )


def test_practices_closed_before_2022_keep_their_area(
    panel: pd.DataFrame, practice_icb: dict[str, str]
) -> None:
    assert practice_icb["C82001"] == "QK1"  # South Leicestershire Medical Partnership (03W)
    in_2017 = set(panel.loc[panel.fy == 2018, "practice_code"])
    # nearly every practice with Sep 2017 data is placed in an ICB, closed ones included
    assert len(in_2017 & set(practice_icb)) / len(in_2017) > 0.99


def test_any_organisation_via_the_registry(panel: pd.DataFrame) -> None:
    from gpworkforce.errors import UnknownOrganisation
    from gpworkforce.forecast.calibration import practices_of

    ccgs = {code: calibrate(panel, practices_of(code), code) for code in ("03W", "04C", "04V")}
    llr = calibrate(panel, practices_of("QK1"), "QK1")
    # FTE adds up: the three 2017 CCGs make LLR in September 2017 (Year 2018)
    fte_2018 = sum(c.intervals[1].fte_end for c in ccgs.values())
    assert fte_2018 == pytest.approx(llr.intervals[1].fte_end)
    assert all(0.6 < c.participation < 0.95 for c in ccgs.values())
    with pytest.raises(UnknownOrganisation):
        practices_of("ZZZ")
