"""Reading an optimisation problem file: validated, role codes checked against the catalogue, and
recruit costs that name a cost-model role resolved to GBP a year from the finance cost model."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.finance.cost_io import validation_issues
from gpworkforce.finance.runner import central_role_costs
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.io import load_catalogue, read_toml
from gpworkforce.skillmix.problem import Problem


def load_problem(path: Path) -> tuple[Problem, Catalogue]:
    """The problem at ``path`` with every cost in GBP, and its catalogue (defaults + overrides)."""
    data, text = read_toml(path, "optimisation problem file")
    try:
        problem = Problem.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            issues=validation_issues(exc, path, text), summary=f"problem {path.name}"
        ) from None
    base = path.parent
    catalogue = load_catalogue(base / problem.catalogue if problem.catalogue else None)
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
