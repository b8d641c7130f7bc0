"""Properties of the skill-mix arithmetic: the flat substitution ratio is a special case of the task
model for any numbers, and more hours at any level never lower the capacity for a task."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.domain.taxonomy import SkillLevel as L
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.skillmix.mix import (
    flat_ratio_gp_equivalent,
    gp_equivalent_wte,
    supply_hours,
    task_capacity,
)
from gpworkforce.skillmix.optimise import solve
from gpworkforce.skillmix.problem import Problem
from skillmix_support import one_task

TAX = load_taxonomy()
WTE = st.floats(min_value=0.0, max_value=2000.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    gps=WTE,
    subs=WTE,
    ratio=st.floats(min_value=1.0, max_value=6.0),
    gp_minutes=st.floats(min_value=3.0, max_value=30.0),
    sup_share=st.floats(min_value=0.0, max_value=0.9),
)
def test_flat_ratio_equals_the_one_task_special_case(
    gps: float, subs: float, ratio: float, gp_minutes: float, sup_share: float
) -> None:
    # supervision minutes per substitute task, kept below a GP's own time for the task
    supervision = sup_share * gp_minutes
    cat = one_task(gp_minutes, ratio * gp_minutes, supervision=supervision)
    hours = supply_hours(cat, {"GP_SALARIED": gps, "NURSE_ANP": subs})
    if supervision * subs / (ratio * gp_minutes) > gps:  # not enough GPs to supervise
        return
    got = gp_equivalent_wte(cat, hours, "consult", gp_hours=1600)
    # supervision as GP WTE per substitute WTE: (tasks a substitute does) x supervision / GP time
    expected = flat_ratio_gp_equivalent(gps, subs, ratio, supervision / (ratio * gp_minutes))
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(
    a=WTE,
    e=WTE,
    extra=st.floats(min_value=0.0, max_value=500.0),
    level=st.sampled_from([L.AUTONOMOUS, L.ENHANCED]),
)
def test_more_hours_never_lower_capacity(a: float, e: float, extra: float, level: L) -> None:
    cat = one_task(10, 20, supervision=1)
    hours = {L.AUTONOMOUS: a, L.ENHANCED: e}
    more = {**hours, level: hours[level] + extra}
    # with supervision unmet, capacity may stop growing but must never fall
    assert task_capacity(cat, more, "consult") >= task_capacity(cat, hours, "consult") - 1e-9


# --- the optimiser ---------------------------------------------------------------------------------
def _lp_problem(staff: dict[str, float], places: float, gp_min: float, patients: float) -> Problem:
    return Problem.model_validate(
        {
            "name": "prop",
            "base_year": 2020,
            "target_year": 2023,
            "patients": patients,
            "growth": 1.01,
            "min_gp_per_1000": gp_min,
            "training_places": places,
            "staff": staff,
            "recruit": {
                "GP_SALARIED": {"cost": 112_000},
                "NURSE_ANP": {"cost": 60_000},
                "NURSE_SPECIALIST": {"cost": 50_000},
                "NURSE_PRACTICE": {"cost": 45_000},
                "ADMIN_RECEPTION": {"cost": 25_000},
            },
            "upskill": {
                "anp": {
                    "from": "NURSE_PRACTICE",
                    "to": "NURSE_ANP",
                    "cost": 20_000,
                    "delay_years": 2,
                }
            },
            "release": {"correspondence": {"hours_per_gp_wte": 161.25, "cost_per_gp_wte": 2_000}},
        }
    )


STAFF_ROLES = ("GP_SALARIED", "NURSE_ANP", "NURSE_PRACTICE", "ADMIN_RECEPTION")


@settings(max_examples=15, deadline=None)
@given(
    staff=st.tuples(*[st.floats(min_value=0.0, max_value=20.0) for _ in STAFF_ROLES]),
    role=st.sampled_from(STAFF_ROLES),
    extra=st.floats(min_value=0.0, max_value=10.0),
    places=st.floats(min_value=0.0, max_value=5.0),
    more_places=st.floats(min_value=0.0, max_value=5.0),
    gp_min=st.floats(min_value=0.0, max_value=0.8),
    patients=st.floats(min_value=1_000.0, max_value=30_000.0),
)
def test_more_capacity_never_raises_the_optimal_cost(
    staff: tuple[float, ...],
    role: str,
    extra: float,
    places: float,
    more_places: float,
    gp_min: float,
    patients: float,
) -> None:
    cat = load_catalogue()
    base = dict(zip(STAFF_ROLES, staff, strict=True))
    before = solve(_lp_problem(base, places, gp_min, patients), cat, TAX).cost
    more_staff = {**base, role: base[role] + extra}
    after_staff = solve(_lp_problem(more_staff, places, gp_min, patients), cat, TAX).cost
    after_places = solve(_lp_problem(base, places + more_places, gp_min, patients), cat, TAX).cost
    tolerance = 1e-6 * max(1.0, abs(before))
    assert after_staff <= before + tolerance
    assert after_places <= before + tolerance


@settings(max_examples=25, deadline=None)
@given(
    gps=st.floats(min_value=0.0, max_value=50.0),
    ratio=st.floats(min_value=1.0, max_value=5.0),
    patients=st.floats(min_value=1_000.0, max_value=100_000.0),
    sub_cost=st.floats(min_value=1_000.0, max_value=200_000.0),
)
def test_optimal_substitutes_follow_the_flat_ratio(
    gps: float, ratio: float, patients: float, sub_cost: float
) -> None:
    # Only substitutes can be recruited, at `ratio` times a GP's minutes per task: the WTE needed
    # is the flat-ratio arithmetic, ratio x the GP WTE short (GP-equivalent demand - GPs in post).
    cat = one_task(10, 10 * ratio)
    p = Problem.model_validate(
        {
            "name": "flat",
            "base_year": 2020,
            "target_year": 2020,
            "patients": patients,
            "staff": {"GP_SALARIED": gps},
            "recruit": {"NURSE_ANP": {"cost": sub_cost}},
        }
    )
    solution = solve(p, cat, TAX)
    gp_needed = patients / 1000 * 1000 * 10 / 60 / 1600  # tasks x GP minutes / GP hours a year
    substitutes = ratio * max(gp_needed - gps, 0.0)
    assert solution.recruits["NURSE_ANP"] == pytest.approx(substitutes, rel=1e-7, abs=1e-7)
    assert solution.cost == pytest.approx(substitutes * sub_cost, rel=1e-7, abs=1e-3)
