"""``gpworkforce sensitivity SCENARIO.toml``: which assumptions move the gap most (tornado)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gpworkforce import labels
from gpworkforce.cli.common import echo_written, step
from gpworkforce.errors import UserError

# pandas, Altair and the engines are imported inside the command, so `gpworkforce --help` does not
# pay for them (docs/performance.md, CLI start-up).


def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the tables and the tornado chart.")
    ] = Path("sensitivity-out"),
    year: Annotated[
        int,
        typer.Option("--year", min=2000, max=2100, help="Year of the gap (cohort method)."),
    ] = 2030,
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            min=0,
            max=100_000,
            help="Monte Carlo draws for rank correlations (0 = tornado only).",
        ),
    ] = 0,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Master seed (default: the scenario's).")
    ] = None,
) -> None:
    """Tornado: each uncertain assumption at its P10 and P90, the others central; ranked by swing."""
    from gpworkforce.domain.report import ReportTable
    from gpworkforce.exports import write_csv_files
    from gpworkforce.forecast import sensitivity as sens
    from gpworkforce.forecast.scenario_io import load_scenario
    from gpworkforce.papers.headline import fmt_number

    if not scenario.is_file():
        raise UserError(f"SCENARIO must be an existing scenario TOML file, got {scenario}")
    loaded = load_scenario(scenario)
    with step(f"preparing {loaded.scenario.name}"):
        outcome = sens.scenario_outcome(loaded, year)
    if not outcome.distributions:
        raise UserError(
            f"{scenario}: must give at least one assumption as a distribution (e.g."
            ' { kind = "triangular", low = 0.1, mode = 0.15, high = 0.2 }), got only plain numbers'
        )
    with step(f"tornado over {labels.plural(len(outcome.distributions), 'uncertain assumption')}"):
        bars = sens.tornado(outcome.fn, outcome.distributions)
    tables = [
        ReportTable(
            "tornado",
            f"Sensitivity of the {outcome.label}",
            sens.tornado_frame(bars),
            notes=("One at a time: each assumption at its P10 and P90, all others central.",),
            sources=(str(scenario),),
        )
    ]
    if draws:
        with step(f"{draws} Monte Carlo draws for rank correlations"):
            the_seed = loaded.scenario.seed if seed is None else seed
            drawn, y = sens.monte_carlo(outcome.fn, outcome.distributions, draws, the_seed)
        tables.append(
            ReportTable(
                "rank_correlation",
                f"Spearman rank correlation with the {outcome.label}",
                sens.rank_correlations(drawn, y),
                notes=(f"{draws} draws, master seed {the_seed}; run 0 (central) excluded.",),
                sources=(str(scenario),),
            )
        )
        drawn_frame = drawn.to_frame()
        drawn_frame["outcome"] = y
        tables.append(
            ReportTable(
                "draws",
                "Drawn assumptions and the outcome of every run",
                drawn_frame,
                notes=(f"Run 0 is the central case; master seed {the_seed}.",),
                sources=(str(scenario),),
            )
        )
    out.mkdir(parents=True, exist_ok=True)
    written = write_csv_files(tables, out)
    chart = sens.tornado_chart(bars, f"{loaded.scenario.name}: what moves the gap", outcome.label)
    written.append(sens.write_svg(chart, out / "tornado.svg"))
    top = bars[0]
    typer.echo(f"Headline: {outcome.label}, central case: {fmt_number(top.central_outcome)} WTE")
    typer.echo(
        f"  Moved most by: {labels.lever(top.parameter)} (from {fmt_number(top.outcome_low)} WTE"
        f" at its P10 to {fmt_number(top.outcome_high)} WTE at its P90, a swing of "
        f"{fmt_number(top.swing)} WTE)"
    )
    typer.echo(f"  {labels.plural(len(bars), 'uncertain assumption')}, ranked by swing:")
    for rank, bar in enumerate(bars, start=1):
        # an assumption's own value to three significant figures (0.739, not 0.73873)
        typer.echo(
            f"  {rank:>2}. {labels.lever(bar.parameter)}: swing {fmt_number(bar.swing)} WTE"
            f" (at its P10 of {bar.low_value:.3g}: {fmt_number(bar.outcome_low)} WTE;"
            f" at its P90 of {bar.high_value:.3g}: {fmt_number(bar.outcome_high)} WTE)"
        )
    echo_written(written)


def register(app: typer.Typer) -> None:
    app.command("sensitivity")(sensitivity)
