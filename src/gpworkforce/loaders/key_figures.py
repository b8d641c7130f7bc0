"""Staff-group figures resolved once per key, read in place of a period's rows (decision 0150).

A baseline's series needs, for every census date of the same month but the report's own, only
each practice's headcount and WTE of the staff-group columns. The parsed store computes those
figures when a file is loaded (:func:`key_figures` of its workforce rows: one row per practice,
census date and source, a few thousand instead of a national file's 330,000) and a report
reads them for those dates instead of the rows. The vintage choice and the roll-up to the
organisations of each date still happen in the report (so a newer vintage, another registry or
another workspace changes the figures as it would with the rows).

Why the figures are the same, to the last bit: :func:`gpworkforce.tables.resolve_dense` figures
a (practice, period, source) key from that key's rows alone, in their order; a filter by period,
practice or chosen source keeps or drops a key's rows together and in order. So the figures
computed from one file's rows equal those computed from a report's selected rows, and ordering
the kept keys by their first row (file by file, in the order the report concatenates them)
gives the keys in the order ``resolve_dense`` numbers them (practice by first appearance, then
date and source; the figures of one date have one source per practice).

The stored table is keyed by :data:`FIGURES_VERSION` and a digest of the taxonomy
(:func:`figures_name`): a stored table made under other rules is never read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.tables import MEASURES, DenseFigures, concat, resolve_dense

# the staff-group columns of a series: GPs (excluding registrars, or qualified GPs where the
# source only has those), nurses, direct patient care and admin (frames.group_columns); and
# every GP and the locums and trainees, which with those give the WTE of the practices a report
# cannot place (baseline.placement.PLACEMENT_NODES, read from the census date's figures)
FIGURE_NODES: tuple[str, ...] = (
    "GP_EXCL_REGISTRARS",
    "GP_QUALIFIED",
    "NURSE",
    "DPC",
    "ADMIN",
    "GP",
    "GP_LOCUM_AND_TRAINEE",
)
# bump when the figures' meaning or layout changes (2: GP and GP_LOCUM_AND_TRAINEE added)
FIGURES_VERSION = 2
# each key's first row in its file (later: in the report's concatenation), for its order
ROW = "row"
KEY_SPEC: dict[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "source_id": "string",
    ROW: "int64",
}
_PARTS = ("exists", *MEASURES)


def figure_column(node: str, part: str) -> str:
    """The column of ``node``'s ``part`` ("exists", "headcount" or "fte")."""
    return f"{node}|{part}"


def figures_spec(nodes: Sequence[str] = FIGURE_NODES) -> dict[str, str]:
    """Columns and dtypes of a key-figures table."""
    spec = dict(KEY_SPEC)
    for node in nodes:
        spec[figure_column(node, "exists")] = "bool"
        for measure in MEASURES:
            spec[figure_column(node, measure)] = "float64"  # NaN: not available
    return spec


def taxonomy_digest(taxonomy: Taxonomy) -> str:
    """A digest of everything :func:`gpworkforce.tables.resolve_dense` reads of ``taxonomy``."""
    text = repr(
        sorted(
            (n.code, n.kind, n.parent or "", tuple(sorted(n.leaves)))
            for n in taxonomy.nodes.values()
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def figures_name(taxonomy: Taxonomy) -> str:
    """The stored table's file name: figures made under another version or taxonomy differ."""
    return f"figures-v{FIGURES_VERSION}-{taxonomy_digest(taxonomy)}.parquet"


def key_figures(
    workforce: pd.DataFrame, taxonomy: Taxonomy, nodes: Sequence[str] = FIGURE_NODES
) -> pd.DataFrame:
    """``resolve_dense`` of ``nodes`` for every (practice, period, source) key of ``workforce``:
    the key, its first row's position, and per node whether it exists and its two measures."""
    nodes = [n for n in nodes if n in taxonomy.nodes]
    dense = resolve_dense(workforce, nodes, taxonomy)
    columns: dict[str, object] = {
        "practice_code": dense.keys["practice_code"].astype("string").array,
        "period": dense.keys["period"].astype("datetime64[ns]").array,
        "source_id": dense.keys["source_id"].astype("string").array,
        ROW: dense.first.astype(np.int64),
    }
    for node in nodes:
        columns[figure_column(node, "exists")] = dense.exists[node]
        for j, measure in enumerate(MEASURES):
            columns[figure_column(node, measure)] = dense.values[node][j]
    return pd.DataFrame(columns)


def has_nodes(figures: pd.DataFrame, nodes: Sequence[str]) -> bool:
    """Whether ``figures`` holds every one of ``nodes``."""
    return all(figure_column(n, "exists") in figures.columns for n in nodes)


def dense_of(figures: pd.DataFrame, nodes: Sequence[str]) -> DenseFigures:
    """``figures`` (one period, selected, in the order of their rows) as the
    :class:`~gpworkforce.tables.DenseFigures` ``resolve_dense`` gives for the same rows."""
    return DenseFigures(
        keys=figures.loc[:, ["practice_code", "period", "source_id"]].reset_index(drop=True),
        exists={n: figures[figure_column(n, "exists")].to_numpy(dtype=bool) for n in nodes},
        values={
            n: np.vstack([figures[figure_column(n, m)].to_numpy(dtype=float) for m in MEASURES])
            for n in nodes
        },
        first=figures[ROW].to_numpy(dtype=np.int64),
    )


def figure_values(figures: pd.DataFrame, nodes: Sequence[str]) -> pd.DataFrame:
    """``figures`` (one period, selected) as ``baseline.scope.practice_values`` gives the same
    keys' rows: columns practice_code, node, headcount, fte (Float64, NA where not available),
    one row per key holding the node, grouped by node in the order of ``nodes``, each node's
    keys in their order; duplicate (practice, node) pairs summed as it sums them."""
    ordered = in_order(figures)
    parts = []
    for node in dict.fromkeys(nodes):
        where = np.flatnonzero(ordered[figure_column(node, "exists")].to_numpy(dtype=bool))
        part = {"practice_code": ordered["practice_code"].array.take(where)}
        part["node"] = pd.array([node] * len(where), dtype="string")
        for measure in MEASURES:
            v = ordered[figure_column(node, measure)].to_numpy(dtype=float)[where]
            part[measure] = pd.arrays.FloatingArray(v, np.isnan(v))
        parts.append(pd.DataFrame(part))
    out = pd.concat(parts, ignore_index=True)
    return out.groupby(["practice_code", "node"], as_index=False, sort=False)[list(MEASURES)].sum(
        min_count=1
    )


def stack(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several files' key figures, in the order their rows are stacked: each key's first row
    is counted across the files (a file's rows after every row of the files before it)."""
    shifted = []
    offset = 0
    for part in parts:
        if len(part):
            rows = part[ROW].to_numpy(dtype=np.int64)
            shifted.append(part.assign(**{ROW: rows + offset}))
            offset += int(rows.max()) + 1
    return concat(shifted, figures_spec())


def in_order(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` sorted by their first rows (the order ``resolve_dense`` numbers keys in)."""
    rows = figures[ROW].to_numpy()
    if len(rows) < 2 or bool(np.all(rows[1:] > rows[:-1])):
        return figures
    return figures.iloc[np.argsort(rows, kind="stable")].reset_index(drop=True)


__all__ = [
    "FIGURES_VERSION",
    "FIGURE_NODES",
    "KEY_SPEC",
    "ROW",
    "dense_of",
    "figure_column",
    "figure_values",
    "figures_name",
    "figures_spec",
    "has_nodes",
    "in_order",
    "key_figures",
    "stack",
    "taxonomy_digest",
]
