"""GP locums: headcount and WTE by locum type and the locum share of GP WTE (LLR Table 10).

``locum share = locum WTE / WTE of GPs excluding registrars x 100`` (the LLR plan counted locums in
the GP denominator). Sessions a week = WTE x the convention's GP sessions per WTE (9 by default).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import (
    availability_notes,
    prepare,
    ratio,
    scope_values,
    sources_of,
    title_suffix,
    wide,
)
from gpworkforce.baseline.scope import Scope
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable

LOCUM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("GP_LOCUM_ABSENCE", "Locum covering sickness/maternity/paternity"),
    ("GP_LOCUM_VACANCY", "Locum covering vacancy"),
    ("GP_LOCUM_OTHER", "Locum - other"),
    ("GP_LOCUM", "All locums"),
)
GP_DENOMINATOR = ("GP_EXCL_REGISTRARS", "GPs excl. registrars")


def locums_table_parts(at: BaselineData, scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    columns = [*LOCUM_COLUMNS, GP_DENOMINATOR]
    _, rows = scope_values(at, scope, [n for n, _ in columns])
    frame = wide(rows, scope, LOCUM_COLUMNS, measures=("headcount",))
    wte = wide(rows, scope, [*LOCUM_COLUMNS, GP_DENOMINATOR], measures=("fte",))
    for col in wte.columns[4:]:
        frame[col] = wte[col]
    frame["All locums sessions/week"] = (
        frame["All locums WTE"] * at.convention.gp_sessions_per_wte
    ).astype("Float64")
    frame["Locum share of GP WTE %"] = ratio(
        frame["All locums WTE"], frame[f"{GP_DENOMINATOR[1]} WTE"], 100.0
    )
    notes = [
        "Locum share = locum WTE / WTE of GPs excluding registrars (locums included) x 100.",
        f"Sessions a week = WTE x {at.convention.gp_sessions_per_wte:g} "
        "(GP sessions per WTE, the NHS England convention the LLR plan used).",
        "Headcount is summed over practices: a locum working in two practices counts twice.",
    ]
    notes.extend(availability_notes(scope, rows, columns))
    return frame, notes


def locums_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Table 10: locum headcount and WTE by type per child org and total, and the locum share."""
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return locums_table_parts(at, scope)


def locums(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    frame, notes = locums_table_parts(at, scope)
    decimals = {
        c: (0 if c.endswith("HC") else 2) for c in frame.columns if c.endswith(("HC", "WTE"))
    }
    decimals.update({"All locums sessions/week": 1, "Locum share of GP WTE %": 1})
    return ReportTable(
        key="locums",
        title=f"GP locums by type: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=sources_of(at, scope.members),
        decimals=decimals,
    )
