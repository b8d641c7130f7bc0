"""Dashboards recomputed right after a data change (on top of the cold path), and the process
warm-up that servers run at start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web import dashboards, precompute
from gpworkforce.web.actions.returns import transition
from gpworkforce.web.testing import (
    OWN_PRACTICE,
    PASSWORD,
    World,
    approve_own_return,
    build_world,
)
from gpworkforce.web.warmup import warm_process
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> Iterator[World]:
    dashboards.cache.items.clear()
    dashboards.pages.items.clear()
    yield build_world()
    precompute.enable(False)


def _staff_row(html: str, name: str) -> str:
    table = html.split('id="table-staff_by_group"')[1].split("</table>")[0]
    return next(r for r in table.split("<tr") if name in r)


def test_acceptance_schedules_nothing_when_not_enabled(
    world: World, django_capture_on_commit_callbacks
) -> None:
    rec = approve_own_return(world)
    with django_capture_on_commit_callbacks() as callbacks:
        transition(actor=world.users["analyst"], record_id=rec, name=TransitionName.ACCEPT)
    assert callbacks == []  # tests and management commands: no background work


def test_acceptance_schedules_a_recompute_after_commit_when_enabled(
    world: World, django_capture_on_commit_callbacks
) -> None:
    precompute.enable()
    with django_capture_on_commit_callbacks() as callbacks:
        rec = approve_own_return(world)
    assert callbacks == []  # submitting and approving change no accepted data
    with django_capture_on_commit_callbacks() as callbacks:
        transition(actor=world.users["analyst"], record_id=rec, name=TransitionName.ACCEPT)
    assert callbacks == [precompute._wake_worker]


def test_precompute_builds_viewed_and_top_dashboards_for_the_new_version(world: World) -> None:
    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    assert analyst.get(reverse("dashboard", args=[OWN_PRACTICE])).status_code == 200
    rec = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec, name=TransitionName.ACCEPT)
    version = dashboards.data_version()
    wanted = precompute.targets()
    assert wanted[0] == (OWN_PRACTICE, None)  # the one viewed, first
    assert {"QK1", "03W"} <= {org for org, _ in wanted}
    assert precompute.precompute() == len(wanted)
    for org, census in wanted:
        hit = dashboards.cache.get(f"gpw-web:dash-asked:{org}:{census}:{version}")
        assert hit is not None and hit.version == version and hit.tables
    # the view after the change is served from what was computed, with the accepted figures
    page = analyst.get(reverse("dashboard", args=["03W"])).content.decode()
    assert "Response rate" in page


def test_warm_process_imports_views_draws_a_chart_and_enables_precompute(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    # the background pass is tested on its own; here only that a server's warm-up starts it
    # (without leaving a thread behind)
    monkeypatch.setattr(precompute, "warm_start", lambda: started.append("precompute"))
    precompute.enable(False)
    warm_process()
    assert precompute.enabled()
    assert started == ["precompute"]
    precompute.enable(False)


def test_page_shows_previous_figures_flagged_while_the_new_ones_are_computed(world: World) -> None:
    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    url = reverse("dashboard", args=["03W"])
    before = analyst.get(url).content.decode()
    assert "dashboard-updating" not in before
    rec = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec, name=TransitionName.ACCEPT)
    census = dashboards.default_period(dashboards.available_periods())
    key = f"gpw-web:dash:03W:{census}:{dashboards.data_version()}"
    with dashboards._flight(key):  # another request is computing the new version right now
        during = analyst.get(url).content.decode()
    assert "dashboard-updating" in during
    assert "Response rate" in during
    after = analyst.get(url).content.decode()
    assert "dashboard-updating" not in after
    # the accepted return (4 partners on 36 sessions = 4.0 WTE) only in the new figures
    assert ">4.0<" not in _staff_row(during, "Alpha Surgery")
    assert ">4.0<" in _staff_row(after, "Alpha Surgery")
    assert dashboards.build_dashboard("03W", None).version == dashboards.data_version()


@pytest.mark.django_db(transaction=True)
def test_a_server_process_computes_its_top_dashboards_at_start() -> None:
    """warm_start (called by warm_process in every server worker) fills the cache in the
    background and the health check then reports the process ready."""
    import time

    dashboards.cache.items.clear()
    dashboards.pages.items.clear()
    build_world()
    client = Client()
    before = precompute.passes()
    ready = client.get(reverse("healthz")).json()
    assert ready == {"status": "ok", "dashboards_ready": before > 0}
    precompute.enable()
    try:
        precompute.warm_start()
        deadline = time.monotonic() + 120
        while precompute.passes() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert precompute.passes() == before + 1
        assert client.get(reverse("healthz")).json()["dashboards_ready"] is True
        assert len(dashboards.cache.items) >= 2  # QK1 and 03W, computed without any viewer
    finally:
        precompute.enable(False)
