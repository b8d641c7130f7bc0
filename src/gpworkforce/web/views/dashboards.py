"""Baseline dashboards (placeholder until the baseline library lands)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from gpworkforce.web.models import Organisation
from gpworkforce.web.permissions import Scope, guard
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render


def load_org(request: HttpRequest, org_code: str, **_: Any) -> Scope:
    org = Organisation.objects.filter(code=org_code.upper()).first()
    if org is None:
        raise Http404("no such organisation")
    return Scope(org, org.code, None)


@guard(Permission.VIEW_DASHBOARD, load_org)
def dashboard(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    return render(
        request, "web/dashboard.jinja", {"org": scope.obj, "tables": []}, breadcrumbs=[home_crumb()]
    )


@guard(Permission.DOWNLOAD_TABLE, load_org)
def download(
    request: HttpRequest, scope: Scope, org_code: str, table_key: str, fmt: str
) -> HttpResponse:
    raise Http404("no such table")
