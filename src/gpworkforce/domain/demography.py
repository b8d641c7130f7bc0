"""Age bands and sex as NHS Digital's GPW statistics record them."""

from __future__ import annotations

from enum import StrEnum


class AgeBand(StrEnum):
    UNDER_30 = "<30"
    A30_34 = "30-34"
    A35_39 = "35-39"
    A40_44 = "40-44"
    A45_49 = "45-49"
    A50_54 = "50-54"
    A55_59 = "55-59"
    A60_64 = "60-64"
    A65_69 = "65-69"
    A70_PLUS = "70+"
    UNKNOWN = "Unknown"

    @property
    def over_55(self) -> bool:
        """True for bands wholly aged 55 or over (the LLR plan's age-risk measure)."""
        return self in OVER_55

    @property
    def lower(self) -> int | None:
        """Youngest age in the band (None for unknown); ``<30`` starts at 16 by convention."""
        if self is AgeBand.UNKNOWN:
            return None
        if self is AgeBand.UNDER_30:
            return 16
        return int(self.value[:2])


OVER_55 = frozenset({AgeBand.A55_59, AgeBand.A60_64, AgeBand.A65_69, AgeBand.A70_PLUS})
KNOWN_AGE_BANDS = tuple(b for b in AgeBand if b is not AgeBand.UNKNOWN)


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class ContractType(StrEnum):
    """How a person in a return is engaged."""

    PARTNER = "partner"
    SALARIED = "salaried"  # employed on a permanent contract
    FIXED_TERM = "fixed_term"
    TRAINEE = "trainee"
    LOCUM = "locum"  # self-employed / agency sessional
    BANK = "bank"
    OTHER = "other"
