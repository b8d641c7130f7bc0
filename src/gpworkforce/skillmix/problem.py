"""An optimisation problem: which levers, at what cost, to meet task demand in a target year.

The schema of ``gpworkforce optimise PROBLEM.toml`` (docs/skillmix.md). Costs are GBP a year per
WTE at the problem's prices; a recruit's cost may instead name a role of the finance cost model
(``costs = "costs.toml"``), resolved by :mod:`gpworkforce.skillmix.problem_io`.
"""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    model_validator,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Recruit(_Frozen):
    """Recruiting WTE of a role: its cost a year per WTE and an optional cap on what can be found."""

    cost: PositiveFloat | str = Field(description="GBP a year per WTE, or a cost-model role key")
    max_wte: NonNegativeFloat | None = None
    source: str = ""


class Upskill(_Frozen):
    """Training WTE of one role into another (e.g. practice nurse -> advanced nurse practitioner).

    ``cost``: GBP a year per WTE trained (pay difference plus the training cost spread over the
    years); ``delay_years``: from starting training to working at the new role. Each trainee takes
    one of the ``training_places`` a year.
    """

    from_role: str = Field(alias="from")
    to_role: str = Field(alias="to")
    cost: NonNegativeFloat
    delay_years: int = Field(ge=0)
    max_wte: NonNegativeFloat | None = None
    source: str = ""


class Release(_Frozen):
    """A workload-release initiative (e.g. clinical correspondence management, active signposting):
    hours a year of GP (Autonomous) time released per GP WTE it covers, at a cost per GP WTE."""

    hours_per_gp_wte: PositiveFloat
    cost_per_gp_wte: NonNegativeFloat
    source: str = ""


class LocumConversion(_Frozen):
    """Locum GP WTE that could move to salaried contracts, and what that saves a year per WTE."""

    locum_wte: NonNegativeFloat
    saving_per_wte: NonNegativeFloat
    source: str = ""


class Problem(_Frozen):
    name: str
    base_year: int
    target_year: int
    patients: PositiveFloat = Field(description="registered (or weighted) patients, base year")
    growth: PositiveFloat = Field(1.0, description="demand growth factor a year")
    catalogue: str | None = Field(None, description="catalogue overrides TOML (relative path)")
    costs: str | None = Field(None, description="finance cost model TOML (relative path)")
    min_gp_per_1000: NonNegativeFloat = 0.0
    budget: PositiveFloat | None = Field(None, description="GBP a year available for the levers")
    supervision_share: float = Field(
        1.0,
        gt=0,
        le=1,
        description="most of a level's hours (in post and added) that may go on supervision",
    )
    training_places: NonNegativeFloat = Field(0.0, description="upskilling places a year")
    staff: dict[str, NonNegativeFloat] = Field(description="WTE in post in the target year")
    recruit: dict[str, Recruit] = {}
    upskill: dict[str, Upskill] = {}
    release: dict[str, Release] = {}
    locum_conversion: LocumConversion | None = None

    @model_validator(mode="after")
    def _years(self) -> Problem:
        if self.target_year < self.base_year:
            raise ValueError(
                f"target_year must be at least base_year {self.base_year}, got {self.target_year}"
            )
        return self

    @property
    def horizon(self) -> int:
        return self.target_year - self.base_year

    def cohorts(self, upskill: Upskill) -> int:
        """Yearly training cohorts that finish by the target year (0: none in time)."""
        return max(0, self.horizon - upskill.delay_years + 1)
