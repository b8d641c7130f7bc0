"""Back-test on the real GPW series: every ICB from September 2017, and the LLR plan's scenarios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast.backtest import (
    actual_fte,
    backtest_calibrated,
    plan_comparison,
    summarise,
)
from gpworkforce.forecast.calibration import GP_ADMIN_FILE, icb_map, load_panel
from gpworkforce.forecast.scenario_io import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"


@pytest.fixture(scope="module")
def panel(shared_data: Path) -> pd.DataFrame:
    return load_panel(shared_data / "nhs" / GP_ADMIN_FILE)


@pytest.fixture(scope="module")
def practice_icb(shared_data: Path) -> dict[str, str]:
    return icb_map()


def test_every_icb_is_backtested_reproducibly(
    panel: pd.DataFrame, practice_icb: dict[str, str]
) -> None:
    result = backtest_calibrated(panel, practice_icb, n_draws=200, seed=11)
    scores = result.scores_frame()
    assert len(scores) == 42 * 3 and "QK1" in set(scores["org"])
    assert set(scores["method"]) == {"calibrated", "calibrated-national", "random-walk"}
    assert (scores["n"] == 6).all()  # Years 2019-2024 all scored
    assert scores["coverage"].between(0, 1).all()
    assert (scores["mape_p50"] > 0).all()
    bands = result.bands_frame()
    start = bands[bands.fy == 2018]
    assert np.allclose(start["central"], start["actual"])  # every forecast starts at the actual
    summary = summarise([s for s in result.scores if s.method == "calibrated"])
    assert 0 < summary["median_mape_p50"] < 30
    walk = scores[(scores.method == "random-walk") & (scores.org == "QK1")].iloc[0]
    # the random walk's central path is "no change" from September 2017
    llr = result.actuals.loc["QK1"]
    by_hand = np.mean([abs(llr[2018] / llr[y] - 1) for y in range(2019, 2025)]) * 100
    assert walk["mape_central"] == pytest.approx(by_hand)
    no_change = bands[(bands.method == "random-walk") & (bands.fy == 2024)]
    start_fte = bands[(bands.method == "random-walk") & (bands.fy == 2018)]
    assert np.allclose(no_change["central"].to_numpy(), start_fte["central"].to_numpy())
    again = backtest_calibrated(panel, practice_icb, n_draws=200, seed=11)
    assert again.bands_frame()[["p10", "p50", "p90"]].equals(bands[["p10", "p50", "p90"]])


def test_llr_plan_scenarios_against_september_2020(
    panel: pd.DataFrame, practice_icb: dict[str, str]
) -> None:
    actual = actual_fte(panel, practice_icb).loc["QK1"].to_dict()
    scenarios = []
    for i in (1, 2, 3):
        sc = load_scenario(SCENARIOS / f"scenario-{i}.toml").scenario
        assert sc.hee_linear is not None
        scenarios.append((sc.name, sc.hee_linear))
    pc = plan_comparison(actual, scenarios, n_draws=0)
    table = pc.table.set_index(pc.table["scenario"].str.slice(0, 10))
    # the plan's published positions (LLR Tables 12-14)
    assert table["plan_position_wte"].round().tolist() == [561, 630, 658]
    # GPW showed qualified GP FTE falling between Sep 2017 and FY2020/21, so every scenario
    # over-forecast, the base position least
    assert table["actual_change_pct"].iloc[0] < 0
    assert (table["error_pct"] > 0).all()
    assert table["error_pct"].is_monotonic_increasing
    # scenario 3's extra 28 are substitutes, not GPs: its GP-only position equals scenario 2's
    assert table["plan_gp_only_position_wte"].iloc[2] == table["plan_position_wte"].iloc[1]
