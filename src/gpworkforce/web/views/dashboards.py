"""Baseline dashboards at any level the user may see, with CSV/XLSX downloads of every table.

The figures are computed by a background task per dashboard and data version
(:mod:`gpworkforce.web.jobs.tasks`); a page never computes them. It shows the current figures,
or the previous ones marked "being updated" (refreshing itself) while the task runs, or says
the task failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import threading
from typing import Any

from django.core.cache import caches
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import get_template
from django.urls import reverse
from markupsafe import escape

from gpworkforce import exports, labels
from gpworkforce.web import dashboard_html
from gpworkforce.web.dashboards import Dashboard
from gpworkforce.web.jobs import figures, tasks
from gpworkforce.web.models import Organisation, children_codes, organisation, organisations
from gpworkforce.web.orgscope import looks_like_code
from gpworkforce.web.permissions import Scope, guard, has_permission, scope_version
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render


def load_org(request: HttpRequest, org_code: str, **_: Any) -> Scope:
    if not looks_like_code(org_code):
        raise Http404("no such organisation")  # not a code: never sent to the database
    org = organisation(org_code.upper(), scope_version(request.user))
    if org is None:
        raise Http404("no such organisation")
    return Scope(org, org.code, _period(request))


def _period(request: HttpRequest) -> dt.date | None:
    """The ``period`` parameter: absent or empty (the default census date) or an ISO date;
    anything else is a bad request (whether there are figures for it is checked by the view,
    after the permission check)."""
    text = request.GET.get("period", "")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) == 10 else _bad_period(text)
    except ValueError:
        return _bad_period(text)


def _bad_period(text: str) -> dt.date:
    raise BadRequest(f"period must be a date like 2017-09-30, got {text[:40]!r}")


def _check_period(on: dt.date | None, periods: tuple[dt.date, ...]) -> None:
    """A census date asked for must be one there are figures for (else 404): no task is ever
    queued for a date nobody can have data for."""
    if on is not None and on not in periods:
        raise Http404("no figures for that date")


def _children(org: Organisation, on: dt.date | None, user: Any) -> list[Organisation]:
    on = on or dt.date.today()
    version = scope_version(user)
    kids = organisations(children_codes(org.code, on, version), version).values()
    return sorted(
        (k for k in kids if has_permission(user, Permission.VIEW_DASHBOARD, k.code, on)),
        key=lambda k: (k.type, k.name),
    )


@guard(Permission.VIEW_DASHBOARD, load_org)
def dashboard(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    """The dashboard's page. Writes nothing (unless the dashboard was never computed, when the
    first view enqueues its task): the page is rendered once per kind of viewer, organisation,
    figures shown and their state, in this process's memory, and served from there."""
    org: Organisation = scope.obj
    known = tasks.periods()
    _check_period(scope.on, known[1])  # before anything can be enqueued for that date
    seen = tasks.look(org.code, scope.on, known)
    if seen.census is not None:
        figures.count_view(org.code, seen.census)
    can_download = has_permission(request.user, Permission.DOWNLOAD_TABLE)
    user = request.user
    # The page depends on the viewer only through their role, organisation (header navigation,
    # drill-down links they may follow) and user name (header): rendered once per kind of viewer,
    # organisation and figures shown, with the user name put in per response.
    kind = "body" if getattr(request, "htmx", False) else "page"
    page_key = _hashed(
        f"{kind}:{user.role}:{user.organisation_id}:{org.code}:{org.name}:{seen.census}:"
        f"{seen.figures}:{seen.shown}:{seen.attempts}:{seen.versions.token}:"
        f"{seen.versions.registry}:{seen.periods}:{can_download}"
    )
    pages = caches["local"]
    pending_messages = "messages" in request.COOKIES or "_messages" in request.session
    content = None if pending_messages else pages.get(page_key)
    if content is None and not pending_messages:
        # one thread of this process renders a page missing from memory; the others that want
        # it meanwhile wait and then serve it (after a data change, or in a new process, every
        # viewer of a dashboard arrives at once: each rendering it would multiply the work)
        with _rendering(page_key):
            content = pages.get(page_key)
            if content is None:
                content = _render(request, org, seen, kind, page_key, can_download)
    elif content is None:
        content = _render(request, org, seen, kind, None, can_download)
    if isinstance(content, HttpResponse):  # a page with the user's messages: never kept
        return content
    if kind == "body":
        return _marked(HttpResponse(content), seen)
    return _marked(_with_account_name(content, user, str(request.csp_nonce)), seen)


_RENDER_LOCKS = tuple(threading.Lock() for _ in range(64))


def _rendering(page_key: str) -> threading.Lock:
    """The lock a thread holds while it renders the page ``page_key`` (one of a fixed set: two
    pages rarely share one, and no lock is ever made or dropped)."""
    return _RENDER_LOCKS[int(page_key[-8:], 16) % len(_RENDER_LOCKS)]


def _render(
    request: HttpRequest,
    org: Organisation,
    seen: tasks.Look,
    kind: str,
    page_key: str | None,
    can_download: bool,
) -> bytes | HttpResponse:
    """The dashboard's page (or its body) with marks for the user name and the CSP nonce, kept
    in this process's memory under ``page_key`` if it can be; ``page_key`` None: a page showing
    the user's messages, returned as the response itself and never kept."""
    user = request.user
    if seen.census is not None and seen.figures:  # figures and tables' HTML in one read
        figures.prefetch(org.code, seen.census, seen.figures, can_download)
    dash, cacheable = _figures(org, seen)
    body = _body_html(org, dash, seen.attempts, can_download)
    if kind == "body":
        content = body.encode()
    else:
        ctx = {
            "org": org,
            "dash": dash,
            "body_html": body,
            "children": _children(org, dash.census, user),
            "period_param": dash.census.isoformat() if dash.census else "",
            "account_name": ACCOUNT_MARK,
        }
        response = render(request, "web/dashboard.jinja", ctx, breadcrumbs=[home_crumb()])
        if page_key is None:
            return _marked(_with_account_name(response.content, user), seen)
        # this response's CSP nonce stands as a mark in the cached page (each its own)
        content = response.content.replace(str(request.csp_nonce).encode(), NONCE_MARK.encode())
    if cacheable and page_key is not None:
        caches["local"].set(page_key, content)
    return content


def figures_shown(org: Organisation, on: dt.date | None) -> Dashboard:
    """The figures a page of the dashboard shows, marked being updated or failed (the census
    date checked first: a 404 for one without figures); writes nothing, as :func:`dashboard`."""
    known = tasks.periods()
    _check_period(on, known[1])
    dash, _ = _figures(org, tasks.look(org.code, on, known))
    return dash


def _figures(org: Organisation, seen: tasks.Look) -> tuple[Dashboard, bool]:
    """The figures a page shows, marked with their state; whether the page can be kept (not if
    the figures it points at have just been replaced: the next view finds the new ones)."""
    dash = None
    if seen.census is not None and seen.figures:
        dash = figures.get(org.code, seen.census, seen.figures)
    cacheable = dash is not None or not seen.figures
    if dash is None:
        message = "" if seen.census is not None else "No figures have been loaded yet."
        dash = Dashboard(org.code, seen.census, seen.periods, (), message)
    return (
        dataclasses.replace(
            dash,
            periods=seen.periods,
            updating=seen.shown == "updating" or not cacheable,
            failed=seen.shown == "failed",
        ),
        cacheable,
    )


def _marked(response: HttpResponse, seen: tasks.Look) -> HttpResponse:
    """Which data version the figures shown hold for (current ones: the current version), for
    monitoring and the load benchmark's currency measure."""
    response[FIGURES_HEADER] = (
        f"current; version={seen.versions.key}" if seen.shown == "current" else seen.shown
    )
    return response


FIGURES_HEADER = "X-Dashboard-Figures"
# Stands for the signed-in user's name in a cached page (random per process, so no data can
# contain it; letters and digits only, so escaping leaves it as it is).
ACCOUNT_MARK = "gpwaccount" + secrets.token_hex(12)
# Stands for the response's Content-Security-Policy nonce in a cached page (likewise).
NONCE_MARK = "gpwnonce" + secrets.token_hex(12)


def _hashed(text: str) -> str:
    """A cache key for any text (organisation names have spaces)."""
    return "gpw-page:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _with_account_name(content: bytes, user: Any, nonce: str = "") -> HttpResponse:
    name = str(escape(user.get_username())).encode()
    content = content.replace(ACCOUNT_MARK.encode(), name)
    if nonce:  # reading request.csp_nonce also puts it in this response's header
        content = content.replace(NONCE_MARK.encode(), nonce.encode())
    return HttpResponse(content)


def _body_html(org: Organisation, dash: Dashboard, attempts: int, can_download: bool) -> str:
    """The task's state (being updated, failed) and the tables and charts (rendered by the
    dashboard's task; rendered here only for figures that have none, e.g. no census date)."""
    tables = None
    if dash.census is not None and dash.version:
        tables = figures.tables_html(org.code, dash.census, dash.version, can_download)
    if tables is None:
        tables = dashboard_html.tables_html(dash, can_download)
    period = dash.census.isoformat() if dash.census else ""
    refresh = reverse("dashboard", args=[org.code]) + (f"?period={period}" if period else "")
    return get_template("web/_dashboard_body.jinja").render(
        {
            "dash": dash,
            "tables_html": tables,
            "attempts": attempts,
            "refresh_url": refresh,
        }
    )


@guard(Permission.DOWNLOAD_TABLE, load_org)
def download(
    request: HttpRequest, scope: Scope, org_code: str, table_key: str, fmt: str
) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("no such format")
    known = tasks.periods()
    _check_period(scope.on, known[1])
    seen = tasks.look(scope.obj.code, scope.on, known)
    dash = None
    if seen.shown == "current" and seen.census is not None and seen.figures:
        dash = figures.get(scope.obj.code, seen.census, seen.figures)
    if dash is None:
        return render(
            request,
            "web/error.jinja",
            {
                "heading": "These figures are being updated",
                "body": "Go back to the dashboard: the download is there once they are ready.",
            },
            status=503,
        )
    table = dash.table(table_key)
    if table is None:
        raise Http404("no such table")
    stem = f"{scope.obj.code}-{dash.census}-{table.key}"
    if fmt == "csv":
        response = HttpResponse(
            exports.csv_bytes(labels.readable(table)), content_type="text/csv; charset=utf-8"
        )
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
