"""``gpworkforce baseline``: the baseline report for one organisation (its children as rows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.common import DataOption, SourceOption, emit_report, period_option, step
from gpworkforce.errors import UserError
from gpworkforce.reports.formats import OutputFormat

# the formats that draw charts (the others show the same tables without them)
CHART_FORMATS = frozenset({OutputFormat.HTML, OutputFormat.PDF})

if TYPE_CHECKING:
    import pandas as pd

    from gpworkforce.baseline.placement import Placement
    from gpworkforce.cli.choices import Kind
    from gpworkforce.cli.sources import DataContext
    from gpworkforce.cli.workspace import CombinedTables, ManifestEntry
    from gpworkforce.domain.orgs import OrgRegistry, OrgType
    from gpworkforce.reports.model import Report


def check_placement(
    context: DataContext, org: str, period: dt.date, source: SourceChoice
) -> Placement:
    """How many practices of the source the report places; a :class:`UserError` when the source
    has no figures on ``period`` (GPW) or when it has some but none is under ``org``."""
    from gpworkforce.baseline.placement import TIER_WORDS, placement
    from gpworkforce.baseline.scope import build_scope
    from gpworkforce.domain.orgs import ENGLAND_CODE, OrgType
    from gpworkforce.labels import date_text

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
    # every practice's key figures on the date when read (the rows may be the org's only)
    keys = at.census if len(at.census) else at.workforce
    if not keys["practice_code"].isin(list(members)).any():
        raise UserError(
            f"{org} must hold at least one practice with {source.value} figures on {date_text(period)}, got "
            f"none: {placed.placed:,} of the source's {placed.in_source:,} practices are placed "
            f"elsewhere and {len(placed.unplaced):,} in no {TIER_WORDS[tier]}"
        )
    return placed


def with_ons_population(context: DataContext, values: list[str], on: dt.date) -> DataContext:
    """``context`` dividing per-1,000 figures by ONS populations (``--ons-area ORG=AREA,...``)."""
    from gpworkforce.baseline.population import ons_denominators, parse_ons_areas

    if context.population is None:
        raise UserError("--ons-area needs --data (a workspace with an ONS population file)")
    areas = parse_ons_areas(values)
    for org in areas:
        context.data.registry.get(org)  # unknown code -> UnknownOrganisation (a user error)
    denominators = ons_denominators(context.population, areas, on)
    return dataclasses.replace(context, denominators=denominators)


def build_baseline_report(
    context: DataContext,
    org: str,
    period: dt.date,
    source: SourceChoice,
    *,
    with_charts: bool = True,
    child_level: OrgType | None = None,
) -> Report:
    """Run the baseline analyses for ``org`` on ``period`` and assemble the report to render
    (``with_charts=False``: no charts, for formats that show none, without importing Altair;
    ``child_level``: the rows of the area tables, default the level below ``org``)."""
    from gpworkforce.baseline.report import baseline_report
    from gpworkforce.reports.model import Report

    organisation = context.data.registry.get(org)  # unknown code -> UnknownOrganisation
    placed = check_placement(context, org, period, source)
    report_tables = baseline_report(
        context.data,
        org,
        period,
        source=source.value,
        denominators=context.denominators,
        child_level=child_level,
    )
    charts = ()
    if with_charts:
        from gpworkforce.reports.baseline_charts import baseline_charts

        charts = baseline_charts(report_tables)
    return Report(
        title=f"General practice workforce baseline: {organisation.name} ({organisation.code})",
        subtitle=f"Census date {period:%-d %B %Y}; figures from {source.value} ({context.label})",
        tables=tuple(report_tables),
        charts=charts,
        statements=(*context.statements, placed.statement()),
        **({"generated": context.as_of} if context.as_of is not None else {}),
    )


def baseline(
    org: Annotated[str, typer.Option("--org", help="ODS code of the organisation, e.g. 03W.")],
    period: Annotated[str, typer.Option("--period", help="Census date, e.g. 2017-09-30.")],
    source: SourceOption = SourceChoice.RETURNS,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (a directory for csv with several tables)."),
    ] = None,
    data: DataOption = None,
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
    ons_area: Annotated[
        list[str] | None,
        typer.Option(
            "--ons-area",
            help="Divide an organisation's per-1,000 figures by the ONS population of the "
            "areas named, e.g. QK1=E06000016,E06000017,E10000018 (repeatable; needs an "
            "ons-population file in --data).",
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
    if ons_area:
        context = with_ons_population(context, ons_area, on)
    with step(f"Computing the baseline for {code} on {on.isoformat()}"):
        report = build_baseline_report(context, code, on, source, with_charts=fmt in CHART_FORMATS)
    lines = echo_headline(report, context.data.registry.get(code).name, code, on, source)
    report = dataclasses.replace(report, headline=tuple(line.strip() for line in lines[1:]))
    # whatever the format (the text tables, CSV and XLSX carry no statements): the files and
    # vintages read, and how many practices of the source could not be placed
    if data is not None:
        typer.echo(context.statements[0], err=True)
    typer.echo(report.statements[-1], err=True)  # the placement, build_baseline_report's last
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


@dataclasses.dataclass(frozen=True)
class _KindOn:
    """One kind's loaded files read from a workspace, for an organisation on a census date."""

    entries: list[ManifestEntry]
    registry: OrgRegistry
    name: str  # the organisation's name
    combined: CombinedTables  # the files' parsed tables


def _read_kind_on(
    data: Path, kinds: tuple[Kind, ...], what: str, code: str, on: dt.date
) -> _KindOn:
    """The workspace's files of ``kinds`` (``what``: "PCN workforce file", ...), refusing a
    workspace without one and a census date no such file has figures for."""
    from gpworkforce.cli.workspace import (
        combine,
        read_workspace,
        require_entries,
        workspace_registry,
    )
    from gpworkforce.domain.orgs import ENGLAND_CODE

    every = require_entries(data)
    entries = [e for e in every if e.kind in kinds]
    if not entries:
        article = "an" if what[0] in "AEIOU" else "a"
        how = " or ".join(f"'gpworkforce load {k.value} FILE --data {data}'" for k in kinds)
        raise UserError(
            f"--data must hold {article} {what}, got none in {data} (add one with {how})"
        )
    registry = workspace_registry(data, every)
    name = "England" if code == ENGLAND_CODE else registry.get(code).name
    with step(f"Reading {len(entries)} {what}(s) from {data}"):
        combined = combine(read_workspace(data, registry, entries))
    have = sorted({f"{p:%Y-%m-%d}" for p in combined.workforce["period"].dropna().unique()})
    if on.isoformat() not in have:
        raise UserError(
            f"--period must be a census date of a loaded {what}, got {on} "
            f"(periods with figures: {', '.join(have) or 'none'})"
        )
    return _KindOn(entries, registry, name, combined)


def pcn_baseline(
    org: Annotated[str, typer.Option("--org", help="ODS code of the organisation, e.g. QK1.")],
    period: Annotated[str, typer.Option("--period", help="Census date, e.g. 2022-09-30.")],
    data: Annotated[
        Path,
        typer.Option("--data", help="Workspace directory with pcn-individual or pcn-tables files."),
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (a directory for csv with several tables)."),
    ] = None,
) -> None:
    """Staff employed by the PCNs of an organisation (ARRS roles), by PCN and role."""
    from gpworkforce import labels
    from gpworkforce.baseline.pcn import StaffRows
    from gpworkforce.baseline.pcn import pcn_baseline as build
    from gpworkforce.cli.choices import PCN_KINDS
    from gpworkforce.cli.workspace import source_order
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.reports.model import Report

    on = period_option(period)
    code = org.strip().upper()
    k = _read_kind_on(data, PCN_KINDS, "PCN workforce file", code, on)
    entries, registry, name, combined = k.entries, k.registry, k.name, k.combined
    staff = StaffRows(
        combined.workforce, registry, load_taxonomy(), source_order(entries), combined.pcn_places
    )
    result = build(staff, code, on)
    lost = sum(result.unplaced.values())
    placement = (
        f"{labels.plural(len(result.unplaced), 'PCN')} with figures on {labels.date_text(on)} could not be placed in any "
        f"organisation ({lost:,.1f} WTE): {', '.join(sorted(result.unplaced)[:20])}"
        if result.unplaced
        else f"Every PCN with figures on {labels.date_text(on)} was placed."
    )
    if result.pcns == 0:
        raise UserError(
            f"{code} must hold at least one PCN with figures on {labels.date_text(on)}, got none: "
            f"{labels.plural(result.elsewhere, 'PCN is', 'PCNs are')} placed elsewhere and {len(result.unplaced):,} "
            "in no organisation"
        )
    files = "; ".join(f"{e.original_name} ({e.vintage_label})" for e in entries)
    report = Report(
        title=f"PCN workforce baseline: {name} ({code})",
        subtitle=f"Census date {on:%-d %B %Y}; {result.pcns} PCNs; figures from NHS Digital",
        tables=(result.table,),
        statements=(
            f"Figures come from the PCN workforce {'file' if len(entries) == 1 else 'files'} {files}.",
            placement,
        ),
        generated=max(e.loaded_at for e in entries),
    )
    typer.echo(placement, err=True)  # whatever the format, also where tables print alone
    for line in _pcn_headline(result.table.frame, name, on, result.pcns):
        typer.echo(line)
    emit_report(report, fmt, out, f"pcn-baseline-{code}-{on.isoformat()}")


def _pcn_headline(frame: pd.DataFrame, name: str, on: dt.date, pcns: int) -> list[str]:
    """The PCN baseline's headline: PCNs, total WTE and the largest roles (the total row)."""
    from gpworkforce import labels
    from gpworkforce.papers.headline import fmt_number

    total = frame.iloc[-1]
    roles = sorted(
        (c for c in frame.columns if c.endswith(" WTE") and c != "Total WTE"),
        key=lambda c: -float(total[c]),
    )
    largest = ", ".join(
        f"{c.removesuffix(' WTE')} {fmt_number(float(total[c]))} WTE" for c in roles[:3]
    )
    return [
        f"Headline: {name}, {labels.date_text(on)}: {labels.plural(pcns, 'PCN')} with "
        f"{fmt_number(float(total['Total WTE']))} WTE in total (NHS Digital PCN workforce)",
        *([f"  Largest roles: {largest}"] if largest else []),
    ]


def sub_icb_baseline(
    org: Annotated[str, typer.Option("--org", help="ODS code of the organisation, e.g. QK1.")],
    period: Annotated[str, typer.Option("--period", help="Census date, e.g. 2025-09-30.")],
    data: Annotated[
        Path, typer.Option("--data", help="Workspace directory with gpw-individual files.")
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (a directory for csv with several tables)."),
    ] = None,
) -> None:
    """Practice staff by sub-ICB location and role, from the GPW individual-level file."""
    from gpworkforce import labels
    from gpworkforce.baseline.pcn import StaffRows
    from gpworkforce.baseline.pcn import sub_icb_baseline as build
    from gpworkforce.cli.choices import Kind
    from gpworkforce.cli.workspace import source_order
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.papers.headline import fmt_number
    from gpworkforce.reports.model import Report

    on = period_option(period)
    code = org.strip().upper()
    k = _read_kind_on(data, (Kind.GPW_INDIVIDUAL,), "GPW individual-level file", code, on)
    entries, registry, name, combined = k.entries, k.registry, k.name, k.combined
    staff = StaffRows(
        combined.workforce, registry, load_taxonomy(), source_order(entries), combined.pcn_places
    )
    result = build(staff, code, on)
    lost = sum(result.unplaced.values())
    placement = (
        f"{labels.plural(len(result.unplaced), 'sub-ICB location')} with figures on {labels.date_text(on)} could not be placed "
        f"in any organisation ({lost:,.1f} WTE): {', '.join(sorted(result.unplaced)[:20])}"
        if result.unplaced
        else f"Every sub-ICB location with figures on {labels.date_text(on)} was placed."
    )
    if result.pcns == 0:
        raise UserError(
            f"{code} must hold at least one sub-ICB location with figures on {labels.date_text(on)}, got none: "
            f"{result.elsewhere:,} are placed elsewhere and {len(result.unplaced):,} in no "
            "organisation"
        )
    files = "; ".join(f"{e.original_name} ({e.vintage_label})" for e in entries)
    report = Report(
        title=f"Practice staff by sub-ICB location: {name} ({code})",
        subtitle=f"Census date {on:%-d %B %Y}; {labels.plural(result.pcns, 'sub-ICB location')}; "
        "figures from NHS Digital",
        tables=(result.table,),
        statements=(
            f"Figures come from the GPW individual-level {'file' if len(entries) == 1 else 'files'} {files}.",
            placement,
        ),
        generated=max(e.loaded_at for e in entries),
    )
    typer.echo(placement, err=True)
    total = result.table.frame.iloc[-1]
    typer.echo(
        f"Headline: {name}, {labels.date_text(on)}: "
        f"{labels.plural(result.pcns, 'sub-ICB location')} with "
        f"{fmt_number(float(total['Total WTE']))} WTE of practice staff (NHS Digital GPW, "
        "individual level)"
    )
    emit_report(report, fmt, out, f"sub-icb-baseline-{code}-{on.isoformat()}")


def register(app: typer.Typer) -> None:
    app.command("baseline")(baseline)
    app.command("pcn-baseline")(pcn_baseline)
    app.command("sub-icb-baseline")(sub_icb_baseline)
