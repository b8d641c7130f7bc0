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
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class InflowStream:
    """People arriving: per step and organisation, before the stream's multiplier.

    ``schedule`` is ``[T, O]`` headcount arriving in each step (already spread over time, e.g.
    trainees completing convolved with a joining profile); ``share`` is ``[K, A]`` (sums to 1):
    which class and age band they join.
    """

    name: str
    schedule: Array
    share: Array


@dataclass(frozen=True)
class EngineInputs:
    """What the engine starts from: labels, initial stocks, time grid and inflow schedules."""

    orgs: tuple[str, ...]
    classes: tuple[str, ...]
    bands: tuple[str, ...]
    headcount: Array  # [O, K, A]
    fte: Array  # [O, K, A]
    steps_per_year: int
    n_steps: int
    inflows: tuple[InflowStream, ...] = ()

    @property
    def dt(self) -> float:
        return 1.0 / self.steps_per_year

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self.orgs), len(self.classes), len(self.bands))


@dataclass(frozen=True)
class EngineParams:
    """Rates, all *annual*; each may have a leading draws axis ``D``.

    leave_rate          [D?, K, A]  probability of leaving within a year (all causes)
    transition_rate     [D?, K, K]  probability a year of moving from class k to class j (diag 0)
    band_width_years    [A]         years spent in each age band (``inf`` for the last)
    participation_rate  [D?, K]     proportional change a year in FTE per head (-0.03 = -3%)
    inflow_multiplier   [D?, S]     scales stream s (retention, 1 - attrition, ...)
    inflow_fte_per_head [D?, S]     FTE per head of people arriving in stream s
    """

    leave_rate: ArrayLike
    transition_rate: ArrayLike
    band_width_years: ArrayLike
    participation_rate: ArrayLike
    inflow_multiplier: ArrayLike
    inflow_fte_per_head: ArrayLike


@dataclass(frozen=True)
class EngineOptions:
    """How to run and what to keep.

    record_every   keep stocks at steps 0, n, 2n, ... and the last step
    sum_orgs       keep only the total over organisations (orgs becomes ``("ALL",)``)
    record_flows   keep every flow of every step (needs ``record_every == 1``)
    org_chunk      organisations per chunk (smaller chunks stay in CPU cache); None = all
    threads        worker threads for chunks (NumPy releases the GIL)
    """

    record_every: int = 1
    sum_orgs: bool = False
    record_flows: bool = False
    org_chunk: int | None = None
    threads: int = 1


@dataclass(frozen=True)
class Flows:
    """Every flow of every step, ``[D, T, O, K, A]`` (headcount ``_hc`` and FTE ``_fte``)."""

    inflow_hc: Array
    inflow_fte: Array
    leavers_hc: Array
    leavers_fte: Array
    transfer_in_hc: Array
    transfer_out_hc: Array
    transfer_in_fte: Array
    transfer_out_fte: Array
    aged_in_hc: Array
    aged_out_hc: Array
    aged_in_fte: Array
    aged_out_fte: Array
    participation_fte: Array

    def net_hc(self) -> Array:
        return (
            self.inflow_hc
            - self.leavers_hc
            + self.transfer_in_hc
            - self.transfer_out_hc
            + self.aged_in_hc
            - self.aged_out_hc
        )

    def net_fte(self) -> Array:
        return (
            self.inflow_fte
            - self.leavers_fte
            + self.transfer_in_fte
            - self.transfer_out_fte
            + self.aged_in_fte
            - self.aged_out_fte
            + self.participation_fte
        )


_FLOW_NAMES = tuple(Flows.__dataclass_fields__)


@dataclass(frozen=True)
class EngineResult:
    """Stocks at the recorded steps, ``[D, R, O, K, A]``, and optionally every flow."""

    orgs: tuple[str, ...]
    classes: tuple[str, ...]
    bands: tuple[str, ...]
    steps: NDArray[np.int64]  # recorded step indices, 0 = start
    steps_per_year: int
    headcount: Array
    fte: Array
    flows: Flows | None = field(default=None)

    @property
    def draws(self) -> int:
        return int(self.headcount.shape[0])

    def class_index(self, codes: list[str] | tuple[str, ...]) -> list[int]:
        return [self.classes.index(c) for c in codes]


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
    age: Array  # per-step share ageing out of band a
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
    age = dt / width[:-1] if n_band > 1 else np.zeros(0)
    pm = (1.0 + part) ** dt - 1.0
    return Coefficients(
        draws=draws,
        keep=(1.0 - q)[:, None, :, :],
        leave=q[:, None, :, :],
        tau=tau,
        stay=stay[:, None, :, None],
        has_transitions=bool(np.any(tau > 0)),
        pairs=tuple(
            (int(k), int(j)) for k, j in zip(*np.nonzero((tau > 0).any(axis=0)), strict=True)
        ),
        age=age,
        part=pm[:, None, :, None],
        has_participation=bool(np.any(pm != 0)),
        mult=mult,
        fph=fph,
    )


# ---- the step -----------------------------------------------------------------------------------
def _add_inflow(
    inputs: EngineInputs, c: Coefficients, t: int, orgs: slice, hc: Array, fte: Array
) -> None:
    """Add the people arriving in step ``t`` to ``hc`` and ``fte`` (``[D, Oc, K, A]``) in place.

    ``sum_s multiplier[d, s] * schedule[s][t, o] * share[s][k, a]``, visiting only the non-zero
    shares (usually one band and one or two classes), element by element: the result does not
    depend on how organisations are chunked.
    """
    for s, stream in enumerate(inputs.inflows):
        arrive = c.mult[:, s, None] * stream.schedule[t, orgs][None, :]  # [D, Oc]
        fte_in = arrive * c.fph[:, s, None]
        for k, a in zip(*np.nonzero(stream.share), strict=True):
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


def _run_chunk(
    inputs: EngineInputs, c: Coefficients, opts: EngineOptions, orgs: slice, rec: NDArray[np.int64]
) -> tuple[Array, Array, dict[str, Array] | None]:
    n_cls, n_band = inputs.shape[1:]
    n_org = orgs.stop - orgs.start
    shape = (c.draws, n_org, n_cls, n_band)
    H = np.broadcast_to(inputs.headcount[orgs], shape).copy()
    F = np.broadcast_to(inputs.fte[orgs], shape).copy()
    T = inputs.n_steps
    o_out = 1 if opts.sum_orgs else n_org
    out_h = np.zeros((c.draws, len(rec), o_out, n_cls, n_band))
    out_f = np.zeros_like(out_h)
    flows: dict[str, Array] | None = None
    if opts.record_flows:
        flows = {n: np.zeros((c.draws, T, o_out, n_cls, n_band)) for n in _FLOW_NAMES}

    def keep(arr: Array) -> Array:
        return arr.sum(axis=1, keepdims=True) if opts.sum_orgs else arr

    def put(name: str, t: int, arr: Array) -> None:
        if flows is not None:
            flows[name][:, t] = keep(arr)

    r = 0
    if rec[0] == 0:
        out_h[:, 0], out_f[:, 0] = keep(H), keep(F)
        r = 1
    for t in range(T):
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
        # 3. ageing
        if n_band > 1:
            ag_h = H[..., :-1] * c.age
            ag_f = F[..., :-1] * c.age
            if flows is not None:
                pad = [(0, 0)] * 3
                put("aged_out_hc", t, np.pad(ag_h, [*pad, (0, 1)]))
                put("aged_out_fte", t, np.pad(ag_f, [*pad, (0, 1)]))
                put("aged_in_hc", t, np.pad(ag_h, [*pad, (1, 0)]))
                put("aged_in_fte", t, np.pad(ag_f, [*pad, (1, 0)]))
            H[..., :-1] -= ag_h
            H[..., 1:] += ag_h
            F[..., :-1] -= ag_f
            F[..., 1:] += ag_f
        # 4. participation (FTE per head)
        if c.has_participation:
            if flows is not None:
                put("participation_fte", t, F * c.part)
            F *= 1.0 + c.part
        # 5. inflows
        if inputs.inflows:
            if flows is not None:
                in_hc, in_fte = np.zeros_like(H), np.zeros_like(F)
                _add_inflow(inputs, c, t, orgs, in_hc, in_fte)
                put("inflow_hc", t, in_hc)
                put("inflow_fte", t, in_fte)
            _add_inflow(inputs, c, t, orgs, H, F)
        if r < len(rec) and rec[r] == t + 1:
            out_h[:, r], out_f[:, r] = keep(H), keep(F)
            r += 1
    return out_h, out_f, flows


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
    for s in inputs.inflows:
        if s.schedule.shape != (inputs.n_steps, n_org) or s.share.shape != inputs.shape[1:]:
            raise ValueError(f"inflow stream {s.name!r} has the wrong shape")
    if inputs.headcount.shape != inputs.shape or inputs.fte.shape != inputs.shape:
        raise ValueError("initial headcount and FTE must be [orgs, classes, bands]")
    c = prepare(inputs, params)
    rec = recorded_steps(inputs.n_steps, opts.record_every)
    size = opts.org_chunk or max(n_org, 1)
    chunks = [slice(i, min(i + size, n_org)) for i in range(0, n_org, size)] or [slice(0, 0)]

    def job(ch: slice) -> tuple[Array, Array, dict[str, Array] | None]:
        return _run_chunk(inputs, c, opts, ch, rec)

    if opts.threads > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=opts.threads) as pool:
            parts = list(pool.map(job, chunks))
    else:
        parts = [job(ch) for ch in chunks]
    axis = 2
    if opts.sum_orgs:
        hc = parts[0][0].copy()
        fte = parts[0][1].copy()
        for p in parts[1:]:  # fixed chunk order: bit-identical whatever the thread count
            hc += p[0]
            fte += p[1]
    else:
        hc = np.concatenate([p[0] for p in parts], axis=axis)
        fte = np.concatenate([p[1] for p in parts], axis=axis)
    flows = None
    if opts.record_flows:
        merged = {}
        for name in _FLOW_NAMES:
            arrays = [p[2][name] for p in parts if p[2] is not None]
            if opts.sum_orgs:
                total = arrays[0].copy()
                for a in arrays[1:]:
                    total += a
                merged[name] = total
            else:
                merged[name] = np.concatenate(arrays, axis=axis)
        flows = Flows(**merged)
    return EngineResult(
        orgs=("ALL",) if opts.sum_orgs else inputs.orgs,
        classes=inputs.classes,
        bands=inputs.bands,
        steps=rec,
        steps_per_year=inputs.steps_per_year,
        headcount=hc,
        fte=fte,
        flows=flows,
    )
