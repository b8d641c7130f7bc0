"""Skill-mix optimisation (issue 16) on the path a user runs, with SciPy's ``linprog`` on the same
programme in the same run.

1. ``gpworkforce optimise scenarios/llr-2017/skillmix-problem.toml`` as a user runs it (a
   subprocess, best of 3): LLR (an ICS footprint, 1.1 million patients) in 2020, the default
   catalogue's 17 tasks x 4 levels, 9 roles to recruit, 2 upskilling paths, workload release and
   locum conversion. Target <= 10 s. NOT the issue's benchmark: the programme is aggregated over
   the ICS and one target year (not per practice, 10 years, 1,000 draws), so its size does not grow
   with the practices.
2. Building and solving the programme in-process with ``highspy`` (what the command does) against
   the obvious alternative, SciPy's ``linprog(method="highs")`` on the same matrices: time of each
   and the difference in optimal cost (target <= 1e-6 relative).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix, csr_matrix, vstack

from benchmarks.common import Result, best_of, load_average
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.optimise import INF, Built, build, solve
from gpworkforce.skillmix.problem_io import load_problem

ROOT = Path(__file__).resolve().parents[1]
PROBLEM = ROOT / "scenarios" / "llr-2017" / "skillmix-problem.toml"


def linprog_cost(built: Built) -> float:
    """The optimum SciPy's ``linprog`` finds for the built programme."""
    lp = built.lp
    a = lp.a_matrix_
    shape = (lp.num_row_, lp.num_col_)
    parts = (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_))
    rowwise = "Rowwise" in str(a.format_)
    matrix = csr_matrix(parts, shape=shape) if rowwise else csc_matrix(parts, shape=shape)
    lower, upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    has_upper, has_lower = upper < INF, lower > -INF
    a_ub = vstack([matrix[has_upper], -matrix[has_lower]]).tocsr()
    b_ub = np.concatenate([upper[has_upper], -lower[has_lower]])
    bounds = [
        (lo, None if hi >= INF else hi) for lo, hi in zip(lp.col_lower_, lp.col_upper_, strict=True)
    ]
    cost = np.asarray(lp.col_cost_)
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if result.status != 0:
        raise RuntimeError(f"linprog: {result.message}")
    return float(result.fun)


def _cli() -> float:
    exe = Path(sys.executable).with_name("gpworkforce")
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(
                [str(exe), "optimise", str(PROBLEM), "--out", str(Path(tmp) / "out")],
                check=True,
                capture_output=True,
            )
            best = min(best, time.perf_counter() - t0)
    return best


def run() -> list[Result]:
    before = load_average()
    cli = _cli()
    problem, catalogue = load_problem(PROBLEM)
    taxonomy = load_taxonomy()
    t_highs, solution = best_of(lambda: solve(problem, catalogue, taxonomy), repeats=20)
    built = build(problem, catalogue, taxonomy)
    lp = built.lp
    t_scipy, scipy_cost = best_of(
        lambda: linprog_cost(build(problem, catalogue, taxonomy)), repeats=20
    )
    rel = abs(scipy_cost - solution.cost) / max(1.0, abs(solution.cost))
    size = f"{lp.num_col_} columns x {lp.num_row_} rows"
    return [
        Result(
            "gpworkforce optimise, LLR 2020 problem (wall, best of 3)",
            cli,
            "s",
            target=10.0,
            note=f"{size}; aggregated, one year; {before} -> {load_average()}",
        ),
        Result("build + solve with highspy (best of 20)", t_highs * 1000, "ms", note=size),
        Result(
            "build + SciPy linprog(method='highs') on the same matrices (best of 20)",
            t_scipy * 1000,
            "ms",
            note=f"{t_scipy / t_highs:.1f}x the highspy time",
        ),
        Result("optimal cost, SciPy vs highspy (relative difference)", rel, "", target=1e-6),
    ]
