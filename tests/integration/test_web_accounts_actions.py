"""Account actions (change, deactivate / reactivate, set password) on the database: each writes its
audit event in the same transaction, a failure rolls back both, and the rules hold whoever calls."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import transaction

from gpworkforce.errors import UserError
from gpworkforce.web.actions import audit as audit_module
from gpworkforce.web.actions.users import (
    AccountRuleError,
    set_active,
    set_password,
    system_account,
    update_user,
)
from gpworkforce.web.models import AuditEvent, User
from gpworkforce.web.roles import Role
from gpworkforce.web.testing import PASSWORD, World, build_world

NEW_PASSWORD = "plum-orchard-lantern-42"  # a test account's


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_update_changes_role_organisation_name_and_email_with_one_audit_event(
    world: World,
) -> None:
    admin, board = world.users["admin"], world.users["board"]
    update_user(
        actor=admin,
        user_id=board.pk,
        role=Role.ICB_ANALYST,
        org_code="03w",
        first_name=" Ada ",
        last_name="Lovelace",
        email="ada@nhs.net",
    )
    board.refresh_from_db()
    assert (board.role, board.organisation_id) == ("icb_analyst", "03W")
    assert (board.first_name, board.last_name, board.email) == ("Ada", "Lovelace", "ada@nhs.net")
    [event] = events("user.update")
    assert event.actor == admin and event.object_id == str(board.pk)
    assert event.organisation_code == "03W"
    assert event.before["role"] == "board_viewer" and event.before["organisation"] == "QK1"
    assert event.after["role"] == "icb_analyst" and event.after["organisation"] == "03W"
    assert event.after["email"] == "ada@nhs.net" and event.before["email"] == ""


@pytest.mark.parametrize(
    ("role", "org"),
    [
        (Role.PRACTICE_MANAGER, "QK1"),  # practice role at an ICB
        (Role.ADMINISTRATOR, "C82002"),  # administrator at a practice
        (Role.BOARD_VIEWER, "C82001"),  # board viewer at a practice
    ],
)
def test_update_refuses_a_role_the_organisation_tier_does_not_allow(
    world: World, role: Role, org: str
) -> None:
    target = world.users["analyst"] if org.startswith("C") else world.users["manager"]
    before = (target.role, target.organisation_id)
    with pytest.raises(AccountRuleError, match="must belong to a") as info:
        update_user(actor=world.users["admin"], user_id=target.pk, role=role, org_code=org)
    assert info.value.field == "role"
    target.refresh_from_db()
    assert (target.role, target.organisation_id) == before
    assert not events("user.update")


def test_an_administrator_cannot_change_their_own_role_or_organisation(world: World) -> None:
    admin = world.users["admin"]
    with pytest.raises(AccountRuleError, match="your own role") as info:
        update_user(actor=admin, user_id=admin.pk, role=Role.ICB_ANALYST, org_code="QK1")
    assert info.value.field == "role"
    with pytest.raises(AccountRuleError, match="your own organisation") as info:
        update_user(actor=admin, user_id=admin.pk, role=Role.ADMINISTRATOR, org_code="03W")
    assert info.value.field == "organisation"
    # their own name and email they may change
    update_user(
        actor=admin, user_id=admin.pk, role=Role.ADMINISTRATOR, org_code="QK1", email="a@nhs.net"
    )
    admin.refresh_from_db()
    assert (admin.role, admin.organisation_id, admin.email) == ("administrator", "QK1", "a@nhs.net")
    assert len(events("user.update")) == 1


def test_an_update_that_changes_nothing_writes_no_event(world: World) -> None:
    sub = world.users["submitter"]
    update_user(
        actor=world.users["admin"], user_id=sub.pk, role=Role.PRACTICE_SUBMITTER, org_code="C82001"
    )
    assert not events("user.update")


def test_system_accounts_are_not_edited_as_people(world: World) -> None:
    system = system_account(username="importer")
    with pytest.raises(UserError, match="system account"):
        update_user(
            actor=world.users["admin"], user_id=system.pk, role=Role.BOARD_VIEWER, org_code="QK1"
        )


def test_deactivate_and_reactivate_are_audited_with_before_and_after(world: World) -> None:
    admin, sub = world.users["admin"], world.users["submitter"]
    set_active(actor=admin, user_id=sub.pk, active=False)
    sub.refresh_from_db()
    assert not sub.is_active
    set_active(actor=admin, user_id=sub.pk, active=False)  # already inactive: no second event
    set_active(actor=admin, user_id=sub.pk, active=True)
    sub.refresh_from_db()
    assert sub.is_active
    [off] = events("user.deactivate")
    [on] = events("user.reactivate")
    assert off.before == {"username": "submitter", "is_active": True}
    assert off.after == {"username": "submitter", "is_active": False}
    assert on.before == {"username": "submitter", "is_active": False}
    assert off.organisation_code == "C82001" and off.actor == admin
    assert User.objects.filter(pk=sub.pk).exists()  # never deleted


def test_an_administrator_cannot_deactivate_themselves(world: World) -> None:
    admin = world.users["admin"]
    with pytest.raises(AccountRuleError, match="your own account") as info:
        set_active(actor=admin, user_id=admin.pk, active=False)
    assert info.value.field == "active"
    admin.refresh_from_db()
    assert admin.is_active and not events("user.deactivate")


def test_the_password_audit_event_holds_neither_the_password_nor_its_hash(world: World) -> None:
    sub = world.users["submitter"]
    old_hash = User.objects.get(pk=sub.pk).password
    set_password(actor=world.users["admin"], user=sub, password=NEW_PASSWORD)
    stored = User.objects.get(pk=sub.pk)
    assert stored.password != old_hash and stored.check_password(NEW_PASSWORD)
    [event] = events("user.set_password")
    text = json.dumps([event.before, event.after, event.object_id, event.actor_username])
    assert NEW_PASSWORD not in text and stored.password not in text
    assert old_hash not in text and "password" not in json.dumps(event.after)
    assert event.after == {"username": "submitter", "change_required": True}
    assert event.actor == world.users["admin"]


def _update(w: World) -> None:
    update_user(
        actor=w.users["admin"], user_id=w.users["board"].pk, role=Role.ICB_ANALYST, org_code="03W"
    )


def _deactivate(w: World) -> None:
    set_active(actor=w.users["admin"], user_id=w.users["board"].pk, active=False)


def _password(w: World) -> None:
    set_password(actor=w.users["admin"], user=w.users["board"], password=NEW_PASSWORD)


ACTIONS: dict[str, Callable[[World], None]] = {
    "user.update": _update,
    "user.deactivate": _deactivate,
    "user.set_password": _password,
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_failing_audit_write_rolls_back_the_change(
    world: World, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    board = world.users["board"]
    snapshot = User.objects.filter(pk=board.pk).values().get()

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit_module, "record", broken)
    with pytest.raises(RuntimeError, match="audit store down"):
        ACTIONS[action](world)
    assert User.objects.filter(pk=board.pk).values().get() == snapshot
    stored = User.objects.get(pk=board.pk)
    assert stored.check_password(PASSWORD) and stored.is_active


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_change_and_its_event_commit_or_roll_back_together(world: World, action: str) -> None:
    board = world.users["board"]
    snapshot = User.objects.filter(pk=board.pk).values().get()
    with pytest.raises(RuntimeError, match="later step failed"), transaction.atomic():
        ACTIONS[action](world)
        # inside the same transaction both the change and its event are visible ...
        assert User.objects.filter(pk=board.pk).values().get() != snapshot
        assert AuditEvent.objects.filter(action=action, object_id=str(board.pk)).count() == 1
        raise RuntimeError("later step failed")
    # ... and rolling it back removes both
    assert User.objects.filter(pk=board.pk).values().get() == snapshot
    assert not AuditEvent.objects.filter(action=action).exists()
    ACTIONS[action](world)
    assert AuditEvent.objects.filter(action=action, object_id=str(board.pk)).count() == 1
