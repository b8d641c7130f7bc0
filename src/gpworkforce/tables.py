"""The canonical tables every loader produces and every analysis consumes.

All are long-format pandas DataFrames. Measures are nullable ``Float64``: ``<NA>`` means *not
available*, never zero. ``period`` is the census date (``datetime64[ns]``); ``source_id`` names the
file or submission (and so the vintage) a row came from, so two vintages of one period coexist.

WORKFORCE      practice_code, period, node, headcount, fte, source_id
    One row per practice, period, taxonomy node and source. A source may give the same people at
    several levels (NHS Digital publishes a group total *and* its roles); :func:`resolve` picks the
    figure for a node without double counting. A missing row means not available.
DEMOGRAPHY     practice_code, period, node, age_band, sex, headcount, fte, source_id
    Age-band x sex breakdown of WORKFORCE where a source has it (``sex`` may be ``ALL``).
PATIENTS       practice_code, period, registered, weighted, source_id
VACANCIES      practice_code, period, node, vacancy_wte, months_open, source_id
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from gpworkforce.domain.taxonomy import Taxonomy

WORKFORCE: Mapping[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "node": "string",
    "headcount": "Float64",
    "fte": "Float64",
    "source_id": "string",
}
DEMOGRAPHY: Mapping[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "node": "string",
    "age_band": "string",
    "sex": "string",
    "headcount": "Float64",
    "fte": "Float64",
    "source_id": "string",
}
PATIENTS: Mapping[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "registered": "Float64",
    "weighted": "Float64",
    "source_id": "string",
}
VACANCIES: Mapping[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "node": "string",
    "vacancy_wte": "Float64",
    "months_open": "Float64",
    "source_id": "string",
}

KEYS = ("practice_code", "period", "source_id")
MEASURES = ("headcount", "fte")


def empty(spec: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in spec.items()})


def conform(df: pd.DataFrame, spec: Mapping[str, str]) -> pd.DataFrame:
    """Return ``df`` with exactly the spec's columns, in order, cast to the spec's dtypes.

    Raises ``ValueError`` (a programming error, not a user error) if a column is missing.
    """
    missing = [c for c in spec if c not in df.columns]
    if missing:
        raise ValueError(f"table is missing columns {missing}")
    out = df.loc[:, list(spec)].copy()
    for col, dtype in spec.items():
        if dtype.startswith("datetime64"):
            out[col] = pd.to_datetime(out[col]).astype(dtype)
        else:
            out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)


def _children(tax: Taxonomy, code: str) -> list[str]:
    """Tree children of a group or role node (empty for leaves and aggregates)."""
    return sorted(n.code for n in tax.nodes.values() if n.parent == code and n.code != code)


def cover(tax: Taxonomy, code: str) -> list[str]:
    """The largest tree nodes (groups, roles, leaves) whose leaves together are exactly ``code``'s."""
    target = tax.leaves_of(code)
    chosen: list[str] = []
    covered: set[str] = set()
    tree = [n for n in tax.nodes.values() if n.kind in ("group", "role", "leaf")]
    # biggest first, so a whole role is preferred over its leaves
    for node in sorted(tree, key=lambda n: (-len(n.leaves), n.code)):
        if node.leaves <= target and not (node.leaves & covered):
            chosen.append(node.code)
            covered |= node.leaves
    return sorted(chosen)


def resolve(workforce: pd.DataFrame, node: str, tax: Taxonomy) -> pd.DataFrame:
    """Headcount and FTE of ``node`` per practice, period and source, without double counting.

    A direct row for the node wins. Otherwise the figure is the sum of its parts: a group or role
    sums its tree children, an aggregate sums its cover (see :func:`cover`), each part resolved the
    same way. A sum with any part not available is not available. FTE sums exactly; headcount is
    summed too, which within one practice counts each person once per role.
    Returns columns ``practice_code, period, source_id, headcount, fte``.
    """
    keys = list(KEYS)
    node_rows = workforce.loc[workforce["node"] == node, [*keys, *MEASURES]]
    direct = node_rows.groupby(keys, sort=False, dropna=False)[list(MEASURES)].sum(min_count=1)
    info = tax.node(node)
    if info.kind == "aggregate":
        parts = cover(tax, node)
    else:
        parts = _children(tax, node)
    if not parts:
        return direct.reset_index()
    resolved_parts = [resolve(workforce, p, tax).set_index(keys) for p in parts]
    all_keys = resolved_parts[0].index
    for rp in resolved_parts[1:]:
        all_keys = all_keys.union(rp.index)
    total = None
    for rp in resolved_parts:
        aligned = rp.reindex(all_keys)  # missing part -> NA -> the sum is NA
        total = aligned if total is None else total + aligned
    assert total is not None
    summed = total[list(MEASURES)]
    combined = direct.combine_first(summed) if len(direct) else summed
    combined.index.names = keys
    return combined.reset_index()


def resolve_many(
    workforce: pd.DataFrame, nodes: Iterable[str], tax: Taxonomy
) -> dict[str, pd.DataFrame]:
    """:func:`resolve` for several nodes at once, sharing the work (same rules, same results).

    Keys are factorised once, rows are split by node once and every node's figure is computed
    once and reused by the nodes built from it, so a whole taxonomy costs about one pass over
    the table. Each value has :func:`resolve`'s columns, sorted by key.
    """
    keys = list(KEYS)
    measures = list(MEASURES)
    kid = workforce.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    key_frame = workforce.loc[:, keys].drop_duplicates().reset_index(drop=True)
    work = pd.DataFrame(
        {"kid": kid, "node": workforce["node"].to_numpy(dtype=object)}, index=workforce.index
    )
    for m in measures:
        work[m] = workforce[m].astype("Float64")
    direct_by_node = {
        str(node): sub.groupby("kid", sort=True)[measures].sum(min_count=1)
        for node, sub in work.groupby("node", sort=False)
    }
    empty_direct = work.iloc[:0].groupby("kid")[measures].sum(min_count=1)
    memo: dict[str, pd.DataFrame] = {}

    def one(code: str) -> pd.DataFrame:
        if code in memo:
            return memo[code]
        direct = direct_by_node.get(code, empty_direct)
        info = tax.node(code)
        parts = cover(tax, code) if info.kind == "aggregate" else _children(tax, code)
        if not parts:
            memo[code] = direct
            return direct
        resolved = [one(p) for p in parts]
        index = resolved[0].index
        for rp in resolved[1:]:
            index = index.union(rp.index)
        total = resolved[0].reindex(index)
        for rp in resolved[1:]:
            total = total + rp.reindex(index)  # missing part -> NA -> the sum is NA
        combined = direct.combine_first(total) if len(direct) else total
        memo[code] = combined.sort_index()
        return memo[code]

    out: dict[str, pd.DataFrame] = {}
    for code in dict.fromkeys(nodes):
        res = one(code)
        frame = key_frame.iloc[res.index.to_numpy()].reset_index(drop=True)
        for m in measures:
            frame[m] = res[m].to_numpy(dtype=object)
            frame[m] = frame[m].astype("Float64")
        out[code] = frame
    return out
