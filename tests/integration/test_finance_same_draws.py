"""Costing uses the forecast's own draws: the costed WTE fan equals the forecast's fan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce.finance.runs import workforce_of
from gpworkforce.forecast.runner import run_scenario

SCENARIO = (
    Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "scenario-2-uncertain.toml"
)


def test_hee_linear_draws_match_the_forecast_command() -> None:
    run = run_scenario(SCENARIO, draws=300)
    _, wf = workforce_of(SCENARIO, 300)
    assert wf.draws == 301 and wf.groups == ("GP",)
    series = run.series
    assert series is not None
    last = series.iloc[-1]
    gp_end = wf.wte[1:, -1, 0]
    # the forecast's P10/P90 of the 2020 position, from its own code path
    assert np.quantile(gp_end, [0.1, 0.9]) == pytest.approx([last["p10"], last["p90"]])
    assert wf.wte[0, -1, 0] == 630  # the central case is the plan's Table 13
    assert np.ptp(gp_end) > 10  # the draws really differ
