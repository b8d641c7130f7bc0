"""The workspace on the path a user runs: ``gpworkforce load`` and ``gpworkforce baseline``.

Each timed step is the installed command in a fresh process (wall clock, and the child's peak
resident memory), so Python start-up, imports and the registry are included. Inputs are synthetic
national "Practice Level - Detailed" files (``gpworkforce.loaders.synthetic_gpw``: the full
current layout, made-up figures) whose practice codes are replaced by the real codes of the
practices the registry places in an ICB on the file's date, so reports place them.

Targets (issue 10, item 6): one national month loads in <= 2 s; with about 200 MB of raw files
loaded, ``baseline`` for an ICB runs in <= 1 s and <= 500 MB; the same for England with a
series over every September 2015-2025 in <= 3 s. The obvious alternative, re-parsing every raw
file on each report (what the workspace did before the parsed store), is measured in the same
run by hiding the store.

``GPW_BENCH_MONTHS`` (default 25) sets how many monthly files are loaded besides the Septembers.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result
from gpworkforce.cli.choices import Kind
from gpworkforce.cli.parsed import PARSED
from gpworkforce.cli.workspace import LoadOptions, load_into
from gpworkforce.domain.orgs import OrgType
from gpworkforce.loaders import build_registry
from gpworkforce.loaders.synthetic_gpw import synthetic_detailed

COMMAND = str(Path(sys.executable).with_name("gpworkforce"))


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _periods(months: int) -> list[dt.date]:
    septembers = [dt.date(y, 9, 30) for y in range(2015, 2026)]
    recent = []
    year, month = 2025, 8
    while len(recent) < months:
        if month != 9:
            recent.append(_month_end(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(set(septembers) | set(recent))


def _write_file(directory: Path, period: dt.date, codes: list[str], seed: int) -> Path:
    frame = synthetic_detailed(len(codes), seed=seed)
    frame["PRAC_CODE"] = codes
    path = directory / f"General Practice - {period:%B %Y} Practice Level - Detailed.csv"
    frame.to_csv(path, index=False, na_rep="NA", float_format="%g")
    return path


def _run(*args: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command in a fresh process."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([COMMAND, *args], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed: {err.read()[-2000:].decode()}")
    return seconds, usage.ru_maxrss / 1024


def _best(args: list[str], repeats: int = 3) -> tuple[float, float]:
    runs = [_run(*args) for _ in range(repeats)]
    return min(s for s, _ in runs), max(m for _, m in runs)


def run() -> list[Result]:
    months = int(os.environ.get("GPW_BENCH_MONTHS", "25"))
    registry = build_registry()
    results: list[Result] = []
    load_avg = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        files = []
        for i, period in enumerate(_periods(months)):
            codes = sorted(registry.practice_map(period, OrgType.ICB))
            files.append((period, _write_file(base, period, codes, seed=2015 + i)))
        raw_mb = sum(p.stat().st_size for _, p in files) / 1e6

        # 1. one national month through the CLI, into a fresh workspace
        period, one = files[-1]
        times = []
        for k in range(3):
            ws = base / f"one-{k}"
            seconds, peak = _run("load", "gpw-detailed", str(one), "--data", str(ws))
            times.append(seconds)
        results.append(
            Result(
                "gpworkforce load gpw-detailed, one national month (fresh process)",
                min(times),
                "s",
                target=2.0,
                note=f"{len(codes):,} practices, {one.stat().st_size / 1e6:.1f} MB; "
                f"peak RSS {peak:.0f} MB",
            )
        )

        # 2. a workspace holding every file (loaded in this process: setup, not timed)
        ws = base / "ws"
        for period, path in files:
            load_into(ws, Kind.GPW_DETAILED, [path], None, LoadOptions(period=period))
        latest = files[-1][0]
        icb = ["baseline", "--org", "QK1", "--period", latest.isoformat(), "--source", "gpw"]
        icb += ["--data", str(ws), "--format", "csv", "--out", str(base / "icb-csv")]
        seconds, peak = _best(icb)
        note = f"{len(files)} files, {raw_mb:.0f} MB raw; load average {load_avg:.1f}"
        results.append(Result("baseline QK1 from the parsed store", seconds, "s", 1.0, note=note))
        results.append(Result("baseline QK1 peak RSS", peak, "MB", 500.0))
        england = ["baseline", "--org", "ENG", "--period", "2025-09-30", "--source", "gpw"]
        england += ["--data", str(ws), "--format", "csv", "--out", str(base / "eng-csv")]
        seconds, peak = _best(england)
        results.append(
            Result(
                "baseline England, series of every September 2015-2025, parsed store",
                seconds,
                "s",
                3.0,
                note=f"peak RSS {peak:.0f} MB",
            )
        )

        # 3. the alternative: every raw file parsed again (the store hidden)
        shutil.move(ws / PARSED, base / "hidden")
        try:
            seconds, peak = _run(*icb)
            results.append(
                Result(
                    "baseline QK1 re-parsing every raw file (no store; for comparison)",
                    seconds,
                    "s",
                    note=f"peak RSS {peak:.0f} MB",
                )
            )
        finally:
            shutil.rmtree(ws / PARSED, ignore_errors=True)  # the run above stored again
            shutil.move(base / "hidden", ws / PARSED)
    return results
