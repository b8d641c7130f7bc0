"""The cohort engine's step as a sparse operator, and measures streamed backwards through it.

For many class x age band cells (an ICS with 42 roles x 10 bands has 420) the basis runs of
:mod:`gpworkforce.forecast.kernels.linear` would step one basis organisation per cell, every
draw, every step (``D x T x 420 x 420`` numbers). This module uses the same linearity the other
way round (the *adjoint*):

* One step of the engine is ``x -> M x + sum_s pattern_s[t] v_s`` per draw (headcount and FTE
  each), and ``M`` is sparse: a cell keeps a share of itself, sends a share to the next age band
  of its class, and, for each class pair with a transition, shares to the same and the next band
  of the other class. :func:`step_operator` reads every non-zero of ``M`` and every ``v_s`` from
  the engine itself, running it one step on a few *probe* organisations (cells whose targets do
  not overlap share a probe, as in sparse-Jacobian colouring), and checks the operator against
  the engine on one more organisation with random stocks; if they differ (a flow this module does
  not know), it returns None and the caller uses the basis runs.
* A measure that sums cells with weights ``w`` (e.g. GP-equivalent FTE: class weights over every
  band) is, at step ``t``, ``y_t . x_0 + sum_{u < t} sum_s pattern_s[u] (y_{t-1-u} . v_s)`` with
  ``y_t = (M^T)^t w``. So ``y_t`` *is* the measure's response to a unit stock in each cell at step
  ``t`` (the basis coefficient the summaries need), got by one sparse transposed step per step on
  ``[D, measures, cells]`` numbers: about ``D x 3 x 420`` per step instead of ``D x 420 x 420``.

Only when the rates are the same in every step (no ``EngineParams.changes``): ``M`` must not
depend on ``t`` for ``y_t`` to serve every start. Nothing of size draws x organisations x steps,
or draws x cells x steps, is held: the responses are yielded one step at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gpworkforce.forecast.engine import (
    EngineInputs,
    EngineOptions,
    EngineParams,
    InflowStream,
    prepare,
    recorded_steps,
    run,
)

Array = NDArray[np.float64]
CHECK_RTOL = 1e-12  # operator against the engine on random stocks, relative to the largest cell


@dataclass(frozen=True)
class Term:
    """``M[i + offset, i]`` for columns ``lo <= i < hi``: headcount ``h`` and FTE ``f``,
    ``[hi - lo, D]`` (draws last: a term is one contiguous block of cells)."""

    offset: int
    lo: int
    hi: int
    h: Array
    f: Array


@dataclass(frozen=True)
class Inflow:
    """One unit of an inflow stream's schedule: the cells it reaches, ``[len(cells), D]``."""

    cells: NDArray[np.intp]
    h: Array
    f: Array


@dataclass(frozen=True)
class StepOperator:
    """One engine step on the flattened class x band cells of one organisation, per draw.

    Arrays are cells first, draws last (``[n, D]``, ``[n, m, D]``)."""

    n: int
    draws: int
    terms: tuple[Term, ...]  # the diagonal (offset 0, every column) first
    inflows: tuple[Inflow, ...]
    width: int  # the widest term after the diagonal (scratch size)

    def forward(self, x: Array, fte: bool, out: Array, tmp: Array) -> Array:
        """``M x`` for stocks ``x [n, D]`` into ``out`` (inflows not added)."""
        first, *rest = self.terms
        np.multiply(first.f if fte else first.h, x, out=out)
        for t in rest:
            part = tmp[: t.hi - t.lo]
            np.multiply(t.f if fte else t.h, x[t.lo : t.hi], out=part)
            out[t.lo + t.offset : t.hi + t.offset] += part
        return out

    def adjoint(
        self, y: Array, fte: bool, out: Array, tmp: Array, rows: Sequence[tuple[int, int]] = ()
    ) -> Array:
        """``M^T y`` for ``y [m, >= n, D]`` (m measures; rows from n on are left alone) into
        ``out`` (not ``y``); ``tmp`` is ``[m, width, D]`` scratch. With ``rows`` (runs
        ``(a, b)`` of cells, e.g. :meth:`reaching`), only those rows of ``out`` are written:
        the others are the caller's to know are zero."""
        first, *rest = self.terms
        runs = rows or ((0, self.n),)
        for a, b in runs:
            coef = first.f if fte else first.h
            np.multiply(coef[a:b], y[:, a:b], out=out[:, a:b])
        for t in rest:
            coef = t.f if fte else t.h
            for a, b in runs:
                lo, hi = max(a, t.lo), min(b, t.hi)
                if lo >= hi:
                    continue
                part = tmp[:, : hi - lo]
                np.multiply(
                    coef[lo - t.lo : hi - t.lo], y[:, lo + t.offset : hi + t.offset], out=part
                )
                out[:, lo:hi] += part
        return out

    def reaching(self, weighed: NDArray[np.bool_], fte: bool) -> list[tuple[int, int]]:
        """Runs ``(a, b)`` of the cells from which some path of non-zero shares (any draw)
        reaches a cell in ``weighed [n]``: outside them a measure's responses ``(M^T)^t w``
        stay exact zeros at every step (42 roles: most never become a GP-equivalent role)."""
        reach = np.asarray(weighed, dtype=bool).copy()
        moves = [
            (t.offset, t.lo, t.hi, np.flatnonzero((t.f if fte else t.h).any(axis=1)) + t.lo)
            for t in self.terms[1:]
        ]
        while True:
            before = int(reach.sum())
            for off, _, _, cols in moves:
                reach[cols] |= reach[cols + off]
            if int(reach.sum()) == before:
                break
        edges = np.flatnonzero(np.diff(np.r_[0, reach.astype(np.int8), 0]))
        return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _structure(
    n_cls: int, n_band: int, pairs: Sequence[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """``(offset, lo, hi)`` of every possible non-zero of ``M`` (diagonal first)."""
    n = n_cls * n_band
    out = [(0, 0, n)]
    if n_band > 1:
        out.append((1, 0, n - 1))  # ageing; the last band's share is 0 (and probed as such)
    for k, j in pairs:
        d = (j - k) * n_band
        out.append((d, k * n_band, (k + 1) * n_band))
        if n_band > 1:
            out.append((d + 1, k * n_band, (k + 1) * n_band - 1))
    return out


def _colour(n: int, structure: list[tuple[int, int, int]]) -> NDArray[np.intp]:
    """Probe of each column: columns in one probe reach disjoint rows (greedy colouring)."""
    rows: list[list[int]] = [[] for _ in range(n)]
    for off, lo, hi in structure:
        for i in range(lo, hi):
            rows[i].append(i + off)
    used: list[set[int]] = []
    colour = np.empty(n, dtype=np.intp)
    for i in range(n):
        free = [c for c, taken in enumerate(used) if taken.isdisjoint(rows[i])]
        if not free:
            used.append(set())
        c = free[0] if free else len(used) - 1
        used[c].update(rows[i])
        colour[i] = c
    return colour


def step_operator(inputs: EngineInputs, params: EngineParams) -> StepOperator | None:
    """The engine's one-step map as a :class:`StepOperator`, read from the engine (module
    docstring); None when the rates change by year or the engine does something else."""
    if params.changes:
        return None
    _, n_cls, n_band = inputs.shape
    n, n_str = n_cls * n_band, len(inputs.inflows)
    coeffs = prepare(inputs, params)  # the engine's own checks and its moving class pairs
    structure = _structure(n_cls, n_band, coeffs.pairs)
    colour = _colour(n, structure)
    n_probe = int(colour.max()) + 1
    n_org = n_probe + n_str + 1
    stocks = np.zeros((n_org, n))
    stocks[colour, np.arange(n)] = 1.0
    check = np.random.default_rng(20261204).uniform(0.5, 1.5, n)
    stocks[-1] = check
    streams = []
    for s, st in enumerate(inputs.inflows):
        schedule = np.zeros((1, n_org))
        schedule[0, n_probe + s] = 1.0
        streams.append(InflowStream(st.name, schedule, st.share))
    probe = EngineInputs(
        orgs=tuple(f"probe{i}" for i in range(n_org)),
        classes=inputs.classes,
        bands=inputs.bands,
        headcount=stocks.reshape(n_org, n_cls, n_band),
        fte=stocks.reshape(n_org, n_cls, n_band).copy(),
        steps_per_year=inputs.steps_per_year,
        n_steps=1,
        inflows=tuple(streams),
    )
    res = run(probe, params, EngineOptions())
    draws = res.draws
    h = res.headcount[:, 1].reshape(draws, n_org, n)
    f = res.fte[:, 1].reshape(draws, n_org, n)
    terms = []
    for off, lo, hi in structure:
        cols = np.arange(lo, hi)
        pick = (slice(None), colour[cols], cols + off)
        terms.append(
            Term(off, lo, hi, np.ascontiguousarray(h[pick].T), np.ascontiguousarray(f[pick].T))
        )
    inflows = []
    for s in range(n_str):
        vh, vf = h[:, n_probe + s], f[:, n_probe + s]  # [D, n]
        cells = np.flatnonzero((vh != 0).any(axis=0) | (vf != 0).any(axis=0))
        inflows.append(
            Inflow(
                cells, np.ascontiguousarray(vh[:, cells].T), np.ascontiguousarray(vf[:, cells].T)
            )
        )
    op = StepOperator(
        n=n,
        draws=draws,
        terms=tuple(terms),
        inflows=tuple(inflows),
        width=max((hi - lo for _, lo, hi in structure[1:]), default=0),
    )
    x = np.ascontiguousarray(np.broadcast_to(check[:, None], (n, draws)))
    out, tmp = np.empty((n, draws)), np.empty((op.width, draws))
    for fte, want in ((False, h[:, -1]), (True, f[:, -1])):
        got = op.forward(x, fte, out, tmp).T
        if np.max(np.abs(got - want)) > CHECK_RTOL * max(float(np.max(np.abs(want))), 1.0):
            return None
    return op


def _runs(pattern: Array) -> list[tuple[int, int, float]]:
    """``(a, b, c)``: ``pattern[a:b] == c`` (non-zero), maximal runs."""
    if len(pattern) == 0:
        return []
    edges = np.flatnonzero(np.diff(pattern)) + 1
    starts, ends = np.r_[0, edges], np.r_[edges, len(pattern)]
    return [
        (int(a), int(b), float(pattern[a])) for a, b in zip(starts, ends, strict=True) if pattern[a]
    ]


@dataclass(frozen=True)
class AdjointResponse:
    """What :class:`~gpworkforce.forecast.kernels.linear.LinearResponse` gives the summaries,
    computed backwards through a :class:`StepOperator` and streamed step by step.

    Basis ``b`` is a stocked cell (``cells[b]``, flat class x band index) or, after them, one
    inflow stream (``patterns[s]``, one unit of allocation); ``x_hc`` / ``x_fte`` ``[B, O]`` each
    organisation's weight on it, exactly as the linear kernel builds them.
    """

    orgs: tuple[str, ...]
    classes: tuple[str, ...]
    n_band: int
    op: StepOperator
    cells: NDArray[np.intp]
    patterns: Array  # [S, T]
    x_hc: Array
    x_fte: Array
    steps: NDArray[np.int64]
    steps_per_year: int

    @property
    def draws(self) -> int:
        return self.op.draws

    def weighted_steps(self, specs: Sequence[tuple[str, Array]]) -> Iterator[list[Array]]:
        """For each step ``t = 0..T``, one ``[D, B]`` array per ``(which, weights [D?, K])``:
        the measure "stocks summed over bands and over classes with ``weights``" of every basis
        at step ``t`` (``which`` = "hc" or "fte"). The arrays are views of working buffers,
        valid until the next step is asked for (copy what you keep)."""
        op, d, n = self.op, self.draws, self.op.n
        n_str = self.patterns.shape[0]
        if len(self.cells) != n or not np.array_equal(self.cells, np.arange(n)):
            raise ValueError("the adjoint response's basis is every cell, in order")
        where: list[tuple[bool, int]] = []
        weights: dict[bool, list[Array]] = {False: [], True: []}
        for which, w in specs:
            arr = np.asarray(w, dtype=np.float64)
            arr = np.broadcast_to(arr if arr.ndim == 2 else arr[None, :], (d, len(self.classes)))
            fte = which == "fte"
            where.append((fte, len(weights[fte])))
            weights[fte].append(np.repeat(arr, self.n_band, axis=1).T)  # [n, D]
        # y[m, :n] is measure m's response to one unit in each cell at step t, y[m, n + s] its
        # response to stream s's inflows so far: [m, n + S, D], so that y[m].T is the [D, B] row
        ys: dict[bool, Array] = {}
        for fte, ws in weights.items():
            if ws:
                ys[fte] = np.zeros((len(ws), n + n_str, d))
                ys[fte][:, :n] = np.stack(ws)
        bufs = {fte: np.zeros_like(y) for fte, y in ys.items()}
        rows = {fte: op.reaching((y[:, :n] != 0).any(axis=(0, 2)), fte) for fte, y in ys.items()}
        tmps = {fte: np.empty((y.shape[0], op.width, d)) for fte, y in ys.items()}
        n_t = len(self.steps)
        # g[s, u] = v_s . y_u for every measure: [S, T + 1, m, D]; with a pattern of few runs
        # of equal values (a yearly figure spread over months), its prefix sums instead:
        # g[s, u] = sum of v_s . y_v for v < u, [S, T + 2, m, D]
        runs = [_runs(p) for p in self.patterns]
        by_runs = [2 * len(r) <= n_t for r in runs]
        g = {fte: np.zeros((n_str, n_t + 1, y.shape[0], d)) for fte, y in ys.items()}
        for t in range(n_t):
            for fte, y in ys.items():
                m = y.shape[0]
                for s, inflow in enumerate(op.inflows):
                    v = inflow.f if fte else inflow.h
                    gs = g[fte][s]
                    if not by_runs[s]:
                        np.einsum("mcd,cd->md", y[:, inflow.cells], v, out=gs[t])
                        # inflows of steps u < t, seen t - 1 - u steps later
                        if t:
                            past = gs[:t].reshape(t, m * d)
                            y[:, n + s] = (self.patterns[s, t - 1 :: -1] @ past).reshape(m, d)
                        continue
                    np.einsum("mcd,cd->md", y[:, inflow.cells], v, out=gs[t + 1])
                    gs[t + 1] += gs[t]
                    if t:  # pattern[k] = c on k in [a, b): c x (v_s . y_u, u in [t - b, t - a))
                        acc = y[:, n + s]
                        acc[...] = 0.0
                        for a, b, c in runs[s]:
                            if a < t:
                                acc += c * (gs[t - a] - gs[max(t - b, 0)])
            yield [ys[fte][m].T for fte, m in where]
            if t + 1 < n_t:
                for fte, y in ys.items():
                    ys[fte], bufs[fte] = op.adjoint(y, fte, bufs[fte], tmps[fte], rows[fte]), y

    def class_fte(self, at: NDArray[np.int64]) -> Array:
        """FTE per class summed over every organisation at steps ``at``, ``[D, len(at), K]``
        (a forward run of the organisations' total)."""
        op, n_cells = self.op, len(self.cells)
        total = self.x_fte.sum(axis=1)
        x = np.zeros((op.n, self.draws))
        x[self.cells] = total[:n_cells, None]
        weights = total[n_cells:]  # each stream's total allocation (1, or 0 if unallocated)
        buf, tmp = np.empty_like(x), np.empty((op.width, self.draws))
        want = {int(t): i for i, t in enumerate(at)}
        out = np.zeros((self.draws, len(at), len(self.classes)))
        last = int(self.steps[-1])
        for t in range(last + 1):
            if t in want:
                out[:, want[t]] = x.reshape(len(self.classes), self.n_band, -1).sum(axis=1).T
            if t == last:
                break
            x, buf = op.forward(x, True, buf, tmp), x
            for s, inflow in enumerate(op.inflows):
                if self.patterns[s, t] != 0.0 and weights[s] != 0.0:
                    x[inflow.cells] += self.patterns[s, t] * weights[s] * inflow.f
        return out


def adjoint_response(
    inputs: EngineInputs,
    params: EngineParams,
    cells: Sequence[tuple[int, int]],
    patterns: Sequence[Array],
    x_hc: Array,
    x_fte: Array,
) -> AdjointResponse | None:
    """An :class:`AdjointResponse` for the linear kernel's basis, or None (module docstring)."""
    op = step_operator(inputs, params)
    if op is None:
        return None
    n_band, n = len(inputs.bands), op.n
    flat = np.asarray([k * n_band + a for k, a in cells], dtype=np.intp)
    pats = np.asarray(patterns, dtype=np.float64).reshape(len(patterns), inputs.n_steps)
    # the basis is every cell (unstocked ones weigh 0), then the streams: each step's
    # responses are then the working buffer itself, not a gather of it
    full_hc = np.zeros((n + len(patterns), len(inputs.orgs)))
    full_fte = np.zeros_like(full_hc)
    for full, x in ((full_hc, x_hc), (full_fte, x_fte)):
        full[flat] = x[: len(flat)]
        full[n:] = x[len(flat) :]
    return AdjointResponse(
        orgs=inputs.orgs,
        classes=inputs.classes,
        n_band=n_band,
        op=op,
        cells=np.arange(n, dtype=np.intp),
        patterns=pats,
        x_hc=full_hc,
        x_fte=full_fte,
        steps=recorded_steps(inputs.n_steps, 1),
        steps_per_year=inputs.steps_per_year,
    )
