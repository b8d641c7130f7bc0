"""Logging in and out (Django's authentication, NHS.UK-styled)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from gpworkforce.web.permissions import GUARD_ATTR, public
from gpworkforce.web.views.common import nav_items, render


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
