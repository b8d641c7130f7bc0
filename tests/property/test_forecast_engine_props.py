"""The vectorised cohort engine against the pure-Python reference, and its invariants.

Random small models (draws, organisations, classes, bands, steps, inflow streams, every rate):
the engine equals the reference to 1e-9 relative, both its fused step and its step with flows
recorded; every step, end = start + inflows - outflows; no stock is ever negative; chunking and
threads do not change a single bit.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gpworkforce.forecast.engine import (
    EngineInputs,
    EngineOptions,
    EngineParams,
    InflowStream,
    run,
)
from reference_engine import run_reference

rate = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def models(draw: st.DrawFn) -> tuple[EngineInputs, EngineParams]:
    n_d = draw(st.integers(1, 3))
    n_o = draw(st.integers(1, 4))
    n_k = draw(st.integers(1, 3))
    n_a = draw(st.integers(1, 4))
    n_s = draw(st.integers(0, 2))
    spy = draw(st.sampled_from([1, 4, 12]))
    n_t = draw(st.integers(1, 3 * spy))
    stock = st.floats(0.0, 500.0, allow_nan=False)
    hc = draw(hnp.arrays(np.float64, (n_o, n_k, n_a), elements=stock))
    fte_ratio = draw(hnp.arrays(np.float64, (n_o, n_k, n_a), elements=st.floats(0.0, 1.5)))
    streams = []
    for s in range(n_s):
        sched = draw(hnp.arrays(np.float64, (n_t, n_o), elements=st.floats(0.0, 20.0)))
        raw = draw(hnp.arrays(np.float64, (n_k, n_a), elements=st.floats(0.0, 1.0)))
        raw[0, 0] += 1e-3
        streams.append(InflowStream(f"s{s}", sched, raw / raw.sum()))
    lead = draw(st.sampled_from([(), (n_d,)]))
    trans = draw(hnp.arrays(np.float64, (*lead, n_k, n_k), elements=st.floats(0.0, 1.0 / n_k)))
    idx = np.arange(n_k)
    trans[..., idx, idx] = 0.0
    params = EngineParams(
        leave_rate=draw(hnp.arrays(np.float64, (*lead, n_k, n_a), elements=rate)),
        transition_rate=trans,
        band_width_years=[
            *draw(st.lists(st.floats(1.0, 15.0), min_size=n_a - 1, max_size=n_a - 1)),
            np.inf,
        ],
        # by class ([D?, K]) or by class and age band ([D, K, A], draws axis required)
        participation_rate=draw(
            hnp.arrays(
                np.float64,
                draw(st.sampled_from([(*lead, n_k), (lead[0] if lead else 1, n_k, n_a)])),
                elements=st.floats(-0.5, 0.5),
            )
        ),
        inflow_multiplier=draw(hnp.arrays(np.float64, (n_d, n_s), elements=st.floats(0.0, 2.0))),
        inflow_fte_per_head=draw(hnp.arrays(np.float64, (n_s,), elements=st.floats(0.0, 1.2))),
    )
    inputs = EngineInputs(
        orgs=tuple(f"O{i}" for i in range(n_o)),
        classes=tuple(f"K{i}" for i in range(n_k)),
        bands=tuple(f"A{i}" for i in range(n_a)),
        headcount=hc,
        fte=hc * fte_ratio,
        steps_per_year=spy,
        n_steps=n_t,
        inflows=tuple(streams),
    )
    return inputs, params


@settings(max_examples=200, deadline=None)
@given(models())
def test_engine_matches_reference(model: tuple[EngineInputs, EngineParams]) -> None:
    inputs, params = model
    ref_h, ref_f = run_reference(inputs, params)
    for opts in (EngineOptions(), EngineOptions(record_flows=True)):
        result = run(inputs, params, opts)
        np.testing.assert_allclose(result.headcount, np.array(ref_h), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(result.fte, np.array(ref_f), rtol=1e-9, atol=1e-9)
        assert (result.headcount >= 0).all() and (result.fte >= 0).all()


@settings(max_examples=200, deadline=None)
@given(models())
def test_invariants_every_step(model: tuple[EngineInputs, EngineParams]) -> None:
    inputs, params = model
    res = run(inputs, params, EngineOptions(record_flows=True))
    assert res.flows is not None
    assert (res.headcount >= 0).all() and (res.fte >= 0).all()
    for name in ("inflow_hc", "leavers_hc", "transfer_in_hc", "aged_out_hc", "leavers_fte"):
        assert (getattr(res.flows, name) >= 0).all(), name
    scale = 1.0 + np.abs(res.headcount).max()
    # end = start + inflows - leavers + transfers in - out + aged in - out, every step
    np.testing.assert_allclose(
        np.diff(res.headcount, axis=1), res.flows.net_hc(), rtol=0, atol=1e-9 * scale
    )
    np.testing.assert_allclose(
        np.diff(res.fte, axis=1), res.flows.net_fte(), rtol=0, atol=1e-9 * (1 + res.fte.max())
    )
    # moves between classes and bands create or destroy no one
    np.testing.assert_allclose(
        res.flows.transfer_in_hc.sum(axis=3),
        res.flows.transfer_out_hc.sum(axis=3),
        atol=1e-9 * scale,
    )
    np.testing.assert_allclose(
        res.flows.aged_in_hc.sum(axis=4), res.flows.aged_out_hc.sum(axis=4), atol=1e-9 * scale
    )


@settings(max_examples=100, deadline=None)
@given(models(), st.integers(1, 3), st.integers(1, 2))
def test_options_do_not_change_results(
    model: tuple[EngineInputs, EngineParams], chunk: int, threads: int
) -> None:
    inputs, params = model
    plain = run(inputs, params)
    chunked = run(inputs, params, EngineOptions(org_chunk=chunk, threads=threads))
    flows = run(inputs, params, EngineOptions(record_flows=True))
    np.testing.assert_array_equal(plain.headcount, chunked.headcount)
    # recording flows runs the step operation by operation; without, it runs fused: same numbers
    # up to rounding
    np.testing.assert_allclose(plain.fte, flows.fte, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(plain.headcount, flows.headcount, rtol=1e-12, atol=1e-12)
    summed = run(inputs, params, EngineOptions(sum_orgs=True, record_every=2))
    np.testing.assert_allclose(
        summed.headcount[:, :, 0],
        plain.headcount[:, summed.steps].sum(axis=2),
        rtol=1e-12,
        atol=1e-9,
    )


@settings(max_examples=100, deadline=None)
@given(models(), st.sampled_from(["sequential", "euler"]))
def test_participation_alike_in_every_band_is_the_class_rate(
    model: tuple[EngineInputs, EngineParams], scheme: str
) -> None:
    """A by-band participation rate that is the same in every band of a class reproduces the
    class rate exactly (bit for bit), whichever path the engine takes."""
    inputs, params = model
    by_class = np.asarray(params.participation_rate)
    if by_class.ndim == 3:  # the generator drew a by-band rate: take its first band per class
        by_class = by_class[:, :, 0]
    by_class = np.clip(by_class, -0.5, 0.5) if scheme == "sequential" else by_class
    by_band = np.repeat(np.atleast_2d(by_class)[:, :, None], len(inputs.bands), axis=2)
    if scheme == "euler":  # continuous rates: keep each step's outflow within the stock
        params = replace(
            params,
            leave_rate=np.asarray(params.leave_rate) * 0.1,
            transition_rate=np.zeros(np.asarray(params.transition_rate).shape),
            band_width_years=[*(max(float(w), 2.0) for w in params.band_width_years)],
        )
    a = replace(params, participation_rate=by_class, scheme=scheme)
    b = replace(params, participation_rate=by_band, scheme=scheme)
    for opts in (EngineOptions(), EngineOptions(record_flows=True)):
        ra, rb = run(inputs, a, opts), run(inputs, b, opts)
        np.testing.assert_array_equal(ra.fte, rb.fte)
        np.testing.assert_array_equal(ra.headcount, rb.headcount)
