"""How Monte Carlo draws are shared between organisations: which run's parameters each uses.

Every run ``d`` of a cohort Monte Carlo draws one value of each uncertain parameter. With
``shared`` draws (the default) every organisation uses run ``d``'s values in run ``d``: their
paths move together, so an ICB's total has the widest spread. The other modes give each
organisation its own *order* of the same runs, ``index[d, o]``, a permutation of runs 1..N for
every organisation (run 0, the central case, stays run 0):

* ``independent``: an independent random permutation per organisation, so organisations'
  parameters are independent draws and an ICB's total averages out;
* ``hierarchical``: each group (ICB) draws a permutation of its own, the group-level shock; each
  organisation keeps its group's run in a share ``group_share`` of the runs (chosen at random)
  and has the others shuffled among themselves, its own noise. Two practices of one ICB share a
  run in about ``group_share ** 2`` of the runs; practices of different ICBs are independent.

Since each organisation's runs are a permutation of the same runs, its own distribution (its
quantiles) is exactly the shared one; only sums over organisations (ICB and England totals, the
probability of meeting a target per ICB) change. The cohort engine is linear in each
organisation's stocks, so the basis runs are reused: organisation ``o`` in run ``d`` is the
shared value of run ``index[d, o]`` (:func:`gather`).

Sums over groups without every organisation's values (:class:`OwnRuns`). A group's total in
draw ``d`` is ``sum_{o in g} w[o] * y[index[d, o]]`` for a series ``y`` over the runs (one basis
response) and the organisations' weights ``w`` (their stocks in that basis). Collecting the
weights by run, ``W[(d, g), r] = sum of w[o] over the organisations o of g with index[d, o] = r``,
makes it one sparse product ``W @ Y`` for every series and step at once, without forming any
organisation's values. Nationally (6,304 practices, 42 ICBs, 1,001 runs, a few weight vectors)
that replaces 600 gathers of 6.3 million values each by a few products (decision 0113).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from gpworkforce.forecast.uncertainty import parameter_seed

Mode = Literal["shared", "independent", "hierarchical"]
Index = NDArray[np.int32]


def draw_index(
    mode: Mode,
    runs: int,
    orgs: Sequence[str],
    seed: int,
    groups: Mapping[str, str] | None = None,
    group_share: float = 0.5,
) -> Index | None:
    """``index[d, o]``: the run whose parameters organisation ``o`` uses in run ``d``; None for
    shared draws (``index[d, o] = d``). Deterministic in ``seed``."""
    if mode == "shared" or runs <= 2:
        return None
    rng = np.random.default_rng(parameter_seed(seed, "correlation"))
    n, n_org = runs - 1, len(orgs)
    index = np.zeros((runs, n_org), dtype=np.int32)
    if mode == "independent":
        index[1:] = 1 + np.argsort(rng.random((n, n_org)), axis=0)
        return index
    if mode != "hierarchical":
        raise ValueError(f"correlation must be shared, independent or hierarchical, got {mode!r}")
    if groups is None:
        raise ValueError("hierarchical draws need a group (ICB) for each organisation")
    names = sorted({groups.get(o, "unassigned") for o in orgs})
    shock = 1 + np.argsort(rng.random((n, len(names))), axis=0)  # [N, G] each group's runs
    col = {g: i for i, g in enumerate(names)}
    for o, org in enumerate(orgs):
        own = shock[:, col[groups.get(org, "unassigned")]].copy()
        noise = np.flatnonzero(rng.random(n) >= group_share)
        own[noise] = own[rng.permutation(noise)]
        index[1:, o] = own
    return index


def gather(values: NDArray[np.float64], index: Index | None) -> NDArray[np.float64]:
    """``values[index[d, o], o]`` for a step's shared values ``[D, O]`` (``values`` itself for
    shared draws)."""
    if index is None:
        return values
    return np.take_along_axis(values, index, axis=0)


@dataclass(frozen=True)
class OwnRuns:
    """Group sums of organisations each in its own run of every draw (module docstring).

    ``index [D, O]`` is :func:`draw_index`'s; ``group [O]`` each organisation's group,
    ``0..n_groups - 1``, every group with at least one organisation. ``W`` is kept as a sparse
    matrix (``D x O`` entries, row ``(d, g)`` holding the runs of ``g``'s organisations in draw
    ``d``): its product with ``Y`` costs ``D x O`` multiply-adds a series, about 7 times fewer than
    a dense ``W`` nationally, and measured 2-3 times faster than the dense product with BLAS."""

    index: Index
    group: NDArray[np.intp]
    n_groups: int
    order: NDArray[np.intp] = field(init=False, repr=False)  # organisations by group
    indptr: NDArray[np.int64] = field(init=False, repr=False)
    indices: Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        d_runs, n_org = self.index.shape
        order = np.argsort(self.group, kind="stable")
        starts = np.searchsorted(self.group[order], np.arange(self.n_groups))
        if np.any(np.diff(np.r_[starts, n_org]) <= 0) or self.group.shape != (n_org,):
            raise ValueError("every group needs at least one organisation")
        rows = np.arange(d_runs, dtype=np.int64)[:, None] * n_org + starts[None, :]
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "indptr", np.append(rows.reshape(-1), d_runs * n_org))
        object.__setattr__(self, "indices", np.ascontiguousarray(self.index[:, order]).reshape(-1))

    @property
    def runs(self) -> int:
        return int(self.index.shape[0])

    def sums(
        self, weights: NDArray[np.float64], values: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """``out[d, g, c] = sum over o in g of weights[o] * values[index[d, o], c]``, for
        ``weights [O]`` and ``values [D, C]`` (run ``r``'s value of series ``c``)."""
        d_runs, n_org = self.index.shape
        if values.ndim != 2 or values.shape[0] != d_runs or weights.shape != (n_org,):
            raise ValueError(
                f"values must be [{d_runs}, C] and weights [{n_org}], got {values.shape}"
                f" and {weights.shape}"
            )
        data = np.tile(np.asarray(weights, dtype=np.float64)[self.order], d_runs)
        w = csr_matrix((data, self.indices, self.indptr), shape=(d_runs * self.n_groups, d_runs))
        out = w @ np.ascontiguousarray(values, dtype=np.float64)
        return np.asarray(out).reshape(d_runs, self.n_groups, values.shape[1])
