"""Direct tests of the one permission check (``web/permissions.py``) on a real database.

- A deactivated account is denied everything, whatever its role and organisation (the session
  layer already signs such users out; ``has_permission`` must not rely on that).
- Effective-dated scoping: after a practice moves from one ICB to another, the ICB it was under
  still sees it as the hierarchy stood on an earlier date, but not today; the ICB now responsible
  sees it on both dates; memoised hierarchies do not outlive the registry change.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.actions.users import create_user, set_active
from gpworkforce.web.models import User
from gpworkforce.web.permissions import (
    has_permission,
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
