"""Human labels and units of scenario fields (the form, the tornado, the tables).

:data:`FIELDS` names each lever a person sets, by its field path with list indexes removed
(``cohort.leaving.annual_rate``): its label, its unit and the range the form offers. Fields not
listed fall back to the schema's description and a label made from the field's name.
:func:`parameter_label` turns a concrete path (``cohort.leaving[1].annual_rate``) into words,
naming which rule it belongs to from the scenario document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gpworkforce.labels import cost_group, lever


@dataclass(frozen=True, slots=True)
class FieldInfo:
    label: str
    unit: str = ""
    low: float | None = None
    high: float | None = None


SHARE = "share, 0 to 1"
SHARE_YEAR = "share a year, 0 to 1"
FIELDS: dict[str, FieldInfo] = {
    "name": FieldInfo("Name"),
    "description": FieldInfo("Description"),
    "seed": FieldInfo("Random seed", "whole number", 0, None),
    "hee_linear.baseline_wte": FieldInfo("GPs at the baseline", "WTE", 0, 100_000),
    "hee_linear.baseline_label": FieldInfo("Label of the baseline line"),
    "hee_linear.baseline_date": FieldInfo("Date of the baseline figure"),
    "hee_linear.years": FieldInfo("Years the forecast runs", "years", 1, 20),
    "hee_linear.over55_wte": FieldInfo("GPs aged over 55 at the baseline", "WTE", 0, 100_000),
    "hee_linear.over55_loss_rate": FieldInfo("Over-55s lost each year", SHARE_YEAR, 0, 1),
    "hee_linear.session_loss_rate": FieldInfo(
        "Sessions lost each year (fewer sessions, early leaving)", SHARE_YEAR, 0, 1
    ),
    "hee_linear.trainees_qualifying": FieldInfo(
        "Newly qualified GPs over the whole horizon", "people", 0, 100_000
    ),
    "hee_linear.trainee_retention": FieldInfo(
        "Newly qualified GPs who stay in the local workforce", SHARE, 0, 1
    ),
    "hee_linear.international_recruits": FieldInfo(
        "International recruits over the horizon", "WTE", 0, 100_000
    ),
    "hee_linear.substitutes.role": FieldInfo("Role of the substitute staff"),
    "hee_linear.substitutes.headcount": FieldInfo(
        "Substitute staff added over the horizon", "people", 0, 100_000
    ),
    "hee_linear.substitutes.basis": FieldInfo("Where the number comes from"),
    "hee_linear.staff_per_gp": FieldInfo(
        "Substitute staff that replace one GP", "staff per WTE GP", 0.1, 100
    ),
    "hee_linear.rounding": FieldInfo("Rounding of each line"),
    "target.label": FieldInfo("Label of the target line"),
    "target.per_1000": FieldInfo("Target per 1,000 registered patients", "WTE per 1,000", 0, 10),
    "target.wte": FieldInfo("Target", "WTE", 0, 100_000),
    "target.date": FieldInfo("Date the target should be met by"),
    "costs.salaried_gp_cost": FieldInfo("Annual cost of one salaried GP", "GBP a year", 0, 1e6),
    "costs.locum_premium": FieldInfo("Extra cost of locum cover over a salaried GP", SHARE, 0, 5),
    "correlation.draws": FieldInfo("How organisations share each draw"),
    "correlation.group_share": FieldInfo(
        "Share of draws in which a practice follows its ICB", SHARE, 0, 1
    ),
    "cohort.start": FieldInfo("Start date"),
    "cohort.years": FieldInfo("Years the forecast runs", "years", 1, 50),
    "cohort.step": FieldInfo("Time step"),
    "cohort.integration": FieldInfo("How each step is worked out"),
    "cohort.bands": FieldInfo("Age band"),
    "cohort.bands.label": FieldInfo("Label of the age band"),
    "cohort.bands.width_years": FieldInfo("Years a person spends in the band", "years", 0, 100),
    "cohort.classes": FieldInfo("Staff class"),
    "cohort.initial.csv": FieldInfo("Starting stocks file"),
    "cohort.initial.rows": FieldInfo("Starting stock"),
    "cohort.leaving": FieldInfo("Leaving rule"),
    "cohort.transitions": FieldInfo("Moving rule"),
    "cohort.participation": FieldInfo("Working-time rule"),
    "cohort.inflows": FieldInfo("Joiners"),
    "cohort.inflows.joining_profile": FieldInfo("Joining profile point"),
    "cohort.inflows.destinations": FieldInfo("Destination"),
    "cohort.inflows.attrition": FieldInfo("Share lost before joining", SHARE, 0, 1),
    "cohort.inflows.delay_months": FieldInfo("Delay before joining", "months", 0, 120),
    "cohort.demand.rule": FieldInfo("How demand is set"),
    "cohort.demand.per_1000": FieldInfo("Demand per 1,000 patients", "WTE per 1,000", 0, 10),
    "cohort.demand.driver": FieldInfo("What makes the list grow"),
    "cohort.demand.list_growth_rate": FieldInfo("Growth of the list", "share a year", -1, 1),
    "cohort.demand.population.file": FieldInfo("Population projection file"),
    "cohort.demand.population.area_codes": FieldInfo("ONS areas (codes)"),
    "cohort.demand.population.base_year": FieldInfo("Base year of the projection", "year"),
    "cohort.demand.population.weights": FieldInfo("Age weight"),
    "cohort.demand.need_trend": FieldInfo(
        "Change in GP time each patient needs", "share a year", -0.5, 0.5
    ),
    "cohort.demand.list_factor": FieldInfo("Scale on the registered lists", "factor", 0, 2),
    "cohort.demand.projection": FieldInfo("Population by year (published totals)"),
    "cohort.demand.projection.year": FieldInfo("Year of the population figure", "year"),
    "cohort.demand.projection.people": FieldInfo("Population that year", "people"),
    "cohort.demand.target_per_1000": FieldInfo(
        "Target GPs per 1,000 patients", "WTE per 1,000", 0, 10
    ),
    "cohort.demand.target_year": FieldInfo("Year the target is reached", "year"),
    "cohort.demand.population.layout": FieldInfo("Layout of the projection file"),
    "cohort.demand.population.more_files": FieldInfo("Further projection files"),
    "cohort.demand.population.growth_scale": FieldInfo(
        "Scale on the projected growth", "factor", 0, 10
    ),
    "cohort.pipeline": FieldInfo("Trainees in training at the start"),
    "cohort.pipeline.programme_years": FieldInfo(
        "Length of the training programme", "years", 1, 10
    ),
    "cohort.pipeline.in_training": FieldInfo("Trainees by year of training"),
    "cohort.pipeline.completion": FieldInfo("Share who complete training", SHARE, 0, 1),
    "cohort.pipeline.retention": FieldInfo("Share who stay after training", SHARE, 0, 1),
    "cohort.inflows.org_csv": FieldInfo("Joiners per organisation file"),
    "cohort.demand.patients": FieldInfo("Registered patients"),
    "cohort.demand.patients_csv": FieldInfo("Registered patients file"),
    "hee_linear.substitutes": FieldInfo("Substitutes"),
    "cohort.leaving.annual_rate": FieldInfo("Leaving rate", SHARE_YEAR, 0, 1),
    "cohort.transitions.annual_rate": FieldInfo("Moving rate", SHARE_YEAR, 0, 1),
    "cohort.participation.annual_change": FieldInfo(
        "Change in working time", "share a year, -1 to 1", -1, 1
    ),
    "cohort.inflows.per_year": FieldInfo("Joining each year", "people a year", 0, 100_000),
    "cohort.inflows.retention": FieldInfo("Share who stay", SHARE, 0, 1),
    "cohort.inflows.fte_per_head": FieldInfo("Working time of joiners", "WTE per person", 0, 2),
    "cohort.classes.supervision_gp_fte": FieldInfo(
        "GP time spent supervising one of these staff", "WTE", 0, 1
    ),
}

_INDEX = re.compile(r"\[\d+\]")


def generic_path(path: str) -> str:
    """``cohort.leaving[1].annual_rate`` -> ``cohort.leaving.annual_rate``."""
    return _INDEX.sub("", path)


def info(path: str, description: str = "") -> FieldInfo:
    found = FIELDS.get(generic_path(path))
    if found is not None:
        return found
    last = generic_path(path).rsplit(".", 1)[-1]
    return FieldInfo(last.replace("_", " ").capitalize())


def _item(document: dict[str, Any], section: str, key: str, index: int) -> dict[str, Any]:
    items = (document.get(section) or {}).get(key) or []
    return items[index] if 0 <= index < len(items) and isinstance(items[index], dict) else {}


CLASS_WORDS = {
    "*": "everyone",
    "GP": "GPs",
    "GP_LOCUM": "GP locums",
    "PHARMACIST": "pharmacists",
    "ANP": "ANPs",
}


def class_words(codes: list[str] | str) -> str:
    """Staff class codes in words (``GP_LOCUM`` -> "GP locums")."""
    items = [codes] if isinstance(codes, str) else list(codes)
    return " and ".join(CLASS_WORDS.get(c, c.replace("_", " ").lower()) for c in items)


def _rule_words(document: dict[str, Any], section: str, key: str, index: int) -> str:
    item = _item(document, section, key, index)
    bands = ", ".join(b.replace("under", "under ") for b in item.get("bands") or [] if b != "*")
    if key == "leaving":
        what = str(item.get("kind", "leaving")).replace("_", " ")
        who = class_words(item["classes"]) if item.get("classes") else ""
        where = ", ".join(w for w in (who, bands) if w)
        return f"Leaving ({what}{', ' + where if where else ''})"
    if key == "transitions":
        return (
            f"Moving ({class_words(item.get('from', '?'))} to {class_words(item.get('to', '?'))})"
        )
    if key == "participation":
        who = class_words(item.get("classes") or ["everyone"])
        return f"Working time ({who}, {bands})" if bands else f"Working time ({who})"
    if key == "inflows":
        return f"Joiners ({item.get('name', f'inflow {index + 1}')})"
    if key == "substitutes":
        return f"Substitutes ({cost_group(str(item['role'])) if item.get('role') else f'group {index + 1}'})"
    if key == "classes":
        words = class_words(str(item.get("code", index + 1)))
        return words[0].upper() + words[1:]
    return f"{key.replace('_', ' ').capitalize()} {index + 1}"


def item_words(document: dict[str, Any], section: str, key: str, index: int) -> str:
    """Which list item a path is in, in words from the document ("retirement, 55+")."""
    words = _rule_words(document, section, key, index)
    inner = words[words.find("(") + 1 : -1] if "(" in words else words.split(": ", 1)[-1]
    return inner


def parameter_label(path: str, document: dict[str, Any] | None = None) -> str:
    """Words for a scenario field path, from the project's labels catalogue
    (:func:`gpworkforce.labels.lever`), with each list item described from the document
    (``cohort.leaving[1].annual_rate`` -> "Leaving (early, under 55): rate a year")."""
    if not path.startswith(("cohort.", "hee_linear.")):
        return info(path).label  # costs, target: not levers of the catalogue
    m = re.match(r"^(\w+)\.(\w+)\[(\d+)\]\.", path)
    names = {}
    if m is not None:
        names[f"{m[1]}.{m[2]}[{m[3]}]"] = item_words(document or {}, m[1], m[2], int(m[3]))
    return lever(path, names)
