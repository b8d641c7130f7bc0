"""The ONE permission check, organisation scoping, and the deny-by-default view guard.

- :func:`has_permission` is the only place a permission is decided: the user is active, their role
  grants the permission (``roles.ROLE_PERMISSIONS``), and the organisation (if any) is theirs or
  under theirs in the effective-dated hierarchy.
- Every view is wrapped by :func:`guard` (or marked :func:`public`); the
  :class:`DenyByDefaultMiddleware` refuses any view that is neither. Out-of-scope objects answer 404
  (their existence is not revealed), a missing permission 403, an anonymous user a redirect to log in.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from gpworkforce.web.models import (
    CollectionRound,
    Organisation,
    PracticeReturnRecord,
    User,
    descendant_codes,
    registry_version,
)
from gpworkforce.web.roles import Permission, Role, role_grants

GUARD_ATTR = "_gpworkforce_access"


def _today() -> dt.date:
    return timezone.localdate()


def visible_codes(user: Any, on: dt.date | None = None) -> frozenset[str]:
    """Codes of the organisations ``user`` may see: their own and its descendants, by the hierarchy
    in force on ``on`` and by today's (the organisation now responsible also sees the history)."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or not user.organisation_id
    ):
        return frozenset()
    cache: dict[dt.date | None, frozenset[str]] = user.__dict__.setdefault("_visible_cache", {})
    if on not in cache:
        version = scope_version(user)
        codes = descendant_codes(user.organisation_id, _today(), version)
        if on is not None and on != _today():
            codes |= descendant_codes(user.organisation_id, on, version)
        cache[on] = frozenset(codes)
    return cache[on]


def scope_version(user: Any) -> str:
    """The registry version the scope of ``user`` is taken from: read once per user object (one
    per request), as long as the organisations it sees are kept on it (``visible_codes``)."""
    version = user.__dict__.get("_registry_version")
    if version is None:
        version = user.__dict__["_registry_version"] = registry_version()
    return str(version)


def has_permission(
    user: Any,
    permission: Permission,
    org: Organisation | str | None = None,
    on: dt.date | None = None,
) -> bool:
    """Whether ``user`` may use ``permission`` (on ``org``, as the hierarchy stood on ``on``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    role = Role(user.role) if user.role else None
    if not role_grants(role, permission):
        return False
    if org is None:
        return True
    code = org.code if isinstance(org, Organisation) else str(org)
    return code in visible_codes(user, on)


# -- scoped querysets ------------------------------------------------------------------------------
def visible_returns(user: User) -> QuerySet[PracticeReturnRecord]:
    """Returns whose practice the user may see (as of each round's census date)."""
    qs = PracticeReturnRecord.objects.select_related("round", "practice")
    if not has_permission(user, Permission.VIEW_RETURN):
        return qs.none()
    dates = set(CollectionRound.objects.values_list("census_date", flat=True))
    allowed_ids: list[int] = []
    for on in dates:
        allowed_ids.extend(
            qs.filter(round__census_date=on, practice_id__in=visible_codes(user, on)).values_list(
                "id", flat=True
            )
        )
    return qs.filter(id__in=allowed_ids)


def visible_rounds(user: User) -> QuerySet[CollectionRound]:
    """Rounds with at least one practice the user may see."""
    if not has_permission(user, Permission.VIEW_ROUND):
        return CollectionRound.objects.none()
    ids = visible_returns(user).values_list("round_id", flat=True)
    return CollectionRound.objects.filter(id__in=ids).select_related("organisation")


def visible_organisations(user: User, on: dt.date | None = None) -> QuerySet[Organisation]:
    return Organisation.objects.filter(code__in=visible_codes(user, on))


# -- view guard ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Scope:
    """What a view acts on: the object, its organisation and the date its hierarchy is taken on."""

    obj: Any
    org_code: str
    on: dt.date | None = None


Loader = Callable[..., Scope]
View = Callable[..., HttpResponse]


def guard(permission: Permission, load: Loader | None = None) -> Callable[[View], View]:
    """Require ``permission`` (on the organisation of the object ``load`` returns).

    ``load(request, **url_kwargs)`` returns a :class:`Scope` or raises Http404 for an unknown object.
    The loaded object is passed to the view as ``scope``.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_permission(user, permission):
                raise PermissionDenied(f"your role may not {permission.value.replace('_', ' ')}")
            if load is None:
                return view(request, **kwargs)
            scope = load(request, **kwargs)
            if not has_permission(user, permission, scope.org_code, scope.on):
                raise Http404("not found")
            return view(request, scope=scope, **kwargs)

        setattr(wrapped, GUARD_ATTR, permission)
        return wrapped

    return decorate


def public(view: View) -> View:
    """Mark a view as open to anyone (log-in page, health check)."""
    setattr(view, GUARD_ATTR, "public")
    return view


def login_only(view: View) -> View:
    """Any signed-in user (e.g. the home page, which shows only what their role allows)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, **kwargs)

    setattr(wrapped, GUARD_ATTR, "login")
    return wrapped


class DenyByDefaultMiddleware:
    """Refuse (403) any view of this project that declares no access rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        target = getattr(view_func, "view_class", view_func)
        if getattr(view_func, GUARD_ATTR, None) or getattr(target, GUARD_ATTR, None):
            return None
        module = getattr(view_func, "__module__", "")
        if module.startswith(("django.views.static", "django.contrib.staticfiles")):
            return None
        raise PermissionDenied("this page declares no access rule")
