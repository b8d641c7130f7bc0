"""The skill-mix computations the pages and the task need, from the web's data (the dashboards'
inputs: accepted returns and published GPW figures): the view of an organisation (current mix,
the optimum for its task demand, the optimum after N years), the problem an analyst's choices
make, and a solved problem as plain data kept with the optimisation. Pure of the request."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce.baseline import SourceKind
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import UserError
from gpworkforce.labels import plural
from gpworkforce.reports.model import ReportChart
from gpworkforce.skillmix.adopt import adoption, net_additions
from gpworkforce.skillmix.adopt_plan import cohort_scenario
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.inputs import baseline_inputs, practice_inputs
from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.skillmix.levers import (
    Choices,
    PlanChoices,
    organisation_plan_problem,
    organisation_problem,
    release_label,
    upskill_label,
)
from gpworkforce.skillmix.mix import SkillMixView, skill_mix_view, wte_by_level
from gpworkforce.skillmix.multiyear import PlanSolution, Practices
from gpworkforce.skillmix.multiyear import solve as solve_plan
from gpworkforce.skillmix.optimise import Solution, solve
from gpworkforce.skillmix.plan_problem import PlanProblem
from gpworkforce.skillmix.problem import Problem
from gpworkforce.skillmix.report import mix_chart, mix_headline, mix_table

GROWTH = 1.01  # demand growth a year for the view's "after N years" (the CLI's default)
SMALL = 1e-6


@dataclass(frozen=True)
class OrgInputs:
    staff: dict[str, float]  # WTE by taxonomy role code
    patients: float
    missing: tuple[str, ...]  # roles whose WTE is not available
    source: str  # where the staff figures come from, in words


def org_inputs(data: Any, org_code: str, census: dt.date) -> OrgInputs:
    """WTE by role and registered patients of ``org_code`` on ``census``: from the practices'
    returns (filled in as the dashboards are), else, when no return gives staff then, from the
    published GPW figures alone; raises :class:`UserError` when neither has any."""
    try:
        staff, patients, missing = baseline_inputs(
            data, org_code, census, source=SourceKind.RETURNS.value, denominators=None
        )
        source = "practices' accepted returns, filled in from published GPW figures"
    except UserError:
        staff, patients, missing = baseline_inputs(
            data, org_code, census, source=SourceKind.GPW.value, denominators=None
        )
        source = "published GPW figures (no accepted return gives staff for this date)"
    return OrgInputs(staff, patients, missing, source)


@dataclass(frozen=True)
class ViewResult:
    view: SkillMixView
    catalogue: Catalogue
    headline: tuple[str, ...]
    spec: str  # Vega-Lite, width "container"
    table: Any  # ReportTable
    notes: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.table.frame.columns]

    @property
    def rows(self) -> list[tuple[str, list[float | None]]]:
        """The table's rows: the level, then each figure (None: not available)."""
        out = []
        for row in self.table.frame.itertuples(index=False):
            values = [None if pd.isna(v) else float(v) for v in row[1:]]
            out.append((str(row[0]), values))
        return out


def responsive(chart: ReportChart) -> str:
    spec = dict(chart.spec)
    spec["width"] = "container"
    spec.pop("$schema", None)
    return json.dumps(spec, separators=(",", ":"))


def view_result(
    data: Any, org_code: str, census: dt.date, years: int, growth: float = GROWTH
) -> ViewResult:
    cat = load_catalogue()
    inputs = org_inputs(data, org_code, census)
    view = skill_mix_view(
        cat, inputs.staff, inputs.patients, years=years, growth=growth, unavailable=inputs.missing
    )
    notes = [
        f"Staff from {inputs.source}.",
        "The optimum does every task at the least skilled level able to do it: the most"
        " substitution the catalogue allows, not a costed plan (the optimisation is).",
        "Task rates, minutes and productive hours are illustrative defaults of the task"
        " catalogue, not measured for this area: replace them with local figures before"
        " drawing conclusions.",
    ]
    if inputs.missing:
        names = ", ".join(cat.roles[c].name for c in inputs.missing)
        notes.append(
            f"{plural(len(inputs.missing), 'role')} have no WTE in these figures ({names}): the"
            " current figures of their levels are not available."
        )
    return ViewResult(
        view=view,
        catalogue=cat,
        headline=mix_headline(view),
        spec=responsive(mix_chart(view)),
        table=mix_table(view),
        notes=tuple(notes),
    )


# ---- optimisation ---------------------------------------------------------------------------------
def make_problem(
    data: Any, org_code: str, org_name: str, census: dt.date, choices: Choices
) -> Problem:
    cat = load_catalogue()
    inputs = org_inputs(data, org_code, census)
    return organisation_problem(
        f"{org_name}: cheapest mix for {choices.target_year}",
        inputs.staff,
        inputs.patients,
        choices,
        cat,
    )


def problem_json(problem: Problem) -> dict[str, Any]:
    return problem.model_dump(mode="json", by_alias=True, exclude_none=True)


def _words(catalogue: Catalogue, problem: Problem) -> dict[str, str]:
    out = {code: role.name for code, role in catalogue.roles.items()}
    out |= {key: upskill_label(problem, key, catalogue) for key in problem.upskill}
    out |= {key: release_label(key) for key in problem.release}
    return out


def in_words(text: str, words: dict[str, str]) -> str:
    """A solver sentence with role codes and lever keys replaced by their names."""
    if not words:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(k) for k in sorted(words, key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda m: words[m.group(1)], text)


def solved(problem: Problem) -> dict[str, Any]:
    """Solve ``problem`` and keep what the pages show as plain data (raises ``Infeasible``)."""
    cat = load_catalogue()
    taxonomy = load_taxonomy()
    solution = solve(problem, cat, taxonomy)
    return result_data(solution, problem, cat, taxonomy)


# the order constraints are explained in: what an analyst can change first, tasks' marginal costs last
_ORDER = {"training": 0, "budget": 1, "min_gp": 2, "hours": 3, "supervision": 4, "demand": 9}


def result_data(
    solution: Solution, problem: Problem, cat: Catalogue, taxonomy: Any
) -> dict[str, Any]:
    words = _words(cat, problem)
    levers: list[dict[str, Any]] = []
    for code, wte in solution.recruits.items():
        if wte > SMALL:
            levers.append(
                {"lever": f"Recruit {cat.roles[code].name}", "amount": wte, "unit": "WTE"}
            )
    for key, wte in solution.upskills.items():
        if wte > SMALL:
            levers.append(
                {"lever": f"Train {upskill_label(problem, key, cat)}", "amount": wte, "unit": "WTE"}
            )
    for key, wte in solution.releases.items():
        if wte > SMALL:
            levers.append(
                {
                    "lever": f"Workload release: {release_label(key)}",
                    "amount": wte,
                    "unit": "GP WTE covered",
                }
            )
    if solution.locums_converted > SMALL:
        levers.append(
            {
                "lever": "Locums moved to salaried contracts",
                "amount": solution.locums_converted,
                "unit": "WTE",
            }
        )
    before = wte_by_level(cat, problem.staff)
    added = {lv.code: 0.0 for lv in cat.levels}
    for code, wte in net_additions(solution, problem).items():
        added[cat.roles[code].level] += wte
    mix = [
        {
            "level": lv.code.value,
            "in_post": before[lv.code],
            "added": added[lv.code],
            "after": before[lv.code] + added[lv.code],
        }
        for lv in cat.levels
    ]
    constraints = [
        {
            "kind": c.key.partition(":")[0],
            "label": in_words(c.label, words),
            "binding": c.binding,
            "shadow_price": abs(c.dual) if c.binding else 0.0,
            "words": in_words(c.explanation, words),
        }
        for c in sorted(solution.constraints, key=lambda c: _ORDER.get(c.key.partition(":")[0], 5))
    ]
    adopted = adoption(solution, problem, cat, taxonomy)
    return {
        "cost": solution.cost,
        "demand_basis": solution.demand_basis,
        "target_year": problem.target_year,
        "levers": levers,
        "mix": mix,
        "constraints": constraints,
        "adoption": {
            "gp_wte": adopted.gp_wte,
            "substitutes": [
                {"role": code, "name": cat.roles[code].name, "wte": wte}
                for code, wte in adopted.substitutes
            ],
            "staff_per_gp": adopted.staff_per_gp,
            "gp_equivalent": adopted.gp_equivalent,
            "notes": list(adopted.notes),
        },
    }


def result_headline(result: dict[str, Any], probability: float | None) -> list[str]:
    """The result's few sentences: the cost, what it buys, the first binding constraints."""
    out = [
        f"The cheapest mix of levers that meets the task demand of {result['target_year']}"
        + (f" with probability {probability:.0%}" if probability is not None else "")
        + f" costs £{result['cost']:,.0f} a year."
    ]
    if result["levers"]:
        parts = [f"{r['lever']} ({r['amount']:,.1f} {r['unit']})" for r in result["levers"][:4]]
        out.append("It uses: " + "; ".join(parts) + ".")
    else:
        out.append("The staff in post already meet the demand: no lever is needed.")
    binding = [c["words"] for c in result["constraints"] if c["binding"] and c["kind"] != "demand"]
    out += binding[:3]
    return out


def failure_message(exc: Exception) -> str:
    if isinstance(exc, UserError):
        return exc.message
    return "The optimisation could not be run; the failure has been logged."


# ---- the multi-year plan (per practice, or the organisation as one) -------------------------------
def plan_practices(
    data: Any, org_code: str, org_name: str, census: dt.date, by_practice: bool
) -> tuple[Practices, tuple[str, ...]]:
    """The organisation's practices on ``census`` (accepted returns filled in from GPW, else GPW
    alone), or their sum as one when not ``by_practice``; with statements of what was left out."""
    try:
        found, notes = practice_inputs(data, org_code, census, source=SourceKind.RETURNS.value)
        source = "practices' accepted returns, filled in from published GPW figures"
        if not any(v.any() for v in found.staff.values()):
            raise UserError("no return gives staff")
    except UserError:
        found, notes = practice_inputs(data, org_code, census, source=SourceKind.GPW.value)
        source = "published GPW figures (no accepted return gives staff for this date)"
    if not any(v.any() for v in found.staff.values()):
        raise UserError(f"{org_name}: no practice has staff WTE on {census:%d %B %Y}")
    notes = (f"Staff from {source}.", *notes)
    if by_practice or len(found) == 1:
        return found, notes
    summed = Practices(
        codes=(org_code,),
        names=(org_name,),
        patients=np.array([float(found.patients.sum())]),
        staff={k: np.array([float(v.sum())]) for k, v in found.staff.items()},
    )
    return summed, (*notes, f"The {plural(len(found), 'practice')} are planned as one.")


def practices_json(practices: Practices) -> dict[str, Any]:
    return {
        "codes": list(practices.codes),
        "names": list(practices.names),
        "patients": [float(p) for p in practices.patients],
        "staff": {k: [float(x) for x in v] for k, v in practices.staff.items()},
    }


def practices_from(data: dict[str, Any]) -> Practices:
    return Practices(
        codes=tuple(data["codes"]),
        names=tuple(data["names"]),
        patients=np.asarray(data["patients"], dtype=float),
        staff={k: np.asarray(v, dtype=float) for k, v in data["staff"].items()},
    )


def make_plan_problem(
    data: Any, org_code: str, org_name: str, census: dt.date, choices: PlanChoices
) -> dict[str, Any]:
    """What the task solves: the plan problem (JSON), its practices and the statements on them."""
    cat = load_catalogue()
    practices, notes = plan_practices(data, org_code, org_name, census, choices.by_practice)
    first, last = choices.base_year + 1, choices.base_year + choices.years
    problem = organisation_plan_problem(f"{org_name}: cheapest levers {first}-{last}", choices, cat)
    return {
        "plan": problem.model_dump(mode="json", by_alias=True, exclude_none=True),
        "practices": practices_json(practices),
        "notes": list(notes),
    }


def _plan_words(catalogue: Catalogue, problem: PlanProblem) -> dict[str, str]:
    out = {code: role.name for code, role in catalogue.roles.items()}
    out |= {key: _path_label(problem, key, catalogue) for key in problem.paths}
    out |= {key: release_label(key) for key in problem.release}
    return out


def _path_label(problem: PlanProblem, key: str, catalogue: Catalogue) -> str:
    p = problem.paths[key]
    frm, to = catalogue.roles[p.from_role].name, catalogue.roles[p.to_role].name
    return f"{frm} to {to}" if p.training_place else f"{frm} moved to {to} contracts"


def plan_solved(stored: dict[str, Any], org_code: str, census: dt.date) -> dict[str, Any]:
    """Solve the stored plan problem and keep what the pages show (raises ``Infeasible``)."""
    cat = load_catalogue()
    taxonomy = load_taxonomy()
    problem = PlanProblem.model_validate(stored["plan"])
    practices = practices_from(stored["practices"])
    solution = solve_plan(problem, practices, cat, taxonomy)
    return plan_result_data(solution, problem, cat, taxonomy, org_code, census)


def plan_result_data(
    solution: PlanSolution,
    problem: PlanProblem,
    cat: Catalogue,
    taxonomy: Any,
    org_code: str,
    census: dt.date,
) -> dict[str, Any]:
    words = _plan_words(cat, problem)
    levers: list[dict[str, Any]] = []

    def add(label: str, values: np.ndarray, unit: str) -> None:
        by_year = values.sum(axis=0)
        if by_year.sum() > SMALL:
            levers.append({"lever": label, "by_year": [float(v) for v in by_year], "unit": unit})

    for code, v in solution.recruits.items():
        add(f"Recruit {cat.roles[code].name}", v, "WTE")
    for code, v in solution.retained.items():
        add(f"Keep {cat.roles[code].name} who would leave", v, "WTE")
    for key, v in solution.starts.items():
        p = problem.paths[key]
        frm, to = cat.roles[p.from_role].name, cat.roles[p.to_role].name
        add(
            f"Start training: {frm} to {to}" if p.training_place else f"Move {frm} to {to}",
            v,
            "WTE",
        )
    for key, v in solution.releases.items():
        add(f"Workload release: {release_label(key)}", v, "GP WTE covered")
    practices = solution.practices
    before = {lv.code: 0.0 for lv in cat.levels}
    after = dict(before)
    for code, wte in practices.staff.items():
        if code in cat.roles:
            level = cat.roles[code].level
            before[level] += float(wte.sum())
            if code not in solution.stock:
                after[level] += float(wte.sum())
    for code, stock in solution.stock.items():
        after[cat.roles[code].level] += float(stock[:, -1].sum())
    constraints = [
        {
            "kind": e.kind,
            "year": e.year,
            "label": in_words(e.label, words),
            "binding": e.binding,
            "rows": e.rows,
            "shadow_price": abs(e.dual),
            "words": in_words(e.explanation, words),
        }
        for e in sorted(solution.explained, key=lambda e: (_ORDER.get(e.kind, 5), e.year or 0))
    ]
    scenario = cohort_scenario(solution, problem, cat, taxonomy, org=org_code, start=census)
    return {
        "kind": "plan",
        "cost": solution.cost,
        "cost_by_year": [float(v) for v in solution.cost_by_year],
        "years": list(solution.years),
        "practices": len(practices),
        "demand_basis": solution.demand_basis,
        "levers": levers,
        "mix": [
            {
                "level": lv.code.value,
                "in_post": before[lv.code],
                "after": after[lv.code],
            }
            for lv in cat.levels
        ],
        "constraints": constraints,
        "size": list(solution.size),
        "scenario": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
    }


def plan_headline(result: dict[str, Any], probability: float | None) -> list[str]:
    """The plan's few sentences: its cost, the largest levers, the first binding constraints."""
    first, last = result["years"][0], result["years"][-1]
    n = result["practices"]
    out = [
        f"The cheapest levers {first}-{last} cost £{result['cost']:,.0f} over the plan"
        f" (discounted), meeting every year's task demand"
        + (f" with probability {probability:.0%}" if probability is not None else "")
        + (f" in each of {plural(n, 'practice')}." if n > 1 else ".")
    ]
    if result["levers"]:
        biggest = sorted(result["levers"], key=lambda r: -sum(r["by_year"]))[:3]
        parts = [f"{r['lever']} ({sum(r['by_year']):,.1f} {r['unit']})" for r in biggest]
        if all(r["unit"] == "WTE" for r in biggest):
            out.append("Largest levers over the plan: " + "; ".join(parts) + ".")
        else:
            out.append("Largest levers (summed over the years): " + "; ".join(parts) + ".")
    else:
        out.append("The staff in post meet the demand every year: no lever is needed.")
    kinds: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in result["constraints"]:
        if c["binding"]:  # one constraint over the years: its label without the year
            what = c["label"].removesuffix(f" {c['year']}") if c["year"] else c["label"]
            kinds.setdefault((c["kind"], what), []).append(c)
    for found in list(kinds.values())[:3]:  # the first year of each kind that binds
        more = len(found) - 1
        out.append(
            found[0]["words"] + (f" It binds in {plural(more, 'other year')} too." if more else "")
        )
    return out
