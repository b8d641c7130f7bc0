"""The whole baseline for one organisation and period (what ``gpworkforce baseline`` renders).

:func:`baseline_all_levels` (every ICB, sub-ICB location and PCN at once) lives in
:mod:`gpworkforce.baseline.national` and is re-exported here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.baseline.age import ALL_STAFF, over_55, pyramid
from gpworkforce.baseline.areas import area_table, over_55_by_area_parts, vacancies_by_area_parts
from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import (
    DEFAULT_GP_NODE,
    GP_COMPLEMENTS,
    group_columns,
    preload,
    prepare,
    scope_values,
    sources_of,
    title_suffix,
)
from gpworkforce.baseline.locums import GP_DENOMINATOR, LOCUM_COLUMNS, locums_table_parts
from gpworkforce.baseline.national import (
    ALL_LEVELS,
    FALLBACK_GP_NODE,
    all_levels_frames,
    baseline_all_levels,
)
from gpworkforce.baseline.per_thousand import (
    Denominators,
    TargetConfig,
    per_thousand_parts,
    target_gap_parts,
)
from gpworkforce.baseline.registered_ages import registered_by_age
from gpworkforce.baseline.response import impute_returns, response_rate
from gpworkforce.baseline.scope import (
    Scope,
)
from gpworkforce.baseline.series import inequality, series
from gpworkforce.baseline.staff import (
    by_group_parts,
    by_role_parts,
    role_columns,
)
from gpworkforce.baseline.vacancies import reporting_practices, vacancies
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable


def choose_gp_node(at: BaselineData, scope: Scope) -> str:
    """``GP_EXCL_REGISTRARS`` where the source has it for some practice in scope, else qualified GPs."""
    _, rows = scope_values(at, scope, [DEFAULT_GP_NODE])
    if rows["fte"].notna().any():
        return DEFAULT_GP_NODE
    return FALLBACK_GP_NODE


def _with_note(table: ReportTable, note: str) -> ReportTable:
    return ReportTable(
        key=table.key,
        title=table.title,
        frame=table.frame,
        notes=(*table.notes, note),
        sources=table.sources,
        decimals=table.decimals,
    )


def baseline_report(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    target: TargetConfig | None = None,
    denominators: Denominators | None = None,
    child_level: OrgType | None = None,
    impute: bool = True,
    include_series: bool = True,
) -> list[ReportTable]:
    """Every baseline table for ``org_code`` on ``period`` that the data can support.

    With ``source="returns"`` the response rate is reported and, if ``impute``, practices that did
    not return are imputed (flagged; see :mod:`gpworkforce.baseline.response`) before the other
    tables are computed. Tables needing data the source lacks (age bands, locums, vacancies) are
    left out; the staff and per-1,000 tables are always there (NA where not available). The GP
    column counts GPs excluding registrars, or fully qualified GPs where the source only has those
    (noted). Raises ``UnknownOrganisation`` for an unknown code.
    """
    kind = SourceKind(source) if source is not None else data.source
    tables: list[ReportTable] = []
    if kind is SourceKind.RETURNS and not data.selected:
        result = impute_returns(data, org_code, period)
        tables.extend(response_rate(result))
        if impute:
            data = result.data
    selected = data if data.selected else data.select(kind)
    at, scope = prepare(selected, org_code, period, child_level=child_level)
    preload(at, scope, _report_nodes(at, target))
    gp_node = choose_gp_node(at, scope)
    gp_note = (
        f"GPs: {at.taxonomy.node(gp_node).name} - the selected source has no locum/registrar split."
        if gp_node != DEFAULT_GP_NODE
        else ""
    )
    tgt = target or TargetConfig(node=gp_node)
    main = [
        _table(
            "staff_by_group",
            "Staff headcount and WTE by staff group",
            scope,
            at,
            *by_group_parts(at, scope, gp_node),
        ),
        _table(
            "staff_by_role",
            "Staff headcount and WTE by role",
            scope,
            at,
            *by_role_parts(at, scope, drop_zero=True),
        ),
        _table(
            "per_thousand",
            "WTE per 1,000 patients by staff group",
            scope,
            at,
            *per_thousand_parts(at, scope, denominators, gp_node),
        ),
        _table(
            "target_gap",
            "WTE against the per-1,000 target",
            scope,
            at,
            *target_gap_parts(at, scope, denominators, tgt),
        ),
    ]
    if gp_note:
        main = [_with_note(t, gp_note) if t.key != "staff_by_role" else t for t in main]
    tables = main + tables
    if at.demography["practice_code"].isin(list(scope.members)).any():
        tables.append(over_55(selected, org_code, period))
        tables.append(pyramid(selected, org_code, period, node=ALL_STAFF))
        tables.append(pyramid(selected, org_code, period, node="GP"))
        if scope.children:
            frame, notes = over_55_by_area_parts(at, scope)
            tables.append(
                area_table("over_55_by_area", "WTE aged 55+ by area", scope, frame, notes)
            )
    ages = registered_by_age(selected, scope)
    if ages is not None:
        tables.append(ages)
    loc_frame, loc_notes = locums_table_parts(at, scope)
    if loc_frame["All locums WTE"].notna().any():
        tables.append(  # Table 10 shows locum WTE to 2 dp
            _table("locums", "GP locums by type", scope, at, loc_frame, loc_notes, wte_decimals=2)
        )
    if reporting_practices(at, scope):
        tables.append(vacancies(selected, org_code, period))
        if scope.children:
            frame, notes = vacancies_by_area_parts(at, scope)
            tables.append(area_table("vacancies_by_area", "Vacancies by area", scope, frame, notes))
    if len(scope.children) >= 2:
        tables.append(
            inequality(
                selected,
                org_code,
                period,
                node=gp_node,
                denominators=denominators,
                child_level=child_level,
            )
        )
    same_month = [p for p in selected.periods() if p.month == period.month]
    if include_series and len(same_month) > 1:
        nodes = group_columns(at.taxonomy, gp_node)
        tables.append(series(selected, org_code, periods=same_month, nodes=nodes))
    return tables


def _report_nodes(at: BaselineData, target: TargetConfig | None) -> set[str]:
    """Every taxonomy node the staff, per-1,000, locum and inequality tables read."""
    nodes = {DEFAULT_GP_NODE, FALLBACK_GP_NODE, GP_DENOMINATOR[0]}
    nodes.update(n for n, _ in group_columns(at.taxonomy))
    nodes.update(GP_COMPLEMENTS.values())
    nodes.update(n for n, _ in role_columns(at.taxonomy))
    nodes.update(n for n, _ in LOCUM_COLUMNS)
    if target is not None:
        nodes.add(target.node)
    return {n for n in nodes if n in at.taxonomy.nodes}


def _table(
    key: str,
    title: str,
    scope: Scope,
    at: BaselineData,
    frame: pd.DataFrame,
    notes: list[str],
    wte_decimals: int = 1,
) -> ReportTable:
    decimals: dict[str, int] = {}
    for col in map(str, frame.columns):
        if "per 1,000" in col:
            decimals[col] = 3 if col == "WTE per 1,000" else 2
        elif col.endswith("HC") or col.endswith("patients"):
            decimals[col] = 0
        elif col.endswith("WTE"):
            decimals[col] = wte_decimals
        elif col.endswith(("needed", "(WTE)", "%", "/week")):
            decimals[col] = 1
    return ReportTable(
        key=key,
        title=f"{title}: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=sources_of(at, scope.members),
        decimals=decimals,
    )


__all__ = [
    "ALL_LEVELS",
    "FALLBACK_GP_NODE",
    "all_levels_frames",
    "baseline_all_levels",
    "baseline_report",
    "choose_gp_node",
]
