"""The issue 16 benchmark: an ICS optimised per practice over 10 years, through the command a user
runs, with the previous solver on the same problem in the same run.

Input: LLR (ICB QK1) from the built-in demo: its 138 practices with registered patients on
30 September 2017 and WTE by role, written by ``gpworkforce skillmix --org QK1 --period 2017-09-30
--practices-out`` (not timed: a one-off preparation), and ``scenarios/llr-2017/skillmix-plan.toml``:
12 roles with levers, the catalogue's 4 levels and 17 tasks, 10 plan years, task demand met with
probability 0.9 over 1,000 Monte Carlo draws of growth (summarised as each year's quantile), training
places, recruitment caps, a budget, minimum GP cover per practice, supervision.

Three problems, because no solver method is fastest on every one (docs/performance.md):

- ``plan``: the scenario file as shipped;
- ``no floor``: the same without the GP floor, the budget and the supervision share (the case on
  which the dual simplex from scratch took ten times the interior point's time);
- ``tight``: 5 training places, 100 salaried GPs a year and a budget of GBP 53.8m a year (the
  ICS-wide rows bind).

Each is solved by ``gpworkforce optimise`` as a subprocess, as a user runs it, once with the
default (``--method warm``) and once with the previous method (``--method ipm``, interior point
with crossover): wall time and the CPU time of the process (user + system). Target <= 10 s. The
optimal costs the two print must agree.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, load_average

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "llr-2017"
EXE = Path(sys.executable).with_name("gpworkforce")

VARIANTS: dict[str, dict[str, str]] = {
    "plan": {},
    "no floor": {
        "min_gp_per_1000": "min_gp_per_1000 = 0",
        "supervision_share": "supervision_share = 1",
        "budget": "",
    },
    "tight": {
        "training_places": "training_places = 5",
        "budget": "budget = 53800000",
        "recruit_a_year = 152": "recruit_a_year = 100",
    },
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _prepare(tmp: Path) -> dict[str, Path]:
    shutil.copy(SCENARIO / "costs.toml", tmp / "costs.toml")
    subprocess.run(
        [
            str(EXE),
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
    text = (SCENARIO / "skillmix-plan.toml").read_text(encoding="utf-8")
    files = {}
    for name, changes in VARIANTS.items():
        out = text
        for key, line in changes.items():
            pattern = rf"(?m)^{re.escape(key)}\b.*$"
            out, n = re.subn(pattern, line, out, count=1)
            if n != 1:
                raise RuntimeError(f"skillmix-plan.toml has no line starting {key!r}")
        path = tmp / f"plan-{name.replace(' ', '-')}.toml"
        path.write_text(out, encoding="utf-8")
        files[name] = path
    return files


def _command(problem: Path, method: str, out: Path) -> tuple[float, float, float]:
    """Wall and CPU seconds of ``gpworkforce optimise`` and the optimal cost it prints."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(EXE), "optimise", str(problem), "--method", method, "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    found = re.search(r"cost £([\d,]+) over the plan", done.stdout)
    if found is None:
        raise RuntimeError(f"no cost in the output of {problem.name}: {done.stdout[:500]}")
    return wall, cpu, float(found.group(1).replace(",", ""))


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        files = _prepare(tmp)
        for label, problem in files.items():
            before = load_average()
            wall, cpu, cost = _command(problem, "warm", tmp / "out-warm")
            after = load_average()
            ipm_wall, ipm_cpu, ipm_cost = _command(problem, "ipm", tmp / "out-ipm")
            rel = abs(cost - ipm_cost) / max(1.0, abs(ipm_cost))
            results += [
                Result(
                    f"{label}: gpworkforce optimise (warm), CPU (user + system)",
                    cpu,
                    "s",
                    target=10.0,
                    note=f"wall {wall:.1f} s; {before} -> {after}",
                ),
                Result(
                    f"{label}: the same with --method ipm (the previous default), CPU",
                    ipm_cpu,
                    "s",
                    note=f"wall {ipm_wall:.1f} s; {ipm_cpu / cpu:.1f}x the CPU of warm",
                ),
                Result(
                    f"{label}: optimal cost, warm vs ipm (relative difference, printed to £1)",
                    rel,
                    "",
                    target=1e-8,
                    note=f"£{cost:,.0f}",
                ),
            ]
    return results
