"""``gpworkforce forecast`` and ``gpworkforce scenario-schema``.

``forecast SCENARIO.toml [MORE.toml ...] [--draws N] [--out DIR]`` validates the scenario(s),
runs each (central case plus N Monte Carlo draws), prints the main table and writes CSV tables
(and XLSX with ``--xlsx``), SVG charts and the run record ``run.json`` into DIR (default ``forecast-<file stem>``);
with several scenarios, one sub-directory each plus a comparison chart (like LLR Figure 9).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gpworkforce.cli.common import echo_written, step
from gpworkforce.errors import UserError

if TYPE_CHECKING:
    from gpworkforce.forecast.evaluated_band import EvaluatedBand
    from gpworkforce.forecast.runner import ForecastRun

# pandas, Altair and the engines are imported inside the commands, so `gpworkforce --help` does
# not pay for them (docs/performance.md, CLI start-up).


WHOLE_MEASURES = frozenset({"registered", "cost_salaried", "cost_locum"})


def _summary(run: ForecastRun) -> str:
    if run.hee is not None:
        return run.hee.render()
    fc = run.cohort
    assert fc is not None
    last = len(fc.dates) - 1
    from gpworkforce import labels

    start, end = f"{fc.dates[0]:%-d %b %Y}", f"{fc.dates[last]:%-d %b %Y}"
    lines = [f"{run.record.scenario_name} (central case)", f"  {'':50s} {start:>14s} {end:>14s}"]
    for name, arr in fc.measures().items():
        label = labels.column(name)
        if name == "per_1000":
            assert fc.registered is not None
            total = fc.supply_gp_equiv[0].sum(axis=1) / fc.registered[0].sum(axis=1) * 1000.0
            label = "GP-equivalent WTE per 1,000 patients"
            lines.append(f"  {label:50s} {total[0]:14,.3f} {total[last]:14,.3f}")
            continue
        total = arr[0].sum(axis=1)
        # patients and pounds in whole numbers (a tenth of a patient or a penny is noise)
        fmt = ",.0f" if name in WHOLE_MEASURES else ",.1f"
        lines.append(f"  {label:50s} {total[0]:14{fmt}} {total[last]:14{fmt}}")
    return "\n".join(lines)


# why a run with draws shows no range: its draws vary nothing
NOTHING_UNCERTAIN = "no assumption of the scenario is uncertain, so every draw is the central case"


def _wte(value: object) -> str:
    return f"{float(value):,.1f}"  # type: ignore[arg-type]


def headline(run: ForecastRun) -> list[str]:
    """The forecast's headline: GP WTE at the target date (central; P10/P50/P90 with draws), the
    target and the gap, and the chance of meeting it, as a person reads them."""
    import pandas as pd

    name = run.record.scenario_name
    target = next((t.frame for t in run.tables if t.key == "target"), None)
    if target is not None and len(target):
        row = target.iloc[0]
        on = pd.Timestamp(row["date"]).date()
        lines = [f"Headline: {name}, GP WTE on {on:%-d %B %Y}"]
        central = float(row["supply_central"])
        drawn = run.varied_draws
        if drawn and pd.notna(row.get("supply_p10")):
            lines.append(
                f"  Central {_wte(central)} WTE; P10 {_wte(row['supply_p10'])}, "
                f"P50 {_wte(row['supply_p50'])}, P90 {_wte(row['supply_p90'])} WTE "
                f"(8 in 10 of {drawn:,} runs end between P10 and P90)"
            )
        elif run.draws:
            lines.append(f"  Central {_wte(central)} WTE (no range: {NOTHING_UNCERTAIN})")
        else:
            hint = (
                "the evaluated band is below" if run.band is not None else "--draws N for a range"
            )
            lines.append(f"  Central {_wte(central)} WTE (no Monte Carlo draws: {hint})")
        goal = float(row["target_wte"])
        gap = goal - central
        word = "short of" if gap > 0 else "above"
        lines.append(
            f"  {row['target']}: {_wte(goal)} WTE; the central case is "
            f"{_wte(abs(gap))} WTE {word} it"
        )
        chance = row.get("probability_meeting_target")
        if drawn and chance is not None and pd.notna(chance):
            lines.append(
                f"  Chance of meeting the target: {100 * float(chance):.0f}% "
                f"({round(float(chance) * drawn):,} of {drawn:,} runs)"
            )
        elif run.draws:
            lines.append(
                "  Chance of meeting the target: not estimated, as no assumption is uncertain;"
                " give one a range to see how likely the target is"
            )
        return lines
    series = run.series
    if series is None or series.empty:
        return []
    last = series.loc[series["date"] == series["date"].max()].iloc[0]
    on = pd.Timestamp(last["date"]).date()
    text = f"Headline: {name}, GP WTE on {on:%-d %B %Y}: central {_wte(last['central'])} WTE"
    if "p10" in series.columns and pd.notna(last.get("p10")) and run.varied_draws:
        text += f" (P10 {_wte(last['p10'])}, P90 {_wte(last['p90'])})"
    elif run.draws:
        text += f" (no range: {NOTHING_UNCERTAIN})"
    return [text]


def band_headline(run: ForecastRun, band: EvaluatedBand) -> list[str]:
    """The evaluated band, year by year, as a person reads it; horizons beyond the evaluated
    ones said to be not judged (no band given)."""
    import pandas as pd

    from gpworkforce.forecast.evaluated_band import ahead

    frame = run.band
    assert frame is not None
    lines = [
        f"  Evaluated band for {band.describe()}, from {band.path.name} (SHA-256"
        f" {band.sha256[:12]}...), GP-equivalent WTE:"
    ]
    beyond = []
    for r in frame.itertuples(index=False):
        if pd.isna(getattr(r, "p10", float("nan"))):
            beyond.append(int(r.years_ahead))
            continue
        on = f"{pd.Timestamp(r.date):%-d %b %Y}" if r.date is not None else ""
        wide = (
            f"; P2.5 {_wte(r.p2_5)}, P97.5 {_wte(r.p97_5)}"
            if "p2_5" in frame.columns and pd.notna(r.p2_5)
            else ""
        )
        lines.append(
            f"    {on} ({ahead(int(r.years_ahead))} ahead): central {_wte(r.central)}; P10 {_wte(r.p10)},"
            f" P50 {_wte(r.p50)}, P90 {_wte(r.p90)}{wide}; {r.band}"
        )
    if beyond:
        span = str(beyond[0]) if len(beyond) == 1 else f"{beyond[0]}-{beyond[-1]}"
        lines.append(
            f"    {span} years ahead: not judged, the evaluation has bands only to"
            f" {band.max_horizon} years; no band given"
        )
    return lines + target_band_lines(run)


def target_band_lines(run: ForecastRun) -> list[str]:
    """The target read from the evaluated band: P10/P50/P90 at its date and the chance of
    reaching it (decision 0156), or why the band says nothing there."""
    import pandas as pd

    from gpworkforce.forecast.evaluated_band import band_at_target

    table = next((t.frame for t in run.tables if t.key == "target"), None)
    if table is None or not len(table) or run.band is None:
        return []
    row = table.iloc[0]
    on = pd.Timestamp(row["date"]).date()
    at = band_at_target(run.band, on, float(row["target_wte"]))
    if at is None:
        return [
            f"  Target on {on:%-d %B %Y}: beyond the evaluated band's horizons, so no chance of"
            " reaching it is read from the band"
        ]
    return [
        f"  Target from the evaluated band, {pd.Timestamp(at.date):%-d %B %Y}: P10"
        f" {_wte(at.p10)}, P50 {_wte(at.p50)}, P90 {_wte(at.p90)} WTE; chance of reaching"
        f" {_wte(at.target)} WTE: {at.chance_text()}"
    ]


def _evaluated_band(
    band: str, evaluation: Path | None, level: str | None, methods: set[str]
) -> dict[str, EvaluatedBand]:
    """``--band``: the evaluated band of each scenario method, read and checked before anything
    runs (empty for the scenario's own draws)."""
    from gpworkforce.forecast.evaluated_band import band_path, read_band

    if band not in ("draws", "evaluated"):
        raise UserError(f"--band must be draws or evaluated, got {band!r}")
    if band == "draws":
        if evaluation is not None or level is not None:
            raise UserError("--evaluation and --band-level are used only with --band evaluated")
        return {}
    if evaluation is None or level is None:
        raise UserError(
            "--band evaluated needs --evaluation DIR (the output directory of"
            " `gpworkforce evaluate`) and --band-level icb|sub-icb (the level of the area"
            " forecast)"
        )
    path = band_path(evaluation)
    return {m: read_band(path, level, m) for m in sorted(methods)}


def forecast(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario TOML file(s) (see scenarios/sample.toml); several = compared."
        ),
    ],
    draws: Annotated[
        int,
        typer.Option("--draws", "-n", min=0, help="Monte Carlo draws besides the central case."),
    ] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    xlsx: Annotated[
        bool,
        typer.Option("--xlsx", help="Also write forecast.xlsx (CSV files are always written)."),
    ] = False,
    flows: Annotated[
        str | None,
        typer.Option(
            "--flows",
            help="Central-case flows: none, total (summed over organisations) or org (per"
            " organisation); default: the scenario's [output] flows.",
        ),
    ] = None,
    memory_limit: Annotated[
        float,
        typer.Option(
            "--memory-limit",
            min=64,
            help="Refuse (exit code 6) a run estimated to need more memory than this, in MB.",
        ),
    ] = 2048.0,
    costs: Annotated[
        Path | None,
        typer.Option(
            "--costs",
            help="Cost model TOML: cost the run (default: costs.toml beside the scenario, if any).",
        ),
    ] = None,
    no_costs: Annotated[
        bool, typer.Option("--no-costs", help="Do not cost the run even with a cost model.")
    ] = False,
    band: Annotated[
        str,
        typer.Option(
            "--band",
            help="draws: the scenario's own Monte Carlo band; evaluated: the central case times"
            " the band `gpworkforce evaluate` measured (needs --evaluation and --band-level).",
        ),
    ] = "draws",
    evaluation: Annotated[
        Path | None,
        typer.Option(
            "--evaluation",
            help="Output directory of `gpworkforce evaluate` (or its evaluation_bands.csv).",
        ),
    ] = None,
    band_level: Annotated[
        str | None,
        typer.Option("--band-level", help="Level of the area forecast: icb or sub-icb."),
    ] = None,
) -> None:
    """Forecast GP supply, demand and gap; write tables, charts and a run record.

    With a cost model (``--costs FILE`` or ``costs.toml`` beside the scenario) the same run is
    costed: by year, staff group and payer, P10/P50/P90 over the draws, in DIR/cost/.
    With several scenarios each is written to DIR/<file stem>/ and their trajectories are drawn on
    one chart (DIR/comparison.svg, like LLR Figure 9). Every scenario is validated before any runs.
    With ``--band evaluated --evaluation DIR --band-level icb|sub-icb`` the central case is also
    given the band ``gpworkforce evaluate`` measured for that level and the scenario's method,
    year by year (DIR/evaluated_band.csv; the calibration used is in run.json and the README).
    """
    from gpworkforce.exports import atomic_write_text, write_csv_files
    from gpworkforce.forecast.runner import (
        RunOptions,
        comparison,
        run_scenario,
        with_evaluated_band,
        write_run,
    )
    from gpworkforce.forecast.scenario_io import load_scenario

    if flows not in (None, "none", "total", "org"):
        raise UserError(f"--flows must be none, total or org, got {flows!r}")
    options = RunOptions(flows=flows, xlsx=xlsx, memory_limit_mb=memory_limit)
    if no_costs and costs is not None:
        raise UserError("--costs and --no-costs cannot be given together")
    models: dict[Path, Path | None] = {}
    methods: set[str] = set()
    loaded = {}
    for path in scenarios:  # validate all before computing anything
        loaded[path] = load_scenario(path).scenario  # every scenario checked first
        methods.add(loaded[path].method)
        models[path] = None if no_costs else _cost_model(path, costs)
    bands = _evaluated_band(band, evaluation, band_level, methods)
    if bands:
        from gpworkforce.forecast.evaluated_band import measure_differs

        for path, scenario in loaded.items():
            reason = measure_differs(scenario)
            if reason:
                raise UserError(
                    f"{path.name}: --band evaluated does not apply: {reason} (decision 0156);"
                    " use --band draws for the scenario's own band"
                )
    stems = [p.stem for p in scenarios]
    if len(set(stems)) != len(stems):
        raise UserError(f"scenario file names must differ (outputs go to DIR/<stem>), got {stems}")
    target = (
        out
        if out is not None
        else Path(f"forecast-{scenarios[0].stem}" if len(scenarios) == 1 else "forecast-comparison")
    )
    runs = []
    for path in scenarios:
        with step(f"forecasting {path.name}"):
            run = run_scenario(
                path,
                draws=draws,
                progress=lambda m: typer.echo(f"  {m}", err=True),
                options=options,
            )
        evaluated = bands.get(run.loaded.scenario.method)
        if evaluated is not None:
            run = with_evaluated_band(run, evaluated)
        lines = headline(run)
        if evaluated is not None:
            lines += band_headline(run, evaluated)
        if lines:
            typer.echo("\n".join(lines) + "\n")
        typer.echo(_summary(run))
        runs.append(run)
        where = target if len(scenarios) == 1 else target / path.stem
        echo_written(write_run(run, where))
        model = models[path]
        if model is not None:
            try:
                _cost(run, model, where / "cost")
            except UserError as exc:
                if costs is not None:  # asked for: the run is not complete without its cost
                    raise
                typer.echo(
                    f"  not costed with {model} (found beside the scenario): {exc}", err=True
                )
    if len(runs) > 1:
        table, svg = comparison(runs)
        echo_written(write_csv_files([table], target, prefix=""))
        echo_written([atomic_write_text(target / "comparison.svg", svg)])


def _cost_model(scenario: Path, given: Path | None) -> Path | None:
    """The cost model to cost a run with (validated now, before anything runs), or None."""
    from gpworkforce.finance.cost_io import COSTS_FILE, load_cost_model

    path = given if given is not None else scenario.parent / COSTS_FILE
    if given is None and not path.is_file():
        return None
    load_cost_model(path)
    return path


def _cost(run: ForecastRun, model: Path, out: Path) -> None:
    """Cost the run just made (same draws) and write the cost tables into ``out``."""
    from gpworkforce.finance.runner import cost_forecast, headline, write_costed

    register = run.loaded.path.parent / "funding.csv"
    with step(f"costing with {model.name}"):
        costed = cost_forecast(run, model, funding=register if register.is_file() else None)
    typer.echo(headline(costed, first=False))
    echo_written(write_costed(costed, out))


def scenario_schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of scenario files."""
    from gpworkforce.forecast.scenario_io import json_schema, schema_text, write_schema

    schema = json_schema()
    sections = sorted(schema.get("properties", {}))
    line = (
        f"Headline: the scenario file schema has {len(sections)} top-level settings"
        f" ({', '.join(sections)}) and {len(schema.get('$defs', {}))} definitions of tables"
        " within them; docs/scenarios.md explains each."
    )
    if out is None:
        # the schema itself goes to standard output (to be redirected or piped), the headline
        # to standard error so that the output stays valid JSON
        typer.echo(line, err=True)
        typer.echo(schema_text(), nl=False)
        return
    typer.echo(line)
    write_schema(out)
    echo_written([out])


def goal_seek(
    scenario: Annotated[Path, typer.Argument(help="Cohort scenario TOML with a [target].")],
    parameter: Annotated[
        str,
        typer.Option("--parameter", help="Field path to change, e.g. cohort.inflows[0].retention."),
    ],
    probability: Annotated[
        float, typer.Option("--probability", help="Wanted probability of meeting the target.")
    ] = 0.8,
    low: Annotated[float, typer.Option("--low", help="Smallest shift to try.")] = -1.0,
    high: Annotated[float, typer.Option("--high", help="Largest shift to try.")] = 1.0,
    draws: Annotated[int, typer.Option("--draws", "-n", min=10, help="Monte Carlo draws.")] = 200,
) -> None:
    """Find the change in one assumption needed to meet the target with a given probability."""
    from gpworkforce.forecast.goalseek import goal_seek as seek
    from gpworkforce.forecast.io import load_cohort_data
    from gpworkforce.forecast.methods import CohortSpec
    from gpworkforce.forecast.scenario_io import load_scenario

    loaded = load_scenario(scenario)
    s = loaded.scenario
    if s.cohort is None:
        raise UserError(f"{scenario}: goal seeking needs method 'cohort', got {s.method!r}")
    spec = CohortSpec(s.cohort, load_cohort_data(loaded), s.costs)
    options = None
    if s.correlation.draws != "shared":  # the scenario's correlation of draws in every trial
        from gpworkforce.forecast.calibration import icb_map
        from gpworkforce.forecast.cohort_mc import SummaryOptions

        options = SummaryOptions(
            groups=icb_map() if s.output.groups == "icb" else None,
            correlation=s.correlation.draws,
            group_share=s.correlation.group_share,
            seed=s.seed,
        )
    with step(f"solving for {parameter} (bisection, {draws} draws a trial)"):
        r = seek(
            spec,
            s.target,
            parameter,
            probability,
            low,
            high,
            draws=draws,
            seed=s.seed,
            options=options,
        )
    from gpworkforce import labels
    from gpworkforce.papers.headline import fmt_number, fmt_pct

    typer.echo(
        f"Headline: to meet the target of {fmt_number(r.target_wte)} WTE with a "
        f"{fmt_pct(100 * r.wanted, 0)} chance, {labels.lever(r.parameter)} must change by "
        f"{r.delta:+.4f}, to a central value of {r.central_value:.4f}"
    )
    typer.echo(
        f"  Chance of meeting the target with that change: {fmt_pct(100 * r.probability)} "
        f"(+/- {fmt_number(100 * r.standard_error)} percentage points, Monte Carlo, "
        f"{labels.plural(r.draws, 'draw')})"
    )
    typer.echo(
        f"  GP-equivalent WTE at the target date with that change: P10 "
        f"{fmt_number(r.supply_p10)} WTE, P50 {fmt_number(r.supply_p50)} WTE, P90 "
        f"{fmt_number(r.supply_p90)} WTE"
    )
    typer.echo(f"  Found in {labels.plural(r.iterations, 'bisection step')}")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)
    app.command("goal-seek")(goal_seek)
    app.command("scenario-schema")(scenario_schema)
