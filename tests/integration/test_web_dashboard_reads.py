"""How many database reads a dashboard page view makes, and that the per-process memory that saves
them never serves a stale organisation, scope or figure (decision 0133).

A view of current figures reads four rows: the session, the account, the registry's version (the
viewer's scope) and the data version. The organisations, the hierarchy, the census dates and the
figures are kept in the process's memory keyed by the registry or data version read by that
request, so a registry load or an acceptance is seen by the very next view. Every statement is
captured (``CaptureQueriesContext``): one more read per view fails these tests, and so does a
name, a drill-down link, a permission or a figure of the version before."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gpworkforce.domain.orgs import Organisation as DomainOrganisation
from gpworkforce.domain.orgs import OrgRegistry, OrgType, ParentLink
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.actions.returns import transition
from gpworkforce.web.jobs import tasks
from gpworkforce.web.jobs.models import current
from gpworkforce.web.models import orgs
from gpworkforce.web.testing import (
    PASSWORD,
    World,
    approve_own_return,
    build_world,
    small_registry,
)
from gpworkforce.web.views.dashboards import FIGURES_HEADER
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db
TABLE = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
# what a view of current figures reads, in this order, once its process has seen them
WARM_READS = ["django_session", "web_user", "web_auditevent", "jobs_dataversion"]


@pytest.fixture
def world(db: None) -> World:
    forget_process_memory()
    cache.clear()  # in this test's transaction: entries committed by transactional tests
    return build_world()


def forget_process_memory() -> None:
    """As in a process that has just started: no page, figure, organisation or link in memory."""
    caches["local"].clear()
    orgs._LINKS.clear()
    orgs._ORGANISATIONS.clear()
    orgs._DESCENDANTS.clear()
    tasks._periods.cache_clear()


def signed_in(username: str = "analyst") -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.get(reverse("home"))  # the session as after sign-in: last seen just now
    return client


def view(client: Client, org: str) -> tuple[object, list[str]]:
    """The page and the tables each statement read (or wrote), in order."""
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("dashboard", args=[org]))
    tables = []
    for q in ctx.captured_queries:
        found = TABLE.search(q["sql"])
        tables.append(found.group(1) if found else q["sql"].split()[0].upper())
    return page, tables


def accept(world: World) -> None:
    rec_id = approve_own_return(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition(actor=world.users["analyst"], record_id=rec_id, name=TransitionName.ACCEPT)


def test_a_view_of_current_figures_reads_the_session_account_scope_and_data_version_only(
    world: World,
) -> None:
    client = signed_in()
    client.get(reverse("dashboard", args=["QK1"]))  # computed (immediate backend) and rendered
    for _ in range(3):
        page, tables = view(client, "QK1")
        assert page.status_code == 200
        assert page[FIGURES_HEADER] == f"current; version={current()}"
        assert tables == WARM_READS


def test_the_first_view_in_a_new_process_reads_each_thing_once(world: World) -> None:
    client = signed_in()
    for org in ("QK1", "03W"):
        client.get(reverse("dashboard", args=[org]))  # computed, kept in the shared cache
    forget_process_memory()
    page, tables = view(client, "QK1")
    assert page.status_code == 200 and b"Leicester City" in page.content  # a drill-down link
    # the four of every view; the organisation; every parent link (one read, the hierarchy for
    # any date is then walked in memory); the census dates; the figures' pointer and task state;
    # the figures and tables' HTML (one read); the drill-down organisations; the viewer's own
    # organisation (the page's header)
    assert tables == [
        "django_session",
        "web_user",
        "web_auditevent",
        "web_organisation",
        "web_parentlink",
        "jobs_dataversion",
        "web_collectionround",
        "web_referenceworkforce",
        "gpw_cache",
        "gpw_cache",
        "web_organisation",
        "web_organisation",
    ], tables
    # the next viewer of another dashboard in the same process: no hierarchy or census dates again
    _, other = view(signed_in("board"), "03W")
    assert "web_parentlink" not in other and "web_collectionround" not in other, other


def test_a_registry_load_is_seen_by_the_next_view_in_the_same_process(world: World) -> None:
    """Organisation names, drill-down links and the scope itself come from the registry version
    the request read: a rename, a practice moved and a sub-ICB moved out of the ICB all show at
    once, with every memory of the process warm."""
    client = signed_in()
    page = client.get(reverse("dashboard", args=["QK1"]))
    assert drill_down(page) == [
        "East Leicestershire and Rutland (03W)",
        "Leicester City (04C)",
    ]
    assert client.get(reverse("dashboard", args=["04C"])).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):  # the figures recomputed too
        load_registry(changed_registry(), actor=None, source="tests-moved")
    page = client.get(reverse("dashboard", args=["QK1"]))
    assert page.status_code == 200
    assert drill_down(page) == ["East Leicestershire, renamed (03W)"]
    # 04C is no longer under the analyst's ICB: refused (404), not served from memory
    assert client.get(reverse("dashboard", args=["04C"])).status_code == 404
    assert client.get(reverse("dashboard", args=["03W"])).status_code == 200


def drill_down(page: object) -> list[str]:
    """The drill-down links' texts of a dashboard page."""
    html = page.content.decode()  # type: ignore[attr-defined]
    nav = re.search(r"<h2[^>]*>Drill down</h2>(.*?)</nav>", html, re.DOTALL)
    return re.findall(r"<a [^>]*>([^<]*)</a>", nav.group(1)) if nav else []


def changed_registry() -> OrgRegistry:
    base = small_registry()
    renamed = {
        "03W": "East Leicestershire, renamed",
        "04C": "Renamed City",
    }
    organisations = [
        DomainOrganisation(o.code, renamed.get(o.code, o.name), o.type, o.opened, o.closed)
        for o in base.organisations.values()
    ]
    links = [lk for lk in base.links if lk.child != "04C"] + [ParentLink("04C", "QXX")]
    return OrgRegistry.build(organisations, links)


def test_an_acceptance_is_seen_by_the_next_view_in_the_same_process(world: World) -> None:
    client = signed_in()
    first = client.get(reverse("dashboard", args=["03W"]))
    before = first[FIGURES_HEADER]
    assert before == f"current; version={current()}"
    accept(world)  # a new data version; the immediate backend recomputes on commit
    after = client.get(reverse("dashboard", args=["03W"]))
    assert after[FIGURES_HEADER] == f"current; version={current()}" != before


def test_memory_is_keyed_by_the_registry_version_not_kept_forever(world: World) -> None:
    version = orgs.registry_version()
    assert orgs.organisation("03W", version).name == "East Leicestershire and Rutland"
    assert orgs.children_codes("QK1", dt.date.today(), version) == {"03W", "04C"}
    load_registry(changed_registry(), actor=None, source="tests-moved")
    newer = orgs.registry_version()
    assert newer != version
    assert orgs.organisation("03W", newer).name == "East Leicestershire, renamed"
    assert orgs.children_codes("QK1", dt.date.today(), newer) == {"03W"}
    assert orgs.descendant_codes("QXX", dt.date.today()) >= {"99A", "04C", "C82003"}
    # a copy: a caller changing it changes nobody else's
    mine = orgs.organisation("03W", newer)
    mine.name = "changed by a caller"
    assert orgs.organisation("03W", newer).name == "East Leicestershire, renamed"
    assert orgs.organisation("NOPE", newer) is None


def test_links_in_force_are_those_of_the_date_asked_for(db: None) -> None:
    forget_process_memory()
    registry = OrgRegistry.build(
        [
            DomainOrganisation("QK1", "ICB", OrgType.ICB),
            DomainOrganisation("03W", "Sub-ICB", OrgType.SUB_ICB),
            DomainOrganisation("A11111", "Old practice", OrgType.PRACTICE),
            DomainOrganisation("A22222", "New practice", OrgType.PRACTICE),
        ],
        [
            ParentLink("03W", "QK1"),
            ParentLink("A11111", "03W", None, dt.date(2020, 4, 1)),  # end exclusive
            ParentLink("A22222", "03W", dt.date(2020, 4, 1), None),  # start inclusive
        ],
    )
    load_registry(registry, actor=None, source="tests-dated")
    version = orgs.registry_version()
    assert orgs.descendant_codes("QK1", dt.date(2020, 3, 31), version) == {"QK1", "03W", "A11111"}
    assert orgs.descendant_codes("QK1", dt.date(2020, 4, 1), version) == {"QK1", "03W", "A22222"}
    assert orgs.children_codes("03W", dt.date(2019, 1, 1), version) == {"A11111"}


def test_a_new_worker_reads_the_most_viewed_dashboards_before_its_first_view(
    world: World,
) -> None:
    """What gunicorn's ``post_worker_init`` runs (``tasks.warm_process``): afterwards the first
    view of a top dashboard in the new process reads no figure, date or link, and warming
    wrote nothing and enqueued nothing."""
    client = signed_in()
    for org in ("QK1", "03W"):
        client.get(reverse("dashboard", args=[org]))  # computed, kept in the shared cache
    forget_process_memory()
    with CaptureQueriesContext(connection) as ctx:
        assert tasks.warm_process() >= 2
    assert not [q for q in ctx.captured_queries if WRITE.match(q["sql"])]
    for org in ("QK1", "03W"):
        page, tables = view(client, org)
        assert page.status_code == 200 and page[FIGURES_HEADER] == f"current; version={current()}"
        # the four of every view, and the viewer's own organisation for the page's header (the
        # page is rendered once per kind of viewer)
        assert tables == [*WARM_READS, "web_organisation"], tables


def test_a_new_worker_on_a_database_without_data_reads_nothing_more_and_writes_nothing(
    db: None,
) -> None:
    """Before any data change there is no data version row: the warm-up stops there (reading
    the census dates would create the row, a write from a worker that has not served yet)."""
    forget_process_memory()
    with CaptureQueriesContext(connection) as ctx:
        assert tasks.warm_process() == 0
    assert [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])] == []
    assert len(ctx.captured_queries) == 1
