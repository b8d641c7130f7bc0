"""Small hand-made skill-mix catalogues, plan problems and practices for the tests (every figure
chosen to be worked by hand)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.catalogue import Catalogue, CatalogueFile, build_catalogue
from gpworkforce.skillmix.multiyear import Practices
from gpworkforce.skillmix.plan_problem import PlanProblem

LEVELS = {
    "Autonomous": {"rank": 4, "description": "a"},
    "Enhanced": {"rank": 3, "description": "e"},
    "Core": {"rank": 2, "description": "c"},
    "Foundation": {"rank": 1, "description": "f"},
}


def catalogue(tasks: dict[str, Any], roles: dict[str, Any] | None = None, hours: float = 1600):
    data = {
        "defaults": {"productive_hours": hours},
        "levels": LEVELS,
        "tasks": tasks,
        "roles": roles or {},
    }
    return build_catalogue(CatalogueFile.model_validate(data), load_taxonomy())


def one_task(gp_minutes: float, substitute_minutes: float, supervision: float = 0.0) -> Catalogue:
    """One consultation task shared by GPs (Autonomous) and substitutes placed at Enhanced."""
    return catalogue(
        {
            "consult": {
                "name": "Consultation",
                "per_1000": 1000,
                "minutes": {"Autonomous": gp_minutes, "Enhanced": substitute_minutes},
                "supervision": {"Enhanced": supervision},
            }
        },
        roles={"DPC_PHARMACIST": {"level": "Enhanced"}, "NURSE_ANP": {"level": "Enhanced"}},
    )


def consult_and_clinic(
    per_1000: float,
    autonomous: Any = 10,
    enhanced: Any = 20,
    supervision: Any = 2,
    anp_hours: Any = None,
    gp_hours: Any = None,
) -> Catalogue:
    """The multi-year plan's catalogue: ``per_1000`` consultations a year per 1,000 patients
    (``autonomous`` minutes at Autonomous, ``enhanced`` at Enhanced with ``supervision`` minutes of
    GP supervision) and 800 clinics (20 minutes at Enhanced, 25 at Core); ANPs work at Enhanced,
    practice nurses at Core; 1,000 productive hours a year unless ``anp_hours`` or ``gp_hours`` set
    the ANPs' or the salaried GPs'. Any figure may be a distribution (a dict with a ``kind``)."""
    anp: dict[str, Any] = {"level": "Enhanced"}
    if anp_hours is not None:
        anp["productive_hours"] = anp_hours
    roles: dict[str, Any] = {"NURSE_ANP": anp, "NURSE_PRACTICE": {"level": "Core"}}
    if gp_hours is not None:
        roles["GP_SALARIED"] = {"productive_hours": gp_hours}
    return catalogue(
        {
            "consult": {
                "name": "Consultation",
                "per_1000": per_1000,
                "minutes": {"Autonomous": autonomous, "Enhanced": enhanced},
                "supervision": {"Enhanced": supervision},
            },
            "clinic": {"name": "Clinic", "per_1000": 800, "minutes": {"Enhanced": 20, "Core": 25}},
        },
        roles=roles,
        hours=1000,
    )


# consult_and_clinic's uncertain figures: minutes, supervision and productive hours as ranges
UNCERTAIN_FIGURES: dict[str, Any] = {
    "autonomous": {"kind": "uniform", "low": 8, "high": 12},
    "enhanced": {"kind": "triangular", "low": 16, "mode": 20, "high": 26},
    "supervision": {"kind": "uniform", "low": 1, "high": 3},
    "anp_hours": {"kind": "normal", "mean": 1000, "sd": 80},
    "gp_hours": {"kind": "uniform", "low": 900, "high": 1100},
}

# plan_problem's levers beyond recruitment: keeping GPs who would leave, and releasing GP time
RETAIN = {"retain_cost": 20_000, "retain_share": 0.5}
LETTERS = {"letters": {"hours_per_gp_wte": 100, "cost_per_gp_wte": 2000}}
# ANPs as the property and chance tests cost them: 100 hours of supervision in their first year
SUPERVISED_ANP = {"cost": 45_000, "attrition": 0.1, "supervision_hours": [100]}


def plan_problem(
    name: str,
    years: int,
    *,
    gp: Mapping[str, Any],
    anp: Mapping[str, Any],
    delay_years: int,
    **more: Any,
) -> PlanProblem:
    """A plan of ``years`` years from 2017 for salaried GPs (GBP 100,000 a year, 10% leave a year;
    ``gp`` adds their recruits a year and retention), ANPs (``anp``) and practice nurses (GBP
    35,000, 5% leave), who may train as ANPs (GBP 6,000, a fifth of their time studying,
    ``delay_years`` to qualify), with a supervision share of 0.3. ``more``: the problem's other
    fields (training places, budget, growth, release, probability...)."""
    return PlanProblem.model_validate(
        {
            "name": name,
            "base_year": 2017,
            "years": years,
            "practices": "unused.csv",
            "supervision_share": 0.3,
            "roles": {
                "GP_SALARIED": {"cost": 100_000, "attrition": 0.1, **gp},
                "NURSE_ANP": dict(anp),
                "NURSE_PRACTICE": {"cost": 35_000, "attrition": 0.05},
            },
            "paths": {
                "nurse_to_anp": {
                    "from": "NURSE_PRACTICE",
                    "to": "NURSE_ANP",
                    "cost": 6000,
                    "delay_years": delay_years,
                    "study_share": 0.2,
                }
            },
            **more,
        }
    )


def practices(sizes: Sequence[float], staff: Mapping[str, Any]) -> Practices:
    """Practices P0, P1, ... ("Practice 0", ...) of ``sizes`` registered patients with ``staff``
    (role -> WTE in post, one figure a practice)."""
    n = len(sizes)
    return Practices(
        tuple(f"P{i}" for i in range(n)),
        tuple(f"Practice {i}" for i in range(n)),
        np.asarray(sizes, dtype=float),
        {role: np.asarray(wte, dtype=float) for role, wte in staff.items()},
    )
