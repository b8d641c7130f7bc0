"""Spend actuals: what practices spent on locums and agency staff per quarter, and the plan's
costed trajectory of the same spend to set them against.

A row is one practice's spend in one quarter (dated by the quarter's last day, as returns are):
locum spend and agency spend in GBP, blank = not reported (never read as zero). Per quarter,
:func:`quarterly` sums over the practices that reported, and counts them.

The plan's trajectory (:func:`planned_quarterly`) is the costed run's "Locum and agency spend"
(the WTE of every locum role the run is priced with, at that role's cost, cash terms) per draw,
a year's cost at each run date: read at a quarter's end by linear interpolation between the run's
dates and divided by 4 (a quarter's spend), with the central case and P10/P90 over the draws.
Pure: no I/O (files: :func:`gpworkforce.finance.tables_io.read_spend`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gpworkforce.domain.periods import Quarter
from gpworkforce.finance.costing import ALL, CostRows

MEASURE = "locum_spend"


class SpendRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    practice: str = Field(min_length=1, description="The practice's ODS code.")
    quarter_end: dt.date = Field(description="The quarter's last day, e.g. 2018-03-31.")
    locum_gbp: float | None = Field(None, ge=0, description="Locum spend, GBP; blank = not known.")
    agency_gbp: float | None = Field(
        None, ge=0, description="Agency spend, GBP; blank = not known."
    )

    @field_validator("practice")
    @classmethod
    def _code(cls, v: str) -> str:
        return v.strip().upper()

    @field_validator("quarter_end")
    @classmethod
    def _quarter(cls, v: dt.date) -> dt.date:
        if Quarter.containing(v).census_date != v:
            raise ValueError(
                "be a quarter's last day (31 March, 30 June, 30 September or 31 December)"
            )
        return v

    @model_validator(mode="after")
    def _some(self) -> SpendRow:
        if self.locum_gbp is None and self.agency_gbp is None:
            raise ValueError("give locum_gbp or agency_gbp (or both)")
        return self


def quarterly(rows: Sequence[SpendRow]) -> pd.DataFrame:
    """Per quarter: locum, agency and total spend summed over the practices that reported."""
    records = []
    for q in sorted({r.quarter_end for r in rows}):
        these = [r for r in rows if r.quarter_end == q]
        locum = sum(r.locum_gbp or 0.0 for r in these)
        agency = sum(r.agency_gbp or 0.0 for r in these)
        records.append(
            {
                "quarter_end": q,
                "practices": len(these),
                "locum_gbp": locum,
                "agency_gbp": agency,
                "total_gbp": locum + agency,
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["quarter_end", "practices", "locum_gbp", "agency_gbp", "total_gbp"]
    )


def planned_quarterly(rows: CostRows, quarters: Sequence[dt.date]) -> pd.DataFrame:
    """The plan's locum and agency spend in each quarter (cash): central, P10 and P90 over the
    draws (None without draws); quarters outside the run's dates are left out."""
    key = (MEASURE, ALL, ALL, "cash")
    if key not in rows.keys:
        raise ValueError("the cost model prices no locum role: there is no planned locum spend")
    annual = rows.get(MEASURE, terms="cash")  # [D, Y]
    ordinals = np.array([d.toordinal() for d in rows.dates], dtype=np.float64)
    records = []
    for q in quarters:
        if not ordinals[0] <= q.toordinal() <= ordinals[-1]:
            continue
        per_draw = np.array([np.interp(q.toordinal(), ordinals, a) for a in annual]) / 4.0
        rec: dict[str, object] = {"quarter_end": q, "plan_gbp": float(per_draw[0])}
        if len(per_draw) > 1:
            lo, hi = np.quantile(per_draw[1:], [0.1, 0.9])
            rec |= {"plan_p10_gbp": float(lo), "plan_p90_gbp": float(hi)}
        records.append(rec)
    return pd.DataFrame.from_records(records)
