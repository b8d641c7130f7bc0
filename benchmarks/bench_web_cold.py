"""Cold dashboard views on the LLR demo: the first view after the data change, nothing cached.

A fresh SQLite database seeded with ``seed_demo`` (141 practices: 140 accepted returns, GPW
figures and list sizes), in a child process with the development settings. The process is warmed
as a server warms each worker (:func:`gpworkforce.web.warmup.warm_process`: imports, vl-convert's
engine) but no figures are cached: before each timed view every dashboard cache is emptied, which
is the state after an acceptance or a reference load (a new data version). Each view therefore
rebuilds the inputs from the database, runs the library's baseline report, the GPW series and
comparison, draws both charts and renders the page, through Django's test client (middleware,
permission checks and templates included). Also measured: the next organisation's view in the
same data version (inputs built once per version, the rest cold), and the very first view of a
process that skipped the warm-up.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from benchmarks.common import Result

ORGS = ("QK1", "03W", "04C", "04V")  # the LLR STP (ICB) and its three CCGs (sub-ICBs)
REPEATS = 5
TARGET_MS = 500

SCRIPT = textwrap.dedent(
    """
    import io, json, sys, time
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test import Client
    from gpworkforce.web import dashboards
    from gpworkforce.web.models import User
    orgs, repeats, warm = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3] == "warm"
    if warm:
        try:
            from gpworkforce.web.warmup import warm_process
        except ImportError:  # a checkout from before the warm-up (to compare): warm by a view
            def warm_process():
                c = Client()
                c.force_login(User.objects.get(username="demo-analyst"))
                c.get("/dashboards/04V/")
        warm_process()
        try:  # no background computation during the timed views (this checkout's own warm-up)
            from gpworkforce.web import precompute
            t_wait = time.perf_counter()
            while precompute.passes() < 1 and time.perf_counter() - t_wait < 180:
                time.sleep(0.1)
            precompute.enable(False)
        except (ImportError, AttributeError):
            pass
    out = {"cold": {o: [] for o in orgs}, "next": [], "cpu": []}
    client = Client()
    client.force_login(User.objects.get(username="demo-analyst"))

    def view(org):
        t0, c0 = time.perf_counter(), time.thread_time()
        resp = client.get(f"/dashboards/{org}/")
        elapsed = time.perf_counter() - t0
        out["cpu"].append((time.thread_time() - c0) * 1000)
        if resp.status_code != 200 or b"Staff headcount and WTE by staff group" not in resp.content:
            raise SystemExit(f"dashboard {org}: {resp.status_code}")
        return elapsed * 1000

    def clear():
        dashboards.cache.items.clear()
        dashboards.pages.items.clear()
        if "dashboards" in settings.CACHES:  # the store shared by server processes
            from django.core.cache import caches
            caches["dashboards"].clear()

    if not warm:
        clear()
        out["first"] = view(orgs[0])
        print(json.dumps(out))
        raise SystemExit(0)
    client.get("/")
    for _ in range(repeats):
        for org in orgs:
            clear()
            out["cold"][org].append(view(org))
        clear()
        view(orgs[0])  # builds this data version's inputs
        for org in orgs[1:]:
            out["next"].append(view(org))
    print(json.dumps(out))
    """
)


def _child(db: Path, warm: bool) -> dict[str, object]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="gpworkforce.web.settings.dev",
        GPWORKFORCE_WEB_DB=str(db),
        GPWORKFORCE_COMPUTE_PROCESS="0",  # no compute process filling the store meanwhile
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(ORGS), str(REPEATS), "warm" if warm else "cold"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[Result]:
    tmp = Path(tempfile.mkdtemp(prefix="gpw-web-cold-"))
    warm = _child(tmp / "warm.sqlite3", warm=True)
    fresh = _child(tmp / "fresh.sqlite3", warm=False)
    cold: dict[str, list[float]] = warm["cold"]  # type: ignore[assignment]
    everything = [ms for values in cold.values() for ms in values]
    results = [
        Result(
            f"cold dashboard {org}, median of {REPEATS}",
            statistics.median(values),
            "ms",
            TARGET_MS,
            note=f"max {max(values):.0f} ms",
        )
        for org, values in cold.items()
    ]
    results.append(
        Result(
            "cold dashboard, any of the four, worst of all views",
            max(everything),
            "ms",
            1000,
            note=f"{len(everything)} views",
        )
    )
    cpu: list[float] = warm["cpu"]  # type: ignore[assignment]
    # each repeat: the cold views of every organisation, then the same-version round
    cold_cpu = [ms for i, ms in enumerate(cpu) if i % (len(ORGS) * 2) < len(ORGS)]
    results.append(
        Result(
            "CPU time of a cold view (the request's thread), median",
            statistics.median(cold_cpu),
            "ms",
            TARGET_MS,
            note="less sensitive to the other jobs on the machine than wall time",
        )
    )
    nxt: list[float] = warm["next"]  # type: ignore[assignment]
    results.append(
        Result(
            "next organisation in the same data version (inputs already built), median",
            statistics.median(nxt),
            "ms",
            note=f"max {max(nxt):.0f} ms",
        )
    )
    results.append(
        Result(
            f"first view of a process without the warm-up ({ORGS[0]})",
            float(fresh["first"]),  # type: ignore[arg-type]
            "ms",
            note="imports and vl-convert start-up included",
        )
    )
    return results


if __name__ == "__main__":
    for r in run():
        print(r)
