"""Hand-computed cases of the cohort engine's equations (docs/model.md).

Each expected figure is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import numpy as np
import pytest

from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream, run


def model(
    hc: list[list[float]],
    *,
    spy: int = 1,
    steps: int = 1,
    leave: float | list[list[float]] = 0.0,
    trans: list[list[float]] | None = None,
    widths: list[float] | None = None,
    part: float = 0.0,
    inflows: tuple[InflowStream, ...] = (),
    mult: list[float] | None = None,
    fph: list[float] | None = None,
) -> tuple[EngineInputs, EngineParams]:
    h = np.array([hc], dtype=float)  # one organisation
    k, a = h.shape[1:]
    inputs = EngineInputs(
        orgs=("O",),
        classes=tuple(f"K{i}" for i in range(k)),
        bands=tuple(f"A{i}" for i in range(a)),
        headcount=h,
        fte=h.copy(),
        steps_per_year=spy,
        n_steps=steps,
        inflows=inflows,
    )
    params = EngineParams(
        leave_rate=np.broadcast_to(np.asarray(leave, dtype=float), (k, a)),
        transition_rate=np.zeros((k, k)) if trans is None else np.array(trans),
        band_width_years=[*(widths or [5.0] * (a - 1)), np.inf],
        participation_rate=np.full(k, part),
        inflow_multiplier=mult if mult is not None else [1.0] * len(inflows),
        inflow_fte_per_head=fph if fph is not None else [1.0] * len(inflows),
    )
    return inputs, params


def test_leavers_annual() -> None:
    # 100 GPs, 10% leave a year: 90 after one year, 81 after two
    res = run(*model([[100.0]], steps=2, leave=0.1))
    np.testing.assert_allclose(res.headcount[0, :, 0, 0, 0], [100, 90, 81])


def test_monthly_steps_compound_to_the_annual_rate() -> None:
    # per-month share 1 - 0.9 ** (1/12) = 0.008742...; twelve of them leave exactly 10%
    res = run(*model([[100.0]], spy=12, steps=12, leave=0.1))
    assert res.headcount[0, 1, 0, 0, 0] == pytest.approx(100 * (1 - (1 - 0.9 ** (1 / 12))))
    assert res.headcount[0, 12, 0, 0, 0] == pytest.approx(90.0, rel=1e-12)


def test_ageing_one_band_width_a_year() -> None:
    # width 5: a fifth of band 0 moves up each year: 100/0 -> 80/20 -> 64/36
    res = run(*model([[100.0, 0.0]], steps=2))
    np.testing.assert_allclose(res.headcount[0, :, 0, 0, :], [[100, 0], [80, 20], [64, 36]])


def test_leaving_comes_before_ageing() -> None:
    # 100 -> 10% leave -> 90 -> a fifth (18) age up: 72 and 18; the old band loses 50%: 40 -> 20
    res = run(*model([[100.0, 40.0]], steps=1, leave=[[0.1, 0.5]]))
    np.testing.assert_allclose(res.headcount[0, 1, 0, 0, :], [72.0, 20.0 + 18.0])


def test_contract_transitions() -> None:
    # classes: salaried, partner, locum. 5% salaried -> partner; 10% locum -> salaried a year
    trans = [[0, 0.05, 0], [0, 0, 0], [0.1, 0, 0]]
    res = run(*model([[100.0], [50.0], [20.0]], trans=trans))
    # salaried 100 - 5 + 2 = 97; partner 50 + 5 = 55; locum 20 - 2 = 18
    np.testing.assert_allclose(res.headcount[0, 1, 0, :, 0], [97, 55, 18])


def test_participation_changes_fte_not_headcount() -> None:
    # -3% a year: FTE 100 -> 97 after a year (monthly steps compound to it); headcount stays
    res = run(*model([[100.0]], spy=12, steps=12, part=-0.03))
    assert res.fte[0, 12, 0, 0, 0] == pytest.approx(97.0, rel=1e-12)
    assert res.headcount[0, 12, 0, 0, 0] == 100.0


def test_inflow_multiplier_and_fte_per_head() -> None:
    # 10 arrive in the step, 70% retained, each at 0.5 FTE: +7 heads, +3.5 FTE
    stream = InflowStream("trainees", np.array([[10.0]]), np.array([[1.0]]))
    res = run(*model([[0.0]], inflows=(stream,), mult=[0.7], fph=[0.5]))
    assert res.headcount[0, 1, 0, 0, 0] == pytest.approx(7.0)
    assert res.fte[0, 1, 0, 0, 0] == pytest.approx(3.5)


def test_draws_axis_equals_separate_runs() -> None:
    leave = np.array([0.05, 0.1, 0.2])[:, None, None]  # three draws
    inputs, params = model([[100.0, 30.0]], spy=4, steps=8)
    drawn = EngineParams(**{**params.__dict__, "leave_rate": np.broadcast_to(leave, (3, 1, 2))})
    together = run(inputs, drawn)
    for d, r in enumerate([0.05, 0.1, 0.2]):
        single = run(inputs, EngineParams(**{**params.__dict__, "leave_rate": np.full((1, 2), r)}))
        np.testing.assert_array_equal(together.headcount[d], single.headcount[0])


def test_bad_parameters_are_programming_errors() -> None:
    inputs, params = model([[1.0]])
    with pytest.raises(ValueError, match="probabilities"):
        run(inputs, EngineParams(**{**params.__dict__, "leave_rate": [[1.5]]}))
