"""The practice quarterly workforce return as domain objects.

A return lists, for one practice and one census date:
- *staff lines*: people in one leaf role, age band, sex and contract type, with their headcount and
  their total weekly hours (or, for GPs, sessions) - never both;
- *vacancies*: WTE vacant by role and how many months each has been open;
- *locums*: GP locums by type (covering absence, covering a vacancy, other) with headcount and average
  sessions a week over the quarter;
- optionally its *spend*: what the practice paid for GP locums and for agency staff in the quarter,
  in pounds (issue 12; either may be unknown, which is never read as zero).
Locums are returned only on the locum lines (staff lines may not use locum roles), so no one is
counted twice. The objects validate invariants that do not need context (non-negative, one of hours
or sessions); rules needing the registry or taxonomy live in ``gpworkforce.returns.validate``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.provenance import Source


@dataclass(frozen=True, slots=True)
class StaffLine:
    role: str
    headcount: int
    age_band: AgeBand
    sex: Sex
    contract: ContractType
    hours_per_week: float | None = None
    sessions_per_week: float | None = None

    def __post_init__(self) -> None:
        if self.headcount < 0:
            raise ValueError(f"headcount must be >= 0, got {self.headcount}")
        if (self.hours_per_week is None) == (self.sessions_per_week is None):
            raise ValueError("a staff line gives hours or sessions, exactly one of them")
        amount = self.hours_per_week if self.hours_per_week is not None else self.sessions_per_week
        if amount is not None and amount < 0:
            raise ValueError(f"hours/sessions must be >= 0, got {amount}")

    def fte(self, convention: FteConvention = DEFAULT_CONVENTION) -> float:
        if self.hours_per_week is not None:
            return convention.fte_from_hours(self.hours_per_week)
        assert self.sessions_per_week is not None  # guaranteed by __post_init__
        return convention.fte_from_sessions(self.sessions_per_week)


@dataclass(frozen=True, slots=True)
class VacancyLine:
    role: str
    wte: float
    months_open: int

    def __post_init__(self) -> None:
        if self.wte <= 0:
            raise ValueError(f"vacancy WTE must be > 0, got {self.wte}")
        if self.months_open < 0:
            raise ValueError(f"months open must be >= 0, got {self.months_open}")


@dataclass(frozen=True, slots=True)
class LocumLine:
    locum_type: str  # one of the GP_LOCUM_* leaves
    headcount: int
    sessions_per_week: float
    age_band: AgeBand = AgeBand.UNKNOWN
    sex: Sex = Sex.UNKNOWN

    def __post_init__(self) -> None:
        if self.headcount < 0 or self.sessions_per_week < 0:
            raise ValueError("locum headcount and sessions must be >= 0")

    def fte(self, convention: FteConvention = DEFAULT_CONVENTION) -> float:
        return convention.fte_from_sessions(self.sessions_per_week)


@dataclass(frozen=True, slots=True)
class SpendLine:
    """The quarter's locum and agency spend in GBP (None = not reported, never zero)."""

    locum_gbp: float | None = None
    agency_gbp: float | None = None

    def __post_init__(self) -> None:
        if self.locum_gbp is None and self.agency_gbp is None:
            raise ValueError("a spend line gives locum or agency spend (or both)")
        for value in (self.locum_gbp, self.agency_gbp):
            if value is not None and not value >= 0:
                raise ValueError(f"spend must be >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class PracticeReturn:
    practice_code: str
    census_date: dt.date
    staff: tuple[StaffLine, ...] = ()
    vacancies: tuple[VacancyLine, ...] = ()
    locums: tuple[LocumLine, ...] = ()
    source: Source | None = field(default=None, compare=False)
    spend: SpendLine | None = None
