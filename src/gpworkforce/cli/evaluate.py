"""``gpworkforce evaluate``: rolling-origin evaluation of every forecasting method against GPW."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.common import PracticeYearDataOption, echo_written, step
from gpworkforce.errors import UserError
from gpworkforce.forecast.evaluation_labels import CURRENT_BAND_COLUMNS, LEVELS

SOURCE = (
    "NHS Digital, General Practice Workforce, practice level (GPW), fully qualified GPs: the"
    " practice-year file and, for later Years, the practice-year file with all staff groups"
    " (the Years of each in the notes)"
)

SUMMARY_COLUMNS = {
    "level": "Level",
    "method": "Method",
    "calibration": "Band",
    "horizon": "Years ahead",
    "cases": "Forecasts scored",
    "areas": "Areas",
    "origins": "Origins",
    "mape": "Mean absolute % error",
    "mase": "Error relative to no change (MASE)",
    "bias_pct": "Bias (mean % error)",
    "cases_with_band": "Forecasts with a band",
    "coverage_judged": "Enough starting years to judge the band",
    "coverage_80": "Inside P10-P90 (%)",
    "below_p10": "Below P10 (%)",
    "above_p90": "Above P90 (%)",
    "coverage_95": "Inside P2.5-P97.5 (%)",
    "below_p2_5": "Below P2.5 (%)",
    "above_p97_5": "Above P97.5 (%)",
    "width_80_pct": "P10-P90 width (% of actual)",
    "crps_pct": "CRPS (% of actual)",
}
SKILL_COLUMNS = {
    "level": "Level",
    "horizon": "Years ahead",
    "method": "Method",
    "cases": "Forecasts scored",
    "origins": "Starting years",
    "mase": "Error relative to no change (MASE)",
    "mase_low": "MASE, 95% interval from",
    "mase_high": "MASE, 95% interval to",
    "skill": "Better than no change",
    "default": "Default central forecast",
    "reason": "Why",
}
BAND_LABELS = {
    "model": "The method's own draws",
    "conformal": "Past errors (conformal)",
    "recalibrated": "Draws recalibrated on past PITs",
    "recent": "Latest year's errors, recentred and scaled by horizon",
    "leave-out": "Errors of the other starting years (leave one out)",
}


def _human(frame, columns: dict[str, str]):  # type: ignore[no-untyped-def]
    from gpworkforce.forecast.evaluation import METHOD_LABELS

    out = frame.copy()
    if "method" in out:
        out["method"] = out["method"].map(lambda m: METHOD_LABELS.get(m, m))
    if "default" in out:
        out["default"] = out["default"].map(lambda m: METHOD_LABELS.get(m, m))
    if "calibration" in out:
        out["calibration"] = out["calibration"].map(lambda c: BAND_LABELS.get(c, c))
    if "level" in out:
        out["level"] = out["level"].map(lambda v: LEVELS.get(v, v))
    if "skill" in out:
        out["skill"] = out["skill"].map({True: "yes", False: "no"})
    if "coverage_judged" in out:
        out["coverage_judged"] = out["coverage_judged"].map({True: "yes", False: "no"})
    if "target_met" in out:
        out["target_met"] = out["target_met"].map({True: "yes", False: "no"}).fillna("not judged")
    return out[[c for c in columns if c in out]].rename(columns=columns)


def _llr_plan(panel, icb_map, cases, draws: int, seed: int):  # type: ignore[no-untyped-def]
    """The LLR plan's three scenarios (GP-only, like for like) beside no change and the cohort
    engine from the same origin, for QK1: absolute % error per year."""
    import pandas as pd

    from gpworkforce.forecast import backtest as bt
    from gpworkforce.forecast.methods import HEE_LINEAR, HeeSpec, RunRequest
    from gpworkforce.forecast.scenario_io import load_scenario, shipped_scenarios_dir

    area, origin = "QK1", 2018
    actual = bt.actual_fte(panel, icb_map)
    if area not in actual.index or origin not in actual.columns:
        return None
    act = actual.loc[area]
    start = float(act[origin])
    rows = []
    for f in sorted((shipped_scenarios_dir() / "llr-2017").glob("scenario-[0-9].toml")):
        cfg = load_scenario(f).scenario.hee_linear
        if cfg is None:
            continue
        gp_only = cfg.model_copy(update={"substitutes": []})
        path = HEE_LINEAR.run(HeeSpec(gp_only), RunRequest()).supply[0, :, 0]
        base = float(path[0])
        for h in range(1, len(path)):
            target = origin + h
            if target in act.index and not pd.isna(act[target]):
                fc = start * float(path[h]) / base
                rows.append((load_scenario(f).scenario.name, h, target, fc, float(act[target])))
    model = cases.loc[
        (cases["calibration"] == "model")
        & (cases["org"] == area)
        & (cases["origin"] == origin)
        & (cases["level"] == "icb")
        & (cases["method"].isin(["persistence", "cohort"]))
    ]
    from gpworkforce.forecast.evaluation import METHOD_LABELS

    for r in model.itertuples():
        if r.horizon <= 3:
            rows.append((METHOD_LABELS[r.method], r.horizon, r.target, r.central, r.actual))
    frame = pd.DataFrame(
        rows, columns=["Forecast", "Years ahead", "GPW Year", "Forecast FTE", "Actual FTE"]
    )
    frame["Error (%)"] = (frame["Forecast FTE"] / frame["Actual FTE"] - 1) * 100
    return frame.sort_values(["Forecast", "Years ahead"], kind="stable").reset_index(drop=True)


def evaluate(
    out: Annotated[Path, typer.Option("--out", help="Directory for tables and charts.")] = Path(
        "evaluation-out"
    ),
    level: Annotated[
        str, typer.Option("--level", help="'icb', 'sub-icb' or 'all' (both).")
    ] = "all",
    draws: Annotated[
        int, typer.Option("--draws", min=20, max=20_000, help="Monte Carlo draws per forecast.")
    ] = 500,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Master seed of the draws.")
    ] = 20170930,
    max_horizon: Annotated[
        int, typer.Option("--max-horizon", min=1, max=10, help="Longest horizon scored, years.")
    ] = 6,
    data: PracticeYearDataOption = None,
    later: Annotated[
        Path | None,
        typer.Option(
            "--later",
            help="A newer GPW practice-year CSV with all staff groups: its Years after the"
            " series' last are scored as targets, chain-linked on the series' last Year;"
            " default: the shared file (Years 2023-2025) when --data is not given.",
        ),
    ] = None,
    no_later: Annotated[
        bool,
        typer.Option("--no-later", help="Score the series alone, without a later publication."),
    ] = False,
) -> None:
    """Forecast every area from every year the data allow, by every method, and score each
    forecast against what GPW later showed (rolling origin): error against no change, bias,
    band coverage and CRPS by horizon, and which method to offer as the default."""
    from gpworkforce.cli.sources import gpw_later_panel, gpw_panel
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.domain.report import ReportTable
    from gpworkforce.exports import write_csv_files, write_xlsx
    from gpworkforce.forecast import evaluation as ev
    from gpworkforce.forecast.calibration import area_map
    from gpworkforce.forecast.evaluated_band import bands_frame
    from gpworkforce.forecast.sensitivity import write_svg

    chosen = {"icb": ["icb"], "sub-icb": ["sub-icb"], "all": ["icb", "sub-icb"]}.get(level)
    if chosen is None:
        raise UserError(f"--level must be 'icb', 'sub-icb' or 'all', got {level!r}")
    with step("reading the GPW practice-year series and the practice -> area maps"):
        panel, where = gpw_panel(data)
        newer, newer_where = gpw_later_panel(later, data, use=not no_later)
        tiers = {"icb": OrgType.ICB, "sub-icb": OrgType.SUB_ICB}
        maps = {lv: area_map(tiers[lv], live_only=True) for lv in chosen}
    with step(f"forecasting from every origin by {len(ev.METHODS)} methods, {draws} draws each"):
        try:
            result = ev.evaluate(
                panel, maps, max_horizon=max_horizon, draws=draws, seed=seed, later=newer
            )
        except ValueError as exc:
            raise UserError(f"the evaluation needs more history: {exc}") from None
    summary = ev.summary(result.cases)
    skill = ev.skill(result.cases, seed=seed)
    origins = f"{result.origins[0]}-{result.origins[-1]}"
    notes = (
        f"Origins: GPW Years {origins}; each forecast uses only the series up to its origin."
        " No change and HEE linear start from every Year (they read nothing of the history);"
        f" the others once {ev.MIN_INTERVALS} years of growth are known, as their rates and"
        " spreads need. Skill is compared on the Years every method started from"
        " (decision 0155).",
        "MASE below 1 = smaller errors than assuming no change on the same forecasts.",
        "Bands: the method's own draws; past errors (conformal); draws recalibrated on past"
        " probability integral transforms; the latest published year's one-year errors,"
        " recentred on the method's path and scaled by horizon (recent); the errors of every"
        " other starting year at the same horizon, each kept with its year's national shift,"
        " the shifts' spread widened by sqrt((n + 1) / (n - 1)) for their small number n,"
        " each tail read from those errors as they are, not mirrored, and a little further"
        " out for how few independent errors they are worth (leave one out; decisions 0143,"
        " 0158 and 0173). The first three use only forecasts whose"
        " target year was published at the origin; the leave-one-out band uses later years too"
        " (never the scored year's own errors). Each forecast's 'band_from' says which errors"
        " its band came from.",
        f"Coverage is judged only where at least {ev.MIN_ORIGINS_FOR_COVERAGE} starting years"
        " were scored: the areas' errors from one starting year move together, so fewer say"
        " little.",
        _data_note(where, panel, newer_where, result.cases),
    )
    cases = result.cases.drop(columns=["pinball"])
    plan_table = None
    if "icb" in chosen:
        plan_table = _llr_plan(panel, maps["icb"], result.cases, draws, seed)
    pct1 = dict.fromkeys(
        [v for k, v in SUMMARY_COLUMNS.items() if k not in ("level", "method", "calibration")], 1
    )
    pct1 |= {SUMMARY_COLUMNS["mase"]: 2}
    for k in ("horizon", "cases", "areas", "origins", "cases_with_band", "coverage_judged"):
        pct1.pop(SUMMARY_COLUMNS[k], None)
    mase3 = {SKILL_COLUMNS[k]: 2 for k in ("mase", "mase_low", "mase_high")}
    tables = [
        ReportTable(
            "evaluation_summary",
            "How well each method has forecast qualified GP FTE, by years ahead",
            _human(summary, SUMMARY_COLUMNS),
            notes=notes,
            sources=(SOURCE,),
            decimals=pct1,
        ),
        ReportTable(
            "evaluation_skill",
            "Skill over no change, with 95% bootstrap intervals over areas",
            _human(skill, SKILL_COLUMNS),
            notes=("Intervals resample whole areas (2,000 replicates).",),
            sources=(SOURCE,),
            decimals=mase3,
        ),
        ReportTable(
            "evaluation_bands",
            "The calibrated band for a forecast made now: each quantile as a ratio to the"
            " method's central forecast",
            bands_frame(ev.current_bands(result.cases, summary)),
            notes=(
                "Multiply a method's central forecast by these ratios for its calibrated band."
                " Each is made as the leave-one-out band is, from the errors of every starting"
                " year scored (each with its year's national shift, the shifts' spread widened"
                " for their small number, each tail as the errors fell, read a little further"
                " out for how few independent errors they are worth); the left-out check is"
                " how that construction covered"
                " the actuals when each starting year was left out.",
                f"A band from fewer than {ev.MIN_ORIGINS_FOR_COVERAGE} starting years was not"
                " judged: its coverage rests on too few national shifts to say.",
            ),
            sources=(SOURCE,),
            decimals={
                CURRENT_BAND_COLUMNS[k]: 3 for k in ("q0.025", "q0.1", "q0.5", "q0.9", "q0.975")
            }
            | {CURRENT_BAND_COLUMNS[k]: 1 for k in ("coverage_80", "coverage_95")},
        ),
        ReportTable(
            "evaluation_cases",
            "Every forecast scored",
            cases,
            notes=("One row per method, band, area, origin and years ahead.",),
            sources=(SOURCE,),
        ),
    ]
    if plan_table is not None:
        tables.append(
            ReportTable(
                "evaluation_llr_plan",
                "The LLR 2017 plan's scenarios as forecasts, against GPW (Leicester,"
                " Leicestershire and Rutland ICB)",
                plan_table,
                notes=(
                    "Like for like: each scenario's change on the plan's own baseline (WTE incl."
                    " locums, Sep 2017) applied to GPW's qualified GP FTE for Sep 2017; role"
                    " substitutes are left out because GPW cannot count them.",
                    "No change and the cohort engine are the same years' forecasts from GPW"
                    " Year 2018 in this evaluation.",
                ),
                sources=(SOURCE, "LLR GP Workforce Plan (2017), Tables 12-14"),
                decimals={c: 1 for c in plan_table.columns if c != "Forecast"},
            )
        )
    out.mkdir(parents=True, exist_ok=True)
    written = write_csv_files(tables, out)
    excel = [t for t in tables if t.key != "evaluation_cases"]
    written.append(write_xlsx(excel, out / "evaluation.xlsx"))
    for lv in chosen:
        written.append(
            write_svg(ev.mase_chart(summary, lv, LEVELS[lv]), out / f"evaluation_mase_{lv}.svg")
        )
        written.append(
            write_svg(
                ev.coverage_chart(summary, lv, LEVELS[lv]), out / f"evaluation_coverage_{lv}.svg"
            )
        )
    echo_written(written)
    typer.echo(
        f"Headline: rolling-origin evaluation, GPW Years {origins}, "
        f"{len(result.cases) // len(ev.CALIBRATIONS):,} forecasts; the default method for each "
        "level and horizon:"
    )
    for lv in chosen:
        rows = skill.loc[skill["level"] == lv].drop_duplicates("horizon")
        for r in rows.itertuples():
            best = ev.METHOD_LABELS.get(r.default, r.default)
            s = summary.loc[
                (summary["level"] == lv)
                & (summary["method"] == r.default)
                & (summary["calibration"] == "model")
                & (summary["horizon"] == r.horizon)
            ]
            mape = float(s["mape"].iloc[0]) if len(s) else math.nan
            shown = (
                "skill shown"
                if r.default != "persistence"
                and bool(
                    skill.loc[
                        (skill["level"] == lv)
                        & (skill["horizon"] == r.horizon)
                        & (skill["method"] == r.default),
                        "skill",
                    ].any()
                )
                else "no skill over no change shown"
            )
            n_origins = int(
                skill.loc[(skill["level"] == lv) & (skill["horizon"] == r.horizon), "origins"].max()
            )
            if n_origins < ev.MIN_ORIGINS_TO_JUDGE:
                shown = (
                    f"too few starting years to judge skill ({n_origins},"
                    f" at least {ev.MIN_ORIGINS_TO_JUDGE} needed)"
                )
            typer.echo(
                f"  {LEVELS[lv]}, {_plural(r.horizon, 'year')} ahead: default {best}"
                f" (mean error {mape:.1f}%; {shown}); {_band_line(summary, lv, r)}"
            )


def _band_line(summary, level: str, row) -> str:  # type: ignore[no-untyped-def]
    """How the default method's calibrated band (other starting years' errors, leave one out)
    did at this horizon, or that too few starting years were scored to judge it."""
    from gpworkforce.forecast import evaluation as ev

    band = summary.loc[
        (summary["level"] == level)
        & (summary["method"] == row.default)
        & (summary["calibration"] == "leave-out")
        & (summary["horizon"] == row.horizon)
        & (summary["cases_with_band"] > 0)
    ]
    if band.empty:
        return "no calibrated band (no other starting year forecast this far ahead)"
    b = band.iloc[0]
    if b["origins"] < ev.MIN_ORIGINS_FOR_COVERAGE:
        return (
            f"calibrated band not judged: {_plural(int(b['origins']), 'starting year')} scored"
            f" ({int(b['cases_with_band'])} forecasts), at least {ev.MIN_ORIGINS_FOR_COVERAGE}"
            f" needed; it held {b['coverage_80']:.0f}% inside P10-P90"
        )
    verdict = (
        "meets the calibration target"
        if ev.calibration_ok(b.to_dict())
        else "misses the calibration target (within 5 points, tails within 3)"
    )
    return (
        f"calibrated band ({_plural(int(b['origins']), 'starting year')}):"
        f" {b['coverage_80']:.0f}% inside P10-P90 ({b['below_p10']:.0f}% below,"
        f" {b['above_p90']:.0f}% above), {b['coverage_95']:.0f}% inside P2.5-P97.5, {verdict}"
    )


def _data_note(where: str, panel, newer_where: str, cases) -> str:  # type: ignore[no-untyped-def]
    """Where the series and the targets came from, with the Years each supplied."""
    first, last = int(panel["fy"].min()), int(panel["fy"].max())
    added = sorted(int(t) for t in cases["target"].unique() if int(t) > last)
    text = f"Data: {where}, GPW Years {first}-{last}"
    if not added:
        return f"{text}; no later Year scored ({newer_where})."
    years = ", ".join(str(y) for y in added)
    return (
        f"{text}; Year{'s' if len(added) > 1 else ''} {years} scored as targets from"
        f" {newer_where}, chain-linked on Year {last} (only that file's growth since Year {last}"
        " is used, not its revised level)."
    )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
