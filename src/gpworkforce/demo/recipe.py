"""The demo generator's recipe: every constant the synthetic returns are built from.

Amounts are integer *units*: GP staff in half-sessions (a WTE is 9 sessions, as the LLR plan
counted), other staff in half-hours (a WTE is 37.5 hours), locums in hundredths of a session.

The CCG totals below were chosen (see ``docs/demo.md``) so that, summed from practice lines and
rounded as the paper rounds, they give every printed figure of Tables 3, 8 and 10:

===========  ==============  ============  ===============  ==============
CCG          GP staff         nurses        other clinical   admin
===========  ==============  ============  ===============  ==============
ELR 03W      1,493 sessions  3,465.0 h     4,011.0 h        18,930.0 h
LC 04C       1,341 sessions  2,827.5 h     2,912.0 h        18,004.0 h
WL 04V       1,689 sessions  3,315.0 h     3,731.5 h        22,763.0 h
===========  ==============  ============  ===============  ==============

GP WTE in Table 3 is GP staff plus locums: ELR (1,493 + 89.46) / 9 = 175.83, LC 174.11, WL
192.06, LLR 542.00.
"""

from __future__ import annotations

from dataclasses import dataclass

from gpworkforce.demo.paper import ELR, LC, WL
from gpworkforce.domain.demography import AgeBand, ContractType

HALF_SESSION = 0.5  # sessions per GP unit
HALF_HOUR = 0.5  # hours per unit for non-GP staff
LOCUM_UNIT = 0.01  # sessions per locum unit

DEFAULT_SEED = 2017

# The 2017 national files give no list size or FTE for a few open cost centres: they get the
# smallest positive signal in their CCG (documented in docs/demo.md).


@dataclass(frozen=True, slots=True)
class GroupTarget:
    """One CCG's staff-group total as generated: headcount and units (see module docstring)."""

    headcount: int
    units: int


# Paper group key ("GP" = GP staff lines only, locums come from Table 10) -> CCG -> target.
GROUP_TARGETS: dict[str, dict[str, GroupTarget]] = {
    # GP headcount = Table 3 GP headcount - Table 10 locum headcount.
    "GP": {
        ELR: GroupTarget(255 - 48, 1493 * 2),
        LC: GroupTarget(240 - 36, 1341 * 2),
        WL: GroupTarget(261 - 13, 1689 * 2),
    },
    "NURSE": {
        ELR: GroupTarget(135, 6930),
        LC: GroupTarget(112, 5655),
        WL: GroupTarget(130, 6630),
    },
    "OTHER_CLINICAL": {
        ELR: GroupTarget(154, 8022),
        LC: GroupTarget(124, 5824),
        WL: GroupTarget(154, 7463),
    },
    "ADMIN": {
        ELR: GroupTarget(690, 37860),
        LC: GroupTarget(621, 36008),
        WL: GroupTarget(875, 45526),
    },
}

# Which real per-practice signal spreads each group's CCG total over the practices.
GROUP_SIGNAL: dict[str, str] = {
    "GP": "gp_fte",
    "NURSE": "list_size",
    "OTHER_CLINICAL": "list_size",
    "ADMIN": "admin_fte",
}
GROUP_MIN_PER_PRACTICE: dict[str, int] = {"GP": 1, "NURSE": 0, "OTHER_CLINICAL": 0, "ADMIN": 1}

_UNDER = (
    AgeBand.UNDER_30,
    AgeBand.A30_34,
    AgeBand.A35_39,
    AgeBand.A40_44,
    AgeBand.A45_49,
    AgeBand.A50_54,
)
_OVER = (AgeBand.A55_59, AgeBand.A60_64, AgeBand.A65_69, AgeBand.A70_PLUS)


@dataclass(frozen=True, slots=True)
class RoleRecipe:
    """How one leaf role of a group is generated."""

    code: str
    share: float  # share of the group's headcount
    mean: float  # typical units per head (drives the role's share of the group's units)
    lo: int  # fewest units one person may have
    hi: int  # most units one person may have
    over55: float  # target share of the role's LLR WTE aged 55+ (Table 9, as a fraction)
    female: float  # probability a person is female
    contract: ContractType
    under_bands: tuple[float, ...]  # weights over <30, 30-34, ..., 50-54
    over_bands: tuple[float, ...]  # weights over 55-59, 60-64, 65-69, 70+


_NURSE_U = (0.06, 0.10, 0.13, 0.20, 0.25, 0.26)
_NURSE_O = (0.55, 0.33, 0.10, 0.02)
_SUPPORT_U = (0.20, 0.13, 0.13, 0.16, 0.19, 0.19)
_SUPPORT_O = (0.52, 0.33, 0.12, 0.03)
_SAL = ContractType.SALARIED

ROLES: dict[str, tuple[RoleRecipe, ...]] = {
    "GP": (
        RoleRecipe(
            "GP_SENIOR_PARTNER",
            0.10,
            16.0,
            10,
            18,
            0.461,
            0.30,
            ContractType.PARTNER,
            (0.0, 0.0, 0.05, 0.25, 0.35, 0.35),
            (0.60, 0.32, 0.07, 0.01),
        ),
        RoleRecipe(
            "GP_PARTNER_PROVIDER",
            0.53,
            15.0,
            8,
            18,
            0.133,
            0.42,
            ContractType.PARTNER,
            (0.0, 0.08, 0.22, 0.27, 0.23, 0.20),
            (0.70, 0.25, 0.05, 0.0),
        ),
        RoleRecipe(
            "GP_SALARIED_BY_PRACTICE",
            0.37,
            12.0,
            8,
            18,
            0.092,
            0.66,
            _SAL,
            (0.02, 0.30, 0.30, 0.18, 0.11, 0.09),
            (0.50, 0.30, 0.15, 0.05),
        ),
    ),
    "NURSE": (
        RoleRecipe("NURSE_ANP", 0.12, 60.0, 30, 75, 0.314, 0.93, _SAL, _NURSE_U, _NURSE_O),
        RoleRecipe("NURSE_EXTENDED", 0.12, 52.0, 15, 75, 0.462, 0.97, _SAL, _NURSE_U, _NURSE_O),
        RoleRecipe("NURSE_SPECIALIST", 0.06, 50.0, 15, 75, 0.261, 0.95, _SAL, _NURSE_U, _NURSE_O),
        RoleRecipe("NURSE_PRACTICE", 0.70, 50.0, 15, 75, 0.296, 0.97, _SAL, _NURSE_U, _NURSE_O),
    ),
    "OTHER_CLINICAL": (
        RoleRecipe("DPC_HCA", 0.62, 50.0, 15, 75, 0.195, 0.92, _SAL, _SUPPORT_U, _SUPPORT_O),
        RoleRecipe("DPC_PHARMACIST", 0.08, 60.0, 15, 75, 0.262, 0.60, _SAL, _SUPPORT_U, _SUPPORT_O),
        RoleRecipe(
            "DPC_PHLEBOTOMIST", 0.14, 40.0, 10, 75, 0.262, 0.85, _SAL, _SUPPORT_U, _SUPPORT_O
        ),
        RoleRecipe(
            "DPC_OTHER_UNSPECIFIED", 0.16, 50.0, 10, 75, 0.262, 0.75, _SAL, _SUPPORT_U, _SUPPORT_O
        ),
    ),
    "ADMIN": (
        RoleRecipe("ADMIN_MANAGER", 0.12, 68.0, 30, 75, 0.294, 0.78, _SAL, _SUPPORT_U, _SUPPORT_O),
        RoleRecipe(
            "ADMIN_RECEPTION", 0.58, 50.0, 10, 75, 0.294, 0.93, _SAL, _SUPPORT_U, _SUPPORT_O
        ),
        RoleRecipe(
            "ADMIN_SECRETARY", 0.15, 55.0, 10, 75, 0.294, 0.95, _SAL, _SUPPORT_U, _SUPPORT_O
        ),
        RoleRecipe(
            "ADMIN_OTHER_UNSPECIFIED",
            0.15,
            50.0,
            10,
            75,
            0.294,
            0.80,
            _SAL,
            _SUPPORT_U,
            _SUPPORT_O,
        ),
    ),
}

UNDER_BANDS = _UNDER
OVER_BANDS = _OVER

# Registrars (excluded from Table 3; Table 9 shows 0% aged 55+): count per CCG, per leaf.
REGISTRARS: dict[str, dict[str, int]] = {
    ELR: {"GP_REGISTRAR_ST3_4": 4, "GP_REGISTRAR_F1_2": 1},
    LC: {"GP_REGISTRAR_ST3_4": 2, "GP_REGISTRAR_F1_2": 1},
    WL: {"GP_REGISTRAR_ST3_4": 4, "GP_REGISTRAR_F1_2": 2},
}
REGISTRAR_SESSIONS = 9.0
REGISTRAR_BANDS = (AgeBand.UNDER_30, AgeBand.A30_34, AgeBand.A35_39)
REGISTRAR_BAND_WEIGHTS = (0.5, 0.4, 0.1)
REGISTRAR_FEMALE = 0.6

# Locums (Table 10): over-55 share of LLR WTE by type (Table 9) and per-person bounds.
LOCUM_OVER55: dict[str, float] = {
    "GP_LOCUM_ABSENCE": 0.0,
    "GP_LOCUM_VACANCY": 0.0,
    "GP_LOCUM_OTHER": 0.303,
}
LOCUM_LO = 25  # a quarter of a session a week, averaged over the quarter
LOCUM_HI = 900  # 9 sessions a week
LOCUM_FEMALE = 0.45
LOCUM_UNDER = (0.0, 0.25, 0.30, 0.20, 0.15, 0.10)
LOCUM_OVER = (0.30, 0.40, 0.20, 0.10)

# Vacancies (synthetic; the LLR plan mentions reported vacancies but prints no table).
# role -> (probability a practice reports one, WTE choices, most months open)
VACANCY_RULES: dict[str, tuple[float, tuple[float, ...], int]] = {
    "GP_SALARIED_BY_PRACTICE": (0.18, (0.5, 0.67, 0.78, 1.0), 18),
    "NURSE_PRACTICE": (0.12, (0.4, 0.5, 0.6, 1.0), 9),
    "ADMIN_RECEPTION": (0.10, (0.4, 0.53, 0.8, 1.0), 4),
}
# Leicester City had the hardest recruitment (LLR plan, ch. 4): its GP vacancy odds are doubled.
VACANCY_GP_MULTIPLIER: dict[str, float] = {ELR: 1.0, LC: 2.0, WL: 1.0}
