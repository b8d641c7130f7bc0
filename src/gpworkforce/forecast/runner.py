"""Run a scenario file end to end: load, validate, draw, compute, build tables and charts.

This is what the CLI (and the web app) call; it does no printing. :func:`run_scenario` returns a
:class:`ForecastRun`; :func:`write_run` writes its tables (CSV + XLSX), charts (SVG) and run
record (``run.json``) into a directory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.forecast import outputs
from gpworkforce.forecast.cohort import CohortForecast
from gpworkforce.forecast.engine import EngineOptions
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


def _run_hee(loaded: LoadedScenario, draws: int) -> ForecastRun:
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
    if start is not None:
        chart = outputs.trajectory_chart(series, _target(loaded), s.name)
        charts["trajectory"] = outputs.chart_svg(chart)
    record = make_record(s, list(loaded.chain), draws, names, [])
    return ForecastRun(loaded, draws, tables, charts, record, hee=table, series=series)


def _target_rows(loaded: LoadedScenario, fc: CohortForecast) -> ReportTable | None:
    t = loaded.scenario.target
    if t is None:
        return None
    r = min(range(len(fc.dates)), key=lambda i: abs((fc.dates[i] - t.date).days))
    supply = fc.supply_gp_equiv[:, r, :].sum(axis=1)
    if t.wte is not None:
        goal = np.full(supply.shape, t.wte)
    elif fc.registered is not None and t.per_1000 is not None:
        goal = fc.registered[:, r, :].sum(axis=1) * t.per_1000 / 1000.0
    else:
        return None
    return outputs.target_table(supply, goal, fc.dates[r], t.label)


def _run_cohort(loaded: LoadedScenario, draws: int, say: Progress) -> ForecastRun:
    s = loaded.scenario
    assert s.cohort is not None
    say("reading data files")
    data = load_cohort_data(loaded)
    sources = [src.source_id for src in data.sources]
    spec = CohortSpec(s.cohort, data, s.costs)
    say("running the central case")
    flows = EngineOptions(record_flows=True)
    central = COHORT.run(spec, _request(loaded, 0, options=flows)).detail
    fc = central
    drawn: tuple[str, ...] = ()
    if draws > 0 and spec.distributions():
        say(f"running {draws} draws")
        every = EngineOptions(record_every=s.cohort.steps_per_year)
        result = COHORT.run(spec, _request(loaded, draws, options=every))
        fc, drawn = result.detail, result.drawn
    names = _names(loaded, drawn)
    tables = outputs.cohort_tables(fc, s.name, sources)
    target = _target_rows(loaded, fc)
    if target is not None:
        tables.append(target)
    flows = outputs.flows_table(central, s.name)
    if flows is not None:
        tables.append(flows)
    say("drawing charts")
    series = outputs.cohort_trajectory(fc, s.name)
    chart = outputs.trajectory_chart(series, _target(loaded, fc), s.name)
    record = make_record(s, list(loaded.chain), draws, names, sources)
    return ForecastRun(
        loaded,
        draws,
        tables,
        {"trajectory": outputs.chart_svg(chart)},
        record,
        cohort=fc,
        series=series,
    )


def run_scenario(path: str | Path, draws: int = 0, progress: Progress | None = None) -> ForecastRun:
    """Load and run a scenario; ``draws`` Monte Carlo draws besides the central case."""
    say = progress or (lambda _msg: None)
    if not 0 <= draws <= MAX_DRAWS:
        raise UserError(f"--draws must be between 0 and {MAX_DRAWS}, got {draws}")
    loaded = load_scenario(path)
    s = loaded.scenario
    n_uncertain = len(uncertain_fields(s))
    say(f"scenario {s.name!r} ({s.method}), {draws} draws, {n_uncertain} uncertain parameters")
    if s.method == "hee-linear":
        return _run_hee(loaded, draws)
    return _run_cohort(loaded, draws, say)


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


def write_run(run: ForecastRun, out_dir: Path) -> list[Path]:
    """Write tables, charts and ``run.json`` (with hashes of the deterministic files)."""
    paths = outputs.write_outputs(out_dir, run.tables, run.charts, "forecast")
    hashes = {p.name: file_sha256(p) for p in paths}  # every output is deterministic
    record = run.record.model_copy(update={"outputs": dict(sorted(hashes.items()))})
    paths.append(write_record(record, out_dir / "run.json"))
    return paths
