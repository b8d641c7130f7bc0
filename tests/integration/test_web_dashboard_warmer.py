"""Each gunicorn worker reads newly computed dashboards into its memory by a thread of its own, not
in its first viewer's request (decision 0149): ``tasks.keep_warm``, started by ``gunicorn.conf.py``'s
``post_worker_init`` (``GPWORKFORCE_WARM_SECONDS``, default 1; 0 turns it off)."""

from __future__ import annotations

import os
import textwrap
import threading
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.integration.test_web_dashboard_reads import (
    WARM_READS,
    WRITE,
    accept,
    forget_process_memory,
    signed_in,
    view,
)

from gpworkforce.web.jobs import tasks
from gpworkforce.web.jobs.models import current
from gpworkforce.web.testing import World, build_world
from gpworkforce.web.views.dashboards import FIGURES_HEADER
from server_support import run_with_gunicorn_conf

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    forget_process_memory()
    cache.clear()
    return build_world()


def test_after_an_acceptance_a_warm_pass_reads_the_new_figures_before_any_viewer(
    world: World,
) -> None:
    """The acceptance's refresh has run (the immediate backend); the process still holds the
    previous version's pages and figures. After a warm pass (what the thread does every second)
    the first view of each dashboard reads the four rows of every view and the organisation for
    its header, not the new figures (without the pass it reads them from the shared cache), and
    the pass wrote nothing."""
    client = signed_in()
    for org in ("QK1", "03W"):
        view(client, org)  # computed and rendered for this version
    accept(world)
    with CaptureQueriesContext(connection) as ctx:
        assert tasks.warm_process() >= 2
    assert not [q for q in ctx.captured_queries if WRITE.match(q["sql"])]
    for org in ("QK1", "03W"):
        page, tables = view(client, org)
        assert page.status_code == 200
        assert page[FIGURES_HEADER] == f"current; version={current()}"
        # the four of every view, and the viewer's own organisation for the header of the page
        # rendered anew; no figures (the cache table)
        assert tables == [*WARM_READS, "web_organisation"], tables


def test_the_thread_runs_a_warm_pass_every_interval_and_survives_a_failing_one(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    passes: list[int] = []
    done = threading.Event()

    def warm() -> int:
        passes.append(1)
        if len(passes) <= 3:
            raise RuntimeError("database is locked")  # logged once; the next pass runs
        done.set()
        threading.Event().wait()  # the thread stops here: no pass outside this test
        return 0

    monkeypatch.setattr(tasks, "warm_process", warm)
    assert tasks.keep_warm(0) is None
    thread = tasks.keep_warm(0.02)
    assert thread is not None and thread.daemon and thread.name == "dashboard-warmer"
    assert done.wait(5)
    assert len(passes) >= 4
    warned = [r for r in caplog.records if "newly computed" in r.getMessage()]
    assert len(warned) == 1  # three failures in a row: one warning


WORKER = textwrap.dedent(
    """
    import json, logging, runpy, sys, threading
    import django
    django.setup()
    conf = runpy.run_path(sys.argv[1])  # gunicorn.conf.py, as gunicorn reads it

    class Worker:  # what the hook uses of gunicorn's worker
        pid = 0
        log = logging.getLogger("gunicorn")

    conf["post_worker_init"](Worker())
    print(json.dumps({"every": conf["WARM_SECONDS"],
                      "threads": [t.name for t in threading.enumerate()]}))
    """
)


@pytest.mark.parametrize(("setting", "every", "started"), [(None, 1, True), ("0", 0, False)])
def test_a_gunicorn_worker_starts_the_thread_unless_turned_off(
    tmp_path: Path, setting: str | None, every: int, started: bool
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
        "GPWORKFORCE_WEB_DB": str(tmp_path / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("GPWORKFORCE_WARM_SECONDS", None)
    if setting is not None:
        env["GPWORKFORCE_WARM_SECONDS"] = setting
    found = run_with_gunicorn_conf(WORKER, env)
    assert found["every"] == every
    assert ("dashboard-warmer" in found["threads"]) is started
