"""What a load of GPW figures queues, run by the database backend's own worker (issue 15 and the
platform; decision 0175): the band evaluation the load asks for is not kept waiting behind the
dashboards the load changed, and the dashboards, refreshed in batches, are every one refreshed,
a worker killed in the middle of a batch included."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.dashboards import Dashboard
from gpworkforce.web.jobs import figures, tasks
from gpworkforce.web.jobs.figures import TaskState
from gpworkforce.web.jobs.models import current
from gpworkforce.web.scenarios.bands import data_key
from gpworkforce.web.scenarios.models import BandEvaluation
from gpworkforce.web.testing import build_world
from web_tasks_support import gpw_workforce, no_patients, run_database_worker

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TOP = ["03W", "04C", "99A", "QK1", "QXX"]  # the test registry's ICBs and sub-ICBs
# census dates of the dashboards viewed before the load (every quarter end of two years): with
# the five organisations, 40 dashboards the worker keeps current (a national load: hundreds)
QUARTERS = [dt.date(y, m, d) for y in (2016, 2017) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]  # fmt: skip


def quick_dashboard(org_code: str, census: dt.date, version: str) -> Dashboard:
    """A dashboard with a message only: what is tested here is which task runs when, and that
    every dashboard is kept for the version, not its figures (``test_web_jobs`` computes them)."""
    return Dashboard(org_code, census, (), (), "figures left out in this test", version=version)


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(tasks, "compute_dashboard", quick_dashboard)
    yield
    # the cache table is not emptied with the database after a transactional test: the
    # dashboards remembered here would be kept current in the tests that follow
    cache.clear()
    caches["local"].clear()


def _loaded_with_many_dashboards() -> str:
    """The test world, its dashboards and those at 8 census dates (viewed before) computed, then a GPW load
    (committed, as ``load_gpw`` commits it); the load's data version. Nothing of the load has
    run yet."""
    caches["local"].clear()
    cache.clear()
    build_world()
    for org in TOP:
        for day in QUARTERS:
            figures.remember(org, day)
    run_database_worker()
    DBTaskResult.objects.all().delete()
    load_reference(actor=None, workforce=gpw_workforce(), patients=no_patients())
    return current()


def _dashboards_current(version: str) -> list[tuple[str, dt.date]]:
    """The dashboards the worker keeps current whose figures are not current for ``version``."""
    return [
        (org, day)
        for org, day in tasks.kept_current()
        if (ptr := figures.pointer(org, day)) is None or ptr.current_for != version
    ]


@pytest.mark.django_db(transaction=True)
def test_the_band_evaluation_a_load_asks_for_runs_before_the_dashboards_it_changed() -> None:
    with override_settings(TASKS=DATABASE):
        version = _loaded_with_many_dashboards()
        assert len(tasks.kept_current()) >= 40
        run_database_worker()
    row = BandEvaluation.objects.get(data_version=data_key())
    assert row.status == "done", row.error
    ran = list(
        DBTaskResult.objects.exclude(started_at=None)
        .order_by("started_at")
        .values_list("task_path", flat=True)
    )
    names = [p.rsplit(".", 1)[1] for p in ran]
    # the data version's refresh (which only queues the dashboards), then the evaluation: no
    # dashboard was computed before it
    assert names.index("evaluate_loaded_data") == 1, names[:25]
    assert names[0] == "refresh_dashboards"
    assert _dashboards_current(version) == []  # and the dashboards were all refreshed after it


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch_seconds", [0.0, tasks.BATCH_SECONDS])
def test_batches_refresh_every_dashboard_the_load_changed(
    batch_seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 0 s: a batch computes one dashboard and hands the other on (the longest chain)
    monkeypatch.setattr(tasks, "BATCH_SECONDS", batch_seconds)
    with override_settings(TASKS=DATABASE):
        version = _loaded_with_many_dashboards()
        wanted = tasks.kept_current()
        assert len(wanted) >= 40 and len(_dashboards_current(version)) == len(wanted)
        run_database_worker()
    assert _dashboards_current(version) == []
    for org, day in wanted:  # none is left queued, running or failed
        assert figures.state(org, day, version) is None, (org, day)
    batches = DBTaskResult.objects.filter(task_path__endswith=".refresh_batch")
    assert not DBTaskResult.objects.filter(task_path__endswith=".refresh_dashboard").exists()
    assert {b.status for b in batches} == {"SUCCESSFUL"}
    if batch_seconds == 0:
        assert batches.count() >= len(wanted)  # one dashboard each, and a last one with none
    else:
        assert batches.count() < len(wanted) / 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_a_batch_loses_only_the_dashboard_it_was_computing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tasks, "BATCH_SECONDS", 3600.0)  # one batch would do them all
    monkeypatch.setattr(tasks, "RETRY_SECONDS", (0, 0))  # the watch's retry due at once
    real = quick_dashboard
    killed: list[tuple[str, dt.date]] = []

    def killed_on_the_third(org_code: str, census: dt.date, version: str) -> Any:
        if len(killed) == 2:
            killed.append((org_code, census))
            raise KeyboardInterrupt  # the worker goes (SIGKILL: nothing after it runs)
        killed.append((org_code, census))
        return real(org_code, census, version)

    with override_settings(TASKS=DATABASE):
        version = _loaded_with_many_dashboards()
        wanted = tasks.kept_current()
        tasks.refresh_dashboards.call(version)  # the worker's first task: the batch queued
        [batch] = DBTaskResult.objects.filter(task_path__endswith=".refresh_batch")
        monkeypatch.setattr(tasks, "compute_dashboard", killed_on_the_third)
        # the cache's claim of the dashboard outlives a killed worker (not released)
        monkeypatch.setattr(figures, "release", lambda *a: None)
        with pytest.raises(KeyboardInterrupt):
            tasks.refresh_batch.call(*batch.args_kwargs["args"])
        monkeypatch.setattr(tasks, "compute_dashboard", real)
        lost = killed[-1]
        batch.delete()  # its row: running for ever, as the killed worker left it
        run_database_worker()  # the next batch, enqueued before the kill, does the rest
        assert _dashboards_current(version) == [lost]
        state = figures.state(*lost, version)
        assert state is not None and state.status == "running"
        # the watch, once the lost dashboard has been running too long, enqueues it again
        figures.set_state(*lost, version, TaskState("running", 1, time.time() - 61))
        cache.delete(figures._key("taken", lost[0], lost[1], version))  # expired by then
        assert tasks.watch_dashboards.call(version) == "1 not ready"
        DBTaskResult.objects.filter(task_path__endswith=".watch_dashboards").delete()
        run_database_worker()
    assert _dashboards_current(version) == []
    assert len(wanted) >= 40
