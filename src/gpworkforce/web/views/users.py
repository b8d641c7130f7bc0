"""Administrators: the accounts in their organisations; creating, changing, deactivating or
reactivating one and setting its password (all through the audited actions).

An account outside the administrator's organisations (or a system account, which has none) answers
404 like every other object out of scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.errors import UserError
from gpworkforce.web.actions.users import (
    AccountRuleError,
    create_user,
    set_active,
    set_password,
    unlock,
    update_user,
)
from gpworkforce.web.forms.users import EditUserForm, NewUserForm, SetActiveForm, SetPasswordForm
from gpworkforce.web.models import User
from gpworkforce.web.permissions import Scope, guard, visible_codes, visible_organisations
from gpworkforce.web.roles import Permission, Role
from gpworkforce.web.signin import locked_usernames
from gpworkforce.web.views.common import home_crumb, render


@guard(Permission.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    users = (
        User.objects.filter(organisation_id__in=visible_codes(request.user))
        .select_related("organisation")
        .order_by("organisation_id", "username")
    )
    rows = [(u, Role(u.role).label if u.role else "no role") for u in users]
    locked = locked_usernames(u.username for u, _ in rows)
    return render(
        request,
        "web/user_list.jinja",
        {"rows": rows, "locked": locked},
        breadcrumbs=[home_crumb()],
    )


@guard(Permission.MANAGE_USERS)
def user_new(request: HttpRequest) -> HttpResponse:
    orgs = visible_organisations(request.user).order_by("type", "code")
    choices = [(o.code, f"{o.name} ({o.code}, {o.get_type_display()})") for o in orgs]
    form = NewUserForm(request.POST or None, org_choices=choices)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = create_user(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    role=Role(data["role"]),
                    org_code=data["organisation"],
                    email=data["email"],
                )
            except AccountRuleError as exc:  # e.g. a role the organisation's tier does not allow
                form.add_error(exc.field, _sentence(exc.message))
                errors = form.error_list()
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#username"}]
            else:
                messages.success(request, f"Account {user.username} created.")
                return redirect("user-list")
        else:
            errors = form.error_list()
    return render(
        request,
        "web/user_new.jinja",
        {"form": form, "errors": errors, "choices": choices, "roles": Role.choices()},
        status=400 if errors else 200,
        breadcrumbs=[home_crumb(), ("Accounts", reverse("user-list"))],
    )


# -- one account -----------------------------------------------------------------------------------
def load_account(request: HttpRequest, user_id: int, **_: Any) -> Scope:
    """The account, scoped by its organisation (today's hierarchy); unknown or system: 404."""
    user = (
        User.objects.select_related("organisation")
        .filter(pk=user_id, organisation__isnull=False)
        .first()
    )
    if user is None:
        raise Http404("no such account")
    return Scope(user, user.organisation_id)


def _org_choices(request: HttpRequest) -> list[tuple[str, str]]:
    orgs = visible_organisations(request.user).order_by("type", "code")
    return [(o.code, f"{o.name} ({o.code}, {o.get_type_display()})") for o in orgs]


def _sentence(message: str) -> str:
    """An action's message as a form error (NHS.UK error messages start with a capital)."""
    return message[:1].upper() + message[1:]


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so that it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _account_crumbs(user: User | None = None) -> list[tuple[str, str]]:
    crumbs = [home_crumb(), ("Accounts", reverse("user-list"))]
    if user is not None:
        crumbs.append((user.get_username(), reverse("user-edit", args=[user.pk])))
    return crumbs


@guard(Permission.MANAGE_USERS, load_account)
def user_edit(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    user: User = scope.obj
    choices = _org_choices(request)
    form = EditUserForm(_posted(request), org_choices=choices)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_user(
                    actor=request.user,
                    user_id=user.pk,
                    role=Role(data["role"]),
                    org_code=data["organisation"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                )
            except AccountRuleError as exc:
                form.add_error(exc.field, _sentence(exc.message))
                errors = form.error_list()
            else:
                messages.success(request, f"Account {user.get_username()} saved.")
                return redirect("user-list")
        else:
            errors = form.error_list()
    values = (
        request.POST
        if form.is_bound
        else {
            "role": user.role,
            "organisation": user.organisation_id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
        }
    )
    return render(
        request,
        "web/user_edit.jinja",
        {
            "account": user,
            "form": form,
            "values": values,
            "errors": errors,
            "choices": choices,
            "roles": Role.choices(),
            "is_self": user.pk == request.user.pk,
            "is_locked": bool(locked_usernames([user.username])),
        },
        status=400 if errors else 200,
        breadcrumbs=_account_crumbs(),
    )


@guard(Permission.MANAGE_USERS, load_account)
def user_active(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    user: User = scope.obj
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = SetActiveForm(request.POST)
        if form.is_valid():
            active: bool = form.cleaned_data["active"]
            try:
                set_active(actor=request.user, user_id=user.pk, active=active)
            except AccountRuleError as exc:
                form.add_error("active", _sentence(exc.message))
                errors = form.error_list()
            else:
                done = "reactivated" if active else "deactivated"
                messages.success(request, f"Account {user.get_username()} {done}.")
                return redirect("user-list")
        else:
            errors = form.error_list()
    return render(
        request,
        "web/user_active.jinja",
        {"account": user, "errors": errors},
        status=400 if errors else 200,
        breadcrumbs=_account_crumbs(user),
    )


@guard(Permission.MANAGE_USERS, load_account)
def user_password(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    user: User = scope.obj
    form = SetPasswordForm(_posted(request), user=user)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            set_password(actor=request.user, user=user, password=form.cleaned_data["password"])
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)  # keep the administrator signed in
            messages.success(
                request,
                f"Password set for {user.get_username()}. Their other sessions have ended.",
            )
            return redirect("user-list")
        errors = form.error_list()
    return render(
        request,
        "web/user_password.jinja",
        {"account": user, "form": form, "errors": errors},
        status=400 if errors else 200,
        breadcrumbs=_account_crumbs(user),
    )


@guard(Permission.MANAGE_USERS, load_account)
def user_unlock(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    """Confirm (GET), then clear (POST) the failed sign-ins that lock an account (audited)."""
    user: User = scope.obj
    if request.method == "POST":
        cleared = unlock(actor=request.user, user_id=user.pk)
        if cleared:
            messages.success(request, f"Account {user.get_username()} unlocked.")
        else:
            messages.info(request, f"Account {user.get_username()} was not locked.")
        return redirect("user-edit", user.pk)
    return render(
        request,
        "web/user_unlock.jinja",
        {"account": user, "is_locked": bool(locked_usernames([user.username]))},
        breadcrumbs=_account_crumbs(user),
    )
