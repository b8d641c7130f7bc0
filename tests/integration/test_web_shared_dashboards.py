"""Dashboards computed once per data version for all server processes.

A second process is simulated by swapping the module's per-process state (its LRU, and the
in-flight markers' owner token) while the shared cache stays: what one "process" computed, the
other reads; a marker held elsewhere makes pages show the previous figures (marked) and
downloads wait; the background poll notices a change made elsewhere; the compute process's loop
fills the store; wrong figures planted in the shared cache are never served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web import compute, dashboards, dashstore, precompute
from gpworkforce.web.actions.returns import transition
from gpworkforce.web.dashstore import DashStore, Memo
from gpworkforce.web.testing import (
    OWN_PRACTICE,
    PASSWORD,
    World,
    approve_own_return,
    build_world,
)
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> Iterator[World]:
    dashboards.store.clear()
    dashboards.page_store.clear()
    precompute._recent.clear()
    yield build_world()
    precompute.enable(False)
    dashboards.store.clear()


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every dashboard computation (organisation codes), in whichever simulated process."""
    calls: list[str] = []
    real = dashboards._compute

    def counting(org_code: str, *args: object) -> dashboards.Dashboard:
        calls.append(org_code)
        return real(org_code, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboards, "_compute", counting)
    return calls


@pytest.fixture
def other_process(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``switch(name)``: from now on this test runs as server process ``name`` (own LRU, own
    marker token), sharing the dashboards cache with the others."""
    states: dict[str, tuple[Memo, DashStore, DashStore]] = {}

    def switch(name: str) -> None:
        if name not in states:
            cache, pages = Memo(64), Memo(64)
            store, page_store = DashStore(cache), DashStore(pages)
            store.token = page_store.token = f"process-{name}"
            states[name] = (cache, store, page_store)
        cache, store, page_store = states[name]
        monkeypatch.setattr(dashboards, "cache", cache)
        monkeypatch.setattr(dashboards, "store", store)
        monkeypatch.setattr(dashboards, "page_store", page_store)
        monkeypatch.setattr("gpworkforce.web.views.dashboards.page_store", page_store)

    return switch


def _accept_own(world: World) -> None:
    rec = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec, name=TransitionName.ACCEPT)


def _key(org: str) -> str:
    census = dashboards.default_period(dashboards.available_periods())
    return f"gpw-web:dash:{org}:{census}:{dashboards.data_version()}"


def _staff_row(html: str, name: str) -> str:
    table = html.split('id="table-staff_by_group"')[1].split("</table>")[0]
    return next(r for r in table.split("<tr") if name in r)


def _analyst() -> Client:
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    return c


def test_a_dashboard_computed_in_one_process_is_read_by_the_other(
    world: World, computed: list[str], other_process: Callable[[str], None]
) -> None:
    other_process("a")
    first = dashboards.build_dashboard("03W", None)
    assert computed == ["03W"]
    other_process("b")
    again = dashboards.build_dashboard("03W", None)
    assert computed == ["03W"]  # not computed again
    assert again is not first and again.version == first.version
    assert [t.key for t in again.tables] == [t.key for t in first.tables]
    # the page in process b: tables HTML from the shared store too, same figures
    page = _analyst().get(reverse("dashboard", args=["03W"])).content.decode()
    assert computed == ["03W"] and "dashboard-updating" not in page
    # after a data change, one computation of the new version for both processes
    _accept_own(world)
    new = dashboards.build_dashboard("03W", None)
    other_process("a")
    assert dashboards.build_dashboard("03W", None).version == new.version != first.version
    assert computed == ["03W", "03W"]


def test_another_process_computing_means_previous_figures_marked_for_pages(
    world: World, computed: list[str], other_process: Callable[[str], None]
) -> None:
    other_process("a")
    analyst = _analyst()
    url = reverse("dashboard", args=["03W"])
    before = analyst.get(url).content.decode()
    _accept_own(world)
    other = DashStore(Memo(4))
    other.token = "process-b"
    assert other.claim(_key("03W"))  # process b is computing the new version right now
    during = analyst.get(url).content.decode()
    assert "dashboard-updating" in during and "dashboard-updating" not in before
    assert ">4.0<" not in _staff_row(during, "Alpha Surgery")  # the previous figures
    assert computed == ["03W"]  # process a did not compute it too
    other.release(_key("03W"))  # b failed: nobody computing, so a computes at the next view
    after = analyst.get(url).content.decode()
    assert "dashboard-updating" not in after
    assert ">4.0<" in _staff_row(after, "Alpha Surgery")
    assert computed == ["03W", "03W"]


def test_a_download_waits_for_the_other_process_and_takes_its_figures(
    world: World,
    computed: list[str],
    other_process: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other_process("b")
    _accept_own(world)
    key = _key("03W")
    theirs = dashboards.build_dashboard("03W", None)  # b's figures, to be "finished" later
    dashboards.store.shared.clear()
    other_process("a")
    assert dashboards.store.shared.add(dashstore._hashed(f"flight:{key}"), "process-b")
    waits: list[float] = []

    def b_finishes(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            dashboards.store.shared.set(dashstore._hashed(key), theirs)
            dashboards.store.shared.delete(dashstore._hashed(f"flight:{key}"))

    monkeypatch.setattr(dashstore.time, "sleep", b_finishes)
    csv = _analyst().get(reverse("dashboard-download", args=["03W", "staff_by_group", "csv"]))
    assert csv.status_code == 200 and len(waits) == 2
    assert computed == ["03W"]  # only b's computation: a waited for it
    assert "Alpha Surgery" in csv.content.decode()


def test_a_crashed_computers_marker_expires_and_the_download_computes(
    world: World, computed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _accept_own(world)
    monkeypatch.setattr(dashstore, "FLIGHT_SECONDS", 1)
    crashed = DashStore(Memo(4))
    crashed.token = "crashed-process"
    assert crashed.claim(_key("03W"))  # and never releases it
    dash = dashboards.build_dashboard("03W", None)  # waits about a second, then computes
    assert computed == ["03W"] and dash.version == dashboards.data_version()


def test_figures_of_another_organisation_or_version_in_the_shared_cache_are_never_served(
    world: World, computed: list[str], other_process: Callable[[str], None]
) -> None:
    other_process("a")
    qk1 = dashboards.build_dashboard("QK1", None)
    old = dashboards.build_dashboard("03W", None)
    _accept_own(world)
    other_process("b")
    # a misconfigured shared cache: QK1's figures and 03W's old figures under 03W's new key
    dashboards.store.shared.set(dashstore._hashed(_key("03W")), qk1)
    assert dashboards.build_dashboard("03W", None).org_code == "03W"
    other_process("c")
    dashboards.store.shared.set(dashstore._hashed(_key("03W")), old)
    new = dashboards.build_dashboard("03W", None)
    assert new.version == dashboards.data_version() != old.version and not new.updating
    # the last computed figures are "previous" only for another version, never 03W's for QK1
    assert dashboards._previous("03W", new.census, new.version) is None
    assert dashboards._previous("03W", new.census, "0@later").version == new.version
    assert dashboards._previous("QK1", qk1.census, "0@later").org_code == "QK1"


def test_the_poll_notices_a_change_made_by_another_process(
    world: World, computed: list[str]
) -> None:
    top = sorted(org for org, _ in precompute.targets())  # the ICBs and sub-ICBs
    assert {"QK1", "03W"} <= set(top)
    precompute.enable()
    assert precompute.poll() is not None  # the first look: a pass for the current version
    assert precompute.poll() is None  # nothing changed: one query, no pass
    assert sorted(computed) == top
    precompute.enable(False)  # the change comes from another process: this one is not told
    _accept_own(world)
    precompute.enable()
    version = precompute.poll()
    assert version == dashboards.data_version()
    assert sorted(computed) == sorted(top * 2)
    assert dashboards.store.get(_key("03W")).version == version


def test_with_a_compute_process_alive_pages_show_marked_figures_until_it_has_finished(
    world: World, computed: list[str], other_process: Callable[[str], None]
) -> None:
    top = [org for org, _ in precompute.targets()]
    other_process("server")
    analyst = _analyst()
    url = reverse("dashboard", args=[OWN_PRACTICE])
    analyst.get(url)
    _accept_own(world)
    precompute.heartbeat()  # a compute process is running
    assert precompute.compute_process_alive()
    during = analyst.get(url).content.decode()
    assert "dashboard-updating" in during and computed == [OWN_PRACTICE]  # the server left it
    other_process("compute")
    # the compute process's loop, one pass (on this test's database connection)
    assert compute.run(None, max_passes=1, own_connection=False) == 1
    # its targets: the dashboard viewed in the server process (shared list), then the top ones
    assert computed == [OWN_PRACTICE, OWN_PRACTICE, *top]
    other_process("server")
    after = analyst.get(url).content.decode()
    assert "dashboard-updating" not in after
    assert len(computed) == 2 + len(top)  # read from the store, not computed by the server
    # a dashboard the compute process's finished pass did not include: its viewer computes it
    assert precompute.will_recompute(dashboards.data_version()) is False
    page = analyst.get(reverse("dashboard", args=["03W"])).content.decode()
    assert "dashboard-updating" not in page and ">4.0<" in _staff_row(page, "Alpha Surgery")
    assert len(computed) == 2 + len(top)  # 03W was a top target: ready
    assert dashboards.build_dashboard("C82002", None, remember=False).org_code == "C82002"
    assert computed[-1] == "C82002"


def test_the_background_skips_what_another_process_computes_and_reads_it_after(
    world: World, computed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _accept_own(world)
    other = DashStore(Memo(4))
    other.token = "process-b"
    key = _key("QK1")
    theirs = dashboards.build_dashboard("QK1", None, remember=False)
    assert computed == ["QK1"]
    dashboards.store.clear()
    assert other.claim(key)
    order: list[str] = []
    real = dashboards.build_unless_busy

    def watching(org: str, census: dt.date | None) -> dashboards.Dashboard | None:
        got = real(org, census)
        order.append(f"{org}:{'done' if got else 'later'}")
        if org == "03W":  # meanwhile, process b finished QK1
            other.set(key, theirs)
            other.release(key)
        return got

    monkeypatch.setattr(dashboards, "build_unless_busy", watching)
    top = [org for org, _ in precompute.targets()]
    assert top[:2] == ["QK1", "QXX"] and "03W" in top
    assert precompute.precompute() == len(top)
    assert order[0] == "QK1:later" and all(o.endswith(":done") for o in order[1:])
    assert computed == top  # QK1 only once: by process b, read here afterwards
    assert dashboards.cache.get(key) is not None
