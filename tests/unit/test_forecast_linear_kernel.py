"""The linear kernel against the engine itself: every organisation's path rebuilt from the basis
paths equals ``engine.run`` on all organisations (1e-10 relative), with transitions, several
bands, inflows, rates changing by year, per-draw parameters and both integration schemes."""

from __future__ import annotations

import numpy as np
import pytest

from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream, run
from gpworkforce.forecast.kernels.linear import STEP_MAP_CELLS, linear_response

pytestmark = pytest.mark.unit


def _case(
    seed: int, scheme: str, draws: int, by_band: bool = False
) -> tuple[EngineInputs, EngineParams]:
    rng = np.random.default_rng(seed)
    o, k, a, t = 7, 3, 3, 24
    hc = rng.uniform(0, 5, (o, k, a))
    hc[2] = 0.0  # an empty organisation
    share = np.zeros((k, a))
    share[0, 0], share[1, 0] = 0.7, 0.3
    pattern, alloc = rng.uniform(0, 2, t), rng.dirichlet(np.ones(o))
    stream = InflowStream("joiners", np.outer(pattern, alloc), share, factors=(pattern, alloc))
    inputs = EngineInputs(
        orgs=tuple(f"O{i}" for i in range(o)),
        classes=("A", "B", "C"),
        bands=("y", "m", "o"),
        headcount=hc,
        fte=hc * rng.uniform(0.5, 1.0, hc.shape),
        steps_per_year=12,
        n_steps=t,
        inflows=(stream,),
    )

    def params(scale: float) -> EngineParams:
        trans = np.zeros((draws, k, k))
        trans[:, 0, 1] = rng.uniform(0.0, 0.2, draws) * scale
        trans[:, 1, 2] = 0.05
        return EngineParams(
            leave_rate=rng.uniform(0.02, 0.2, (draws, k, a)) * scale,
            transition_rate=trans,
            band_width_years=np.array([10.0, 15.0, np.inf]),
            participation_rate=rng.uniform(-0.03, 0.01, (draws, k, a) if by_band else (draws, k)),
            inflow_multiplier=rng.uniform(0.5, 1.0, (draws, 1)),
            inflow_fte_per_head=rng.uniform(0.6, 0.9, (draws, 1)),
            scheme=scheme,
        )

    first = params(1.0)
    later = params(0.5)
    from dataclasses import replace

    return inputs, replace(first, changes=((12, later),))


@pytest.mark.parametrize("scheme", ["sequential", "euler"])
@pytest.mark.parametrize("draws", [1, 5])
@pytest.mark.parametrize("by_band", [False, True])  # participation by age band
def test_basis_paths_rebuild_every_organisation(scheme: str, draws: int, by_band: bool) -> None:
    inputs, params = _case(11, scheme, draws, by_band)
    assert len(inputs.classes) * len(inputs.bands) <= STEP_MAP_CELLS  # the step-map path
    resp = linear_response(inputs, params)
    assert resp is not None
    full = run(inputs, params)
    for step in (0, 1, 12, 13, 24):
        h, f = resp.stocks(step)
        np.testing.assert_allclose(h, full.headcount[:, step], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(f, full.fte[:, step], rtol=1e-10, atol=1e-12)


def test_engine_loop_path_for_many_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    from gpworkforce.forecast.kernels import linear

    monkeypatch.setattr(linear, "STEP_MAP_CELLS", 0)  # as for 42 roles x 10 bands
    inputs, params = _case(5, "sequential", 3)
    resp = linear.linear_response(inputs, params)
    assert resp is not None
    full = run(inputs, params)
    h, f = resp.stocks(24)
    np.testing.assert_allclose(h, full.headcount[:, 24], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(f, full.fte[:, 24], rtol=1e-10, atol=1e-12)
