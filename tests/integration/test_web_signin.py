"""Sign-in hardening (decision record 0040): lockout per account and per address (django-axes),
audited, unlocked by an administrator; password rules; idle and absolute session lifetimes; a
password set by an administrator must be changed at the next sign-in."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import signals
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from gpworkforce.web.models import AuditEvent, User
from gpworkforce.web.signin import SEEN_KEY, STARTED_KEY
from gpworkforce.web.testing import PASSWORD, build_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LIMIT = 10
WRONG = "not-the-password-at-all"


@pytest.fixture(autouse=True)
def axes_on(settings: pytest.FixtureRequest) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = 0.5


def sign_in(c: Client, username: str, password: str, address: str = "10.0.0.1") -> object:
    return c.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_account_locks_after_the_limit_from_any_addresses_and_is_audited() -> None:
    build_world()
    c = Client()
    for i in range(LIMIT):
        page = sign_in(c, "submitter", WRONG, address=f"10.0.1.{i}")
        assert page.status_code in (200, 429)
    # the right password, from yet another address, is refused while the account is locked
    page = sign_in(c, "submitter", PASSWORD, address="10.0.2.1")
    assert page.status_code == 429
    html = page.content.decode()
    assert "Sign-in is locked for now" in html and "30 minutes" in html
    assert c.get(reverse("home")).status_code == 302  # not signed in
    failed = AuditEvent.objects.filter(action="signin.failed", object_id="submitter")
    assert failed.count() == LIMIT + 1  # the refused right password counts as a failure too
    assert failed.first().actor_username == "anonymous"
    assert failed.first().organisation_code == "C82001"
    assert {e.after["address"] for e in failed} >= {"10.0.1.0", "10.0.2.1"}
    assert AuditEvent.objects.filter(action="signin.locked_out", object_id="submitter").exists()
    # another account from the same addresses is not affected
    assert sign_in(Client(), "manager", PASSWORD, address="10.0.3.1").status_code == 302


def test_below_the_limit_the_right_password_still_signs_in() -> None:
    build_world()
    c = Client()
    for _ in range(LIMIT - 1):
        assert sign_in(c, "submitter", WRONG).status_code == 200
    page = sign_in(c, "submitter", PASSWORD)
    assert page.status_code == 302 and page.url == reverse("home")


def test_an_address_locks_after_the_limit_over_many_usernames() -> None:
    build_world()
    for i in range(LIMIT):
        sign_in(Client(), f"guess{i}", WRONG, address="192.0.2.7")
    assert sign_in(Client(), "manager", PASSWORD, address="192.0.2.7").status_code == 429
    assert sign_in(Client(), "manager", PASSWORD, address="192.0.2.8").status_code == 302


def test_administrator_sees_and_unlocks_a_locked_account_audited() -> None:
    build_world()
    for i in range(LIMIT):
        sign_in(Client(), "submitter", WRONG, address=f"10.0.4.{i}")
    admin = Client()
    assert sign_in(admin, "admin", PASSWORD, address="10.9.9.9").status_code == 302
    submitter = User.objects.get(username="submitter")
    listing = admin.get(reverse("user-list")).content.decode()
    row = re.search(r"submitter<span.*?</tr>", listing, re.S)
    assert row and "Locked" in row.group(0)
    edit = admin.get(reverse("user-edit", args=[submitter.pk])).content.decode()
    assert "Locked after failed attempts" in edit
    assert admin.get(reverse("user-unlock", args=[submitter.pk])).status_code == 200
    done = admin.post(reverse("user-unlock", args=[submitter.pk]))
    assert done.status_code == 302
    event = AuditEvent.objects.get(action="user.unlock")
    assert event.actor_username == "admin" and event.after["username"] == "submitter"
    assert sign_in(Client(), "submitter", PASSWORD, address="10.0.5.1").status_code == 302
    assert "Locked" not in admin.get(reverse("user-list")).content.decode()


def test_password_rules_need_twelve_characters_and_refuse_common_ones() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xk7#pq2!mZ4")  # 11 characters, otherwise fine
    with pytest.raises(ValidationError, match="too common"):
        validate_password("1qaz2wsx3edc")  # 12 characters, on Django's common-password list
    with pytest.raises(ValidationError, match="entirely numeric"):
        validate_password("493817264051")
    validate_password("Xk7#pq2!mZ4w")  # 12 characters, not common: accepted


def _signed_in(username: str = "submitter") -> Client:
    c = Client()
    assert sign_in(c, username, PASSWORD).status_code == 302
    return c


def _set_clock(c: Client, *, started_ago: float, seen_ago: float) -> None:
    session = c.session
    now = time.time()
    session[STARTED_KEY] = now - started_ago
    session[SEEN_KEY] = now - seen_ago
    session.save()


def test_a_session_ends_after_thirty_idle_minutes_by_default(settings: object) -> None:
    build_world()
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    c = _signed_in()
    _set_clock(c, started_ago=31 * 60, seen_ago=31 * 60)
    page = c.get(reverse("home"))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))
    login_page = c.get(page.url).content.decode()
    assert "signed out after 30 minutes without activity" in login_page
    assert c.get(reverse("home")).status_code == 302  # the session is gone, not only redirected


def test_activity_keeps_a_session_alive_and_refreshes_it() -> None:
    build_world()
    c = _signed_in()
    _set_clock(c, started_ago=29 * 60, seen_ago=29 * 60)
    assert c.get(reverse("home")).status_code == 200
    assert time.time() - c.session[SEEN_KEY] < 5  # the activity moved the idle clock
    # 29 more minutes later it is still alive: idle time counts from the last activity
    _set_clock(c, started_ago=58 * 60, seen_ago=29 * 60)
    assert c.get(reverse("home")).status_code == 200


def _through_the_middleware(c: Client, view: object) -> tuple[object, object]:
    """The signed-in client's request through SessionLifetimeMiddleware alone, answered by
    ``view``; the response (not yet closed) and the session as the request saw it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from gpworkforce.web.signin import SessionLifetimeMiddleware

    request = RequestFactory().get(reverse("home"))
    request.session = SessionStore(c.session.session_key)
    request.user = User.objects.get(username="submitter")
    return SessionLifetimeMiddleware(view)(request), request.session  # type: ignore[arg-type]


def _stored_seen(c: Client) -> float:
    from django.contrib.sessions.backends.db import SessionStore

    return float(SessionStore(c.session.session_key).load()[SEEN_KEY])


@contextlib.contextmanager
def _closed_as_the_test_client_closes() -> Iterator[None]:
    """Close a response as Django's test client does: without ``close_old_connections`` on
    ``request_finished``, which would close the test's database connection inside its
    transaction (PostgreSQL then refuses the next query; a server closes it between requests)."""
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_finished.connect(close_old_connections)


def test_a_views_activity_is_saved_once_its_response_is_sent_not_before() -> None:
    """A page view never waits for the database's write lock to note its user's activity before
    the user has the page (decision 0110): the session is saved when the server closes the
    response, after sending it."""
    from django.http import HttpResponse

    build_world()
    c = _signed_in()
    _set_clock(c, started_ago=10 * 60, seen_ago=5 * 60)
    before = _stored_seen(c)
    response, session = _through_the_middleware(c, lambda request: HttpResponse("the page"))
    assert _stored_seen(c) == before  # answered, nothing written yet
    assert session.modified is False  # so SessionMiddleware does not save it with the response
    with _closed_as_the_test_client_closes():
        response.close()  # the WSGI server, after sending the body
    assert time.time() - _stored_seen(c) < 5


def test_a_view_that_changes_the_session_saves_the_activity_with_it() -> None:
    from django.http import HttpResponse

    build_world()
    c = _signed_in()
    _set_clock(c, started_ago=10 * 60, seen_ago=5 * 60)

    def view(request: object) -> HttpResponse:
        request.session["something"] = 1  # type: ignore[attr-defined]
        return HttpResponse("the page")

    response, session = _through_the_middleware(c, view)
    assert time.time() - session[SEEN_KEY] < 5  # saved by SessionMiddleware with the response
    before = session[SEEN_KEY]
    with _closed_as_the_test_client_closes():
        response.close()
    assert session[SEEN_KEY] == before  # no second save


def test_a_page_polling_by_itself_does_not_keep_an_idle_session_alive() -> None:
    build_world()
    c = _signed_in()
    _set_clock(c, started_ago=20 * 60, seen_ago=20 * 60)
    seen = c.session[SEEN_KEY]
    polled = c.get(reverse("home"), HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND_REFRESH="1")
    assert polled.status_code == 200
    assert c.session[SEEN_KEY] == seen  # not activity
    _set_clock(c, started_ago=31 * 60, seen_ago=31 * 60)
    assert c.get(reverse("home"), HTTP_X_BACKGROUND_REFRESH="1").status_code == 302


def test_a_session_ends_at_its_absolute_lifetime_despite_activity(settings: object) -> None:
    build_world()
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    c = _signed_in()
    _set_clock(c, started_ago=12 * 3600 - 60, seen_ago=30)
    assert c.get(reverse("home")).status_code == 200
    _set_clock(c, started_ago=12 * 3600 + 1, seen_ago=30)
    page = c.get(reverse("home"))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))
    assert "12 hours after signing in" in c.get(page.url).content.decode()


def test_idle_timeout_is_a_setting(settings: object) -> None:
    build_world()
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    c = _signed_in()
    _set_clock(c, started_ago=6 * 60, seen_ago=6 * 60)
    assert c.get(reverse("home")).status_code == 302
    assert "after 5 minutes without activity" in c.get(reverse("login")).content.decode()


def test_htmx_request_of_an_expired_session_is_sent_to_sign_in() -> None:
    build_world()
    c = _signed_in()
    _set_clock(c, started_ago=31 * 60, seen_ago=31 * 60)
    page = c.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert page["HX-Redirect"] == reverse("login")


def test_password_set_by_an_administrator_must_be_changed_at_next_sign_in() -> None:
    build_world()
    admin = _signed_in("admin")
    submitter = User.objects.get(username="submitter")
    temporary = "Temporary-pass-9876"
    done = admin.post(
        reverse("user-password", args=[submitter.pk]),
        {"password": temporary, "password_confirm": temporary},
    )
    assert done.status_code == 302
    submitter.refresh_from_db()
    assert submitter.must_change_password
    event = AuditEvent.objects.filter(action="user.set_password").latest("id")
    assert event.after == {"username": "submitter", "change_required": True}

    c = Client()
    assert sign_in(c, "submitter", temporary).status_code == 302
    for name in ("home", "round-list", "audit-log"):
        page = c.get(reverse(name))
        assert page.status_code == 302 and page.url == reverse("password-change"), name
    ret = c.get(reverse("dashboard", args=["C82001"]), HTTP_HX_REQUEST="true")
    assert ret["HX-Redirect"] == reverse("password-change")
    form = c.get(reverse("password-change"))
    assert form.status_code == 200 and "An administrator set your current password" in (
        form.content.decode()
    )
    # a wrong current password, a short one and a mismatch are form errors; nothing changes
    bad = c.post(
        reverse("password-change"),
        {"current_password": "wrong", "password": "short", "password_confirm": "other"},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Your current password is not the one entered" in html
    assert "at least 12 characters" in html
    new = "My-own-choice-4821"
    ok = c.post(
        reverse("password-change"),
        {"current_password": temporary, "password": new, "password_confirm": new},
    )
    assert ok.status_code == 302
    submitter.refresh_from_db()
    assert not submitter.must_change_password and submitter.check_password(new)
    assert c.get(reverse("home")).status_code == 200  # still signed in, free to go on
    changed = AuditEvent.objects.get(action="user.change_password")
    assert changed.actor_username == "submitter" and changed.after["was_required"] is True
    # the administrator's temporary password no longer opens the account
    assert sign_in(Client(), "submitter", temporary).status_code == 200


def test_an_account_created_by_an_administrator_starts_with_a_required_change() -> None:
    build_world()
    admin = _signed_in("admin")
    done = admin.post(
        reverse("user-new"),
        {
            "username": "newcomer",
            "role": "board_viewer",
            "organisation": "QK1",
            "password": "First-password-1234",
            "email": "newcomer@nhs.net",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert User.objects.get(username="newcomer").must_change_password


def test_administrator_setting_their_own_password_is_not_asked_again() -> None:
    build_world()
    admin = _signed_in("admin")
    me = User.objects.get(username="admin")
    new = "Admins-own-choice-5533"
    admin.post(reverse("user-password", args=[me.pk]), {"password": new, "password_confirm": new})
    me.refresh_from_db()
    assert me.check_password(new) and not me.must_change_password
    assert admin.get(reverse("home")).status_code == 200


PROXY_ADDRESS = """
import django
django.setup()
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
request = RequestFactory().post(
    "/accounts/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7"
)
print(get_client_ip_address(request))
"""


@pytest.mark.parametrize(
    ("proxies", "address"),
    [
        ("", "10.0.0.1"),  # no proxy: the connection's address, whatever the header says
        ("1", "203.0.113.7"),  # one proxy: the address it appended, not what the client sent
    ],
)
def test_lockout_counts_the_clients_address_behind_trusted_proxies(
    proxies: str, address: str
) -> None:
    import subprocess
    import sys

    from server_support import REPO, clean_env

    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
            "GPWORKFORCE_TRUSTED_PROXIES": proxies,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", PROXY_ADDRESS],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == address
