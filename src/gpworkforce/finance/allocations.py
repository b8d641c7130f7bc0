"""Allocations: primary care spend as a share of each organisation's allocation (LLR Table 17).

Per organisation ``o`` and financial year ``y`` (money in GBP thousands, as Table 17 prints it)::

    total spend[o, y]   = delegated primary care funding + discretionary spend + other schemes
    delegated share     = delegated / allocation
    spend share         = total spend / allocation
    headroom[t]         = total spend - threshold_t x allocation   (negative: below the threshold)
    headroom WTE[t, r]  = headroom[t] x 1,000 / cost per WTE of role r

A row "All organisations" per year sums the money and recomputes the shares. When a row carries
the figures a paper printed (``reported_*``), :func:`checks` compares the derived ones with them at
the paper's precision (whole thousands, percentages to 1 decimal place) and flags a threshold met
only after rounding (10.86% printed as 10.9% against a 10.9% minimum). Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gpworkforce.finance.model import fy_start

ALL_ORGS = "All organisations"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Thresholds(_Model):
    minimum: float = Field(0.109, gt=0, lt=1, description="NHS England minimum share (10.9%).")
    aspiration: float = Field(0.113, gt=0, lt=1, description="Aspiration (11.3%).")

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.aspiration < self.minimum:
            raise ValueError("aspiration must be at least the minimum")
        return self


class FundingRow(_Model):
    """One organisation's funding in one financial year, GBP thousands."""

    organisation: str = Field(min_length=1)
    financial_year: str
    allocation: float = Field(gt=0)
    delegated: float = Field(ge=0)
    discretionary: float = Field(0.0, ge=0)
    other: dict[str, float] = Field(default_factory=dict)
    reported_total: float | None = None
    reported_delegated_pct: float | None = None
    reported_spend_pct: float | None = None

    @field_validator("financial_year")
    @classmethod
    def _fy(cls, v: str) -> str:
        fy_start(v)
        return v

    @field_validator("other")
    @classmethod
    def _other(cls, v: dict[str, float]) -> dict[str, float]:
        for name, amount in v.items():
            if amount < 0:
                raise ValueError(f"be at least 0 (other funding {name!r} is {amount:g})")
        return v

    @property
    def total(self) -> float:
        return self.delegated + self.discretionary + sum(self.other.values())


def _sum_rows(rows: Sequence[FundingRow], year: str) -> FundingRow:
    other: dict[str, float] = {}
    for r in rows:
        for k, v in r.other.items():
            other[k] = other.get(k, 0.0) + v
    return FundingRow(
        organisation=ALL_ORGS,
        financial_year=year,
        allocation=sum(r.allocation for r in rows),
        delegated=sum(r.delegated for r in rows),
        discretionary=sum(r.discretionary for r in rows),
        other=other,
    )


def with_totals(rows: Sequence[FundingRow]) -> list[FundingRow]:
    """The rows by year, each year followed by its all-organisations row (when several orgs)."""
    years = sorted({r.financial_year for r in rows}, key=fy_start)
    out: list[FundingRow] = []
    for y in years:
        these = [r for r in rows if r.financial_year == y]
        out += these
        if len(these) > 1:
            out.append(_sum_rows(these, y))
    return out


def derive(
    rows: Sequence[FundingRow], thresholds: Thresholds, wte_costs: Mapping[str, float]
) -> pd.DataFrame:
    """The regenerated table: inputs, derived rows and percentages, thresholds and headroom."""
    records = []
    for r in with_totals(rows):
        rec: dict[str, object] = {
            "organisation": r.organisation,
            "financial_year": r.financial_year,
            "allocation_gbp_thousands": r.allocation,
            "delegated_primary_care_gbp_thousands": r.delegated,
            "discretionary_gbp_thousands": r.discretionary,
        }
        for name, amount in sorted(r.other.items()):
            rec[f"other_{name}_gbp_thousands"] = amount
        spend = r.total
        share = spend / r.allocation
        rec |= {
            "total_primary_care_spend_gbp_thousands": spend,
            "delegated_share_pct": 100 * r.delegated / r.allocation,
            "spend_share_pct": 100 * share,
            "meets_minimum": "yes" if share >= thresholds.minimum else "no",
            "meets_aspiration": "yes" if share >= thresholds.aspiration else "no",
            "headroom_to_minimum_gbp_thousands": spend - thresholds.minimum * r.allocation,
            "headroom_to_aspiration_gbp_thousands": spend - thresholds.aspiration * r.allocation,
        }
        for label, cost in wte_costs.items():
            head = spend - thresholds.aspiration * r.allocation
            rec[f"headroom_to_aspiration_wte_{label}"] = head * 1000.0 / cost
        records.append(rec)
    return pd.DataFrame.from_records(records)


def _pct_1dp(x: float) -> float:
    """Round half up to 1 decimal place, as a spreadsheet's percentage format does."""
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


def checks(rows: Sequence[FundingRow], thresholds: Thresholds) -> pd.DataFrame:
    """The paper's printed figures against the regenerated ones, one row per figure compared."""
    out = []
    for r in rows:
        spend = r.total
        items: list[tuple[str, float | None, float, float]] = [
            ("Total primary care spend (GBP thousands)", r.reported_total, spend, round(spend)),
            (
                "Delegated funding as % of allocation",
                r.reported_delegated_pct,
                100 * r.delegated / r.allocation,
                _pct_1dp(100 * r.delegated / r.allocation),
            ),
            (
                "% of allocation spent on primary care",
                r.reported_spend_pct,
                100 * spend / r.allocation,
                _pct_1dp(100 * spend / r.allocation),
            ),
        ]
        for what, paper, exact, shown in items:
            if paper is None:
                continue
            agrees = abs(shown - paper) < 1e-9
            note = "" if agrees else f"the inputs give {shown:g}, the paper prints {paper:g}"
            if what.startswith("%") and agrees:
                for name, t in (
                    ("minimum", thresholds.minimum),
                    ("aspiration", thresholds.aspiration),
                ):
                    if exact < 100 * t <= paper + 1e-9:
                        note = (
                            f"meets the {100 * t:g}% {name} only after rounding"
                            f" ({exact:.3f}% printed as {paper:g}%)"
                        )
            out.append(
                {
                    "organisation": r.organisation,
                    "financial_year": r.financial_year,
                    "figure": what,
                    "paper": paper,
                    "regenerated": exact,
                    "agrees_at_paper_precision": "yes" if agrees else "no",
                    "note": note,
                }
            )
    return pd.DataFrame.from_records(
        out,
        columns=[
            "organisation",
            "financial_year",
            "figure",
            "paper",
            "regenerated",
            "agrees_at_paper_precision",
            "note",
        ],
    )
