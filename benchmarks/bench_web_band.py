"""The web's evaluated band on the user's path (issue 15; decisions 0156 and 0166): national GPW
figures are loaded, the band evaluation the load asks for is computed by its task, and the data
page says the band is ready.

Set-up (not timed): a fresh SQLite database with the web demo (``seed_demo``: its users, the LLR
2017 ICB and its scenarios) and the national registry (``load_registry``), and gunicorn with
``gunicorn.conf.py`` serving it. No task worker runs: the queue's other tasks (the refresh of
every dashboard the loads changed, which a worker takes first at a higher priority) are left
queued, so that what is timed is the evaluation alone.

Timed:

1. ``load_gpw`` of the national GPW practice-year file (2016-2024, every practice): wall and CPU
   of the command. The load asks for the evaluation once it commits; the bench checks that a
   queued ``BandEvaluation`` of the data now loaded exists when the command returns.
2. The evaluation task exactly as the worker runs it (``evaluate_loaded_data.call``, the same
   settings and database, at the workers' CPU priority), in a process of its own: the wall and
   CPU of the task.
3. The data page (``/data/``) as an ICB analyst sees it, over HTTP: it must say "Ready" with the
   starting years and the numbers of ICBs and sub-ICB locations scored; the wall of that request.

The alternative in the same run: ``gpworkforce evaluate`` on the same file with the same draws
(200), no later publication and both levels, the CLI's way to the same band file (wall, and CPU
from the child's rusage).

Figures go to docs/performance.md ("Web: the evaluated band of the loaded data").
"""

from __future__ import annotations

import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.bench_papers_web import Browser, _up, _wait
from benchmarks.common import Result, load_average
from benchmarks.web_setup import web_env as _env

REPO = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("BENCH_WEB_PORT", "18710"))
PASSWORD = "bench-web-band-1"
FILE = "gpw_practice_fy2016_2024_gp_admin.csv"
READY = re.compile(
    r"Ready on .{5,40}?: forecasts made from the starting years (\d+) to (\d+), scored for"
    r" ([\d,]+) ICBs? and ([\d,]+) sub-ICB locations?"
)
TARGET_SECONDS = 60.0  # issue 15's target for the national evaluation (the CLI's)
TASK = textwrap.dedent(
    """
    import json, resource, sys, time
    from gpworkforce.web import cpu_priority
    from gpworkforce.web.__main__ import TASK_PRIORITY_DEFAULT
    cpu_priority.lower(cpu_priority.from_env("GPWORKFORCE_TASK_CPU_PRIORITY", TASK_PRIORITY_DEFAULT))
    import django
    django.setup()
    from gpworkforce.web.scenarios.bands import evaluate_loaded_data
    c0, t0 = time.process_time(), time.perf_counter()
    outcome = evaluate_loaded_data.call(sys.argv[1])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "wall": wall, "cpu": cpu, "peak_mb": peak}))
    """
)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    c0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(args, env=env, cwd=REPO, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, _children_cpu() - c0, done.stdout


def _queued(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "select data_version from scenarios_bandevaluation where status = 'queued'"
            " order by id desc"
        ).fetchall()
    return [r[0] for r in rows]


def run() -> list[Result]:
    data = Path(os.environ.get("GPWORKFORCE_DATA_DIR", "/work/shared/data"))
    gpw = data / "nhs" / FILE
    tmp = Path(tempfile.mkdtemp(prefix="gpw-bench-web-band-"))
    db = tmp / "bench.sqlite3"
    env = _env(db)
    web = [sys.executable, "-m", "gpworkforce.web"]
    subprocess.run([*web, "migrate", "--no-input", "-v0"], env=env, cwd=REPO, check=True)
    subprocess.run([*web, "seed_demo", "--password", PASSWORD], env=env, cwd=REPO, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*web, "load_registry"], env=env, cwd=REPO, check=True, capture_output=True)
    before = set(_queued(db))
    load = load_average()
    load_wall, load_cpu, said = _timed([*web, "load_gpw", str(gpw), "--layout", "gp-admin"], env)
    asked = [v for v in _queued(db) if v not in before]
    if len(asked) != 1:
        raise RuntimeError(f"the load should have asked for one evaluation, found {asked}")
    task = subprocess.run(
        [sys.executable, "-c", TASK, asked[0]], env=env, cwd=REPO, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    measured = json.loads(task.stdout.strip().splitlines()[-1])
    if measured["outcome"] != "done":
        raise RuntimeError(
            f"the evaluation task ended {measured['outcome']}: {task.stderr[-2000:]}"
        )
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "--bind",
         f"127.0.0.1:{PORT}"],
        env=env, cwd=REPO, stdout=(tmp / "server.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait(lambda: _up(base), "the server answering")
        browser = Browser(base)
        browser.get("/accounts/login/")
        browser.post("/accounts/login/", {"username": "demo-analyst", "password": PASSWORD})
        t0 = time.perf_counter()
        _, page = browser.get("/data/")
        page_wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=60)
    ready = READY.search(" ".join(page.split()))
    if ready is None:
        raise RuntimeError("the data page does not say the band is ready")
    cli_wall, cli_cpu, _ = _timed(
        [str(Path(sys.executable).with_name("gpworkforce")), "evaluate", "--data", str(gpw),
         "--no-later", "--draws", "200", "--level", "all", "--out", str(tmp / "cli")],
        dict(os.environ),
    )  # fmt: skip
    first, last, icbs, subs = ready.groups()
    note = f"{load}; starting years {first}-{last}, {icbs} ICBs and {subs} sub-ICB locations"
    return [
        Result("load_gpw, national practice-year file (wall)", load_wall, "s", note=said[:80]),
        Result("load_gpw, national practice-year file (CPU)", load_cpu, "s"),
        Result(
            "the evaluation task, national (wall)", measured["wall"], "s", TARGET_SECONDS, note=note
        ),
        Result(
            "the evaluation task, national (CPU)",
            measured["cpu"],
            "s",
            TARGET_SECONDS,
            note=f"peak {measured['peak_mb']:.0f} MB",
        ),
        Result("the data page saying it is ready (wall)", page_wall, "s"),
        Result("alternative: gpworkforce evaluate, same file and draws (wall)", cli_wall, "s"),
        Result("alternative: gpworkforce evaluate, same file and draws (CPU)", cli_cpu, "s"),
    ]
