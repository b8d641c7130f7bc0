"""Figures published in the LLR GP Workforce Plan (2017): the demo's acceptance targets.

Source: Leicester, Leicestershire & Rutland (LLR) CCGs, "GP Workforce Plan" (2017), chapter 2.2
(Tables 2, 3, 4) and chapter 4.1 (Tables 8, 9, 10). The figures are transcribed exactly as printed,
including the places where the paper's own totals do not add up; :data:`DISCREPANCIES` lists those.
Nothing here is computed; the generator and the tests compare against these constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from gpworkforce.domain.provenance import Source

ELR, LC, WL = "03W", "04C", "04V"
CCGS: tuple[str, ...] = (ELR, LC, WL)
LLR = "QK1"  # the LLR STP (ICB since July 2022)
CCG_NAMES = {
    ELR: "NHS East Leicestershire and Rutland CCG",
    LC: "NHS Leicester City CCG",
    WL: "NHS West Leicestershire CCG",
}
LLR_NAME = "Leicester, Leicestershire and Rutland STP"

PAPER_SOURCE = Source(
    publisher="LLR CCGs (East Leicestershire and Rutland, Leicester City, West Leicestershire)",
    dataset="llr-gp-workforce-plan-2017",
    period="2017-09-30",
    file_name="LLR GP Workforce Plan 2017 (committee paper)",
)

# Table 2: "Population (As of Sep 17, NHS E)", number of practices, average list size.
POPULATION = {ELR: 329_012, LC: 398_053, WL: 387_251}
POPULATION_LLR = 1_114_316
TABLE2_PRACTICES = {ELR: 31, LC: 59, WL: 48}
TABLE2_PRACTICES_LLR = 138
TABLE2_AVG_LIST = {ELR: 10_610, LC: 6_747, WL: 8_068}
TABLE2_AVG_LIST_LLR = 8_074
# Table 8 prints Leicester City's population as 398,063 (Table 2: 398,053).
TABLE8_POPULATION = {ELR: 329_012, LC: 398_063, WL: 387_251}

# Table 3 staff groups as printed, in the paper's column order.
GROUPS: tuple[str, ...] = ("GP", "NURSE", "OTHER_CLINICAL", "ADMIN")

Cell = TypeVar("Cell")


def _printed(
    cell: Callable[..., Cell], columns: tuple[str, ...], rows: dict[str, tuple[tuple, ...]]
) -> dict[str, dict[str, Cell]]:
    """A table as the paper prints it: each area's row, its cells in ``columns`` order."""
    return {
        area: {column: cell(*values) for column, values in zip(columns, row, strict=True)}
        for area, row in rows.items()
    }


@dataclass(frozen=True, slots=True)
class HcWte:
    headcount: int
    wte: int


# Table 3: Staffing Numbers and WTE in LLR (GPs exclude registrars and include locums).
TABLE3: dict[str, dict[str, HcWte]] = _printed(
    HcWte,
    (*GROUPS, "TOTAL"),
    {
        ELR: ((255, 176), (135, 92), (154, 107), (690, 505), (1234, 880)),
        LC: ((240, 174), (112, 75), (124, 78), (621, 480), (1097, 807)),
        WL: ((261, 192), (130, 88), (154, 100), (875, 607), (1420, 987)),
        LLR: ((756, 542), (377, 256), (432, 284), (2186, 1592), (3751, 2674)),
    },
)

# Table 4: WTE GPs in LLR (Sep 15, Mar 17, Oct 17) and the NHSE 2020 target.
TABLE4 = {"sep15": 563, "mar17": 565, "oct17": 541, "target_2020": 639, "per_1000": Decimal("0.58")}


@dataclass(frozen=True, slots=True)
class WtePer1000:
    wte: int
    per_1000: Decimal

    @classmethod
    def printed(cls, wte: int, per_1000: str) -> WtePer1000:
        return cls(wte, Decimal(per_1000))


# Table 8: General Practice Staff benchmarked per 1000 population (WTE "Actual", per 1,000).
TABLE8: dict[str, dict[str, WtePer1000]] = _printed(
    WtePer1000.printed,
    (*GROUPS, "TOTAL"),
    {
        ELR: ((176, "0.53"), (92, "0.28"), (107, "0.33"), (505, "1.53"), (880, "2.67")),
        LC: ((174, "0.44"), (75, "0.19"), (78, "0.20"), (480, "1.21"), (810, "2.03")),
        WL: ((192, "0.50"), (88, "0.23"), (100, "0.26"), (607, "1.57"), (1007, "2.60")),
        LLR: ((541, "0.49"), (256, "0.23"), (284, "0.25"), (1592, "1.43"), (2720, "2.44")),
    },
)

# Table 9: % of staff WTE aged 55 and over in LLR, by job role (LLR level only).
# Keys are the paper's row labels; values the printed percentage.
TABLE9: dict[str, Decimal] = {
    "Senior Partner": Decimal("46.1"),
    "Partner": Decimal("13.3"),
    "Salaried": Decimal("9.2"),
    "Registrar ST3/4": Decimal("0.0"),
    "Registrar F1/2": Decimal("0.0"),
    "Locum covering sickness": Decimal("0.0"),
    "Locum covering vacancies": Decimal("0.0"),
    "Locum -other": Decimal("30.3"),
    "Advanced Nurse Practitioners": Decimal("31.4"),
    "Extended Role Practice Nurses": Decimal("46.2"),
    "Nurse Specialist": Decimal("26.1"),
    "Practice Nurses": Decimal("29.6"),
    "HCA": Decimal("19.5"),
    "Direct Patient Care - other": Decimal("26.2"),
    "Admin and Clerical": Decimal("29.4"),
    "Total": Decimal("26.0"),
}

# Table 9 rows as sets of taxonomy leaves (the "Total" row is every leaf returned, locums included).
TABLE9_LEAVES: dict[str, frozenset[str]] = {
    "Senior Partner": frozenset({"GP_SENIOR_PARTNER"}),
    "Partner": frozenset({"GP_PARTNER_PROVIDER"}),
    "Salaried": frozenset({"GP_SALARIED_BY_PRACTICE"}),
    "Registrar ST3/4": frozenset({"GP_REGISTRAR_ST3_4"}),
    "Registrar F1/2": frozenset({"GP_REGISTRAR_F1_2"}),
    "Locum covering sickness": frozenset({"GP_LOCUM_ABSENCE"}),
    "Locum covering vacancies": frozenset({"GP_LOCUM_VACANCY"}),
    "Locum -other": frozenset({"GP_LOCUM_OTHER"}),
    "Advanced Nurse Practitioners": frozenset({"NURSE_ANP"}),
    "Extended Role Practice Nurses": frozenset({"NURSE_EXTENDED"}),
    "Nurse Specialist": frozenset({"NURSE_SPECIALIST"}),
    "Practice Nurses": frozenset({"NURSE_PRACTICE"}),
    "HCA": frozenset({"DPC_HCA"}),
    "Direct Patient Care - other": frozenset(
        {"DPC_PHARMACIST", "DPC_PHLEBOTOMIST", "DPC_OTHER_UNSPECIFIED"}
    ),
    "Admin and Clerical": frozenset(
        {"ADMIN_MANAGER", "ADMIN_RECEPTION", "ADMIN_SECRETARY", "ADMIN_OTHER_UNSPECIFIED"}
    ),
}

LOCUM_TYPES: tuple[str, ...] = ("GP_LOCUM_ABSENCE", "GP_LOCUM_VACANCY", "GP_LOCUM_OTHER")


@dataclass(frozen=True, slots=True)
class LocumCell:
    headcount: int
    wte: Decimal

    @classmethod
    def printed(cls, headcount: int, wte: str) -> LocumCell:
        return cls(headcount, Decimal(wte))


# Table 10: Locum numbers in LLR (headcount and WTE = sessions / 9, by locum type).
TABLE10: dict[str, dict[str, LocumCell]] = _printed(
    LocumCell.printed,
    (*LOCUM_TYPES, "TOTAL"),
    {
        ELR: ((4, "2.28"), (30, "4.38"), (14, "3.28"), (48, "9.94")),
        LC: ((1, "0.44"), (5, "3.44"), (30, "21.23"), (36, "25.11")),
        WL: ((3, "1.64"), (2, "0"), (8, "2.75"), (13, "4.39")),
        LLR: ((8, "4.36"), (37, "7.82"), (52, "26.26"), (97, "39.44")),
    },
)


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A printed figure that disagrees with what its own components give."""

    where: str
    printed: str
    from_components: str
    explanation: str


# Every place where the paper disagrees with itself (checked row by row and column by column).
# The demo reproduces the components; these printed figures are NOT reproduced.
DISCREPANCIES: tuple[Discrepancy, ...] = (
    Discrepancy(
        "Table 8, Leicester City, population",
        "398,063",
        "398,053",
        "Table 2 prints 398,053, and only 398,053 makes the LLR total 1,114,316; a typo.",
    ),
    Discrepancy(
        "Table 8, Leicester City, total WTE",
        "810",
        "807",
        "174 + 75 + 78 + 480 = 807 (Table 3 also prints 807). The per-1,000 figure 2.03 holds "
        "either way.",
    ),
    Discrepancy(
        "Table 8, West Leicestershire, total WTE and per 1,000",
        "1007 (2.60)",
        "987 (2.55)",
        "192 + 88 + 100 + 607 = 987 (Table 3 prints 987); 987 / 387.251 = 2.55.",
    ),
    Discrepancy(
        "Table 8, LLR, GP WTE",
        "541",
        "542",
        "176 + 174 + 192 = 542 (Table 3 prints 542); 541 is Table 4's 'Oct 17' figure. "
        "The per-1,000 figure 0.49 holds either way.",
    ),
    Discrepancy(
        "Table 8, LLR, total WTE and per 1,000",
        "2720 (2.44)",
        "2674 (2.40)",
        "Table 3 prints 2674; 2674 / 1,114.316 = 2.40.",
    ),
    Discrepancy(
        "Table 10, LLR, 'Locum - other' WTE",
        "26.26",
        "27.26",
        "3.28 + 21.23 + 2.75 = 27.26; the grand total 39.44 only adds up with 27.26.",
    ),
    Discrepancy(
        "Table 3 and Table 8, LLR nurse WTE",
        "256",
        "92 + 75 + 88 = 255",
        "Not an error: the paper sums unrounded CCG figures and rounds the total. The demo "
        "uses decimals (92.40 + 75.40 + 88.40 = 256.20) that reproduce every printed figure.",
    ),
    Discrepancy(
        "Table 3 and Table 8, LLR other clinical WTE",
        "284",
        "107 + 78 + 100 = 285",
        "Not an error (rounding, as above). Table 8's per-1,000 figures pin the decimals to a "
        "window 0.1 WTE wide: ELR >= 106.93, LC >= 77.62, WL >= 99.5 and LLR < 284.15.",
    ),
    Discrepancy(
        "Table 2, number of practices",
        "31 / 59 / 48 = 138",
        "33 / 60 / 48 = 141 open on 30 Sep 2017 in the ODS file",
        "The paper counts the 138 practices paid in 2017/18 (NHS Payments to General Practice "
        "lists exactly 31 / 59 / 48); ODS also lists 3 ELR and 1 LC cost centres (e.g. an "
        "asylum-seeker service) that were open on 30 Sep 2017.",
    ),
    Discrepancy(
        "Table 2, ELR average list size",
        "10610",
        "329,012 / 31 = 10,613",
        "Apparently rounded to the nearest 10; LC and WL are exact.",
    ),
    Discrepancy(
        "Table 2, LLR average list size",
        "8,074",
        "1,114,316 / 138 = 8,074.8 (8,075)",
        "Truncated rather than rounded.",
    ),
    Discrepancy(
        "Table 4 and ch. 4.1.1, NHSE target 639 WTE GPs by 2020",
        "639 = 12% more than Sep 2015's 563; 0.58 WTE per 1,000",
        "563 x 1.12 = 630.6; 0.58 x 1,114.316 = 646.3; 639 / 1,114.316 = 0.57",
        "639 follows from neither stated rule (it is about 563 x 1.135, or 0.58 per 1,000 of "
        "1.10m patients). The gaps the text derives from it (639 - 563 = 76, 639 - 541 = 98) "
        "are consistent with 639.",
    ),
    Discrepancy(
        "Ch. 4.1.1 and 'What have we learnt?', fall in WTE GPs since Sep 2015",
        "5% reduction (563 to 541)",
        "541 / 563 - 1 = -3.9%",
        "The two printed WTE figures give a 3.9% fall, not 5%.",
    ),
    Discrepancy(
        "Table 10, West Leicestershire, 'Locum-covering vacancy'",
        "headcount 2, WTE 0",
        "headcount 2, WTE 0",
        "Consistent but odd: two locums with no sessions. The demo returns two locums with 0 "
        "sessions a week rather than invent sessions.",
    ),
)
