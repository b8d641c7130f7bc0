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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

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
