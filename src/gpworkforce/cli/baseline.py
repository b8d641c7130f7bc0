"""``gpworkforce baseline``: the baseline report for one organisation (its children as rows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.common import emit_report, period_option, step
from gpworkforce.errors import UserError
from gpworkforce.reports.formats import OutputFormat

# the formats that draw charts (the others show the same tables without them)
CHART_FORMATS = frozenset({OutputFormat.HTML, OutputFormat.PDF})

if TYPE_CHECKING:
    from gpworkforce.baseline.placement import Placement
    from gpworkforce.cli.sources import DataContext
    from gpworkforce.reports.model import Report


def check_placement(
    context: DataContext, org: str, period: dt.date, source: SourceChoice
) -> Placement:
    """How many practices of the source the report places; a :class:`UserError` when the source
    has no figures on ``period`` (GPW) or when it has some but none is under ``org``."""
    from gpworkforce.baseline.placement import TIER_WORDS, placement
    from gpworkforce.baseline.scope import build_scope
    from gpworkforce.domain.orgs import ENGLAND_CODE, OrgType

    registry = context.data.registry
    tier = (
        OrgType.ENGLAND if org == ENGLAND_CODE and org not in registry else registry.get(org).type
    )
    placed = placement(context.data, period, tier, source.value)
    if placed.in_source == 0:
        if source is SourceChoice.GPW:
            periods = context.data.with_source(source.value).select().periods()
            have = ", ".join(p.isoformat() for p in periods[-24:]) or "none"
            raise UserError(
                f"--period must be a census date with GPW figures in {context.label}, got "
                f"{period} (periods with figures: {have})"
            )
        return placed
    members = build_scope(registry, org, period).members
    at = context.data.with_source(source.value).at(period)
    if not at.workforce["practice_code"].isin(list(members)).any():
        raise UserError(
            f"{org} must hold at least one practice with {source.value} figures on {period}, got "
            f"none: {placed.placed:,} of the source's {placed.in_source:,} practices are placed "
            f"elsewhere and {len(placed.unplaced):,} in no {TIER_WORDS[tier]}"
        )
    return placed


def build_baseline_report(
    context: DataContext,
    org: str,
    period: dt.date,
    source: SourceChoice,
    *,
    with_charts: bool = True,
) -> Report:
    """Run the baseline analyses for ``org`` on ``period`` and assemble the report to render
    (``with_charts=False``: no charts, for formats that show none, without importing Altair)."""
    from gpworkforce.baseline.report import baseline_report
    from gpworkforce.reports.model import Report

    organisation = context.data.registry.get(org)  # unknown code -> UnknownOrganisation
    placed = check_placement(context, org, period, source)
    report_tables = baseline_report(
        context.data, org, period, source=source.value, denominators=context.denominators
    )
    charts = ()
    if with_charts:
        from gpworkforce.reports.baseline_charts import baseline_charts

        charts = baseline_charts(report_tables)
    return Report(
        title=f"General practice workforce baseline: {organisation.name} ({organisation.code})",
        subtitle=f"Census date {period:%d %B %Y}; figures from {source.value} ({context.label})",
        tables=tuple(report_tables),
        charts=charts,
        statements=(*context.statements, placed.statement()),
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
        report = build_baseline_report(context, code, on, source, with_charts=fmt in CHART_FORMATS)
    lines = echo_headline(report, context.data.registry.get(code).name, code, on, source)
    report = dataclasses.replace(report, headline=tuple(line.strip() for line in lines[1:]))
    with step(f"Rendering {fmt.value}"):
        emit_report(report, fmt, out, f"baseline-{code}-{on.isoformat()}")


def echo_headline(
    report: Any, name: str, code: str, on: dt.date, source: SourceChoice
) -> list[str]:
    """The headline figures first, on stdout (the definitions of gpworkforce.papers.headline)."""
    from gpworkforce.papers.headline import baseline_headline, headline_lines

    basis = "practices' returns" if source.value == "returns" else "NHS Digital GPW"
    head = baseline_headline(report, code, on)
    lines = headline_lines(head, f"{name} ({code})", basis)
    typer.echo("\n".join(lines) + "\n")
    return lines


def register(app: typer.Typer) -> None:
    app.command("baseline")(baseline)
