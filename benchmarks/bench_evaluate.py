"""The national rolling-origin evaluation through ``gpworkforce evaluate`` (issue 15).

1. ``gpworkforce evaluate --level all`` as a user runs it (a subprocess): every ICB and sub-ICB
   location, every origin the GPW practice-year series allows (Years 2016-2024 for no change and
   HEE linear, 2018-2024 for the others, decision 0155; Year 2025 from the staff-groups file
   chain-linked as a target), horizons 1-6, six methods, 500 draws,
   five bands; tables, workbook and charts written. Target: <= 60 s wall.
2. The obvious alternative a user has without it: ``gpworkforce backtest --start-fy Y`` once per
   origin (ICBs only, one origin per run, fewer methods), timed in the same run.

The machine is shared: the load average before and after each measurement is in its note.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, load_average

ORIGINS = range(2018, 2024)


def _cli(*args: str) -> tuple[float, float, str]:
    """Run the CLI: (wall s, CPU s of the children so far, load before -> after)."""
    exe = str(Path(sys.executable).with_name("gpworkforce"))
    before = load_average()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([exe, *args], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return wall, cpu, f"{before} -> {load_average()}"


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, load = _cli("evaluate", "--out", str(Path(tmp) / "ev"), "--level", "all")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results = [
            Result(
                "gpworkforce evaluate, ICBs and sub-ICB locations, 9 origins x 6 horizons",
                wall,
                "s",
                target=60.0,
                note=f"{cpu:.1f} s CPU, peak {peak:.0f} MB; {load}",
            )
        ]
        total = total_cpu = 0.0
        loads = []
        for fy in ORIGINS:
            w, c, ld = _cli(
                "backtest",
                "--out",
                str(Path(tmp) / f"bt{fy}"),
                "--start-fy",
                str(fy),
                "--draws",
                "500",
            )
            total += w
            total_cpu += c
            loads.append(ld)
        results.append(
            Result(
                "alternative: gpworkforce backtest once per origin (ICBs only)",
                total,
                "s",
                note=f"{total_cpu:.1f} s CPU over {len(ORIGINS)} runs; {loads[0]} ... {loads[-1]}",
            )
        )
    return results
