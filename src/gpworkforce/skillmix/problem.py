"""An optimisation problem: which levers, at what cost, to meet task demand in a target year.

The schema of ``gpworkforce optimise PROBLEM.toml`` (docs/skillmix.md). Costs are GBP a year per
WTE at the problem's prices; a recruit's cost may instead name a role of the finance cost model
(``costs = "costs.toml"``), resolved by :mod:`gpworkforce.skillmix.problem_io`.
"""

from __future__ import annotations

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    model_validator,
)

from gpworkforce.forecast.distributions import Num, central, is_distribution
from gpworkforce.forecast.uncertainty import draw_parameters


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
    growth: Num = Field(1.0, description="demand growth factor a year, or its distribution")
    probability: float | None = Field(
        None, gt=0, lt=1, description="meet the demand of this quantile of the growth draws"
    )
    draws: int = Field(1000, ge=1, le=100_000, description="Monte Carlo draws of the growth")
    seed: int = Field(2017, description="master seed of the draws")
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

    @model_validator(mode="after")
    def _growth(self) -> Problem:
        low = self.growth.lower_bound if is_distribution(self.growth) else self.growth
        if not low > 0:  # type: ignore[operator]
            raise ValueError(f"growth must be above 0 (and its distribution too), got {low}")
        return self

    def demand_factor(self) -> tuple[float, str]:
        """Demand in the target year over the base year, and how it was chosen (in words).

        A distribution of growth with ``probability`` p: the p-quantile over ``draws`` Monte
        Carlo draws of growth ** horizon (demand rises with growth, so each task's demand is at
        its own p-quantile); without ``probability``: the central value.
        """
        if not is_distribution(self.growth):
            g = float(self.growth)  # type: ignore[arg-type]
            return g**self.horizon, f"growth {100 * (g - 1):.1f}% a year"
        if self.probability is None:
            g = central(self.growth)  # type: ignore[arg-type]
            return g**self.horizon, f"central growth {100 * (g - 1):.1f}% a year"
        runs = draw_parameters({"growth": self.growth}, self.draws, self.seed)
        factors = runs.column("growth")[1:] ** self.horizon
        q = float(np.quantile(factors, self.probability))
        return q, (
            f"demand met with a {100 * self.probability:g}% chance: the {100 * self.probability:g}th"
            f" percentile of {self.draws:,} draws of growth (seed {self.seed})"
        )

    @property
    def horizon(self) -> int:
        return self.target_year - self.base_year

    def cohorts(self, upskill: Upskill) -> int:
        """Yearly training cohorts that finish by the target year (0: none in time)."""
        return max(0, self.horizon - upskill.delay_years + 1)
