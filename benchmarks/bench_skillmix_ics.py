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
  ICS-wide rows bind);
- ``uncertain``: the plan with five task minutes and two roles' productive hours uncertain
  (:data:`UNCERTAIN_CATALOGUE`): every level's hours in every practice and year a chance
  constraint over the 1,000 draws, met in 90% of them (the chance-constraint rounds of
  docs/skillmix.md, decision 0104). Solved with the default method only (the interior point
  would start every round from scratch); compared with ``plan``, the same problem without the
  uncertain catalogue values, in the same run.

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

# five task minutes and two roles' productive hours as distributions (assumptions for the benchmark)
UNCERTAIN_CATALOGUE = """\
[tasks.general_consultation_acute.minutes]
Autonomous = { kind = "triangular", low = 8, mode = 10, high = 13 }
[tasks.general_consultation_routine.minutes]
Enhanced = { kind = "triangular", low = 12, mode = 15, high = 20 }
[tasks.clinical_triage.minutes]
Autonomous = { kind = "uniform", low = 4, high = 6 }
[tasks.home_visit.minutes]
Autonomous = { kind = "triangular", low = 35, mode = 45, high = 60 }
[tasks.clinical_administration.minutes]
Core = { kind = "uniform", low = 2, high = 4 }
[roles.GP_SALARIED]
productive_hours = { kind = "normal", mean = 1612.5, sd = 80 }
[roles.NURSE_ANP]
productive_hours = { kind = "triangular", low = 1400, mode = 1612.5, high = 1700 }
"""

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
    "uncertain": {"costs": 'costs = "costs.toml"\ncatalogue = "catalogue-uncertain.toml"'},
}
METHODS = {"uncertain": ("warm",)}  # the others: warm, then ipm (the method before)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _prepare(tmp: Path) -> dict[str, Path]:
    shutil.copy(SCENARIO / "costs.toml", tmp / "costs.toml")
    (tmp / "catalogue-uncertain.toml").write_text(UNCERTAIN_CATALOGUE, encoding="utf-8")
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


def _command(problem: Path, method: str, out: Path) -> tuple[float, float, float, str]:
    """Wall and CPU seconds of ``gpworkforce optimise``, the optimal cost it prints and the
    smallest share of the draws met (chance constraints; empty otherwise)."""
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
    share = re.search(r"at least ([\d.]+%) of the draws", done.stdout)
    return wall, cpu, float(found.group(1).replace(",", "")), share.group(1) if share else ""


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        files = _prepare(tmp)
        plan_cpu = None
        for label, problem in files.items():
            before = load_average()
            wall, cpu, cost, share = _command(problem, "warm", tmp / "out-warm")
            after = load_average()
            plan_cpu = cpu if label == "plan" else plan_cpu
            met = f"; every row met in at least {share} of the draws" if share else ""
            results.append(
                Result(
                    f"{label}: gpworkforce optimise (warm), CPU (user + system)",
                    cpu,
                    "s",
                    target=10.0,
                    note=f"wall {wall:.1f} s; £{cost:,.0f}{met}; {before} -> {after}",
                )
            )
            if "ipm" not in METHODS.get(label, ("warm", "ipm")):
                if plan_cpu:
                    results.append(
                        Result(
                            f"{label}: CPU against the same plan without uncertain values",
                            cpu / plan_cpu,
                            "x",
                            note=f"plan {plan_cpu:.1f} s CPU",
                        )
                    )
                continue
            ipm_wall, ipm_cpu, ipm_cost, _ = _command(problem, "ipm", tmp / "out-ipm")
            rel = abs(cost - ipm_cost) / max(1.0, abs(ipm_cost))
            results += [
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
