"""PCN-level baseline: staff employed by primary care networks (mostly ARRS roles) by role.

Input: workforce rows whose ``practice_code`` is a **PCN code** (the PCN individual-level
loader, :func:`gpworkforce.loaders.load_pcn_individual`), with taxonomy leaves and staff groups as
``node``. The report's organisation holds the PCNs whose ancestor of its tier on the census date
is that organisation (the registry's PCN -> sub-ICB -> ICB links); a PCN the registry cannot
place there or anywhere is counted, with its FTE, never dropped silently.

Figures (per PCN ``p`` and taxonomy role ``r`` on the census date)::

    FTE(p, r)      = sum of the FTE of p's staff in role r (as loaded)
    Total FTE(p)   = sum over staff groups g of FTE(p, g)
    Total row      = column sums over the organisation's PCNs (FTE is additive)

Headcount is not summed (a person may work in several PCNs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from gpworkforce.baseline.data import select_sources
from gpworkforce.domain.orgs import ENGLAND_CODE, OrgRegistry, OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import Taxonomy

TOTAL_LABEL = "Total"


@dataclass(frozen=True)
class PcnBaseline:
    """The table, and the PCNs with figures that could not be placed in any organisation."""

    table: ReportTable
    pcns: int  # PCNs of the organisation with figures on the date
    unplaced: dict[str, float]  # PCN code -> total FTE, for PCNs the registry places nowhere
    elsewhere: int  # PCNs with figures placed in other organisations of the tier


def _ancestor(registry: OrgRegistry, pcn: str, tier: OrgType, on: dt.date) -> str | None:
    if pcn not in registry:
        return None
    if tier is OrgType.ENGLAND:
        # England holds every PCN the registry can place in a sub-ICB on the date
        placed = registry.parent_of_type(pcn, OrgType.SUB_ICB, on)
        return ENGLAND_CODE if placed is not None else None
    found = registry.parent_of_type(pcn, tier, on)
    return found.code if found is not None else None


def pcn_baseline(
    workforce: pd.DataFrame,
    registry: OrgRegistry,
    taxonomy: Taxonomy,
    org: str,
    period: dt.date,
    source_order: dict[str, int] | None = None,
) -> PcnBaseline:
    """FTE by PCN and role for ``org`` on ``period`` (see the module doc for the rules)."""
    tier = OrgType.ENGLAND if org == ENGLAND_CODE else registry.get(org).type
    chosen = select_sources(workforce, None, source_order)
    rows = chosen.loc[chosen["period"] == pd.Timestamp(period)]
    rows = rows.loc[rows["fte"].notna()]
    groups = {g.value for g in {leaf.group for leaf in taxonomy.leaves.values()}}
    totals = rows.loc[rows["node"].isin(groups)].groupby("practice_code")["fte"].sum()
    where = {str(p): _ancestor(registry, str(p), tier, period) for p in totals.index}
    unplaced = {p: float(totals[p]) for p, a in where.items() if a is None}
    mine = sorted(p for p, a in where.items() if a == org)
    elsewhere = sum(1 for a in where.values() if a is not None and a != org)
    leaves = rows.loc[rows["node"].isin(taxonomy.leaves) & rows["practice_code"].isin(mine)]
    fte = leaves.pivot_table(
        index="practice_code", columns="node", values="fte", aggfunc="sum", fill_value=0.0
    )
    order = [code for code in taxonomy.leaves if code in fte.columns]
    frame = pd.DataFrame(
        {
            "PCN": [registry.get(p).name if p in registry else p for p in mine],
            **{
                f"{taxonomy.node(code).name} WTE": [
                    float(fte.at[p, code]) if p in fte.index else 0.0 for p in mine
                ]
                for code in order
            },
            "Total WTE": [float(totals[p]) for p in mine],
        }
    )
    total_row = {"PCN": TOTAL_LABEL, **{c: float(frame[c].sum()) for c in frame.columns[1:]}}
    frame = pd.concat([frame, pd.DataFrame([total_row])], ignore_index=True)
    name = "England" if org == ENGLAND_CODE else registry.get(org).name
    notes = [
        "Staff employed by primary care networks (most funded by the Additional Roles "
        "Reimbursement Scheme), not by practices: in addition to practice staff.",
        "Total WTE = every staff group the role map counts (PCN directors are not counted).",
        f"PCNs are placed in {name} by the registry's PCN -> sub-ICB -> ICB links on "
        f"{period:%d %B %Y}.",
    ]
    table = ReportTable(
        key="pcn_staff",
        title=f"PCN-employed staff by role, {name}, {period:%d %B %Y} (WTE)",
        frame=frame,
        notes=tuple(notes),
        sources=tuple(sorted({str(s) for s in rows["source_id"].unique()})),
        decimals=dict.fromkeys(frame.columns[1:], 1),
    )
    return PcnBaseline(table=table, pcns=len(mine), unplaced=unplaced, elsewhere=elsewhere)
