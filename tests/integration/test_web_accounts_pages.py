"""Account pages through the test client: sessions end when an account is deactivated or its
password is reset, self-deactivation is refused with a form error, forms show NHS.UK error
summaries and per-field messages, every form needs its CSRF token, and scope holds on POST."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web.actions.users import create_user
from gpworkforce.web.models import AuditEvent, User
from gpworkforce.web.roles import Role
from gpworkforce.web.testing import PASSWORD, World, build_world

NEW_PASSWORD = "plum-orchard-lantern-42"  # a test account's


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def client_for(username: str, password: str = PASSWORD) -> Client:
    c = Client()
    assert c.login(username=username, password=password)
    return c


def uid(world: World, name: str) -> int:
    return world.users[name].pk


def field_error(html: str, field: str) -> str:
    """The text of the NHS.UK error message attached to ``field`` (empty if none)."""
    match = re.search(
        rf'id="{field}-error"[^>]*>\s*<span class="nhsuk-u-visually-hidden">Error:\s*</span>\s*([^<]+)',
        html,
    )
    return match.group(1).strip() if match else ""


def summary_links(html: str) -> list[str]:
    block = re.search(r'class="nhsuk-error-summary".*?</div>\s*</div>', html, re.S)
    assert block, "no error summary on the page"
    return re.findall(r'<a href="(#[^"]+)"', block.group(0))


# -- deactivation -------------------------------------------------------------------------------
def test_a_deactivated_users_open_session_stops_on_their_next_request(world: World) -> None:
    leaver = client_for("submitter")
    assert leaver.get(reverse("home")).status_code == 200
    admin = client_for("admin")
    r = admin.post(reverse("user-active", args=[uid(world, "submitter")]), {"active": "0"})
    assert r.status_code == 302 and r.url == reverse("user-list")
    # the leaver's existing session no longer works: every page sends them to log in
    for name, args in (("home", []), ("dashboard", ["C82001"])):
        nxt = leaver.get(reverse(name, args=args))
        assert nxt.status_code == 302 and nxt.url.startswith(reverse("login"))
    # and they cannot log in again
    assert not Client().login(username="submitter", password=PASSWORD)
    page = Client().post(reverse("login"), {"username": "submitter", "password": PASSWORD})
    assert page.status_code == 200 and "Enter a correct username and password" in page.text
    # the list shows the account as deactivated; it still exists
    listing = admin.get(reverse("user-list")).text
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*>submitter<(?:(?!</tr>).)*</tr>", listing, re.S)
    assert row and "Deactivated" in row.group(0)
    # reactivated, the same password works again
    r = admin.post(reverse("user-active", args=[uid(world, "submitter")]), {"active": "1"})
    assert r.status_code == 302
    assert client_for("submitter").get(reverse("home")).status_code == 200
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="user.").order_by("id")][
        -2:
    ] == ["user.deactivate", "user.reactivate"]


def test_an_administrator_cannot_deactivate_themselves_form_error(world: World) -> None:
    admin = client_for("admin")
    url = reverse("user-active", args=[uid(world, "admin")])
    r = admin.post(url, {"active": "0"})
    assert r.status_code == 400
    html = r.text
    assert summary_links(html) == ["#active"]
    assert field_error(html, "active") == "You cannot deactivate your own account"
    assert User.objects.get(username="admin").is_active
    assert admin.get(reverse("home")).status_code == 200
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


def test_a_tampered_activation_value_is_a_form_error(world: World) -> None:
    r = client_for("admin").post(
        reverse("user-active", args=[uid(world, "board")]), {"active": "maybe"}
    )
    assert r.status_code == 400
    assert "Choose to deactivate or reactivate the account" in r.text
    assert User.objects.get(username="board").is_active


# -- password reset -----------------------------------------------------------------------------
def test_a_password_reset_ends_the_users_sessions_and_records_no_secret(world: World) -> None:
    user_session = client_for("submitter")
    admin = client_for("admin")
    r = admin.post(
        reverse("user-password", args=[uid(world, "submitter")]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 302
    assert user_session.get(reverse("home")).status_code == 302  # their session ended
    assert not Client().login(username="submitter", password=PASSWORD)
    # the new password signs in, but only to choose their own (test_web_signin.py)
    home = client_for("submitter", NEW_PASSWORD).get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("password-change")
    event = AuditEvent.objects.get(action="user.set_password", actor__username="admin")
    stored_hash = User.objects.get(username="submitter").password
    assert NEW_PASSWORD not in str(event.after) and stored_hash not in str(event.after)
    assert event.before is None
    assert event.after == {"username": "submitter", "change_required": True}
    # the administrator who did it is still signed in
    assert admin.get(reverse("user-list")).status_code == 200


def test_an_administrator_setting_their_own_password_stays_signed_in(world: World) -> None:
    admin = client_for("admin")
    r = admin.post(
        reverse("user-password", args=[uid(world, "admin")]),
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert r.status_code == 302
    assert admin.get(reverse("user-list")).status_code == 200
    assert User.objects.get(username="admin").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        ("", "", "password", "Enter a new password"),
        ("short1", "short1", "password", "too short"),
        ("password123", "password123", "password", "too common"),
        ("83749203847", "83749203847", "password", "entirely numeric"),
        ("submitter1", "submitter1", "password", "too similar to the username"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password_confirm", "Enter the same password twice"),
    ],
)
def test_a_password_that_fails_the_validators_is_refused_with_field_errors(
    world: World, password: str, again: str, field: str, message: str
) -> None:
    r = client_for("admin").post(
        reverse("user-password", args=[uid(world, "submitter")]),
        {"password": password, "password_confirm": again},
    )
    assert r.status_code == 400
    assert f"#{field}" in summary_links(r.text)
    assert message in field_error(r.text, field)
    assert User.objects.get(username="submitter").check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.set_password", actor__isnull=False).exists()


# -- editing ------------------------------------------------------------------------------------
def test_editing_an_account_changes_it_and_the_form_shows_its_values(world: World) -> None:
    admin = client_for("admin")
    url = reverse("user-edit", args=[uid(world, "board")])
    page = admin.get(url).text
    assert re.search(r'value="board_viewer"[^>]*checked', page)
    assert re.search(r'<option value="QK1" selected>', page)
    r = admin.post(
        url,
        {
            "role": "icb_analyst",
            "organisation": "04C",
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@nhs.net",
        },
    )
    assert r.status_code == 302
    board = User.objects.get(username="board")
    assert (board.role, board.organisation_id, board.email) == (
        "icb_analyst",
        "04C",
        "grace@nhs.net",
    )
    # the new role takes effect on the user's next request (the analyst sees rounds now)
    assert client_for("board").get(reverse("round-list")).status_code == 200


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        (
            {"role": "practice_manager", "organisation": "QK1"},
            "role",
            "Practice manager accounts must belong to a practice, got QK1, an ICB",
        ),
        ({"role": "", "organisation": "QK1"}, "role", "Select a role"),
        ({"role": "superuser", "organisation": "QK1"}, "role", "Select one of the roles listed"),
        (
            {"role": "board_viewer", "organisation": "99A"},
            "organisation",
            "Select an organisation you are responsible for",
        ),
        (
            {"role": "board_viewer", "organisation": "QK1", "email": "not-an-address"},
            "email",
            "Enter an email address like name@nhs.net",
        ),
    ],
)
def test_invalid_edits_show_an_error_summary_and_the_fields_message(
    world: World, post: dict[str, str], field: str, message: str
) -> None:
    r = client_for("admin").post(reverse("user-edit", args=[uid(world, "board")]), post)
    assert r.status_code == 400
    assert f"#{field}" in summary_links(r.text)
    assert field_error(r.text, field) == message
    board = User.objects.get(username="board")
    assert (board.role, board.organisation_id, board.email) == ("board_viewer", "QK1", "")
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_creating_an_account_with_a_role_its_organisation_does_not_allow_is_a_role_error(
    world: World,
) -> None:
    r = client_for("admin").post(
        reverse("user-new"),
        {
            "username": "newcomer",
            "role": "administrator",
            "organisation": "C82002",
            "email": "newcomer@nhs.net",
            "password": NEW_PASSWORD,
        },
    )
    assert r.status_code == 400
    assert summary_links(r.text) == ["#role"]
    assert field_error(r.text, "role") == (
        "Administrator accounts must belong to a sub-ICB or an ICB, got C82002, a practice"
    )
    assert not User.objects.filter(username="newcomer").exists()


def test_an_administrator_cannot_change_their_own_role_on_the_page(world: World) -> None:
    r = client_for("admin").post(
        reverse("user-edit", args=[uid(world, "admin")]),
        {"role": "icb_analyst", "organisation": "QK1"},
    )
    assert r.status_code == 400
    assert field_error(r.text, "role") == "You cannot change your own role"
    assert User.objects.get(username="admin").role == "administrator"


# -- CSRF and scope -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("user-edit", {"role": "icb_analyst", "organisation": "QK1"}),
        ("user-active", {"active": "0"}),
        ("user-password", {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}),
    ],
)
def test_every_account_form_needs_its_csrf_token(
    world: World, name: str, data: dict[str, str]
) -> None:
    c = Client(enforce_csrf_checks=True)
    assert c.login(username="admin", password=PASSWORD)
    url = reverse(name, args=[uid(world, "board")])
    page = c.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token, "the form must carry a CSRF token"
    assert c.post(url, data).status_code == 403  # forged: no token
    board = User.objects.get(username="board")
    assert board.role == "board_viewer" and board.is_active and board.check_password(PASSWORD)
    assert c.post(url, {**data, "csrfmiddlewaretoken": token.group(1)}).status_code == 302


POSTS = {
    "user-edit": {"role": "practice_manager", "organisation": "C82001"},
    "user-active": {"active": "0"},
    "user-password": {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
}


@pytest.mark.parametrize("name", sorted(POSTS))
@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("admin", "other_submitter", 404),  # another ICB's account
        ("admin", None, 404),  # no such account
        ("analyst", "submitter", 403),  # role may not manage accounts
        ("manager", "submitter", 403),
        ("board", "submitter", 403),
        ("sub_admin", "admin", 404),  # a sub-ICB administrator cannot manage the ICB's
        ("sub_admin", "c82003_user", 404),  # ... nor a practice under the other sub-ICB
        ("sub_admin", "submitter", 302),  # ... but can manage a practice under their own
    ],
)
def test_posts_are_scoped_like_every_other_object(
    world: World, name: str, actor: str, target: str | None, status: int
) -> None:
    create_user(
        actor=None,
        username="sub_admin",
        password=PASSWORD,
        role=Role.ADMINISTRATOR,
        org_code="03W",
    )
    create_user(
        actor=None,
        username="c82003_user",
        password=PASSWORD,
        role=Role.PRACTICE_SUBMITTER,
        org_code="C82003",
    )
    target_id = User.objects.get(username=target).pk if target else 999999
    c = client_for(actor)  # (logging in updates the actor's last_login: taken before)
    before = list(User.objects.order_by("pk").values())
    r = c.post(reverse(name, args=[target_id]), POSTS[name])
    assert r.status_code == status
    changed = list(User.objects.order_by("pk").values()) != before
    assert changed == (status == 302)


def test_a_sub_icb_administrator_can_only_move_accounts_within_their_organisations(
    world: World,
) -> None:
    create_user(
        actor=None, username="sub_admin", password=PASSWORD, role=Role.ADMINISTRATOR, org_code="03W"
    )
    c = client_for("sub_admin")
    url = reverse("user-edit", args=[uid(world, "submitter")])
    options = re.findall(r'<option value="([^"]+)"', c.get(url).text)
    assert sorted(options) == ["03W", "C82001", "C82002"]
    r = c.post(url, {"role": "practice_submitter", "organisation": "C82003"})
    assert r.status_code == 400
    assert field_error(r.text, "organisation") == "Select an organisation you are responsible for"
    assert User.objects.get(username="submitter").organisation_id == "C82001"
    listed = re.findall(r'href="/users/(\d+)/"', c.get(reverse("user-list")).text)
    expected = User.objects.filter(organisation_id__in=["03W", "C82001", "C82002"])
    assert sorted(int(i) for i in listed) == sorted(expected.values_list("pk", flat=True))
