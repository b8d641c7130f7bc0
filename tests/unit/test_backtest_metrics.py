"""Back-test metrics and forecast paths on hand-made cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast.backtest import (
    Band,
    actual_fte,
    calibrated_runs,
    plan_comparison,
    plan_runs,
    pooled_shock_sd,
    score,
    summarise,
)
from gpworkforce.forecast.calibration import Calibration, IntervalFlows
from gpworkforce.forecast.scenario import HeeLinearConfig


def test_score_by_hand() -> None:
    band = Band(
        org="X",
        method="m",
        fys=(2018, 2019, 2020, 2021),
        central=np.array([100.0, 100.0, 100.0, 100.0]),
        p10=np.array([100.0, 95.0, 90.0, 85.0]),
        p50=np.array([100.0, 102.0, 104.0, 106.0]),
        p90=np.array([100.0, 105.0, 110.0, 115.0]),
    )
    actual = {2018: 100.0, 2019: 100.0, 2020: 80.0, 2021: math.nan}
    s = score(band, actual, after=2018)
    assert s.n == 2  # 2021 not available, 2018 is the start
    # P50 errors: +2% and +30%; central errors 0% and +25%
    assert s.mape_p50 == pytest.approx((2 + 30) / 2)
    assert s.mape_central == pytest.approx((0 + 25) / 2)
    assert s.bias == pytest.approx(16.0)
    assert s.coverage == 0.5  # 100 inside 95-105, 80 outside 90-110
    assert summarise([s])["coverage"] == 0.5


def test_band_quantiles_exclude_the_central_run() -> None:
    runs = np.array([[10.0, 50.0]] + [[10.0, float(v)] for v in range(1, 11)])
    band = Band.from_runs("X", "m", (2018, 2019), runs)
    assert band.central.tolist() == [10.0, 50.0]
    assert band.p50[1] == pytest.approx(5.5)


def _cal(rates: list[float]) -> Calibration:
    ivs = []
    fte = 100.0
    for i, r in enumerate(rates):
        ivs.append(
            IntervalFlows(2016 + i, 2017 + i, 10, 10, fte, fte * (1 + r), 0, 0, 0, 0, 1, 1, 0)
        )
        fte *= 1 + r
    return Calibration("X", "GP_QUALIFIED", tuple(ivs))


def test_pooled_sd_and_central_path() -> None:
    cals = {"A": _cal([0.1, -0.1]), "B": _cal([0.02, 0.04])}
    # within-area deviations: +-0.1 (A), +-0.01 (B); pooled over 2 degrees of freedom
    assert pooled_shock_sd(cals) == pytest.approx(math.sqrt((0.02 + 0.0002) / 2))
    runs = calibrated_runs("B", 200.0, cals["B"], 0.05, 3, 400, seed=1)
    assert runs.shape == (401, 4)
    np.testing.assert_allclose(runs[0], 200.0 * 1.03 ** np.arange(4))
    again = calibrated_runs("B", 200.0, cals["B"], 0.05, 3, 400, seed=1)
    assert runs.tobytes() == again.tobytes()
    spread = np.std(runs[1:, 3] / 200.0)
    assert 0.05 < spread < 0.2  # trend se 0.035 x 3 years and three shocks of 0.05


def test_actual_fte_sums_practices_by_org_and_skips_na() -> None:
    panel = pd.DataFrame(
        {
            "practice_code": ["P1", "P2", "P1", "P2", "P3"],
            "fy": [2018, 2018, 2019, 2019, 2019],
            "headcount": [1.0] * 5,
            "fte": [1.5, 2.0, 1.0, math.nan, 9.0],
        }
    )
    got = actual_fte(panel, {"P1": "A", "P2": "A"})
    assert got.loc["A"].to_dict() == {2018: 3.5, 2019: 1.0}


LLR1 = HeeLinearConfig(
    baseline_wte=541,
    over55_wte=87,
    over55_loss_rate=0.15,
    session_loss_rate=0.03,
    trainees_qualifying=153,
    trainee_retention=0.7,
)


def test_plan_runs_and_comparison() -> None:
    ratios = plan_runs(LLR1, 0, seed=1)
    np.testing.assert_allclose(ratios[0], 1 + (561 / 541 - 1) * np.arange(4) / 3)
    uncertain = HeeLinearConfig.model_validate(
        {**LLR1.model_dump(), "trainee_retention": {"kind": "uniform", "low": 0.6, "high": 0.8}}
    )
    spread = plan_runs(uncertain, 200, seed=1)
    assert spread.shape == (201, 4) and spread[1:, -1].std() > 0
    actual = {2018: 500.0, 2019: 505.0, 2020: 510.0, 2021: 520.0}
    pc = plan_comparison(actual, [("S1", LLR1)], n_draws=0)
    row = pc.table.iloc[0]
    assert row.plan_position_wte == pytest.approx(561)
    assert row.gpw_equivalent_position == pytest.approx(500 * 561 / 541)
    assert row.error_pct == pytest.approx((500 * 561 / 541 / 520 - 1) * 100)
    assert row.actual_change_pct == pytest.approx(4.0)
    assert math.isnan(pc.scores[0].coverage)  # a point forecast has no interval
