"""P10/P50/P90 over Monte Carlo draws, streamed one recorded step at a time.

``values[d, o]`` for runs ``d = 0..N`` (run 0 the central case) and series ``o``; the quantiles
are NumPy's default (linear interpolation, ``np.quantile``) over runs 1..N. Nothing of size
draws x series x steps is kept: the caller hands one step at a time.

:class:`LinearSeries` exploits linearity: when ``values = coeff @ X`` (``coeff [D, B]``,
``X [B, O] >= 0``) and two columns of ``X`` are positive multiples of each other, so are the
series, and a quantile of ``c x v`` is ``c x`` the quantile of ``v``. Columns are grouped by their
direction (``X[:, o] / sum(X[:, o])``, rounded to 12 significant decimals), each group's quantiles
computed once and scaled: a national run whose practices share one age split and receive trainees
in proportion to their FTE is one series, not 6,300. Series with different directions are
computed in chunks of contiguous rows on worker threads (NumPy releases the GIL in the partition).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
QUANTILES = (0.1, 0.5, 0.9)
CHUNK = 512  # series per partition call: a chunk of 512 x 1,000 draws is 4 MB


def over_draws(values: Array, threads: int = 1) -> tuple[Array, Array]:
    """Run 0 ``[O]`` and the quantiles ``[3, O]`` of ``values [D, O]`` over runs 1..N (run 0
    itself when there are no draws)."""
    return over_rows(np.ascontiguousarray(values.T), threads)


def over_rows(rows: Array, threads: int = 1) -> tuple[Array, Array]:
    """:func:`over_draws` of ``rows [O, D]`` (each series' runs contiguous, run 0 first)."""
    central = np.array(rows[:, 0], dtype=np.float64)
    draws = rows[:, 1:] if rows.shape[1] > 1 else rows[:, :1]
    n = draws.shape[0]
    out = np.empty((len(QUANTILES), n))
    if n == 0:
        return central, out

    def job(lo: int) -> None:
        hi = min(lo + CHUNK, n)
        out[:, lo:hi] = np.quantile(draws[lo:hi], QUANTILES, axis=1)

    starts = range(0, n, CHUNK)
    if threads > 1 and n > CHUNK:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(job, starts))
    else:
        for lo in starts:
            job(lo)
    return central, out


@dataclass(frozen=True)
class LinearSeries:
    """Series ``coeff @ X`` for ``X [B, O] >= 0``, grouped by the direction of ``X``'s columns."""

    directions: Array  # [B, U] unit-sum directions
    scale: Array  # [O] column sums of X (0 for an all-zero column)
    group: NDArray[np.intp]  # [O] direction of each column

    @classmethod
    def of(cls, x: Array) -> LinearSeries:
        if np.any(x < 0):
            raise ValueError("LinearSeries needs X >= 0")
        scale = x.sum(axis=0)
        safe = np.where(scale > 0, scale, 1.0)
        unit = x / safe
        key = np.round(unit, 12)
        _, first, group = np.unique(key.T, axis=0, return_index=True, return_inverse=True)
        return cls(np.ascontiguousarray(unit[:, first]), scale, group.reshape(-1))

    @property
    def n_directions(self) -> int:
        return int(self.directions.shape[1])

    def quantiles(self, coeff: Array, threads: int = 1) -> tuple[Array, Array]:
        """Run 0 and the quantiles ``[3, O]`` of ``coeff [D, B] @ X`` over runs 1..N."""
        rows = self.directions.T @ coeff.T  # [U, D]: each series' draws contiguous
        central, q = over_rows(rows, threads)
        return central[self.group] * self.scale, q[:, self.group] * self.scale
