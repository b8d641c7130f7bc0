"""The cohort engine: vectorised NumPy stock-and-flow model of the workforce.

Stocks are headcount ``H`` and FTE ``F`` by draw x organisation x stock class x age band
(``[D, O, K, A]``). A *stock class* is a role (or staff group) with a contract type and, where the
data allow, a sex (``GP_SALARIED``, ``GP_PARTNER``, ``NURSE_ANP:F`` ...): transitions between
contract types are transitions between classes. Each time step of ``dt = 1 / steps_per_year``
years applies, in this order (see ``docs/model.md`` for the equations):

1. leavers:       ``L = S * q``            with ``q = 1 - (1 - leave_rate) ** dt``
2. transitions:   ``X[k->j] = S * tau[k, j]``, ``tau = 1 - (1 - transition_rate) ** dt``
3. ageing:        ``G[a->a+1] = S * dt / width[a]``  (the last band does not age out)
4. participation: ``P = F * ((1 + participation_rate) ** dt - 1)``  (FTE only)
5. inflows:       ``I = sum_s multiplier[s] * schedule[s][t, o] * share[s][k, a]``
                  (FTE inflow = I * fte_per_head[s])

so that ``end = start + inflows - leavers + transfers_in - transfers_out + aged_in - aged_out``
(``+ participation`` for FTE) holds every step, and no stock can go negative.

Every parameter may carry a leading *draws* axis (shape ``[D, ...]`` or without it, broadcast):
one call runs ``D`` Monte Carlo draws at once. The loop runs over time steps (and over chunks of
organisations, optionally on threads); never over organisations one by one.
:mod:`gpworkforce.forecast.reference` is a slow pure-Python implementation of the same equations
that tests compare against.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

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
_SPARSE_SHARES = 4  # inflows with more non-zero class x band shares are added densely


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


# ---- coefficient preparation ------------------------------------------------------------------
@dataclass(frozen=True)
class Coefficients:
    """Per-step coefficients, broadcast to ``[D, 1, K, A]`` style shapes."""

    draws: int
    keep: Array  # [D,1,K,A] 1 - q
    leave: Array  # [D,1,K,A] q
    tau: Array  # [D,K,K] per-step transition probabilities (diag 0)
    stay: Array  # [D,1,K,1] 1 - sum_j tau[k, j]
    has_transitions: bool
    pairs: tuple[tuple[int, int], ...]  # (from, to) classes with any transition
    share_nz: tuple[tuple[tuple[int, int], ...], ...]  # per stream: non-zero (class, band)
    blocks: tuple[InflowBlock, ...]  # streams with many non-zero shares, grouped by share
    age_full: Array  # [A] per-step share ageing out of band a (0 for the last band)
    has_ageing: bool
    part: Array  # [D,1,K,1] per-step proportional FTE change
    has_participation: bool
    mult: Array  # [D,S]
    fph: Array  # [D,S]


def _with_draws(value: ArrayLike, base_ndim: int, name: str) -> Array:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == base_ndim:
        arr = arr[np.newaxis]
    if arr.ndim != base_ndim + 1:
        raise ValueError(f"{name} must have {base_ndim} or {base_ndim + 1} dims, got {arr.shape}")
    return arr


@dataclass(frozen=True)
class InflowBlock:
    """Streams sharing one ``share`` with more than a few non-zero cells, added together.

    ``index`` selects the smallest block of classes x bands holding the non-zeros (a single class
    or band as an integer, so the view drops that axis); ``block`` is the share over it.
    """

    streams: tuple[int, ...]
    index: tuple[slice | int, slice | int]
    block: Array


def _axis(nz: NDArray[np.intp]) -> slice | int:
    lo, hi = int(nz.min()), int(nz.max())
    return lo if lo == hi else slice(lo, hi + 1)


def _blocks(streams: tuple[InflowStream, ...]) -> tuple[InflowBlock, ...]:
    groups: list[tuple[Array, list[int]]] = []
    for s, st in enumerate(streams):
        if np.count_nonzero(st.share) <= _SPARSE_SHARES:
            continue  # added cell by cell
        for share, members in groups:
            if np.array_equal(share, st.share):
                members.append(s)
                break
        else:
            groups.append((st.share, [s]))
    out = []
    for share, members in groups:
        ks, bs = np.nonzero(share)
        index = (_axis(ks), _axis(bs))
        out.append(InflowBlock(tuple(members), index, np.asarray(share[index])))
    return tuple(out)


def prepare(inputs: EngineInputs, params: EngineParams) -> Coefficients:
    """Check shapes and ranges and turn annual rates into per-step coefficients."""
    _, n_cls, n_band = inputs.shape
    n_str = len(inputs.inflows)
    dt = inputs.dt
    leave = _with_draws(params.leave_rate, 2, "leave_rate")
    trans = _with_draws(params.transition_rate, 2, "transition_rate")
    part = _with_draws(params.participation_rate, 1, "participation_rate")
    mult = _with_draws(params.inflow_multiplier, 1, "inflow_multiplier")
    fph = _with_draws(params.inflow_fte_per_head, 1, "inflow_fte_per_head")
    width = np.asarray(params.band_width_years, dtype=np.float64)
    expected = {
        "leave_rate": (leave, (n_cls, n_band)),
        "transition_rate": (trans, (n_cls, n_cls)),
        "participation_rate": (part, (n_cls,)),
        "inflow_multiplier": (mult, (n_str,)),
        "inflow_fte_per_head": (fph, (n_str,)),
    }
    draws = max(a.shape[0] for a, _ in expected.values())
    if inputs.headcount.ndim == 4:  # starting stocks with their own draws axis
        draws = max(draws, inputs.headcount.shape[0])
    for name, (arr, tail) in expected.items():
        if arr.shape[1:] != tail or arr.shape[0] not in (1, draws):
            raise ValueError(f"{name} must have shape [D?, {tail}], got {arr.shape}")
    if width.shape != (n_band,):
        raise ValueError(f"band_width_years must have shape ({n_band},), got {width.shape}")
    if np.any((leave < 0) | (leave > 1)) or np.any((trans < 0) | (trans > 1)):
        raise ValueError("leave_rate and transition_rate must be probabilities in [0, 1]")
    if np.any(np.diagonal(trans, axis1=1, axis2=2) != 0):
        raise ValueError("transition_rate must have a zero diagonal")
    if np.any(trans.sum(axis=2) > 1 + 1e-12):
        raise ValueError("transition rates out of a class must sum to at most 1 a year")
    if np.any(part <= -1) or np.any(mult < 0) or np.any(fph < 0):
        raise ValueError("participation_rate must be > -1; multipliers and FTE/head >= 0")
    if n_band > 1 and np.any(width[:-1] < dt):
        raise ValueError(f"every band but the last must be at least one step ({dt} y) wide")
    q = 1.0 - (1.0 - leave) ** dt
    tau = 1.0 - (1.0 - trans) ** dt
    stay = np.clip(1.0 - tau.sum(axis=2), 0.0, 1.0)
    age = np.zeros(n_band)
    age[:-1] = dt / width[:-1]
    pm = (1.0 + part) ** dt - 1.0
    return Coefficients(
        draws=draws,
        keep=(1.0 - q)[:, None, :, :],
        leave=q[:, None, :, :],
        tau=tau,
        stay=stay[:, None, :, None],
        has_transitions=bool(np.any(tau > 0)),
        share_nz=tuple(
            tuple((int(k), int(a)) for k, a in zip(*np.nonzero(st.share), strict=True))
            for st in inputs.inflows
        ),
        blocks=_blocks(inputs.inflows),
        pairs=tuple(
            (int(k), int(j)) for k, j in zip(*np.nonzero((tau > 0).any(axis=0)), strict=True)
        ),
        age_full=age,
        has_ageing=bool(np.any(age > 0)),
        part=pm[:, None, :, None],
        has_participation=bool(np.any(pm != 0)),
        mult=mult,
        fph=fph,
    )


@dataclass(frozen=True)
class Fused:
    """Steps 1-4 folded into one multiply, one ageing shift and the moving pairs (no flows kept).

    For headcount, ``aged = S x keep x stay x g`` moves up a band and ``S x keep x stay x (1 - g)``
    stays; a pair k -> j moves ``S[k] x keep[k] x tau[k, j]``, split the same way between band a
    and a + 1. FTE takes the participation factor ``(1 + p[k]) ** dt`` of the class it ends in
    (participation and ageing commute: the factor is the same for every band of a class).
    """

    c1h: Array  # [D,1,K,A] share ageing up
    c2h: Array  # [D,1,K,A] share staying
    c1f: Array
    c2f: Array
    moves_h: tuple[tuple[int, int, Array, Array], ...]  # (k, j, stay [D,1,A], up [D,1,A])
    moves_f: tuple[tuple[int, int, Array, Array], ...]


def fuse(c: Coefficients) -> Fused:
    g = c.age_full
    ks = c.keep * c.stay
    factor = 1.0 + c.part  # [D,1,K,1]
    c1h, c2h = ks * g, ks * (1.0 - g)
    moves_h, moves_f = [], []
    for k, j in c.pairs:
        base = c.keep[:, :, k, :] * c.tau[:, k, j, None, None]  # [D,1,A]
        stay, up = base * (1.0 - g), base * g
        moves_h.append((k, j, stay, up))
        moves_f.append((k, j, stay * factor[:, :, j, :], up * factor[:, :, j, :]))
    return Fused(c1h, c2h, c1h * factor, c2h * factor, tuple(moves_h), tuple(moves_f))


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
        if len(nonzero) > _SPARSE_SHARES:
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


def _alloc(c: Coefficients, inputs: EngineInputs, n_rec: int, n_org: int, flows: bool) -> _Out:
    tail = (n_org, *inputs.shape[1:])
    return _Out(
        hc=np.zeros((c.draws, n_rec, *tail)),
        fte=np.zeros((c.draws, n_rec, *tail)),
        flows={n: np.zeros((c.draws, inputs.n_steps, *tail)) for n in FLOW_NAMES}
        if flows
        else None,
    )


def _view(out: _Out, orgs: slice) -> _Out:
    flows = None if out.flows is None else {n: a[:, :, orgs] for n, a in out.flows.items()}
    return _Out(out.hc[:, :, orgs], out.fte[:, :, orgs], flows)


def _run_chunk(
    inputs: EngineInputs,
    c: Coefficients,
    orgs: slice,
    rec: NDArray[np.int64],
    out: _Out,
    sum_orgs: bool,
) -> None:
    """Step one chunk of organisations through every time step, writing into ``out``."""
    shape = (c.draws, orgs.stop - orgs.start, *inputs.shape[1:])
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
    fused = fuse(c) if flows is None else None
    # Without flows, a recorded step is computed straight into its output slot (no copy) when the
    # slot is one contiguous block; the next step then reads from there.
    direct = not sum_orgs and out.hc[:, 0].flags.c_contiguous and out.fte[:, 0].flags.c_contiguous
    cur = (H, F)
    for t in range(inputs.n_steps):
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
    c = prepare(inputs, params)
    if hc.ndim == 4 and hc.shape[0] not in (1, c.draws):
        raise ValueError(f"initial stocks have {hc.shape[0]} draws, the parameters {c.draws}")
    rec = recorded_steps(inputs.n_steps, opts.record_every)
    size = opts.org_chunk or max(n_org, 1)
    chunks = [slice(i, min(i + size, n_org)) for i in range(0, n_org, size)] or [slice(0, 0)]
    if opts.sum_orgs:  # each chunk sums its organisations; chunks are added in a fixed order
        outs = [_alloc(c, inputs, len(rec), 1, opts.record_flows) for _ in chunks]
    else:  # every chunk writes into its own slice of one output
        whole = _alloc(c, inputs, len(rec), n_org, opts.record_flows)
        outs = [_view(whole, ch) for ch in chunks]

    def job(i: int) -> None:
        _run_chunk(inputs, c, chunks[i], rec, outs[i], opts.sum_orgs)

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
