"""The audit log: events about the organisations the user may see, newest first."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from gpworkforce.web.models import AuditEvent
from gpworkforce.web.permissions import guard, visible_codes
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render


@guard(Permission.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    codes = visible_codes(request.user)
    events = AuditEvent.objects.filter(organisation_code__in=codes).order_by("-at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.jinja", {"page": page}, breadcrumbs=[home_crumb()])
