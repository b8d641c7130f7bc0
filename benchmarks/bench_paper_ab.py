"""The 42-page committee paper (``bench_papers.py``'s command, ``--full-appendices``) by this code
against an older checkout, alternated in one run on the same machine: wall time and the CPU time
of the command with its layout processes (user + system, from the kernel's accounting of the
children waited for). Usage::

    python -m benchmarks.bench_paper_ab --old /path/to/old/checkout [--repeats 3]

The old code runs with ``PYTHONPATH=<old>/src`` through this interpreter, so both read the same
installed libraries. Figures go to docs/performance.md ("Committee papers").
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_papers import cli_args
from benchmarks.common import load_average


def run(old: Path | None, out: Path) -> tuple[float, float]:
    """One paper: (wall seconds, CPU seconds of the command and its children)."""
    args = [sys.executable, "-c", "from gpworkforce.cli import main; main()"]
    args += [*cli_args(out)[1:], "--full-appendices"]
    env = dict(os.environ)
    if old is not None:
        env["PYTHONPATH"] = str(old / "src")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    a = parser.parse_args()
    figures: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.repeats):
            for name, old in (
                (("old", a.old), ("new", None))
                if i % 2 == 0
                else (
                    ("new", None),
                    ("old", a.old),
                )
            ):
                note = load_average()
                wall, cpu = run(old, Path(tmp) / f"{name}-{i}")
                figures[name].append((wall, cpu))
                print(f"{name}: {wall:.2f} s wall, {cpu:.2f} s CPU ({note})", flush=True)
    for name, rows in figures.items():
        walls, cpus = sorted(w for w, _ in rows), sorted(c for _, c in rows)
        print(
            f"{name}: median {walls[len(walls) // 2]:.2f} s wall, {cpus[len(cpus) // 2]:.2f} s CPU"
            f" over {len(rows)} runs ({load_average()})"
        )


if __name__ == "__main__":
    main()
