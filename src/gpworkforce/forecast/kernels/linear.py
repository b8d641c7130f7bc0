"""The cohort engine's linear response: any organisation's path from a few basis runs.

Given the draw's rates, one step of the engine (leavers, transitions, ageing, participation,
inflows) is linear in the stocks and the inflows, and no rate depends on the organisation. So
organisation ``o``'s stocks at every step are

    H[d, t, o] = sum_b X_hc[b, o] * Rh[d, t, b]     F[d, t, o] = sum_b X_fte[b, o] * Rf[d, t, b]

where basis ``b`` is either a unit stock in one class x age band cell (``X`` = the organisation's
starting headcount or FTE there) or one inflow stream's schedule for one unit of allocation
(``X`` = the organisation's share of the stream; the builder's schedules are always
``pattern[t] x allocation[o]``). ``Rh`` / ``Rf`` are the engine's own results for the basis
organisations (``engine.run``), so the equations are the engine's, not a copy. Headcount and FTE do
not mix (FTE follows people by the same shares; joiners bring their own FTE per head).

Cost: one engine run on ``B`` basis organisations (stocked cells + streams, 3 for a one-class,
two-band national model) for all draws and steps, then one ``[D, B] @ [B, O]`` product for each
step and measure asked, instead of stepping ``D x O x K x A`` cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from gpworkforce.forecast.engine import (
    EngineInputs,
    EngineOptions,
    EngineParams,
    EngineResult,
    InflowStream,
    recorded_steps,
    run,
)

if TYPE_CHECKING:
    from gpworkforce.forecast.kernels.adjoint import AdjointResponse

Array = NDArray[np.float64]
RANK1_RTOL = 1e-12


@dataclass(frozen=True)
class LinearResponse:
    """Basis paths ``[D, T + 1, B, K, A]`` (headcount, FTE) and each organisation's weights."""

    orgs: tuple[str, ...]
    basis: EngineResult  # headcount / fte [D, T+1, B, K, A]
    x_hc: Array  # [B, O]
    x_fte: Array  # [B, O]

    @property
    def draws(self) -> int:
        return self.basis.draws

    @property
    def steps(self) -> NDArray[np.int64]:
        return self.basis.steps

    @property
    def steps_per_year(self) -> int:
        return self.basis.steps_per_year

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.basis.classes)

    def weighted_steps(self, specs: Sequence[tuple[str, Array]]) -> Iterator[list[Array]]:
        """Step by step, :meth:`class_weighted` of each ``(which, weights)`` at that step."""
        paths = [self.class_weighted(which, w) for which, w in specs]
        for t in range(len(self.steps)):
            yield [p[:, t] for p in paths]

    def class_fte(self, at: NDArray[np.int64]) -> Array:
        """FTE per class summed over every organisation at steps ``at``, ``[D, len(at), K]``."""
        return np.einsum("dtbka,b->dtk", self.basis.fte[:, at], self.x_fte.sum(axis=1))

    def class_weighted(self, which: str, weights: Array) -> Array:
        """``[D, T + 1, B]``: the basis paths summed over bands and over classes with
        ``weights[D?, K]`` (e.g. GP-equivalence net of supervision)."""
        arr = self.basis.fte if which == "fte" else self.basis.headcount
        w = np.asarray(weights, dtype=np.float64)
        w = w if w.ndim == 2 else w[None, :]
        return np.einsum("dtbka,dk->dtb", arr, np.broadcast_to(w, (arr.shape[0], arr.shape[3])))

    def stocks(self, step: int) -> tuple[Array, Array]:
        """Headcount and FTE ``[D, O, K, A]`` at ``step`` (for tests and small runs)."""
        h = np.einsum("dbka,bo->doka", self.basis.headcount[:, step], self.x_hc)
        f = np.einsum("dbka,bo->doka", self.basis.fte[:, step], self.x_fte)
        return h, f


def _rank1(schedule: Array) -> tuple[Array, Array] | None:
    """``schedule [T, O] = pattern[T] x alloc[O]`` with ``alloc`` summing to 1, or None."""
    alloc = schedule.sum(axis=0)
    total = alloc.sum()
    if total == 0:
        return np.zeros(schedule.shape[0]), np.zeros(schedule.shape[1])
    alloc = alloc / total
    pattern = schedule.sum(axis=1)
    scale = float(np.max(np.abs(schedule)))
    if not np.allclose(np.outer(pattern, alloc), schedule, rtol=0, atol=RANK1_RTOL * scale):
        return None
    return pattern, alloc


def _factors(given: tuple[Array, Array]) -> tuple[Array, Array]:
    """The builder's ``(pattern, allocation)`` with the allocation scaled to sum to 1."""
    pattern, alloc = (np.asarray(a, dtype=np.float64) for a in given)
    total = alloc.sum()
    if total == 0:
        return np.zeros_like(pattern), np.zeros_like(alloc)
    return pattern * total, alloc / total


def linear_response(
    inputs: EngineInputs, params: EngineParams
) -> LinearResponse | AdjointResponse | None:
    """Run the engine on the basis organisations; None when an inflow schedule is not
    ``pattern x allocation`` or the starting stocks differ by draw (then run the engine itself).

    With more than :data:`STEP_MAP_CELLS` class x band cells and the same rates every step, the
    response is an :class:`~gpworkforce.forecast.kernels.adjoint.AdjointResponse` (measures
    streamed backwards through the engine's sparse step) instead of basis runs, whose size grows
    with the square of the cells."""
    if inputs.headcount.ndim != 3:
        return None
    n_org, n_cls, n_band = inputs.shape
    factored = [
        _factors(st.factors) if st.factors is not None else _rank1(st.schedule)
        for st in inputs.inflows
    ]
    if any(f is None for f in factored):
        return None
    stocked = (inputs.headcount != 0).any(axis=0) | (inputs.fte != 0).any(axis=0)
    cells = [(int(k), int(a)) for k, a in zip(*np.nonzero(stocked), strict=True)]
    n_basis = len(cells) + len(inputs.inflows)
    unit = np.zeros((n_basis, n_cls, n_band))
    x_hc = np.zeros((n_basis, n_org))
    x_fte = np.zeros((n_basis, n_org))
    for b, (k, a) in enumerate(cells):
        unit[b, k, a] = 1.0
        x_hc[b] = inputs.headcount[:, k, a]
        x_fte[b] = inputs.fte[:, k, a]
    streams = []
    for s, (st, f) in enumerate(zip(inputs.inflows, factored, strict=True)):
        assert f is not None
        pattern, alloc = f
        b = len(cells) + s
        schedule = np.zeros((inputs.n_steps, n_basis))
        schedule[:, b] = pattern
        streams.append(InflowStream(st.name, schedule, st.share))
        x_hc[b] = alloc
        x_fte[b] = alloc
    basis_inputs = EngineInputs(
        orgs=tuple(f"basis{b}" for b in range(n_basis)),
        classes=inputs.classes,
        bands=inputs.bands,
        headcount=unit,
        fte=unit.copy(),
        steps_per_year=inputs.steps_per_year,
        n_steps=inputs.n_steps,
        inflows=tuple(streams),
    )
    patterns = [f[0] for f in factored if f is not None]
    if n_cls * n_band > STEP_MAP_CELLS and not params.changes:
        from gpworkforce.forecast.kernels.adjoint import adjoint_response

        adj = adjoint_response(inputs, params, cells, patterns, x_hc, x_fte)
        if adj is not None:
            return adj
    if n_cls * n_band <= STEP_MAP_CELLS:
        basis = _by_step_maps(basis_inputs, params, cells, patterns)
    else:
        basis = run(basis_inputs, params, EngineOptions())
    return LinearResponse(inputs.orgs, basis, x_hc, x_fte)


STEP_MAP_CELLS = 32  # classes x bands up to which the step is applied as a matrix


def _one_step(inputs: EngineInputs, params: EngineParams) -> tuple[Array, Array, Array, Array]:
    """The engine's step as ``x -> M x + sum_s pattern_s[t] v_s`` (headcount and FTE), got by
    running the engine itself for one step on unit stocks and on one unit of each inflow."""
    _, n_cls, n_band = inputs.shape
    n = n_cls * n_band
    n_str = len(inputs.inflows)
    unit = np.zeros((n + n_str, n_cls, n_band))
    unit[:n] = np.eye(n).reshape(n, n_cls, n_band)
    streams = []
    for s, st in enumerate(inputs.inflows):
        schedule = np.zeros((1, n + n_str))
        schedule[0, n + s] = 1.0
        streams.append(InflowStream(st.name, schedule, st.share))
    one = EngineInputs(
        orgs=tuple(f"u{i}" for i in range(n + n_str)),
        classes=inputs.classes,
        bands=inputs.bands,
        headcount=unit,
        fte=unit.copy(),
        steps_per_year=inputs.steps_per_year,
        n_steps=1,
        inflows=tuple(streams),
    )
    res = run(one, params, EngineOptions())
    h = res.headcount[:, 1].reshape(res.draws, n + n_str, n)
    f = res.fte[:, 1].reshape(res.draws, n + n_str, n)
    # column i of M is the step applied to unit stock i
    return (
        np.ascontiguousarray(h[:, :n].transpose(0, 2, 1)),
        np.ascontiguousarray(f[:, :n].transpose(0, 2, 1)),
        h[:, n:],
        f[:, n:],
    )


def _by_step_maps(
    basis: EngineInputs,
    params: EngineParams,
    cells: list[tuple[int, int]],
    patterns: list[Array],
) -> EngineResult:
    """What ``run(basis, params)`` returns (every step recorded), computed by applying the
    engine's one-step map (:func:`_one_step`) step after step: a small matrix product a step
    instead of the engine's per-step operations. Parameters that change by year switch maps."""
    _, n_cls, n_band = basis.shape
    n, n_basis, n_t = n_cls * n_band, len(basis.orgs), basis.n_steps
    segments = [(0, replace(params, changes=()))] + [(int(t), p) for t, p in params.changes]
    maps = [_one_step(basis, p) for _, p in segments]
    draws = max(m[0].shape[0] for m in maps)
    start = np.zeros((draws, n, n_basis))
    for b, (k, a) in enumerate(cells):
        start[:, k * n_band + a, b] = 1.0
    out_h = np.empty((draws, n_t + 1, n, n_basis))
    out_f = np.empty_like(out_h)
    out_h[:, 0] = out_f[:, 0] = start
    first_stream = len(cells)
    seg = 0
    m_h, m_f, v_h, v_f = maps[0]
    for t in range(n_t):
        if seg + 1 < len(segments) and segments[seg + 1][0] == t:
            seg += 1
            m_h, m_f, v_h, v_f = maps[seg]
        np.matmul(m_h, out_h[:, t], out=out_h[:, t + 1])
        np.matmul(m_f, out_f[:, t], out=out_f[:, t + 1])
        for s, pattern in enumerate(patterns):
            if pattern[t] != 0.0:
                out_h[:, t + 1, :, first_stream + s] += pattern[t] * v_h[:, s]
                out_f[:, t + 1, :, first_stream + s] += pattern[t] * v_f[:, s]
    shape = (draws, n_t + 1, n_cls, n_band, n_basis)
    return EngineResult(
        orgs=basis.orgs,
        classes=basis.classes,
        bands=basis.bands,
        steps=recorded_steps(n_t, 1),
        steps_per_year=basis.steps_per_year,
        headcount=np.ascontiguousarray(out_h.reshape(shape).transpose(0, 1, 4, 2, 3)),
        fte=np.ascontiguousarray(out_f.reshape(shape).transpose(0, 1, 4, 2, 3)),
    )
