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

The package's byte-code is written first (as ``pip install`` writes it; ``make setup`` does
too), so that an editable install under ``PYTHONDONTWRITEBYTECODE`` does not time compiling
the project's modules on every start-up.

``GPW_BENCH_MONTHS`` (default 25) sets how many monthly files are loaded besides the Septembers.
``GPW_BENCH_DIR`` keeps the generated files and the loaded workspace in that directory and reuses
them on the next run (generating and loading them takes minutes on a busy machine).

Each figure is the best of 3 fresh processes, wall clock and the process's CPU time (user +
system), with the load average at the start and end of the step: the machine is shared, and
under load the wall time is mostly waiting for a core while the CPU time is what the command
costs.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss: float  # peak resident MB of the child


# GNU time starts the command from its own small process and prints the command's peak
# memory: on Linux a child's peak resident memory (ru_maxrss) starts at its parent's at the
# fork, so a child forked straight from this process (which may have loaded the workspace
# itself) would report at least this process's peak, whatever the command used.
_TIME = shutil.which("time", path="/usr/bin:/bin")
_PEAK = "gpw-bench peak KB "


def _run(*args: str, env: dict[str, str] | None = None) -> Run:
    """One command in a fresh process (with ``env``, default this one's): wall and CPU
    seconds, peak resident memory."""
    command = [COMMAND, *args]
    if _TIME:
        command = [_TIME, "-f", _PEAK + "%M", *command]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {text[-2000:]}")
    peaks = [line for line in text.splitlines() if line.startswith(_PEAK)]
    rss = int(peaks[-1][len(_PEAK) :]) / 1024 if peaks else usage.ru_maxrss / 1024
    return Run(seconds, usage.ru_utime + usage.ru_stime, rss)


def _best(args: list[str], repeats: int = 3) -> tuple[Run, str]:
    """Best wall and best CPU over ``repeats`` runs, the largest peak memory, and the load."""
    before = os.getloadavg()[0]
    runs = [_run(*args) for _ in range(repeats)]
    load = f"load average {before:.1f} -> {os.getloadavg()[0]:.1f}"
    best = Run(min(r.wall for r in runs), min(r.cpu for r in runs), max(r.rss for r in runs))
    return best, load


def _results(name: str, run: Run, load: str, wall: float | None, rss: float | None) -> list[Result]:
    return [
        Result(f"{name}: wall", run.wall, "s", wall, note=load),
        Result(f"{name}: CPU (user + system)", run.cpu, "s"),
        Result(f"{name}: peak RSS", run.rss, "MB", rss),
    ]


def _prepare(base: Path, months: int) -> list[tuple[dt.date, Path]]:
    """The synthetic national files (written unless already there) and the workspace holding
    them all (loaded in this process unless already there: setup, not timed)."""
    registry = build_registry()
    files = []
    for i, period in enumerate(_periods(months)):
        path = base / f"General Practice - {period:%B %Y} Practice Level - Detailed.csv"
        if not path.is_file():
            codes = sorted(registry.practice_map(period, OrgType.ICB))
            path = _write_file(base, period, codes, seed=2015 + i)
        files.append((period, path))
    ws = base / "ws"
    if not (ws / "manifest.json").is_file():
        for period, path in files:
            load_into(ws, Kind.GPW_DETAILED, [path], None, LoadOptions(period=period))
    return files


def run() -> list[Result]:
    import compileall

    import gpworkforce

    compileall.compile_dir(Path(gpworkforce.__file__).parent, quiet=1)  # setup, not timed
    months = int(os.environ.get("GPW_BENCH_MONTHS", "25"))
    keep = os.environ.get("GPW_BENCH_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(keep) if keep else Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        return _measure(base, Path(tmp), _prepare(base, months))


def _measure(base: Path, tmp: Path, files: list[tuple[dt.date, Path]]) -> list[Result]:
    results: list[Result] = []
    raw_mb = sum(p.stat().st_size for _, p in files) / 1e6

    # 1. one national month through the CLI, into a fresh workspace each time
    _period, one = files[-1]
    counter = iter(range(100))

    def fresh() -> list[str]:
        return ["load", "gpw-detailed", str(one), "--data", str(tmp / f"one-{next(counter)}")]

    before = os.getloadavg()[0]
    runs = [_run(*fresh()) for _ in range(3)]
    load = f"load average {before:.1f} -> {os.getloadavg()[0]:.1f}"
    best = Run(min(r.wall for r in runs), min(r.cpu for r in runs), max(r.rss for r in runs))
    name = f"load gpw-detailed, one national month ({one.stat().st_size / 1e6:.1f} MB)"
    results += _results(name, best, load, 2.0, None)

    # 2. reports from the workspace holding every file
    ws = base / "ws"
    latest = files[-1][0]
    note = f"{len(files)} files, {raw_mb:.0f} MB raw"
    icb = ["baseline", "--org", "QK1", "--period", latest.isoformat(), "--source", "gpw"]
    icb += ["--data", str(ws), "--format", "csv", "--out", str(tmp / "icb-csv")]
    best, load = _best(icb)
    results += _results(f"baseline QK1 from the parsed store ({note})", best, load, 1.0, 500.0)
    england = ["baseline", "--org", "ENG", "--period", "2025-09-30", "--source", "gpw"]
    england += ["--data", str(ws), "--format", "csv", "--out", str(tmp / "eng-csv")]
    best, load = _best(england)
    name = "baseline England, series of every September 2015-2025, parsed store"
    results += _results(name, best, load, 3.0, None)

    # 3. the alternative: every raw file parsed again (the store hidden)
    shutil.move(ws / PARSED, tmp / "hidden")
    try:
        run = _run(*icb)
        load = f"load average {os.getloadavg()[0]:.1f}"
        results += _results(
            "baseline QK1 re-parsing every raw file (no store)", run, load, None, None
        )
    finally:
        shutil.rmtree(ws / PARSED, ignore_errors=True)  # the run above stored again
        shutil.move(tmp / "hidden", ws / PARSED)
    return results
