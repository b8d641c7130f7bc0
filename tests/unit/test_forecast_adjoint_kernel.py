"""The adjoint kernel against the engine itself: every organisation's class-weighted measure,
rebuilt from the streamed responses, equals ``engine.run`` on all organisations (1e-10
relative), with transitions, ageing, participation, inflows, per-draw rates and both integration
schemes; the operator refuses (None) when it cannot reproduce the engine."""

from __future__ import annotations

import numpy as np
import pytest

from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream, run
from gpworkforce.forecast.kernels import adjoint
from gpworkforce.forecast.kernels.adjoint import AdjointResponse, step_operator
from gpworkforce.forecast.kernels.linear import linear_response

pytestmark = pytest.mark.unit


def _case(
    seed: int, scheme: str, draws: int, by_band: bool = False
) -> tuple[EngineInputs, EngineParams]:
    rng = np.random.default_rng(seed)
    o, k, a, t = 9, 7, 6, 30  # 42 cells: above the step-map limit, so the adjoint is used
    hc = rng.uniform(0, 5, (o, k, a)) * (rng.uniform(size=(o, k, a)) > 0.3)
    hc[3] = 0.0  # an empty organisation
    hc[:, 4, :] = 0.0  # a class nobody starts in (only inflows and moves fill it)
    share = np.zeros((k, a))
    share[0, 0], share[4, 1] = 0.6, 0.4
    share2 = np.zeros((k, a))
    share2[:, 2] = 1.0 / k
    streams = []
    for name, sh in (("trainees", share), ("recruits", share2)):
        pattern, alloc = rng.uniform(0, 2, t), rng.dirichlet(np.ones(o))
        streams.append(InflowStream(name, np.outer(pattern, alloc), sh, factors=(pattern, alloc)))
    inputs = EngineInputs(
        orgs=tuple(f"O{i}" for i in range(o)),
        classes=tuple("ABCDEFG"),
        bands=tuple(f"b{i}" for i in range(a)),
        headcount=hc,
        fte=hc * rng.uniform(0.5, 1.0, hc.shape),
        steps_per_year=12,
        n_steps=t,
        inflows=tuple(streams),
    )
    trans = np.zeros((draws, k, k))
    trans[:, 0, 1] = rng.uniform(0.0, 0.2, draws)
    trans[:, 1, 2] = 0.05
    trans[:, 5, 0] = rng.uniform(0.0, 0.1, draws)
    trans[:, 5, 6] = 0.03
    params = EngineParams(
        leave_rate=rng.uniform(0.02, 0.2, (draws, k, a)),
        transition_rate=trans,
        band_width_years=np.r_[np.full(a - 1, 2.0), np.inf],
        participation_rate=rng.uniform(-0.03, 0.01, (draws, k, a) if by_band else (draws, k)),
        inflow_multiplier=rng.uniform(0.5, 1.0, (draws, 2)),
        inflow_fte_per_head=rng.uniform(0.6, 0.9, (draws, 2)),
        scheme=scheme,
    )
    return inputs, params


@pytest.mark.parametrize("scheme", ["sequential", "euler"])
@pytest.mark.parametrize("draws", [1, 6])
@pytest.mark.parametrize("by_band", [False, True])  # participation by age band
def test_streamed_measures_equal_the_engine_per_organisation(
    scheme: str, draws: int, by_band: bool
) -> None:
    inputs, params = _case(7, scheme, draws, by_band)
    resp = linear_response(inputs, params)
    assert isinstance(resp, AdjointResponse)
    full = run(inputs, params)
    rng = np.random.default_rng(1)
    w_hc = rng.uniform(0, 1, (draws, 7))
    w_fte = rng.uniform(-0.5, 1, 7)
    specs = [("hc", w_hc), ("fte", w_fte), ("fte", np.ones(7))]
    want_hc = np.einsum("dtoka,dk->dto", full.headcount, w_hc)
    want_fte = np.einsum("dtoka,k->dto", full.fte, w_fte)
    want_tot = full.fte.sum(axis=(3, 4))
    seen = 0
    for t, (r_hc, r_fte, r_tot) in enumerate(resp.weighted_steps(specs)):
        for got, want in ((r_hc @ resp.x_hc, want_hc), (r_fte @ resp.x_fte, want_fte)):
            scale = max(1.0, float(np.max(np.abs(want[:, t]))))
            np.testing.assert_allclose(got, want[:, t], rtol=1e-10, atol=1e-12 * scale)
        np.testing.assert_allclose(r_tot @ resp.x_fte, want_tot[:, t], rtol=1e-10, atol=1e-12)
        seen += 1
    assert seen == inputs.n_steps + 1


def test_measures_of_few_classes_skip_the_cells_that_never_reach_them() -> None:
    inputs, params = _case(11, "euler", 5)
    resp = linear_response(inputs, params)
    assert isinstance(resp, AdjointResponse)
    # only class C weighs: A and B reach it (A -> B -> C) and F reaches A (F -> A); D, E and G
    # never do, so the backward steps leave their 18 cells out
    w_c = np.eye(7)[2] * 0.8
    weighed = np.repeat(w_c != 0, 6)
    rows = resp.op.reaching(weighed, fte=False)
    kept = np.zeros(42, dtype=bool)
    for a, b in rows:
        kept[a:b] = True
    assert kept.reshape(7, 6).all(axis=1).tolist() == [True, True, True, False, False, True, False]
    full = run(inputs, params)
    want_hc = np.einsum("dtoka,k->dto", full.headcount, w_c)
    want_fte = np.einsum("dtoka,k->dto", full.fte, w_c)
    for t, (r_hc, r_fte) in enumerate(resp.weighted_steps([("hc", w_c), ("fte", w_c)])):
        np.testing.assert_allclose(r_hc @ resp.x_hc, want_hc[:, t], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(r_fte @ resp.x_fte, want_fte[:, t], rtol=1e-10, atol=1e-12)
        assert t < 3 or np.any(r_hc[:, :6] != 0)  # class A's response arrives within 2 steps


def test_class_totals_equal_the_engine() -> None:
    inputs, params = _case(3, "sequential", 4)
    resp = linear_response(inputs, params)
    assert isinstance(resp, AdjointResponse)
    at = np.array([0, 12, 24, 30])
    full = run(inputs, params)
    want = full.fte[:, at].sum(axis=(2, 4))
    np.testing.assert_allclose(resp.class_fte(at), want, rtol=1e-10, atol=1e-12)


def test_operator_refuses_what_it_cannot_reproduce(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs, params = _case(5, "sequential", 2)
    assert step_operator(inputs, params) is not None
    real = adjoint._structure

    def without_moves(n_cls, n_band, pairs):  # type: ignore[no-untyped-def]
        return real(n_cls, n_band, ())  # forgets the transitions: the check probe differs

    monkeypatch.setattr(adjoint, "_structure", without_moves)
    assert step_operator(inputs, params) is None
    monkeypatch.undo()
    from dataclasses import replace

    changing = replace(params, changes=((12, params),))
    assert step_operator(inputs, changing) is None
    assert not isinstance(linear_response(inputs, changing), AdjointResponse)


def test_probes_share_organisations() -> None:
    # 42 cells in a handful of probes, each probe's columns reaching disjoint rows
    structure = adjoint._structure(7, 6, ((0, 1), (1, 2), (5, 0), (5, 6)))
    colour = adjoint._colour(42, structure)
    assert colour.max() + 1 <= 6
    for c in range(int(colour.max()) + 1):
        rows = [i + off for off, lo, hi in structure for i in range(lo, hi) if colour[i] == c]
        assert len(rows) == len(set(rows))
