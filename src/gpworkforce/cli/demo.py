"""``gpworkforce demo``: the main job on the built-in LLR 2017 demo (``make demo``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.baseline import build_baseline_report, echo_headline
from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.common import echo_written, step
from gpworkforce.errors import UserError
from gpworkforce.reports.formats import OutputFormat

DEMO_ORG = "QK1"  # Leicester, Leicestershire and Rutland (the STP in 2017, ICB since 2022)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Directory to write into.")] = Path("out/demo"),
) -> None:
    """Build the LLR 2017 demo and write its baseline report (HTML, XLSX, CSV) and returns."""
    from gpworkforce.cli.sources import demo_context
    from gpworkforce.demo import build_llr_2017, write_llr_2017
    from gpworkforce.reports.output import write_report

    if out.exists() and not out.is_dir():
        raise UserError(f"--out must be a directory, got the file {out}")
    with step("Building the LLR 2017 demo from the public files (real) and a seeded generator"):
        dataset = build_llr_2017()
    with step(f"Writing {len(dataset.returns)} synthetic practice returns"):
        returns = write_llr_2017(out, dataset=dataset)
    context = demo_context(dataset)
    with step(f"Computing the baseline for {DEMO_ORG} on {dataset.census_date.isoformat()}"):
        report = build_baseline_report(context, DEMO_ORG, dataset.census_date, SourceChoice.RETURNS)
    # the headline first, on stdout and at the top of the report (as ``gpworkforce baseline``)
    name = context.data.registry.get(DEMO_ORG).name
    lines = echo_headline(report, name, DEMO_ORG, dataset.census_date, SourceChoice.RETURNS)
    report = dataclasses.replace(report, headline=tuple(line.strip() for line in lines[1:]))
    stem = f"baseline-{DEMO_ORG.lower()}-{dataset.census_date.isoformat()}"
    written: list[Path] = []
    with step("Rendering the report as HTML, XLSX and CSV"):
        written += write_report(report, OutputFormat.HTML, out / f"{stem}.html")
        written += write_report(report, OutputFormat.XLSX, out / f"{stem}.xlsx")
        written += write_report(report, OutputFormat.CSV, out / f"{stem}-csv")
    echo_written(written)
    typer.echo(f"Baseline report for {DEMO_ORG} on {dataset.census_date:%-d %B %Y}:")
    typer.echo(f"  HTML: {written[0]}")
    typer.echo(f"  XLSX: {written[1]}")
    typer.echo(f"  CSV:  {written[2].parent}/")
    typer.echo(f"  demo returns ({len(dataset.returns)}): {returns[0].parent}/")
    typer.echo(f"  demo metadata: {returns[-1]}")
    typer.echo("Which figures are real and which synthetic:")
    for statement in context.statements:
        typer.echo(f"  - {statement}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
