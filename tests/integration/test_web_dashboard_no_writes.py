"""A dashboard page view writes nothing to the database and reads little: its figures current or
being updated, it reads the signed-in session and account, the registry's version (the viewer's
scope; the organisation is kept in the process's memory per registry version), the data version
and (unless its process already knows the figures are current) one entry of the cache. Page
views then never queue behind the transactions of uploads (SQLite's single writer) and never
enqueue work: the data changes and the task worker do.

Every statement is captured (``CaptureQueriesContext``); a write of any kind (a cache entry, a
session, a task) fails these tests."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gpworkforce.web.actions.returns import transition
from gpworkforce.web.jobs import tasks
from gpworkforce.web.jobs.models import current
from gpworkforce.web.signin import SEEN_KEY
from gpworkforce.web.testing import PASSWORD, World, approve_own_return, build_world
from gpworkforce.web.views.dashboards import FIGURES_HEADER
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
CACHE_TABLE = "gpw_cache"


@pytest.fixture
def world(db: None) -> World:
    caches["local"].clear()
    cache.clear()  # in this test's transaction: entries committed by transactional tests
    return build_world()


def analyst() -> Client:
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    c.get(reverse("home"))  # the session as after sign-in: last seen just now
    return c


def viewed(client: Client, org: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("dashboard", args=[org]))
    assert page.status_code == 200
    return page, [q["sql"] for q in ctx.captured_queries]


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if WRITE.match(s)]


def cache_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if CACHE_TABLE in s and s.lstrip().upper().startswith("SELECT")]


def accept(world: World) -> None:
    rec_id = approve_own_return(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition(actor=world.users["analyst"], record_id=rec_id, name=TransitionName.ACCEPT)


def test_a_view_of_current_figures_writes_nothing_and_reads_no_cache_entry(
    world: World,
) -> None:
    client = analyst()
    client.get(reverse("dashboard", args=["03W"]))  # computed (immediate backend) and rendered
    for _ in range(3):
        page, sql = viewed(client, "03W")
        assert writes(sql) == []
        assert cache_reads(sql) == []  # this process knows the figures are current
        assert page[FIGURES_HEADER] == f"current; version={current()}"
    # the session, the account, the registry's version (the viewer's scope) and the data
    # version; nothing else (test_web_dashboard_reads.py names them)
    assert len(sql) <= 4, sql


def test_a_view_of_figures_being_updated_writes_nothing_and_reads_one_cache_entry(
    world: World,
) -> None:
    client = analyst()
    client.get(reverse("dashboard", args=["03W"]))
    with override_settings(TASKS=DUMMY):
        accept(world)  # a new data version: the refresh is queued, not run (Dummy backend)
        for _ in range(3):
            page, sql = viewed(client, "03W")
            assert b"dashboard-updating" in page.content
            assert writes(sql) == []
            assert len(cache_reads(sql)) == 1  # the dashboard's pointer and task state, at once
        assert len(sql) <= 5, sql


def test_a_view_that_notes_the_users_activity_is_the_only_write(world: World) -> None:
    """The one write a signed-in request may make: the session's last-activity time, at most
    once a minute (the idle timeout) - not the dashboard."""
    client = analyst()
    client.get(reverse("dashboard", args=["03W"]))
    session = client.session
    session[SEEN_KEY] -= 120
    session.save()
    _, sql = viewed(client, "03W")
    assert [s for s in writes(sql) if "django_session" not in s] == []
    assert len(writes(sql)) == 1


def test_a_dashboard_never_computed_is_enqueued_by_its_first_view_only(world: World) -> None:
    client = analyst()
    with override_settings(TASKS=DUMMY):
        _, first = viewed(client, "04C")
        assert any(CACHE_TABLE in s for s in writes(first))  # its task's state, then the task
        _, second = viewed(client, "04C")  # queued already: nothing more
        assert writes(second) == []


def test_the_refresh_is_enqueued_by_the_data_change_not_by_a_view(world: World) -> None:
    client = analyst()
    client.get(reverse("dashboard", args=["03W"]))
    with override_settings(TASKS=DUMMY):
        from django_tasks import default_task_backend

        accept(world)
        queued = len(default_task_backend.results)
        assert queued == 2  # the version's refresh and its watch
        for _ in range(3):
            client.get(reverse("dashboard", args=["03W"]))
        assert len(default_task_backend.results) == queued
        assert tasks.top_dashboards_ready() is False
