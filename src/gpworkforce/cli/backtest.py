"""``gpworkforce backtest``: forecast every ICB from September 2017 and score against GPW."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from gpworkforce import labels
from gpworkforce.cli.common import PracticeYearDataOption, echo_written, step
from gpworkforce.errors import UserError

# pandas, Altair and the engines are imported inside the command, so `gpworkforce --help` does not
# pay for them (docs/performance.md, CLI start-up). These equal gpworkforce.forecast.backtest's
# START_FY, HISTORY_FROM_FY and END_FY (tested).
START_FY = 2018
HISTORY_FROM_FY = 2016
END_FY = 2024
SOURCE = "NHS Digital, General Practice Workforce, practice level (GPW), Years 2016-2024"


def backtest(
    out: Annotated[Path, typer.Option("--out", help="Directory for tables and charts.")] = Path(
        "backtest-out"
    ),
    draws: Annotated[
        int, typer.Option("--draws", min=0, max=100_000, help="Monte Carlo draws.")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Master seed of the draws.")
    ] = 20170930,
    start_fy: Annotated[
        int, typer.Option("--start-fy", help="GPW year to start from (2018 = September 2017).")
    ] = START_FY,
    area: Annotated[
        str, typer.Option("--area", help="ICB to chart and to compare with the plan.")
    ] = "QK1",
    scenarios: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            help="hee-linear scenario file to compare (repeatable; default:"
            " scenarios/llr-2017/scenario-*.toml).",
        ),
    ] = None,
    data: PracticeYearDataOption = None,
    calibration: Annotated[
        str,
        typer.Option(
            "--calibration",
            help="Rates of the cohort-engine back-test: 'pooled' (every area the mean of all"
            " areas' 2016-2018 rates) or 'area' (each area its own two years).",
        ),
    ] = "pooled",
) -> None:
    """Forecast every ICB from its actual qualified GP FTE and score it (MAPE, P10-P90 coverage).

    The cohort engine (rates calibrated on Years 2016-2018) is scored beside trend and
    random-walk baselines. Also compares the LLR plan's 2017 scenarios (method hee-linear) with
    what GPW later showed.
    """
    if not HISTORY_FROM_FY + 2 <= start_fy < END_FY:
        raise UserError(
            f"--start-fy must be between {HISTORY_FROM_FY + 2} and {END_FY - 1} (two years"
            f" of history are needed), got {start_fy}"
        )
    import pandas as pd

    from gpworkforce.cli.sources import gpw_panel
    from gpworkforce.domain.report import ReportTable
    from gpworkforce.exports import write_csv_files, write_xlsx
    from gpworkforce.forecast import backtest as bt
    from gpworkforce.forecast import backtest_cohort as bt_cohort
    from gpworkforce.forecast.calibration import icb_map
    from gpworkforce.forecast.scenario_io import load_scenario, shipped_scenarios_dir
    from gpworkforce.forecast.sensitivity import write_svg
    from gpworkforce.papers.headline import fmt_number, fmt_pct, fmt_signed

    if calibration not in ("pooled", "area"):
        raise UserError(f"--calibration must be 'pooled' or 'area', got {calibration!r}")
    files = scenarios or sorted((shipped_scenarios_dir() / "llr-2017").glob("scenario-*.toml"))
    if not files:
        typer.echo("no hee-linear scenario given: the plan comparison is skipped", err=True)
    loaded = [load_scenario(f) for f in files]
    for f, sc in zip(files, loaded, strict=True):
        if sc.scenario.hee_linear is None:
            raise UserError(
                f"{f}: --scenario must use method 'hee-linear', got {sc.scenario.method!r}"
            )
    with step("reading GPW practice-year series and the practice -> ICB map"):
        panel, where = gpw_panel(data)
        source = f"{SOURCE}; read from {where}"
        practice_icb = icb_map()
    with step(f"back-testing every ICB from GPW Year {start_fy} with {draws} draws"):
        result = bt.backtest_calibrated(
            panel, practice_icb, start_fy=start_fy, n_draws=draws, seed=seed
        )
    with step(f"running the cohort engine for every ICB ({calibration} calibration)"):
        engine = bt_cohort.backtest_cohort(
            panel,
            practice_icb,
            mode=calibration,  # type: ignore[arg-type]
            start_fy=start_fy,
            n_draws=draws,
            seed=seed,
        )
    if area not in result.actuals.index:
        raise UserError(f"--area must be an ICB code such as QK1, got {area!r}")
    actual = result.actuals.loc[area].to_dict()
    named = [(sc.scenario.name, sc.scenario.hee_linear) for sc in loaded]
    plan = bt.plan_comparison(actual, named, org=area, start_fy=start_fy, n_draws=draws, seed=seed)  # type: ignore[arg-type]
    scores = pd.concat(
        [
            engine.result.scores_frame(),
            result.scores_frame(),
            pd.DataFrame([bt._as_dict(s) for s in plan.scores]),
        ],
        ignore_index=True,
    )
    bands = pd.concat(
        [
            engine.result.bands_frame(),
            result.bands_frame(),
            *[b.to_frame() for b in plan.bands],
        ],
        ignore_index=True,
    )
    tables = [
        ReportTable(
            "backtest_scores",
            "Back-test scores per area and method",
            scores,
            notes=("MAPE and bias in %; coverage = share of actuals inside P10-P90.",),
            sources=(source,),
        ),
        ReportTable("backtest_bands", "Forecast bands and actuals", bands, sources=(source,)),
        ReportTable(
            "backtest_engine_rates",
            "Cohort-engine back-test: calibrated annual rates per area",
            engine.rates,
            notes=(
                "Calibrated on GPW Years 2016-2018 only; rate = mean + persistent + yearly shock.",
                f"Assumed: {bt_cohort.OVER55_SHARE:.1%} of GPs over 55 (LLR plan Table 11),"
                f" 55+ leave {bt_cohort.RETIREMENT_RATIO:g}x as often as under-55s.",
            ),
            sources=(source,),
        ),
        ReportTable(
            "plan_comparison",
            "LLR plan scenarios (2017) against GPW",
            plan.table,
            notes=(
                "Plan: WTE GPs incl. locums at 9 sessions (LLR GP Workforce Plan 2017, Tables 12-14);"
                " GPW: fully qualified GPs (excl. locums and registrars), 1 FTE = 37.5 hours.",
                "The plan's change is applied to GPW's own start figure (like with like).",
            ),
            sources=(source, "LLR GP Workforce Plan (2017)"),
        ),
    ]
    out.mkdir(parents=True, exist_ok=True)
    written = write_csv_files(tables, out)
    written.append(write_xlsx(tables, out / "backtest.xlsx"))
    area_bands = [b for b in engine.result.bands if b.org == area]
    area_bands += [b for b in result.bands if b.org == area and b.method == "random-walk"]
    chart = bt.backtest_chart(
        [*area_bands, *plan.bands], actual, f"{area}: forecasts from Sep 2017 vs GPW"
    )
    written.append(write_svg(chart, out / f"backtest_{area}.svg"))
    echo_written(written)
    all_scores = [*engine.result.scores, *result.scores]
    summaries = {}
    for method in (engine.method, *bt.METHODS):
        of_method = [s for s in all_scores if s.method == method]
        summaries[method] = (bt.summarise(of_method), next(s for s in of_method if s.org == area))
    area_name = _area_name(area)
    best = min(summaries, key=lambda m: summaries[m][0]["median_mape_p50"])
    top = summaries[best][0]
    typer.echo(
        f"Headline: forecasts from GPW Year {start_fy} scored against GPW Years "
        f"{start_fy + 1}-{bt.END_FY} in {labels.plural(int(top['areas']), 'ICB')}: the most "
        f"accurate method was {labels.backtest_method(best)}, median error "
        f"{fmt_pct(top['median_mape_p50'])}, its P10-P90 band holding "
        f"{fmt_pct(100 * top['coverage'], 0)} of actual figures (80% expected)"
    )
    for method, (summary, own) in summaries.items():
        typer.echo(
            f"  {labels.backtest_method(method)}: median error {fmt_pct(summary['median_mape_p50'])},"
            f" P10-P90 band holding {fmt_pct(100 * summary['coverage'], 0)};"
            f" {area_name}: error {fmt_pct(own.mape_p50)}, band holding {fmt_pct(100 * own.coverage, 0)}"
        )
    for row in plan.table.itertuples():
        got = row.actual_fte_compare_fy
        typer.echo(
            f"  {row.scenario}: plan {fmt_number(row.plan_position_wte, 0)} WTE"
            f" ({fmt_signed(row.plan_change_pct)}%) -> GPW-equivalent"
            f" {fmt_number(row.gpw_equivalent_position, 0)} WTE against an actual"
            f" {'not available' if math.isnan(got) else f'{fmt_number(got, 0)} WTE'} in Year"
            f" {row.compare_fy} ({fmt_signed(row.error_pct)}%)"
        )


def _area_name(code: str) -> str:
    """The ICB's name from the organisation registry (its code where the registry has none)."""
    from gpworkforce.loaders import build_registry

    try:
        return build_registry().get(code).name
    except UserError:
        return code


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)
