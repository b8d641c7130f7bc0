"""The resilience indicators of each practice, read from a baseline report's own tables.

A baseline for an organisation whose children are practices (a sub-ICB location or a PCN) has a
row per practice in its area tables; each indicator is taken from there, so it means what the
baseline documents (docs/baseline.md):

- share of GP WTE aged 55+: ``GPs % aged 55+`` (WTE of known age), as a fraction;
- locum reliance: ``Locum share of GP WTE %``, as a fraction;
- vacant GP WTE: ``GPs vacant WTE`` (practices that report vacancies);
- patients per GP WTE: registered patients / GP WTE (excluding registrars);
- single-handed: GP headcount (excluding registrars) of 1;
- return missing or queried: the practice's figures did not come from its own return.

The change in GP WTE over a year needs a second baseline a year earlier (``previous``); without
one it is missing for every practice and the score says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from gpworkforce.delivery.resilience import Indicator, PracticeMeasures
from gpworkforce.reports.model import Report

__all__ = ["practice_measures"]


def _children(report: Report, key: str) -> pd.DataFrame | None:
    table = next((t for t in report.tables if t.key == key), None)
    if table is None or "row" not in table.frame.columns:
        return None
    frame = table.frame.loc[table.frame["row"] == "child"]
    return frame.set_index("org_code")


def _value(frame: pd.DataFrame | None, code: str, column: str) -> float | None:
    if frame is None or code not in frame.index or column not in frame.columns:
        return None
    v = frame.at[code, column]
    try:
        number = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _gp_wte(report: Report) -> dict[str, float]:
    staff = _children(report, "staff_by_group")
    if staff is None:
        return {}
    out = {}
    for code in staff.index:
        v = _value(staff, code, "GPs excl. registrars WTE")
        if v is not None:
            out[str(code)] = v
    return out


def practice_measures(
    report: Report, previous: Report | None = None
) -> tuple[PracticeMeasures, ...]:
    """One :class:`PracticeMeasures` per practice row of ``report`` (its children)."""
    staff = _children(report, "staff_by_group")
    if staff is None:
        return ()
    gap = _children(report, "target_gap")
    over = _children(report, "over_55_by_area")
    locums = _children(report, "locums")
    vacancies = _children(report, "vacancies_by_area")
    imputation = next((t.frame for t in report.tables if t.key == "imputation"), None)
    status: Mapping[str, str] = {}
    if imputation is not None:
        status = dict(
            zip(imputation["Practice"].astype(str), imputation["Status"].astype(str), strict=True)
        )
    before = _gp_wte(previous) if previous is not None else {}
    out = []
    for code in staff.index:
        code = str(code)
        gp = _value(staff, code, "GPs excl. registrars WTE")
        heads = _value(staff, code, "GPs excl. registrars HC")
        patients = _value(gap, code, "Registered patients")
        over55 = _value(over, code, "GPs % aged 55+")
        locum = _value(locums, code, "Locum share of GP WTE %")
        change = None
        if code in before and before[code] > 0 and gp is not None:
            change = gp / before[code] - 1.0
        returned = status.get(code)
        values = {
            Indicator.OVER55_SHARE: None if over55 is None else over55 / 100.0,
            Indicator.LOCUM_RELIANCE: None if locum is None else locum / 100.0,
            Indicator.GP_VACANCIES: _value(vacancies, code, "GPs vacant WTE"),
            Indicator.PATIENTS_PER_GP: patients / gp if patients is not None and gp else None,
            Indicator.GP_WTE_CHANGE: change,
            Indicator.SINGLE_HANDED: None if heads is None else heads == 1,
            Indicator.RETURN_PROBLEM: None
            if returned is None
            else returned.casefold() != "returned",
        }
        out.append(PracticeMeasures(code=code, name=str(staff.at[code, "org_name"]), values=values))
    return tuple(out)
