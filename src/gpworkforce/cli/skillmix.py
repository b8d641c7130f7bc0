"""``gpworkforce skillmix`` and ``gpworkforce optimise``: skill mix by SWiPe level and the cheapest
mix of levers (docs/skillmix.md).

``skillmix --org CODE --period DATE [--years N] [--growth G] [--catalogue FILE] [--data DIR]
[--out DIR]``: current mix, the optimum the task demand implies and the optimum after N years of
demographic change (LLR plan Graph 1), from the built-in demo or a workspace baseline. Prints the
tables; with ``--out`` writes them as CSV and ``skillmix.html`` with the chart.

``optimise PROBLEM.toml [--out DIR] [--method warm|simplex|ipm]``: the cheapest mix of
recruitment, upskilling, workload release and locum conversion meeting the task demand of the
target year (HiGHS), with binding constraints and shadow prices in words; CSV tables in DIR
(default ``optimise-<file stem>``).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.common import DataOption, SourceOption, echo_written, period_option, step


class PatientBasis(StrEnum):
    REGISTERED = "registered"
    WEIGHTED = "weighted"


class SolveMethod(StrEnum):  # skillmix.multiyear.METHODS
    WARM = "warm"
    SIMPLEX = "simplex"
    IPM = "ipm"


def skillmix(
    org: Annotated[str, typer.Option("--org", help="ODS code of the organisation, e.g. 03W.")],
    period: Annotated[str, typer.Option("--period", help="Census date, e.g. 2017-09-30.")],
    years: Annotated[
        int, typer.Option("--years", min=0, max=50, help="Years of demographic change.")
    ] = 5,
    growth: Annotated[
        float,
        typer.Option("--growth", min=0.5, max=2.0, help="Demand growth factor a year, e.g. 1.01."),
    ] = 1.01,
    catalogue: Annotated[
        Path | None,
        typer.Option("--catalogue", help="TOML overriding the default levels, tasks and roles."),
    ] = None,
    source: SourceOption = SourceChoice.RETURNS,
    patients: Annotated[
        PatientBasis,
        typer.Option(
            "--patients", help="Registered patients, or weighted (Carr-Hill: age, sex, need)."
        ),
    ] = PatientBasis.REGISTERED,
    data: DataOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    practices_out: Annotated[
        Path | None,
        typer.Option(
            "--practices-out",
            help="Also write the organisation's practices (patients, WTE by role) as the CSV a"
            " multi-year optimisation problem names (practices = FILE).",
        ),
    ] = None,
) -> None:
    """Skill mix by level: current staff, the optimum for task demand, and after N years."""
    from gpworkforce.cli.sources import Focus, demo_context, workspace_context
    from gpworkforce.exports import write_csv_files
    from gpworkforce.labels import plural
    from gpworkforce.reports.formats import OutputFormat
    from gpworkforce.reports.model import Report
    from gpworkforce.reports.output import write_report
    from gpworkforce.reports.text import render_text
    from gpworkforce.skillmix.inputs import baseline_inputs
    from gpworkforce.skillmix.io import load_catalogue
    from gpworkforce.skillmix.mix import skill_mix_view
    from gpworkforce.skillmix.report import demand_table, mix_chart, mix_headline, mix_table

    on = period_option(period)
    code = org.strip().upper()
    cat = load_catalogue(catalogue)  # validated before any data is read
    with step("Reading data from " + (str(data) if data else "the built-in LLR 2017 demo")):
        context = (
            workspace_context(data, focus=Focus(code, on, source.value))
            if data is not None
            else demo_context()
        )
    organisation = context.data.registry.get(code)  # unknown code -> UnknownOrganisation
    with step(f"Computing the skill mix of {code} on {on.isoformat()}"):
        wte, count, missing = baseline_inputs(
            context.data,
            code,
            on,
            source=source.value,
            denominators=context.denominators,
            basis=patients.value,
        )
        view = skill_mix_view(cat, wte, count, years=years, growth=growth, unavailable=missing)
        tables = (mix_table(view), demand_table(view, cat))
    statements = [
        "Skill levels are the SWiPe levels of the LLR GP Workforce Plan (Table 7). The default task"
        " rates, minutes and productive hours are illustrative assumptions (docs/skillmix.md):"
        " replace them with local figures (--catalogue) before drawing conclusions.",
        "The optimum does every task at the least skilled level able to do it: the most"
        " substitution the catalogue allows, not a costed plan (see gpworkforce optimise).",
        *context.statements,
    ]
    if missing:
        levels = ", ".join(sorted(lv.value for lv in view.unknown))
        statements.append(
            f"{plural(len(missing), 'role has', 'roles have')} no WTE in this source"
            f" ({', '.join(cat.roles[code].name for code in missing)}): the"
            f" current figures of their levels ({levels}) are not available."
        )
    if patients is PatientBasis.WEIGHTED:
        statements.append(
            "Demand is from the weighted list (Carr-Hill formula, NHS Payments to General"
            " Practice): per-1,000 rates apply to weighted patients."
        )
    report = Report(
        title=f"Skill mix: {organisation.name} ({organisation.code})",
        subtitle=f"Census date {on:%-d %B %Y}; staff from {source.value} ({context.label})",
        tables=tables,
        charts=(mix_chart(view),),
        statements=tuple(statements),
        headline=mix_headline(view),
        **({"generated": context.as_of} if context.as_of is not None else {}),
    )
    for n, line in enumerate(report.headline):
        typer.echo(f"Headline: {line}" if n == 0 else f"  {line}")
    typer.echo(render_text(report.tables, width=140), nl=False)
    if practices_out is not None:
        from gpworkforce.skillmix.inputs import practice_inputs
        from gpworkforce.skillmix.problem_io import write_practices

        with step(f"Writing the practices of {code}"):
            found, notes = practice_inputs(
                context.data,
                code,
                on,
                source=source.value,
                denominators=context.denominators,
                basis=patients.value,
            )
            echo_written([write_practices(found, practices_out)])
        for note in notes:
            typer.echo(f"  note: {note}")
    if out is not None:
        written = write_csv_files(report.tables, out, prefix="skillmix-")
        written += write_report(report, OutputFormat.HTML, out / "skillmix.html")
        echo_written(written)


def optimise(
    problem: Annotated[Path, typer.Argument(help="Optimisation problem TOML (docs/skillmix.md).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    method: Annotated[
        SolveMethod,
        typer.Option(
            "--method",
            help="How HiGHS solves a multi-year practice problem: warm (the dual simplex from the"
            " practices' own optima, the default), simplex (from scratch) or ipm (interior point"
            " with crossover). The optimum is the same.",
        ),
    ] = SolveMethod.WARM,
) -> None:
    """The cheapest mix of levers meeting the task demand of the target year, with the binding
    constraints and what one more of each is worth."""
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.exports import write_csv_files
    from gpworkforce.skillmix.optimise import solve
    from gpworkforce.skillmix.problem_io import is_plan_problem, load_problem
    from gpworkforce.skillmix.report import solution_tables

    if is_plan_problem(problem):
        _optimise_plan(problem, out, method)
        return
    spec, cat = load_problem(problem)
    with step(f"Optimising {problem.name}"):
        solution = solve(spec, cat, load_taxonomy())
    typer.echo(f"Headline: {solution.problem}: the cheapest mix costs £{solution.cost:,.0f} a year")
    typer.echo(f"  demand of {spec.target_year}: {solution.demand_basis}")
    for code, wte in solution.recruits.items():
        if wte > 1e-9:
            typer.echo(f"  recruit {cat.roles[code].name}: {wte:,.2f} WTE")
    for name, wte in solution.upskills.items():
        if wte > 1e-9:
            typer.echo(f"  upskill {name}: {wte:,.2f} WTE")
    for name, wte in solution.releases.items():
        if wte > 1e-9:
            typer.echo(f"  workload release {name}: {wte:,.2f} GP WTE covered")
    if solution.locums_converted > 1e-9:
        typer.echo(f"  locum conversion: {solution.locums_converted:,.2f} WTE")
    typer.echo("Binding constraints:")
    for constraint in solution.binding():
        typer.echo(f"  - {constraint.explanation}")
    target = out if out is not None else Path(f"optimise-{problem.stem}")
    echo_written(write_csv_files(solution_tables(solution, cat), target, prefix="optimise-"))


def _optimise_plan(problem: Path, out: Path | None, method: SolveMethod) -> None:
    """A multi-year practice problem (it names ``practices``): the levers a year per practice."""
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.exports import write_csv_files
    from gpworkforce.skillmix.multiyear import solve
    from gpworkforce.skillmix.problem_io import load_plan_problem
    from gpworkforce.skillmix.report import plan_tables

    spec, practices, cat = load_plan_problem(problem)
    with step(f"Optimising {problem.name}: {len(practices)} practices, {spec.years} years"):
        solution = solve(spec, practices, cat, load_taxonomy(), method=method.value)
    first, last = solution.years[0], solution.years[-1]
    typer.echo(
        f"Headline: {solution.problem}: the cheapest levers {first}-{last} cost £{solution.cost:,.0f} over the"
        f" plan ({len(practices)} practices; programme of {solution.size[0]:,} columns x"
        f" {solution.size[1]:,} rows)"
    )
    typer.echo(f"  task demand: {solution.demand_basis}")
    for code, cols in solution.recruits.items():
        if cols.sum() > 1e-9:
            typer.echo(f"  recruit {cat.roles[code].name}: {cols.sum():,.2f} WTE over the plan")
    for code, cols in solution.retained.items():
        if cols.sum() > 1e-9:
            typer.echo(f"  retain {cat.roles[code].name}: {cols.sum():,.2f} WTE over the plan")
    for name, cols in solution.starts.items():
        if cols.sum() > 1e-9:
            typer.echo(f"  start {name}: {cols.sum():,.2f} WTE over the plan")
    for name, cols in solution.releases.items():
        if cols.sum() > 1e-9:
            typer.echo(
                f"  workload release {name}: {cols[:, -1].sum():,.2f} GP WTE covered in {last}"
            )
    binding = solution.binding()
    typer.echo(f"Binding constraints ({len(binding)}):")
    for item in binding[:20]:
        typer.echo(f"  - {item.explanation}")
    if len(binding) > 20:
        typer.echo(f"  ... and {len(binding) - 20} more in optimise-plan_constraints.csv")
    target = out if out is not None else Path(f"optimise-{problem.stem}")
    echo_written(write_csv_files(plan_tables(solution, cat), target, prefix="optimise-"))
    echo_written([_write_adopted(solution, spec, cat, target)])


def _write_adopted(solution: Any, spec: Any, cat: Any, target: Path) -> Path:
    """The levers as a cohort scenario (decision 0131), ready for ``gpworkforce forecast``."""
    import datetime as dt

    import tomli_w

    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.skillmix.adopt_plan import ORG, cohort_scenario

    scenario = cohort_scenario(
        solution, spec, cat, load_taxonomy(), org=ORG, start=dt.date(spec.base_year, 9, 30)
    )
    data = scenario.model_dump(mode="python", exclude={"extends"}, by_alias=True)
    path = target / "optimise-plan_scenario.toml"
    header = (
        "# The plan's levers as a cohort scenario (docs/skillmix.md, 'Adoption as a cohort"
        " scenario').\n# Run it: gpworkforce forecast " + path.name + "\n"
    )
    path.write_text(header + tomli_w.dumps(_strip_none(data)), encoding="utf-8")
    return path


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_strip_none(v) for v in value]
    return value


def register(app: typer.Typer) -> None:
    app.command("skillmix")(skillmix)
    app.command("optimise")(optimise)
