"""Reading an optimisation problem file: validated, role codes checked against the catalogue, and
recruit costs that name a cost-model role resolved to GBP a year from the finance cost model."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from pydantic import ValidationError

from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.exports import write_csv
from gpworkforce.finance.cost_io import central_role_costs, load_cost_model, validation_issues
from gpworkforce.finance.prices import Values, price_factors, role_costs
from gpworkforce.finance.tables_io import read_allocations
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.skillmix.multiyear import Practices
from gpworkforce.skillmix.plan_problem import AllocationBudget, PlanProblem
from gpworkforce.skillmix.problem import Problem
from gpworkforce.tomlfiles import read_toml, read_user_text

_P = TypeVar("_P", Problem, PlanProblem)


def _read_problem(path: Path, model: type[_P]) -> tuple[_P, Catalogue]:
    """The problem file at ``path`` validated as ``model``, and its catalogue (defaults and the
    overrides the file names); a file that does not validate is refused with every issue named."""
    data, text = read_toml(path, "optimisation problem file")
    try:
        problem = model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            issues=validation_issues(exc, path, text), summary=f"problem {path.name}"
        ) from None
    return problem, load_catalogue(path.parent / problem.catalogue if problem.catalogue else None)


def load_problem(path: Path) -> tuple[Problem, Catalogue]:
    """The problem at ``path`` with every cost in GBP, and its catalogue (defaults + overrides)."""
    problem, catalogue = _read_problem(path, Problem)
    base = path.parent
    issues: list[Issue] = []

    def bad(field: str, expected: str, found: object) -> None:
        issues.append(Issue(Location(file=str(path), field=field), expected, repr(found)))

    roles = catalogue.roles
    for code in problem.staff:
        if code not in roles:
            bad(f"staff.{code}", "be a role code of the staff taxonomy", code)
    for code in problem.recruit:
        if code not in roles:
            bad(f"recruit.{code}", "be a role code of the staff taxonomy", code)
    for name, u in problem.upskill.items():
        for field, code in (("from", u.from_role), ("to", u.to_role)):
            if code not in roles:
                bad(f"upskill.{name}.{field}", "be a role code of the staff taxonomy", code)
    named = {code: r.cost for code, r in problem.recruit.items() if isinstance(r.cost, str)}
    costs: dict[str, float] = {}
    if named:
        if problem.costs is None:
            code = next(iter(named))
            bad(
                f"recruit.{code}.cost",
                'be GBP a year, or name a role of a cost model given as costs = "FILE"',
                named[code],
            )
        else:
            costs = central_role_costs(base / problem.costs)
            for code, key in named.items():
                if key not in costs:
                    bad(
                        f"recruit.{code}.cost",
                        f"name a role of {problem.costs} ({', '.join(sorted(costs))})",
                        key,
                    )
    if issues:
        raise ValidationFailed(issues=issues, summary=f"problem {path.name}")
    recruit = {
        code: r.model_copy(update={"cost": costs[r.cost]}) if isinstance(r.cost, str) else r
        for code, r in problem.recruit.items()
    }
    return problem.model_copy(update={"recruit": recruit}), catalogue


def read_practices(path: Path, catalogue: Catalogue) -> Practices:
    """A practices CSV: ``practice`` (code), optional ``name``, ``patients`` (> 0), then WTE in
    post by role code (empty = 0). Every problem is reported with its row and column."""
    text = read_user_text(path, "practices file", encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    issues: list[Issue] = []

    def bad(row: int | None, column: str | None, expected: str, found: object) -> None:
        issues.append(
            Issue(Location(file=str(path), row=row, column=column), expected, repr(found))
        )

    for needed in ("practice", "patients"):
        if needed not in header:
            bad(1, needed, f"have a column '{needed}'", ", ".join(header) or "no header")
    roles = [h for h in header if h not in ("practice", "name", "patients")]
    for code in roles:
        if code not in catalogue.roles:
            bad(1, code, "be a role code of the staff taxonomy (or practice, name, patients)", code)
    if issues:
        raise ValidationFailed(issues=issues, summary=f"practices {path.name}")
    codes: list[str] = []
    names: list[str] = []
    patients: list[float] = []
    staff: dict[str, list[float]] = {code: [] for code in roles}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            bad(number, None, f"have {len(header)} cells like the header", len(cells))
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        code = row["practice"]
        if not code:
            bad(number, "practice", "be a practice code", code)
        elif code in codes:
            bad(number, "practice", "appear once", code)
        codes.append(code)
        names.append(row.get("name") or code)
        try:
            count = float(row["patients"])
        except ValueError:
            count = float("nan")
        if not count > 0:
            bad(number, "patients", "be a number of registered patients above 0", row["patients"])
        patients.append(count)
        for role in roles:
            cell = row[role]
            try:
                wte = float(cell) if cell else 0.0
            except ValueError:
                wte = float("nan")
            if not wte >= 0:
                bad(number, role, "be WTE of 0 or more (empty = 0)", cell)
            staff[role].append(wte)
    if not codes and not issues:
        bad(None, None, "list at least one practice", "no rows")
    if issues:
        raise ValidationFailed(issues=issues, summary=f"practices {path.name}")
    return Practices(
        codes=tuple(codes),
        names=tuple(names),
        patients=np.asarray(patients),
        staff={k: np.asarray(v) for k, v in staff.items()},
    )


def load_plan_problem(path: Path) -> tuple[PlanProblem, Practices, Catalogue]:
    """A multi-year practice problem (``practices = "FILE.csv"``) with every cost in GBP."""
    problem, catalogue = _read_problem(path, PlanProblem)
    base = path.parent
    issues: list[Issue] = []

    def bad(field: str, expected: str, found: object) -> None:
        issues.append(Issue(Location(file=str(path), field=field), expected, repr(found)))

    for code in problem.roles:
        if code not in catalogue.roles:
            bad(f"roles.{code}", "be a role code of the staff taxonomy", code)
    for name, p in problem.paths.items():
        for field, code in (("from", p.from_role), ("to", p.to_role)):
            if code not in catalogue.roles:
                bad(f"paths.{name}.{field}", "be a role code of the staff taxonomy", code)
    priced = {
        code: r.cost
        for code, r in problem.roles.items()
        if r.cost is None or isinstance(r.cost, str)
    }
    resolved: dict[str, list[float]] = {}
    if priced and problem.costs is None:
        code = next(iter(priced))
        bad(
            f"roles.{code}.cost",
            'be GBP a year, or name a role of a cost model given as costs = "FILE" (or be left'
            " out to take the cost model's group of the same code)",
            priced[code],
        )
    elif priced:
        roles_by_year, groups_by_year = plan_costs(
            base / problem.costs,  # type: ignore[operator]
            problem.plan_years,
        )
        for code, key in priced.items():
            if key is None and code in groups_by_year:
                resolved[code] = groups_by_year[code]
            elif key is None:
                bad(
                    f"roles.{code}.cost",
                    f"be given, or {code} be a group of {problem.costs}"
                    f" ({', '.join(sorted(groups_by_year))})",
                    None,
                )
            elif key in roles_by_year:
                resolved[code] = roles_by_year[key]
            else:
                bad(
                    f"roles.{code}.cost",
                    f"name a role of {problem.costs} ({', '.join(sorted(roles_by_year))})",
                    key,
                )
    budget = problem.budget
    if isinstance(budget, AllocationBudget):
        try:
            budget = budget.yearly(read_allocations(base / budget.allocations), problem.plan_years)
        except ValueError as exc:
            field, _, message = str(exc).partition(": ")
            expected, _, found = message.removeprefix("must ").rpartition(", got ")
            issues.append(Issue(Location(file=str(path), field=field), expected, found))
    if issues:
        raise ValidationFailed(issues=issues, summary=f"problem {path.name}")
    practices = read_practices(base / problem.practices, catalogue)
    roles = {
        code: r.model_copy(update={"cost": resolved[code]}) if code in resolved else r
        for code, r in problem.roles.items()
    }
    return problem.model_copy(update={"roles": roles, "budget": budget}), practices, catalogue


def plan_costs(
    path: Path, years: list[int]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """GBP a year per WTE in each of ``years`` (first calendar years of the financial years, e.g.
    2018 for 2018/19) from the finance cost model at ``path``: by role key, and by group (the
    model's ``[groups]`` mix of roles, shares summing to 1). The central case: the same pay,
    on-costs and locum premiums as ``gpworkforce cost``, moved by the model's pay uplift from its
    price base year (docs/finance.md, "Equations")."""
    model = load_cost_model(path)
    central = Values(1, {})
    cash = price_factors(model, years, central)[0][0]  # (Y,) draw 0: the central case
    base = {k: float(rc.total[0]) for k, rc in role_costs(model, central).items()}
    by_role = {k: [c * f for f in cash] for k, c in base.items()}
    by_group = {
        group: [sum(part.share * base[part.role] for part in mix) * f for f in cash]
        for group, mix in model.groups.items()
    }
    return by_role, by_group


def is_plan_problem(path: Path) -> bool:
    """Whether the problem file is a multi-year practice problem (it names ``practices``)."""
    data, _ = read_toml(path, "optimisation problem file")
    return "practices" in data


def write_practices(practices: Practices, path: Path) -> Path:
    """``practices`` as the CSV :func:`read_practices` reads (formula-safe, written atomically)."""
    frame = pd.DataFrame(
        {
            "practice": list(practices.codes),
            "name": list(practices.names),
            "patients": practices.patients,
            **practices.staff,
        }
    )
    table = ReportTable(
        key="practices",
        title="Practices: registered patients and WTE in post by role",
        frame=frame,
        decimals={"patients": 0, **dict.fromkeys(practices.staff, 2)},
    )
    return write_csv(table, path)
