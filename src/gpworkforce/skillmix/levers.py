"""An organisation's one-year optimisation problem from a few choices (the web's form): the
packaged lever library (``data/skillmix/levers.toml``: recruitment by role, upskilling paths,
workload release, locum conversion, with costs and sources), the organisation's staff in post and
registered patients, and the analyst's target year, probability, budget, training places and
levers allowed. Pure: no I/O but reading the packaged library."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.plan_problem import PlanProblem
from gpworkforce.skillmix.problem import Problem

LEVERS = {
    "recruit": "Recruitment by role",
    "upskill": "Upskilling (uses training places)",
    "release": "Workload release (e.g. clinical correspondence management)",
    "locum_conversion": "Locum conversion to salaried contracts",
}
RELEASE_NAMES = {"correspondence_management": "clinical correspondence management"}
LOCUM_ROLE = "GP_LOCUM"


def library_text() -> str:
    return (
        resources.files("gpworkforce.data").joinpath("skillmix", "levers.toml").read_text("utf-8")
    )


def library() -> dict[str, Any]:
    return tomllib.loads(library_text())


@dataclass(frozen=True, slots=True)
class Choices:
    """What the analyst sets: the problem's target year against the staff's base year, the
    probability the task demand is met with (None: central growth), the budget (GBP a year for
    the levers; None: none), training places a year, the levers allowed (keys of ``LEVERS``),
    the minimum GP cover (WTE per 1,000 patients) and the share of today's staff still in post in
    the target year."""

    base_year: int
    target_year: int
    probability: float | None
    budget: float | None
    training_places: float
    levers: frozenset[str]
    min_gp_per_1000: float = 0.0
    staff_share: float = 1.0


def organisation_problem(
    name: str,
    staff: Mapping[str, float],
    patients: float,
    choices: Choices,
    catalogue: Catalogue,
    levers: Mapping[str, Any] | None = None,
) -> Problem:
    """The one-year :class:`Problem` for an organisation: staff in post (scaled by
    ``staff_share``) and patients from its baseline, the levers of ``levers`` (default: the
    packaged library) the choices allow. Roles the catalogue does not know are left out; locum
    conversion is offered for the locum GP WTE in post (none: not offered)."""
    lib = dict(library() if levers is None else levers)
    allowed = choices.levers
    in_post = {
        code: wte * choices.staff_share
        for code, wte in staff.items()
        if code in catalogue.roles and wte > 0
    }
    data: dict[str, Any] = {
        k: v
        for k, v in lib.items()
        if k not in ("recruit", "upskill", "release", "locum_conversion")
    }
    data |= {
        "name": name,
        "base_year": choices.base_year,
        "target_year": choices.target_year,
        "patients": patients,
        "staff": in_post,
        "training_places": choices.training_places,
        "min_gp_per_1000": choices.min_gp_per_1000,
    }
    if choices.probability is not None:
        data["probability"] = choices.probability
    if choices.budget is not None:
        data["budget"] = choices.budget
    if "recruit" in allowed:
        data["recruit"] = {c: r for c, r in lib.get("recruit", {}).items() if c in catalogue.roles}
    if "upskill" in allowed:
        data["upskill"] = {
            n: u
            for n, u in lib.get("upskill", {}).items()
            if u["from"] in catalogue.roles and u["to"] in catalogue.roles
        }
    if "release" in allowed:
        data["release"] = dict(lib.get("release", {}))
    locums = float(staff.get(LOCUM_ROLE, 0.0)) * choices.staff_share
    if "locum_conversion" in allowed and "locum_conversion" in lib and locums > 0:
        data["locum_conversion"] = {**lib["locum_conversion"], "locum_wte": locums}
    return Problem.model_validate(data)


def upskill_label(problem: Problem, key: str, catalogue: Catalogue) -> str:
    u = problem.upskill[key]
    return f"{catalogue.roles[u.from_role].name} to {catalogue.roles[u.to_role].name}"


def release_label(key: str) -> str:
    return RELEASE_NAMES.get(key, key.replace("_", " "))


# ---- the multi-year plan of an organisation (the web's /skill-mix/<org>/plan/) ---------------------


def plan_library() -> dict[str, Any]:
    """The packaged levers of the multi-year plan (``data/skillmix/plan-levers.toml``)."""
    text = (
        resources.files("gpworkforce.data")
        .joinpath("skillmix", "plan-levers.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


@dataclass(frozen=True, slots=True)
class PlanChoices:
    """What the analyst sets for a multi-year plan: its years after the base year, the probability
    each year's task demand is met with (None: central values), training places a year, the
    minimum GP cover (WTE per 1,000 patients), the budget (GBP a year; None: none) and whether the
    practices are planned one by one or the organisation as one."""

    base_year: int
    years: int
    probability: float | None
    training_places: float
    min_gp_per_1000: float
    budget: float | None
    by_practice: bool


def organisation_plan_problem(
    name: str, choices: PlanChoices, catalogue: Catalogue, levers: Mapping[str, Any] | None = None
) -> PlanProblem:
    """The multi-year :class:`PlanProblem` of the choices with the packaged levers (roles the
    catalogue does not know left out); its practices are given separately."""
    lib = dict(plan_library() if levers is None else levers)
    roles = {c: r for c, r in lib.pop("roles", {}).items() if c in catalogue.roles}
    paths = {
        n: p
        for n, p in lib.pop("paths", {}).items()
        if p["from"] in catalogue.roles and p["to"] in catalogue.roles
    }
    data: dict[str, Any] = lib | {
        "name": name,
        "base_year": choices.base_year,
        "years": choices.years,
        "practices": "(the organisation's practices)",
        "training_places": choices.training_places,
        "min_gp_per_1000": choices.min_gp_per_1000,
        "roles": roles,
        "paths": paths,
    }
    if choices.probability is not None:
        data["probability"] = choices.probability
    if choices.budget is not None:
        data["budget"] = choices.budget
    return PlanProblem.model_validate(data)
