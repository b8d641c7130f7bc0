"""Which practices of a source a report could place in the organisation hierarchy (issue 10, 1).

A practice with workforce figures that the registry does not put under any organisation of the
report's tier on the census date (closed, opened since the registry's extracts, or unknown)
counts in no area. Reports say how many there are and their WTE, never silently drop them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.scope import closed_by, practice_values
from gpworkforce.domain.orgs import OrgType
from gpworkforce.labels import date_text, plural
from gpworkforce.loaders.key_figures import figure_values

# the staff groups whose WTE an unplaced practice is reported with (all GPs, locums included)
PLACEMENT_NODES = ("GP", "GP_QUALIFIED", "GP_LOCUM_AND_TRAINEE", "NURSE", "DPC", "ADMIN")


TIER_WORDS = {
    OrgType.PRACTICE: "open practice",
    OrgType.PCN: "PCN",
    OrgType.SUB_ICB: "sub-ICB location",
    OrgType.ICB: "ICB",
    OrgType.REGION: "region",
    OrgType.ENGLAND: "organisation of the registry",
}


@dataclass(frozen=True)
class Placement:
    """Practices with workforce figures on ``period`` and those no organisation holds."""

    period: dt.date
    tier: OrgType
    in_source: int
    unplaced: tuple[str, ...]
    unplaced_wte: float  # NaN when none of them has a WTE figure

    @property
    def placed(self) -> int:
        return self.in_source - len(self.unplaced)

    def statement(self) -> str:
        if not self.unplaced:
            return (
                f"{'All ' if self.in_source != 1 else 'The '}{plural(self.in_source, 'practice')} with workforce figures on {date_text(self.period)} "
                f"{'are' if self.in_source != 1 else 'is'} "
                "placed in the organisation hierarchy."
            )
        wte = (
            "WTE not available" if np.isnan(self.unplaced_wte) else f"{self.unplaced_wte:,.1f} WTE"
        )
        shown = ", ".join(self.unplaced[:10]) + (" ..." if len(self.unplaced) > 10 else "")
        return (
            f"{len(self.unplaced):,} of the {self.in_source:,} practices with workforce figures "
            f"on {date_text(self.period)} could not be placed in any {TIER_WORDS[self.tier]} on that "
            f"date ({wte}: all staff groups) and count in no area: {shown}."
        )


def reporting_practices(at: BaselineData) -> set[str]:
    """The practices with workforce figures in ``at`` (one census date, selected): its rows,
    its key figures, and every practice's key figures when the rows are of some only."""
    codes: set[str] = set()
    for frame in (at.workforce, at.figures, at.census):
        codes.update(frame["practice_code"].dropna().astype(str).unique().tolist())
    return codes


def placement(
    data: BaselineData, period: dt.date, tier: OrgType, source: SourceKind | str | None
) -> Placement:
    """How many practices of ``source`` with figures on ``period`` no ``tier`` organisation holds."""
    at = data.with_source(source).at(period)
    wf = at.workforce
    # every practice's figures on the date, when the rows are read for some practices only
    census = at.census if len(at.census) else None
    keys = wf if census is None else census
    practices = sorted(set(keys["practice_code"].dropna().astype(str)))
    if tier is OrgType.PRACTICE:
        known = {p for p in practices if p in at.registry and at.registry.get(p).is_open(period)}
    elif tier is OrgType.ENGLAND:
        # a closed practice with figures counts in England's "Not assigned" (scope.with_closed_reporting)
        known = set(at.registry.practice_map(period, tier))
        known |= {p for p in practices if closed_by(at.registry, p, period)}
    else:
        known = set(at.registry.practice_map(period, tier))
    unplaced = tuple(p for p in practices if p not in known)
    wte = float("nan")
    if unplaced:
        values = (
            practice_values(
                wf.loc[wf["practice_code"].isin(list(unplaced))], PLACEMENT_NODES, at.taxonomy
            )
            if census is None
            else figure_values(
                census.loc[census["practice_code"].isin(list(unplaced))], PLACEMENT_NODES
            )
        )
        fte = values.pivot_table(index="practice_code", columns="node", values="fte", aggfunc="sum")
        fte = fte.reindex(columns=list(PLACEMENT_NODES)).astype(float)
        # all GPs: the GP figure, else qualified GPs plus locums and trainees (practice-year files)
        split = fte[["GP_QUALIFIED", "GP_LOCUM_AND_TRAINEE"]].sum(axis=1, min_count=1)
        gp = fte["GP"].fillna(split)
        per_practice = pd.concat([gp, fte[["NURSE", "DPC", "ADMIN"]]], axis=1)
        if per_practice.notna().any().any():
            wte = float(np.nansum(per_practice.to_numpy()))
    return Placement(period, tier, len(practices), unplaced, wte)
