"""Uncertain task minutes and productive hours in the multi-year optimiser: each level's hours are
met with probability p over the draws, the p-quantile taken of hours needed minus hours available
in each draw, all inputs of the draw together (docs/skillmix.md, "Uncertain minutes and hours").

Ground (tests/spec/test_skillmix_multiyear.py): 10,000 consultations a year; 1 salaried GP WTE
(10 minutes, 1,000 hours: 6,000 consultations), not recruited; ANPs (Enhanced) recruited at
GBP 40,000. Uncertain: the ANP's minutes, two points {20, 30} (central 25), and the ANP's
productive hours, two points {1,000, 750} (central 875), independent: four draws equally likely.

The ANPs do 4,000 consultations (the GP's 6,000 are all the GP can do), so in draw (m, h) they
need 4,000 x m / 60 / h WTE:
    (20, 1,000) 1.3333   (20, 750) 1.7778   (30, 1,000) 2.0   (30, 750) 2.6667
Met in 3 of 4 draws (p = 0.75): 2.0 WTE, the 3rd smallest. Each input at its own quantile
instead (the 75th percentile of minutes, 30, with the 25th of hours, 750) would ask 2.6667 WTE:
every draw, not 3 in 4. With p = 0.5: the 2nd smallest, 1.7778.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import ValidationFailed
from gpworkforce.skillmix.io import catalogue_from
from gpworkforce.skillmix.multiyear import Practices, parameter_draws, solve
from gpworkforce.skillmix.plan_problem import PlanProblem
from skillmix_support import catalogue

MINUTES = "tasks.consult.minutes.Enhanced"
HOURS = "roles.NURSE_ANP.productive_hours"
CAT = catalogue(
    {
        "consult": {
            "name": "Consultation",
            "per_1000": 5000,
            "minutes": {"Autonomous": 10, "Enhanced": {"kind": "uniform", "low": 20, "high": 30}},
        }
    },
    roles={
        "NURSE_ANP": {
            "level": "Enhanced",
            "productive_hours": {"kind": "uniform", "low": 750, "high": 1000},
        }
    },
    hours=1000,
)
TAX = load_taxonomy()
ONE = Practices(("P1",), ("Practice one",), np.array([2000.0]), {"GP_SALARIED": np.array([1.0])})
# the two-point distributions, every pair once: four draws equally likely
TWO_POINT = {MINUTES: np.array([20.0, 20.0, 30.0, 30.0]), HOURS: np.array([1000.0, 750, 1000, 750])}


def problem(**changes: Any) -> PlanProblem:
    base: dict[str, Any] = {
        "name": "hand",
        "base_year": 2017,
        "years": 2,
        "practices": "unused.csv",
        "roles": {
            "GP_SALARIED": {"cost": 100_000, "recruit_a_year": 0},
            "NURSE_ANP": {"cost": 40_000},
        },
    }
    return PlanProblem.model_validate(base | changes)


def test_the_catalogue_keeps_central_values_and_the_distributions() -> None:
    assert CAT.task("consult").minutes["Enhanced"] == 25.0
    assert CAT.roles["NURSE_ANP"].productive_hours == 875.0
    assert set(CAT.uncertain) == {MINUTES, HOURS}


def test_the_quantile_is_of_the_combined_gap_per_draw() -> None:
    s = solve(problem(probability=0.75), ONE, CAT, TAX, draws=TWO_POINT)
    assert s.recruits["NURSE_ANP"][0] == pytest.approx([2.0, 0.0], abs=1e-9)
    assert s.cost == pytest.approx(2.0 * 40_000 * 2, abs=0.01)
    assert "at least 75.0% of the draws" in s.demand_basis
    # not each input at its own quantile (8/3 WTE)
    assert s.recruits["NURSE_ANP"][0, 0] < 8 / 3 - 0.5
    half = solve(problem(probability=0.5), ONE, CAT, TAX, draws=TWO_POINT)
    assert half.recruits["NURSE_ANP"][0] == pytest.approx([4000 * 20 / 60 / 750, 0.0], abs=1e-9)
    # without a probability: the central values, 4,000 x 25 / 60 / 875 = 1.9048 WTE
    central = solve(problem(), ONE, CAT, TAX, draws=TWO_POINT)
    assert central.recruits["NURSE_ANP"][0, 0] == pytest.approx(4000 * 25 / 60 / 875, abs=1e-9)


def test_uncertain_gp_hours_make_the_gp_share_a_chance_constraint() -> None:
    # GP productive hours two points {1,200, 900} (central 1,050), ANP certain (20 minutes, 1,000
    # hours). The ANPs do 10,000 - 6 x GP hours consultations: 2,800 (2,800 x 20 / 60 / 1,000 =
    # 0.9333 WTE) in the first draw, 4,600 (1.5333 WTE) in the second. p = 0.5 over the two
    # draws: the 1st smallest gap, 0.9333; p = 0.6: both, 1.5333.
    cat = catalogue(
        {
            "consult": {
                "name": "Consultation",
                "per_1000": 5000,
                "minutes": {"Autonomous": 10, "Enhanced": 20},
            }
        },
        roles={
            "NURSE_ANP": {"level": "Enhanced"},
            "GP_SALARIED": {"productive_hours": {"kind": "uniform", "low": 900, "high": 1200}},
        },
        hours=1000,
    )
    gp = {"roles.GP_SALARIED.productive_hours": np.array([1200.0, 900.0])}
    s = solve(problem(probability=0.5), ONE, cat, TAX, draws=gp)
    assert s.recruits["NURSE_ANP"][0, 0] == pytest.approx(2800 * 20 / 60 / 1000, abs=1e-9)
    s = solve(problem(probability=0.6), ONE, cat, TAX, draws=gp)
    assert s.recruits["NURSE_ANP"][0, 0] == pytest.approx(4600 * 20 / 60 / 1000, abs=1e-9)


def test_draws_are_seeded_and_only_made_with_a_probability() -> None:
    assert parameter_draws(problem(), CAT) is None
    a = parameter_draws(problem(probability=0.9, draws=50), CAT)
    b = parameter_draws(problem(probability=0.9, draws=50), CAT)
    assert a is not None and b is not None and set(a) == {MINUTES, HOURS}
    assert np.array_equal(a[MINUTES], b[MINUTES]) and len(a[HOURS]) == 50
    assert a[MINUTES].min() >= 20 and a[MINUTES].max() <= 30
    # drawn: the chance-constrained need lies between the central and the worst draw
    s = solve(problem(probability=0.9, draws=400), ONE, CAT, TAX)
    assert 4000 * 25 / 60 / 875 < s.recruits["NURSE_ANP"][0, 0] < 4000 * 30 / 60 / 750


def test_a_distribution_that_can_reach_zero_minutes_is_named() -> None:
    bad = {"kind": "normal", "mean": 10, "sd": 4}  # 3 sd below the mean: -2 minutes
    with pytest.raises(ValidationFailed) as err:
        catalogue_from({"tasks": {"home_visit": {"minutes": {"Autonomous": bad}}}})
    text = str(err.value.issues[0])
    assert "tasks.home_visit.minutes.Autonomous" in text and "-2" in text
    good = catalogue_from(
        {
            "tasks": {
                "home_visit": {"minutes": {"Autonomous": {"kind": "normal", "mean": 10, "sd": 2}}}
            }
        }
    )
    assert good.task("home_visit").minutes["Autonomous"] == 10.0
    assert "tasks.home_visit.minutes.Autonomous" in good.uncertain
