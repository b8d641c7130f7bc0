"""``gpworkforce cost`` and ``gpworkforce finance ...``: the money side, from files.

``cost SCENARIO.toml [--costs FILE] [--draws N] [--out DIR] [--xlsx]`` runs the scenario's forecast
and prices it with the cost model (``costs.toml`` beside the scenario unless ``--costs``): the
cost of the workforce, of the gap to target (substantive and locum), and the locum-conversion
saving, by financial year, staff group and payer, cash and real terms. Prints a headline and
writes CSV tables (and ``costs.xlsx`` with ``--xlsx``) into DIR (default ``cost-<file stem>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.common import echo_written, step

finance_app = typer.Typer(
    help="Allocations and funding: primary care spend against thresholds, headroom in WTE.",
    no_args_is_help=True,
)


def cost(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file (hee-linear or cohort).")],
    costs: Annotated[
        Path | None,
        typer.Option("--costs", help="Cost model TOML (default: costs.toml beside the scenario)."),
    ] = None,
    draws: Annotated[
        int,
        typer.Option("--draws", "-n", min=0, help="Monte Carlo draws besides the central case."),
    ] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write costs.xlsx.")] = False,
) -> None:
    """Cost a scenario: workforce, gap to target, locum cover and locum conversion, by year,
    staff group and payer, with P10/P50/P90 over draws."""
    from gpworkforce.finance.runner import cost_scenario, headline, write_costed

    with step(f"costing {scenario.name}"):
        costed = cost_scenario(
            scenario, costs, draws, progress=lambda m: typer.echo(f"  {m}", err=True)
        )
    typer.echo(headline(costed))
    echo_written(write_costed(costed, out or Path(f"cost-{scenario.stem}"), xlsx=xlsx))


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
