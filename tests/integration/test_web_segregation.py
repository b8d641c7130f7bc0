"""Segregation of duties enforced on accounts (decision record 0040): one person, known by their
email address, cannot hold, through several accounts, roles that let them both submit and accept
the same return, or both manage accounts and act on returns of the same organisations."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web.actions.users import AccountRuleError, create_user, set_active, update_user
from gpworkforce.web.models import User
from gpworkforce.web.roles import (
    CONFLICTING_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    roles_conflict,
)
from gpworkforce.web.testing import PASSWORD, build_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SECOND = "Second-account-4471"


@pytest.mark.unit
def test_no_single_role_holds_a_conflicting_pair() -> None:
    for role, held in ROLE_PERMISSIONS.items():
        for pair in CONFLICTING_PERMISSIONS:
            assert not pair <= held, (role, sorted(pair))
    assert frozenset({Permission.SUBMIT_RETURN, Permission.ACCEPT_RETURN}) in (
        CONFLICTING_PERMISSIONS
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (Role.PRACTICE_SUBMITTER, Role.ICB_ANALYST, "submit and accept"),
        (Role.PRACTICE_MANAGER, Role.ICB_ANALYST, "submit and accept"),
        (Role.ADMINISTRATOR, Role.PRACTICE_SUBMITTER, "manage the accounts"),
        (Role.ADMINISTRATOR, Role.ICB_ANALYST, "manage the accounts"),
        (Role.PRACTICE_SUBMITTER, Role.PRACTICE_MANAGER, None),
        (Role.ICB_ANALYST, Role.BOARD_VIEWER, None),
        (Role.ADMINISTRATOR, Role.BOARD_VIEWER, None),
        (Role.ICB_ANALYST, Role.ICB_ANALYST, None),
    ],
)
def test_which_roles_conflict(a: Role, b: Role, conflict: str | None) -> None:
    for x, y in ((a, b), (b, a)):
        found = roles_conflict(x, y)
        assert (found is None) if conflict is None else (conflict in (found or "")), (x, y, found)


def _account(username: str, role: Role, org_code: str, email: str) -> User:
    """A new account with the test world's password, made by no one (the set-up)."""
    return create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        org_code=org_code,
        email=email,
    )


def test_a_submitter_cannot_also_be_an_analyst_over_their_practice() -> None:
    build_world()
    _account("ann.practice", Role.PRACTICE_SUBMITTER, "C82001", "Ann.Smith@nhs.net")
    with pytest.raises(AccountRuleError, match="both submit and accept") as refused:
        # over QK1, which holds C82001; the same person's email, written differently
        _account("ann.icb", Role.ICB_ANALYST, "QK1", "ann.smith@NHS.net")
    assert "ann.practice" in refused.value.message and refused.value.field == "role"
    assert not User.objects.filter(username="ann.icb").exists()
    # an analyst account over an ICB that does not contain the practice is not the same return
    _account("ann.elsewhere", Role.ICB_ANALYST, "QXX", "ann.smith@nhs.net")
    # a board viewer account over the same ICB is fine: it can neither submit nor accept
    _account("ann.board", Role.BOARD_VIEWER, "QK1", "ann.smith@nhs.net")


def test_changing_a_role_or_reactivating_cannot_create_the_combination() -> None:
    w = build_world()
    _account("bob.practice", Role.PRACTICE_MANAGER, "C82002", "bob@nhs.net")
    board = w.users["board"]  # a board viewer at QK1, no email yet
    with pytest.raises(AccountRuleError, match=r"(approve|submit) and accept"):
        update_user(
            actor=w.users["admin"],
            user_id=board.pk,
            role=Role.ICB_ANALYST,
            org_code="QK1",
            email="bob@nhs.net",
        )
    assert User.objects.get(pk=board.pk).role == Role.BOARD_VIEWER
    # the practice account is deactivated: now the analyst account is allowed ...
    practice = User.objects.get(username="bob.practice")
    set_active(actor=w.users["admin"], user_id=practice.pk, active=False)
    update_user(
        actor=w.users["admin"],
        user_id=board.pk,
        role=Role.ICB_ANALYST,
        org_code="QK1",
        email="bob@nhs.net",
    )
    # ... and the practice account cannot come back while it stands
    with pytest.raises(AccountRuleError, match="submit and accept"):
        set_active(actor=w.users["admin"], user_id=practice.pk, active=True)
    assert not User.objects.get(pk=practice.pk).is_active
    # nor can the email be removed to hide that the two accounts are one person's
    with pytest.raises(AccountRuleError, match="cannot be removed"):
        update_user(actor=w.users["admin"], user_id=board.pk, role=Role.ICB_ANALYST, org_code="QK1")


def test_an_administrator_cannot_give_themselves_a_second_account_that_acts_on_returns() -> None:
    w = build_world()
    admin = w.users["admin"]
    update_user(actor=admin, user_id=admin.pk, role=Role.ADMINISTRATOR, org_code="QK1",
                email="admin.person@nhs.net")  # fmt: skip
    c = Client()
    assert c.login(username="admin", password=PASSWORD)
    page = c.post(
        reverse("user-new"),
        {
            "username": "admin.as.submitter",
            "role": "practice_submitter",
            "organisation": "C82001",
            "email": "admin.person@nhs.net",
            "password": SECOND,
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "One person cannot both manage the accounts and act on the returns" in html
    assert not User.objects.filter(username="admin.as.submitter").exists()


def test_the_new_account_form_asks_for_the_email() -> None:
    build_world()
    c = Client()
    assert c.login(username="admin", password=PASSWORD)
    page = c.post(
        reverse("user-new"),
        {"username": "noemail", "role": "board_viewer", "organisation": "QK1", "password": SECOND},
    )
    assert page.status_code == 400
    assert "work email address" in page.content.decode().split("There is a problem")[1][:600]
