"""Sign-in and session policy (decision record 0040).

- failed sign-ins and lockouts (counted and enforced by django-axes) are also written to the
  project's audit log;
- :class:`SessionLifetimeMiddleware` ends a session after ``SESSION_IDLE_TIMEOUT`` seconds without a
  request and ``SESSION_ABSOLUTE_LIFETIME`` seconds after sign-in, whatever the activity;
- :class:`PasswordChangeRequiredMiddleware` sends a user whose password was chosen by someone else
  to the change-password page until they have chosen their own.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gpworkforce.web.actions import audit
from gpworkforce.web.models import User

log = logging.getLogger(__name__)

STARTED_KEY = "gpw_signed_in_at"  # epoch seconds of the sign-in
SEEN_KEY = "gpw_last_seen_at"  # epoch seconds of the last request that counted as activity
# The last-seen time is written at most once a minute (not a session write per request): the idle
# timeout holds to within this.
SEEN_GRANULARITY = 60
ANONYMOUS = "anonymous"


def _attempted(credentials: dict[str, Any]) -> str:
    return str(credentials.get("username") or "")[:150]


def _org_of(username: str) -> str:
    return (
        User.objects.filter(username=username).values_list("organisation_id", flat=True).first()
        or ""
    )


def _address(request: HttpRequest | None) -> str:
    return (get_client_ip_address(request) or "") if request is not None else ""


@receiver(user_login_failed)
def _audit_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    username = _attempted(credentials)
    with transaction.atomic():
        audit.record(
            None,
            "signin.failed",
            None,
            object_type="Account",
            object_id=username[:64],
            organisation_code=_org_of(username),
            after={"username": username, "address": _address(request)},
            actor_name=ANONYMOUS,
        )


@receiver(user_locked_out)
def _audit_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **_: Any
) -> None:
    name = (username or "")[:150]
    with transaction.atomic():
        audit.record(
            None,
            "signin.locked_out",
            None,
            object_type="Account",
            object_id=name[:64],
            organisation_code=_org_of(name),
            after={
                "username": name,
                "address": ip_address or "",
                "failure_limit": settings.AXES_FAILURE_LIMIT,
            },
            actor_name=ANONYMOUS,
        )


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now


def lockout_cutoff() -> dt.datetime:
    """Failures older than this no longer count (axes' cool-off)."""
    return timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these accounts are locked now by their failed sign-ins (from any address)."""
    rows = (
        AccessAttempt.objects.filter(
            username__in=list(usernames), attempt_time__gte=lockout_cutoff()
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {r["username"] for r in rows if r["failures"] >= settings.AXES_FAILURE_LIMIT}


def _background(request: HttpRequest) -> bool:
    """A request the page makes by itself (the dashboard polling for new figures), not the user:
    it does not count as activity, so an open page cannot keep an idle session alive."""
    return request.headers.get("X-Background-Refresh") == "1"


def _to_login(request: HttpRequest) -> HttpResponse:
    """Back to the sign-in page (an htmx request is told to load it as a whole page)."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse(settings.LOGIN_URL)
        return response
    return redirect_to_login(request.get_full_path())


class SessionLifetimeMiddleware:
    """End an idle or too old session; otherwise note the activity (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        noted: float | None = None
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            started = session.get(STARTED_KEY)
            seen = session.get(SEEN_KEY)
            ended = ""
            if not isinstance(started, int | float) or not isinstance(seen, int | float):
                session[STARTED_KEY] = session[SEEN_KEY] = now  # a session from before this policy
            elif now - seen > settings.SESSION_IDLE_TIMEOUT:
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                ended = f"You were signed out after {minutes} minutes without activity."
            elif now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                hours = settings.SESSION_ABSOLUTE_LIFETIME / 3600
                ended = f"You were signed out {hours:g} hours after signing in. Sign in again."
            elif now - seen >= SEEN_GRANULARITY and not _background(request):
                noted = now
            if ended:
                logout(request)
                messages.info(request, ended)
                return _to_login(request)
        response = self.get_response(request)
        if noted is not None:
            _note_activity(request, response, noted)
        return response


def _note_activity(request: HttpRequest, response: HttpResponse, now: float) -> None:
    """Note the activity in the session: with the session if this request changed it anyway
    (SessionMiddleware saves it with the response), else once the response has been sent.

    A page view then never waits for the database's write lock before its user has the page: on
    SQLite that lock is held in turn by every upload of a burst (from processes in the idle CPU
    class, decision 0110), and a view noting its user's minute of activity waited up to 10 s for
    it. The WSGI server calls the response's ``close()`` after sending the body (gunicorn, and
    Django's test client as one would); the save runs there, on the request's thread."""
    session = request.session
    if not request.user.is_authenticated:
        return  # signed out by the view
    if session.modified:
        session[SEEN_KEY] = now
        return
    sent = response.close

    def close() -> None:
        try:
            session[SEEN_KEY] = now
            session.save()
        except Exception:  # noted again by the next request (a minute of idle time at most)
            log.warning("could not note the activity of a session", exc_info=True)
        finally:
            sent()

    response.close = close  # type: ignore[method-assign]


# Pages a user who must change their password may still reach.
_CHANGE_PASSWORD_ALLOWED = frozenset({"password-change", "logout", "healthz"})


class PasswordChangeRequiredMiddleware:
    """Until the user has chosen their own password, every page sends them to choose it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not (user.is_authenticated and getattr(user, "must_change_password", False)):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _CHANGE_PASSWORD_ALLOWED:
            return None
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("password-change")
            return response
        return redirect("password-change")
