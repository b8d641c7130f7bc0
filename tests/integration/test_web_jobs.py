"""Background work on Django's Tasks: the data version, one task per dashboard, retries, state.

Most tests use the Dummy backend (tasks are only recorded, so each step is seen) or the test
settings' Immediate backend; the database backend is run by its own worker in this process
(SQLite here, PostgreSQL under scripts/test-postgres.sh); the RQ backend in
``test_web_tasks_rq.py``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd
import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from gpworkforce.web.actions.returns import import_accepted, transition
from gpworkforce.web.actions.users import system_account
from gpworkforce.web.dashboards import Dashboard, compute_dashboard
from gpworkforce.web.jobs import figures, tasks
from gpworkforce.web.jobs.figures import TaskState
from gpworkforce.web.jobs.models import DataChange, bump, current, new_series
from gpworkforce.web.models import PracticeReturnRecord
from gpworkforce.web.testing import (
    CENSUS,
    PASSWORD,
    World,
    approve_own_return,
    build_world,
    sample_return,
)
from gpworkforce.web.views.dashboards import FIGURES_HEADER
from gpworkforce.web.workflow import TransitionName
from web_tasks_support import run_database_worker

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TOP = ["03W", "04C", "99A", "QK1", "QXX"]  # the test registry's ICBs and sub-ICBs


@pytest.fixture
def world(db: None) -> World:
    caches["local"].clear()
    cache.clear()  # in this test's transaction: entries committed by transactional tests
    return build_world()


def analyst() -> Client:
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    return c


def accept(world: World) -> None:
    rec_id = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec_id, name=TransitionName.ACCEPT)


def enqueued() -> list[tuple[Any, ...]]:
    """(task name, args) of every task the Dummy backend recorded."""
    return [(r.task.name, *r.args) for r in default_task_backend.results]


def test_the_data_version_changes_only_with_the_writing_transaction(world: World) -> None:
    before = current()
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        accept(world)
        assert current() != before  # visible inside the transaction
        raise RuntimeError("boom")
    assert current() == before  # rolled back with the data
    accept(world)
    assert current() != before


@pytest.mark.django_db(transaction=True)
def test_the_data_version_is_bumped_only_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the writing transaction"):
        bump()


def test_a_data_change_enqueues_its_refresh_once_on_commit_and_the_refresh_each_dashboard(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    world = build_world()
    with override_settings(TASKS=DUMMY):
        with django_capture_on_commit_callbacks() as callbacks:
            accept(world)  # an action's transaction, with many records written
        assert callbacks == [tasks.enqueue_refresh]
        assert enqueued() == []  # nothing before the commit
        callbacks[0]()
        version = current()
        assert enqueued() == [
            ("refresh_dashboards", version),
            ("watch_dashboards", version),  # deferred: catches up after a lost worker
        ]
        watch = default_task_backend.results[1]
        assert watch.task.run_after is not None and watch.enqueued_at is not None
        due = (watch.task.run_after - watch.enqueued_at).total_seconds()
        assert tasks.WATCH_SECONDS - 1 <= due <= tasks.WATCH_SECONDS + 5
        default_task_backend.clear()
        assert tasks.refresh_dashboards.call(version) == "5 queued, 0 unchanged"
        assert sorted(tasks.top_dashboards()[0]) == TOP
        [batch] = enqueued()  # one batch for every dashboard (decision 0175), not one task each
        assert batch[:2] == ("refresh_batch", version)
        assert sorted(org for _rank, org, _census in batch[2]) == TOP
        assert {census for _rank, _org, census in batch[2]} == {CENSUS.isoformat()}
        for org in TOP:
            state = figures.state(org, CENSUS, version)
            assert state is not None and (state.status, state.attempt) == ("queued", 1)
        tasks.refresh_dashboards.call(version)  # a second look at the same version: nothing more
        assert len(enqueued()) == 1


def import_for(practice: str) -> None:
    """An accepted return for ``practice`` (system import, committed on return)."""
    rec = PracticeReturnRecord.objects.get(round__census_date=CENSUS, practice_id=practice)
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_accepted(
            importer=system_account(username="system-import"),
            record_id=rec.pk,
            data=sample_return(practice, CENSUS),
            sha256="1" * 64,
            file_name="test",
        )


def test_a_return_accepted_recomputes_only_the_dashboards_over_its_practice(
    world: World,
) -> None:
    import_for("C82003")  # the first accepted return of the census: every dashboard changes
    assert [c.practice_code for c in DataChange.objects.order_by("-number")[:1]] == [""]
    tasks.refresh_dashboards.call(current())  # immediate backend: all five computed
    before = current()
    with override_settings(TASKS=DUMMY):
        with TestCase.captureOnCommitCallbacks(execute=True):
            accept(world)  # C82001, under 03W under QK1
        assert DataChange.objects.order_by("-number").first().practice_code == "C82001"
        after = current()
        default_task_backend.clear()
        assert tasks.refresh_dashboards.call(after) == "2 queued, 3 unchanged"
        [batch] = default_task_backend.results
        assert sorted(org for _rank, org, _census in batch.args[1]) == ["03W", "QK1"]
    for org in ("04C", "99A", "QXX"):  # kept, now current, and right: as computed afresh
        ptr = figures.pointer(org, CENSUS)
        assert ptr is not None and (ptr.figures, ptr.current_for) == (before, after)
        kept, fresh = figures.get(org, CENSUS, before), compute_dashboard(org, CENSUS, after)
        assert kept is not None and len(kept.tables) == len(fresh.tables) > 0
        for k, f in zip(kept.tables, fresh.tables, strict=True):
            assert (k.key, k.title, k.notes, k.sources) == (f.key, f.title, f.notes, f.sources)
            pd.testing.assert_frame_equal(k.frame, f.frame)
    ptr = figures.pointer("03W", CENSUS)
    assert ptr is not None and ptr.current_for == before  # to be recomputed
    page = analyst().get(reverse("dashboard", args=["04C"]))
    assert page[FIGURES_HEADER] == f"current; version={after}"


def test_the_most_viewed_dashboards_are_refreshed_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures.flush_views()  # other tests' views: into this test's transaction, then dropped
    cache.clear()
    for org in ("04C", "04C", "04C", "03W", "03W"):
        analyst().get(reverse("dashboard", args=[org]))
    figures.flush_views()
    ordered = tasks.kept_current()
    assert [org for org, _ in ordered[:2]] == ["04C", "03W"]
    with override_settings(TASKS=DUMMY):
        with TestCase.captureOnCommitCallbacks(execute=True):
            accept(world)  # the first accepted return of the census: every dashboard changes
        default_task_backend.clear()
        version = current()
        tasks.refresh_dashboards.call(version)
        [batch] = default_task_backend.results
        assert [org for _rank, org, _census in batch.args[1][:2]] == ["04C", "03W"]
        assert batch.task.priority == tasks.TOP_PRIORITY  # the most viewed one's
        # the batch takes 04C, hands the rest on at the next one's priority, and goes on for
        # about BATCH_SECONDS (here: one dashboard)
        default_task_backend.clear()
        monkeypatch.setattr(tasks, "BATCH_SECONDS", 0.0)
        assert tasks.refresh_batch.call(*batch.args) == "1 computed, the rest handed on"
        [rest] = default_task_backend.results
        assert [org for _rank, org, _census in rest.args[1][:1]] == ["03W"]
        assert rest.task.priority == tasks.TOP_PRIORITY - 1
        ptr = figures.pointer("04C", CENSUS)
        assert ptr is not None and ptr.current_for == version


def test_a_viewer_sees_previous_figures_marked_until_the_task_has_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "BATCH_SECONDS", 0.0)  # one dashboard a batch
    page = analyst().get(reverse("dashboard", args=["03W"]))  # immediate: computed on first view
    assert page.status_code == 200 and b"dashboard-updating" not in page.content
    with override_settings(TASKS=DUMMY):
        with TestCase.captureOnCommitCallbacks(execute=True):
            accept(world)
        version = current()
        assert enqueued() == [("refresh_dashboards", version), ("watch_dashboards", version)]
        page = analyst().get(reverse("dashboard", args=["03W"]))
        body = page.content.decode()
        assert "dashboard-updating" in body and "from before the latest change" in body
        assert 'hx-trigger="load delay:3s"' in body  # the page refreshes itself
        # and without JavaScript the browser reloads it
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
        assert page[FIGURES_HEADER] == "updating"
        analyst().get(reverse("dashboard", args=["03W"]))
        assert len(default_task_backend.results) == 2  # a viewer enqueues nothing
        refresh = default_task_backend.results[0]
        refresh.task.call(*refresh.args)  # the worker runs the refresh, then the dashboard
        [job] = [r for r in default_task_backend.results if r.task.name == "refresh_batch"]
        assert job.args[0] == version and ["03W", CENSUS.isoformat()] in [
            [org, census] for _rank, org, census in job.args[1]
        ]
        assert job.task.call(*job.args).startswith("1 computed")  # 03W first, by its rank
    page = analyst().get(reverse("dashboard", args=["03W"])).content.decode()
    assert "dashboard-updating" not in page and "http-equiv" not in page
    assert figures.get("03W", CENSUS, version) is not None


def test_a_dashboard_without_earlier_figures_says_it_is_being_computed(world: World) -> None:
    with override_settings(TASKS=DUMMY):
        body = analyst().get(reverse("dashboard", args=["03W"])).content.decode()
        assert "The figures for this dashboard are being computed" in body
        download = analyst().get(
            reverse("dashboard-download", args=["03W", "staff_by_group", "csv"])
        )
        assert download.status_code == 503
        assert b"being updated" in download.content


def test_a_failing_dashboard_fails_alone_is_retried_a_bounded_number_of_times_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = tasks.compute_dashboard
    calls: list[str] = []

    def flaky(org_code: str, census: Any, version: str) -> Dashboard:
        calls.append(org_code)
        if org_code == "03W":
            raise OverflowError("Python int too large to convert to C long")
        return real(org_code, census, version)

    monkeypatch.setattr(tasks, "compute_dashboard", flaky)
    with caplog.at_level(logging.ERROR, logger="gpworkforce.web.jobs.tasks"):
        page = analyst().get(reverse("dashboard", args=["03W"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "These figures could not be updated" in body and "failed 3 times" in body
    assert "OverflowError" not in body  # no exception text on a page
    assert calls == ["03W"] * tasks.MAX_ATTEMPTS
    failures = [r for r in caplog.records if "03W" in r.getMessage()]
    assert [r.getMessage().rsplit(",", 1)[1] for r in failures] == [
        f" attempt {n} of {tasks.MAX_ATTEMPTS}" for n in range(1, tasks.MAX_ATTEMPTS + 1)
    ]
    state = figures.state("03W", CENSUS, current())
    assert state is not None and state.status == "failed" and "OverflowError" in state.error
    analyst().get(reverse("dashboard", args=["03W"]))
    assert calls == ["03W"] * tasks.MAX_ATTEMPTS  # not retried again for this data version
    other = analyst().get(reverse("dashboard", args=["QK1"])).content.decode()
    assert "could not be updated" not in other and 'id="table-' in other  # unaffected
    assert calls[-1] == "QK1"


def test_the_watch_enqueues_again_what_a_lost_worker_was_running(world: World) -> None:
    version = current()
    lost = TaskState("running", 1, time.time() - tasks.STUCK_SECONDS - 1)
    with override_settings(TASKS=DUMMY):
        for org in TOP:  # every top dashboard was running on the worker that was killed
            figures.set_state(org, CENSUS, version, lost)
        figures.set_state("03W", CENSUS, version, TaskState("running", 1, time.time()))
        analyst().get(reverse("dashboard", args=["04C"]))
        assert enqueued() == []  # a viewer does not
        assert tasks.watch_dashboards.call(version) == "5 not ready"
        again = [r for r in enqueued() if r[0] == "refresh_dashboard"]
        assert sorted(again) == [
            ("refresh_dashboard", org, CENSUS.isoformat(), version, 2)
            for org in TOP
            if org != "03W"  # still running, and recently: left alone
        ]
        assert ("watch_dashboards", version) in enqueued()  # and it looks again later
        state = figures.state("04C", CENSUS, version)
        assert state is not None and (state.status, state.attempt) == ("queued", 2)
        last = TaskState("queued", tasks.MAX_ATTEMPTS, time.time() - tasks.STUCK_SECONDS - 1)
        figures.set_state("04C", CENSUS, version, last)
        default_task_backend.clear()
        tasks.watch_dashboards.call(version)
        assert ("refresh_dashboard", "04C", CENSUS.isoformat(), version, 4) not in enqueued()
        page = analyst().get(reverse("dashboard", args=["04C"])).content.decode()
        assert "These figures could not be updated" in page


def test_a_task_for_an_old_data_version_does_nothing(world: World) -> None:
    old = current()
    accept(world)
    assert tasks.refresh_dashboard.call("03W", CENSUS.isoformat(), old, 1) == "superseded"
    assert figures.get("03W", CENSUS, old) is None


def test_healthz_reports_whether_the_top_dashboards_are_ready(world: World) -> None:
    with override_settings(TASKS=DUMMY):
        assert Client().get(reverse("healthz")).json()["dashboards_ready"] is False
    tasks.enqueue_refresh()  # immediate backend: computed now
    assert Client().get(reverse("healthz")).json() == {"status": "ok", "dashboards_ready": True}


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_runs_enqueued_dashboards_in_its_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caches["local"].clear()
    real = tasks.compute_dashboard

    def failing_for_03w(org_code: str, census: Any, version: str) -> Dashboard:
        if org_code == "03W":
            raise ValueError("cannot compute this one")
        return real(org_code, census, version)

    monkeypatch.setattr(tasks, "compute_dashboard", failing_for_03w)
    monkeypatch.setattr(tasks, "RETRY_SECONDS", (0, 0))  # retries due at once (no run_after)
    with override_settings(TASKS=DATABASE):
        world = build_world()  # committed: each data change enqueues its refresh
        accept(world)
        version = current()
        ready = DBTaskResult.objects.filter(status="READY", args_kwargs__args__0=version)
        assert sorted(r.task_path.rsplit(".", 1)[1] for r in ready) == [
            "refresh_dashboards",
            "watch_dashboards",
        ]
        run_database_worker()  # the watches are due later
    assert figures.get("QK1", CENSUS, version) is not None
    assert figures.get("03W", CENSUS, version) is None
    runs = DBTaskResult.objects.filter(args_kwargs__args__0="03W", args_kwargs__args__2=version)
    # the first attempt in the batch (decision 0175), each retry a task of its own
    assert sorted((r.args_kwargs["args"][3], r.status) for r in runs) == [
        (n, "FAILED") for n in range(2, tasks.MAX_ATTEMPTS + 1)
    ]
    assert "cannot compute this one" in runs.first().traceback
    state = figures.state("03W", CENSUS, version)
    assert state is not None and (state.status, state.attempt) == ("failed", tasks.MAX_ATTEMPTS)
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    left = DBTaskResult.objects.filter(status="READY")
    assert {r.task_path.rsplit(".", 1)[1] for r in left} == {"watch_dashboards"}


def test_a_failed_attempt_is_retried_later_where_the_backend_can_defer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(org_code: str, census: Any, version: str) -> Dashboard:
        raise ValueError("no")

    monkeypatch.setattr(tasks, "compute_dashboard", failing)
    version = current()
    with override_settings(TASKS=DUMMY):  # records tasks, supports run_after
        assert figures.claim("03W", CENSUS, version)
        before = time.time()
        with pytest.raises(ValueError, match="no"):
            tasks.refresh_dashboard.call("03W", CENSUS.isoformat(), version, 1)
        [retry] = default_task_backend.results
        assert retry.args == ["03W", CENSUS.isoformat(), version, 2]
        due = retry.task.run_after.timestamp() - before
        assert tasks.RETRY_SECONDS[0] - 1 < due < tasks.RETRY_SECONDS[0] + 5
        state = figures.state("03W", CENSUS, version)
        assert state is not None and (state.status, state.attempt) == ("queued", 2)
        assert state.error == "ValueError: no"


def test_a_new_series_after_a_restore_never_meets_figures_computed_before(world: World) -> None:
    analyst().get(reverse("dashboard", args=["03W"]))  # computed (immediate backend)
    before = current()
    assert figures.get("03W", CENSUS, before) is not None
    after = new_series()
    assert after != before and after.split(".")[1] == before.split(".")[1]  # same number
    assert figures.get("03W", CENSUS, after) is None  # recomputed for the restored data
