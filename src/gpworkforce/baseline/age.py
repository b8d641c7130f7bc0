"""Age profile: % of WTE aged 55 and over by role (LLR Table 9) and age-sex pyramids (Graphs 4-5).

Both read the DEMOGRAPHY table (age band x sex breakdown of the workforce). A source may give the
same people at several taxonomy levels; the finest level a practice's source gives is used (a
row is dropped when the same practice and source also has rows for a node below it), so no one
is counted twice. A Table 9 row is a set of leaves: it counts every kept demography row whose
node lies wholly inside that set.

``% aged 55+ = WTE in bands 55-59, 60-64, 65-69, 70+ / WTE with a known age band x 100``; WTE of
unknown age is shown separately and left out of the denominator. NA when no WTE of known age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import prepare, title_suffix
from gpworkforce.baseline.scope import Scope
from gpworkforce.domain.demography import OVER_55, AgeBand, Sex
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy
from gpworkforce.tables import factorize

_KEY = ["practice_code", "period", "source_id"]
_OVER_55 = frozenset(b.value for b in OVER_55)
_UNKNOWN_AGE = AgeBand.UNKNOWN.value
NOT_SPLIT = "Not split"
ALL_STAFF = "ALL"
_SEX_LABELS = {Sex.FEMALE.value: "Female", Sex.MALE.value: "Male", Sex.UNKNOWN.value: "Sex unknown"}


@dataclass(frozen=True, slots=True)
class AgeRow:
    """One row of the over-55 table: a label and the taxonomy nodes whose leaves it covers."""

    group: str
    role: str
    nodes: tuple[str, ...]


def table9_rows(taxonomy: Taxonomy) -> tuple[AgeRow, ...]:
    """The rows of LLR Table 9, in its order, plus the total of all staff."""
    dpc_other = tuple(
        sorted(
            leaf.code for leaf in taxonomy.leaves_in_group(StaffGroup.DPC) if leaf.code != "DPC_HCA"
        )
    )
    return (
        AgeRow("GP", "Senior partner", ("GP_SENIOR_PARTNER",)),
        AgeRow("GP", "Partner", ("GP_PARTNER_PROVIDER",)),
        AgeRow("GP", "Salaried", ("GP_SALARIED",)),
        AgeRow("GP", "Registrar ST3/4", ("GP_REGISTRAR_ST3_4",)),
        AgeRow("GP", "Registrar F1/2", ("GP_REGISTRAR_F1_2",)),
        AgeRow("GP", "Locum covering sickness", ("GP_LOCUM_ABSENCE",)),
        AgeRow("GP", "Locum covering vacancies", ("GP_LOCUM_VACANCY",)),
        AgeRow("GP", "Locum - other", ("GP_LOCUM_OTHER",)),
        AgeRow("Nurses", "Advanced nurse practitioners", ("NURSE_ANP",)),
        AgeRow("Nurses", "Extended role practice nurses", ("NURSE_EXTENDED",)),
        AgeRow("Nurses", "Nurse specialist", ("NURSE_SPECIALIST",)),
        AgeRow("Nurses", "Practice nurses", ("NURSE_PRACTICE",)),
        AgeRow("Nurses", "HCA", ("DPC_HCA",)),
        AgeRow("Direct patient care - other", "Direct patient care - other", dpc_other),
        AgeRow("Admin and clerical", "Admin and clerical", ("ADMIN",)),
        AgeRow("Total", "Total", tuple(g.value for g in StaffGroup)),
    )


def finest_rows(demography: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Demography rows without an ancestor node where its practice's source also gives a descendant."""
    if demography.empty:
        return demography
    # every row's (practice, period, source) group and node as integers: one pass over the text
    group = np.zeros(len(demography), dtype=np.int64)
    for column in _KEY:
        codes, distinct = factorize(demography[column], use_na_sentinel=False)
        group, _ = pd.factorize(group * (len(distinct) + 1) + codes)  # renumbered: no overflow
    node_codes, nodes = factorize(demography["node"], use_na_sentinel=False)
    pair = group.astype(np.int64) * (len(nodes) + 1) + node_codes
    # the distinct pairs, ascending: marked in a table as long as the pairs' range (every
    # group times every node: about the table's length), not sorted
    span = (int(group.max()) + 1) * (len(nodes) + 1)
    seen = np.zeros(span, dtype=bool)
    seen[pair] = True
    present: dict[int, set[int]] = {}
    for code in np.flatnonzero(seen).tolist():
        present.setdefault(code // (len(nodes) + 1), set()).add(code % (len(nodes) + 1))
    redundant: list[int] = []
    covered: dict[frozenset[int], list[int]] = {}  # most practices give the same set of nodes
    for key, given in present.items():
        kinds = frozenset(given)
        if kinds not in covered:
            leaves = {n: taxonomy.leaves_of(str(nodes[n])) for n in kinds}
            covered[kinds] = [
                n for n in kinds if any(o != n and leaves[o] < leaves[n] for o in kinds)
            ]
        redundant.extend(key * (len(nodes) + 1) + n for n in covered[kinds])
    if not redundant:
        return demography
    drop = np.zeros(span, dtype=bool)
    drop[np.asarray(redundant, dtype=np.int64)] = True
    return demography.loc[~drop[pair]]


def _nodes_within(
    demography: pd.DataFrame, taxonomy: Taxonomy, nodes: tuple[str, ...]
) -> list[str]:
    """The nodes of ``demography`` whose leaves all lie within ``nodes``' leaves."""
    return _within(demography["node"].unique(), taxonomy, nodes)


def _rows_within(
    demography: pd.DataFrame, taxonomy: Taxonomy, nodes: tuple[str, ...]
) -> pd.DataFrame:
    """The rows of ``demography`` whose node lies within ``nodes`` (the plain form of
    :func:`_inside`, kept as its reference)."""
    inside = _nodes_within(demography, taxonomy, nodes)
    return demography.loc[demography["node"].isin(inside)]


def _within(distinct: Iterable[object], taxonomy: Taxonomy, nodes: tuple[str, ...]) -> list[str]:
    """Of the ``distinct`` node values, those whose leaves all lie within ``nodes``' leaves."""
    allowed: frozenset[str] = frozenset().union(*(taxonomy.leaves_of(n) for n in nodes))
    return [str(n) for n in distinct if taxonomy.leaves_of(str(n)) <= allowed]


def _node_codes(at: BaselineData, scope: Scope) -> tuple[np.ndarray, pd.Index]:
    """Each row's node in :func:`scoped_demography` as an integer (NA: -1) and the distinct
    nodes, once per bundle and scope (the tables select rows by node many times)."""

    def build() -> tuple[np.ndarray, pd.Index]:
        codes, distinct = factorize(scoped_demography(at, scope)["node"])
        return codes, pd.Index(distinct)

    return at.cached(("scoped_demography_nodes", scope.key), build)


def _inside(at: BaselineData, scope: Scope, nodes: tuple[str, ...]) -> np.ndarray:
    """Which rows of :func:`scoped_demography` have a node within ``nodes`` (as
    ``isin(_nodes_within(...))``, on the integer codes)."""
    codes, distinct = _node_codes(at, scope)
    names = _within(distinct, at.taxonomy, nodes)
    wanted = np.flatnonzero(distinct.isin(names))
    return np.isin(codes, wanted)


def _sum(data: np.ndarray, mask: np.ndarray, rows: np.ndarray) -> object:
    """``Series.sum(min_count=1)`` of the selected rows of a Float64 column, computed as pandas
    computes it (NumPy's sum of the values not missing, NA when there are none)."""
    values, missing = data[rows], mask[rows]
    if missing.size - missing.sum() < 1:
        return pd.NA
    return np.sum(values, where=~missing)


def scoped_demography(at: BaselineData, scope: Scope) -> pd.DataFrame:
    """The finest demography rows of the practices in ``scope`` (once per bundle and scope; the
    frame is shared and must not be mutated)."""

    def build() -> pd.DataFrame:
        demo = at.demography
        mine = demo["practice_code"].isin(list(scope.members)).to_numpy()
        if not mine.all():  # (every row of the scope's: the same frame, not a copy)
            demo = demo.loc[mine]
        return finest_rows(demo, at.taxonomy)

    return at.cached(("scoped_demography", scope.key), build)


def _over_55(at: BaselineData, scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    demo = scoped_demography(at, scope)
    # every row of the table selects from the same arrays (each selection keeps the rows' order)
    band = demo["age_band"].astype("string").to_numpy(dtype=object, na_value=None)
    is_unknown = band == _UNKNOWN_AGE
    is_known = ~is_unknown & demo["age_band"].notna().to_numpy()  # (NA is neither, as in pandas)
    is_over = np.isin(band, list(_OVER_55))
    fte = demo["fte"].astype("Float64").array
    data, mask = fte.to_numpy(dtype=float, na_value=0.0), fte.isna()
    records = []
    for row in table9_rows(at.taxonomy):
        inside = _inside(at, scope, row.nodes)
        known, over, unknown = inside & is_known, inside & is_over, inside & is_unknown
        known_sum = _sum(data, mask, known)
        over_sum = _sum(data, mask, over) if over.any() else (0.0 if known.any() else pd.NA)
        pct = pd.NA
        if not pd.isna(known_sum) and known_sum > 0 and not pd.isna(over_sum):
            pct = over_sum / known_sum * 100.0
        records.append(
            {
                "Staff group": row.group,
                "Job role": row.role,
                "WTE (known age)": known_sum,
                "WTE aged 55+": over_sum,
                "% WTE aged 55+": pct,
                "WTE age unknown": _sum(data, mask, unknown) if unknown.any() else 0.0,
            }
        )
    frame = pd.DataFrame.from_records(records)
    for col in ("WTE (known age)", "WTE aged 55+", "% WTE aged 55+", "WTE age unknown"):
        frame[col] = frame[col].astype("Float64")
    if demo.empty:
        frame.loc[:, "WTE age unknown"] = pd.NA
    notes = [
        "% aged 55+ = WTE in age bands 55-59, 60-64, 65-69 and 70+ / WTE of known age x 100.",
        "Total covers all staff, including roles without a row of their own (e.g. retainers).",
    ]
    if demo.empty:
        notes.append("No age breakdown in the selected source: every figure is not available.")
    return frame, notes


def over_55_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Table 9: % of WTE aged 55 and over per role for the org (all its practices)."""
    at, scope = prepare(data, org_code, period, source=source)
    return _over_55(at, scope)


def over_55(
    data: BaselineData, org_code: str, period: dt.date, *, source: SourceKind | str | None = None
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source)
    frame, notes = _over_55(at, scope)
    return ReportTable(
        key="over_55",
        title=f"Percentage of WTE aged 55 and over by role: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=_sources(at, scope),
        decimals={
            "% WTE aged 55+": 1,
            "WTE (known age)": 1,
            "WTE aged 55+": 1,
            "WTE age unknown": 1,
        },
    )


def _pyramid(at: BaselineData, scope: Scope, node: str) -> pd.DataFrame:
    nodes = tuple(g.value for g in StaffGroup) if node == ALL_STAFF else (node,)
    demo = scoped_demography(at, scope)
    inside = _inside(at, scope, nodes)
    bands = [b.value for b in AgeBand]
    columns = [*_SEX_LABELS.values(), NOT_SPLIT]
    # each distinct band and sex numbered and labelled once; the rows are summed by those
    # numbers (as a group-by on the text sums them: each group's rows in their order)
    band_codes, band_names = factorize(demo["age_band"])  # (no band: -1, left out)
    sex_codes, distinct = factorize(demo["sex"], use_na_sentinel=False)
    column_of = np.array(
        [columns.index(_SEX_LABELS.get(str(s), NOT_SPLIT)) for s in distinct], dtype=np.int64
    )
    keep = inside & (band_codes >= 0)
    cell = band_codes[keep].astype(np.int64) * len(columns) + column_of[sex_codes[keep]]
    headcount = demo["headcount"].astype("Float64").array[keep]
    sums = pd.Series(headcount).groupby(cell).sum(min_count=1)
    grid = np.zeros((len(bands), len(columns)))
    blank = np.ones((len(bands), len(columns)), dtype=bool)
    row_of = {str(b): bands.index(str(b)) for b in band_names if str(b) in bands}
    for key, value in zip(sums.index, sums.array, strict=True):
        row = row_of.get(str(band_names[key // len(columns)]))
        if row is not None and value is not pd.NA:
            grid[row, key % len(columns)] = value
            blank[row, key % len(columns)] = False
    frame = pd.DataFrame({"Age band": bands})
    for i, col in enumerate(columns):
        frame[col] = pd.Series(pd.arrays.FloatingArray(grid[:, i], blank[:, i]))
        if inside.any():  # a source with an age breakdown: a band nobody is in is 0
            frame[col] = frame[col].fillna(0)
    total = frame[columns[0]]
    for col in columns[1:]:
        total = total + frame[col]
    frame["Total"] = total.astype("Float64")
    return frame


def pyramid_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    node: str = "GP",
    source: SourceKind | str | None = None,
) -> pd.DataFrame:
    """Headcount by age band (rows) and sex (columns) for the staff in ``node`` (Graphs 4-5).

    Use a group (``GP``), any node, or ``ALL`` for all staff. Columns: Age band, Female, Male,
    Sex unknown, Not split (rows whose source gives no sex), Total. With no age breakdown in the
    source every count is NA; otherwise a band nobody is in is 0.
    """
    at, scope = prepare(data, org_code, period, source=source)
    return _pyramid(at, scope, node)


def pyramid(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    node: str = ALL_STAFF,
    source: SourceKind | str | None = None,
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source)
    frame = _pyramid(at, scope, node)
    who = "all staff" if node == ALL_STAFF else at.taxonomy.node(node).name
    return ReportTable(
        key=f"pyramid_{node.lower()}",
        title=f"Headcount by age and sex, {who}: {title_suffix(scope)}",
        frame=frame,
        notes=("Headcount is summed over practices and roles (see the staff table's caveat).",),
        sources=_sources(at, scope),
        decimals={c: 0 for c in frame.columns if c != "Age band"},
    )


def _sources(at: BaselineData, scope: Scope) -> tuple[str, ...]:
    """The source ids of the scope's demography rows (once per bundle and scope).

    Read from :func:`scoped_demography`: its finest rows drop a row only where the same
    practice, date and source has a finer one, so they hold every source id the scope's rows
    hold (each distinct id numbered once, not every row's text hashed again)."""

    def build() -> tuple[str, ...]:
        _, ids = factorize(scoped_demography(at, scope)["source_id"])
        return tuple(sorted(str(s) for s in ids))

    return at.cached(("demography_sources", scope.key), build)


__all__ = [
    "ALL_STAFF",
    "AgeRow",
    "finest_rows",
    "over_55",
    "over_55_frame",
    "pyramid",
    "pyramid_frame",
    "scoped_demography",
    "table9_rows",
]
