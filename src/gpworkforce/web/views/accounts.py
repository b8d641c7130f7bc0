"""Logging in and out (Django's authentication, NHS.UK-styled)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from gpworkforce.web.actions.users import change_own_password
from gpworkforce.web.forms.users import ChangeOwnPasswordForm
from gpworkforce.web.permissions import GUARD_ATTR, login_only, public
from gpworkforce.web.views.common import home_crumb, nav_items, render


class LoginView(auth_views.LoginView):
    template_name = "web/login.jinja"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        errors = []
        if form.is_bound and form.errors:
            errors = [{"text": "Enter a correct username and password", "href": "#id_username"}]
        ctx.update(
            errors=errors,
            nav_items=nav_items(self.request),
            breadcrumbs=[],
            role_label="",
        )
        return ctx


setattr(LoginView, GUARD_ATTR, "public")


@public
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST (with its CSRF token, like every other form) logs out.

    The NHS.UK header's account form cannot carry a CSRF token, so the header links here instead
    of posting, and no view in the app is exempt from CSRF protection.
    """
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "web/logout.jinja")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    logout(request)
    return redirect("login")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page django-axes shows instead of signing in a locked account or address (429).

    It does not say whether the username exists, nor which of the two is locked.
    """
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(
        request,
        "web/lockout.jinja",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


@login_only
def password_change(request: HttpRequest) -> HttpResponse:
    """The signed-in user chooses a new password (required after an administrator set one)."""
    user = request.user
    form = ChangeOwnPasswordForm(request.POST if request.method == "POST" else None, user=user)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            change_own_password(user=user, password=form.cleaned_data["password"])
            update_session_auth_hash(request, user)  # stay signed in; other sessions end
            messages.success(request, "Your new password is set.")
            return redirect("home")
        errors = form.error_list()
    return render(
        request,
        "web/password_change.jinja",
        {"form": form, "errors": errors, "required": user.must_change_password},
        status=400 if errors else 200,
        breadcrumbs=[] if user.must_change_password else [home_crumb()],
    )
