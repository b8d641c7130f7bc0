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

import ctypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gpworkforce.domain.taxonomy import Taxonomy

if TYPE_CHECKING:
    import pyarrow as pa

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
    """An empty table with ``spec``'s columns and dtypes (a fresh copy the caller may change).

    Built once per spec and copied: building the columns from dtype names took ~3 ms, and a
    report asks for a few hundred (every table of every file none of whose rows it reads).
    """
    key = tuple(spec.items())
    template = _EMPTY.get(key)
    if template is None:
        template = _EMPTY[key] = pd.DataFrame({c: pd.Series(dtype=t) for c, t in spec.items()})
    return template.copy()


_EMPTY: dict[tuple[tuple[str, str], ...], pd.DataFrame] = {}


def conform(df: pd.DataFrame, spec: Mapping[str, str]) -> pd.DataFrame:
    """Return ``df`` with exactly the spec's columns, in order, cast to the spec's dtypes.

    Raises ``ValueError`` (a programming error, not a user error) if a column is missing.
    """
    missing = [c for c in spec if c not in df.columns]
    if missing:
        raise ValueError(f"table is missing columns {missing}")
    out = df.loc[:, list(spec)].copy()
    for col, dtype in spec.items():
        if str(out[col].dtype) == dtype:
            continue  # already right: casting would only copy again
        if dtype.startswith("datetime64"):
            out[col] = pd.to_datetime(out[col]).astype(dtype)
        else:
            out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)


def read_parquet(
    path: Path, dictionaries: Iterable[str] = (), practices: Iterable[str] | None = None
) -> pa.Table:
    """One Parquet file as an Arrow table (the ``dictionaries`` columns as dictionaries).

    Read through ``pq.ParquetFile``, not ``pq.read_table``: the latter builds a dataset, and
    its first call imports pyarrow's dataset layer, about 0.1-0.25 s of every command's CPU
    (decision 0135). The same table either way (tested). Raises ``OSError`` or
    ``pyarrow.ArrowException`` for a missing or unreadable file.

    With ``practices``, a file stored in practice-code order (its :data:`BY_PRACTICE` column)
    is read only in the row groups whose range of codes holds one of them (the other groups'
    rows are all of other practices); the caller still filters the rows it gets.
    """
    import pyarrow.parquet as pq

    with pq.ParquetFile(path, read_dictionary=list(dictionaries) or None) as file:
        if practices is None or BY_PRACTICE not in file.schema_arrow.names:
            return file.read()
        return file.read_row_groups(_groups_holding(file.metadata, sorted(practices)))


# the column of a table stored in practice-code order that holds each row's position in the
# order the loader gave it (decision 0160)
BY_PRACTICE = "_row"


def _groups_holding(metadata: object, practices: list[str]) -> list[int]:
    """The row groups whose practice-code statistics (minimum, maximum) hold one of the sorted
    ``practices``; a group without statistics is read."""
    import bisect

    schema = metadata.schema.to_arrow_schema()  # type: ignore[attr-defined]
    column = schema.get_field_index("practice_code")
    groups = []
    for i in range(metadata.num_row_groups):  # type: ignore[attr-defined]
        stats = metadata.row_group(i).column(column).statistics  # type: ignore[attr-defined]
        if stats is None or not stats.has_min_max:
            groups.append(i)
            continue
        first = bisect.bisect_left(practices, stats.min)
        if first < len(practices) and practices[first] <= stats.max:
            groups.append(i)
    return groups


def conforms(df: pd.DataFrame, spec: Mapping[str, str]) -> bool:
    """Whether ``df`` has exactly the spec's columns, in order, with the spec's dtypes (what
    :func:`conform` would give, apart from the copy and the index)."""
    return list(df.columns) == list(spec) and all(
        str(dtype) == spec[col] for col, dtype in df.dtypes.items()
    )


def concat(frames: Iterable[pd.DataFrame], spec: Mapping[str, str]) -> pd.DataFrame:
    """The non-empty ``frames`` conformed to ``spec`` and stacked (a new frame, index 0..n-1);
    :func:`empty` when there are none. A frame that already conforms is not copied before the
    concatenation copies it (the parsed store's tables do: reading a national series spent a
    third of its time copying them twice)."""
    parts = [f if conforms(f, spec) else conform(f, spec) for f in frames if len(f)]
    return pd.concat(parts, ignore_index=True) if parts else empty(spec)


def factorize(
    values: pd.Series, *, use_na_sentinel: bool = True
) -> tuple[np.ndarray, pd.Index | pd.api.extensions.ExtensionArray]:
    """``pd.factorize(values, use_na_sentinel=...)``: the same codes and uniques, faster for a
    text column whose cells repeat a few string objects (decision 0135).

    The parsed store expands each text column from its Parquet dictionary, so every cell holding
    one code is the same Python object: the cells are numbered by object first (an integer
    hash table on their addresses, instead of hashing the text of every cell), and only one
    cell per distinct object is factorised by value. Both steps number in order of first
    appearance, so equal text held by different objects (or several missing values) ends up
    with one code exactly as pandas numbers it. Anything but a Series of Python strings
    (``string`` dtype or object) goes to pandas as it is.
    """
    cells = _object_cells(values)
    if cells is None:
        return pd.factorize(values, use_na_sentinel=use_na_sentinel)
    # each cell's address (a view of the object array's pointers; ``cells`` stays alive)
    addresses = np.ctypeslib.as_array(
        (ctypes.c_size_t * len(cells)).from_address(cells.ctypes.data)
    )
    by_object, objects = pd.factorize(addresses)
    del addresses
    first = np.empty(len(objects), dtype=np.intp)
    first[by_object[::-1]] = np.arange(len(cells) - 1, -1, -1, dtype=np.intp)
    codes, uniques = pd.factorize(values.take(first), use_na_sentinel=use_na_sentinel)
    return codes[by_object], uniques


def _object_cells(values: object) -> np.ndarray | None:
    """The contiguous object array holding ``values``' cells (a Series of the python-backed
    ``string`` dtype or of objects), or None."""
    if not isinstance(values, pd.Series) or len(values) == 0:
        return None
    array = values.array
    if isinstance(array, pd.arrays.StringArray) or values.dtype == object:
        cells = np.asarray(array)
        if cells.dtype == object and cells.flags.c_contiguous:
            return cells
    return None


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


@dataclass(frozen=True)
class DenseFigures:
    """Figures of several nodes as dense arrays over the distinct (practice, period, source) keys.

    ``keys`` has one row per key; for each node, ``exists[node]`` says which keys have the node
    (a row, or a part with a row) and ``values[node]`` is a (headcount, fte) x keys float array
    with NaN for not available. :func:`resolve_many` turns it into :func:`resolve`'s frames.
    """

    keys: pd.DataFrame
    exists: Mapping[str, np.ndarray]
    values: Mapping[str, np.ndarray]
    # each key's first row (its position in the table resolved)
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def resolve_dense(workforce: pd.DataFrame, nodes: Iterable[str], tax: Taxonomy) -> DenseFigures:
    """:func:`resolve`'s rules for several nodes at once, as dense arrays (see :class:`DenseFigures`).

    Keys are numbered once; each node's figure is computed once and reused by the nodes built
    from it, so a whole taxonomy costs about one pass over the table.
    """
    keys = list(KEYS)
    n = len(workforce)
    if n:
        combined = np.zeros(n, dtype=np.int64)
        for col in keys:
            codes, uniques = factorize(workforce[col], use_na_sentinel=False)
            combined = combined * (len(uniques) + 1) + codes
        _, first, kid = np.unique(combined, return_index=True, return_inverse=True)
    else:
        first = kid = np.zeros(0, dtype=np.int64)
    n_keys = len(first)
    key_frame = workforce.loc[:, keys].iloc[first].reset_index(drop=True)
    node_codes, node_names = factorize(workforce["node"])
    measures = [
        workforce[m].astype("Float64").to_numpy(dtype=float, na_value=np.nan) for m in MEASURES
    ]
    rows_of: dict[str, np.ndarray] = {}
    if n:
        order = np.argsort(node_codes, kind="stable")
        bounds = np.searchsorted(node_codes[order], np.arange(len(node_names) + 1))
        for i, name in enumerate(node_names):
            rows_of[str(name)] = order[bounds[i] : bounds[i + 1]]
    # a figure: (exists per key, values per measure with NaN = not available)
    Figure = tuple[np.ndarray, np.ndarray]
    memo: dict[str, Figure] = {}

    def direct(code: str) -> Figure:
        rows = rows_of.get(code)
        values = np.full((len(MEASURES), n_keys), np.nan)
        if rows is None or not len(rows):
            return np.zeros(n_keys, dtype=bool), values
        k = kid[rows]
        exists = np.bincount(k, minlength=n_keys) > 0
        for j, m in enumerate(measures):
            v = m[rows]
            ok = ~np.isnan(v)
            total = np.bincount(k[ok], weights=v[ok], minlength=n_keys)
            count = np.bincount(k[ok], minlength=n_keys)
            values[j] = np.where(count > 0, total, np.nan)  # sum(min_count=1)
        return exists, values

    def one(code: str) -> Figure:
        if code in memo:
            return memo[code]
        d_exists, d_values = direct(code)
        info = tax.node(code)
        parts = cover(tax, code) if info.kind == "aggregate" else _children(tax, code)
        if not parts:
            memo[code] = (d_exists, d_values)
            return memo[code]
        resolved = [one(p) for p in parts]
        s_exists = np.logical_or.reduce([e for e, _ in resolved])
        s_values = np.zeros((len(MEASURES), n_keys))
        for e, v in resolved:
            s_values = s_values + np.where(e, v, np.nan)  # missing part -> NA -> the sum is NA
        s_values = np.where(s_exists, s_values, np.nan)
        # a direct figure wins; where it is not available the parts' sum fills in
        values = np.where(d_exists & ~np.isnan(d_values), d_values, s_values)
        memo[code] = (d_exists | s_exists, values)
        return memo[code]

    wanted = list(dict.fromkeys(nodes))
    figures = {code: one(code) for code in wanted}
    return DenseFigures(
        keys=key_frame,
        exists={c: f[0] for c, f in figures.items()},
        values={c: f[1] for c, f in figures.items()},
        first=np.asarray(first, dtype=np.int64),
    )


def resolve_many(
    workforce: pd.DataFrame, nodes: Iterable[str], tax: Taxonomy
) -> dict[str, pd.DataFrame]:
    """:func:`resolve` for several nodes at once, sharing the work (same rules, same figures).

    Each value has :func:`resolve`'s columns (row order may differ). See :func:`resolve_dense`.
    """
    dense = resolve_dense(workforce, nodes, tax)
    keys = {c: dense.keys[c].array for c in dense.keys.columns}
    out: dict[str, pd.DataFrame] = {}
    for code, exists in dense.exists.items():
        where = np.flatnonzero(exists)
        columns = {c: values.take(where) for c, values in keys.items()}
        for j, m in enumerate(MEASURES):
            v = dense.values[code][j][where]
            columns[m] = pd.arrays.FloatingArray(v, np.isnan(v))  # NaN: not available
        out[code] = pd.DataFrame(columns)
    return out
