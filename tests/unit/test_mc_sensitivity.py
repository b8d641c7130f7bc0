"""Tornado swings, rank correlations and the tornado chart on hand-made outcomes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce.forecast.sensitivity import (
    monte_carlo,
    rank_correlations,
    tornado,
    tornado_chart,
    tornado_frame,
    write_svg,
)
from gpworkforce.forecast.uncertainty import Z90, Dist

DISTS = {"a": Dist.uniform(0.0, 10.0), "b": Dist.normal(0.0, 1.0), "c": Dist.fixed(4.0)}


def linear(values: dict[str, np.ndarray]) -> np.ndarray:
    return 2 * values["a"] - 3 * values["b"] + values["c"]


def test_tornado_swings_by_hand() -> None:
    calls: list[int] = []

    def counted(values: dict[str, np.ndarray]) -> np.ndarray:
        calls.append(len(values["a"]))
        return linear(values)

    bars = tornado(counted, DISTS)
    assert calls == [7]  # one vectorised call: central + 2 per parameter
    assert [b.parameter for b in bars] == ["a", "b", "c"]
    a, b, c = bars
    assert (a.low_value, a.high_value) == pytest.approx((1.0, 9.0))
    assert a.central_outcome == pytest.approx(2 * 5 + 4)
    assert (a.outcome_low, a.outcome_high) == pytest.approx((2 + 4, 18 + 4))
    assert a.swing == pytest.approx(16.0)
    assert b.swing == pytest.approx(3 * 2 * Z90)
    assert b.outcome_low > b.outcome_high  # raising b lowers the outcome
    assert c.swing == 0.0
    frame = tornado_frame(bars)
    assert frame["rank"].tolist() == [1, 2, 3]
    assert frame["swing"].is_monotonic_decreasing


def test_rank_correlation_signs_and_reproducibility() -> None:
    draws, y = monte_carlo(linear, DISTS, 3000, seed=4)
    assert y[0] == pytest.approx(14.0)  # run 0 is the central case
    rho = rank_correlations(draws, y).set_index("parameter")["spearman_rho"]
    assert rho["a"] > 0.8 and rho["b"] < -0.3
    assert np.isnan(rho["c"])  # a constant has no rank correlation
    _, y2 = monte_carlo(linear, DISTS, 3000, seed=4)
    assert y.tobytes() == y2.tobytes()


def test_tornado_chart_renders_to_svg(tmp_path: Path) -> None:
    bars = tornado(linear, DISTS)
    path = write_svg(tornado_chart(bars, "Gap in 2030", "WTE GP gap"), tmp_path / "t.svg")
    text = path.read_text()
    assert text.lstrip().startswith("<svg") and "Gap in 2030" in text
    assert not list(tmp_path.glob("*.tmp*"))
