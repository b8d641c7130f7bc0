"""``gpworkforce forecast`` and ``gpworkforce scenario-schema``.

``forecast SCENARIO.toml [--draws N] [--out DIR]`` validates the scenario, runs it (central case
plus N Monte Carlo draws), prints the main table and writes CSV + XLSX tables, SVG charts and the
run record ``run.json`` into DIR (default ``forecast-<scenario file stem>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.common import echo_written, step
from gpworkforce.forecast.hee_linear import HeeTable
from gpworkforce.forecast.runner import run_scenario, write_run
from gpworkforce.forecast.scenario_io import schema_text, write_schema


def _summary(run_table: HeeTable | None, text: str) -> None:
    if run_table is not None:
        typer.echo(run_table.render())
    else:
        typer.echo(text)


def forecast(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario TOML file (see scenarios/sample.toml).")
    ],
    draws: Annotated[
        int,
        typer.Option("--draws", "-n", min=0, help="Monte Carlo draws besides the central case."),
    ] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
) -> None:
    """Forecast GP supply, demand and gap for a scenario; write tables, charts and a run record."""
    with step(f"forecasting {scenario.name}"):
        run = run_scenario(scenario, draws=draws, progress=lambda m: typer.echo(f"  {m}", err=True))
    if run.cohort is not None:
        fc = run.cohort
        last = len(fc.dates) - 1
        lines = [f"{run.record.scenario_name} ({fc.dates[0]} to {fc.dates[last]})"]
        for name, arr in fc.measures().items():
            total = arr[0, :, :].sum(axis=1) if name != "per_1000" else arr[0, :, :].mean(axis=1)
            lines.append(f"  {name:16s} start {total[0]:14,.1f}   end {total[last]:14,.1f}")
        _summary(None, "\n".join(lines))
    else:
        _summary(run.hee, "")
    target = out if out is not None else Path(f"forecast-{scenario.stem}")
    echo_written(write_run(run, target))


def scenario_schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of scenario files."""
    if out is None:
        typer.echo(schema_text(), nl=False)
        return
    write_schema(out)
    echo_written([out])


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)
    app.command("scenario-schema")(scenario_schema)
