"""Pure helpers of the ``gpworkforce data`` commands: which entry wins, what two files differ in.

Kept apart from the command functions (I/O) so they can be tested on plain frames and entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce.cli.choices import Kind
from gpworkforce.cli.workspace import UNKNOWN, ManifestEntry


def _group(entry: ManifestEntry) -> tuple[str, str, str]:
    """Entries that compete: the same kind and period (and, for returns, the same practice)."""
    who = (entry.publisher or "") if entry.kind is Kind.RETURNS else ""
    return (entry.kind.value, entry.period, who)


def winners(entries: Sequence[ManifestEntry]) -> dict[str, ManifestEntry]:
    """sha256 -> the entry that wins over it (itself when it is the one reports read).

    The rule of decision 0047: the latest publication (unknown is older than any date), then the
    latest load (manifest order; a return's next version is loaded after the one it corrects).
    """
    best: dict[tuple[str, str, str], tuple[tuple[str, int], ManifestEntry]] = {}
    for pos, e in enumerate(entries):
        key = ("" if e.vintage == UNKNOWN else e.vintage, pos)
        g = _group(e)
        if g not in best or key > best[g][0]:
            best[g] = (key, e)
    return {e.sha256: best[_group(e)][1] for e in entries}


@dataclass(frozen=True)
class TableDiff:
    """How two files' WORKFORCE tables differ, keyed by practice, period and node."""

    only_a: int
    only_b: int
    changed: pd.DataFrame  # practice_code, period, node, fte_a, fte_b, headcount_a, headcount_b
    totals: pd.DataFrame  # node, fte_a, fte_b, change


_KEY = ["practice_code", "period", "node"]


def diff_workforce(a: pd.DataFrame, b: pd.DataFrame) -> TableDiff:
    """Rows only in one file, rows whose FTE or headcount differ, and FTE totals by node."""
    left = a.loc[:, [*_KEY, "headcount", "fte"]]
    right = b.loc[:, [*_KEY, "headcount", "fte"]]
    both = left.merge(right, on=_KEY, how="outer", suffixes=("_a", "_b"), indicator=True)
    only_a = int((both["_merge"] == "left_only").sum())
    only_b = int((both["_merge"] == "right_only").sum())
    common = both.loc[both["_merge"] == "both"]

    def differs(x: pd.Series, y: pd.Series) -> np.ndarray:
        xv = x.to_numpy(dtype=float, na_value=np.nan)
        yv = y.to_numpy(dtype=float, na_value=np.nan)
        same = (xv == yv) | (np.isnan(xv) & np.isnan(yv))
        return ~same

    mask = differs(common["fte_a"], common["fte_b"]) | differs(
        common["headcount_a"], common["headcount_b"]
    )
    changed = (
        common.loc[mask, [*_KEY, "fte_a", "fte_b", "headcount_a", "headcount_b"]]
        .sort_values(_KEY)
        .reset_index(drop=True)
    )
    ta = left.groupby("node")["fte"].sum(min_count=1).rename("fte_a")
    tb = right.groupby("node")["fte"].sum(min_count=1).rename("fte_b")
    totals = pd.concat([ta, tb], axis=1).reset_index()
    totals["change"] = totals["fte_b"] - totals["fte_a"]
    totals = totals.loc[totals["change"].fillna(1) != 0].sort_values("node").reset_index(drop=True)
    return TableDiff(only_a=only_a, only_b=only_b, changed=changed, totals=totals)
