"""Direct tests of the one permission check (``web/permissions.py``) on a real database.

- A deactivated account is denied everything, whatever its role and organisation (the session
  layer already signs such users out; ``has_permission`` must not rely on that).
- Effective-dated scoping: after a practice moves from one ICB to another, the ICB it was under
  still sees it as the hierarchy stood on an earlier date, but not today; the ICB now responsible
  sees it on both dates; memoised hierarchies do not outlive the registry change.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.actions.users import create_user, set_active
from gpworkforce.web.models import User
from gpworkforce.web.permissions import (
    GUARD_ATTR,
    Scope,
    guard,
    has_permission,
    login_only,
    public,
    visible_codes,
    visible_organisations,
    visible_returns,
    visible_rounds,
)
from gpworkforce.web.roles import ROLE_PERMISSIONS, Permission, Role
from gpworkforce.web.testing import PASSWORD, small_registry

pytestmark = pytest.mark.django_db

MOVED = "C82009"
MOVED_ON = dt.date(2019, 4, 1)
BEFORE, AFTER = dt.date(2017, 9, 30), dt.date(2020, 9, 30)
MOVED_ORG = Organisation(MOVED, "Moved Surgery", OrgType.PRACTICE, dt.date(1980, 1, 1))


def registry(*links: ParentLink) -> OrgRegistry:
    base = small_registry()
    return OrgRegistry.build([*base.organisations.values(), MOVED_ORG], [*base.links, *links])


def user(name: str, role: Role, org: str) -> User:
    return create_user(actor=None, username=name, password=PASSWORD, role=role, org_code=org)


def fresh(u: User) -> User:
    """The account as the next request loads it (no per-object memo)."""
    return User.objects.get(pk=u.pk)


def test_a_deactivated_account_is_denied_every_permission() -> None:
    load_registry(small_registry(), actor=None, source="tests")
    accounts = {
        role: user(
            f"u-{role.value}", role, "C82001" if role.value.startswith("practice") else "QK1"
        )
        for role in Role
    }
    for role, account in accounts.items():
        granted = ROLE_PERMISSIONS[role]
        assert granted, role
        for permission in granted:  # the positive control: active, every granted permission holds
            assert has_permission(fresh(account), permission), (role, permission)
            assert has_permission(fresh(account), permission, "C82001"), (role, permission)
        set_active(actor=None, user_id=account.pk, active=False)
        inactive = fresh(account)
        assert not inactive.is_active
        for permission in Permission:
            assert not has_permission(inactive, permission), (role, permission)
            assert not has_permission(inactive, permission, "C82001"), (role, permission)
            assert not has_permission(inactive, permission, "C82001", BEFORE), (role, permission)
        assert visible_codes(inactive) == frozenset()


def test_scoping_follows_the_hierarchy_in_force_on_each_date_after_a_move() -> None:
    # First the practice is under 03W (QK1) throughout.
    load_registry(registry(ParentLink(MOVED, "03W")), actor=None, source="before the move")
    qk1 = user("qk1-analyst", Role.ICB_ANALYST, "QK1")
    qxx = user("qxx-analyst", Role.ICB_ANALYST, "QXX")
    assert MOVED in visible_codes(fresh(qk1))
    assert MOVED in visible_codes(fresh(qk1), AFTER)
    assert MOVED not in visible_codes(fresh(qxx), BEFORE)

    # Then the registry records its move to 99A (QXX) on 1 April 2019.
    load_registry(
        registry(ParentLink(MOVED, "03W", end=MOVED_ON), ParentLink(MOVED, "99A", start=MOVED_ON)),
        actor=None,
        source="after the move",
    )
    # QK1 sees the practice's history (the census before the move), not the present.
    assert MOVED in visible_codes(fresh(qk1), BEFORE)
    assert MOVED not in visible_codes(fresh(qk1), AFTER)
    assert MOVED not in visible_codes(fresh(qk1))
    assert has_permission(fresh(qk1), Permission.VIEW_RETURN, MOVED, BEFORE)
    assert not has_permission(fresh(qk1), Permission.VIEW_RETURN, MOVED, AFTER)
    assert not has_permission(fresh(qk1), Permission.VIEW_RETURN, MOVED)
    orgs = {
        on: set(visible_organisations(fresh(qk1), on).values_list("code", flat=True))
        for on in (BEFORE, AFTER)
    }
    assert MOVED in orgs[BEFORE] and MOVED not in orgs[AFTER]
    # QXX, responsible now, sees it today and (through today's hierarchy) its history too.
    for on in (None, BEFORE, AFTER):
        assert MOVED in visible_codes(fresh(qxx), on), on
        assert has_permission(fresh(qxx), Permission.VIEW_RETURN, MOVED, on), on
    # The other practices did not move: QK1 keeps them on every date, QXX never has them.
    for on in (None, BEFORE, AFTER):
        assert {"C82001", "C82002", "C82003"} <= visible_codes(fresh(qk1), on)
        assert not {"C82001", "C82002", "C82003"} & visible_codes(fresh(qxx), on)


def test_visible_returns_and_rounds_follow_each_rounds_census_date() -> None:
    load_registry(
        registry(ParentLink(MOVED, "03W", end=MOVED_ON), ParentLink(MOVED, "99A", start=MOVED_ON)),
        actor=None,
        source="after the move",
    )
    qk1_2017 = open_round(actor=None, census_date=BEFORE, org_code="QK1")
    qk1_2020 = open_round(actor=None, census_date=AFTER, org_code="QK1")
    qxx_2020 = open_round(actor=None, census_date=AFTER, org_code="QXX")
    accounts = {
        "qk1": user("qk1-analyst", Role.ICB_ANALYST, "QK1"),
        "qxx": user("qxx-analyst", Role.ICB_ANALYST, "QXX"),
        "practice": user("alpha-submitter", Role.PRACTICE_SUBMITTER, "C82001"),
        "board": user("qk1-board", Role.BOARD_VIEWER, "QK1"),
    }

    def seen(who: str) -> set[tuple[int, str]]:
        rows = visible_returns(fresh(accounts[who])).values_list("round__census_date", "practice")
        return {(on.year, code) for on, code in rows}

    qk1_practices = {"C82001", "C82002", "C82003"}
    assert seen("qk1") == {(2017, c) for c in qk1_practices | {MOVED}} | {
        (2020, c) for c in qk1_practices
    }
    assert seen("qxx") == {(2017, MOVED), (2020, MOVED), (2020, "Y00001")}
    assert seen("practice") == {(2017, "C82001"), (2020, "C82001")}
    assert seen("board") == set()

    def rounds(who: str) -> set[int]:
        return set(visible_rounds(fresh(accounts[who])).values_list("pk", flat=True))

    assert rounds("qk1") == {qk1_2017.pk, qk1_2020.pk}
    assert rounds("qxx") == {qk1_2017.pk, qxx_2020.pk}  # it sees the moved practice's 2017 return
    assert rounds("practice") == set()  # practice roles do not list rounds
    assert rounds("board") == set()


def test_deny_by_default_lets_through_only_views_that_declare_a_rule() -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views import View

    from gpworkforce.web.permissions import GUARD_ATTR, DenyByDefaultMiddleware, public

    def plain(request: object) -> None:
        return None

    @public
    def marked(request: object) -> None:
        return None

    class MarkedPage(View):
        pass

    setattr(MarkedPage, GUARD_ATTR, "public")  # as the log-in page is marked
    static = type(plain)(plain.__code__, plain.__globals__, "serve")
    static.__module__ = "django.contrib.staticfiles.views"
    middleware = DenyByDefaultMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/")
    class_view = MarkedPage.as_view()
    assert not hasattr(class_view, GUARD_ATTR)  # the marker is on the class only
    for allowed in (marked, class_view, static):
        assert middleware.process_view(request, allowed, (), {}) is None
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, plain, (), {})


# ---- the view guard applied in the test itself (docs/testing.md, "Mutation testing"): the views'
# decorators run when the URLconf is imported, so only a guard built here tests its own code.
def _guarded_calls() -> tuple[list[dict[str, object]], object]:
    calls: list[dict[str, object]] = []

    def view(request: object, **kwargs: object) -> HttpResponse:
        calls.append(kwargs)
        return HttpResponse("shown")

    return calls, view


def _request(path: str, account: object) -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = account  # type: ignore[attr-defined]
    return request


def test_guard_without_a_loader_checks_the_role_only() -> None:
    load_registry(small_registry(), actor=None, source="tests")
    analyst = fresh(user("g-analyst", Role.ICB_ANALYST, "QK1"))
    board = fresh(user("g-board", Role.BOARD_VIEWER, "QK1"))
    calls, view = _guarded_calls()
    guarded = guard(Permission.OPEN_ROUND)(view)  # type: ignore[arg-type]
    assert getattr(guarded, GUARD_ATTR) == Permission.OPEN_ROUND
    assert guarded.__name__ == "view"  # functools.wraps: error pages and logs name the view

    anonymous = guarded(_request("/rounds/new/?year=2017", AnonymousUser()), page="2")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/rounds/new/%3Fyear%3D2017"
    with pytest.raises(PermissionDenied) as denied:
        guarded(_request("/rounds/new/", board))
    assert str(denied.value) == "your role may not open round"
    assert calls == []

    shown = guarded(_request("/rounds/new/", analyst), page="2")
    assert shown.content == b"shown"
    assert calls == [{"page": "2"}]  # the URL's arguments, and no scope without a loader


def test_guard_with_a_loader_checks_the_organisation_on_the_loaded_date() -> None:
    load_registry(
        registry(ParentLink(MOVED, "03W", end=MOVED_ON), ParentLink(MOVED, "99A", start=MOVED_ON)),
        actor=None,
        source="after the move",
    )
    qk1 = fresh(user("g-qk1", Role.ICB_ANALYST, "QK1"))
    calls, view = _guarded_calls()
    loaded: list[dict[str, object]] = []

    def load(request: object, **kwargs: object) -> Scope:
        loaded.append(kwargs)
        return Scope(obj=f"return {kwargs['pk']}", org_code=MOVED, on=kwargs["on"])  # type: ignore[arg-type]

    guarded = guard(Permission.VIEW_RETURN, load)(view)  # type: ignore[arg-type]
    # Before the move the practice was under QK1: the view gets the loaded scope.
    shown = guarded(_request("/returns/7/", qk1), pk=7, on=BEFORE)
    assert shown.content == b"shown"
    assert loaded == [{"pk": 7, "on": BEFORE}]
    assert calls == [{"scope": Scope("return 7", MOVED, BEFORE), "pk": 7, "on": BEFORE}]
    # After the move it is not QK1's: not found (its existence is not revealed), view not called.
    with pytest.raises(Http404):
        guarded(_request("/returns/7/", qk1), pk=7, on=AFTER)
    assert len(calls) == 1
    # A role without the permission is refused before anything is loaded.
    board = fresh(user("g-board", Role.BOARD_VIEWER, "QK1"))
    with pytest.raises(PermissionDenied):
        guarded(_request("/returns/7/", board), pk=7, on=BEFORE)
    assert len(loaded) == 2


def test_login_only_and_public_mark_and_guard_the_view() -> None:
    load_registry(small_registry(), actor=None, source="tests")
    board = fresh(user("l-board", Role.BOARD_VIEWER, "QK1"))
    calls, view = _guarded_calls()
    home = login_only(view)  # type: ignore[arg-type]
    assert getattr(home, GUARD_ATTR) == "login"
    assert home.__name__ == "view"
    anonymous = home(_request("/?tab=1", AnonymousUser()), section="a")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/%3Ftab%3D1"
    assert calls == []
    assert home(_request("/", board), section="a").content == b"shown"
    assert calls == [{"section": "a"}]
    assert getattr(public(view), GUARD_ATTR) == "public"


def test_an_object_without_a_sign_in_state_sees_nothing() -> None:
    load_registry(small_registry(), actor=None, source="tests")
    # no is_authenticated at all (not a Django user): treated as signed out, whatever else it has
    stranger = SimpleNamespace(is_active=True, organisation_id="QK1", role=Role.ICB_ANALYST.value)
    assert visible_codes(stranger) == frozenset()
    assert visible_codes(AnonymousUser()) == frozenset()
    assert not has_permission(stranger, Permission.VIEW_RETURN)


def test_deny_by_default_reads_the_marker_on_the_view_function_or_its_class() -> None:
    from django.views import View

    from gpworkforce.web.permissions import DenyByDefaultMiddleware

    class UnmarkedPage(View):
        pass

    middleware = DenyByDefaultMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/")
    marked_function = UnmarkedPage.as_view()
    setattr(marked_function, GUARD_ATTR, "login")  # the function carries it, the class does not
    assert middleware.process_view(request, marked_function, (), {}) is None
    with pytest.raises(PermissionDenied) as refused:
        middleware.process_view(request, UnmarkedPage.as_view(), (), {})
    assert str(refused.value) == "this page declares no access rule"

    def serve(request: object) -> None:
        return None

    for module in ("django.views.static", "django.contrib.staticfiles.views"):
        serve.__module__ = module  # Django's own static file views
        assert middleware.process_view(request, serve, (), {}) is None
    serve.__module__ = "gpworkforce.web.views.static"  # a project view is not let through by name
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, serve, (), {})


def test_an_account_without_a_role_has_no_permission() -> None:
    load_registry(small_registry(), actor=None, source="tests")
    account = fresh(user("no-role", Role.ICB_ANALYST, "QK1"))
    User.objects.filter(pk=account.pk).update(role="")
    roleless = fresh(account)
    assert roleless.role == "" and roleless.is_active
    for permission in Permission:
        assert not has_permission(roleless, permission), permission


def test_the_organisation_may_be_given_as_a_record_or_a_code() -> None:
    from gpworkforce.web.models import Organisation as OrgRecord

    load_registry(small_registry(), actor=None, source="tests")
    analyst = fresh(user("o-analyst", Role.ICB_ANALYST, "QK1"))
    alpha, faraway = OrgRecord.objects.get(code="C82001"), OrgRecord.objects.get(code="Y00001")
    assert str(alpha) == "Alpha Surgery (C82001)"  # so a record is not read as its text
    assert has_permission(analyst, Permission.VIEW_RETURN, alpha)
    assert has_permission(analyst, Permission.VIEW_RETURN, "C82001")
    assert not has_permission(analyst, Permission.VIEW_RETURN, faraway)


def test_a_requests_scope_reads_the_registry_version_once() -> None:
    """The registry's version is read once per account object (one per request) however many
    dates the scope is taken on; the next request's object reads it again (see the move above)."""
    load_registry(registry(ParentLink(MOVED, "03W")), actor=None, source="tests")
    account = fresh(user("qk1-analyst", Role.ICB_ANALYST, "QK1"))
    with CaptureQueriesContext(connection) as ctx:
        assert MOVED in visible_codes(account)
        assert MOVED in visible_codes(account, BEFORE)
        assert MOVED in visible_codes(account, AFTER)
        assert has_permission(account, Permission.VIEW_RETURN, "C82001", BEFORE)
    reads = [q["sql"] for q in ctx.captured_queries if "web_auditevent" in q["sql"]]
    assert len(reads) == 1, reads
    with CaptureQueriesContext(connection) as ctx:
        visible_codes(fresh(account), BEFORE)
    assert sum("web_auditevent" in q["sql"] for q in ctx.captured_queries) == 1
