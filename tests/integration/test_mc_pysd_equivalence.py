"""The two-age-band model: PySD running the Vensim file, our vectorised kernel, its slow reference
and the forecast-core cohort engine all give the same trajectories (1e-9 relative)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from benchmarks.twoband import (
    PARAMETERS,
    TwoBandRates,
    monte_carlo_group_totals,
    monte_carlo_group_totals_linear,
    simulate,
    simulate_reference,
    simulate_with_engine,
)
from benchmarks.twoband_pysd import load_model, run_model

MDL = Path(__file__).resolve().parents[2] / "benchmarks" / "gp_two_band.mdl"
N_PRACTICES, STEPS = 20, 12


@pytest.fixture(scope="module")
def inputs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2017)
    return (
        rng.uniform(0.5, 12.0, N_PRACTICES),
        rng.uniform(0.0, 4.0, N_PRACTICES),
        rng.uniform(0.0, 1.5, N_PRACTICES),
    )


@pytest.mark.parametrize(
    "rates",
    [
        TwoBandRates(0.7, 0.67, 0.05, 0.03, 0.15, 0.03),  # LLR scenario 1-like rates
        TwoBandRates(0.8, 0.69, 0.08, 0.105, 0.12, 0.02),
    ],
)
def test_pysd_and_our_engine_agree_to_1e_9(
    tmp_path: Path, inputs: tuple[np.ndarray, ...], rates: TwoBandRates
) -> None:
    u0, o0, trainees = inputs
    model = load_model(MDL, N_PRACTICES, tmp_path)
    theirs = run_model(model, u0, o0, trainees, rates, STEPS)
    ours = simulate(u0, o0, trainees, rates, STEPS)
    slow = simulate_reference(u0, o0, trainees, rates, STEPS)
    engine = simulate_with_engine(u0, o0, trainees, rates, STEPS)
    assert theirs.under55.shape == (STEPS + 1, N_PRACTICES)
    assert np.array_equal(theirs.under55[0], u0)  # row 0 is the initial stock
    for mine in (ours, slow, engine):
        np.testing.assert_allclose(mine.under55, theirs.under55, rtol=1e-9, atol=0)
        np.testing.assert_allclose(mine.over55, theirs.over55, rtol=1e-9, atol=0)
    # the stocks really move, so agreement is not trivial
    assert np.all(np.abs(theirs.total[-1] - theirs.total[0]) > 1e-3)


def test_monte_carlo_kernel_matches_the_reference_per_draw(inputs: tuple[np.ndarray, ...]) -> None:
    u0, o0, trainees = inputs
    rng = np.random.default_rng(5)
    values = np.column_stack(
        [
            rng.uniform(lo, hi, 7)
            for lo, hi in [
                (0.6, 0.8),
                (0.6, 0.7),
                (0.03, 0.08),
                (0.02, 0.1),
                (0.1, 0.2),
                (0.0, 0.03),
            ]
        ]
    )
    rates = TwoBandRates.from_columns(values, PARAMETERS)
    groups = np.repeat([0, 1, 2], [5, 10, 5])
    got = monte_carlo_group_totals(
        u0, o0, trainees, rates, groups, STEPS, chunk=3, threads=2, keep_final_practice=True
    )
    ref = simulate_reference(u0, o0, trainees, rates, STEPS)  # (steps+1, draws, practices)
    for g, members in enumerate([slice(0, 5), slice(5, 15), slice(15, 20)]):
        want = ref.total[:, :, members].sum(axis=2).T  # (draws, steps+1)
        np.testing.assert_allclose(got.total[:, :, g], want, rtol=1e-12)
    np.testing.assert_allclose(got.final_practice, ref.total[-1], rtol=1e-12)
    linear = monte_carlo_group_totals_linear(
        u0, o0, trainees, rates, groups, STEPS, keep_final_practice=True
    )
    np.testing.assert_allclose(linear.total, got.total, rtol=1e-12)
    np.testing.assert_allclose(linear.over55, got.over55, rtol=1e-12)
    np.testing.assert_allclose(linear.final_practice, got.final_practice, rtol=1e-12)
