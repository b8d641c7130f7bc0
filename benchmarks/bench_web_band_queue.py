"""The wait for the evaluated band behind the work a national load queues (issue 15; decisions
0166 and 0175), on the user's path, with the task worker running as deployed.

Set-up (not timed, once): a fresh database (SQLite; PostgreSQL when ``BENCH_PG_URL`` names a server,
e.g. ``postgres://postgres@127.0.0.1:5432``: a database of its own is created and dropped) with
the web demo (``seed_demo``) and the national registry (``load_registry``); gunicorn with
``gunicorn.conf.py`` and one task worker (``db_worker --interval 0.2``, at its own CPU priority)
serving it from the start, as ``scripts/web-demo.sh`` and docs/deploy.md run the app (this code).
The bench waits until the worker has emptied the queue (the dashboards of the registry
computed), then runs each code under test on a copy of that database.

Timed, from the start of ``load_gpw`` of the national GPW practice-year file (2016-2024, every
practice), as a data manager loads it:

- the load command itself (wall);
- the tasks the load queued (rows of the task table enqueued after it started, by task);
- when the evaluation task started and finished (the task table's own times), and when the data
  page (``/data/``, an ICB analyst polling it over HTTP once a second) first said "Ready": the
  band every forecast page then shows;
- the dashboards computed by the time the run stops (once the band is shown and at least
  ``BENCH_WINDOW_SECONDS`` after the load's start), and, if every dashboard the worker keeps
  current was current for the load's version by then, when (the last dashboard task's finish;
  checked on every dashboard's pointer) and when ``/healthz`` first said so;
- whether the worker stopped (it is started again, as a supervisor would);
- the task worker's CPU seconds over that time (``/proc``).

``BENCH_CODE`` (colon-separated source folders, e.g. an old commit's worktree ``old/src:old``)
runs the app from other code with this venv, for the A/B: ``BENCH_CODE_LABEL`` names it.
Figures go to docs/performance.md ("Web: the wait for the evaluated band after a national load").
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from benchmarks.bench_papers_web import Browser, _up, _wait
from benchmarks.common import Result, load_average
from benchmarks.web_setup import cpu_seconds, start_worker
from benchmarks.web_setup import web_env as _sqlite_env

REPO = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("BENCH_WEB_PORT", "18110"))
PASSWORD = "bench-web-band-queue-1"
FILE = "gpw_practice_fy2016_2024_gp_admin.csv"
READY = re.compile(r"Ready on .{5,40}?: forecasts made from the starting years")
LIMIT_SECONDS = 1800.0  # the run gives up when the dashboards are not current by then
# how long a run watches after the load's start once the band is shown: the dashboards of a
# national load take longer than that on a busy machine (BENCH_WINDOW_SECONDS)
WINDOW_SECONDS = float(os.environ.get("BENCH_WINDOW_SECONDS", "240"))
# the time the evaluated band may wait after the load (issue 15's 60 s for the evaluation itself)
TARGET_SECONDS = 60.0
QUEUE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django_tasks_db.models import DBTaskResult
    left = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    if sys.argv[1:] == ["but-dashboards"]:
        left = left.exclude(task_path__startswith="gpworkforce.web.jobs.tasks.")
    print(json.dumps(left.count()))
    """
)
REPORT = textwrap.dedent(
    """
    import json, sys, datetime as dt
    import django
    django.setup()
    from django_tasks_db.models import DBTaskResult
    from gpworkforce.web.jobs import figures
    from gpworkforce.web.jobs.models import current
    from gpworkforce.web.jobs.tasks import kept_current
    since = dt.datetime.fromtimestamp(float(sys.argv[1]), tz=dt.timezone.utc)
    rows = list(DBTaskResult.objects.filter(enqueued_at__gte=since).values(
        "task_path", "status", "priority", "queue_name", "enqueued_at", "started_at",
        "finished_at", "return_value"))
    version = current()
    dashboards = kept_current()
    stale = [f"{o} {c}" for o, c in dashboards
             if (p := figures.pointer(o, c)) is None or p.current_for != version]
    ts = lambda d: d.timestamp() if d else None
    print(json.dumps({
        "version": version, "dashboards": len(dashboards), "stale": stale,
        "tasks": [{**r, "enqueued_at": ts(r["enqueued_at"]), "started_at": ts(r["started_at"]),
                   "finished_at": ts(r["finished_at"])} for r in rows],
    }, default=str))
    """
)


def _env(db: Path, pg_db: str, code: str = "") -> dict[str, str]:
    env = _sqlite_env(db)
    if code:
        env["PYTHONPATH"] = code
    if pg_db:
        env["DATABASE_URL"] = f"{os.environ['BENCH_PG_URL'].rstrip('/')}/{pg_db}"
    return env


def _queue_length(env: dict[str, str], *args: str) -> int:
    """Tasks queued or running (-1 when the database could not be read this time); with
    ``but-dashboards``, other than the dashboards' tasks."""
    done = subprocess.run(
        [sys.executable, "-c", QUEUE, *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    return int(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else -1


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _health(base: str) -> bool:
    with urllib.request.urlopen(base + "/healthz", timeout=10) as resp:
        return bool(json.loads(resp.read()).get("dashboards_ready"))


def _serve(env: dict[str, str], tmp: Path) -> tuple[subprocess.Popen[bytes], ...]:
    worker = start_worker(env, tmp / "worker.log")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "--bind",
         f"127.0.0.1:{PORT}"],
        env=env, cwd=REPO, stdout=(tmp / "server.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return worker, server


def _stop(*procs: subprocess.Popen[bytes]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=60)


def _pg(command: str, *args: str) -> None:
    """``createdb``/``dropdb`` on the local PostgreSQL server."""
    subprocess.run([command, "-h", "127.0.0.1", "-U", "postgres", *args], check=True)


def prepare(tmp: Path, pg_db: str) -> None:
    """The app before the national load: the demo and the registry loaded, and the worker (this
    code) has emptied the queue (every dashboard of the registry computed)."""
    env = _env(tmp / "prepared.sqlite3", pg_db)
    web = [sys.executable, "-m", "gpworkforce.web"]
    subprocess.run([*web, "migrate", "--no-input", "-v0"], env=env, cwd=REPO, check=True)
    procs = _serve(env, tmp)  # running while the demo and the registry are loaded, as deployed
    try:
        subprocess.run([*web, "seed_demo", "--password", PASSWORD], env=env, cwd=REPO,
                       check=True, capture_output=True)  # fmt: skip
        subprocess.run([*web, "load_registry"], env=env, cwd=REPO, check=True,
                       capture_output=True)  # fmt: skip
        _wait(
            lambda: _queue_length(env, "but-dashboards") == 0,
            "the worker running the demo's runs and the registry's evaluation",
            LIMIT_SECONDS,
        )
    finally:
        _stop(*procs)


def scenario(tmp: Path, pg_db: str, code: str) -> dict[str, object]:
    """One national load on a copy of the prepared app, served by ``code`` (PYTHONPATH; empty:
    this code); what was seen (seconds from the load's start)."""
    data = Path(os.environ.get("GPWORKFORCE_DATA_DIR", "/work/shared/data"))
    gpw = data / "nhs" / FILE
    run_db = ""
    if pg_db:
        run_db = f"{pg_db}_run"
        _pg("dropdb", "--if-exists", run_db)
        _pg("createdb", "-T", pg_db, run_db)
    else:
        shutil.copyfile(tmp / "prepared.sqlite3", tmp / "run.sqlite3")
    env = _env(tmp / "run.sqlite3", run_db, code)
    web = [sys.executable, "-m", "gpworkforce.web"]
    worker, server = _serve(env, tmp)
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait(lambda: _up(base), "the server answering")
        browser = Browser(base)
        browser.get("/accounts/login/")
        browser.post("/accounts/login/", {"username": "demo-analyst", "password": PASSWORD})
        load = load_average()
        cpu0 = cpu_seconds(worker.pid, children=True)
        start = time.time()
        loading = subprocess.Popen(
            [*web, "load_gpw", str(gpw), "--layout", "gp-admin"], env=env, cwd=REPO,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        loaded = page_ready = health_ready = None
        restarts: list[float] = []  # a worker that stopped (SQLite: "database is locked")
        dead_cpu = 0.0
        while time.time() - start < LIMIT_SECONDS:
            r0 = _children_cpu()
            if worker.poll() is not None:  # started again, as a supervisor would
                dead_cpu += _children_cpu() - r0 - cpu0  # its whole CPU, less before the load
                cpu0 = 0.0
                restarts.append(time.time() - start)
                worker = start_worker(env, tmp / f"worker-{len(restarts)}.log")
            if loaded is None and loading.poll() is not None:
                loaded = time.time() - start
                if loading.returncode != 0:
                    raise RuntimeError(f"load_gpw failed: {loading.stdout.read()[-2000:]}")  # type: ignore[union-attr]
            if loaded is not None:
                if page_ready is None:
                    _, page = browser.get("/data/")
                    if READY.search(" ".join(page.split())):
                        page_ready = time.time() - start
                if health_ready is None and _health(base):
                    health_ready = time.time() - start
                if page_ready is not None and (
                    health_ready is not None or time.time() - start >= WINDOW_SECONDS
                ):
                    break
            time.sleep(1.0)
        else:
            raise RuntimeError(f"not ready within {LIMIT_SECONDS:.0f} s (see {tmp})")
        worker_cpu = cpu_seconds(worker.pid, children=True) - cpu0 + dead_cpu
        load_after = load_average()
    finally:
        _stop(worker, server)
    report = json.loads(
        subprocess.run(
            [sys.executable, "-c", REPORT, str(start)], env=env, cwd=REPO, check=True,
            capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    if run_db:
        _pg("dropdb", "--if-exists", run_db)
    tasks = report["tasks"]
    evaluation = [t for t in tasks if t["task_path"].endswith("evaluate_loaded_data")]
    if len(evaluation) != 1 or evaluation[0]["return_value"] != "done":
        raise RuntimeError(f"the load's evaluation: {evaluation}")
    # the tasks that computed a dashboard (one each, or a batch of them; not a duplicate that
    # found it computed already)
    refreshes = [
        t
        for t in tasks
        if ".jobs.tasks.refresh_" in t["task_path"]
        and re.match(r"(computed$|[1-9]\d* computed)", str(t["return_value"]))
    ]
    kinds: dict[str, int] = {}
    for t in tasks:
        name = t["task_path"].rsplit(".", 1)[-1]
        kinds[name] = kinds.get(name, 0) + 1
    ev = evaluation[0]
    return {
        "load": loaded,
        "tasks": len(tasks),
        "kinds": kinds,
        "evaluation_started": ev["started_at"] - start,
        "evaluation_done": ev["finished_at"] - start,
        "evaluation_run": ev["finished_at"] - ev["started_at"],
        "ahead_of_evaluation": sum(
            1 for t in tasks if t["started_at"] is not None and t["started_at"] < ev["started_at"]
        ),
        "page_ready": page_ready,
        "evaluation_after_load": ev["finished_at"] - start - loaded,
        "dashboards_current": (
            max(t["finished_at"] for t in refreshes) - start if not report["stale"] else None
        ),
        "stale": len(report["stale"]),
        "computed": sum(
            int(m.group(1) or 1)
            for t in refreshes
            if (m := re.match(r"(\d+)? ?computed", str(t["return_value"])))
        ),
        "window": time.time() - start if report["stale"] else None,
        "health_ready": health_ready,
        "dashboards": report["dashboards"],
        "worker_cpu": worker_cpu,
        "worker_restarts": [round(r, 1) for r in restarts],
        "load_before": load,
        "load_after": load_after,
    }


def _results(label: str, where: str, seen: dict[str, object]) -> list[Result]:
    where = f"{label}, {where}"
    note = f"{seen['load_before']} before, {seen['load_after']} after"
    return [
        Result(f"[{where}] load_gpw, national (wall)", float(seen["load"]), "s", note=note),  # type: ignore[arg-type]
        Result(
            f"[{where}] tasks the load queued",
            float(seen["tasks"]),  # type: ignore[arg-type]
            "tasks",
            note=json.dumps(seen["kinds"]),
        ),
        Result(
            f"[{where}] load start -> evaluation done (the band shown)",
            float(seen["evaluation_done"]),  # type: ignore[arg-type]
            "s",
            TARGET_SECONDS if label == "this code" else None,
            note=f"started at {seen['evaluation_started']:.1f} s after"
            f" {seen['ahead_of_evaluation']} tasks; ran {seen['evaluation_run']:.1f} s; data page"
            f" said Ready at {seen['page_ready']:.1f} s (polled each second); done"
            f" {seen['evaluation_after_load']:.1f} s after the load command returned",
        ),
        Result(
            f"[{where}] dashboards not yet current when the run stopped",
            float(seen["stale"]),  # type: ignore[arg-type]
            "dashboards",
            note=f"of {seen['dashboards']}; {seen['computed']} computed; every one current at {seen['dashboards_current']} s"
            f" (None: not within the run's {WINDOW_SECONDS:.0f} s); /healthz ready at"
            f" {seen['health_ready']} s",
        ),
        Result(
            f"[{where}] task worker CPU, over the run",
            float(seen["worker_cpu"]),  # type: ignore[arg-type]
            "s",
            note=f"worker stopped and started again at {seen['worker_restarts']} s",
        ),
    ]


def run() -> list[Result]:
    """``BENCH_OLD`` (an old commit's worktree): each of ``BENCH_ROUNDS`` rounds runs the old code,
    then this code, on copies of one prepared database."""
    pg_url = os.environ.get("BENCH_PG_URL", "")
    old = os.environ.get("BENCH_OLD", "")
    rounds = int(os.environ.get("BENCH_ROUNDS", "1"))
    tmp = Path(tempfile.mkdtemp(prefix="gpw-bench-band-queue-"))
    pg_db = f"gpw_bench_band_queue_{os.getpid()}" if pg_url else ""
    where = "PostgreSQL" if pg_db else "SQLite"
    codes = [("old code", f"{old}/src:{old}")] if old else []
    codes.append(("this code", ""))
    results: list[Result] = []
    if pg_db:
        _pg("createdb", pg_db)
    try:
        prepare(tmp, pg_db)
        for _ in range(rounds):
            for label, code in codes:
                seen = scenario(tmp, pg_db, code)
                print(json.dumps({"label": label, "where": where, **seen}), flush=True)
                results += _results(label, where, seen)
    finally:
        if pg_db:
            _pg("dropdb", "--if-exists", pg_db)
    return results
