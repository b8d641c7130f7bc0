"""Properties of sampling, seeding, the Monte Carlo kernel, the tornado and calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd
from benchmarks.twoband import (
    PARAMETERS,
    TwoBandRates,
    monte_carlo_group_totals,
    monte_carlo_group_totals_linear,
    simulate_reference,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.forecast.calibration import calibrate
from gpworkforce.forecast.sensitivity import tornado
from gpworkforce.forecast.uncertainty import Dist, draw_parameters

finite = st.floats(-1e3, 1e3, allow_nan=False)
positive = st.floats(0.01, 1e3, allow_nan=False)


@st.composite
def dists(draw: st.DrawFn) -> Dist:
    kind = draw(st.sampled_from(["normal", "triangular", "uniform", "lognormal", "interval80"]))
    a = draw(finite)
    width = draw(positive)
    if kind == "normal":
        return Dist.normal(a, width)
    if kind == "triangular":
        return Dist.triangular(a, a + width * draw(st.floats(0, 1)), a + width)
    if kind == "uniform":
        return Dist.uniform(a, a + width)
    if kind == "lognormal":
        return Dist.lognormal(draw(positive), draw(st.floats(0.01, 1.5)))
    return Dist.interval80(a, a + width)


@settings(max_examples=300, deadline=None)
@given(dists(), st.integers(0, 2**32))
def test_quantiles_are_monotone_and_match_sampling(dist: Dist, seed: int) -> None:
    q10, q50, q90 = dist.quantile(0.1), dist.quantile(0.5), dist.quantile(0.9)
    assert q10 <= q50 <= q90
    x = dist.sample(np.random.default_rng(seed), 4000)
    # empirical CDF at the exact quantiles: within 5 standard errors (sqrt(.09/4000) = 0.0047)
    assert abs(np.mean(x <= q10) - 0.1) < 0.025
    assert abs(np.mean(x <= q90) - 0.9) < 0.025


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdef._[]0123", min_size=1, max_size=12), dists(), min_size=1, max_size=6
    ),
    st.integers(0, 2**63),
    st.integers(0, 50),
)
def test_run_zero_central_and_draws_independent_of_other_parameters(
    distributions: dict[str, Dist], seed: int, n: int
) -> None:
    full = draw_parameters(distributions, n, seed)
    assert full.run(0) == {k: d.central for k, d in sorted(distributions.items())}
    name = sorted(distributions)[0]
    alone = draw_parameters({name: distributions[name]}, n, seed)
    assert np.array_equal(alone.column(name), full.column(name))


RATE_RANGES = [(0.0, 1.0), (0.3, 1.0), (0.0, 0.2), (0.0, 0.3), (0.0, 0.5), (0.0, 0.1)]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5),
    st.lists(st.integers(0, 3), min_size=1, max_size=12),
    st.integers(0, 30),
    st.integers(0, 2**32),
    st.integers(1, 4),
)
def test_monte_carlo_kernels_match_the_reference(
    n_draws: int, group_sizes: list[int], steps: int, seed: int, chunk: int
) -> None:
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(group_sizes)), group_sizes)
    if len(groups) == 0:
        groups = np.array([0])
    n = len(groups)
    u0, o0, tr = rng.uniform(0, 10, n), rng.uniform(0, 3, n), rng.uniform(0, 1, n)
    values = np.column_stack([rng.uniform(lo, hi, n_draws) for lo, hi in RATE_RANGES])
    rates = TwoBandRates.from_columns(values, PARAMETERS)
    ref = simulate_reference(u0, o0, tr, rates, steps).total  # (steps+1, draws, n)
    starts = np.flatnonzero(np.r_[True, np.diff(groups) != 0])
    want = np.add.reduceat(ref, starts, axis=2).transpose(1, 0, 2)  # (draws, steps+1, G)
    for got in (
        monte_carlo_group_totals(u0, o0, tr, rates, groups, steps, chunk=chunk, threads=2),
        monte_carlo_group_totals_linear(u0, o0, tr, rates, groups, steps),
    ):
        np.testing.assert_allclose(got.total, want, rtol=1e-10, atol=1e-12)
        assert np.all(got.total >= 0)  # no stock goes negative


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(finite, dists()), min_size=1, max_size=6))
def test_tornado_swing_of_a_linear_outcome(terms: list[tuple[float, Dist]]) -> None:
    coef = {f"p{i}": c for i, (c, _) in enumerate(terms)}
    distributions = {f"p{i}": d for i, (_, d) in enumerate(terms)}

    def outcome(values: dict[str, np.ndarray]) -> np.ndarray:
        return sum(coef[k] * values[k] for k in coef)

    for bar in tornado(outcome, distributions):
        d = distributions[bar.parameter]
        expected = abs(coef[bar.parameter]) * (d.quantile(0.9) - d.quantile(0.1))
        assert np.isclose(bar.swing, expected, rtol=1e-9, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(2016, 2019), st.integers(1, 30)),
        min_size=2,
        max_size=40,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_calibration_joiners_minus_leavers_is_net(rows: list[tuple[int, int, int]]) -> None:
    panel = pd.DataFrame(
        [(f"P{p}", y, float(hc), hc * 0.8) for p, y, hc in rows],
        columns=["practice_code", "fy", "headcount", "fte"],
    )
    if panel["fy"].nunique() < 2:
        return
    cal = calibrate(panel, panel["practice_code"].unique(), "X")
    for iv in cal.intervals:
        assert np.isclose(iv.joiner_rate - iv.leaver_rate, iv.net_rate_hc)
        assert iv.joiner_rate >= 0 and iv.leaver_rate >= 0
