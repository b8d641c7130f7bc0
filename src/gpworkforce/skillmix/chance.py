"""Chance rows of the multi-year practice plan: each level's hours (and supervision) of a practice
and year over the Monte Carlo draws of the uncertain minutes, hours and growth (docs/skillmix.md,
"Uncertain minutes and hours"; decision 0104). Pure numpy: the rows' entries and bounds, tagged by
the uncertain values that scale them, in; per draw gaps, the draw at each row's p-quantile, the
share of draws each row meets, and the rows at chosen draws out.

In draw d a chance row's gap (hours needed minus hours available) at columns x is

    gap_d(x) = sum over tags t of  f_t[d, y] x (sum of the row's entries tagged t x x
                                                 - the row's bound parts tagged t)
               + untagged entries x x - the untagged bound

where f_t[d, y] is the product of the draw-to-central ratios of the values in t (growth to the
power of the plan year y). So the (D, R) gaps are, year by year, one (D, tags) x (tags, R_y)
matrix product: the scaled copies of every entry per draw are never made, and the (D, R) gaps are
never held at once (a year's block at a time: about 8 MB for LLR's 1,000 draws)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

Tag = tuple[str, ...]
TOL_ABS = 1e-5  # a row holds in a draw when its gap is at most this (plus TOL_REL x its bound)
TOL_REL = 1e-9
SHORT = 1e-12  # a row is short of p when met in fewer than p - SHORT of the draws


@dataclass(frozen=True, slots=True)
class ChanceRows:
    """The chance rows and how each uncertain value scales their entries and bounds per draw."""

    rows: np.ndarray  # (R,) row indices in the programme
    year: np.ndarray  # (R,) plan year index of each row
    ratios: Mapping[str, np.ndarray]  # name -> (D, Y) draw / central value (growth: its power)
    entries: Mapping[Tag, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]  # tag -> (entry
    # positions in the programme's entry list, position of their row among the chance rows,
    # columns, central values)
    parts: Mapping[Tag, tuple[np.ndarray, np.ndarray]]  # tag -> (chance-row position, value)
    fixed_upper: np.ndarray  # (R,) the untagged part of each chance row's upper bound
    probability: float
    tags: tuple[Tag, ...]  # the distinct non-empty tags, in the order of ``scale``
    scale: np.ndarray  # (Y, T, D): f_t[d, y] of each tag t
    part_sum: np.ndarray  # (T, R) bound parts of each tag at central values
    by_year: tuple[np.ndarray, ...]  # chance-row positions of each plan year

    @property
    def draws(self) -> int:
        return self.scale.shape[2]

    @property
    def k(self) -> int:
        """0-based rank of the p-quantile draw (inverted CDF: ceil(p D) - 1)."""
        return max(int(np.ceil(self.probability * self.draws - 1e-9)) - 1, 0)

    def factor(self, tag: Tag, pos: np.ndarray, draw: np.ndarray) -> np.ndarray:
        """Scale of ``tag`` for rows at ``pos`` at draws ``draw`` (one a row)."""
        out = np.ones(len(pos))
        for name in tag:
            out = out * self.ratios[name][draw, self.year[pos]]
        return out

    def _coefficients(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(R,) the untagged gap and (T, R) each tag's coefficient at columns ``x``."""
        n = len(self.rows)
        base = -self.fixed_upper.copy()
        coef = -self.part_sum.copy()
        index = {t: i for i, t in enumerate(self.tags)}
        for tag, (_, pos, cols, vals) in self.entries.items():
            contrib = np.bincount(pos, vals * x[cols], minlength=n)
            if tag:
                coef[index[tag]] += contrib
            else:
                base += contrib
        return base, coef

    def gap_blocks(self, x: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """For each plan year: its chance-row positions and their (rows, D) gaps at ``x`` (a
        row's draws contiguous, for the quantile)."""
        base, coef = self._coefficients(x)
        for y, pos in enumerate(self.by_year):
            if len(pos):
                yield pos, base[pos][:, None] + coef[:, pos].T @ self.scale[y]

    def gap(self, x: np.ndarray) -> np.ndarray:
        """(D, R) hours needed minus hours available in each draw at columns ``x``."""
        out = np.empty((self.draws, len(self.rows)))
        for pos, g in self.gap_blocks(x):
            out[:, pos] = g.T
        return out

    def evaluate(self, x: np.ndarray, every: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(R,) the share of the draws in which each row holds at ``x``, and (R,) each row's
        draw at the p-quantile of its gap there (the draw a stable sort of the gaps puts at rank
        ``k``): of every row, or (``every`` false) of the rows met in fewer than a share p of
        the draws only (the others -1), which is all the rounds of copies need."""
        n = len(self.rows)
        dstar = np.full(n, -1, dtype=np.int64)
        met = np.ones(n)
        tol = TOL_ABS + TOL_REL * np.abs(self.fixed_upper)
        for pos, g in self.gap_blocks(x):
            met[pos] = np.count_nonzero(g <= tol[pos][:, None], axis=1) / g.shape[1]
            pick = slice(None) if every else np.flatnonzero(met[pos] < self.probability - SHORT)
            dstar[pos[pick]] = kth_draw(g[pick], self.k)
        return met, dstar

    def cuts(self, pos: np.ndarray, draw: np.ndarray):
        """Rows ``pos`` at draws ``draw`` as new rows (CSR: starts, columns, values, upper)."""
        row_of = np.full(len(self.rows), -1)
        row_of[pos] = np.arange(len(pos))
        new_r, new_c, new_v = [], [], []
        for tag, (_, at, cols, vals) in self.entries.items():
            keep = row_of[at] >= 0
            if not keep.any():
                continue
            at_k = at[keep]
            v = vals[keep]
            if tag:
                v = v * self.factor(tag, at_k, draw[row_of[at_k]])
            new_r.append(row_of[at_k])
            new_c.append(cols[keep])
            new_v.append(v)
        ncol = int(max(c.max() for c in new_c)) + 1
        m = csr_matrix(
            (np.concatenate(new_v), (np.concatenate(new_r), np.concatenate(new_c))),
            shape=(len(pos), ncol),
        )
        m.sum_duplicates()  # HiGHS refuses a column twice in a row
        upper = self.fixed_upper[pos].copy()
        for tag, (at, vals) in self.parts.items():
            keep = row_of[at] >= 0
            at_k = at[keep]
            np.add.at(upper, row_of[at_k], vals[keep] * self.factor(tag, at_k, draw[row_of[at_k]]))
        return m.indptr[:-1], m.indices, m.data, upper

    def at_draws(
        self, values: np.ndarray, upper: np.ndarray, dstar: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The programme's entry values and row upper bounds with each chance row at its own
        draw ``dstar`` (copies; ``values`` and ``upper`` at central values)."""
        values = values.copy()
        for tag, (where, pos, _, vals) in self.entries.items():
            if tag:
                values[where] = vals * self.factor(tag, pos, dstar[pos])
        upper = upper.copy()
        bound = self.fixed_upper.copy()
        for tag, (pos, vals) in self.parts.items():
            np.add.at(bound, pos, vals * self.factor(tag, pos, dstar[pos]))
        upper[self.rows] = bound
        return values, upper


def kth_draw(g: np.ndarray, k: int) -> np.ndarray:
    """(n,) for each row of ``g`` (n, D), the column a stable ascending sort puts at rank ``k``:
    the k-th smallest value, ties taken in column order (as ``np.argsort(g, axis=1,
    kind="stable")[:, k]``, in linear rather than D log D time but for rows with ties at it)."""
    if not g.shape[0]:
        return np.zeros(0, dtype=np.int64)
    at = np.argpartition(g, k, axis=1)[:, k]
    v = g[np.arange(g.shape[0]), at]
    ties = np.flatnonzero(np.count_nonzero(g == v[:, None], axis=1) > 1)
    if len(ties):  # the stable sort's choice: the (k - below)-th of the equal values in order
        sub, val = g[ties], v[ties, None]
        below = np.count_nonzero(sub < val, axis=1)
        at[ties] = np.argmax(np.cumsum(sub == val, axis=1) > (k - below)[:, None], axis=1)
    return at


def chance_rows(
    blocks: Sequence[tuple[str, str, np.ndarray]],
    entries: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, Tag]],
    parts: Sequence[tuple[np.ndarray, np.ndarray, Tag]],
    upper: np.ndarray,
    nrow: int,
    kinds: Sequence[str],
    ratios: Mapping[str, np.ndarray],
    probability: float,
) -> ChanceRows:
    """The chance rows of a programme: ``blocks`` (kind, key, row indices) whose kind is one of
    ``kinds`` and are per practice and year; ``entries`` (rows, columns, values, tag) and
    ``parts`` (rows, values, tag) as the builder added them; ``upper`` the rows' upper bounds at
    central values; ``ratios`` name -> (D, Y) draw / central value."""
    chosen = [idx for kind, _, idx in blocks if kind in kinds and idx.ndim == 2]
    rows = np.concatenate([idx.ravel() for idx in chosen] or [np.empty(0, dtype=np.int64)])
    year = np.concatenate(
        [np.broadcast_to(np.arange(idx.shape[1])[None, :], idx.shape).ravel() for idx in chosen]
        or [np.empty(0, dtype=np.int64)]
    )
    pos_of = np.full(nrow, -1)
    pos_of[rows] = np.arange(len(rows))
    found: dict[Tag, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {}
    start = 0
    for r, c, v, tag in entries:
        pos = pos_of[r]
        keep = pos >= 0
        if keep.any():
            where = np.arange(start, start + len(r))[keep]
            found.setdefault(tag, []).append((where, pos[keep], c[keep], v[keep]))
        start += len(r)
    bound_parts: dict[Tag, list[tuple[np.ndarray, np.ndarray]]] = {}
    tagged_upper = np.zeros(len(rows))
    for r, v, tag in parts:
        pos = pos_of[r]
        bound_parts.setdefault(tag, []).append((pos, v))
        tagged_upper += np.bincount(pos, v, minlength=len(rows))
    joined_entries = {
        t: tuple(np.concatenate(a) for a in zip(*e, strict=True)) for t, e in found.items()
    }
    joined_parts = {
        t: tuple(np.concatenate(a) for a in zip(*e, strict=True)) for t, e in bound_parts.items()
    }
    tags = tuple(sorted({t for t in joined_entries if t} | {t for t in joined_parts if t}))
    years = max((r.shape[1] for r in ratios.values()), default=1)
    d = next(iter(ratios.values())).shape[0] if ratios else 1
    scale = np.ones((years, len(tags), d))
    for i, tag in enumerate(tags):
        for name in tag:
            scale[:, i, :] *= ratios[name].T
    part_sum = np.zeros((len(tags), len(rows)))
    fixed = upper[rows] - tagged_upper
    for tag, (pos, vals) in joined_parts.items():
        if tag:
            part_sum[tags.index(tag)] += np.bincount(pos, vals, minlength=len(rows))
        else:  # an untagged part is a fixed part of the bound
            fixed = fixed + np.bincount(pos, vals, minlength=len(rows))
    by_year = tuple(np.flatnonzero(year == y) for y in range(years))
    return ChanceRows(
        rows=rows,
        year=year,
        ratios=ratios,
        entries=joined_entries,  # type: ignore[arg-type]
        parts={t: p for t, p in joined_parts.items() if t},  # type: ignore[misc]
        fixed_upper=fixed,
        probability=probability,
        tags=tags,
        scale=np.ascontiguousarray(scale),
        part_sum=part_sum,
        by_year=by_year,
    )
