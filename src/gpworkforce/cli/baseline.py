"""``gpworkforce baseline``: the baseline report for one organisation (its children as rows)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.common import emit_report, period_option, step
from gpworkforce.errors import UserError
from gpworkforce.reports.formats import OutputFormat

if TYPE_CHECKING:
    from gpworkforce.cli.sources import DataContext
    from gpworkforce.reports.model import Report


def build_baseline_report(
    context: DataContext, org: str, period: dt.date, source: SourceChoice
) -> Report:
    """Run the baseline analyses for ``org`` on ``period`` and assemble the report to render."""
    from gpworkforce.baseline.report import baseline_report
    from gpworkforce.reports.baseline_charts import baseline_charts
    from gpworkforce.reports.model import Report

    organisation = context.data.registry.get(org)  # unknown code -> UnknownOrganisation
    report_tables = baseline_report(
        context.data, org, period, source=source.value, denominators=context.denominators
    )
    return Report(
        title=f"General practice workforce baseline: {organisation.name} ({organisation.code})",
        subtitle=f"Census date {period:%d %B %Y}; figures from {source.value} ({context.label})",
        tables=tuple(report_tables),
        charts=baseline_charts(report_tables),
        statements=context.statements,
        **({"generated": context.as_of} if context.as_of is not None else {}),
    )


def baseline(
    org: Annotated[str, typer.Option("--org", help="ODS code of the organisation, e.g. 03W.")],
    period: Annotated[str, typer.Option("--period", help="Census date, e.g. 2017-09-30.")],
    source: Annotated[
        SourceChoice, typer.Option("--source", help="Practices' returns or NHS Digital GPW.")
    ] = SourceChoice.RETURNS,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (a directory for csv with several tables)."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Workspace directory (default: the built-in LLR 2017 demo)."),
    ] = None,
    pin: Annotated[
        Path | None,
        typer.Option(
            "--pin", help="Read only the files a pin file names ('gpworkforce data pin')."
        ),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="Read only the files of an earlier data state a report printed."
        ),
    ] = None,
) -> None:
    """The baseline report for an organisation: staff, per 1,000, age, locums, vacancies."""
    from gpworkforce.cli.sources import Focus, demo_context, workspace_context

    on = period_option(period)
    code = org.strip().upper()
    if data is None and (pin is not None or state is not None):
        raise UserError("--pin and --state need --data (the workspace they refer to)")
    with step("Reading data from " + (str(data) if data else "the built-in LLR 2017 demo")):
        context = (
            workspace_context(data, pin=pin, state=state, focus=Focus(code, on, source.value))
            if data is not None
            else demo_context()
        )
    with step(f"Computing the baseline for {code} on {on.isoformat()}"):
        report = build_baseline_report(context, code, on, source)
    with step(f"Rendering {fmt.value}"):
        emit_report(report, fmt, out, f"baseline-{code}-{on.isoformat()}")


def register(app: typer.Typer) -> None:
    app.command("baseline")(baseline)
