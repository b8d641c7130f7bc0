"""Which practices a figure covers, and how practice figures add up to organisations.

A :class:`Scope` is an organisation on a census date, the practices under it *by the hierarchy in
force on that date* (``OrgRegistry.practice_map``) and the child organisation each practice
rolls up to. Practice figures come from :func:`gpworkforce.tables.resolve` (one call per taxonomy
node); :func:`rollup` sums them by a practice -> organisation map.

Summing rules (see docs/baseline.md):
- FTE adds up across practices and organisations.
- Headcount is summed too; people working in several practices are then counted once per
  practice, so an organisation's headcount can exceed the people in it (documented caveat).
- A practice without a figure (no row, or NA) adds nothing, and each organisation row reports
  ``practices`` (in scope) and ``reporting`` (practices with a figure). An organisation whose
  practices all lack the figure gets NA, never zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce.domain.orgs import ENGLAND_CODE, TIER_RANK, OrgRegistry, OrgType
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.tables import factorize, resolve_many

TOTAL = "total"
CHILD = "child"
UNASSIGNED = "UNASSIGNED"

_TIER_LABEL: Mapping[OrgType, str] = {
    OrgType.PRACTICE: "practice",
    OrgType.PCN: "PCN",
    OrgType.SUB_ICB: "sub-ICB location",
    OrgType.ICB: "ICB",
    OrgType.REGION: "region",
    OrgType.ENGLAND: "England",
}


@dataclass(frozen=True)
class Scope:
    """An organisation on a date, its practices and the child each practice belongs to."""

    org_code: str
    org_name: str
    org_type: OrgType
    period: dt.date
    child_level: OrgType | None
    members: Mapping[str, str]  # practice code -> child org code (the org itself if no children)
    names: Mapping[str, str]  # org code -> name, for the org and its children
    # derived frames (see :func:`row_index`); never compared, never copied by ``replace``
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def key(self) -> tuple[object, ...]:
        """A hashable identity: equal keys mean equal scopes (cache keys of derived figures)."""
        return (
            self.org_code,
            self.period,
            self.child_level,
            tuple(self.members.items()),
            tuple(self.names.items()),
        )

    @property
    def practices(self) -> list[str]:
        return sorted(self.members)

    @property
    def children(self) -> list[str]:
        if self.child_level is None:
            return []
        return sorted(set(self.members.values()))


def practice_level_map(registry: OrgRegistry, on: dt.date, level: OrgType) -> dict[str, str]:
    """``registry.practice_map`` that also answers the practice tier (each practice maps to itself)."""
    if level == OrgType.PRACTICE:
        return {p.code: p.code for p in registry.of_type(OrgType.PRACTICE) if p.is_open(on)}
    return registry.practice_map(on, level)


def _name(registry: OrgRegistry, code: str) -> str:
    if code == UNASSIGNED:
        return "Not assigned"
    if code in registry:
        return registry.get(code).name
    return "England" if code == ENGLAND_CODE else code


def build_scope(
    registry: OrgRegistry,
    org_code: str,
    period: dt.date,
    child_level: OrgType | None = None,
) -> Scope:
    """The scope of ``org_code`` on ``period``; children at ``child_level`` or the next tier down.

    Without ``child_level`` the children are the next lower tier that any of the org's practices
    sits under on that date (a CCG in 2017 has practices as children; a sub-ICB location in 2024
    has PCNs). Practices under the org but in no organisation of the child tier are grouped as
    ``UNASSIGNED``. Raises ``UnknownOrganisation`` for an unknown code.
    """
    code = org_code.strip().upper()
    if code == ENGLAND_CODE and code not in registry:
        org_type, org_name = OrgType.ENGLAND, "England"
    else:
        org = registry.get(code)
        org_type, org_name, code = org.type, org.name, org.code
    if org_type == OrgType.PRACTICE:
        org = registry.get(code)
        members = {code: code} if org.is_open(period) else {}
        return Scope(code, org_name, org_type, period, None, members, {code: org_name})
    under = sorted(p for p, anc in registry.practice_map(period, org_type).items() if anc == code)
    levels: Iterable[OrgType]
    if child_level is not None:
        if TIER_RANK[child_level] >= TIER_RANK[org_type]:
            raise ValueError(f"child level {child_level} must be below {org_type}")
        levels = [child_level]
    else:
        levels = sorted(
            (t for t in OrgType if TIER_RANK[t] < TIER_RANK[org_type]),
            key=lambda t: -TIER_RANK[t],
        )
    chosen: OrgType | None = None
    members: dict[str, str] = {}
    for level in levels:
        mapping = practice_level_map(registry, period, level)
        if level == child_level or any(p in mapping for p in under):
            chosen = level
            members = {p: mapping.get(p, UNASSIGNED) for p in under}
            break
    names = {code: org_name}
    for child in set(members.values()):
        names[child] = _name(registry, child)
    return Scope(code, org_name, org_type, period, chosen, members, names)


def closed_by(registry: OrgRegistry, practice: str, on: dt.date) -> bool:
    """Whether the registry knows ``practice`` and has it closed before ``on`` (not one it
    has not opened yet: a practice a source names only later stays unplaced, as before)."""
    if practice not in registry:
        return False
    closed = registry.get(practice).closed
    return closed is not None and closed < on


def with_closed_reporting(scope: Scope, registry: OrgRegistry, reporting: Iterable[str]) -> Scope:
    """An England scope with the practices the registry knows but has closed on the date that
    have workforce figures on it (``reporting``) under "Not assigned" (decision 0168, amended).

    A workforce file's figures for a practice show it had staff then, whatever the registry's
    sources say: a national report counts them, so its totals are the file's national sums
    (but for codes the registry does not know or opens only later, which stay unplaced). Scopes of other organisations are returned unchanged: a closed
    practice has no link to any organisation, so no area below England can claim it."""
    if scope.org_type != OrgType.ENGLAND:
        return scope
    extra = sorted(p for p in set(reporting) if closed_by(registry, p, scope.period))
    if not extra:
        return scope
    child = UNASSIGNED if scope.child_level is not None else scope.org_code
    members = {**scope.members, **dict.fromkeys(extra, child)}
    names = {
        **scope.names,
        child: _name(registry, child) if child == UNASSIGNED else scope.org_name,
    }
    return Scope(
        scope.org_code, scope.org_name, scope.org_type, scope.period, scope.child_level,
        dict(sorted(members.items())), names,
    )  # fmt: skip


def practice_values(
    workforce: pd.DataFrame, nodes: Iterable[str], taxonomy: Taxonomy
) -> pd.DataFrame:
    """Headcount and FTE per practice and node (``resolve_many``: each node resolved once).

    ``workforce`` must already hold one source per practice and period and a single period.
    Returns columns practice_code, node, headcount, fte.
    """
    frames = []
    for node, res in resolve_many(workforce, nodes, taxonomy).items():
        if res.empty:
            continue
        res = res.loc[:, ["practice_code", "headcount", "fte"]]
        res.insert(1, "node", node)
        frames.append(res)
    if not frames:
        return pd.DataFrame(
            {
                "practice_code": pd.Series(dtype="string"),
                "node": pd.Series(dtype="string"),
                "headcount": pd.Series(dtype="Float64"),
                "fte": pd.Series(dtype="Float64"),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    out["node"] = out["node"].astype("string")
    # one period and one source per practice: any duplicate key would be double counting
    return out.groupby(["practice_code", "node"], as_index=False, sort=False)[
        ["headcount", "fte"]
    ].sum(min_count=1)


def rollup(
    values: pd.DataFrame,
    mapping: Mapping[str, str],
    measures: tuple[str, ...] = ("headcount", "fte"),
    by: tuple[str, ...] = ("node",),
) -> pd.DataFrame:
    """Sum practice ``values`` to organisations by ``mapping`` (practice -> org).

    Practices not in ``mapping`` are dropped. Returns org_code, *by, each measure (NA when no
    practice has it) and ``reporting_<measure>`` (practices with a figure).
    """
    coded = _rollup_on_codes(values, mapping, measures, by)
    if coded is not None:
        return coded
    frame = values.loc[values["practice_code"].isin(list(mapping))].copy()
    frame["org_code"] = frame["practice_code"].map(dict(mapping)).astype("string")
    keys = ["org_code", *by]
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped[list(measures)].sum(min_count=1)
    counts = grouped[list(measures)].count()
    counts.columns = [f"reporting_{m}" for m in measures]
    return pd.concat([out, counts], axis=1).reset_index()


def _rollup_on_codes(
    values: pd.DataFrame,
    mapping: Mapping[str, str],
    measures: tuple[str, ...],
    by: tuple[str, ...],
) -> pd.DataFrame | None:
    """:func:`rollup` grouped on integer codes instead of text: each distinct practice, org and
    key numbered once, the numbers ranked as the text sorts (a missing key last), so the groups
    come in the order, and each group's rows are summed in the order, the text would give.
    None (use the text) when nothing is kept or a key is not text or missing."""
    if not len(values) or not all(_is_text(values[c]) for c in by):
        return None
    p_codes, p_names = factorize(values["practice_code"])
    org_of = [mapping.get(p) if isinstance(p, str) else None for p in p_names]
    orgs = sorted({o for o in org_of if o is not None})
    if not all(isinstance(o, str) for o in orgs):
        return None
    rank = {o: i for i, o in enumerate(orgs)}
    org_rank = np.array([rank.get(o, -1) if o is not None else -1 for o in org_of] + [-1])
    org_idx = org_rank[p_codes]  # (code -1, a missing practice: the last, -1)
    rows = np.flatnonzero(org_idx >= 0)
    if not len(rows):
        return None
    combined = org_idx[rows].astype(np.int64)
    levels = []
    for column in by:
        codes, distinct = factorize(values[column])
        names = [str(d) for d in distinct]
        if len(set(names)) != len(names) or (codes[rows] < 0).any():
            return None  # (a missing key: pandas' own dtypes for it)
        order = sorted(range(len(names)), key=names.__getitem__)
        position = np.empty(len(names), dtype=np.int64)
        position[order] = np.arange(len(names))
        combined = combined * len(names) + position[codes[rows]]
        levels.append((column, [names[i] for i in order]))
    data = values[list(measures)].iloc[rows].reset_index(drop=True)
    # (an Index, not the array: pandas would first look for the array among the columns,
    # printing it for its error message, about 0.4 ms a call)
    grouped = data.groupby(pd.Index(combined), sort=True)
    sums = grouped.sum(min_count=1)
    counts = grouped.count()
    keys = sums.index.to_numpy(dtype=np.int64)
    columns: dict[str, object] = {}
    for column, sorted_names in reversed(levels):
        at = keys % len(sorted_names)
        keys = keys // len(sorted_names)
        cells = [sorted_names[i] for i in at]
        dtype = values[column].dtype
        text = isinstance(dtype, pd.StringDtype)
        columns[column] = pd.array(cells, dtype=dtype) if text else np.array(cells, dtype=object)
    out = {"org_code": pd.array([orgs[i] for i in keys], dtype="string")}
    out.update({c: columns[c] for c in by})
    out.update({m: sums[m].array for m in measures})
    out.update({f"reporting_{m}": counts[m].array for m in measures})
    return pd.DataFrame(out)


def _is_text(column: pd.Series) -> bool:
    """A key of ``string`` dtype, or of objects that are all ``str`` or missing."""
    if isinstance(column.dtype, pd.StringDtype):
        return column.dtype.storage == "python"
    if column.dtype != object:
        return False
    return all(isinstance(v, str) for v in pd.unique(column.dropna()))


def scope_rows(values: pd.DataFrame, scope: Scope, by: tuple[str, ...] = ("node",)) -> pd.DataFrame:
    """Children rows then the organisation's total row, for practice ``values``.

    Columns: org_code, org_name, row (``child`` or ``total``), *by, headcount, fte,
    reporting_headcount, reporting_fte, practices (in scope under that row).
    """
    measures = tuple(m for m in ("headcount", "fte") if m in values.columns)
    parts = []
    if scope.child_level is not None:
        child = rollup(values, scope.members, measures, by)
        child["row"] = CHILD
        parts.append(child)
    total = rollup(values, dict.fromkeys(scope.members, scope.org_code), measures, by)
    total["row"] = TOTAL
    parts.append(total)
    out = pd.concat(parts, ignore_index=True)
    sizes = _sizes(scope)
    codes = out["org_code"].to_numpy(dtype=object, na_value=None)
    practices = np.fromiter((sizes.get(c, 0) for c in codes), dtype=np.int64, count=len(codes))
    practices[(out["row"] == TOTAL).to_numpy(dtype=bool)] = len(scope.members)
    out["practices"] = practices if len(out) else []  # (an empty list: float64, as always)
    names = dict(scope.names)
    out["org_name"] = pd.array([names.get(c) for c in codes], dtype="string")
    return out


def _sizes(scope: Scope) -> dict[str, int]:
    """Practices in scope under each child (built once per scope)."""
    sizes = scope._memo.get("sizes")
    if sizes is None:
        sizes = {}
        for child in scope.members.values():
            sizes[child] = sizes.get(child, 0) + 1
        scope._memo["sizes"] = sizes
    return sizes


def row_index(scope: Scope) -> pd.DataFrame:
    """The row labels of a scope table: every child (even one with no data) then the total.

    Built once per scope; each call returns a copy the caller may add columns to.
    """
    built = scope._memo.get("row_index")
    if built is None:
        built = _row_index(scope)
        scope._memo["row_index"] = built
    return built.copy()


def _row_index(scope: Scope) -> pd.DataFrame:
    codes = [*scope.children, scope.org_code]
    rows = [CHILD] * len(scope.children) + [TOTAL]
    sizes = pd.Series(list(scope.members.values()), dtype="string").value_counts()
    return pd.DataFrame(
        {
            "org_code": pd.Series(codes, dtype="string"),
            "org_name": pd.Series([scope.names[c] for c in codes], dtype="string"),
            "row": rows,
            "practices": [
                len(scope.members) if r == TOTAL else int(sizes.get(c, 0))
                for c, r in zip(codes, rows, strict=True)
            ],
        }
    )


def tier_label(level: OrgType | None) -> str:
    return _TIER_LABEL.get(level, "organisation") if level is not None else "organisation"
