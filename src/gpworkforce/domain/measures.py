"""Workforce measures: headcount and full-time equivalent (FTE / WTE), and their conventions.

1.0 FTE is 37.5 hours a week (NHS Digital GPW). For GPs the LLR plan used the older NHS England
convention that one whole-time GP works 9 sessions; both are declared in :class:`FteConvention`
and never assumed silently. Figures that are *not available* are ``None`` (or ``pd.NA`` in frames),
never zero.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

STANDARD_HOURS_PER_FTE = 37.5
DEFAULT_GP_SESSIONS_PER_WTE = 9.0


class FteConvention(BaseModel):
    """How hours and sessions convert to FTE."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hours_per_fte: float = Field(
        STANDARD_HOURS_PER_FTE, gt=0, le=80, description="Weekly hours that make 1.0 FTE."
    )
    gp_sessions_per_wte: float = Field(
        DEFAULT_GP_SESSIONS_PER_WTE,
        gt=0,
        le=14,
        description="GP sessions a week that make one whole-time GP (NHS England used 9).",
    )

    def fte_from_hours(self, hours_per_week: float) -> float:
        return hours_per_week / self.hours_per_fte

    def fte_from_sessions(self, sessions_per_week: float) -> float:
        return sessions_per_week / self.gp_sessions_per_wte

    def hours_from_fte(self, fte: float) -> float:
        return fte * self.hours_per_fte

    def sessions_from_fte(self, fte: float) -> float:
        return fte * self.gp_sessions_per_wte


DEFAULT_CONVENTION = FteConvention()

# An FTE above this multiple of headcount cannot be worked (1.0 FTE = 37.5 h; 2.0 per head is
# 75 h a week, already beyond the Working Time Regulations' 48-hour average).
MAX_FTE_PER_HEAD = 2.0
