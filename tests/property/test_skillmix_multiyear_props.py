"""Properties of the multi-year practice optimiser: more capacity (training places, recruits a
year, budget, staff in post) never raises the optimal cost; meeting demand with a higher
probability never lowers it; the warm start finds the cold start's optimum."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.multiyear import Practices, solve
from gpworkforce.skillmix.optimise import Infeasible
from gpworkforce.skillmix.plan_problem import PlanProblem
from skillmix_support import (
    LETTERS,
    RETAIN,
    SUPERVISED_ANP,
    UNCERTAIN_FIGURES,
    consult_and_clinic,
    plan_problem,
    practices,
)

TAX = load_taxonomy()
CAT = consult_and_clinic(per_1000=5000)


def _problem(places: float, gp_cap: float, budget: float | None, **more: Any) -> PlanProblem:
    return plan_problem(
        "prop",
        4,
        gp={"recruit_a_year": gp_cap, **RETAIN},
        anp=SUPERVISED_ANP,
        delay_years=2,
        min_gp_per_1000=0.4,
        training_places=places,
        budget=budget,
        release=LETTERS,
        **more,
    )


def _practices(sizes: list[float], gps: list[float]) -> Practices:
    n = len(sizes)
    return practices(
        sizes, {"GP_SALARIED": gps, "NURSE_ANP": np.full(n, 0.5), "NURSE_PRACTICE": np.full(n, 1.5)}
    )


def _cost(problem: PlanProblem, practices: Practices) -> float:
    try:
        return solve(problem, practices, CAT, TAX).cost
    except Infeasible:
        return float("inf")


SIZES = st.lists(st.floats(min_value=1000, max_value=12_000), min_size=1, max_size=3)
PLACES = st.floats(min_value=0.0, max_value=2.0)
GP_CAP = st.floats(min_value=0.0, max_value=2.0)
MORE = st.floats(min_value=0.01, max_value=2.0)
# the practices' sizes and the plan's capacity: training places, GP recruits a year, budget
CAPACITY = {
    "sizes": SIZES,
    "places": PLACES,
    "gp_cap": GP_CAP,
    "budget": st.one_of(st.none(), st.floats(min_value=50_000, max_value=2_000_000)),
}


@settings(max_examples=20, deadline=None)
@given(**CAPACITY, which=st.sampled_from(["places", "gp_cap", "budget", "staff"]), more=MORE)
def test_more_capacity_never_raises_the_optimal_cost(
    sizes: list[float],
    places: float,
    gp_cap: float,
    budget: float | None,
    which: str,
    more: float,
) -> None:
    gps = [s / 2000 for s in sizes]
    practices = _practices(sizes, gps)
    base = _cost(_problem(places, gp_cap, budget), practices)
    assume(base < float("inf"))  # a problem with no solution has no cost to compare
    if which == "places":
        bigger = _cost(_problem(places + more, gp_cap, budget), practices)
    elif which == "gp_cap":
        bigger = _cost(_problem(places, gp_cap + more, budget), practices)
    elif which == "budget":
        bigger = _cost(
            _problem(places, gp_cap, None if budget is None else budget * (1 + more)), practices
        )
    else:  # more GPs in post: their pay is the baseline's, not a lever's
        staffed = _practices(sizes, [g + more for g in gps])
        bigger = _cost(_problem(places, gp_cap, budget), staffed)
    assert bigger <= base * (1 + 1e-7) + 1e-3


@settings(max_examples=10, deadline=None)
@given(
    sizes=SIZES,
    p=st.floats(min_value=0.05, max_value=0.9),
    step=st.floats(min_value=0.01, max_value=0.09),
)
def test_a_higher_probability_never_costs_less(sizes: list[float], p: float, step: float) -> None:
    practices = _practices(sizes, [s / 2000 for s in sizes])
    growth = {"kind": "uniform", "low": 0.98, "high": 1.06}
    low = _cost(_problem(1.0, 1.0, None, growth=growth, probability=p, draws=200), practices)
    high = _cost(
        _problem(1.0, 1.0, None, growth=growth, probability=p + step, draws=200), practices
    )
    assert high >= low * (1 - 1e-7) - 1e-3


@settings(max_examples=15, deadline=None)
@given(**CAPACITY)
def test_the_warm_start_finds_the_optimum_of_a_cold_start(
    sizes: list[float], places: float, gp_cap: float, budget: float | None
) -> None:
    """The warm start (practices alone, then the ICS-wide rows) solves the same programme: the same
    optimal cost and the same yearly costs as the dual simplex and the interior point from
    scratch, and infeasible exactly when they are."""
    practices = _practices(sizes, [s / 2000 for s in sizes])
    problem = _problem(places, gp_cap, budget)
    found = {}
    for method in ("warm", "simplex", "ipm"):
        try:
            found[method] = solve(problem, practices, CAT, TAX, method=method)
        except Infeasible:
            found[method] = None
    if found["simplex"] is None:
        assert found["warm"] is None and found["ipm"] is None
        return
    warm, cold, ipm = found["warm"], found["simplex"], found["ipm"]
    assert warm is not None and ipm is not None
    scale = max(1.0, abs(cold.cost))
    assert abs(warm.cost - cold.cost) <= 1e-7 * scale
    assert abs(ipm.cost - cold.cost) <= 1e-6 * scale
    for solution in (warm, cold, ipm):  # undiscounted: the yearly costs add up to the total
        assert abs(solution.cost_by_year.sum() - solution.cost) <= 1e-6 * scale


UNCERTAIN = consult_and_clinic(per_1000=5000, **UNCERTAIN_FIGURES)


# With uncertain inputs the chance rows are imposed at the draw whose gap is their p-quantile,
# re-ranked round by round (docs/skillmix.md, decision 0104): a feasible plan for a non-convex
# problem, which may be slightly dearer than its exact optimum. So more capacity may leave the
# cost a little higher, never by more than RELATIVE_SLACK. The case Hypothesis found (the rounds
# end at a plan 0.043% dearer with 0.016 more training places) is kept as an example.
RELATIVE_SLACK = 1e-3


@settings(max_examples=15, deadline=None)
@given(
    sizes=SIZES,
    places=PLACES,
    gp_cap=GP_CAP,
    p=st.floats(min_value=0.5, max_value=0.95),
    which=st.sampled_from(["places", "gp_cap", "staff"]),
    more=MORE,
)
@example(sizes=[11202.0, 1009.0], places=0.0, gp_cap=1.5, p=0.5, which="places", more=0.015625)
def test_more_capacity_never_raises_the_cost_beyond_the_slack_with_uncertain_inputs(
    sizes: list[float], places: float, gp_cap: float, p: float, which: str, more: float
) -> None:
    # uncertain minutes, supervision and productive hours, each level's hours met in a share p of
    # 200 draws (the p-quantile of the combined gap per draw)
    def cost(problem: PlanProblem, practices: Practices) -> float:
        try:
            s = solve(problem, practices, UNCERTAIN, TAX)
        except Infeasible:
            return float("inf")
        assert "at least" in s.demand_basis
        return s.cost

    gps = [s / 2000 for s in sizes]
    practices = _practices(sizes, gps)
    chance = {"probability": p, "draws": 200}
    base = cost(_problem(places, gp_cap, None, **chance), practices)
    assume(base < float("inf"))
    if which == "places":
        bigger = cost(_problem(places + more, gp_cap, None, **chance), practices)
    elif which == "gp_cap":
        bigger = cost(_problem(places, gp_cap + more, None, **chance), practices)
    else:
        bigger = cost(
            _problem(places, gp_cap, None, **chance), _practices(sizes, [g + more for g in gps])
        )
    assert bigger <= base * (1 + RELATIVE_SLACK) + 1e-3
