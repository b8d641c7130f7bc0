"""Integer apportionment: split an integer total into parts, exactly, with bounds.

Pure functions used by the demo generator. Everything the generator produces is counted in
integer *units* (half-sessions, half-hours, hundredths of a locum session) so that totals are
exact by construction and never depend on floating-point luck.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def largest_remainder(weights: Sequence[float], total: int, minimum: int = 0) -> list[int]:
    """Split ``total`` into ``len(weights)`` integers proportional to ``weights``.

    Each part first gets ``minimum``; the rest is shared by the largest-remainder (Hamilton)
    method. Ties are broken by position, so the result is deterministic. All-zero weights share
    equally.
    """
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError(f"cannot split {total} into no parts")
        return []
    rest = total - minimum * n
    if rest < 0:
        raise ValueError(f"total {total} is below {n} parts x minimum {minimum}")
    w = np.asarray(weights, dtype=float)
    if (w < 0).any():
        raise ValueError("weights must be >= 0")
    if w.sum() == 0:
        w = np.ones(n)
    exact = w / w.sum() * rest
    base = np.floor(exact).astype(int)
    short = rest - int(base.sum())
    order = sorted(range(n), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:short]:
        base[i] += 1
    return [int(b) + minimum for b in base]


def bounded_split(desired: Sequence[float], total: int, lo: int, hi: int) -> list[int]:
    """Integers within ``[lo, hi]`` summing to ``total``, as close as possible to ``desired`` scaled.

    Water-filling: scale the desired values to the total, clip to the bounds, re-scale the
    unclipped ones, repeat; then round by largest remainder among parts that still have room.
    """
    n = len(desired)
    if not lo * n <= total <= hi * n:
        raise ValueError(f"{n} parts within [{lo}, {hi}] cannot sum to {total}")
    if n == 0:
        return []
    d = np.maximum(np.asarray(desired, dtype=float), 1e-9)
    x = np.zeros(n)
    fixed = np.zeros(n, dtype=bool)
    for _ in range(n + 1):
        free_total = total - x[fixed].sum()
        free = ~fixed
        x[free] = d[free] / d[free].sum() * free_total
        over = free & (x > hi)
        under = free & (x < lo)
        if not over.any() and not under.any():
            break
        x[over] = hi
        x[under] = lo
        fixed |= over | under
        if fixed.all():
            break
    base = np.clip(np.floor(x), lo, hi).astype(int)
    short = total - int(base.sum())
    frac = x - base
    order = sorted(range(n), key=lambda i: (-frac[i], i))
    i = 0
    while short > 0:
        j = order[i % n]
        if base[j] < hi:
            base[j] += 1
            short -= 1
        i += 1
    while short < 0:
        j = order[::-1][i % n]
        if base[j] > lo:
            base[j] -= 1
            short += 1
        i += 1
    return [int(b) for b in base]
