"""The engine's fast paths against the reference: inflows added over a block of classes x bands
(one band, one class, several streams with the same share summed first) and steps written
straight into the output (every step recorded, one draw) or copied there (several draws,
``record_every``, chunks); parameters that change at a step (rates by year)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.forecast.engine import (
    EngineInputs,
    EngineOptions,
    EngineParams,
    InflowStream,
    prepare,
    run,
)
from reference_engine import run_reference

SHAPES = ("band", "class", "box", "dense")


def _share(kind: str, n_k: int, n_a: int, rng: np.random.Generator) -> np.ndarray:
    share = np.zeros((n_k, n_a))
    if kind == "band":  # every class, one band (trainees joining at one age)
        share[:, min(1, n_a - 1)] = rng.uniform(0.1, 1.0, n_k)
    elif kind == "class":  # one class, every band
        share[n_k - 1, :] = rng.uniform(0.1, 1.0, n_a)
    elif kind == "box":
        share[: max(1, n_k - 1), : max(1, n_a - 1)] = rng.uniform(0.0, 1.0)
        share[0, 0] += 0.5
    else:
        share[:] = rng.uniform(0.0, 1.0, (n_k, n_a))
    return share / share.sum()


@st.composite
def models(draw: st.DrawFn) -> tuple[EngineInputs, EngineParams]:
    n_d = draw(st.integers(1, 3))
    n_o = draw(st.integers(1, 5))
    n_k = draw(st.integers(3, 6))
    n_a = draw(st.integers(2, 5))
    n_t = draw(st.integers(1, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kinds = draw(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3))
    same = draw(st.booleans())  # streams with one share: summed before adding
    first = _share(kinds[0], n_k, n_a, rng)
    streams = tuple(
        InflowStream(
            f"s{i}",
            rng.uniform(0.0, 10.0, (n_t, n_o)),
            first if same else _share(kind, n_k, n_a, rng),
        )
        for i, kind in enumerate(kinds)
    )
    hc = rng.uniform(0.0, 100.0, (n_o, n_k, n_a))
    trans = np.zeros((n_k, n_k))
    trans[0, 1] = draw(st.floats(0.0, 0.5))
    params = EngineParams(
        leave_rate=rng.uniform(0.0, 0.3, (n_d, n_k, n_a)),
        transition_rate=trans,
        band_width_years=np.r_[rng.uniform(1.0, 10.0, n_a - 1), np.inf],
        participation_rate=rng.uniform(-0.1, 0.1, (n_d, n_k)),
        inflow_multiplier=rng.uniform(0.0, 2.0, (n_d, len(streams))),
        inflow_fte_per_head=rng.uniform(0.3, 1.0, len(streams)),
    )
    inputs = EngineInputs(
        orgs=tuple(f"O{i}" for i in range(n_o)),
        classes=tuple(f"K{i}" for i in range(n_k)),
        bands=tuple(f"A{i}" for i in range(n_a)),
        headcount=hc,
        fte=hc * rng.uniform(0.3, 1.0, hc.shape),
        steps_per_year=12,
        n_steps=n_t,
        inflows=streams,
    )
    return inputs, params


@settings(max_examples=300, deadline=None)
@given(models(), st.integers(1, 3), st.integers(1, 4))
def test_fast_paths_match_the_reference_and_each_other(
    model: tuple[EngineInputs, EngineParams], chunk: int, every: int
) -> None:
    inputs, params = model
    ref_h, ref_f = (np.array(x) for x in run_reference(inputs, params))
    plain = run(inputs, params)
    np.testing.assert_allclose(plain.headcount, ref_h, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(plain.fte, ref_f, rtol=1e-9, atol=1e-9)
    # chunks (and so copies instead of direct writes when there are several draws) and fewer
    # records give the same numbers to the bit
    chunked = run(inputs, params, EngineOptions(org_chunk=chunk, threads=2))
    np.testing.assert_array_equal(chunked.headcount, plain.headcount)
    np.testing.assert_array_equal(chunked.fte, plain.fte)
    sparse = run(inputs, params, EngineOptions(record_every=every))
    np.testing.assert_array_equal(sparse.fte, plain.fte[:, sparse.steps])
    flows = run(inputs, params, EngineOptions(record_flows=True))
    np.testing.assert_allclose(flows.fte, plain.fte, rtol=1e-12, atol=1e-12)


def test_streams_with_one_share_form_one_block() -> None:
    share = np.zeros((5, 6))
    share[:, 1] = 0.2  # five classes, one band
    other = np.zeros((5, 6))
    other[0, :] = 1 / 6  # one class, six bands
    few = np.zeros((5, 6))
    few[2, 3] = 1.0  # one cell: added cell by cell
    named = (("a", share), ("b", other), ("c", share), ("d", few))
    streams = tuple(InflowStream(n, np.ones((2, 1)), s) for n, s in named)
    ones = np.ones((1, 5, 6))
    inputs = EngineInputs(("O",), tuple("KLMNP"), tuple("uvwxyz"), ones, ones, 12, 2, streams)
    params = EngineParams(
        np.zeros((5, 6)),
        np.zeros((5, 5)),
        [np.inf] * 6,
        np.zeros(5),
        np.ones(4),
        np.ones(4),
    )
    blocks = prepare(inputs, params).blocks
    assert [b.streams for b in blocks] == [(0, 2), (1,)]
    assert blocks[0].index == (slice(0, 5), 1) and blocks[0].block.shape == (5,)
    assert blocks[1].index == (0, slice(0, 6))
    hc = run(inputs, params).headcount[0, -1, 0]
    expected = ones[0] + 2 * (2 * share + other + few)  # two steps, nobody leaves or ages
    np.testing.assert_allclose(hc, expected, rtol=1e-12)


def _segment(
    inputs: EngineInputs, t0: int, t1: int, hc: np.ndarray, fte: np.ndarray
) -> EngineInputs:
    streams = tuple(InflowStream(s.name, s.schedule[t0:t1], s.share) for s in inputs.inflows)
    return dataclasses.replace(inputs, headcount=hc, fte=fte, n_steps=t1 - t0, inflows=streams)


@settings(max_examples=150, deadline=None)
@given(models(), st.data())
def test_parameter_changes_equal_chained_runs(
    model: tuple[EngineInputs, EngineParams], data: st.DataObject
) -> None:
    """Rates that change at a step = running up to it, then on from its stocks with the new rates."""
    inputs, params = model
    if inputs.n_steps < 2:
        return
    at = data.draw(st.integers(1, inputs.n_steps - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    n_k, n_a = inputs.shape[1:]
    later = dataclasses.replace(
        params,
        leave_rate=rng.uniform(0.0, 0.5, (n_k, n_a)),
        participation_rate=rng.uniform(-0.2, 0.1, n_k),
    )
    changed = run(inputs, dataclasses.replace(params, changes=((at, later),)))
    first = run(_segment(inputs, 0, at, inputs.headcount, inputs.fte), params)
    second = run(
        _segment(inputs, at, inputs.n_steps, first.headcount[:, -1], first.fte[:, -1]), later
    )
    np.testing.assert_array_equal(changed.headcount[:, : at + 1], first.headcount)
    np.testing.assert_allclose(changed.headcount[:, at:], second.headcount, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(changed.fte[:, at:], second.fte, rtol=1e-12, atol=1e-12)
    flows = run(
        inputs,
        dataclasses.replace(params, changes=((at, later),)),
        EngineOptions(record_flows=True),
    )
    np.testing.assert_allclose(flows.fte, changed.fte, rtol=1e-12, atol=1e-12)


def test_parameter_changes_are_checked() -> None:
    ones = np.ones((1, 1, 1))
    inputs = EngineInputs(("O",), ("K",), ("A",), ones, ones, 12, 12)
    base = EngineParams(np.zeros((1, 1)), np.zeros((1, 1)), [np.inf], np.zeros(1), [], [])
    with pytest.raises(ValueError, match=r"increasing steps in 1\.\.11"):
        run(inputs, dataclasses.replace(base, changes=((12, base),)))
    with pytest.raises(ValueError, match="increasing steps"):
        run(inputs, dataclasses.replace(base, changes=((6, base), (3, base))))
    nested = dataclasses.replace(base, changes=((2, base),))
    with pytest.raises(ValueError, match="changes of its own"):
        run(inputs, dataclasses.replace(base, changes=((6, nested),)))
    leave = dataclasses.replace(base, leave_rate=np.full((1, 1), 0.5))
    res = run(inputs, dataclasses.replace(base, changes=((6, leave),)))
    # nobody leaves for six months, then half a year at 50% a year
    assert res.headcount[0, 6, 0, 0, 0] == 1.0
    assert res.headcount[0, -1, 0, 0, 0] == pytest.approx(0.5**0.5)
