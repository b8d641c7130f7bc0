"""Finance benchmark (issue 12): what costing a 1,000-draw run adds to the run's time.

Scenarios, 1,000 Monte Carlo draws each:

* the shipped LLR cohort scenario (3 CCGs, 4 classes, 2 age bands, monthly, 10 years, 10
  uncertain parameters) with ``scenarios/llr-2017/costs.toml`` (2 uncertain cost parameters);
* the national scenario ``scenarios/england/practices-mc.toml`` (about 6,300 practices, monthly,
  10 years) priced with the same cost model (its one class, ``GP``, at the LLR salaried cost).

1. Through the CLI, one process each (what a user runs), CPU seconds (user + system of the
   child, steadier than wall time on the shared machine; wall time in the note), best of 3 (LLR)
   or 2 (England), in the same run:

   * ``gpworkforce forecast ... --draws 1000 --no-costs``: the forecast alone;
   * ``gpworkforce forecast ... --draws 1000 --costs COSTS``: the same run costed (every draw,
     from the run's own summary). Target: at most 20% more than the forecast alone;
   * the alternative, ``gpworkforce cost ... --draws 1000``: costing without the forecast's own
     tables (WTE per class from one summed organisation, the gap from a second streamed run).
2. Inside ``gpworkforce cost`` (LLR): its forecast (``workforce_of``) and the costing stage
   (drawing the cost parameters, ``cost_run``, building and writing the tables), wall-clock.
3. The obvious alternative for the costing stage: costing draw by draw (1,001 calls of
   ``cost_run`` with one draw each) instead of one vectorised call.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import Result
from gpworkforce.finance.cost_io import load_cost_model
from gpworkforce.finance.costing import Workforce, cost_run
from gpworkforce.finance.runner import build_tables, cost_values, write_costed
from gpworkforce.finance.runs import workforce_of
from gpworkforce.forecast.scenario_io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
ENGLAND = ROOT / "scenarios" / "england" / "practices-mc.toml"
SCENARIO = ROOT / "scenarios" / "llr-2017" / "cohort.toml"
COSTS = ROOT / "scenarios" / "llr-2017" / "costs.toml"
DRAWS = 1000
LOADED = load_scenario(SCENARIO)
SEED = LOADED.scenario.seed


def _cli_seconds(args: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one ``gpworkforce`` process."""
    exe = Path(sys.executable).with_name("gpworkforce")
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(
            [str(exe), *args, "--out", str(Path(tmp) / "out")],
            check=True,
            capture_output=True,
            env=os.environ.copy(),
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


def _costing_stage(wf: Workforce, out: Path) -> tuple[float, Any]:
    from gpworkforce.finance.runner import CostedRun

    t0 = time.perf_counter()
    model = load_cost_model(COSTS)
    values = cost_values(model, wf.draws - 1, SEED)
    rows = cost_run(model, wf, values)
    tables = build_tables(model, wf, rows, (str(COSTS),))
    write_costed(CostedRun(LOADED, model, COSTS, wf, rows, tables), out)
    return time.perf_counter() - t0, (model, values)


def _per_draw(model: object, wf: Workforce, values: dict[str, np.ndarray] | None) -> float:
    t0 = time.perf_counter()
    for d in range(wf.draws):
        one = Workforce(
            wf.scenario,
            wf.dates,
            wf.groups,
            wf.wte[d : d + 1],
            None if wf.gap is None else wf.gap[d : d + 1],
        )
        vals = None if values is None else {k: v[d : d + 1] for k, v in values.items()}
        cost_run(model, one, vals)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def run() -> list[Result]:
    results: list[Result] = []
    for label, scenario, repeats in (
        ("LLR cohort", SCENARIO, 3),
        ("England practices", ENGLAND, 2),
    ):
        cli: dict[str, tuple[float, float]] = {}
        commands = {
            "forecast --no-costs": ["forecast", "--no-costs"],
            "forecast --costs": ["forecast", "--costs", str(COSTS)],
            "cost": ["cost", "--costs", str(COSTS)],
        }
        for _ in range(repeats):  # interleaved, so a burst of load hits each alike
            for name, (command, *extra) in commands.items():
                wall, cpu = _cli_seconds([command, str(scenario), "--draws", str(DRAWS), *extra])
                best = cli.get(name, (wall, cpu))
                cli[name] = (min(best[0], wall), min(best[1], cpu))
        for name in commands:
            results.append(
                Result(
                    f"CLI gpworkforce {name}, {label}, 1,000 draws",
                    cli[name][1],
                    "s CPU",
                    note=f"best of {repeats}; wall {cli[name][0]:.2f} s (shared machine)",
                )
            )
        alone, costed = cli["forecast --no-costs"], cli["forecast --costs"]
        results.append(
            Result(
                f"CLI: costing adds to the forecast, {label}, CPU",
                100 * (costed[1] / alone[1] - 1),
                "% more",
                target=20,
                note=f"wall: {100 * (costed[0] / alone[0] - 1):+.1f}%",
            )
        )
    shares = []
    stage = forecast = 0.0
    loop = 0.0
    for _ in range(2):
        t0 = time.perf_counter()
        _, wf = workforce_of(SCENARIO, DRAWS)
        forecast_t = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            stage_t, (model, values) = _costing_stage(wf, Path(tmp))
        if not shares or stage_t / forecast_t < min(shares):
            stage, forecast = stage_t, forecast_t
        shares.append(stage_t / forecast_t)
        loop = _per_draw(model, wf, values)
    results.append(Result("LLR: forecast inside gpworkforce cost (workforce_of)", forecast, "s"))
    results.append(Result("LLR: costing stage (draws, cost_run, tables, CSV)", stage, "s"))
    results.append(
        Result(
            "LLR: costing stage / forecast, in one process",
            100 * min(shares),
            "%",
            note=f"best of {len(shares)}; all: {', '.join(f'{100 * s:.1f}' for s in shares)}",
        )
    )
    results.append(
        Result(
            "LLR alternative: cost_run draw by draw (1,001 calls)",
            loop,
            "s",
            note="the vectorised call is part of the costing stage above",
        )
    )
    return results
