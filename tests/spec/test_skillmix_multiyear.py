"""The multi-year practice optimiser against small problems solved by hand (working in each test).

Common ground (as tests/spec/test_skillmix_optimise.py): one consultation task, 5,000 a year per
1,000 patients, 2,000 patients, no growth: 10,000 tasks a year. A GP (Autonomous) takes 10 minutes,
an ANP (Enhanced) 20 minutes; every WTE works 1,000 hours on tasks, so a GP does 6,000 tasks a year
and an ANP 3,000. Pay a year: salaried GP GBP 100,000, ANP 40,000, practice nurse 30,000 (practice
nurses cannot do the task). GPs are not recruited. No discounting.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.multiyear import Practices, solve
from gpworkforce.skillmix.optimise import Infeasible
from gpworkforce.skillmix.plan_problem import PlanProblem
from skillmix_support import catalogue

CAT = catalogue(
    {
        "consult": {
            "name": "Consultation",
            "per_1000": 5000,
            "minutes": {"Autonomous": 10, "Enhanced": 20},
        }
    },
    roles={"NURSE_ANP": {"level": "Enhanced"}, "NURSE_PRACTICE": {"level": "Core"}},
    hours=1000,
)
TAX = load_taxonomy()
ONE = Practices(("P1",), ("Practice one",), np.array([2000.0]), {"GP_SALARIED": np.array([1.0])})


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


def test_recruits_in_the_first_year_stay_and_cost_every_year() -> None:
    # Year 1: 4,000 tasks short = 4/3 ANP recruited; year 2 they are still in post (no leaving),
    # nothing more. Cost of the levers: 4/3 x 40,000 x 2 years = GBP 106,666.67.
    s = solve(problem(), ONE, CAT, TAX)
    assert s.recruits["NURSE_ANP"][0] == pytest.approx([4 / 3, 0.0], abs=1e-9)
    assert s.cost == pytest.approx(106_666.667, abs=0.01)
    assert s.cost_by_year == pytest.approx([53_333.333, 53_333.333], abs=0.01)
    assert "GP_SALARIED" not in s.recruits


def test_leavers_are_replaced_year_by_year() -> None:
    # GPs leave at 10% a year: 0.9 WTE in year 1 (5,400 tasks), 0.81 in year 2 (4,860 tasks).
    # ANPs: 4,600 / 3,000 = 1.5333 in year 1, 5,140 / 3,000 = 1.71333 in year 2: recruit 1.5333
    # then 0.18. Cost: 40,000 x (1.5333 + 1.71333) = GBP 129,866.67 (the GPs who leave are the
    # baseline, not a lever).
    roles = {"GP_SALARIED": {"cost": 100_000, "recruit_a_year": 0, "attrition": 0.1}}
    s = solve(problem(roles=roles | {"NURSE_ANP": {"cost": 40_000}}), ONE, CAT, TAX)
    assert s.recruits["NURSE_ANP"][0] == pytest.approx([4600 / 3000, 0.18])
    assert s.stock["GP_SALARIED"][0] == pytest.approx([0.9, 0.81])
    assert s.cost == pytest.approx(129_866.667, abs=0.01)


def test_upskilling_with_a_delay_and_a_priced_training_place() -> None:
    # Three years; GPs leave at 50% a year: 0.5, 0.25, 0.125 WTE (3,000, 1,500, 750 tasks), so
    # 7/3, 17/6 and 37/12 ANP WTE are needed: 0.5 more in year 2 and 0.25 more in year 3.
    # Two practice nurses can train as ANPs in 1 year for GBP 5,000 each: a trainee costs
    # 5,000 + (40,000 - 30,000) a year in post as an ANP; a recruit costs 40,000 a year.
    # 0.4 training places a year: 0.4 start in 2018 (ANPs in 2019; 0.1 more recruited in 2019),
    # 0.25 start in 2019 (ANPs in 2020); a start in 2020 would finish after the plan.
    # Cost: ANP pay 40,000 x (28 + 34 + 37) / 12 = 330,000; nurses 0.4 and 0.65 fewer in years
    # 2 and 3: -30,000 x 1.05 = -31,500; training 5,000 x 0.65 = 3,250. Total GBP 301,750.
    # One more place in 2018: a trainee (5,000 + 10,000 x 2 years) instead of a recruit in 2019
    # (40,000 x 2 years): worth GBP 55,000 over the plan.
    roles = {
        "GP_SALARIED": {"cost": 100_000, "recruit_a_year": 0, "attrition": 0.5},
        "NURSE_ANP": {"cost": 40_000},
        "NURSE_PRACTICE": {"cost": 30_000, "recruit_a_year": 0},
    }
    paths = {
        "nurse_to_anp": {
            "from": "NURSE_PRACTICE",
            "to": "NURSE_ANP",
            "cost": 5000,
            "delay_years": 1,
        }
    }
    practices = Practices(
        ("P1",),
        ("Practice one",),
        np.array([2000.0]),
        {"GP_SALARIED": np.array([1.0]), "NURSE_PRACTICE": np.array([2.0])},
    )
    s = solve(problem(years=3, roles=roles, paths=paths, training_places=0.4), practices, CAT, TAX)
    assert s.starts["nurse_to_anp"][0] == pytest.approx([0.4, 0.25, 0.0], abs=1e-9)
    assert s.recruits["NURSE_ANP"][0] == pytest.approx([7 / 3, 0.1, 0.0], abs=1e-9)
    assert s.stock["NURSE_PRACTICE"][0] == pytest.approx([2.0, 1.6, 1.35])
    assert s.cost == pytest.approx(301_750, abs=0.01)
    places = [e for e in s.binding() if e.kind == "training"]
    assert [(e.year, round(abs(e.dual), 2)) for e in places] == [(2018, 55_000.0)]
    assert (
        places[0].explanation == "One more training place in 2018 is worth £55,000 over the plan."
    )


def test_new_recruits_cost_gp_supervision_in_their_first_year() -> None:
    # One year. Each ANP recruited needs 300 GP hours in its first year: the GP's 1,000 hours
    # less 300 r do 6 tasks an hour, the ANPs 3,000 r: 6,000 - 1,800 r + 3,000 r = 10,000, so
    # r = 10/3 WTE (GBP 133,333.33), not the 4/3 of the unsupervised case.
    roles = {
        "GP_SALARIED": {"cost": 100_000, "recruit_a_year": 0},
        "NURSE_ANP": {"cost": 40_000, "supervision_hours": [300]},
    }
    s = solve(problem(years=1, roles=roles), ONE, CAT, TAX)
    assert s.recruits["NURSE_ANP"][0] == pytest.approx([10 / 3])
    assert s.cost == pytest.approx(133_333.333, abs=0.01)


def test_minimum_gp_cover_per_practice_and_a_shared_recruitment_cap() -> None:
    # Two practices of 2,000 patients, each with 1 GP; GPs can be recruited (GBP 100,000) but
    # the ICS finds at most 0.1 GP WTE a year. 0.58 GP WTE per 1,000 patients = 1.16 WTE a
    # practice: 0.16 more each, 0.32 in all > 0.1 a year: infeasible in year 1.
    roles = {
        "GP_SALARIED": {"cost": 100_000, "recruit_a_year": 0.1},
        "NURSE_ANP": {"cost": 40_000},
    }
    two = Practices(
        ("P1", "P2"),
        ("One", "Two"),
        np.array([2000.0, 2000.0]),
        {"GP_SALARIED": np.array([1.0, 1.0])},
    )
    with pytest.raises(Infeasible, match="every plan year"):
        solve(problem(roles=roles, min_gp_per_1000=0.58), two, CAT, TAX)
    # At 0.52 per 1,000 over one year: 1.04 WTE a practice, 0.08 recruited in all (GBP 8,000);
    # the other tasks by ANPs: per practice 10,000 - 1.04 x 6,000 = 3,760 tasks = 1.25333 WTE,
    # x 2 practices x 40,000 = 100,266.67. Total GBP 108,266.67. The cap (0.1) does not bind; the
    # minimum cover binds in both practices: each GP WTE it requires costs 100,000 - 2 x 40,000 =
    # GBP 20,000 more than the ANPs it displaces.
    s = solve(problem(years=1, roles=roles, min_gp_per_1000=0.52), two, CAT, TAX)
    assert s.recruits["GP_SALARIED"][:, 0] == pytest.approx([0.04, 0.04])
    assert s.cost == pytest.approx(108_266.667, abs=0.01)
    cover = [e for e in s.binding() if e.kind == "min_gp"]
    assert [(e.year, e.binding, e.rows, round(e.dual)) for e in cover] == [(2018, 2, 2, 20_000)]
    assert "binds in 2 of 2 practices in 2018" in cover[0].explanation
    assert "costs £20,000 over the plan" in cover[0].explanation
    assert not [e for e in s.binding() if e.kind == "recruit_cap"]


def test_probability_meets_the_quantile_of_the_draws() -> None:
    # Growth uniform on [1.0, 1.2]: growth ** 1 has its 90th percentile near 1.18 over 1,000
    # draws (the order statistic of the draws, not the distribution's 1.18 exactly): year-1 demand
    # is 10,000 x q, the ANPs (10,000 q - 6,000) / 3,000.
    p = problem(
        years=1,
        growth={"kind": "uniform", "low": 1.0, "high": 1.2},
        probability=0.9,
    )
    factors, _ = p.demand_factors()
    assert factors[0] == pytest.approx(1.18, abs=0.01)
    s = solve(p, ONE, CAT, TAX)
    assert s.recruits["NURSE_ANP"][0, 0] == pytest.approx((10_000 * factors[0] - 6000) / 3000)
    assert "90th percentile of 1,000 draws" in s.demand_basis
