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
computed in chunks of contiguous rows on worker threads (NumPy releases the GIL in the sort).

Selection: each chunk's rows are sorted (NumPy's vectorised sort is about 3x faster on 1,000
draws than the partition ``np.quantile`` runs along a strided axis) and the quantiles
interpolated exactly as ``np.quantile`` does (its ``linear`` method and its ``_lerp``), so the
figures are the same to the last bit; rows with a NaN or infinity, and fewer than
:data:`MIN_SORTED` draws, go to ``np.quantile`` itself.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
QUANTILES = (0.1, 0.5, 0.9)
CHUNK = 512  # series per sort call: a chunk of 512 x 1,000 draws is 4 MB
MIN_SORTED = 2  # draws from which the quantiles are read from sorted rows


def _by_sorting(draws: Array) -> Array:
    """``np.quantile(draws, QUANTILES, axis=1)`` for finite ``draws [O, N]``, ``N >= 2``, read
    from the sorted rows: ``np.quantile``'s linear method (virtual index ``(N - 1) q``, its
    neighbours, and its ``_lerp``: from the lower value below 0.5, from the upper from 0.5)."""
    n = draws.shape[1]
    virtual = (n - 1) * np.asarray(QUANTILES)
    below = np.floor(virtual).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    ordered = np.sort(draws, axis=1)
    lo, hi = ordered[:, below].T, ordered[:, above].T  # [3, O]
    gamma = (virtual - below)[:, None]
    diff = hi - lo
    out = lo + diff * gamma
    np.subtract(hi, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


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
        part = draws[lo:hi]
        if part.shape[1] >= MIN_SORTED and np.isfinite(part).all():
            out[:, lo:hi] = _by_sorting(part)
        else:
            out[:, lo:hi] = np.quantile(part, QUANTILES, axis=1)

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
    weighed: NDArray[np.bool_] = field(init=False, repr=False)  # [B] rows some direction weighs

    def __post_init__(self) -> None:
        object.__setattr__(self, "weighed", (self.directions != 0).any(axis=1))

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
        # only the basis rows some series weighs and some draw responds to (with 42 roles
        # most cells never reach a GP-equivalent class: their responses are exact zeros, and a
        # zero term adds nothing to the product)
        ct = coeff.T  # [B, D]
        live = np.flatnonzero(self.weighed & ct.any(axis=1))
        if len(live) < len(self.weighed):
            rows = self.directions[live].T @ ct[live]
        else:
            rows = self.directions.T @ ct  # [U, D]: each series' draws contiguous
        central, q = over_rows(rows, threads)
        return central[self.group] * self.scale, q[:, self.group] * self.scale
