"""The engine back-test's pieces: chained engine runs, rate models, band split and the simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast import backtest_cohort as bc
from gpworkforce.forecast.calibration import calibrate_many
from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream, run

# Two areas over three GPW years (two intervals each); every rate below computed by hand.
PANEL = pd.DataFrame(
    [
        ("P1", 2016, 10.0, 8.0),
        ("P1", 2017, 12.0, 9.0),
        ("P1", 2018, 11.0, 9.0),
        ("P2", 2016, 20.0, 16.0),
        ("P2", 2017, 18.0, 15.0),
        ("P2", 2018, 19.0, 15.0),
    ],
    columns=["practice_code", "fy", "headcount", "fte"],
)
MAP = {"P1": "A", "P2": "B"}


def _inputs(hc: np.ndarray, fte: np.ndarray, steps: int) -> EngineInputs:
    schedule = np.full((steps, 2), 0.5)
    return EngineInputs(
        orgs=("X", "Y"),
        classes=("K1", "K2"),
        bands=("young", "old"),
        headcount=hc,
        fte=fte,
        steps_per_year=12,
        n_steps=steps,
        inflows=(InflowStream("in", schedule, np.array([[1.0, 0.0], [0.0, 0.0]])),),
    )


def test_chained_runs_with_starting_draws_equal_one_run() -> None:
    rng = np.random.default_rng(5)
    hc = rng.uniform(1, 20, (2, 2, 2))
    fte = hc * 0.8
    params = EngineParams(
        leave_rate=rng.uniform(0, 0.2, (3, 2, 2)),
        transition_rate=np.array([[0.0, 0.1], [0.0, 0.0]]),
        band_width_years=np.array([10.0, math.inf]),
        participation_rate=rng.uniform(-0.03, 0.01, (3, 2)),
        inflow_multiplier=rng.uniform(0.5, 1.5, (3, 1)),
        inflow_fte_per_head=np.array([0.7]),
    )
    whole = run(_inputs(hc, fte, 24), params)
    first = run(_inputs(hc, fte, 12), params)
    second = run(_inputs(first.headcount[:, -1], first.fte[:, -1], 12), params)
    assert second.headcount.shape == (3, 13, 2, 2, 2)
    np.testing.assert_allclose(second.headcount[:, -1], whole.headcount[:, -1], rtol=1e-12)
    np.testing.assert_allclose(second.fte[:, -1], whole.fte[:, -1], rtol=1e-12)
    # the chained run's step 0 is each draw's own starting stock
    np.testing.assert_array_equal(second.headcount[:, 0], first.headcount[:, -1])
    with pytest.raises(ValueError, match="initial stocks have 2 draws"):
        run(_inputs(first.headcount[:2, -1], first.fte[:2, -1], 12), params)


def test_rate_models_pooled_and_area_by_hand() -> None:
    cals = calibrate_many(PANEL, MAP)
    # leaver rates: A 0/10 then 1/12; B 2/20 then 0/18
    a, b = [0.0, 1 / 12], [0.1, 0.0]
    within = math.sqrt((np.var(a) * 2 + np.var(b) * 2) / 2)
    pooled = bc.rate_models(cals, "pooled")
    leave = pooled["A"].rates["leaver_rate"]
    assert leave.mean == pytest.approx((np.mean(a) + np.mean(b)) / 2)
    assert leave.yearly_sd == pytest.approx(within)
    between_var = np.var([np.mean(a), np.mean(b)], ddof=1) - within**2 / 2
    assert leave.persistent_sd == pytest.approx(math.sqrt(max(between_var, 0.0)))
    assert pooled["B"].rates["leaver_rate"] == leave  # every area takes the pooled rates
    area = bc.rate_models(cals, "area")
    own = area["A"].rates["leaver_rate"]
    assert own.mean == pytest.approx(np.mean(a))
    assert own.persistent_sd == pytest.approx(within / math.sqrt(2))
    with pytest.raises(ValueError, match="calibration mode"):
        bc.rate_models(cals, "national")  # type: ignore[arg-type]


def test_band_leave_rates_average_to_the_calibrated_rate() -> None:
    rates = bc.band_leave_rates(np.array([0.06, 0.0, -0.01]))
    s = bc.OVER55_SHARE
    assert rates[0] @ np.array([1 - s, s]) == pytest.approx(0.06)
    assert rates[0, 1] == pytest.approx(bc.RETIREMENT_RATIO * rates[0, 0])
    assert (rates[1:] == 0).all()  # a negative draw is clipped to no leaving


def _constant(runs: int, years: int, **values: float) -> dict[str, np.ndarray]:
    return {name: np.full((runs, years), values.get(name, 0.0)) for name in bc.RATES}


def test_simulate_participation_and_joiners_by_hand() -> None:
    hc, fte = bc.simulate("A", 100.0, 80.0, _constant(2, 3, participation_change=-0.02))
    np.testing.assert_allclose(hc, 100.0)
    np.testing.assert_allclose(fte[0], 80.0 * 0.98 ** np.arange(4), rtol=1e-12)
    hc, fte = bc.simulate("A", 100.0, 80.0, _constant(1, 2, joiner_rate=0.05))
    # no leaving: joiners are 5% of the year's starting headcount, at its FTE per head
    np.testing.assert_allclose(hc[0], [100.0, 105.0, 110.25], rtol=1e-12)
    np.testing.assert_allclose(fte[0], [80.0, 84.0, 88.2], rtol=1e-12)


def test_simulate_leaving_matches_the_two_band_arithmetic() -> None:
    hc, _ = bc.simulate("A", 100.0, 80.0, _constant(1, 1, leaver_rate=0.06))
    under, over = bc.band_leave_rates(np.array([0.06]))[0]
    young, old = 100.0 * (1 - bc.OVER55_SHARE), 100.0 * bc.OVER55_SHARE
    g = 1 / 12 / bc.UNDER55_WIDTH_YEARS
    for _ in range(12):  # monthly: leave, then age the under-55s who stayed
        young, old = young * (1 - under) ** (1 / 12), old * (1 - over) ** (1 / 12)
        young, old = young * (1 - g), old + young * g
    assert hc[0, 1] == pytest.approx(young + old, rel=1e-12)
    assert hc[0, 1] < 94.0  # ageing into the higher-leaving band: a little over 6% leave
