"""The measures a KPI can be bound to, and how each value is read from what the tool computes.

A KPI bound to a measure takes its values from the tool, never typed in (:mod:`.kpis`):

- **baseline**: one figure of the organisation's own row (the ``total`` row) of a baseline table,
  at each census date the baseline has figures for (:data:`BASELINE_MEASURES` lists them with
  the table and column each is read from, as ``docs/baseline.md`` documents the tables);
- **plan variance**: an adopted plan's tracking, actual minus plan (WTE) at each tracked date, for
  one staff group (:func:`plan_variance_values`);
- **spend**: total primary care spend as a share of allocation (%) for each financial year of the
  finance allocations register, from the library's :class:`~gpworkforce.finance.model.FundingRow`
  (:func:`spend_values`);
- **response rate**: a collection round's share of practices that responded (web app).

Every value carries its source in words (the table, organisation and census date; the plan and
its version; the allocation and spend) so that the page shows where it came from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gpworkforce.delivery.kpis import KpiValue
from gpworkforce.domain.report import ReportTable

__all__ = [
    "BASELINE_MEASURES",
    "MEASURE_KIND_LABELS",
    "BaselineMeasure",
    "SpendLine",
    "VariancePoint",
    "baseline_value",
    "financial_year_end",
    "plan_variance_values",
    "spend_values",
]

MEASURE_KIND_LABELS = {
    "entered": "Values entered each quarter with their source",
    "baseline": "A baseline measure the tool computes",
    "plan-variance": "A workforce plan's variance (actual minus plan)",
    "spend": "Primary care spend as a share of allocation",
    "response-rate": "Collection round response rate",
}


@dataclass(frozen=True)
class BaselineMeasure:
    label: str
    table: str  # the baseline table's key
    column: str  # its column
    unit: str


BASELINE_MEASURES: dict[str, BaselineMeasure] = {
    "gp-wte-per-1000": BaselineMeasure(
        "GP WTE per 1,000 registered patients", "target_gap", "WTE per 1,000", "WTE per 1,000"
    ),
    "gp-wte": BaselineMeasure("GP WTE", "target_gap", "WTE", "WTE"),
    "gp-wte-gap": BaselineMeasure(
        "GP WTE short of the per-1,000 target", "target_gap", "Gap (WTE)", "WTE"
    ),
    "gp-over-55-share": BaselineMeasure(
        "Share of GP WTE aged 55 and over", "over_55_by_area", "GPs % aged 55+", "%"
    ),
    "locum-share": BaselineMeasure(
        "Locum share of GP WTE", "locums", "Locum share of GP WTE %", "%"
    ),
    "gp-vacancies": BaselineMeasure("Vacant GP WTE", "vacancies_by_area", "GPs vacant WTE", "WTE"),
    "registered-patients": BaselineMeasure(
        "Registered patients", "target_gap", "Registered patients", "patients"
    ),
}


def baseline_value(tables: Iterable[ReportTable], measure: str, org_code: str) -> float | None:
    """The organisation's own figure of ``measure`` in a baseline's tables: the ``total`` row of
    an area table, else the row whose ``org_code`` is the organisation; None when the baseline
    has no such table, column or row, or the cell is blank."""
    spec = BASELINE_MEASURES[measure]
    table = next((t for t in tables if t.key == spec.table), None)
    if table is None or spec.column not in table.frame.columns:
        return None
    frame = table.frame
    if "row" in frame.columns:
        rows = frame.loc[frame["row"] == "total"]
    elif "org_code" in frame.columns:
        rows = frame.loc[frame["org_code"].astype(str) == org_code]
    else:
        return None
    if len(rows) != 1:
        return None
    try:
        value = float(rows[spec.column].iloc[0])
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def financial_year_end(year: str) -> dt.date:
    """The last day of a financial year written ``2017/18`` (31 March 2018)."""
    start = int(year[:4])
    return dt.date(start + 1, 3, 31)


@dataclass(frozen=True)
class SpendLine:
    organisation: str
    financial_year: str
    allocation: float  # GBP thousands
    spend: float  # total primary care spend, GBP thousands


def spend_values(lines: Sequence[SpendLine], organisation: str) -> list[KpiValue]:
    """Spend as a share of allocation (%) of ``organisation`` per financial year, oldest first."""
    out = []
    for line in lines:
        if line.organisation != organisation or line.allocation <= 0:
            continue
        out.append(
            KpiValue(
                period_end=financial_year_end(line.financial_year),
                value=round(100.0 * line.spend / line.allocation, 2),
                source=(
                    f"allocations register, {line.organisation} {line.financial_year}: spend GBP "
                    f"{line.spend:,.0f} thousand of an allocation of GBP "
                    f"{line.allocation:,.0f} thousand"
                ),
            )
        )
    return sorted(out, key=lambda v: v.period_end)


@dataclass(frozen=True)
class VariancePoint:
    date: dt.date
    period: str
    actual: float
    plan: float
    variance: float  # actual - plan, as the plan's tracking computed it
    actual_from: str


def plan_variance_values(
    points: Sequence[VariancePoint], plan_name: str, version: int, group_label: str
) -> list[KpiValue]:
    """The tracking's variance (actual minus plan, WTE) at each tracked date, oldest first."""
    return [
        KpiValue(
            period_end=p.date,
            value=round(p.variance, 2),
            source=(
                f"plan '{plan_name}' version {version}, {group_label}, {p.period}: actual "
                f"{p.actual:,.1f} WTE ({p.actual_from}) against a plan of {p.plan:,.1f} WTE"
            ),
        )
        for p in sorted(points, key=lambda p: p.date)
    ]
