"""Helpers shared by the delivery pages: loaders for the guard, form values, organisation choices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest

from gpworkforce.reports.model import ReportChart
from gpworkforce.reports.svg import chart_svg
from gpworkforce.web.delivery.actions import FieldError
from gpworkforce.web.permissions import Scope, has_permission, visible_organisations
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb


def loader(
    model: type[Model], key: str, org_field: str = "organisation_id"
) -> Callable[..., Scope]:
    """A guard loader: the object by primary key, scoped by its organisation (404 if unknown)."""

    def load(request: HttpRequest, **kwargs: Any) -> Scope:
        obj = model._default_manager.filter(pk=kwargs[key]).first()
        if obj is None:
            raise Http404("not found")
        org: Any = obj
        for part in org_field.split("__"):
            org = getattr(org, part)
        return Scope(obj, str(org))

    return load


def form_date(
    request: HttpRequest, field: str, label: str, *, required: bool = True
) -> dt.date | None:
    text = request.POST.get(field, "").strip()
    if not text:
        if required:
            raise FieldError(f"Enter the {label}", field)
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FieldError(f"The {label} must be a real date, like 2017-10-31", field)


def form_score(request: HttpRequest, field: str, label: str) -> int:
    text = request.POST.get(field, "").strip()
    if text not in {"1", "2", "3", "4", "5"}:
        raise FieldError(f"Choose the {label}, from 1 to 5", field)
    return int(text)


def form_number(request: HttpRequest, field: str, label: str) -> float:
    text = request.POST.get(field, "").strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise FieldError(f"The {label} must be a number, like 42.5", field) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(f"The {label} must be a number, like 42.5", field)
    return value


def field_errors(exc: FieldError) -> list[dict[str, str]]:
    return [{"text": exc.message, "href": f"#{exc.field}" if exc.field else "#"}]


def editable_orgs(request: HttpRequest) -> list[tuple[str, str]]:
    """Organisations (not practices) the user may edit the registers of, their own first."""
    user = request.user
    if not has_permission(user, Permission.EDIT_DELIVERY):
        return []
    orgs = visible_organisations(user).exclude(type="practice").order_by("type", "code")
    own = [o for o in orgs if o.code == user.organisation_id]
    rest = [o for o in orgs if o.code != user.organisation_id]
    return [(o.code, f"{o.name} ({o.code})") for o in [*own, *rest]]


def chosen_org(request: HttpRequest, field: str = "organisation") -> str:
    code = (
        request.POST.get(field) or request.GET.get(field) or request.user.organisation_id or ""
    ).strip()
    if not has_permission(request.user, Permission.VIEW_DELIVERY, code):
        raise Http404("not found")
    return code


def crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [home_crumb(), *extra]


def svg(chart: ReportChart) -> str:
    return chart_svg(chart)


def can(request: HttpRequest, permission: Permission, org: str | None = None) -> bool:
    return has_permission(request.user, permission, org)


def as_at(request: HttpRequest) -> dt.date:
    """The day a read-only page is shown for: ``?on=YYYY-MM-DD`` (to see the plan as a board saw
    it on an earlier date), else today. Writes always use today."""
    from gpworkforce.web.delivery.services import today

    text = request.GET.get("on", "").strip()
    try:
        on = dt.date.fromisoformat(text) if text else today()
    except ValueError:
        return today()
    return on if 2000 <= on.year <= 2100 else today()
