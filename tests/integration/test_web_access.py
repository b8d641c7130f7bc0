"""Every URL pattern x every role x (own organisation, another organisation, unknown object).

The table below is the access policy in executable form. A URL pattern without an entry here
fails :func:`test_every_url_pattern_is_in_the_table`, so a new page cannot ship unreviewed.
Codes: 200 shown, 302 redirected (to log in, or after an action), 403 role lacks the permission,
404 object unknown or outside the user's organisations (existence is not revealed), 405 method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gpworkforce.domain.report import ReportTable
from gpworkforce.web.actions.returns import submit_version
from gpworkforce.web.dashboards import Dashboard
from gpworkforce.web.models import PracticeReturnRecord
from gpworkforce.web.testing import (
    CENSUS,
    OTHER_PRACTICE,
    OWN_PRACTICE,
    PASSWORD,
    build_world,
    sample_return,
)
from gpworkforce.web.views import dashboards as dashboard_views

ROLES = ("anonymous", "submitter", "manager", "analyst", "board", "admin")
VARIANTS = ("own", "other", "unknown")


@dataclass(frozen=True)
class Case:
    method: str
    args: Callable[[dict[str, object], str], list[object] | None]  # (ids, variant) -> url args
    expected: dict[str, dict[str, int]]  # role -> variant -> status


def same(code: int) -> dict[str, int]:
    return dict.fromkeys(VARIANTS, code)


def scoped(own: int) -> dict[str, int]:
    return {"own": own, "other": 404, "unknown": 404}


def no_object(_ids: dict[str, object], _variant: str) -> list[object]:
    return []


def round_args(ids: dict[str, object], v: str) -> list[object]:
    return [{"own": ids["round"], "other": ids["other_round"], "unknown": 999999}[v]]


def return_args(ids: dict[str, object], v: str) -> list[object]:
    return [{"own": ids["return"], "other": ids["other_return"], "unknown": 999999}[v]]


def transition_args(ids: dict[str, object], v: str) -> list[object]:
    return [*return_args(ids, v), "approve"]


def version_args(ids: dict[str, object], v: str) -> list[object]:
    if v == "unknown":
        return [ids["return"], 99]
    return [*return_args(ids, v), 1]


def org_args(_ids: dict[str, object], v: str) -> list[object]:
    return [{"own": OWN_PRACTICE, "other": OTHER_PRACTICE, "unknown": "ZZZ999"}[v]]


def user_args(ids: dict[str, object], v: str) -> list[object]:
    return [{"own": ids["user"], "other": ids["other_user"], "unknown": 999999}[v]]


def download_args(ids: dict[str, object], v: str) -> list[object]:
    return [*org_args(ids, v), "staff_by_group", "csv"]


ANON = {"anonymous": same(302)}
ALL_200 = dict.fromkeys(ROLES[1:], same(200))

TABLE: dict[str, Case] = {
    "home": Case("get", no_object, {**ANON, **ALL_200}),
    "healthz": Case("get", no_object, dict.fromkeys(ROLES, same(200))),
    "login": Case(
        "get", no_object, {"anonymous": same(200), **dict.fromkeys(ROLES[1:], same(302))}
    ),
    "logout": Case("post", no_object, dict.fromkeys(ROLES, same(302))),
    "password-change": Case("get", no_object, {**ANON, **ALL_200}),
    "round-list": Case(
        "get",
        no_object,
        {
            **ANON,
            "submitter": same(403),
            "manager": same(403),
            "analyst": same(200),
            "board": same(403),
            "admin": same(200),
        },
    ),
    "round-open": Case(
        "get",
        no_object,
        {
            **ANON,
            "submitter": same(403),
            "manager": same(403),
            "analyst": same(200),
            "board": same(403),
            "admin": same(403),
        },
    ),
    "round-detail": Case(
        "get",
        round_args,
        {
            **ANON,
            "submitter": same(403),
            "manager": same(403),
            "analyst": scoped(200),
            "board": same(403),
            "admin": scoped(200),
        },
    ),
    "return-detail": Case(
        "get",
        return_args,
        {
            **ANON,
            "submitter": scoped(200),
            "manager": scoped(200),
            "analyst": scoped(200),
            "board": same(403),
            "admin": scoped(200),
        },
    ),
    # The own return is already submitted, so its form and upload pages redirect to the return.
    "return-form": Case(
        "get",
        return_args,
        {
            **ANON,
            "submitter": scoped(302),
            "manager": scoped(302),
            "analyst": same(403),
            "board": same(403),
            "admin": same(403),
        },
    ),
    "return-upload": Case(
        "get",
        return_args,
        {
            **ANON,
            "submitter": scoped(302),
            "manager": scoped(302),
            "analyst": same(403),
            "board": same(403),
            "admin": same(403),
        },
    ),
    "return-template": Case(
        "get",
        return_args,
        {
            **ANON,
            "submitter": scoped(200),
            "manager": scoped(200),
            "analyst": same(403),
            "board": same(403),
            "admin": same(403),
        },
    ),
    # The own return was submitted by the submitter: the manager may approve it (then 302 back).
    "return-transition": Case(
        "post",
        transition_args,
        {
            **ANON,
            "submitter": {"own": 403, "other": 404, "unknown": 404},
            "manager": scoped(302),
            "analyst": {"own": 403, "other": 404, "unknown": 404},
            "board": same(403),
            "admin": {"own": 403, "other": 404, "unknown": 404},
        },
    ),
    "version-detail": Case(
        "get",
        version_args,
        {
            **ANON,
            "submitter": scoped(200),
            "manager": scoped(200),
            "analyst": scoped(200),
            "board": same(403),
            "admin": scoped(200),
        },
    ),
    "dashboard": Case("get", org_args, {**ANON, **dict.fromkeys(ROLES[1:], scoped(200))}),
    "dashboard-download": Case(
        "get", download_args, {**ANON, **dict.fromkeys(ROLES[1:], scoped(200))}
    ),
    "user-list": Case(
        "get", no_object, {**ANON, **dict.fromkeys(ROLES[1:], same(403)), "admin": same(200)}
    ),
    "user-new": Case(
        "get", no_object, {**ANON, **dict.fromkeys(ROLES[1:], same(403)), "admin": same(200)}
    ),
    # Another account: one in the administrator's organisations, one elsewhere, none at all.
    "user-edit": Case(
        "get", user_args, {**ANON, **dict.fromkeys(ROLES[1:], same(403)), "admin": scoped(200)}
    ),
    "user-active": Case(
        "get", user_args, {**ANON, **dict.fromkeys(ROLES[1:], same(403)), "admin": scoped(200)}
    ),
    "user-password": Case(
        "get", user_args, {**ANON, **dict.fromkeys(ROLES[1:], same(403)), "admin": scoped(200)}
    ),
    "user-unlock": Case(
        "get", user_args, {**ANON, **dict.fromkeys(ROLES[1:], same(403)), "admin": scoped(200)}
    ),
    "audit-log": Case(
        "get",
        no_object,
        {
            **ANON,
            "submitter": same(403),
            "manager": same(403),
            "analyst": same(200),
            "board": same(403),
            "admin": same(200),
        },
    ),
}


def _pattern_names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= _pattern_names(p.url_patterns)
        elif p.name:
            names.add(p.name)
        else:
            names.add(f"<unnamed {p.pattern}>")
    return names


def test_every_url_pattern_is_in_the_table() -> None:
    names = _pattern_names(get_resolver().url_patterns)
    assert names == set(TABLE), (
        f"unlisted: {sorted(names - set(TABLE))}, stale: {sorted(set(TABLE) - names)}"
    )


def test_every_view_declares_an_access_rule() -> None:
    from gpworkforce.web.permissions import GUARD_ATTR

    for p in get_resolver().url_patterns:
        view = getattr(p.callback, "view_class", p.callback)
        assert getattr(p.callback, GUARD_ATTR, None) or getattr(view, GUARD_ATTR, None), p.name


@pytest.fixture
def fast_dashboards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Access is decided before any figure is computed; a fixed table keeps this test fast
    (the dashboards' content is tested in test_web_dashboards.py)."""
    table = ReportTable("staff_by_group", "Staff", pd.DataFrame({"Area": ["x"], "GP WTE": [1.0]}))

    def stub(org_code: str, census: object, **_options: object) -> Dashboard:
        return Dashboard(org_code, CENSUS, (CENSUS,), (table,))

    monkeypatch.setattr(dashboard_views, "build_dashboard", stub)


@pytest.fixture(scope="module")
def world_ids(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """One world for the whole module (committed once; each test still runs in a rolled-back
    transaction), removed again at the end so other modules start from an empty database."""
    with django_db_blocker.unblock():
        w = build_world()
        own = PracticeReturnRecord.objects.get(round=w.round, practice_id=OWN_PRACTICE)
        other = PracticeReturnRecord.objects.get(round=w.other_round, practice_id=OTHER_PRACTICE)
        submit_version(
            actor=w.users["submitter"],
            record_id=own.pk,
            data=sample_return(),
            channel="form",
            sha256="0" * 64,
        )
        submit_version(
            actor=w.users["other_submitter"],
            record_id=other.pk,
            data=sample_return(OTHER_PRACTICE),
            channel="form",
            sha256="1" * 64,
        )
        ids = {
            "round": w.round.pk,
            "other_round": w.other_round.pk,
            "return": own.pk,
            "other_return": other.pk,
            "user": w.users["submitter"].pk,
            "other_user": w.users["other_submitter"].pk,
        }
    yield ids
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


CASES = [(name, role, variant) for name in TABLE for role in ROLES for variant in VARIANTS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role", "variant"), CASES, ids=[f"{n}-{r}-{v}" for n, r, v in CASES]
)
def test_access(
    world_ids: dict[str, int], fast_dashboards: None, name: str, role: str, variant: str
) -> None:
    ids: dict[str, object] = dict(world_ids)
    case = TABLE[name]
    client = Client()
    if role != "anonymous":
        assert client.login(username=role, password=PASSWORD)
    url = reverse(name, args=case.args(ids, variant) or None)
    response = getattr(client, case.method)(url)
    assert response.status_code == case.expected[role][variant], (url, role, variant)
    if response.status_code == 302 and role == "anonymous" and name not in ("logout",):
        assert response["Location"].startswith(reverse("login"))
