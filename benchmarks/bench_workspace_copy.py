"""A workspace copied without its files' times, on the user's path: ``cp -r`` then ``baseline``.

``cp -r`` (like a git checkout, an rsync without ``-t`` or a backup restore) gives every raw
file a new modification time. The parsed store checks a raw file by its size and time, and
hashes it when they differ; before decision 0176 a matching hash still parsed the raw file
again and rewrote its store (38.6 s of CPU and 4 GB for the 25-file workspace), now it records
the new time and reads the store. Measured: the first ``baseline --org QK1`` on a fresh copy,
and the one after it on the same copy, each in a fresh process under GNU time (CPU time and
peak resident memory); the two codes alternate round by round, each on its own fresh copy,
and their CSV outputs are compared byte for byte.

``GPW_BENCH_DIR`` names a directory prepared by ``bench_workspace`` (its synthetic national
files and ``ws``; only read here, the copies go to a temporary directory); without it a new one
is built with ``GPW_BENCH_MONTHS`` (default 3) months besides the Septembers.
``GPW_BENCH_OLD`` names a worktree of the old code (run with ``PYTHONPATH`` on its ``src``);
without it only this code is measured. ``GPW_BENCH_ROUNDS`` (default 2) rounds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_workspace import Run, _prepare, _run
from benchmarks.common import Result
from gpworkforce.cli.workspace import read_manifest


def _variants() -> list[tuple[str, dict[str, str] | None]]:
    old = os.environ.get("GPW_BENCH_OLD")
    if not old:
        return [("new", None)]
    env = dict(os.environ, PYTHONPATH=f"{old}/src:{old}")
    return [("new", None), ("old", env)]


def _which(env: dict[str, str] | None) -> str:
    """The gpworkforce package a command under ``env`` imports (checks ``GPW_BENCH_OLD``)."""
    out = subprocess.run(
        [sys.executable, "-c", "import gpworkforce; print(gpworkforce.__file__)"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip()


def run() -> list[Result]:
    months = int(os.environ.get("GPW_BENCH_MONTHS", "3"))
    rounds = int(os.environ.get("GPW_BENCH_ROUNDS", "2"))
    keep = os.environ.get("GPW_BENCH_DIR")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        base = Path(keep) if keep else tmp / "built"
        base.mkdir(parents=True, exist_ok=True)
        files = _prepare(base, months)
        latest = max(period for period, _ in files)
        variants = _variants()
        for name, env in variants:
            print(f"  {name}: {_which(env)}", flush=True)
        runs: dict[tuple[str, str], list[Run]] = {}
        loads: list[float] = []
        for i in range(rounds):
            for name, env in variants if i % 2 == 0 else variants[::-1]:
                copy = tmp / "copy"  # one path: the outputs name the workspace
                subprocess.run(["cp", "-r", str(base / "ws"), str(copy)], check=True)
                for step in ("first", "next"):
                    out = tmp / f"out-{name}-{i}-{step}"
                    loads.append(os.getloadavg()[0])
                    one = _run(
                        "baseline", "--org", "QK1", "--period", latest.isoformat(),
                        "--source", "gpw", "--data", str(copy), "--format", "csv",
                        "--out", str(out), env=env,
                    )  # fmt: skip
                    runs.setdefault((name, step), []).append(one)
                    print(f"  round {i} {name} {step}: {one}, load {loads[-1]:.1f}", flush=True)
                shutil.rmtree(copy)
        _same_outputs(tmp)
        loaded = len(read_manifest(base / "ws").entries)
        note = f"{loaded} files; load average {min(loads):.1f}-{max(loads):.1f}"
        results = []
        for (name, step), some in runs.items():
            what = f"baseline QK1 on a cp -r copy, {step} run, {name} code"
            results.append(
                Result(
                    f"{what}: CPU (user + system), best", min(r.cpu for r in some), "s", note=note
                )
            )
            results.append(Result(f"{what}: peak RSS, largest", max(r.rss for r in some), "MB"))
        return results


def _same_outputs(tmp: Path) -> None:
    """Every run's files byte for byte the same as the first run's (new code, read from the
    store), except the README of the old code's first run: parsing every raw file again, it
    lists as sources the files a read from the store leaves unread (no date the report needs);
    printed, not refused. Its CSV tables must be the same."""
    outs = sorted(tmp.glob("out-*"))
    first = outs[0]
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    for other in outs[1:]:
        theirs = sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
        if theirs != names:
            raise AssertionError(f"{other.name}: files {theirs} differ from {first.name}'s {names}")
        for n in names:
            if (first / n).read_bytes() == (other / n).read_bytes():
                continue
            if (
                other.name.startswith("out-old-")
                and other.name.endswith("-first")
                and n.suffix != ".csv"
            ):
                print(f"  {other.name}: {n} differs from {first.name}'s (re-parsed)", flush=True)
                continue
            raise AssertionError(f"{other.name}: {n} differs from {first.name}'s")
