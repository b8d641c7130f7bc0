"""The home page (what the signed-in user can do) and a health check."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from gpworkforce.web.jobs.tasks import top_dashboards_ready
from gpworkforce.web.permissions import has_permission, login_only, public, visible_returns
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import render, sections

# What other apps add to the home page (registered in their AppConfig.ready): each is called with
# the request and gives HTML (shown in order) or None (nothing for this user).
HOME_PANELS: list[Callable[[HttpRequest], str | None]] = []


@login_only
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    returns = []
    if has_permission(user, Permission.EDIT_RETURN) or has_permission(
        user, Permission.APPROVE_RETURN
    ):
        returns = list(visible_returns(user).order_by("-round__census_date", "practice_id")[:50])
    return render(
        request,
        "web/home.jinja",
        {
            "returns": returns,
            "sections": sections(user),  # a card for each part the user may open
            "panels": [html for panel in HOME_PANELS if (html := panel(request))],
        },
    )


@public
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # dashboards_ready: the ICB and sub-ICB dashboards of the current data version are computed
    # (by the task worker; false while it is catching up or not running)
    return JsonResponse({"status": "ok", "dashboards_ready": top_dashboards_ready()})
