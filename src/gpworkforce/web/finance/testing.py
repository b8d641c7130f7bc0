"""A small finance world for tests: per organisation one allocation row, one funding entry and
one costed scenario (LLR Scenario 1, central case). Returns the ids by organisation."""

from __future__ import annotations

from typing import Any

from gpworkforce.finance.allocations import FundingRow
from gpworkforce.finance.funding import FundingEntry
from gpworkforce.web.finance import actions


def finance_world(*owners: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for owner in owners:
        row = actions.save_allocation(
            actor=None,
            owner=owner,
            row=FundingRow(
                organisation="West Leicestershire",
                financial_year="2017/18",
                allocation=466_838,
                delegated=45_956,
                discretionary=4_750,
                reported_spend_pct=10.9,
            ),
        )
        entry = actions.save_funding(
            actor=None,
            owner=owner,
            entry=FundingEntry(
                scheme="GP5YFV", financial_year="2017/18", amount_gbp=190_000, status="allocated"
            ),
        )
        s = actions.add_scenario(
            actor=None,
            owner=owner,
            key="scenario-1",
            title="Scenario 1: base position",
            scenario_file="llr-2017/scenario-1.toml",
        )
        out[owner] = {"allocation": row.pk, "funding": entry.pk, "scenario": s.key}
    return out
