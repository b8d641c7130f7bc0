"""The cohort engine: vectorised NumPy stock-and-flow model of the workforce.

Stocks are headcount ``H`` and FTE ``F`` by draw x organisation x stock class x age band
(``[D, O, K, A]``). A *stock class* is a role (or staff group) with a contract type and, where the
data allow, a sex (``GP_SALARIED``, ``GP_PARTNER``, ``NURSE_ANP:F`` ...): transitions between
contract types are transitions between classes. Each time step of ``dt = 1 / steps_per_year``
years applies, in this order (see ``docs/model.md`` for the equations):

1. leavers:       ``L = S * q``            with ``q = 1 - (1 - leave_rate) ** dt``
2. transitions:   ``X[k->j] = S * tau[k, j]``, ``tau = 1 - (1 - transition_rate) ** dt``
3. ageing:        ``G[a->a+1] = S * dt / width[a]``  (the last band does not age out)
4. participation: ``P = F * ((1 + participation_rate[k, a]) ** dt - 1)``  (FTE only; on the
                  class and band after steps 2-3, so a share ageing up takes its new band's rate)
5. inflows:       ``I = sum_s multiplier[s] * schedule[s][t, o] * share[s][k, a]``
                  (FTE inflow = I * fte_per_head[s])

so that ``end = start + inflows - leavers + transfers_in - transfers_out + aged_in - aged_out``
(``+ participation`` for FTE) holds every step, and no stock can go negative.

Every parameter may carry a leading *draws* axis (shape ``[D, ...]`` or without it, broadcast):
one call runs ``D`` Monte Carlo draws at once. The loop runs over time steps (and over chunks of
organisations, optionally on threads); never over organisations one by one.
`tests/reference_engine.py` is a slow pure-Python implementation of the same equations
that tests compare against.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gpworkforce.forecast.engine_coeffs import (
    SPARSE_SHARES,
    Coefficients,
    Fused,
    InflowBlock,
    fuse,
    prepare,
)
from gpworkforce.forecast.engine_types import (
    FLOW_NAMES,
    EngineInputs,
    EngineOptions,
    EngineParams,
    EngineResult,
    Flows,
    InflowStream,
)

Array = NDArray[np.float64]


__all__ = [
    "Coefficients",
    "EngineInputs",
    "EngineOptions",
    "EngineParams",
    "EngineResult",
    "Flows",
    "InflowBlock",
    "InflowStream",
    "prepare",
    "recorded_steps",
    "run",
]


def _fused_step(
    src: tuple[Array, Array], dst: tuple[Array, Array], c: Coefficients, z: Fused, aged: Array
) -> None:
    """Leavers, transitions, ageing and participation from ``src`` (H, F) into ``dst`` (H, F).

    ``dst`` may be ``src`` (in place) or, say, the output's slot for the next step, which saves
    copying the stocks there afterwards; it must be C-contiguous (the ageing shift runs on the
    flattened array).
    """
    flat_aged = aged.reshape(-1)
    pairs = ((src[0], dst[0], z.c1h, z.c2h, z.moves_h), (src[1], dst[1], z.c1f, z.c2f, z.moves_f))
    for old, stock, c1, c2, moves in pairs:
        moved = [(j, old[:, :, k, :] * st, old[:, :, k, :] * up) for k, j, st, up in moves]
        if c.has_ageing:
            np.multiply(old, c1, out=aged)
        np.multiply(old, c2, out=stock)
        if c.has_ageing:
            stock.reshape(-1)[1:] += flat_aged[:-1]
        for j, stay_part, up_part in moved:
            stock[:, :, j, :] += stay_part
            if c.has_ageing:
                stock[:, :, j, 1:] += up_part[..., :-1]


def _euler_step(
    H: Array, F: Array, c: Coefficients, put: Callable[[str, Array], None] | None
) -> None:
    """System-dynamics step in place: every flow on the stocks at the start of the step.

    ``stock += dt x (in - out)`` with leavers ``S x leave``, moves ``S[k] x tau[k, j]``, ageing
    ``S x dt / width`` (into the next band) and, for FTE, participation ``F x pm`` (rates x dt,
    see :func:`~gpworkforce.forecast.engine_coeffs.prepare`); inflows are added after.
    """
    assert c.euler_stay is not None
    for stock, is_fte in ((H, False), (F, True)):
        old = stock.copy()
        suffix = "fte" if is_fte else "hc"
        np.multiply(old, c.euler_stay, out=stock)
        if is_fte and c.has_participation:
            stock += old * c.part
        moved = _moves(old, c) if c.has_transitions else []
        for j, m in moved:
            stock[:, :, j, :] += m
        if c.has_ageing:
            up = old * c.age_full
            stock[..., 1:] += up[..., :-1]
        if put is not None:
            put(f"leavers_{suffix}", old * c.leave)
            out_share = 1.0 - c.stay if c.has_transitions else np.zeros_like(c.stay)
            put(f"transfer_out_{suffix}", old * out_share)
            put(f"transfer_in_{suffix}", _gather(old, moved))
            up = old * c.age_full
            aged_in = np.zeros_like(up)
            aged_in[..., 1:] = up[..., :-1]
            put(f"aged_out_{suffix}", up)
            put(f"aged_in_{suffix}", aged_in)
            if is_fte:
                put("participation_fte", old * c.part)


# ---- the step -----------------------------------------------------------------------------------
def _add_inflow(
    inputs: EngineInputs, c: Coefficients, t: int, orgs: slice, hc: Array, fte: Array, buf: Array
) -> None:
    """Add the people arriving in step ``t`` to ``hc`` and ``fte`` (``[D, Oc, K, A]``) in place.

    ``sum_s multiplier[d, s] * schedule[s][t, o] * share[s][k, a]``, element by element (so the
    result does not depend on how organisations are chunked): visiting only the non-zero shares
    when there are few (one band, one or two classes); else streams with the same share are summed
    per organisation first and added as one outer product over the block of classes x bands that
    holds the non-zeros (e.g. every class, one band: a tenth of the array), written in ``buf``.
    Cells outside the block would only have 0 added.
    """
    for blk in c.blocks:
        arrive = fte_in = None
        for s in blk.streams:
            a = c.mult[:, s, None] * inputs.inflows[s].schedule[t, orgs][None, :]  # [D, Oc]
            f = a * c.fph[:, s, None]
            arrive = a if arrive is None else arrive + a
            fte_in = f if fte_in is None else fte_in + f
        assert arrive is not None and fte_in is not None
        ks, bs = blk.index
        extra = (None,) * blk.block.ndim
        part = buf[:, :, ks, bs]
        np.multiply(arrive[(..., *extra)], blk.block, out=part)
        hc[:, :, ks, bs] += part
        np.multiply(fte_in[(..., *extra)], blk.block, out=part)
        fte[:, :, ks, bs] += part
    for s, stream in enumerate(inputs.inflows):
        nonzero = c.share_nz[s]
        if len(nonzero) > SPARSE_SHARES:
            continue  # in a block above
        arrive = c.mult[:, s, None] * stream.schedule[t, orgs][None, :]  # [D, Oc]
        fte_in = arrive * c.fph[:, s, None]
        for k, a in nonzero:
            hc[:, :, k, a] += arrive * stream.share[k, a]
            fte[:, :, k, a] += fte_in * stream.share[k, a]


def _moves(stock: Array, c: Coefficients) -> list[tuple[int, Array]]:
    """People moving from class k to j this step, ``stock[:, :, k, :] * tau[k, j]``, per pair."""
    return [(j, stock[:, :, k, :] * c.tau[:, k, j, None, None]) for k, j in c.pairs]


def _gather(stock: Array, moved: list[tuple[int, Array]]) -> Array:
    out = np.zeros_like(stock)
    for j, m in moved:
        out[:, :, j, :] += m
    return out


@dataclass(frozen=True)
class _Out:
    """Where a chunk writes: stocks ``[D, R, Oc|1, K, A]`` and flows ``[D, T, Oc|1, K, A]``."""

    hc: Array
    fte: Array
    flows: dict[str, Array] | None


def _alloc(draws: int, inputs: EngineInputs, n_rec: int, n_org: int, flows: bool) -> _Out:
    tail = (n_org, *inputs.shape[1:])
    return _Out(
        hc=np.zeros((draws, n_rec, *tail)),
        fte=np.zeros((draws, n_rec, *tail)),
        flows={n: np.zeros((draws, inputs.n_steps, *tail)) for n in FLOW_NAMES} if flows else None,
    )


def _view(out: _Out, orgs: slice) -> _Out:
    flows = None if out.flows is None else {n: a[:, :, orgs] for n, a in out.flows.items()}
    return _Out(out.hc[:, :, orgs], out.fte[:, :, orgs], flows)


def _run_chunk(
    inputs: EngineInputs,
    plan: _Plan,
    orgs: slice,
    rec: NDArray[np.int64],
    out: _Out,
    sum_orgs: bool,
) -> None:
    """Step one chunk of organisations through every time step, writing into ``out``."""
    c = plan.first
    shape = (plan.draws, orgs.stop - orgs.start, *inputs.shape[1:])
    H = np.broadcast_to(inputs.headcount[..., orgs, :, :], shape).copy()
    F = np.broadcast_to(inputs.fte[..., orgs, :, :], shape).copy()
    flat_h, flat_f = H.reshape(-1), F.reshape(-1)
    flows = out.flows

    def keep(arr: Array) -> Array:
        return arr.sum(axis=1, keepdims=True) if sum_orgs else arr

    def put(name: str, t: int, arr: Array) -> None:
        if flows is not None:
            flows[name][:, t] = keep(arr)

    buf = np.empty(shape)
    aged = np.empty(shape)
    flat_aged = aged.reshape(-1)
    r = 0
    if rec[0] == 0:
        out.hc[:, 0], out.fte[:, 0] = keep(H), keep(F)
        r = 1
    fused = fuse(c) if flows is None and not c.euler else None
    # Without flows, a recorded step is computed straight into its output slot (no copy) when the
    # slot is one contiguous block; the next step then reads from there.
    direct = not sum_orgs and out.hc[:, 0].flags.c_contiguous and out.fte[:, 0].flags.c_contiguous
    cur = (H, F)
    for t in range(inputs.n_steps):
        if t in plan.changes:  # parameters that apply from this step on
            c = plan.changes[t]
            fused = fuse(c) if flows is None and not c.euler else None
        if c.euler:
            _euler_step(H, F, c, None if flows is None else (lambda n, a, t=t: put(n, t, a)))
            if inputs.inflows:
                if flows is not None:
                    in_hc, in_fte = np.zeros_like(H), np.zeros_like(F)
                    _add_inflow(inputs, c, t, orgs, in_hc, in_fte, buf)
                    put("inflow_hc", t, in_hc)
                    put("inflow_fte", t, in_fte)
                _add_inflow(inputs, c, t, orgs, H, F, buf)
            if r < len(rec) and rec[r] == t + 1:
                out.hc[:, r], out.fte[:, r] = keep(H), keep(F)
                r += 1
            continue
        if fused is not None:
            recorded = r < len(rec) and rec[r] == t + 1
            dst = (out.hc[:, r], out.fte[:, r]) if recorded and direct else (H, F)
            _fused_step(cur, dst, c, fused, aged)
            if inputs.inflows:
                _add_inflow(inputs, c, t, orgs, dst[0], dst[1], buf)
            if recorded:
                if not direct:
                    out.hc[:, r], out.fte[:, r] = keep(dst[0]), keep(dst[1])
                r += 1
            cur = dst
            continue
        # 1. leavers
        if flows is not None:
            put("leavers_hc", t, H * c.leave)
            put("leavers_fte", t, F * c.leave)
        H *= c.keep
        F *= c.keep
        # 2. transitions between classes
        if c.has_transitions:
            moved_h = _moves(H, c)
            moved_f = _moves(F, c)
            if flows is not None:
                put("transfer_out_hc", t, H * (1.0 - c.stay))
                put("transfer_out_fte", t, F * (1.0 - c.stay))
                put("transfer_in_hc", t, _gather(H, moved_h))
                put("transfer_in_fte", t, _gather(F, moved_f))
            H *= c.stay
            F *= c.stay
            for j, m in moved_h:
                H[:, :, j, :] += m
            for j, m in moved_f:
                F[:, :, j, :] += m
        # 3. ageing: the share dt/width of band a moves to a+1. On the flattened array band a+1 is
        #    the next element; the last band's share is 0, so nothing crosses into another class.
        if c.has_ageing:
            for stock, flat, names in ((H, flat_h, ("hc",)), (F, flat_f, ("fte",))):
                np.multiply(stock, c.age_full, out=aged)
                if flows is not None:
                    moved_in = np.zeros_like(aged)
                    moved_in.reshape(-1)[1:] = flat_aged[:-1]
                    put(f"aged_out_{names[0]}", t, aged)
                    put(f"aged_in_{names[0]}", t, moved_in)
                stock -= aged
                flat[1:] += flat_aged[:-1]
        # 4. participation (FTE per head)
        if c.has_participation:
            if flows is not None:
                put("participation_fte", t, F * c.part)
            F *= 1.0 + c.part
        # 5. inflows
        if inputs.inflows:
            if flows is not None:
                in_hc, in_fte = np.zeros_like(H), np.zeros_like(F)
                _add_inflow(inputs, c, t, orgs, in_hc, in_fte, buf)
                put("inflow_hc", t, in_hc)
                put("inflow_fte", t, in_fte)
            _add_inflow(inputs, c, t, orgs, H, F, buf)
        if r < len(rec) and rec[r] == t + 1:
            out.hc[:, r], out.fte[:, r] = keep(H), keep(F)
            r += 1


@dataclass(frozen=True)
class _Plan:
    """Coefficients from step 0 and those that take over at later steps (rates by year)."""

    first: Coefficients
    changes: dict[int, Coefficients]
    draws: int


def _plan(inputs: EngineInputs, params: EngineParams) -> _Plan:
    first = prepare(inputs, params)
    changes: dict[int, Coefficients] = {}
    last = 0
    for step, later in params.changes:
        if later.changes:
            raise ValueError("a parameter change must not carry changes of its own")
        if later.scheme != params.scheme:
            raise ValueError("a parameter change must keep the integration scheme")
        if not last < step < inputs.n_steps:
            raise ValueError(
                f"parameter changes must be at increasing steps in 1..{inputs.n_steps - 1},"
                f" got step {step}"
            )
        changes[int(step)] = prepare(inputs, later)
        last = step
    draws = max([first.draws, *(c.draws for c in changes.values())])
    if any(c.draws not in (1, draws) for c in changes.values()) or first.draws not in (1, draws):
        raise ValueError("every parameter change must have 1 draw or the same draws as the rest")
    return _Plan(first, changes, draws)


def recorded_steps(n_steps: int, every: int) -> NDArray[np.int64]:
    """Steps kept by ``record_every``: 0, n, 2n, ... and always the last step."""
    if every < 1:
        raise ValueError("record_every must be >= 1")
    steps = list(range(0, n_steps + 1, every))
    if steps[-1] != n_steps:
        steps.append(n_steps)
    return np.asarray(steps, dtype=np.int64)


def run(
    inputs: EngineInputs, params: EngineParams, options: EngineOptions | None = None
) -> EngineResult:
    """Run the cohort model for every draw at once."""
    opts = options or EngineOptions()
    if opts.record_flows and opts.record_every != 1:
        raise ValueError("record_flows needs record_every == 1")
    n_org = len(inputs.orgs)
    for st in inputs.inflows:
        if st.schedule.shape != (inputs.n_steps, n_org) or st.share.shape != inputs.shape[1:]:
            raise ValueError(f"inflow stream {st.name!r} has the wrong shape")
    hc, fte = inputs.headcount, inputs.fte
    if hc.shape != fte.shape or hc.shape[-3:] != inputs.shape or hc.ndim not in (3, 4):
        raise ValueError("initial headcount and FTE must be [orgs, classes, bands] or [D, ...]")
    plan = _plan(inputs, params)
    if hc.ndim == 4 and hc.shape[0] not in (1, plan.draws):
        raise ValueError(f"initial stocks have {hc.shape[0]} draws, the parameters {plan.draws}")
    rec = recorded_steps(inputs.n_steps, opts.record_every)
    size = opts.org_chunk or max(n_org, 1)
    chunks = [slice(i, min(i + size, n_org)) for i in range(0, n_org, size)] or [slice(0, 0)]
    if opts.sum_orgs:  # each chunk sums its organisations; chunks are added in a fixed order
        outs = [_alloc(plan.draws, inputs, len(rec), 1, opts.record_flows) for _ in chunks]
    else:  # every chunk writes into its own slice of one output
        whole = _alloc(plan.draws, inputs, len(rec), n_org, opts.record_flows)
        outs = [_view(whole, ch) for ch in chunks]

    def job(i: int) -> None:
        _run_chunk(inputs, plan, chunks[i], rec, outs[i], opts.sum_orgs)

    if opts.threads > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=opts.threads) as pool:
            list(pool.map(job, range(len(chunks))))
    else:
        for i in range(len(chunks)):
            job(i)
    if opts.sum_orgs:
        whole = outs[0]
        for part in outs[1:]:  # fixed order: bit-identical whatever the thread count
            whole.hc[...] += part.hc
            whole.fte[...] += part.fte
            if whole.flows is not None and part.flows is not None:
                for name in FLOW_NAMES:
                    whole.flows[name][...] += part.flows[name]
    return EngineResult(
        orgs=("ALL",) if opts.sum_orgs else inputs.orgs,
        classes=inputs.classes,
        bands=inputs.bands,
        steps=rec,
        steps_per_year=inputs.steps_per_year,
        headcount=whole.hc,
        fte=whole.fte,
        flows=None if whole.flows is None else Flows(**whole.flows),
    )
