"""Age profile and vacancies per sub-area: the org's children as rows, staff groups as columns.

The same definitions as :mod:`gpworkforce.baseline.age` and :mod:`gpworkforce.baseline.vacancies`
(see docs/baseline.md), computed for each child organisation and the organisation itself:

- ``<group> % aged 55+`` = WTE aged 55+ / WTE of known age x 100 (NA without age data);
- ``<group> vacant WTE`` and ``<group> vacancy rate %`` = vacant / (in post + vacant) x 100, over
  the practices that report vacancies (NA where none does).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.baseline.age import scoped_demography
from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import prepare, ratio, title_suffix, values_of
from gpworkforce.baseline.scope import TOTAL, Scope, row_index
from gpworkforce.baseline.vacancies import reporting_practices
from gpworkforce.domain.demography import OVER_55, AgeBand
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy
from gpworkforce.tables import factorize

# (label, staff groups) columns: the four groups as the staff tables name them, then all staff
AREA_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *((labels.staff_group(g.value), (g.value,)) for g in StaffGroup),
    ("All staff", tuple(g.value for g in StaffGroup)),
)
_OVER = [b.value for b in OVER_55]


def _group_of(taxonomy: Taxonomy, nodes: pd.Series) -> pd.Series:
    """The staff group wholly containing each node (NA for a node spanning groups)."""
    found: dict[str, str | None] = {}
    for node in nodes.unique():
        leaves = taxonomy.leaves_of(str(node))
        groups = {taxonomy.leaves[leaf].group.value for leaf in leaves}
        found[str(node)] = groups.pop() if len(groups) == 1 else None
    return nodes.map(found)


def _per_row(scope: Scope, values: pd.Series, practices: pd.Series) -> np.ndarray:
    """Sum ``values`` per row of ``scope`` (children then total); NaN where nothing is summed."""
    v = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return _row_sums(scope, v, _rows_of(scope, practices))


def _rows_of(scope: Scope, practices: pd.Series) -> np.ndarray:
    """The position in ``row_index(scope)`` of each of ``practices``' child row (-1: none)."""
    # looked up once per distinct practice, not once per value
    codes, uniques = factorize(practices, use_na_sentinel=False)
    position = {c: i for i, c in enumerate(row_index(scope)["org_code"])}
    members = scope.members
    row_of = np.array([position.get(members.get(str(p)), -1) for p in uniques], dtype=np.int64)
    return row_of[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def _row_sums(scope: Scope, v: np.ndarray, at_row: np.ndarray) -> np.ndarray:
    """Sum the values ``v`` (NaN: none) per row of ``scope``, each value in row ``at_row``."""
    known = ~np.isnan(v)
    at_row, v = at_row[known], v[known]
    out = []
    for i, row in enumerate(row_index(scope)["row"]):
        sel = v if row == TOTAL else v[at_row == i]
        out.append(float(sel.sum()) if len(sel) else np.nan)
    return np.array(out, dtype=float)


def _band_masks(demo: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """(known age, aged 55+) per row of ``demo``, from each distinct band once; None when a
    band is missing (the comparison would be NA)."""
    codes, bands = factorize(demo["age_band"])
    if len(codes) and codes.min() < 0:
        return None
    names = [str(b) for b in bands]
    known = np.array([b != AgeBand.UNKNOWN.value for b in names], dtype=bool)
    over = np.array([b in _OVER for b in names], dtype=bool)
    return known[codes], over[codes]


def over_55_by_area_parts(at: BaselineData, scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    demo = scoped_demography(at, scope)
    frame = row_index(scope)
    masks = _band_masks(demo) if len(demo) else None
    if masks is None:
        return _over_55_by_area_rows(at, scope)
    known, over = masks
    # each row's staff group, child row and WTE, once for every column
    node_codes, nodes = factorize(demo["node"])
    group_of = _group_of(at.taxonomy, pd.Series(nodes, dtype="string")).to_numpy(
        dtype=object, na_value=None
    )
    at_row = _rows_of(scope, demo["practice_code"])
    fte = demo["fte"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    for label, groups in AREA_GROUPS:
        if label == "All staff":
            inside = np.ones(len(demo), dtype=bool)
        else:
            wanted = np.array([g in groups for g in group_of], dtype=bool)
            inside = np.append(wanted, False)[node_codes]  # (code -1, no node: last, False)
        k, o = inside & known, inside & over
        known_wte = _row_sums(scope, fte[k], at_row[k])
        over_wte = _row_sums(scope, fte[o], at_row[o])
        over_wte = np.where(np.isnan(over_wte) & ~np.isnan(known_wte), 0.0, over_wte)
        frame[f"{label} % aged 55+"] = ratio(
            pd.Series(over_wte, dtype="Float64"), pd.Series(known_wte, dtype="Float64"), 100.0
        )
    notes = ["% aged 55+ = WTE aged 55 and over / WTE of known age x 100, per sub-area."]
    return frame, notes


def _over_55_by_area_rows(at: BaselineData, scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    """:func:`over_55_by_area_parts` on the frame itself (no rows, or a missing age band)."""
    demo = scoped_demography(at, scope)
    frame = row_index(scope)
    group = _group_of(at.taxonomy, demo["node"]) if len(demo) else demo["node"]
    known = demo["age_band"] != AgeBand.UNKNOWN.value
    over = demo["age_band"].isin(_OVER)
    for label, groups in AREA_GROUPS:
        inside = group.isin(list(groups)) if label != "All staff" else pd.Series(True, demo.index)
        k = demo.loc[inside & known]
        o = demo.loc[inside & over]
        known_wte = _per_row(scope, k["fte"], k["practice_code"])
        over_wte = _per_row(scope, o["fte"], o["practice_code"])
        over_wte = np.where(np.isnan(over_wte) & ~np.isnan(known_wte), 0.0, over_wte)
        frame[f"{label} % aged 55+"] = ratio(
            pd.Series(over_wte, dtype="Float64"), pd.Series(known_wte, dtype="Float64"), 100.0
        )
    notes = ["% aged 55+ = WTE aged 55 and over / WTE of known age x 100, per sub-area."]
    if demo.empty:
        notes.append("No age breakdown in the selected source: every figure is not available.")
    return frame, notes


def vacancies_by_area_parts(at: BaselineData, scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    reporting = reporting_practices(at, scope)
    vac = at.vacancies.loc[at.vacancies["practice_code"].isin(reporting)]
    group = _group_of(at.taxonomy, vac["node"]) if len(vac) else vac["node"]
    in_post = values_of(at, reporting, [g.value for g in StaffGroup])
    frame = row_index(scope)
    known_rows = _per_row(
        scope, pd.Series(1.0, index=range(len(reporting))), pd.Series(reporting, dtype="string")
    )
    for label, groups in AREA_GROUPS:
        inside = group.isin(list(groups)) if label != "All staff" else pd.Series(True, vac.index)
        sel = vac.loc[inside]
        vacant = _per_row(scope, sel["vacancy_wte"], sel["practice_code"])
        vacant = np.where(np.isnan(vacant) & ~np.isnan(known_rows), 0.0, vacant)  # known, none
        post_rows = in_post.loc[in_post["node"].isin(list(groups))]
        post = _per_row(scope, post_rows["fte"], post_rows["practice_code"])
        if label == "All staff":  # the sum of the groups: NA when any group's figure is NA
            parts = [frame[f"{lab} in post WTE"] for lab, _ in AREA_GROUPS[:-1]]
            post = np.sum([p.to_numpy(float, na_value=np.nan) for p in parts], axis=0)
        frame[f"{label} in post WTE"] = pd.array(post, dtype="Float64")
        frame[f"{label} vacant WTE"] = pd.array(vacant, dtype="Float64")
        frame[f"{label} vacancy rate %"] = ratio(
            frame[f"{label} vacant WTE"],
            frame[f"{label} in post WTE"] + frame[f"{label} vacant WTE"],
            100.0,
        )
    notes = [
        f"Vacancies known for {len(reporting)} of {labels.plural(len(scope.members), 'practice')}; "
        "each row covers "
        "its practices that report vacancies.",
        "Vacancy rate = vacant WTE / (in post WTE + vacant WTE) x 100; GPs include registrars.",
    ]
    return frame, notes


def over_55_by_area_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """% of WTE aged 55+ per staff group for each child and the org."""
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return over_55_by_area_parts(at, scope)


def vacancies_by_area_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """In post, vacant WTE and vacancy rate per staff group for each child and the org."""
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return vacancies_by_area_parts(at, scope)


def area_table(
    key: str, title: str, scope: Scope, frame: pd.DataFrame, notes: list[str]
) -> ReportTable:
    decimals = {c: 1 for c in map(str, frame.columns) if c.endswith(("%", "WTE", "55+"))}
    return ReportTable(
        key=key,
        title=f"{title}: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        decimals=decimals,
    )
