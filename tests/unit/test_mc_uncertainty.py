"""Sampling of every distribution kind, seeding, run 0 = central, fan-chart summaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from gpworkforce.forecast.distributions import Distribution
from gpworkforce.forecast.uncertainty import (
    Z90,
    Dist,
    as_dist,
    draw_parameters,
    fan_chart,
    parameter_seed,
    probability_meeting_target,
)

ADAPTER = TypeAdapter(Distribution)
N = 200_000


def scenario_dist(**kw: object) -> Dist:
    return as_dist(ADAPTER.validate_python(kw))


CASES = [
    # (scenario distribution, expected mean, expected sd, expected P10, expected P90)
    ({"kind": "normal", "mean": 0.1, "sd": 0.02}, 0.1, 0.02, 0.1 - Z90 * 0.02, 0.1 + Z90 * 0.02),
    (
        {"kind": "triangular", "low": 0.0, "mode": 1.0, "high": 3.0},
        4 / 3,
        math.sqrt((0 + 1 + 9 - 0 - 0 - 3) / 18),
        math.sqrt(0.1 * 3 * 1),  # F(mode)=1/3 > 0.1: low + sqrt(q (high-low)(mode-low))
        3 - math.sqrt(0.1 * 3 * 2),
    ),
    ({"kind": "uniform", "low": 2.0, "high": 6.0}, 4.0, 4 / math.sqrt(12), 2.4, 5.6),
    (
        {"kind": "lognormal", "median": 2.0, "p90": 3.0},
        2.0 * math.exp((math.log(1.5) / Z90) ** 2 / 2),
        None,
        2.0 / 1.5,  # symmetric in the log
        3.0,
    ),
    ({"kind": "interval80", "p10": 0.6, "p90": 0.8}, 0.7, 0.1 / Z90, 0.6, 0.8),
]


@pytest.mark.parametrize(("spec", "mean", "sd", "p10", "p90"), CASES)
def test_sample_moments_and_quantiles(
    spec: dict, mean: float, sd: float | None, p10: float, p90: float
) -> None:
    dist = scenario_dist(**spec)
    assert dist.quantile(0.1) == pytest.approx(p10, rel=1e-9)
    assert dist.quantile(0.9) == pytest.approx(p90, rel=1e-9)
    x = dist.sample(np.random.default_rng(20171001), N)
    scale = dist.sd
    assert x.mean() == pytest.approx(mean, abs=5 * scale / math.sqrt(N))
    if sd is not None:
        assert dist.sd == pytest.approx(sd, rel=1e-12)
    assert x.std() == pytest.approx(dist.sd, rel=0.01)
    got10, got90 = np.quantile(x, [0.1, 0.9])
    assert got10 == pytest.approx(p10, abs=0.01 * scale)
    assert got90 == pytest.approx(p90, abs=0.01 * scale)


def test_central_values_follow_the_scenario_models() -> None:
    for spec, *_ in CASES:
        model = ADAPTER.validate_python(spec)
        assert as_dist(model).central == pytest.approx(model.central, rel=1e-15)
    assert as_dist(0.25) == Dist.fixed(0.25)


def test_degenerate_distributions_are_constant() -> None:
    tri = scenario_dist(kind="triangular", low=1.0, mode=1.0, high=1.0)
    assert (tri.sample(np.random.default_rng(1), 5) == 1.0).all()
    assert tri.quantile(0.9) == 1.0


def test_unknown_kind_is_rejected() -> None:
    class Weird:
        kind = "beta"

    with pytest.raises(ValueError, match="kind must be one of"):
        as_dist(Weird())


DISTS = {
    "leave_rate": Dist.triangular(0.08, 0.105, 0.13),
    "retention": Dist.interval80(0.6, 0.8),
    "joiners": Dist.lognormal(40.0, 0.2),
    "fixed_thing": 3.0,
}


def test_run_zero_is_the_central_case_and_draws_are_stored() -> None:
    draws = draw_parameters(DISTS, 500, master_seed=7)
    assert draws.n_runs == 501 and draws.n_draws == 500
    assert draws.run(0) == {
        "fixed_thing": 3.0,
        "joiners": 40.0,
        "leave_rate": 0.105,
        "retention": 0.7,
    }
    assert (draws.column("fixed_thing") == 3.0).all()
    assert draws.column("leave_rate")[1:].std() > 0
    frame = draws.to_frame()
    assert list(frame.columns) == ["run", "fixed_thing", "joiners", "leave_rate", "retention"]
    with pytest.raises(ValueError):
        draws.values[0, 0] = 1.0  # stored results cannot be altered


def test_same_seed_is_bit_identical_and_other_seed_differs() -> None:
    a = draw_parameters(DISTS, 300, master_seed=2017)
    b = draw_parameters(DISTS, 300, master_seed=2017)
    c = draw_parameters(DISTS, 300, master_seed=2018)
    assert a.values.tobytes() == b.values.tobytes()
    assert not np.array_equal(a.values[1:], c.values[1:])


def test_order_and_added_parameters_do_not_change_other_draws() -> None:
    a = draw_parameters(DISTS, 100, master_seed=11)
    reordered = dict(reversed(list(DISTS.items())))
    reordered["new_param"] = Dist.normal(0, 1)
    b = draw_parameters(reordered, 100, master_seed=11)
    for name in DISTS:
        assert np.array_equal(a.column(name), b.column(name))


def test_parameter_seed_is_a_spawn_style_child_of_the_master() -> None:
    seq = parameter_seed(5, "x")
    assert seq.entropy == 5 and len(seq.spawn_key) == 1
    assert parameter_seed(5, "x").generate_state(4).tolist() == seq.generate_state(4).tolist()
    assert parameter_seed(5, "y").generate_state(4).tolist() != seq.generate_state(4).tolist()


def test_fan_chart_and_probability_on_a_hand_made_case() -> None:
    # runs x periods x orgs: run 0 central, draws 1..10 are 1..10 for org A, 10x for org B
    draws = np.arange(1.0, 11.0)
    runs = np.zeros((11, 2, 2))
    runs[0] = [[5.0, 50.0], [6.0, 60.0]]
    runs[1:, :, 0] = draws[:, None]
    runs[1:, :, 1] = 10 * draws[:, None]
    fan = fan_chart(runs, ["2018", "2019"], ["A", "B"], measure="fte")
    row = fan[(fan.period == "2019") & (fan.org == "B")].iloc[0]
    assert row.central == 60.0
    # numpy's default (linear) quantile of 10..100: P10 = 19, P50 = 55, P90 = 91
    assert (row.p10, row.p50, row.p90, row["mean"]) == pytest.approx((19.0, 55.0, 91.0, 55.0))
    prob = probability_meeting_target(runs[:, 1, :], np.array([8.0, 95.0]))
    assert prob.tolist() == [0.3, 0.1]  # 8, 9, 10 reach 8; only 100 reaches 95
