"""Baseline dashboards at any level the user may see, with CSV/XLSX downloads of every table."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import get_template
from django.urls import reverse
from markupsafe import escape

from gpworkforce import exports
from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column
from gpworkforce.web.dashboards import Dashboard, build_dashboard, page_store
from gpworkforce.web.dashboards import pages as memo
from gpworkforce.web.models import Organisation, ParentLink
from gpworkforce.web.models.orgs import registry_version
from gpworkforce.web.permissions import Scope, guard, has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render


def load_org(request: HttpRequest, org_code: str, **_: Any) -> Scope:
    org = Organisation.objects.filter(code=org_code.upper()).first()
    if org is None:
        raise Http404("no such organisation")
    return Scope(org, org.code, _period(request))


def _period(request: HttpRequest) -> dt.date | None:
    text = request.GET.get("period", "")
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _children(org: Organisation, on: dt.date | None, user: Any) -> list[Organisation]:
    on = on or dt.date.today()
    codes = ParentLink.objects.filter(ParentLink.in_force_q(on), parent=org).values_list(
        "child_id", flat=True
    )
    kids = Organisation.objects.filter(code__in=list(codes)).order_by("type", "name")
    return [k for k in kids if has_permission(user, Permission.VIEW_DASHBOARD, k.code, on)]


def _table_view(table: Any) -> dict[str, Any]:
    frame = table.frame
    return {
        "key": table.key,
        "title": table.title,
        "columns": [str(c) for c in frame.columns],
        "numeric": [is_numeric_column(frame, c) for c in frame.columns],
        "rows": display_rows(frame, dict(table.decimals)),
        "notes": table.notes,
        "sources": table.sources,
    }


@guard(Permission.VIEW_DASHBOARD, load_org)
def dashboard(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org: Organisation = scope.obj
    dash: Dashboard = build_dashboard(org.code, scope.on, allow_stale=True)
    can_download = has_permission(request.user, Permission.DOWNLOAD_TABLE)
    body = _body_html(org, dash, can_download)
    if getattr(request, "htmx", False):
        return HttpResponse(body)
    # The page depends on the viewer only through their role, organisation (header navigation,
    # drill-down links they may follow) and user name (header): rendered once per kind of viewer,
    # organisation and data version, with the user name put in per response.
    user = request.user
    page_key = (
        f"gpw-web:page:{user.role}:{user.organisation_id}:{org.code}:{org.name}:{dash.census}:"
        f"{dash.version}:{dash.updating}:{registry_version()}:{can_download}"
    )
    pending_messages = "messages" in request.COOKIES or "_messages" in request.session
    content = None if pending_messages else memo.get(page_key)
    if content is None:
        ctx = {
            "org": org,
            "dash": dash,
            "body_html": body,
            "children": _children(org, dash.census, user),
            "period_param": dash.census.isoformat() if dash.census else "",
            "account_name": ACCOUNT_MARK,
        }
        response = render(request, "web/dashboard.jinja", ctx, breadcrumbs=[home_crumb()])
        if pending_messages:
            return _with_account_name(response.content, user)
        content = response.content
        memo.set(page_key, content)
    return _with_account_name(content, user)


# Stands for the signed-in user's name in a cached page (random per process, so no data can
# contain it; letters and digits only, so escaping leaves it as it is).
ACCOUNT_MARK = "gpwaccount" + secrets.token_hex(12)


def _with_account_name(content: bytes, user: Any) -> HttpResponse:
    name = str(escape(user.get_username())).encode()
    return HttpResponse(content.replace(ACCOUNT_MARK.encode(), name))


def _body_html(org: Organisation, dash: Dashboard, can_download: bool) -> str:
    """The tables and charts as HTML, rendered once per data version (the same for every
    permitted viewer of this organisation with the same download right), shared by the server's
    processes like the figures."""
    key = (
        f"gpw-web:body:{org.code}:{dash.census}:{dash.version}:{dash.updating}:{org.name}:"
        f"{can_download}"
    )
    html = page_store.get(key)
    if not isinstance(html, str):
        html = get_template("web/_dashboard_body.jinja").render(
            {
                "org": org,
                "dash": dash,
                "tables": [_table_view(t) for t in dash.tables],
                "charts": dash.charts,
                "na_meaning": NA_MEANING,
                "can_download": can_download,
                "period_param": dash.census.isoformat() if dash.census else "",
            }
        )
        page_store.set(key, html)
    return html


@guard(Permission.DOWNLOAD_TABLE, load_org)
def download(
    request: HttpRequest, scope: Scope, org_code: str, table_key: str, fmt: str
) -> HttpResponse:
    dash = build_dashboard(scope.obj.code, scope.on)
    table = dash.table(table_key)
    if table is None or fmt not in ("csv", "xlsx"):
        raise Http404("no such table")
    stem = f"{scope.obj.code}-{dash.census}-{table.key}"
    if fmt == "csv":
        response = HttpResponse(exports.csv_bytes(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.xlsx_bytes([table]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_url(org_code: str, key: str, fmt: str, period: str) -> str:
    url = reverse("dashboard-download", args=[org_code, key, fmt])
    return f"{url}?period={period}" if period else url
