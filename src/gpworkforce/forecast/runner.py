"""Run a scenario file end to end: load, validate, draw, compute, build tables and charts.

This is what the CLI (and the web app) call; it does no printing. :func:`run_scenario` returns a
:class:`ForecastRun`; :func:`write_run` writes its tables (CSV + XLSX), charts (SVG) and run
record (``run.json``) into a directory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.forecast import outputs
from gpworkforce.forecast.blas import one_blas_thread
from gpworkforce.forecast.build import stream_specs
from gpworkforce.forecast.cohort import CohortForecast
from gpworkforce.forecast.cohort_mc import CohortSummary, SummaryOptions, target_rows
from gpworkforce.forecast.engine import EngineOptions
from gpworkforce.forecast.evaluated_band import (
    EvaluatedBand,
    apply_band,
    band_table,
    record_entry,
)
from gpworkforce.forecast.hee_linear import HeeTable
from gpworkforce.forecast.io import load_cohort_data
from gpworkforce.forecast.methods import COHORT, HEE_LINEAR, CohortSpec, HeeSpec, RunRequest
from gpworkforce.forecast.runrecord import RunRecord, file_sha256, make_record, write_record
from gpworkforce.forecast.scenario import uncertain_fields
from gpworkforce.forecast.scenario_io import LoadedScenario, load_scenario

Progress = Callable[[str], None]
MAX_DRAWS = 100_000


@dataclass(frozen=True)
class ForecastRun:
    loaded: LoadedScenario
    draws: int
    tables: list[ReportTable]
    charts: dict[str, str]
    record: RunRecord
    hee: HeeTable | None = None
    cohort: CohortForecast | None = None
    series: pd.DataFrame | None = None  # trajectory: date, line, central[, p10, p90]
    summary: CohortSummary | None = None  # cohort: quantiles over the draws (streamed)
    xlsx: bool = False  # write forecast.xlsx too
    band: pd.DataFrame | None = None  # with --band evaluated: evaluated_band.apply_band's frame

    @property
    def varied_draws(self) -> int:
        """The draws that vary something: ``draws`` when the scenario has an uncertain
        assumption, else 0. Without one every draw is the central case, so the run has no
        range and no chance of meeting its target to show, whatever draws it asked for."""
        return self.draws if self.record.uncertain_parameters else 0


def _request(loaded: LoadedScenario, draws: int, **kw: Any) -> RunRequest:
    return RunRequest(draws=draws, seed=loaded.scenario.seed, **kw)


def _names(loaded: LoadedScenario, drawn: tuple[str, ...]) -> list[str]:
    """Parameters drawn, or (without draws) the uncertain ones that would be."""
    return list(drawn) if drawn else sorted(uncertain_fields(loaded.scenario))


def _target(loaded: LoadedScenario, fc: CohortForecast | None = None) -> tuple[Any, float] | None:
    t = loaded.scenario.target
    if t is None:
        return None
    if t.wte is not None:
        return (t.date, t.wte)
    if fc is not None and fc.registered is not None and t.per_1000 is not None:
        idx = min(range(len(fc.dates)), key=lambda i: abs((fc.dates[i] - t.date).days))
        return (t.date, float(fc.registered[0, idx].sum()) * t.per_1000 / 1000.0)
    return None


def _hee_series(table: HeeTable, name: str, start: Any, positions: Any) -> pd.DataFrame:
    """Year-by-year straight line from the baseline to the position (with a fan over draws)."""
    rows = []
    q = None
    if positions is not None and positions.shape[0] > 1:
        q = np.quantile(positions[1:], [0.1, 0.9])
    for i, wte in table.trajectory():
        row: dict[str, Any] = {
            "date": start.replace(year=start.year + i).isoformat() if start else str(i),
            "line": name,
            "central": wte,
        }
        if q is not None:
            row["p10"] = table.baseline + (q[0] - table.baseline) * i / table.years
            row["p90"] = table.baseline + (q[1] - table.baseline) * i / table.years
        rows.append(row)
    return pd.DataFrame(rows)


def _run_hee(loaded: LoadedScenario, draws: int, *, with_charts: bool = True) -> ForecastRun:
    s = loaded.scenario
    assert s.hee_linear is not None
    result = HEE_LINEAR.run(HeeSpec(s.hee_linear, s.name), _request(loaded, draws))
    table, positions = result.detail.table, result.detail.positions
    names = _names(loaded, result.drawn)
    tables = outputs.hee_tables(table, positions)
    t = s.target
    if t is not None and t.wte is not None:
        runs = positions if positions is not None else np.array([table.position])
        tables.append(outputs.target_table(runs, np.full(runs.shape, t.wte), t.date, t.label))
    start = s.hee_linear.baseline_date
    series = _hee_series(table, s.name, start, positions)
    tables.append(ReportTable(key="trajectory", title=f"{s.name}: trajectory", frame=series))
    charts = {}
    if start is not None and with_charts:
        chart = outputs.trajectory_chart(series, _target(loaded), s.name)
        charts["trajectory"] = outputs.chart_svg(chart)
    record = make_record(s, list(loaded.chain), draws, names, [])
    return ForecastRun(loaded, draws, tables, charts, record, hee=table, series=series)


@dataclass(frozen=True)
class RunOptions:
    """How ``gpworkforce forecast`` runs and writes (the CLI's flags).

    flows          central-case flows: None = as the scenario's ``[output] flows`` says, or
                   "none", "total" (summed over organisations) or "org" (per organisation)
    xlsx           also write the workbook (CSV always)
    memory_limit_mb  refuse a run whose estimate is above this (exit code 6)
    threads        worker threads for the quantiles
    """

    flows: str | None = None
    xlsx: bool = False
    memory_limit_mb: float = 2048.0
    # draw the trajectory chart's SVG (the forecast command writes it; the paper, costing and
    # plan scoring read only the tables and the series, and skip the drawing)
    charts: bool = True
    threads: int = 2


class MemoryLimitExceeded(UserError):
    exit_code = 6


def _target_totals(loaded: LoadedScenario, summary: CohortSummary) -> ReportTable | None:
    t = loaded.scenario.target
    if t is None:
        return None
    pos = int(np.argmin([abs((d - t.date).days) for d in summary.dates]))
    supply = summary.group_paths["supply_gp_equiv"][:, pos, -1]
    if t.wte is not None:
        goal = np.full(supply.shape, t.wte)
    elif "registered" in summary.group_paths and t.per_1000 is not None:
        goal = summary.group_paths["registered"][:, pos, -1] * t.per_1000 / 1000.0
    else:
        return None
    return outputs.target_table(supply, goal, summary.dates[pos], t.label)


def _flows_table(
    spec: CohortSpec, loaded: LoadedScenario, level: str, name: str
) -> ReportTable | None:
    if level == "none":
        return None
    opts = EngineOptions(record_flows=True, sum_orgs=level == "total")
    fc = COHORT.run(spec, _request(loaded, 0, options=opts)).detail
    return outputs.flows_table(fc, name) if level == "total" else outputs.flows_by_org(fc, name)


def _run_cohort(loaded: LoadedScenario, draws: int, say: Progress, opts: RunOptions) -> ForecastRun:
    s = loaded.scenario
    assert s.cohort is not None
    say("reading data files")
    data = load_cohort_data(loaded)
    sources = [src.source_id for src in data.sources]
    spec = CohortSpec(s.cohort, data, s.costs)
    groups = None
    if s.output.groups == "icb":
        from gpworkforce.forecast.calibration import icb_map

        say("mapping practices to ICBs (NHS registry)")
        groups = icb_map()
    summary_opts = SummaryOptions(
        org_measures=None if s.output.org_measures is None else tuple(s.output.org_measures),
        every_step=tuple(s.output.every_step),
        groups=groups,
        threads=opts.threads,
        correlation=s.correlation.draws,
        group_share=s.correlation.group_share,
        seed=s.seed,
    )
    n_runs = draws if spec.distributions() else 0
    need = estimate_bytes(spec, n_runs, summary_opts)
    check_memory(need, opts.memory_limit_mb)
    say(f"memory estimate {need / 2**20:,.0f} MB (limit {opts.memory_limit_mb:,.0f} MB)")
    say("running the central case")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    # the products here are small ([draws, basis] @ [basis, organisations]): BLAS threads only
    # spin on a busy machine, so one BLAS thread (the quantiles use their own threads)
    with one_blas_thread():
        central = COHORT.run(spec, _request(loaded, 0, options=EngineOptions())).detail
        say(f"running {n_runs} draws" if n_runs else "summarising the central case")
        result = COHORT.run(spec, _request(loaded, n_runs, options=summary_opts))
    summary: CohortSummary = result.detail
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    say(
        f"computed in {wall:.2f} s ({cpu:.2f} s CPU): {len(summary.orgs):,} organisations,"
        f" {summary.runs - 1:,} draws, {len(summary.dates) - 1} steps,"
        f" {summary.basis_organisations} basis organisations,"
        f" {summary.distinct_directions:,} distinct per-organisation series"
    )
    names = _names(loaded, result.drawn)
    tables = outputs.summary_tables(summary, central, s.name, sources)
    target = _target_totals(loaded, summary)
    if target is not None:
        tables.append(target)
        rows = target_rows(summary, s.target)
        if rows is not None and len(summary.groups) > 1:
            tables.append(outputs.group_target_table(rows, s.target.label if s.target else ""))
    flows = _flows_table(spec, loaded, opts.flows or s.output.flows, s.name)
    if flows is not None:
        tables.append(flows)
    series = outputs.summary_trajectory(summary, s.name)
    charts = {}
    if opts.charts:
        say("drawing charts")
        chart = outputs.trajectory_chart(series, _target(loaded, central), s.name)
        charts["trajectory"] = outputs.chart_svg(chart)
    record = make_record(s, list(loaded.chain), draws, names, sources)
    return ForecastRun(
        loaded,
        draws,
        tables,
        charts,
        record,
        cohort=central,
        series=series,
        summary=summary,
        xlsx=opts.xlsx,
    )


def estimate_bytes(spec: CohortSpec, runs: int, opts: SummaryOptions) -> int:
    """Peak memory of a streamed cohort run, estimated before it starts (bytes)."""
    cfg = spec.config
    stocks = spec.data.stocks
    n_org = int(stocks["org"].nunique()) if len(stocks) else 0
    k, a, t = len(cfg.classes), len(cfg.bands), cfg.n_steps + 1
    d = runs + 1
    basis = k * a + len(stream_specs(cfg))
    n_groups = (len(set(opts.groups.values())) if opts.groups else 0) + 1
    measures = 9
    central = 2 * t * n_org * k * a * 8 + 9 * t * n_org * 8  # the central run's stocks, measures
    from gpworkforce.forecast.build import varies_by_year
    from gpworkforce.forecast.kernels.linear import STEP_MAP_CELLS

    n_str = len(cfg.inflows)
    if k * a > STEP_MAP_CELLS and not varies_by_year(cfg):
        # the adjoint kernel: the step operator, three measures' responses and their history
        # with the inflows, and one step's coefficients; nothing grows with cells squared
        pairs = len(cfg.transitions)
        operator = 2 * d * (2 + 2 * pairs + 2 * n_str) * k * a * 8
        engine = operator + 2 * 3 * d * k * a * 8 + 3 * t * d * n_str * 8 + 8 * d * basis * 8
    else:
        engine = 4 * d * t * basis * k * a * 8  # basis paths (headcount, FTE) and their sums
    groups = measures * d * t * n_groups * 8
    step = 4 * d * n_org * 8  # one step's values, their transpose, the quantile work
    if opts.correlation != "shared":  # each organisation's order of the runs (decision 0113):
        # the order and its sparse sums (4 + 8 bytes), the shortfall's gather positions, values
        # and gathered values at a whole year (3 x 8), the buffered coefficients
        step += d * n_org * (4 + 8 + 3 * 8) + 64 * 2**20
    years = cfg.years + 1
    org_rows = (len(opts.org_measures) if opts.org_measures is not None else measures) * years
    org_rows += len(opts.every_step) * t
    table = org_rows * n_org * 160  # rows of the tables written (about 160 bytes a row)
    return int(central + engine + groups + step + table + 200 * 2**20)  # + the interpreter


def check_memory(estimate: int, limit_mb: float) -> None:
    if estimate > limit_mb * 2**20:
        raise MemoryLimitExceeded(
            f"this run needs about {estimate / 2**20:,.0f} MB, over the limit of {limit_mb:,.0f}"
            " MB: keep fewer per-organisation measures ([output] org_measures, every_step),"
            " fewer draws, or raise --memory-limit"
        )


def run_scenario(
    path: str | Path,
    draws: int = 0,
    progress: Progress | None = None,
    options: RunOptions | None = None,
) -> ForecastRun:
    """Load and run a scenario; ``draws`` Monte Carlo draws besides the central case."""
    opts = options or RunOptions()
    say = progress or (lambda _msg: None)
    if not 0 <= draws <= MAX_DRAWS:
        raise UserError(f"--draws must be between 0 and {MAX_DRAWS}, got {draws}")
    loaded = load_scenario(path)
    s = loaded.scenario
    n_uncertain = len(uncertain_fields(s))
    say(f"scenario {s.name!r} ({s.method}), {draws} draws, {n_uncertain} uncertain parameters")
    if s.method == "hee-linear":
        return replace(_run_hee(loaded, draws, with_charts=opts.charts), xlsx=opts.xlsx)
    return _run_cohort(loaded, draws, say, opts)


def _has_dates(run: ForecastRun) -> bool:
    s = run.loaded.scenario
    return s.method == "cohort" or (
        s.hee_linear is not None and s.hee_linear.baseline_date is not None
    )


def comparison(runs: list[ForecastRun]) -> tuple[ReportTable, str]:
    """Every run's supply trajectory on one chart with the first target (like LLR Figure 9)."""
    dated = [r for r in runs if r.series is not None and _has_dates(r)]
    if not dated:
        raise UserError(
            "scenarios to compare need dates (hee_linear.baseline_date or cohort.start)"
        )
    frame = pd.concat([r.series for r in dated], ignore_index=True)
    target = next((t for t in (_target(r.loaded, r.cohort) for r in runs) if t is not None), None)
    table = ReportTable(
        key="comparison",
        title="Scenarios compared: supply trajectories",
        frame=frame,
        notes=tuple(
            f"{r.record.scenario_name}: {', '.join(r.record.scenario_files)}"
            + ("" if any(r is d for d in dated) else " (not drawn: no baseline_date)")
            for r in runs
        ),
    )
    chart = outputs.trajectory_chart(frame, target, "Scenarios compared")
    return table, outputs.chart_svg(chart)


def central_by_year(run: ForecastRun) -> list[tuple[int, Any, float]]:
    """The central case's GP-equivalent WTE (the whole run) at each whole year after the start:
    ``(years ahead, date, WTE)``; the start itself is left out."""
    s = run.loaded.scenario
    if run.hee is not None:
        start = s.hee_linear.baseline_date if s.hee_linear is not None else None
        return [
            (i, start.replace(year=start.year + i) if start is not None else None, wte)
            for i, wte in run.hee.trajectory()
            if i > 0
        ]
    summary = run.summary
    assert summary is not None and s.cohort is not None
    per_year = s.cohort.steps_per_year
    supply = summary.group_paths["supply_gp_equiv"]
    return [
        (int(pos) // per_year, summary.dates[int(pos)], float(supply[0, int(pos), -1]))
        for pos in summary.yearly
        if pos > 0 and pos % per_year == 0
    ]


def with_evaluated_band(run: ForecastRun, band: EvaluatedBand) -> ForecastRun:
    """The run with the evaluated band applied to its central case year by year: the table
    ``evaluated_band`` among its outputs and the calibration in its run record (decision 0148)."""
    points = central_by_year(run)
    frame = apply_band(band, points)
    horizons = [h for h, _, _ in points]
    record = run.record.model_copy(update={"band": record_entry(band, horizons)})
    tables = [*run.tables, band_table(band, frame)]
    return replace(run, tables=tables, record=record, band=frame)


def write_run(run: ForecastRun, out_dir: Path) -> list[Path]:
    """Write tables, charts and ``run.json`` (with hashes of the deterministic files)."""
    paths = outputs.write_outputs(out_dir, run.tables, run.charts, "forecast", xlsx=run.xlsx)
    hashes = {p.name: file_sha256(p) for p in paths}  # every output is deterministic
    record = run.record.model_copy(update={"outputs": dict(sorted(hashes.items()))})
    paths.append(write_record(record, out_dir / "run.json"))
    return paths
