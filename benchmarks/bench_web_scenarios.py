"""Scenario pages and runs (issue 11): the scenario page with a finished run, and a run for one
ICB with 1,000 draws from the click until it is finished.

A fresh SQLite database with the small test world (``web.testing``) and the LLR 2017 scenarios
for QK1, in a child process with the development settings (database task backend), and one
task worker (``db_worker --interval 0.2``, as ``scripts/web-demo.sh`` starts it) in another.

- **Page**: ``GET /scenarios/<id>/`` through Django's test client (middleware, permission checks,
  the run's results read, the Vega-Lite specifications built, the page rendered), for LLR
  Scenario 2 with ranges (1,000 draws) and the cohort model (1,000 draws, 121 monthly points, a
  10-bar tornado). Compared with the obvious alternative: drawing the same fan chart as SVG on
  the server (vl-convert, as the reports do) for every view.
- **Run**: the analyst's POST to ``/scenarios/<id>/run/`` with 1,000 draws until the worker has
  marked the run finished (polled every 20 ms): the request, the queue, the worker's pick-up,
  the forecast, its output files and hashes, the results written; then, apart, until its
  tornado (a follow-up task since decision 0080) is shown. Each click waits for an idle worker.
  The worker's CPU time (``/proc``) and the load average at each click are reported beside. Compared with ``gpworkforce forecast FILE --draws
  1000`` from the command line (a new process each time).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.common import Result
from benchmarks.web_setup import REPO, start_worker, web_env

PAGE_TARGET_MS = 300
RUN_TARGET_S = 3.0
PAGE_VIEWS = 200
RUNS = 5
WORKER_INTERVAL = os.environ.get("BENCH_WORKER_INTERVAL", "0.2")  # as scripts/web-demo.sh

SETUP = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from gpworkforce.web.testing import build_world
    from gpworkforce.web.scenarios.demo import seed_llr_scenarios
    build_world()
    seed_llr_scenarios("QK1")  # five scenarios, each with a run queued
    from gpworkforce.web.scenarios.models import Scenario
    print(json.dumps({s.source.rsplit("/", 1)[-1]: s.pk for s in Scenario.objects.all()}))
    """
)

MEASURE = textwrap.dedent(
    """
    import json, os, sys, time
    import django
    django.setup()
    from benchmarks.web_setup import cpu_seconds
    from django.conf import settings
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test import Client
    from gpworkforce.web.models import User
    from gpworkforce.web.scenarios.models import Run, Sensitivity
    ids, views, runs = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    worker = int(sys.argv[4])
    client = Client()
    client.force_login(User.objects.get(username="analyst"))
    out = {"page": {}, "svg": [], "run": {}, "first": {}}

    def wait_all():
        deadline = time.time() + 600
        while (
            Run.objects.exclude(status__in=("done", "failed")).exists()
            or Sensitivity.objects.exclude(status__in=("done", "failed")).exists()
        ):
            if time.time() > deadline:
                raise SystemExit("runs not finished in 10 minutes: is the worker running?")
            time.sleep(0.05)
        bad = list(Run.objects.filter(status="failed").values_list("error", flat=True))
        if bad:
            raise SystemExit(f"failed runs: {bad}")

    wait_all()  # the seeded runs (the worker's imports are paid here)
    for name in ("scenario-2-uncertain.toml", "cohort.toml"):
        url = f"/scenarios/{ids[name]}/"
        client.get(url)
        times = []
        for _ in range(views):
            t0 = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            if resp.status_code != 200 or b"gpw-headline" not in resp.content:
                raise SystemExit(f"{url}: {resp.status_code}")
        out["page"][name] = times

    import vl_convert
    from gpworkforce.web.scenarios import charts
    run = Run.objects.filter(scenario_id=ids["cohort.toml"], status="done").first()
    spec = charts.run_view(run)["fan_spec"]
    for _ in range(20):
        t0 = time.perf_counter()
        vl_convert.vegalite_to_svg(spec)
        out["svg"].append((time.perf_counter() - t0) * 1000)

    def worker_cpu():
        return cpu_seconds(worker)

    for name in ("scenario-2-uncertain.toml", "cohort.toml"):
        out["run"][name] = []
        for _ in range(runs):
            wait_all()  # the previous run's tornado too: each click meets an idle worker
            load = os.getloadavg()[0]
            c0 = worker_cpu()
            t0 = time.perf_counter()
            resp = client.post(f"/scenarios/{ids[name]}/run/", {"draws": "1000"})
            run_id = int(resp["Location"].rstrip("/").rsplit("/", 1)[-1])
            while Run.objects.filter(pk=run_id).exclude(status__in=("done", "failed")).exists():
                time.sleep(0.02)
            elapsed = time.perf_counter() - t0
            c1 = worker_cpu()
            run = Run.objects.get(pk=run_id)
            if run.status != "done":
                raise SystemExit(f"run {run_id} failed: {run.error}")
            tornado = None
            if Sensitivity.objects.filter(run_id=run_id).exists():
                while Sensitivity.objects.filter(run_id=run_id).exclude(
                    status__in=("done", "failed")
                ).exists():
                    time.sleep(0.02)
                if Sensitivity.objects.get(run_id=run_id).status != "done":
                    raise SystemExit(f"the tornado of run {run_id} failed")
                tornado = time.perf_counter() - t0
            # where the wall time went: the queue (click to the worker's start, from the run's
            # own timestamps), the task (start to finished), the rest (request, noticing)
            queued = (run.started_at - run.requested_at).total_seconds()
            task = (run.finished_at - run.started_at).total_seconds()
            out["run"][name].append(
                {"s": elapsed, "cpu": c1 - c0, "tornado": tornado,
                 "tornado_cpu": worker_cpu() - c1 if tornado else None, "load": load,
                 "queued": queued, "task": task}
            )
    print(json.dumps(out))
    """
)


def _python(env: dict[str, str], script: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:] + done.stdout[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _cli_seconds(file: str, tmp: Path) -> list[float]:
    gpw = Path(sys.executable).with_name("gpworkforce")
    out = []
    for i in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [str(gpw), "forecast", str(REPO / "scenarios" / "llr-2017" / file), "--draws",
             "1000", "--no-costs", "--out", str(tmp / f"cli-{file}-{i}")],
            capture_output=True,
            check=True,
        )  # fmt: skip
        out.append(time.perf_counter() - t0)
    return out


def run() -> list[Result]:
    tmp = Path(tempfile.mkdtemp(prefix="gpw-web-scenarios-"))
    env = web_env(tmp / "bench.sqlite3")
    ids = _python(env, SETUP)
    worker = start_worker(env, tmp / "worker.log", WORKER_INTERVAL)
    try:
        out = _python(env, MEASURE, json.dumps(ids), str(PAGE_VIEWS), str(RUNS), str(worker.pid))
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    results = []
    pages: dict[str, list[float]] = out["page"]  # type: ignore[assignment]
    labels = {
        "scenario-2-uncertain.toml": "LLR Scenario 2 with ranges",
        "cohort.toml": "LLR cohort",
    }
    for name, times in pages.items():
        results.append(
            Result(
                f"scenario page with a finished run ({labels[name]}, 1,000 draws), p95 of"
                f" {len(times)}",
                _p95(times),
                "ms",
                PAGE_TARGET_MS,
                note=f"median {statistics.median(times):.0f} ms",
            )
        )
    svg: list[float] = out["svg"]  # type: ignore[assignment]
    results.append(
        Result(
            "alternative: the cohort fan chart drawn as SVG on the server (vl-convert), median",
            statistics.median(svg),
            "ms",
            None,
            note="per view, on top of the page",
        )
    )
    runs: dict[str, list[dict[str, float | None]]] = out["run"]  # type: ignore[assignment]
    for name, measured in runs.items():
        seconds = [float(m["s"] or 0) for m in measured]
        cpu = [float(m["cpu"] or 0) for m in measured]
        loads = [float(m["load"] or 0) for m in measured]
        queued = [float(m["queued"] or 0) for m in measured]
        task = [float(m["task"] or 0) for m in measured]
        results.append(
            Result(
                f"run of {labels[name]} (one ICB), 1,000 draws, click to finished, worst of"
                f" {len(seconds)}",
                max(seconds),
                "s",
                RUN_TARGET_S,
                note=f"median {statistics.median(seconds):.2f} s; worker CPU median"
                f" {statistics.median(cpu):.2f} s, max {max(cpu):.2f} s; median click to the"
                f" worker's start {statistics.median(queued):.2f} s, task {statistics.median(task):.2f}"
                f" s; load at the clicks {min(loads):.1f}-{max(loads):.1f} (worker polls every"
                f" {WORKER_INTERVAL} s)",
            )
        )
        tornado = [float(m["tornado"]) for m in measured if m["tornado"] is not None]
        if tornado:
            tcpu = [float(m["tornado_cpu"] or 0) for m in measured if m["tornado"] is not None]
            results.append(
                Result(
                    f"  its tornado (follow-up task, decision 0080), click to shown, worst of"
                    f" {len(tornado)}",
                    max(tornado),
                    "s",
                    None,
                    note=f"median {statistics.median(tornado):.2f} s; its worker CPU median"
                    f" {statistics.median(tcpu):.2f} s",
                )
            )
        cli = _cli_seconds(name, tmp)
        results.append(
            Result(
                f"alternative: gpworkforce forecast {name} --draws 1000 (new process), median",
                statistics.median(cli),
                "s",
                None,
            )
        )
    return results
