"""The optimiser against small problems solved by hand (the working is in each test).

Common ground: one consultation task, 5,000 a year per 1,000 patients, 2,000 patients, no growth:
10,000 tasks. A GP (Autonomous) takes 10 minutes, an ANP (placed at Enhanced) 20 minutes. Every
WTE works 1,000 hours on tasks: a GP does 6,000 tasks a year, an ANP 3,000. One salaried GP is in
post (6,000 tasks), so 4,000 tasks a year are short. Recruiting costs GBP 100,000 a year per GP
WTE (GBP 16.67 a task) and GBP 40,000 per ANP WTE (GBP 13.33 a task): ANPs are cheaper per task.
"""

from __future__ import annotations

from typing import Any

import pytest

from gpworkforce.domain.taxonomy import SkillLevel as L
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.optimise import Infeasible, solve
from gpworkforce.skillmix.problem import Problem
from skillmix_support import catalogue

CAT = catalogue(
    {
        "consult": {
            "name": "Consultation",
            "per_1000": 5000,
            "minutes": {"Autonomous": 10, "Enhanced": 20},
        }
    },
    roles={"NURSE_ANP": {"level": "Enhanced"}},
    hours=1000,
)
TAX = load_taxonomy()


def problem(**changes: Any) -> Problem:
    base: dict[str, Any] = {
        "name": "hand",
        "base_year": 2017,
        "target_year": 2020,
        "patients": 2000,
        "staff": {"GP_SALARIED": 1.0},
        "recruit": {"GP_SALARIED": {"cost": 100_000}, "NURSE_ANP": {"cost": 40_000}},
    }
    return Problem.model_validate(base | changes)


def by_key(solution: Any) -> dict[str, Any]:
    return {c.key: c for c in solution.constraints}


def test_shortfall_met_by_the_cheapest_role() -> None:
    # 4,000 tasks / 3,000 per ANP = 1.3333 WTE x GBP 40,000 = GBP 53,333.33.
    s = solve(problem(), CAT, TAX)
    assert s.recruits == {"GP_SALARIED": 0.0, "NURSE_ANP": pytest.approx(4 / 3)}
    assert s.cost == pytest.approx(53_333.333, abs=0.01)
    assert s.allocation["consult"] == {L.AUTONOMOUS: 6000.0, L.ENHANCED: pytest.approx(4000)}


def test_minimum_gp_cover_forces_dearer_gps_and_prices_itself() -> None:
    # 0.58 WTE per 1,000 x 2,000 patients = 1.16 GP WTE: recruit 0.16 GP (GBP 16,000, 960 tasks);
    # the other 3,040 tasks by 1.01333 ANP WTE (GBP 40,533.33). Total GBP 56,533.33.
    # Each GP WTE the minimum forces costs 100,000 - 2 ANP x 40,000 = GBP 20,000 a year.
    # A task at the margin is an ANP's: 1/3,000 WTE x 40,000 = GBP 13.33; a GP hour does 6 tasks:
    # GBP 80, so one more GP WTE (1,000 hours) is worth GBP 80,000.
    s = solve(problem(min_gp_per_1000=0.58), CAT, TAX)
    assert s.recruits["GP_SALARIED"] == pytest.approx(0.16)
    assert s.recruits["NURSE_ANP"] == pytest.approx(3040 / 3000)
    assert s.cost == pytest.approx(56_533.333, abs=0.01)
    rows = by_key(s)
    assert rows["min_gp"].binding and rows["min_gp"].dual == pytest.approx(20_000)
    assert "costs £20,000 a year more" in rows["min_gp"].explanation
    assert rows["demand:consult"].dual == pytest.approx(40_000 / 3000)
    assert rows["hours:Autonomous"].dual == pytest.approx(-80)
    assert "Autonomous level (1,000.0 hours on tasks) is worth £80,000 a year" in (
        rows["hours:Autonomous"].explanation
    )


def test_training_places_limit_upskilling_and_get_a_price() -> None:
    # Two practice nurses can train as ANPs for GBP 10,000 a year each, 2 years' delay: starts in
    # 2017 and 2018 finish by 2020, 2 cohorts; 0.5 places a year -> at most 1 WTE trained.
    # Cost: 0.16 GP (16,000) + 1 upskilled ANP (10,000, 1,000 h = 3,000 tasks) + the last 40 tasks
    # by 0.013333 recruited ANP (533.33) = GBP 26,533.33. One more place a year = 2 more WTE
    # trained instead of recruited: 2 x (40,000 - 10,000) = GBP 60,000 a year.
    s = solve(
        problem(
            min_gp_per_1000=0.58,
            training_places=0.5,
            staff={"GP_SALARIED": 1.0, "NURSE_PRACTICE": 2.0},
            upskill={
                "anp_course": {
                    "from": "NURSE_PRACTICE",
                    "to": "NURSE_ANP",
                    "cost": 10_000,
                    "delay_years": 2,
                }
            },
        ),
        CAT,
        TAX,
    )
    assert s.upskills == {"anp_course": pytest.approx(1.0)}
    assert s.recruits["NURSE_ANP"] == pytest.approx(40 / 3000)
    assert s.cost == pytest.approx(26_533.333, abs=0.01)
    training = by_key(s)["training"]
    assert training.binding and training.dual == pytest.approx(-60_000)
    assert training.explanation == "One more training place a year is worth £60,000 a year."


def test_training_that_finishes_too_late_is_not_used() -> None:
    late = {"from": "NURSE_PRACTICE", "to": "NURSE_ANP", "cost": 1, "delay_years": 4}
    s = solve(
        problem(
            training_places=10,
            staff={"GP_SALARIED": 1.0, "NURSE_PRACTICE": 2.0},
            upskill={"x": late},
        ),
        CAT,
        TAX,
    )
    assert s.upskills["x"] == 0.0
    assert s.cost == pytest.approx(53_333.333, abs=0.01)


def test_workload_release_is_capacity_at_its_cost() -> None:
    # Releasing 100 GP hours a year per GP WTE for GBP 1,000: the one GP in post is covered (600
    # more tasks); 3,400 tasks left for 1.13333 ANP WTE (45,333.33). Total GBP 46,333.33.
    # Covering one more GP WTE would be worth 600 tasks x 13.33 - 1,000 = GBP 7,000 a year.
    s = solve(
        problem(release={"correspondence": {"hours_per_gp_wte": 100, "cost_per_gp_wte": 1000}}),
        CAT,
        TAX,
    )
    assert s.releases == {"correspondence": pytest.approx(1.0)}
    assert s.cost == pytest.approx(46_333.333, abs=0.01)
    assert by_key(s)["release:correspondence"].dual == pytest.approx(-7_000)


def test_locum_conversion_saves_its_premium() -> None:
    s = solve(problem(locum_conversion={"locum_wte": 2.5, "saving_per_wte": 45_000}), CAT, TAX)
    assert s.locums_converted == 2.5
    assert s.cost == pytest.approx(53_333.333 - 112_500, abs=0.01)
    assert by_key(s)["locum_conversion"].binding


def test_recruitment_cap_binds_and_is_priced() -> None:
    # At most 1 ANP WTE: 3,000 tasks; the last 1,000 by 1/6 GP WTE (16,666.67).
    # Total 40,000 + 16,666.67; one more ANP WTE allowed saves 3,000 x (16.67 - 13.33) = 10,000.
    s = solve(
        problem(
            recruit={"GP_SALARIED": {"cost": 100_000}, "NURSE_ANP": {"cost": 40_000, "max_wte": 1}}
        ),
        CAT,
        TAX,
    )
    assert s.cost == pytest.approx(56_666.667, abs=0.01)
    cap = by_key(s)["recruit:NURSE_ANP"]
    assert cap.binding and cap.dual == pytest.approx(-10_000)


def test_no_feasible_mix_is_a_clear_error() -> None:
    with pytest.raises(Infeasible, match="no mix of the levers meets the task demand of 2020"):
        solve(problem(budget=10_000), CAT, TAX)
    with pytest.raises(Infeasible):
        solve(problem(recruit={"NURSE_ANP": {"cost": 40_000, "max_wte": 1}}), CAT, TAX)


def test_demand_met_with_probability_p_uses_the_growth_quantile() -> None:
    # Growth uniform between 1.00 and 1.02 a year, 3 years: the 90th percentile of growth is
    # 1.018, so demand is 10,000 x 1.018^3 = 10,549.8 tasks; the shortfall of 4,549.8 tasks by
    # ANPs (3,000 a WTE at GBP 40,000) costs GBP 60,663.6. 1,000 draws: the percentile of growth
    # is within about 0.001 of 1.018 (0.003 on the factor, GBP 400 on the cost).
    growth = {"kind": "uniform", "low": 1.0, "high": 1.02}
    p90 = problem(growth=growth, probability=0.9)
    factor, basis = p90.demand_factor()
    assert factor == pytest.approx(1.018**3, abs=0.004)
    assert "a 90% chance" in basis and "1,000 draws" in basis
    assert solve(p90, CAT, TAX).cost == pytest.approx(60_663.6, abs=600)
    # the 10th percentile: 1.002^3 = 1.006; central (no probability): 1.01^3
    assert problem(growth=growth, probability=0.1).demand_factor()[0] == pytest.approx(
        1.002**3, abs=0.004
    )
    assert problem(growth=growth).demand_factor()[0] == pytest.approx(1.01**3)
