"""A multi-year, per-practice optimisation problem: the levers year by year for every practice of an
ICS, to meet task demand in each year 1..Y with probability p (docs/skillmix.md, "Several years and
practices").

The schema of ``gpworkforce optimise PROBLEM.toml`` when the file names ``practices = "FILE.csv"``
(one row a practice: ``practice``, ``patients`` and WTE in post by role code). Costs are GBP a year
per WTE at the problem's prices, or the key of a role of the finance cost model (``costs``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    model_validator,
)

from gpworkforce.finance.allocations import ALL_ORGS, FundingRow, Thresholds, with_totals
from gpworkforce.finance.model import fy_label
from gpworkforce.forecast.distributions import Num, central, is_distribution
from gpworkforce.forecast.uncertainty import draw_parameters


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RoleLevers(_Frozen):
    """One role's pay, leaving and the levers that act on it.

    ``cost``: GBP a year per WTE in post, one figure or one a plan year; or the key of a role of
    the finance cost model (``costs``); or left out, for the cost model's group of the same code
    (``[groups]``, e.g. ``NURSE_ANP``): a cost model's figures move with its pay uplift year by
    year. Recruits, upskilled staff and retained staff cost it every year they are in post. ``attrition``: share of the WTE in post
    leaving each year. ``recruit_a_year``: most WTE the ICS can recruit a year (None: no limit, 0:
    not recruited). ``supervision_hours``: Autonomous hours a year each recruited WTE needs in its
    1st, 2nd, ... year in post (new roles, e.g. ARRS, cost GP time in their first years).
    ``retain_cost``: GBP one-off per WTE kept who would have left, at most ``retain_share`` of the
    leavers a year.
    """

    cost: NonNegativeFloat | list[NonNegativeFloat] | str | None = Field(
        None,
        description="GBP a year per WTE (one figure or one a plan year), a cost-model role key,"
        " or none: the cost model's group of the role's code",
    )
    attrition: float = Field(0.0, ge=0, lt=1)
    recruit_a_year: NonNegativeFloat | None = None
    supervision_hours: list[NonNegativeFloat] = []
    retain_cost: NonNegativeFloat | None = None
    retain_share: float = Field(0.0, ge=0, le=1)
    source: str = ""


class Path_(_Frozen):
    """Upskilling (or converting) WTE of one role into another.

    Trainees starting in year s work in ``to`` from year s + ``delay_years``; until then they stay in
    ``from`` and spend ``study_share`` of their hours studying. ``cost``: GBP one-off per trainee.
    ``training_place``: each trainee takes one of the ICS's training places a year while training
    (false for a contract conversion such as locum to salaried, delay 0).
    """

    from_role: str = Field(alias="from")
    to_role: str = Field(alias="to")
    cost: NonNegativeFloat = 0.0
    delay_years: int = Field(ge=0, le=10)
    study_share: float = Field(0.0, ge=0, le=1)
    training_place: bool = True
    max_a_year: NonNegativeFloat | None = None
    source: str = ""

    @model_validator(mode="after")
    def _places(self) -> Path_:
        if self.training_place and self.delay_years < 1:
            raise ValueError("a path that takes a training place must last at least 1 year")
        return self


class Release(_Frozen):
    """Workload release: Autonomous hours a year released per GP WTE covered, its cost a year per
    GP WTE, and at most ``max_share`` of the GP WTE in post covered."""

    hours_per_gp_wte: PositiveFloat
    cost_per_gp_wte: NonNegativeFloat
    max_share: float = Field(1.0, ge=0, le=1)
    source: str = ""


class AllocationBudget(_Frozen):
    """The yearly budget read from the finance model's allocations table (docs/finance.md).

    Budget of plan year y (financial year y/y+1) = ``share`` x the ``figure`` of ``organisation``
    (a name of the table, or "All organisations": the sum of its organisations) that year, GBP
    thousands x 1,000. ``figure``: the total primary care spend, or its headroom over the
    minimum or aspiration share of the allocation (as ``gpworkforce finance allocations``
    computes it: spend - threshold x allocation).
    """

    allocations: str = Field(description="CSV/XLSX of allocations (relative path)")
    organisation: str = ALL_ORGS
    figure: Literal["total_spend", "headroom_to_minimum", "headroom_to_aspiration"] = "total_spend"
    share: float = Field(1.0, gt=0, le=1)
    thresholds: Thresholds = Thresholds()

    def yearly(self, rows: list[FundingRow], plan_years: list[int]) -> list[float]:
        """GBP a year for each plan year; ``ValueError`` ("field: must ..., got ...") when the
        table has no row for the organisation and year or the figure is not above 0."""
        table = {(r.organisation, r.financial_year): r for r in with_totals(rows)}
        orgs = sorted({r.organisation for r in with_totals(rows)})
        if not any(o == self.organisation for o in orgs):
            raise ValueError(
                f"budget.organisation: must be an organisation of {self.allocations}"
                f" ({', '.join(orgs)}), got {self.organisation!r}"
            )
        out = []
        for year in plan_years:
            fy = fy_label(year)
            row = table.get((self.organisation, fy))
            if row is None:
                raise ValueError(
                    f"budget.allocations: must have a row for {self.organisation} in {fy}"
                    f" (plan year {year}), got none in {self.allocations}"
                )
            gbp_k = row.total
            if self.figure == "headroom_to_minimum":
                gbp_k -= self.thresholds.minimum * row.allocation
            elif self.figure == "headroom_to_aspiration":
                gbp_k -= self.thresholds.aspiration * row.allocation
            value = self.share * gbp_k * 1000.0
            if not value > 0:
                raise ValueError(
                    f"budget.figure: must give a budget above 0 in every plan year, got"
                    f" GBP {value:,.0f} in {fy} ({self.figure.replace('_', ' ')} of"
                    f" {self.organisation})"
                )
            out.append(value)
        return out


class PlanProblem(_Frozen):
    name: str
    base_year: int
    years: int = Field(ge=1, le=30, description="plan years after the base year")
    practices: str = Field(description="CSV: practice, patients, WTE by role code (relative path)")
    growth: Num = Field(1.0, description="task demand growth factor a year, or its distribution")
    patient_growth: PositiveFloat | None = Field(
        None, description="list growth a year for the GP cover (default: the central growth)"
    )
    probability: float | None = Field(
        None, gt=0, lt=1, description="meet each year's demand of this quantile of the draws"
    )
    draws: int = Field(1000, ge=1, le=100_000)
    seed: int = 2017
    catalogue: str | None = None
    costs: str | None = None
    discount_rate: float = Field(0.0, ge=0, lt=1, description="a year, for the total cost")
    min_gp_per_1000: NonNegativeFloat = 0.0
    budget: PositiveFloat | list[PositiveFloat] | AllocationBudget | None = Field(
        None,
        description="GBP a year for the levers (one figure, or one a plan year), or read from"
        " the allocations table ({ allocations = FILE, organisation, figure, share })",
    )
    supervision_share: float = Field(1.0, gt=0, le=1)
    training_places: NonNegativeFloat | list[NonNegativeFloat] = 0.0
    roles: dict[str, RoleLevers] = {}
    paths: dict[str, Path_] = {}
    release: dict[str, Release] = {}

    @model_validator(mode="after")
    def _check(self) -> PlanProblem:
        low = self.growth.lower_bound if is_distribution(self.growth) else self.growth
        if not low > 0:  # type: ignore[operator]
            raise ValueError(f"growth must be above 0 (and its distribution too), got {low}")
        for field in ("budget", "training_places"):
            value = getattr(self, field)
            if isinstance(value, list) and len(value) != self.years:
                raise ValueError(
                    f"{field} must give one figure or one a plan year ({self.years}),"
                    f" got {len(value)}"
                )
        for code, role in self.roles.items():
            if isinstance(role.cost, list) and len(role.cost) != self.years:
                raise ValueError(
                    f"roles.{code}.cost must give one figure or one a plan year ({self.years}),"
                    f" got {len(role.cost)}"
                )
        return self

    def role_cost(self, code: str) -> np.ndarray:
        """(Y,) GBP a year per WTE of role ``code`` in each plan year (0 for a role without
        levers); costs must be resolved to GBP first (``problem_io.load_plan_problem``)."""
        role = self.roles.get(code)
        if role is None:
            return np.zeros(self.years)
        if role.cost is None or isinstance(role.cost, str):
            raise ValueError(f"roles.{code}.cost must be resolved to GBP before solving")
        return np.broadcast_to(np.asarray(role.cost, dtype=float), (self.years,)).copy()

    def per_year(self, field: str) -> list[float] | None:
        value = getattr(self, field)
        if value is None:
            return None
        if isinstance(value, AllocationBudget):
            raise ValueError(f"{field} must be read from {value.allocations} before solving")
        return [float(v) for v in value] if isinstance(value, list) else [float(value)] * self.years

    @property
    def plan_years(self) -> list[int]:
        return [self.base_year + y for y in range(1, self.years + 1)]

    def demand_factors(self) -> tuple[np.ndarray, str]:
        """Task demand in each plan year over the base year, and how it was chosen (in words).

        A distribution of growth with ``probability`` p: for each year y the p-quantile over
        ``draws`` Monte Carlo draws of growth ** y (demand rises with growth, so every task of every
        practice is at its own p-quantile: the mix meets that year's demand in a share p of the
        draws). Without ``probability``: the central growth.
        """
        ys = np.arange(1, self.years + 1, dtype=float)
        if not is_distribution(self.growth):
            g = float(self.growth)  # type: ignore[arg-type]
            return g**ys, f"growth {100 * (g - 1):.1f}% a year"
        if self.probability is None:
            g = central(self.growth)  # type: ignore[arg-type]
            return g**ys, f"central growth {100 * (g - 1):.1f}% a year"
        runs = draw_parameters({"growth": self.growth}, self.draws, self.seed)
        draws = np.asarray(runs.column("growth")[1:], dtype=float)
        factors = np.quantile(draws[:, None] ** ys[None, :], self.probability, axis=0)
        return factors, (
            f"each year's demand met with a {100 * self.probability:g}% chance: the"
            f" {100 * self.probability:g}th percentile of {self.draws:,} draws of growth"
            f" (seed {self.seed})"
        )

    def patient_factors(self) -> np.ndarray:
        g = self.patient_growth
        if g is None:
            g = central(self.growth) if is_distribution(self.growth) else float(self.growth)  # type: ignore[arg-type]
        return float(g) ** np.arange(1, self.years + 1, dtype=float)
