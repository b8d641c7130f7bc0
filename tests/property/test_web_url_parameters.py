"""Any value in any URL parameter of any view gives a page (200, a redirect, 400, 403, 404, 405,
or 503 for a download being computed), never a server error.

Every route with a path parameter (from the URL resolver, so a new one is covered), each
parameter given what its converter lets through: whole numbers far beyond any column's range
for ``<int:...>``, any text (quoted into the path) for ``<str:...>``; and every query parameter
a view reads (checked against the source, so a new one must be added here): dates out of range
(``0001-01-01``, ``9999-12-31``), malformed or ambiguous dates, numbers, any text. As an analyst
(who may see dashboards, rounds, returns and the audit log) and as an administrator (accounts).
Tasks are recorded but not run (Dummy backend), and every task a request enqueued must be for a
known organisation and a census date there are figures for: no URL can queue work for anything
else (what a dashboard's failing computation does: ``tests/integration/test_web_jobs.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django_tasks import default_task_backend
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gpworkforce.web.dashboards import available_periods
from gpworkforce.web.models import Organisation, User
from gpworkforce.web.testing import build_world

pytestmark = [pytest.mark.property, pytest.mark.django_db]
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
WEB = Path(__file__).resolve().parents[2] / "src" / "gpworkforce" / "web"
ALLOWED = {200, 302, 400, 403, 404, 405, 503}

dates = st.dates().map(lambda d: d.isoformat())  # 0001-01-01 .. 9999-12-31
odd_dates = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "2017-02-30",
        "2017-W39-6",
        "20170930",
        "2017-9-30",
        "１９９９-01-01",
    ]
)
numbers = st.integers(min_value=-(2**80), max_value=2**80).map(str)
anything = st.text(max_size=40)
QUERY: dict[str, st.SearchStrategy[str]] = {
    "period": st.one_of(dates, odd_dates, numbers, anything),
    "page": st.one_of(numbers, anything),
    "next": anything,
    "scenario": st.one_of(st.sampled_from(["scenario-1", "llr-2017-scenario-3"]), anything),
    "terms": st.one_of(st.sampled_from(["real", "cash"]), anything),
    "on": st.one_of(dates, odd_dates, numbers, anything),
    "show": anything,
    "matrix": anything,
    "by": anything,
    "organisation": st.one_of(st.sampled_from(["QK1", "QXX", "C82001", "ZZZ"]), anything),
    "panel": st.one_of(st.sampled_from(["progress", "tornado"]), anything),
    "s": st.one_of(numbers, anything),
    "group": st.one_of(st.sampled_from(["GPs", "Nurses", "Direct patient care"]), anything),
    "years": st.one_of(st.sampled_from(["0", "5", "30", "31", "-1", "05"]), numbers, anything),
    "area": st.one_of(st.sampled_from(["03W", "04C", "99A", "QK1"]), anything),
    "practice": st.one_of(st.sampled_from(["C82001", "alpha", "%", ".*"]), anything),
    "rows": st.one_of(st.just("all"), anything),
    "poll": st.one_of(st.sampled_from(["0", "1", "2", "3", "-1", "٣", "²"]), numbers, anything),
}
QUERY_ROUTES = {
    "period": "dashboards/",
    "page": "audit/",
    "next": "accounts/login/",
    "scenario": "finance/QK1/spend/",
    "terms": "finance/QK1/scenarios/scenario-1/",
    "on": "delivery/timeline/",
    "show": "risks/",
    "matrix": "maturity/",
    "by": "maturity/",
    "organisation": "delivery/registers/risks.csv",
    "panel": "scenarios/runs/1/",
    "s": "scenarios/compare/QK1/",
    "group": "dashboards/QK1/queries/",
    "years": "skill-mix/QK1/",
    "area": "dashboards/QK1/queries/",
    "practice": "dashboards/QK1/queries/",
    "rows": "dashboards/QK1/queries/",
    "poll": "papers/QK1/1/",
}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            found.append(prefix + str(p.pattern))
    return found


ROUTES = [r for r in _routes(get_resolver().url_patterns) if "<" in r]
CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def _value(kind: str | None) -> st.SearchStrategy[str]:
    if kind == "int":  # what the int converter passes: digits, of any length
        return st.integers(min_value=0, max_value=2**200).map(str)
    samples = [
        "QK1",
        "C82001",
        "staff_by_group",
        "csv",
        "QK1\x00",
        "\uff31\uff2b\uff11",
        "x" * 5000,
    ]
    return st.one_of(anything.filter(bool), st.sampled_from(samples))


@st.composite
def paths(draw: st.DrawFn) -> str:
    route = draw(st.sampled_from(ROUTES))
    kinds = [m.group(1) for m in CONVERTER.finditer(route)]
    values = iter([quote(draw(_value(k)), safe="") for k in kinds])
    path = "/" + CONVERTER.sub(lambda _m: next(values), route)
    query = {name: draw(s) for name, s in QUERY.items() if draw(st.booleans())}
    return f"{path}?{urlencode(query)}" if query else path


@st.composite
def query_paths(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(QUERY)))
    base = QUERY_ROUTES[name]
    if base == "dashboards/":
        base += draw(st.sampled_from(["QK1/", "03W/", "C82001/", "QK1/staff_by_group.csv"]))
    return f"/{base}?{urlencode({name: draw(QUERY[name])})}"


def test_the_query_parameters_here_are_every_one_a_view_reads() -> None:
    read = set()
    for source in WEB.rglob("*.py"):
        read |= set(re.findall(r"request\.GET\.get\(\"(\w+)\"", source.read_text()))
    assert read <= set(QUERY) | {"next"}, f"not covered here: {read - set(QUERY)}"
    assert ROUTES, "no route with parameters found"


def test_no_url_parameter_gives_a_server_error() -> None:
    build_world()
    orgs = set(Organisation.objects.values_list("code", flat=True))
    periods = set(available_periods())
    clients = {}
    for name in ("analyst", "admin"):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(User.objects.get(username=name))

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(role=st.sampled_from(sorted(clients)), url=st.one_of(paths(), query_paths()))
    @example(role="analyst", url="/dashboards/QK1/?period=0001-01-01")  # pandas' range: a 500
    @example(role="analyst", url="/dashboards/QK1/staff_by_group.csv?period=9999-12-31")
    @example(role="analyst", url="/dashboards/QK1%00/")  # PostgreSQL refuses NUL in text
    @example(role="admin", url=f"/users/{2**70}/")
    @example(role="analyst", url=f"/returns/{2**70}/versions/{2**70}/")
    def check(role: str, url: str) -> None:
        queued = len(default_task_backend.results)
        response = clients[role].get(url)
        assert response.status_code in ALLOWED, (url, response.status_code)
        for job in default_task_backend.results[queued:]:  # work only for real dashboards
            org, census = job.args[0], dt.date.fromisoformat(job.args[1])
            assert org in orgs and census in periods, (url, job.args)

    with override_settings(TASKS=DUMMY):
        check()
