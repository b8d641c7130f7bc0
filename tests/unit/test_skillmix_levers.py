"""An organisation's problem from the web form's choices (skillmix/levers.py)."""

from __future__ import annotations

import pytest

from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.skillmix.levers import LEVERS, Choices, library, organisation_problem

CAT = load_catalogue()
STAFF = {"GP_PARTNER": 10.0, "GP_LOCUM": 2.0, "NURSE_PRACTICE": 4.0, "NOT_A_ROLE": 3.0}


def choices(**changes: object) -> Choices:
    base: dict[str, object] = {
        "base_year": 2017,
        "target_year": 2020,
        "probability": 0.9,
        "budget": 1e6,
        "training_places": 5,
        "levers": frozenset(LEVERS),
    }
    return Choices(**(base | changes))  # type: ignore[arg-type]


def test_every_lever_of_the_library_with_the_choices() -> None:
    p = organisation_problem("X", STAFF, 10_000, choices(staff_share=0.5), CAT)
    lib = library()
    assert set(p.recruit) == set(lib["recruit"]) and set(p.upskill) == set(lib["upskill"])
    assert set(p.release) == set(lib["release"])
    assert p.staff == {"GP_PARTNER": 5.0, "GP_LOCUM": 1.0, "NURSE_PRACTICE": 2.0}
    assert p.locum_conversion is not None and p.locum_conversion.locum_wte == 1.0
    assert (p.probability, p.budget, p.training_places, p.target_year) == (0.9, 1e6, 5, 2020)
    assert p.recruit["GP_SALARIED"].cost == 112_000


def test_levers_not_allowed_are_left_out() -> None:
    p = organisation_problem("X", STAFF, 10_000, choices(levers=frozenset({"recruit"})), CAT)
    assert p.recruit and not p.upskill and not p.release and p.locum_conversion is None
    q = organisation_problem("X", STAFF, 10_000, choices(levers=frozenset({"release"})), CAT)
    assert not q.recruit and q.release


def test_no_locums_no_locum_conversion_and_no_probability_means_central_growth() -> None:
    p = organisation_problem(
        "X", {"GP_PARTNER": 1.0}, 1000, choices(probability=None, budget=None), CAT
    )
    assert p.locum_conversion is None and p.budget is None
    factor, basis = p.demand_factor()
    assert basis.startswith("central growth") and factor == pytest.approx(1.007**3)
