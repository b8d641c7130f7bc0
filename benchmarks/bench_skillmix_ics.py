"""The issue 16 benchmark: an ICS optimised per practice over 10 years, through the command a user
runs, with the obvious alternative solver on the same programme in the same run.

Input: LLR (ICB QK1) from the built-in demo: its 138 practices with registered patients on
30 September 2017 and WTE by role, written by ``gpworkforce skillmix --org QK1 --period 2017-09-30
--practices-out`` (not timed: a one-off preparation), and ``scenarios/llr-2017/skillmix-plan.toml``:
12 roles with levers, the catalogue's 4 levels and 17 tasks, 10 plan years, task demand met with
probability 0.9 over 1,000 Monte Carlo draws of growth (summarised as each year's quantile), training
places, recruitment caps, a budget, minimum GP cover per practice, supervision.

1. ``gpworkforce optimise`` on it, a subprocess as a user runs it: wall time and the CPU time of
   the process (user + system), once (the machine is shared; the load average is in the note).
   Target <= 10 s.
2. Building and solving in-process: the command's solver (HiGHS interior point with crossover)
   against the obvious alternative, HiGHS's default dual simplex on the same programme (capped at
   300 s), CPU seconds each, and the relative difference of the optimal costs.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, load_average
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.multiyear import build
from gpworkforce.skillmix.problem_io import load_plan_problem

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "llr-2017"
CAP = 300.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _prepare(tmp: Path) -> Path:
    exe = Path(sys.executable).with_name("gpworkforce")
    for name in ("skillmix-plan.toml", "costs.toml"):
        shutil.copy(SCENARIO / name, tmp / name)
    subprocess.run(
        [
            str(exe),
            "skillmix",
            "--org",
            "QK1",
            "--period",
            "2017-09-30",
            "--practices-out",
            str(tmp / "practices-QK1-2017.csv"),
        ],
        check=True,
        capture_output=True,
    )
    return tmp / "skillmix-plan.toml"


def _solve(problem_path: Path, solver: str) -> tuple[float, float, str, tuple[int, int]]:
    problem, practices, catalogue = load_plan_problem(problem_path)
    built = build(problem, practices, catalogue, load_taxonomy())
    h = built.h
    h.setOptionValue("solver", solver)
    h.setOptionValue("time_limit", CAP)
    t0 = time.process_time()
    h.run()
    cpu = time.process_time() - t0
    status = h.modelStatusToString(h.getModelStatus())
    return cpu, float(h.getInfo().objective_function_value), status, (built.b.ncol, built.b.nrow)


def run() -> list[Result]:
    exe = Path(sys.executable).with_name("gpworkforce")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        problem = _prepare(tmp)
        before = load_average()
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        subprocess.run(
            [str(exe), "optimise", str(problem), "--out", str(tmp / "out")],
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - t0
        cpu = _children_cpu() - cpu0
        after = load_average()
        ipm_cpu, ipm_cost, ipm_status, size = _solve(problem, "ipm")
        simplex_cpu, simplex_cost, simplex_status, _ = _solve(problem, "simplex")
    shape = f"{size[0]:,} columns x {size[1]:,} rows"
    rel = abs(simplex_cost - ipm_cost) / max(1.0, abs(ipm_cost))
    ok = simplex_status == "Optimal"
    return [
        Result(
            "gpworkforce optimise, LLR 138 practices x 10 years (wall)",
            wall,
            "s",
            target=10.0,
            note=f"{shape}; {before} -> {after}",
        ),
        Result("the same command, CPU (user + system)", cpu, "s", target=10.0),
        Result(f"solve: HiGHS interior point + crossover ({ipm_status}), CPU", ipm_cpu, "s"),
        Result(
            f"solve: HiGHS dual simplex, the default ({simplex_status}), CPU",
            simplex_cpu,
            "s",
            note=f"{simplex_cpu / ipm_cpu:.1f}x the interior point"
            + ("" if ok else f"; capped at {CAP:g} s wall"),
        ),
        Result(
            "optimal cost, dual simplex vs interior point (relative difference)",
            rel if ok else float("nan"),
            "",
            target=1e-6 if ok else None,
        ),
    ]
