"""Where the money comes from: a funding register per scheme and year, and what it covers.

An entry is one scheme's money for one financial year (and organisation, if given): amount
(GBP; not known = blank, e.g. BLMK's "TBC"), period, conditions, status, RAG and what it pays
for. :func:`coverage` sets the register against a costed plan: for each year, the funding
counted (by default secured, allocated or received; bids and plans shown apart) as a share of

* the plan's added cost: the cost of the workforce that year minus its cost at the start (cash,
  central case), i.e. what the plan adds to the pay bill; and
* the cost of the gap to target filled by substantive staff that year.

Shares are blank where the cost is 0 or less (nothing to cover). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gpworkforce.finance.costing import CostRows
from gpworkforce.finance.model import fy_label, fy_start
from gpworkforce.finance.prices import fy_of

Status = Literal["planned", "bid", "allocated", "secured", "received"]
COUNTED: tuple[Status, ...] = ("allocated", "secured", "received")
ALL_SCHEMES = "All schemes"


class FundingEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(min_length=1, description="e.g. 'GP5YFV workforce initiatives'.")
    organisation: str = Field("", description="Who receives it (blank: the whole system).")
    financial_year: str = Field(description="e.g. '2017/18'.")
    amount_gbp: float | None = Field(None, ge=0, description="GBP; blank when not known (TBC).")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    conditions: str = ""
    status: Status
    rag: Literal["red", "amber", "green", "blue", ""] = ""
    pays_for: str = Field("", description="The initiative or staff group it pays for.")
    source: str = ""

    @field_validator("financial_year")
    @classmethod
    def _fy(cls, v: str) -> str:
        fy_start(v)
        return v

    @field_validator("rag", mode="before")
    @classmethod
    def _rag(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _period(self) -> FundingEntry:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("end on or after period_start")
        return self


def register_table(entries: Sequence[FundingEntry]) -> pd.DataFrame:
    """The register, one row per entry, plus totals per year and status."""
    frame = pd.DataFrame.from_records([e.model_dump() for e in entries])
    frame["counted"] = frame["status"].isin(COUNTED).map({True: "yes", False: "no"})
    return frame


def coverage(
    entries: Sequence[FundingEntry], rows: CostRows, counted: Sequence[str] = COUNTED
) -> pd.DataFrame:
    """Per financial year of the costed run and scheme (then all schemes): funding counted and
    in the pipeline, the plan's added cost and gap cost (cash, central), and the shares covered."""
    years = [fy_label(fy_of(d)) for d in rows.dates]
    workforce = rows.get("workforce")[0]
    added = workforce - workforce[0]
    try:
        gap = rows.get("gap_substantive")[0]
    except ValueError:
        gap = np.full(len(years), np.nan)
    records = []
    for i, y in enumerate(years):
        these = [e for e in entries if e.financial_year == y]
        schemes = sorted({e.scheme for e in these})
        for scheme in [*schemes, ALL_SCHEMES]:
            mine = these if scheme == ALL_SCHEMES else [e for e in these if e.scheme == scheme]
            got = sum(e.amount_gbp or 0.0 for e in mine if e.status in counted)
            pipeline = sum(e.amount_gbp or 0.0 for e in mine if e.status not in counted)
            records.append(
                {
                    "financial_year": y,
                    "date": rows.dates[i],
                    "scheme": scheme,
                    "funding_counted_gbp": got,
                    "funding_in_pipeline_gbp": pipeline,
                    "entries_amount_not_known": sum(1 for e in mine if e.amount_gbp is None),
                    "plan_added_cost_gbp": added[i],
                    "share_of_added_cost_pct": 100 * got / added[i] if added[i] > 0 else None,
                    "gap_cost_gbp": gap[i],
                    "share_of_gap_cost_pct": 100 * got / gap[i] if gap[i] > 0 else None,
                }
            )
    return pd.DataFrame.from_records(records)


def by_scheme(entries: Sequence[FundingEntry]) -> pd.DataFrame:
    """Amount per scheme and financial year (counted and pipeline), for the headline."""
    frame = register_table(entries)
    frame["amount_gbp"] = frame["amount_gbp"].astype("float64")
    out = (
        frame.groupby(["scheme", "financial_year", "counted"], sort=True)["amount_gbp"]
        .sum(min_count=1)
        .reset_index()
    )
    return out
