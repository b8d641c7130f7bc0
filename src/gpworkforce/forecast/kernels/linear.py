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

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gpworkforce.forecast.engine import (
    EngineInputs,
    EngineOptions,
    EngineParams,
    EngineResult,
    InflowStream,
    run,
)

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


def linear_response(inputs: EngineInputs, params: EngineParams) -> LinearResponse | None:
    """Run the engine on the basis organisations; None when an inflow schedule is not
    ``pattern x allocation`` or the starting stocks differ by draw (then run the engine itself)."""
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
    basis = run(basis_inputs, params, EngineOptions())
    return LinearResponse(inputs.orgs, basis, x_hc, x_fte)
