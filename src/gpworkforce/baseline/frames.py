"""Shared helpers that turn long organisation rows into the wide tables the reports show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.placement import reporting_practices
from gpworkforce.baseline.scope import (
    TOTAL,
    Scope,
    build_scope,
    practice_values,
    rollup,
    row_index,
    scope_rows,
    with_closed_reporting,
)
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy
from gpworkforce.loaders.key_figures import dense_of, has_nodes, in_order
from gpworkforce.tables import MEASURES, DenseFigures, factorize, resolve_dense

# The staff-group columns of LLR Table 3 / Table 8: (taxonomy node, label).
GROUP_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (node, labels.role(node)) for node in ("GP_EXCL_REGISTRARS", "NURSE", "DPC", "ADMIN")
)
DEFAULT_GP_NODE = "GP_EXCL_REGISTRARS"
MEASURE_SUFFIX = {"headcount": "HC", "fte": "WTE"}
MAX_NOTES = 12
ROW_COLUMNS = ["org_code", "org_name", "row", "practices"]


def prepare(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> tuple[BaselineData, Scope]:
    """Select sources, restrict to ``period`` and build the scope of ``org_code`` (England's
    with the closed practices that have figures then, decision 0168 amended)."""
    data = data.with_source(source)
    at = data.at(period)

    def build() -> Scope:
        scope = build_scope(data.registry, org_code, period, child_level)
        if scope.org_type is not OrgType.ENGLAND:  # (its practices are read for England only)
            return scope
        return with_closed_reporting(scope, data.registry, reporting_practices(at))

    return at, data.cached(("scope", org_code, period, child_level), build)


def scope_values(
    data: BaselineData, scope: Scope, nodes: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(practice values, org rows) for ``nodes`` in ``scope``; ``data`` already at one period.

    Computed once per bundle and scope for the nodes asked so far (the tables of a report share
    them; :func:`preload` asks for all of a report's nodes at once): a later call whose nodes were
    all computed before gets its rows sliced from that result. Every group is summed over the
    same practices in the same order either way, so the figures are identical. The frames
    returned are shared and must not be mutated.
    """
    nodes = tuple(nodes)
    key = ("scope_values", scope.key, nodes)

    def build() -> tuple[pd.DataFrame, pd.DataFrame]:
        if not set(nodes) <= set(data.taxonomy.nodes):  # unknown nodes: resolve's own errors
            wf = data.workforce.loc[data.workforce["practice_code"].isin(list(scope.members))]
            values = practice_values(wf, nodes, data.taxonomy)
            return values, scope_rows(values, scope)
        wider: list[tuple[frozenset[str], pd.DataFrame, pd.DataFrame]]
        wider = data.cached(("scope_values_union", scope.key), list)
        wanted = set(nodes)
        for have, all_values, all_rows in wider:
            if wanted <= have:
                values, rows = _only(all_values, nodes), _only(all_rows, nodes)
                if len(rows):  # (empty frames are built afresh: their dtypes differ)
                    return values, rows
                break
        every = node_values(data, nodes)
        values = every.loc[every["practice_code"].isin(list(scope.members))]
        values = values.reset_index(drop=True)
        rows = scope_rows(values, scope)
        wider.append((frozenset(nodes), values, rows))
        return values, rows

    return data.cached(key, build)


def scope_totals(data: BaselineData, scope: Scope, nodes: Iterable[str]) -> pd.DataFrame:
    """The total rows of :func:`scope_values` alone (columns org_code, node, measures, reporting).

    A series needs only the organisation's total for each period: the children's rows are not
    rolled up unless some table of that period already did. The figures are the same sums.
    """
    nodes = tuple(nodes)
    done = data.peek(("scope_values", scope.key, nodes))
    if done is not None or not set(nodes) <= set(data.taxonomy.nodes):
        _, rows = scope_values(data, scope, nodes)
        return rows.loc[rows["row"] == TOTAL]
    every = node_values(data, nodes)
    values = every.loc[every["practice_code"].isin(list(scope.members))].reset_index(drop=True)
    return rollup(values, dict.fromkeys(scope.members, scope.org_code))


def values_of(data: BaselineData, practices: Iterable[str], nodes: Iterable[str]) -> pd.DataFrame:
    """:func:`practice_values` of ``practices``' rows, sliced from the bundle's node values.

    ``data`` at one period and selected. The same rows in the same order as resolving those
    practices' rows alone (the keys keep their relative order), without resolving again.
    """
    nodes = tuple(nodes)
    wanted = list(practices)
    if not set(nodes) <= set(data.taxonomy.nodes):  # unknown nodes: resolve's own errors
        wf = data.workforce.loc[data.workforce["practice_code"].isin(wanted)]
        return practice_values(wf, nodes, data.taxonomy)
    every = node_values(data, nodes)
    return every.loc[every["practice_code"].isin(wanted)].reset_index(drop=True)


def preload(data: BaselineData, scope: Scope, nodes: Iterable[str]) -> None:
    """Compute :func:`scope_values` of all ``nodes`` at once, for later calls to slice."""
    scope_values(data, scope, sorted(set(nodes)))


def _only(frame: pd.DataFrame, nodes: tuple[str, ...]) -> pd.DataFrame:
    """Rows of ``frame`` whose node is in ``nodes``: grouped in the order of ``nodes`` (as
    :func:`node_values` concatenates them), each node's rows in their order in ``frame``.

    A frame sorted by node keeps its order, since a stable sort on the node's position only
    reorders rows of different nodes.
    """
    position = {n: i for i, n in enumerate(dict.fromkeys(nodes))}
    where = frame["node"].map(position)
    keep = where.notna().to_numpy()
    out = frame.loc[keep]
    if "row" not in frame.columns:  # practice values: regroup by the order asked
        order = np.argsort(where.to_numpy()[keep].astype(np.int64), kind="stable")
        out = out.iloc[order]
    return out.reset_index(drop=True)


def node_values(data: BaselineData, nodes: tuple[str, ...]) -> pd.DataFrame:
    """:func:`practice_values` of ``nodes`` for every practice, each node resolved once per bundle.

    ``data`` at one period and selected. The tables of a report ask for overlapping nodes; each
    node's figures are resolved the first time any table asks and sliced afterwards. Each node is
    kept as the positions of the keys that have it and its two measures (see
    :func:`gpworkforce.tables.resolve_dense`), and the frame is built once from those arrays.
    """
    memo: dict[str, tuple[np.ndarray, np.ndarray]] = data.cached(("node_values",), dict)
    keys: dict[str, pd.api.extensions.ExtensionArray] = data.cached(("node_keys",), dict)
    wanted = list(dict.fromkeys(nodes))
    missing = [n for n in wanted if n not in memo]
    if missing:
        dense = _dense(data, missing)
        # the keys are numbered the same way on every call (same frame): keep the first numbering
        keys.setdefault("practice_code", dense.keys["practice_code"].array)
        for node in missing:
            where = np.flatnonzero(dense.exists[node])
            memo[node] = (where, dense.values[node][:, where])
    parts = [(n, *memo[n]) for n in wanted if len(memo[n][0])]
    if not parts:
        return practice_values(data.workforce.iloc[:0], nodes, data.taxonomy)
    where = np.concatenate([w for _, w, _ in parts])
    values = np.concatenate([v for _, _, v in parts], axis=1)
    labels = np.repeat(
        np.array([n for n, _, _ in parts], dtype=object), [len(w) for _, w, _ in parts]
    )
    out = pd.DataFrame(
        {
            "practice_code": keys["practice_code"].take(where),
            "node": pd.array(labels, dtype="string"),
            # NaN is not available, as resolve_many's Float64 columns read it
            **{
                m: pd.arrays.FloatingArray(v, np.isnan(v))
                for m, v in zip(MEASURES, values, strict=True)
            },
        }
    )
    if out.duplicated(["practice_code", "node"]).any():  # as practice_values: sum duplicates
        out = out.groupby(["practice_code", "node"], as_index=False, sort=False)[
            ["headcount", "fte"]
        ].sum(min_count=1)
    return out


def _dense(data: BaselineData, nodes: list[str]) -> DenseFigures:
    """``resolve_dense`` of ``nodes`` on the bundle's rows, or, for a date given as key
    figures instead of rows (decision 0150), the same figures read from those."""
    if len(data.figures) and data.workforce.empty:
        if not has_nodes(data.figures, nodes):
            raise ValueError(f"the key figures of this date do not hold {nodes}")
        return dense_of(in_order(data.figures), nodes)
    return resolve_dense(data.workforce, nodes, data.taxonomy)


def wide(
    rows: pd.DataFrame,
    scope: Scope,
    columns: Sequence[tuple[str, str]],
    measures: Sequence[str] = ("headcount", "fte"),
) -> pd.DataFrame:
    """One row per child org and the total; per (node, label) and measure a column ``label HC|WTE``.

    Rows and columns with no data stay (as NA) so the layout never depends on the data.
    """
    out = row_index(scope)
    # position of each of ``rows`` in the table (by org code and row kind) and in ``columns``
    slot = {(c, r): i for i, (c, r) in enumerate(zip(out["org_code"], out["row"], strict=True))}
    at_row = np.array(
        [slot.get((c, r), -1) for c, r in zip(rows["org_code"], rows["row"], strict=True)],
        dtype=np.int64,
    )
    node_pos: dict[str, list[int]] = {}
    for i, (node, _) in enumerate(columns):
        node_pos.setdefault(node, []).append(i)
    node_code, node_names = factorize(rows["node"])  # (NA: -1, never a column's node)
    code_of = {str(n): k for k, n in enumerate(node_names)}
    cols: dict[str, pd.Series] = {}
    for measure in measures:
        raw = rows[measure].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(raw)  # NA, and NaN, which Float64 built from values also reads as NA
        grid = np.full((len(columns), len(out)), np.nan)
        blank = np.ones((len(columns), len(out)), dtype=bool)
        for node, positions in node_pos.items():
            mine = np.flatnonzero(node_code == code_of.get(node, -2))
            mine = mine[at_row[mine] >= 0]
            for i in positions:  # a key given twice: the last row wins, as a reindex would fail
                grid[i, at_row[mine]] = raw[mine]
                blank[i, at_row[mine]] = missing[mine]
        for i, (_, label) in enumerate(columns):
            cols[f"{label} {MEASURE_SUFFIX[measure]}"] = pd.Series(
                pd.arrays.FloatingArray(grid[i], blank[i])
            )
    ordered = {
        f"{label} {MEASURE_SUFFIX[m]}": cols[f"{label} {MEASURE_SUFFIX[m]}"]
        for _, label in columns
        for m in measures
    }
    return pd.concat([out, pd.DataFrame(ordered)], axis=1)  # one block, however many columns


def coverage_notes(
    rows: pd.DataFrame,
    columns: Sequence[tuple[str, str]],
    measures: Sequence[str] = ("fte",),
) -> list[str]:
    """Notes naming each cell that covers fewer practices than are in scope (or none at all)."""
    notes: list[str] = []
    total_rows = rows.loc[rows["row"] == "total"]
    # only partial cells make a note, so test them all at once and look at those few
    partial = {
        m: total_rows.loc[
            (total_rows[f"reporting_{m}"] > 0)
            & (total_rows[f"reporting_{m}"] < total_rows["practices"])
        ]
        for m in measures
    }
    if all(p.empty for p in partial.values()):
        return notes
    for node, label in columns:
        for measure in measures:
            col = f"reporting_{measure}"
            sub = partial[measure]
            sub = sub.loc[sub["node"] == node]
            for count, practices, org in zip(
                sub[col], sub["practices"], sub["org_code"], strict=True
            ):
                notes.append(
                    f"{label} {MEASURE_SUFFIX[measure]}: {int(count)} of {practices} "
                    f"practices in {org} have a figure; the total covers those."
                )
    if len(notes) > MAX_NOTES:
        notes = [*notes[:MAX_NOTES], f"... and {len(notes) - MAX_NOTES} more partial cells."]
    return notes


def missing_columns_note(
    scope: Scope, rows: pd.DataFrame, columns: Sequence[tuple[str, str]]
) -> str:
    """One note listing columns nobody in scope has a figure for (NA, not zero)."""
    have = set(rows.loc[rows["fte"].notna() | rows["headcount"].notna(), "node"])
    absent = [label for node, label in columns if node not in have]
    if not absent:
        return ""
    return (
        "Not available in the selected source (shown as NA, not zero): " + ", ".join(absent) + "."
    )


def availability_notes(
    scope: Scope, rows: pd.DataFrame, columns: Sequence[tuple[str, str]]
) -> list[str]:
    """The notes every table built from ``rows`` carries: columns nobody has, then partial cells."""
    missing = missing_columns_note(scope, rows, columns)
    return [*([missing] if missing else []), *coverage_notes(rows, columns)]


def add_sum(frame: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    """``frame[name]`` = row sum of ``cols``; NA when any part is NA."""
    total = frame[cols[0]].astype("Float64").copy()
    for c in cols[1:]:
        total = total + frame[c].astype("Float64")
    frame[name] = total


def ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """``numerator / denominator * scale`` as Float64; NA where either is NA or the denominator 0."""
    if not numerator.index.equals(denominator.index):  # pandas aligns the two first
        num_s, den_s = numerator.astype("Float64"), denominator.astype("Float64")
        return (num_s / den_s.mask(den_s == 0) * scale).astype("Float64")
    num = numerator.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    den = denominator.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    blank = np.isnan(num) | np.isnan(den) | (den == 0)
    # a tiny (subnormal) denominator overflows to infinity, as pandas' own division gives
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        values = np.where(blank, 0.0, num / np.where(blank, 1.0, den) * scale)
    name = numerator.name if numerator.name == denominator.name else None
    return pd.Series(pd.arrays.FloatingArray(values, blank), index=numerator.index, name=name)


def group_columns(taxonomy: Taxonomy, gp_node: str = DEFAULT_GP_NODE) -> list[tuple[str, str]]:
    """The staff-group columns with the GP column counting ``gp_node`` (labelled by its name)."""
    cols = list(GROUP_COLUMNS)
    if gp_node != cols[0][0]:
        cols[0] = (gp_node, taxonomy.node(gp_node).name)
    return cols


# The GPs a GP column leaves out, shown as a staff group of their own next to it (issue 10, 4):
# qualified GPs (practice-year files) leave out locums and trainees; GPs excluding registrars
# (returns, detailed GPW files) leave out the GPs in training.
GP_COMPLEMENTS: dict[str, str] = {
    "GP_QUALIFIED": "GP_LOCUM_AND_TRAINEE",
    "GP_EXCL_REGISTRARS": "GP_REGISTRAR",
}


def gp_complement_column(taxonomy: Taxonomy, gp_node: str) -> tuple[str, str] | None:
    """(node, label) of the GPs outside ``gp_node``'s column, or None if there is no such node."""
    node = GP_COMPLEMENTS.get(gp_node)
    if node is None or node not in taxonomy.nodes:
        return None
    return node, taxonomy.node(node).name


def all_staff_totals(label: str) -> tuple[str, str]:
    """Names of the HC and WTE totals that add the GPs outside the GP column (``label``)."""
    return f"Total incl. {label} HC", f"Total incl. {label} WTE"


def group_labels() -> dict[str, str]:
    return {g.value: label for g, (_, label) in zip(StaffGroup, GROUP_COLUMNS, strict=True)}


def sources_of(data: BaselineData, practices: Iterable[str]) -> tuple[str, ...]:
    """The distinct source ids the workforce figures of ``practices`` came from (once per
    bundle and set of practices: every table of a report names the same sources)."""
    wanted = frozenset(practices)

    def build() -> tuple[str, ...]:
        wf = data.workforce
        ids = wf.loc[wf["practice_code"].isin(list(wanted)), "source_id"].dropna().unique()
        return tuple(sorted(str(s) for s in ids))

    return data.cached(("sources_of", wanted), build)


def title_suffix(scope: Scope) -> str:
    """What a table's title ends with: the organisation and the date as people write it."""
    return f"{scope.org_name} ({scope.org_code}), {labels.date_text(scope.period)}"
