"""``gpworkforce template`` and ``gpworkforce validate``: the practice quarterly return."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gpworkforce.cli.choices import Kind, TemplateFormat
from gpworkforce.cli.common import echo_warnings, period_option
from gpworkforce.errors import UserError, ValidationFailed

if TYPE_CHECKING:
    from gpworkforce.domain.orgs import OrgRegistry
    from gpworkforce.domain.provenance import Source

_ORG_WORDS = {
    "pcn": "a PCN",
    "sub_icb": "a sub-ICB location",
    "icb": "an ICB",
    "region": "a region",
    "england": "England",
}


def template(
    practice: Annotated[
        str, typer.Option("--practice", help="The practice's ODS code, e.g. C82001.")
    ],
    census_date: Annotated[
        str, typer.Option("--census-date", help="Census date, e.g. 2017-09-30.")
    ],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[
        TemplateFormat, typer.Option("--format", help="xlsx (with drop-down lists) or csv.")
    ] = TemplateFormat.XLSX,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Workspace whose loaded ODS extracts and practice maps add to the registry.",
        ),
    ] = None,
) -> None:
    """Write a practice return template pre-filled with the practice and census date."""
    from gpworkforce import labels
    from gpworkforce.cli.workspace import require_entries, workspace_registry
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.domain.periods import Quarter, latest_census_date
    from gpworkforce.loaders import build_registry
    from gpworkforce.returns import write_template_csv, write_template_xlsx

    on = period_option(census_date, "--census-date")
    if on != Quarter.containing(on).census_date:
        raise UserError(
            "--census-date must be a quarter end (31 March, 30 June, 30 September or "
            f"31 December), got {on}"
        )
    latest = latest_census_date(dt.date.today())
    if on > latest:
        raise UserError(
            f"--census-date must be no later than {latest}, the next quarter end after today "
            f"(a return for a census date further ahead has no staff to count yet), got {on}"
        )
    code = practice.strip().upper()
    registry = build_registry() if data is None else workspace_registry(data, require_entries(data))
    org = registry.get(code)  # unknown code -> UnknownOrganisation (a user error)
    if org.type is not OrgType.PRACTICE:
        raise UserError(
            f"--practice must be the ODS code of a practice, got {code}, which is "
            f"{_ORG_WORDS.get(org.type.value, org.type.value)} ({org.name})"
        )
    if not org.is_open(on):
        raise UserError(f"--practice must be a practice open on {on}, got {code} ({org.name})")
    writer = write_template_xlsx if fmt is TemplateFormat.XLSX else write_template_csv
    path = writer(out, practice_code=code, census_date=on)
    typer.echo(
        f"Headline: a blank return for {org.name} ({code}), census date "
        f"{labels.date_text(on)}, ready for its staff ({fmt.value.upper()})"
    )
    typer.echo(f"wrote {path}", err=True)


def validate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The file to check.")],
    kind: Annotated[
        Kind, typer.Option("--kind", help="What the file is.", case_sensitive=False)
    ] = Kind.RETURNS,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Census or extract date, when the file does not say (as for load).",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Print every loader warning in full.")
    ] = False,
) -> None:
    """Check a file (by default a practice return) and print every problem with its location."""
    from gpworkforce.cli.choices import REGISTRY_KINDS
    from gpworkforce.cli.headlines import (
        list_size_lines,
        patient_age_lines,
        population_lines,
        workforce_lines,
    )
    from gpworkforce.cli.workspace import LoadOptions, read_file, registry_lines
    from gpworkforce.labels import plural
    from gpworkforce.loaders import build_registry

    registry = build_registry()
    options = LoadOptions(period=period_option(period) if period else None)
    try:
        loaded = read_file(kind, file, registry, options)
    except ValidationFailed as exc:
        typer.echo(f"{file}: {exc.summary}: {plural(len(exc.issues), 'problem')}", err=True)
        for issue in exc.issues:
            typer.echo(f"  - {issue}", err=True)
        raise typer.Exit(exc.exit_code) from None
    source = loaded.source
    rows = len(loaded.workforce)
    encoding = f"; {loaded.encoding}" if loaded.encoding else ""
    unit = {
        Kind.PCN_INDIVIDUAL: "PCN",
        Kind.PCN_TABLES: "PCN",
        Kind.GPW_INDIVIDUAL: "sub-ICB location",
    }.get(kind, "practice")
    what = _valid_what(kind, loaded.source, registry)
    table = "workforce"
    if kind in REGISTRY_KINDS:
        lines = [f"Headline: {what}", *registry_lines(loaded)]
    elif loaded.workforce.empty and not loaded.patients.empty:  # list sizes only (payments)
        lines, rows, table = (
            list_size_lines(loaded.patients, what),
            len(loaded.patients),
            "list-size",
        )
    elif loaded.workforce.empty and not loaded.patient_ages.empty:
        lines = patient_age_lines(loaded.patient_ages, what)
        rows, table = len(loaded.patient_ages), "patients-by-age"
    elif loaded.workforce.empty and not loaded.population.empty:
        lines = population_lines(loaded.population, what)
        rows, table = len(loaded.population), "population"
    else:
        lines = workforce_lines(loaded.workforce, what, unit)
    for line in lines:
        typer.echo(line)
    typer.echo(
        f"{file}: valid {kind.value} file ({_file_id(source.source_id)}"
        f"{rows:,} {table} rows{encoding})"
    )
    echo_warnings(file.name, loaded.warnings, verbose=verbose)


def _file_id(source_id: str) -> str:
    from gpworkforce.labels import file_id

    found = file_id(source_id)
    return f"file id {found}; " if found else ""


def _valid_what(kind: Kind, source: Source, registry: OrgRegistry) -> str:
    """What a valid file is, in words: the practice's return, or the dataset it holds."""
    from gpworkforce import labels

    if kind is Kind.RETURNS:
        try:
            name = f"{registry.get(source.publisher).name} ({source.publisher})"
        except UserError:
            name = source.publisher
        return f"a valid practice return from {name}"
    return f"a valid file of {labels.source(source.source_id)}"


def register(app: typer.Typer) -> None:
    app.command("template")(template)
    app.command("validate")(validate)
