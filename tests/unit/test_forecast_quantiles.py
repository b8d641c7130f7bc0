"""The kernel's P10/P50/P90 over draws equal ``np.quantile`` (its default linear method) to the
last bit: read from sorted rows for finite values, NumPy's own for rows with NaN."""

from __future__ import annotations

import numpy as np
import pytest

from gpworkforce.forecast.kernels.quantiles import QUANTILES, over_rows

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("draws", [1, 2, 3, 10, 999, 1000, 1001])
def test_quantiles_equal_numpy_exactly(draws: int) -> None:
    rng = np.random.default_rng(draws)
    rows = rng.normal(100.0, 30.0, (40, draws + 1))
    rows[3] = 7.0  # every draw the same
    rows[4, 1:] = rng.integers(-2, 3, draws)  # ties and negatives
    central, q = over_rows(rows)
    want = np.quantile(rows[:, 1:], QUANTILES, axis=1)
    np.testing.assert_array_equal(central, rows[:, 0])
    np.testing.assert_array_equal(q, want)


def test_rows_with_nan_are_numpys_own() -> None:
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(5, 101))
    rows[2, 40] = np.nan
    rows[3, 7] = np.inf
    _, q = over_rows(rows)
    np.testing.assert_array_equal(q, np.quantile(rows[:, 1:], QUANTILES, axis=1))
    assert np.isnan(q[:, 2]).all()


def test_no_draws_gives_run_zero() -> None:
    rows = np.arange(6.0).reshape(6, 1)
    central, q = over_rows(rows)
    np.testing.assert_array_equal(central, rows[:, 0])
    np.testing.assert_array_equal(q, np.repeat(rows.T, 3, axis=0))
