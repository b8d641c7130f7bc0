"""A multi-year practice plan's levers as a cohort-model scenario (decision 0131).

The plan's stocks follow (docs/skillmix.md, "Several years and practices")

    S[k,y] = (1 - a_k) S[k,y-1] + R[k,y] + T[k,y] + arrivals U[p,y-d_p] (into k) - the same (out of k)

summed over the practices. The cohort engine, one organisation, yearly steps, one age band, applies
in each step leavers, then moves between classes on those who stayed, then inflows
(``integration = "sequential"``, docs/model.md), so the levers are carried as:

    class k                 one a role, starting at the practices' WTE in post (headcount = WTE)
    leaving of k in year y  q[k,y] = a_k - T[k,y] / S[k,y-1]          (retention lowers leaving)
    move from -> to in y    tau[p,y] = U[p,y-d_p] / ((1 - q[from,y]) S[from,y-1])
    recruitment of k in y   R[k,y] (an inflow, 1 WTE a head)

with S, R, T and U the optimiser's, summed over the practices. Running the scenario then rebuilds
the stocks year by year from these flows: the stocks themselves are not carried, so a run that
gives the plan's supply checks the adoption (``tests/spec/test_skillmix_adopt_plan.py``). Roles
without levers keep their WTE in post, as in the plan. GP classes (partners, salaried, retainers,
locums) count 1 towards GP supply, other roles 0; the scenario's demand is the plan's minimum GP
cover on the patients grown as the plan grows them. Workload release, which the engine has no
line for, is stated in the description, year by year.

Pure: a solution, its problem and catalogue in, a :class:`~gpworkforce.forecast.scenario.Scenario`
out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.forecast.cohort_config import (
    AgeBandSpec,
    CohortConfig,
    DemandConfig,
    Destination,
    Inflow,
    InitialStock,
    LeaveRule,
    PatientRow,
    StockClassSpec,
    StockRow,
    TransitionRule,
)
from gpworkforce.forecast.scenario import Scenario
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.multiyear import PlanSolution, gp_roles
from gpworkforce.skillmix.plan_problem import PlanProblem

BAND = "all"
ORG = "ICS"  # the organisation the practices are summed as
SMALL = 1e-9
DIGITS = 9  # rates and WTE kept to this many decimals (the TOML stays readable, the sums exact)


def _prev(s0: float, stock: np.ndarray, y: int) -> float:
    """WTE in post at the end of the year before plan year index ``y`` (0-based)."""
    return float(s0 if y == 0 else stock[y - 1])


def cohort_scenario(
    solution: PlanSolution,
    problem: PlanProblem,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    *,
    org: str,
    start: dt.date,
    name: str | None = None,
) -> Scenario:
    """The cohort scenario of ``solution``'s levers summed over its practices, as organisation
    ``org`` from ``start`` (the census date of the practices' figures) for the plan's years."""
    practices = solution.practices
    Y = len(solution.years)
    gps = gp_roles(catalogue, taxonomy)
    roles = list(solution.roles) + sorted(set(practices.staff) - set(solution.roles))
    s0 = {k: float(np.sum(practices.staff.get(k, 0.0))) for k in roles}
    stock = {k: solution.stock[k].sum(axis=0) for k in solution.roles}  # (Y,)
    leave: dict[str, np.ndarray] = {}
    rules: list[LeaveRule] = []
    for k in solution.roles:
        a = problem.roles[k].attrition if k in problem.roles else 0.0
        kept = solution.retained[k].sum(axis=0) if k in solution.retained else np.zeros(Y)
        q = np.array(
            [a - kept[y] / p if (p := _prev(s0[k], stock[k], y)) > SMALL else a for y in range(Y)]
        )
        q = np.clip(np.round(q, DIGITS), 0.0, 1.0)
        leave[k] = q
        if not q.any():
            continue
        if np.allclose(q, q[0], rtol=0, atol=0):
            rules.append(LeaveRule(kind="other", classes=[k], annual_rate=float(q[0])))
            continue
        rules += [
            LeaveRule(kind="other", classes=[k], annual_rate=float(q[y]), years=[y + 1])
            for y in range(Y)
            if q[y] > 0
        ]
    moves: list[TransitionRule] = []
    for path, p in problem.paths.items():
        starts = solution.starts[path].sum(axis=0)  # (Y,) trainees starting in year y
        for y in range(p.delay_years, Y):
            arriving = float(starts[y - p.delay_years])
            stayed = (1.0 - leave[p.from_role][y]) * _prev(s0[p.from_role], stock[p.from_role], y)
            if arriving > SMALL and stayed > SMALL:
                moves.append(
                    TransitionRule.model_validate(
                        {
                            "from": p.from_role,
                            "to": p.to_role,
                            "annual_rate": min(1.0, round(arriving / stayed, DIGITS)),
                            "years": [y + 1],
                        }
                    )
                )
    inflows = []
    for k, recruited in solution.recruits.items():
        per_year = np.clip(np.round(recruited.sum(axis=0), DIGITS), 0.0, None)
        if per_year.any():
            inflows.append(
                Inflow(
                    name=f"{catalogue.roles[k].name} recruited",
                    kind="recruitment",
                    per_year=[float(v) for v in per_year] + [0.0],
                    destinations=[Destination.model_validate({"class": k, "share": 1.0})],
                    band=BAND,
                    allocation="equal",
                )
            )
    patients = float(practices.patients.sum())
    demand = None
    if problem.min_gp_per_1000 > 0:
        demand = DemandConfig(
            rule="per_1000_target",
            per_1000=problem.min_gp_per_1000,
            list_growth_rate=float(problem.patient_factors()[0]) - 1.0,
            patients=[PatientRow(org=org, registered=patients)],
        )
    cohort = CohortConfig(
        start=start,
        years=Y,
        step="year",
        bands=[AgeBandSpec(label=BAND)],
        classes=[
            StockClassSpec(code=k, role=k, gp_equivalent=1.0 if k in gps else 0.0) for k in roles
        ],
        initial=InitialStock(
            rows=[
                StockRow.model_validate(
                    {"org": org, "class": k, "band": BAND, "headcount": s0[k], "fte": s0[k]}
                )
                for k in roles
            ]
        ),
        leaving=rules,
        transitions=moves,
        inflows=inflows,
        demand=demand,
        integration="sequential",
    )
    return Scenario(
        name=name or f"{problem.name}: levers adopted"[:200],
        description=_description(solution, problem, catalogue, org, start)[:2000],
        method="cohort",
        seed=problem.seed,
        cohort=cohort,
    )


def _description(
    solution: PlanSolution, problem: PlanProblem, catalogue: Catalogue, org: str, start: dt.date
) -> str:
    first, last = solution.years[0], solution.years[-1]
    text = (
        f"The levers of the skill-mix plan '{problem.name}' ({len(solution.practices)} practices"
        f" summed as {org}, {first}-{last}; £{solution.cost:,.0f} over the plan): recruitment by"
        " role as inflows, leaving net of retention, and training between roles as moves, year by"
        f" year from the WTE in post on {start:%-d %B %Y} (headcount taken as WTE). GPs count"
        " towards GP supply; other roles are carried by role and count 0."
    )
    if problem.min_gp_per_1000 > 0:
        text += (
            f" Demand: the plan's minimum GP cover, {problem.min_gp_per_1000:g} WTE per 1,000"
            " patients."
        )
    for key, covered in solution.releases.items():
        by_year = covered.sum(axis=0)
        if by_year.any():
            hours = problem.release[key].hours_per_gp_wte
            shown = ", ".join(
                f"{y}: {v:,.1f}" for y, v in zip(solution.years, by_year, strict=True)
            )
            text += (
                f" Workload release ({key}, {hours:g} hours a GP WTE covered, not in the cohort"
                f" arithmetic): GP WTE covered {shown}."
            )
    return text
