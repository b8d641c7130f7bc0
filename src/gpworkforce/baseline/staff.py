"""Staff numbers: headcount and WTE by staff group and by role (LLR Table 3 layout).

Rows are the organisation's children (practices of a CCG, PCNs of a sub-ICB location, ...) and
the organisation's total; columns are ``<group> HC`` / ``<group> WTE``. Totals add the four staff
groups (GPs excluding registrars, nurses, other clinical = DPC, admin/non-clinical), and are NA
when any group is NA for that row.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import (
    DEFAULT_GP_NODE,
    add_sum,
    all_staff_totals,
    availability_notes,
    coverage_notes,
    gp_complement_column,
    group_columns,
    prepare,
    scope_values,
    sources_of,
    title_suffix,
    wide,
)
from gpworkforce.baseline.scope import Scope
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy

HEADCOUNT_CAVEAT = (
    "Headcount is summed over practices (and roles): a person working in two practices counts "
    "twice. WTE adds up exactly."
)


def role_columns(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(node, label) for every role, group by group in taxonomy order (roles without detail are leaves)."""
    out: list[tuple[str, str]] = []
    for group in StaffGroup:
        for node in taxonomy.nodes.values():
            if node.parent == group.value and node.kind in ("role", "leaf"):
                out.append((node.code, node.name))
    return out


def staff_by_group_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
    gp_node: str = DEFAULT_GP_NODE,
) -> tuple[pd.DataFrame, list[str]]:
    """Table 3: headcount and WTE per staff group for the org's children and total, with notes."""
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return by_group_parts(at, scope, gp_node)


def by_group_parts(
    at: BaselineData, scope: Scope, gp_node: str = DEFAULT_GP_NODE
) -> tuple[pd.DataFrame, list[str]]:
    columns = group_columns(at.taxonomy, gp_node)
    extra = gp_complement_column(at.taxonomy, gp_node)
    shown = [*columns, *([extra] if extra else [])]
    _, rows = scope_values(at, scope, [n for n, _ in shown])
    frame = wide(rows, scope, shown)
    add_sum(frame, [f"{label} HC" for _, label in columns], "Total staff HC")
    add_sum(frame, [f"{label} WTE" for _, label in columns], "Total WTE")
    notes = [HEADCOUNT_CAVEAT, "Total = sum of the four groups; NA when any group is NA."]
    if extra is not None:
        _, label = extra
        hc_all, wte_all = all_staff_totals(label)
        add_sum(frame, ["Total staff HC", f"{label} HC"], hc_all)
        add_sum(frame, ["Total WTE", f"{label} WTE"], wte_all)
        notes.append(
            f"{label} are a staff group of their own, outside the GP column and the Total; "
            f"'{wte_all}' adds them."
        )
    notes.extend(availability_notes(scope, rows, shown))
    return frame, notes


def staff_by_group(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
    gp_node: str = DEFAULT_GP_NODE,
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    frame, notes = by_group_parts(at, scope, gp_node)
    decimals = {
        c: (0 if c.endswith("HC") else 1) for c in frame.columns if c.endswith(("HC", "WTE"))
    }
    return ReportTable(
        key="staff_by_group",
        title=f"Staff headcount and WTE by staff group: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=sources_of(at, scope.members),
        decimals=decimals,
    )


def staff_by_role_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
    drop_unavailable: bool = True,
    drop_zero: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """Headcount and WTE per role (rows: children and total).

    With ``drop_unavailable`` a role nobody in scope has a figure for is left out of the columns
    (and named in a note) instead of filling the table with NA; with ``drop_zero`` so is a role
    with no staff anywhere in scope (zero or NA everywhere).
    """
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return by_role_parts(at, scope, drop_unavailable, drop_zero)


def by_role_parts(
    at: BaselineData, scope: Scope, drop_unavailable: bool = True, drop_zero: bool = False
) -> tuple[pd.DataFrame, list[str]]:
    columns = role_columns(at.taxonomy)
    _, rows = scope_values(at, scope, [n for n, _ in columns])
    notes = [HEADCOUNT_CAVEAT]
    if drop_unavailable:
        have = set(rows.loc[rows["fte"].notna() | rows["headcount"].notna(), "node"])
        absent = [label for node, label in columns if node not in have]
        columns = [(n, lab) for n, lab in columns if n in have]
        if absent:
            notes.append("Roles not available in the selected source: " + ", ".join(absent) + ".")
    if drop_zero:
        have_staff = set(
            rows.loc[(rows["fte"].fillna(0) > 0) | (rows["headcount"].fillna(0) > 0), "node"]
        )
        empty = [label for node, label in columns if node not in have_staff]
        columns = [(n, lab) for n, lab in columns if n in have_staff]
        if empty:
            notes.append("No staff recorded in: " + ", ".join(empty) + ".")
    frame = wide(rows, scope, columns)
    notes.extend(coverage_notes(rows, columns))
    return frame, notes


def staff_by_role(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    frame, notes = by_role_parts(at, scope)
    decimals = {
        c: (0 if c.endswith("HC") else 1) for c in frame.columns if c.endswith(("HC", "WTE"))
    }
    return ReportTable(
        key="staff_by_role",
        title=f"Staff headcount and WTE by role: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=sources_of(at, scope.members),
        decimals=decimals,
    )
