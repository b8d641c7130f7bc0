"""Recompute the paper's tables from the demo's returns and compare them with the printed figures.

Pure functions: the generator calls :func:`verify` as its explicit final check (a failed check is a
bug in the recipe, never a user error), and ``docs/demo.md`` shows the same comparison. The
arithmetic is the paper's: WTE is summed unrounded and rounded at the end, half up; GP WTE is
sessions / 9; locum WTE counts towards GPs (Table 3 "GPs excluding registrars").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gpworkforce.demo.paper import (
    CCGS,
    LLR,
    LOCUM_TYPES,
    POPULATION,
    POPULATION_LLR,
    TABLE3,
    TABLE8,
    TABLE9,
    TABLE9_LEAVES,
    TABLE10,
)
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy, load_taxonomy

PAPER_GROUP = {
    StaffGroup.GP: "GP",
    StaffGroup.NURSE: "NURSE",
    StaffGroup.DPC: "OTHER_CLINICAL",
    StaffGroup.ADMIN: "ADMIN",
}


def round_half_up(value: float, places: int = 0) -> Decimal:
    """Round as a spreadsheet does (half away from zero), after removing float noise."""
    exp = Decimal(1).scaleb(-places)
    return Decimal(repr(round(value, 9))).quantize(exp, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Totals:
    """Unrounded headcount and WTE per area (CCG code or LLR) and key."""

    headcount: Mapping[tuple[str, str], int]
    wte: Mapping[tuple[str, str], float]


def table3_totals(
    returns: Iterable[PracticeReturn], ccg_of: Mapping[str, str], tax: Taxonomy | None = None
) -> Totals:
    """Table 3 from returns: per CCG and LLR, GP (excl. registrars, incl. locums), NURSE,
    OTHER_CLINICAL, ADMIN and TOTAL."""
    tax = tax or load_taxonomy()
    hc: dict[tuple[str, str], int] = defaultdict(int)
    wte: dict[tuple[str, str], float] = defaultdict(float)
    for ret in returns:
        ccg = ccg_of[ret.practice_code]
        for line in ret.staff:
            leaf = tax.leaves[line.role]
            if leaf.trainee and leaf.group is StaffGroup.GP:
                continue
            key = PAPER_GROUP[leaf.group]
            for area in (ccg, LLR):
                for k in (key, "TOTAL"):
                    hc[area, k] += line.headcount
                    wte[area, k] += line.fte()
        for loc in ret.locums:
            for area in (ccg, LLR):
                for k in ("GP", "TOTAL"):
                    hc[area, k] += loc.headcount
                    wte[area, k] += loc.fte()
    return Totals(dict(hc), dict(wte))


def locum_totals(returns: Iterable[PracticeReturn], ccg_of: Mapping[str, str]) -> Totals:
    """Table 10 from returns: per CCG and LLR, per locum type and TOTAL."""
    hc: dict[tuple[str, str], int] = defaultdict(int)
    wte: dict[tuple[str, str], float] = defaultdict(float)
    for ret in returns:
        ccg = ccg_of[ret.practice_code]
        for loc in ret.locums:
            for area in (ccg, LLR):
                for k in (loc.locum_type, "TOTAL"):
                    hc[area, k] += loc.headcount
                    wte[area, k] += loc.fte()
    return Totals(dict(hc), dict(wte))


def over55_shares(returns: Iterable[PracticeReturn]) -> dict[str, float]:
    """Table 9 from returns: % of WTE aged 55+ per row label (LLR level), plus "Total"."""
    all_wte: dict[str, float] = defaultdict(float)
    old_wte: dict[str, float] = defaultdict(float)
    label_of = {leaf: label for label, leaves in TABLE9_LEAVES.items() for leaf in leaves}
    for ret in returns:
        items = [(s.role, s.age_band, s.fte()) for s in ret.staff]
        items += [(loc.locum_type, loc.age_band, loc.fte()) for loc in ret.locums]
        for role, band, fte in items:
            for label in (label_of.get(role), "Total"):
                if label is None:
                    continue
                all_wte[label] += fte
                if band.over_55:
                    old_wte[label] += fte
    return {k: 100.0 * old_wte[k] / v for k, v in all_wte.items() if v}


def verify(returns: Iterable[PracticeReturn], ccg_of: Mapping[str, str]) -> list[str]:
    """Every printed figure of Tables 3, 8, 9 and 10 the demo must reproduce, as failures."""
    returns = list(returns)
    problems: list[str] = []
    t3 = table3_totals(returns, ccg_of)
    for area in (*CCGS, LLR):
        pop = POPULATION_LLR if area == LLR else POPULATION[area]
        for key, cell in TABLE3[area].items():
            got_hc, got_wte = t3.headcount.get((area, key), 0), t3.wte.get((area, key), 0.0)
            if got_hc != cell.headcount or round_half_up(got_wte) != cell.wte:
                problems.append(f"Table 3 {area} {key}: {got_hc}/{got_wte:.3f} vs {cell}")
            per = round_half_up(got_wte / pop * 1000, 2)
            printed = TABLE8[area][key].per_1000
            if per != printed and not _listed_table8(area, key):
                problems.append(f"Table 8 {area} {key}: {per} per 1,000 vs {printed}")
    t10 = locum_totals(returns, ccg_of)
    for area in (*CCGS, LLR):
        for key in (*LOCUM_TYPES, "TOTAL"):
            cell = TABLE10[area][key]
            got_hc, got_wte = t10.headcount.get((area, key), 0), t10.wte.get((area, key), 0.0)
            if area == LLR and key == "GP_LOCUM_OTHER":
                continue  # printed 26.26 is a listed discrepancy; 27.26 checked via CCGs
            if got_hc != cell.headcount or round_half_up(got_wte, 2) != cell.wte:
                problems.append(f"Table 10 {area} {key}: {got_hc}/{got_wte:.4f} vs {cell}")
    shares = over55_shares(returns)
    for label, printed in TABLE9.items():
        got = shares.get(label, 0.0)
        if abs(got - float(printed)) > 0.05:  # stricter than 0.1 pp: equal at 1 dp
            problems.append(f"Table 9 {label}: {got:.2f}% vs {printed}%")
    return problems


def _listed_table8(area: str, key: str) -> bool:
    """Table 8 per-1,000 figures that follow from a listed discrepancy (WL and LLR totals)."""
    return key == "TOTAL" and area in ("04V", LLR)
