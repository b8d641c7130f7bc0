"""A solved optimisation as a scenario's additions (skillmix/adopt.py, decision 0090), against
small problems worked by hand.

Common ground (as tests/spec/test_skillmix_optimise.py): one consultation task, 10,000 a year;
a GP (Autonomous) takes 10 minutes, an ANP (placed at Enhanced) 20 minutes; every WTE works 1,000
hours on tasks; one salaried GP is in post (6,000 tasks), 4,000 tasks a year are short.
"""

from __future__ import annotations

from typing import Any

import pytest

from gpworkforce.domain.taxonomy import SkillLevel as L
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.adopt import adoption, net_additions
from gpworkforce.skillmix.optimise import Solution, solve
from gpworkforce.skillmix.problem import Problem
from skillmix_support import catalogue

TAX = load_taxonomy()


def cat(supervision: float = 0.0) -> Any:
    return catalogue(
        {
            "consult": {
                "name": "Consultation",
                "per_1000": 5000,
                "minutes": {"Autonomous": 10, "Enhanced": 20},
                "supervision": {"Enhanced": supervision},
            }
        },
        roles={"NURSE_ANP": {"level": "Enhanced"}},
        hours=1000,
    )


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


def test_substitutes_without_supervision_count_at_the_task_ratio() -> None:
    # 4,000 tasks at 20 minutes: 4/3 ANP WTE. An ANP hour does 3 tasks a GP would do in 30
    # minutes: 0.5 GP hours, so 2 ANP WTE replace one GP WTE; 4/3 / 2 = 2/3 GP WTE, the GP
    # time the 4,000 tasks would take (40,000 minutes = 666.7 of 1,000 hours).
    p, c = problem(), cat()
    a = adoption(solve(p, c, TAX), p, c, TAX)
    assert a.gp_wte == 0.0
    assert a.substitutes == (("NURSE_ANP", pytest.approx(4 / 3)),)
    assert a.staff_per_gp == pytest.approx(2.0)
    assert a.gp_equivalent == pytest.approx(2 / 3)


def test_supervision_lowers_what_a_substitute_is_worth() -> None:
    # 1 minute of GP supervision a task done by an ANP (an ANP task costs GBP 13.33 + a tenth of
    # a GP task, 1.67 = 15, less than a GP's 16.67). The GP's 60,000 minutes: 10 x_A + x_E <=
    # 60,000 and x_A + x_E = 10,000 give x_E = 40,000 / 9 = 4,444.4 tasks (4/3 x 10/9 = 40/27
    # ANP WTE). An ANP hour (3 tasks) saves 3 x (10 - 1) = 27 GP minutes: 0.45 GP hours, so
    # 1 / 0.45 = 2.22 ANP WTE a GP WTE; 40/27 x 0.45 = 2/3 GP WTE again (the same 4,000 tasks).
    p, c = problem(), cat(supervision=1.0)
    s = solve(p, c, TAX)
    assert s.allocation["consult"][L.ENHANCED] == pytest.approx(40_000 / 9)
    a = adoption(s, p, c, TAX)
    assert a.substitutes == (("NURSE_ANP", pytest.approx(40 / 27)),)
    assert a.staff_per_gp == pytest.approx(1 / 0.45)
    assert a.gp_equivalent == pytest.approx(2 / 3)


def test_gps_the_minimum_cover_forces_are_gp_recruits() -> None:
    # 1 GP WTE per 1,000 of 2,000 patients: 2 GP WTE, one more than in post; that GP does 6,000
    # tasks, so with the GP in post all 10,000 and no ANP is needed.
    p, c = problem(min_gp_per_1000=1.0), cat()
    a = adoption(solve(p, c, TAX), p, c, TAX)
    assert a.gp_wte == pytest.approx(1.0)
    assert a.substitutes == ()
    assert a.staff_per_gp is None
    assert a.gp_equivalent == 0.0


def test_upskilling_adds_to_one_role_and_takes_from_another() -> None:
    p = problem(
        staff={"GP_SALARIED": 1.0, "NURSE_PRACTICE": 3.0},
        upskill={
            "nurse_to_anp": {
                "from": "NURSE_PRACTICE",
                "to": "NURSE_ANP",
                "cost": 1,
                "delay_years": 1,
            }
        },
    )
    s = Solution(
        problem="hand",
        cost=0.0,
        recruits={"GP_SALARIED": 0.5, "NURSE_ANP": 0.25},
        upskills={"nurse_to_anp": 1.0},
        releases={},
        locums_converted=0.0,
        allocation={},
        demand={},
        constraints=(),
    )
    assert net_additions(s, p) == {"GP_SALARIED": 0.5, "NURSE_ANP": 1.25, "NURSE_PRACTICE": -1.0}


def test_workload_release_is_stated_not_counted() -> None:
    # No GP can be recruited. Releasing 500 hours a GP WTE covered at GBP 1 is cheaper than an
    # ANP: the GP in post covered (at most the GP WTE in post) gains 500 hours = 3,000 tasks; the
    # last 1,000 tasks by 1/3 ANP WTE. 500 hours = 0.5 GP WTE released, which the HEE arithmetic
    # cannot carry.
    p = problem(
        recruit={"NURSE_ANP": {"cost": 40_000}},
        release={"mail": {"hours_per_gp_wte": 500, "cost_per_gp_wte": 1}},
    )
    c = cat()
    a = adoption(solve(p, c, TAX), p, c, TAX)
    assert a.released_gp_wte == pytest.approx(0.5)
    assert a.substitutes == (("NURSE_ANP", pytest.approx(1 / 3)),)
    assert any("0.5 GP WTE" in n for n in a.notes)
