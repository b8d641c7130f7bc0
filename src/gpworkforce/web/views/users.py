"""Administrators: the accounts in their organisations, and creating one (through the actions)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.errors import UserError
from gpworkforce.web.actions.users import create_user
from gpworkforce.web.forms.users import NewUserForm
from gpworkforce.web.models import User
from gpworkforce.web.permissions import guard, visible_codes, visible_organisations
from gpworkforce.web.roles import Permission, Role
from gpworkforce.web.views.common import home_crumb, render


@guard(Permission.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    users = (
        User.objects.filter(organisation_id__in=visible_codes(request.user))
        .select_related("organisation")
        .order_by("organisation_id", "username")
    )
    rows = [(u, Role(u.role).label if u.role else "no role") for u in users]
    return render(request, "web/user_list.jinja", {"rows": rows}, breadcrumbs=[home_crumb()])


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
                )
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
