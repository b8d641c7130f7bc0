"""PCN-level baseline: staff employed by primary care networks (mostly ARRS roles) by role.

Input: workforce rows whose ``practice_code`` is a **PCN code** (the PCN individual-level
loader, :func:`gpworkforce.loaders.load_pcn_individual`), with taxonomy leaves and staff groups as
``node``. The report's organisation holds the PCNs whose ancestor of its tier on the census date
is that organisation. Where the file itself names the PCN's sub-ICB, ICB and region for the
census date (``own``: the PCN individual-level file does), that placement is used for its
period, and the PCNs the registry places differently are counted; otherwise the registry's PCN
-> sub-ICB -> ICB links place it. A PCN neither places is counted, with its FTE, never dropped
silently.

Figures (per PCN ``p`` and taxonomy role ``r`` on the census date)::

    FTE(p, r)      = sum of the FTE of p's staff in role r (as loaded)
    Total FTE(p)   = sum over staff groups g of FTE(p, g)
    Total row      = column sums over the organisation's PCNs (FTE is additive)

Headcount is not summed (a person may work in several PCNs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from gpworkforce.baseline.data import select_sources
from gpworkforce.domain.orgs import ENGLAND_CODE, OrgRegistry, OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.labels import plural

TOTAL_LABEL = "Total"


# the column of the file's own placement holding each tier's code
_OWN_COLUMN = {
    OrgType.SUB_ICB: "sub_icb_code",
    OrgType.ICB: "icb_code",
    OrgType.REGION: "region_code",
}


@dataclass(frozen=True)
class PcnBaseline:
    """The table, and the PCNs with figures that could not be placed in any organisation."""

    table: ReportTable
    pcns: int  # PCNs of the organisation with figures on the date
    unplaced: dict[str, float]  # PCN code -> total FTE, for PCNs placed nowhere
    elsewhere: int  # PCNs with figures placed in other organisations of the tier
    # PCN code -> (the file's code, the registry's code or None) where they differ at the tier
    disagree: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    codes: tuple[str, ...] = ()  # the organisation's units (PCN codes), in the table's order


def _own(own: pd.DataFrame | None, tier: OrgType, on: dt.date, sources: set[str]) -> dict[str, str]:
    """PCN -> the file's own code of ``tier`` on ``on`` (from the chosen sources only)."""
    if own is None or own.empty:
        return {}
    rows = own.loc[(own["period"] == pd.Timestamp(on)) & own["source_id"].isin(sources)]
    if tier is OrgType.ENGLAND:  # any named sub-ICB, ICB or region places it in England
        named = rows[list(_OWN_COLUMN.values())].notna().any(axis=1)
        return dict.fromkeys(rows.loc[named, "practice_code"].astype(str), ENGLAND_CODE)
    column = _OWN_COLUMN.get(tier)
    if column is None:
        return {}
    rows = rows.loc[rows[column].notna()]
    return dict(zip(rows["practice_code"].astype(str), rows[column].astype(str), strict=True))


@dataclass(frozen=True)
class StaffRows:
    """What a baseline by unit (PCN, or sub-ICB location) is computed from: workforce rows whose
    ``practice_code`` is the unit's code, the registry, the role map, the sources' order (``None``:
    the latest) and the files' own placements (``loaders.pcn.PCN_PLACES`` columns; ``None``:
    none)."""

    workforce: pd.DataFrame
    registry: OrgRegistry
    taxonomy: Taxonomy
    source_order: dict[str, int] | None = None
    own: pd.DataFrame | None = None

    def on(self, period: dt.date) -> pd.DataFrame:
        """The chosen sources' rows on the census date that have an FTE."""
        chosen = select_sources(self.workforce, None, self.source_order)
        return chosen.loc[(chosen["period"] == pd.Timestamp(period)) & chosen["fte"].notna()]

    def names(self, codes: Iterable[str]) -> list[str]:
        """The units' names: the registry's, else the file's own, else the code."""
        named = (
            {}
            if self.own is None
            else dict(zip(self.own["practice_code"], self.own["pcn_name"], strict=True))
        )
        return [
            self.registry.get(p).name if p in self.registry else str(named.get(p) or p)
            for p in codes
        ]

    def org_name(self, org: str) -> str:
        return "England" if org == ENGLAND_CODE else self.registry.get(org).name


def _fte(rows: pd.DataFrame) -> pd.DataFrame:
    """FTE by unit (rows) and taxonomy node (columns), summed."""
    return rows.pivot_table(
        index="practice_code", columns="node", values="fte", aggfunc="sum", fill_value=0.0
    )


def _table(
    key: str,
    title: str,
    unit: str,
    names: list[str],
    columns: dict[str, list[float]],
    notes: tuple[str, ...],
    sources: tuple[str, ...],
) -> ReportTable:
    """The units' table (``unit`` heads the names' column) with a total row (FTE is additive)."""
    frame = pd.DataFrame({unit: names, **columns})
    total_row = {unit: TOTAL_LABEL, **{c: float(frame[c].sum()) for c in frame.columns[1:]}}
    frame = pd.concat([frame, pd.DataFrame([total_row])], ignore_index=True)
    return ReportTable(
        key=key,
        title=title,
        frame=frame,
        notes=notes,
        sources=sources,
        decimals=dict.fromkeys(frame.columns[1:], 1),
    )


def _role_columns(
    fte: pd.DataFrame, taxonomy: Taxonomy, order: list[str], codes: list[str] | tuple[str, ...]
) -> dict[str, list[float]]:
    """A column of WTE per node in ``order`` (named as the role map names it), a row per unit."""
    return {
        f"{taxonomy.node(code).name} WTE": [
            float(fte.at[p, code]) if p in fte.index else 0.0 for p in codes
        ]
        for code in order
    }


def _ancestor(registry: OrgRegistry, pcn: str, tier: OrgType, on: dt.date) -> str | None:
    if pcn not in registry:
        return None
    if tier is OrgType.ENGLAND:
        # England holds every PCN the registry can place in a sub-ICB on the date
        placed = registry.parent_of_type(pcn, OrgType.SUB_ICB, on)
        return ENGLAND_CODE if placed is not None else None
    found = registry.parent_of_type(pcn, tier, on)
    return found.code if found is not None else None


def pcn_baseline(staff: StaffRows, org: str, period: dt.date) -> PcnBaseline:
    """FTE by PCN and role for ``org`` on ``period`` (see the module doc for the rules)."""
    registry, taxonomy, own = staff.registry, staff.taxonomy, staff.own
    tier = OrgType.ENGLAND if org == ENGLAND_CODE else registry.get(org).type
    rows = staff.on(period)
    groups = {g.value for g in {leaf.group for leaf in taxonomy.leaves.values()}}
    totals = rows.loc[rows["node"].isin(groups)].groupby("practice_code")["fte"].sum()
    by_registry = {str(p): _ancestor(registry, str(p), tier, period) for p in totals.index}
    by_file = _own(own, tier, period, {str(s) for s in rows["source_id"].unique()})
    where = {p: by_file.get(p, a) for p, a in by_registry.items()}
    disagree = {
        p: (by_file[p], a) for p, a in by_registry.items() if p in by_file and by_file[p] != a
    }
    unplaced = {p: float(totals[p]) for p, a in where.items() if a is None}
    mine = sorted(p for p, a in where.items() if a == org)
    elsewhere = sum(1 for a in where.values() if a is not None and a != org)
    fte = _fte(rows.loc[rows["node"].isin(taxonomy.leaves) & rows["practice_code"].isin(mine)])
    order = [code for code in taxonomy.leaves if code in fte.columns]
    name = staff.org_name(org)
    notes = [
        "Staff employed by primary care networks (most funded by the Additional Roles "
        "Reimbursement Scheme), not by practices: in addition to practice staff.",
        "Total WTE = every staff group the role map counts (PCN directors are not counted).",
        (
            f"PCNs are placed in {name} as the PCN workforce file places them on "
            f"{period:%-d %B %Y} (its own sub-ICB, ICB and region codes), else by the registry's "
            "PCN -> sub-ICB -> ICB links."
            if by_file
            else f"PCNs are placed in {name} by the registry's PCN -> sub-ICB -> ICB links on "
            f"{period:%-d %B %Y} (the files place no PCN themselves)."
        ),
    ]
    if disagree:
        shown = "; ".join(
            f"{p} (file: {f}; registry: {r or 'none'})" for p, (f, r) in sorted(disagree.items())
        )
        notes.append(
            f"{plural(len(disagree), 'PCN is', 'PCNs are')} placed by the file where the registry places them "
            f"elsewhere or nowhere (the file's placement is used): {shown[:600]}"
        )
    table = _table(
        "pcn_staff",
        f"PCN-employed staff by role, {name}, {period:%-d %B %Y} (WTE)",
        "PCN",
        staff.names(mine),
        {
            **_role_columns(fte, taxonomy, order, mine),
            "Total WTE": [float(totals[p]) for p in mine],
        },
        tuple(notes),
        tuple(sorted({str(s) for s in rows["source_id"].unique()})),
    )
    return PcnBaseline(
        table=table,
        pcns=len(mine),
        unplaced=unplaced,
        elsewhere=elsewhere,
        disagree=disagree,
        codes=tuple(mine),
    )


def sub_icb_baseline(staff: StaffRows, org: str, period: dt.date) -> PcnBaseline:
    """Staff by sub-ICB location and role from the GPW individual-level file (rows whose
    ``practice_code`` is a sub-ICB location code): the same rules as :func:`pcn_baseline`, one
    row per sub-ICB location, placed as the file places it (its ICB and region codes)."""
    result = pcn_baseline(staff, org, period)
    name = staff.org_name(org)
    rows = staff.on(period)
    fte = _fte(rows.loc[rows["practice_code"].isin(result.codes)])
    taxonomy = staff.taxonomy
    groups = [g.value for g in dict.fromkeys(leaf.group for leaf in taxonomy.leaves.values())]
    present = [n for n in fte.columns if n not in groups]
    order = [g for g in groups if g in fte.columns] + sorted(present)
    notes = (
        "Practice staff (GPs, nurses, direct patient care, admin) from NHS Digital's "
        "individual-level GPW file, which places each person in a sub-ICB location, not a "
        "practice: FTE summed over the people of each role.",
        "Total WTE = the four staff groups. Roles the role map does not name count in their "
        "staff group only.",
        f"Sub-ICB locations are placed in {name} as the file places them on "
        f"{period:%-d %B %Y} (its own ICB and region codes), else by the registry.",
        *(
            n.replace("PCNs are", "sub-ICB locations are").replace("PCN is", "sub-ICB location is")
            for n in result.table.notes[3:]
        ),
    )
    table = _table(
        "sub_icb_staff",
        f"Practice staff by sub-ICB location and role, {name}, {period:%-d %B %Y} (WTE)",
        "Sub-ICB location",
        staff.names(result.codes),
        {
            **_role_columns(fte, taxonomy, order, result.codes),
            "Total WTE": [
                float(sum(fte.at[p, g] for g in groups if g in fte.columns))
                if p in fte.index
                else 0.0
                for p in result.codes
            ],
        },
        notes,
        result.table.sources,
    )
    return dataclasses.replace(result, table=table)
