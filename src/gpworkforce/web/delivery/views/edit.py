"""Forms that add and change the delivery plan's workstreams, KPIs and initiatives (programme
office and analysts; audited by :func:`gpworkforce.web.delivery.actions.save_row`)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.web.delivery import actions, levers, services
from gpworkforce.web.delivery.forms import (
    InitiativeForm,
    KpiForm,
    MilestoneForm,
    WorkstreamForm,
    errors_of,
)
from gpworkforce.web.delivery.models import Initiative, KpiRecord, MilestoneRecord, Workstream
from gpworkforce.web.delivery.views.common import chosen_org, crumbs, editable_orgs, loader
from gpworkforce.web.permissions import Scope, guard
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import render

# kind -> (form, title of a new one, where a saved one is shown)
KINDS: dict[str, tuple[type[Any], str, str]] = {
    "workstream": (WorkstreamForm, "Add a workstream", "delivery-plan"),
    "kpi": (KpiForm, "Add a KPI", "delivery-kpi"),
    "initiative": (InitiativeForm, "Add an initiative", "delivery-initiatives"),
    "milestone": (MilestoneForm, "Add a milestone", "delivery-timeline"),
}
ROW_FIELDS = {
    "workstream": ("number", "name", "position", "owner", "start_year", "end_year"),
    "initiative": (
        "name", "national", "local", "lever", "funding", "lead", "status", "start", "end",
        "description", "outcomes", "assumed_wte", "arrived_wte",
    ),
    "milestone": ("name", "due", "done"),
}  # fmt: skip


def _initial(kind: str, obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if kind == "kpi":
        return KpiForm.initial_from(obj)
    out = {f: getattr(obj, f) for f in ROW_FIELDS[kind]}
    if kind == "workstream":
        out |= {
            "actions": "\n".join(obj.actions),
            "success_measures": "\n".join(obj.success_measures),
            "kpi_text": "\n".join(obj.kpi_text),
        }
    else:
        out["workstream"] = str(obj.workstream_id or "")
    if kind == "initiative":
        for f in ("run", "comparison_run", "arrived_kpi"):
            out[f] = str(getattr(obj, f"{f}_id") or "")
    return out


def _form(kind: str, org: str, data: Any, obj: Any) -> django_forms.Form:
    form_class = KINDS[kind][0]
    extra = {"current_funding": obj.funding} if kind == "initiative" and obj is not None else {}
    return form_class(data, org=org, initial=_initial(kind, obj), **extra)  # type: ignore[no-any-return]


def _page(request: HttpRequest, kind: str, org: str, obj: Any) -> HttpResponse:
    form = _form(kind, org, request.POST if request.method == "POST" else None, obj)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                if kind == "milestone":
                    saved = actions.save_milestone(
                        actor=request.user,
                        org_code=org,
                        milestone_id=obj.pk if obj is not None else None,
                        values=form.values(),  # type: ignore[attr-defined]
                        today=services.today(),
                    )
                else:
                    saved = actions.save_row(
                        actor=request.user,
                        kind=kind,
                        org_code=org,
                        row_id=obj.pk if obj is not None else None,
                        values=form.values(),  # type: ignore[attr-defined]
                    )
            except actions.FieldError as exc:
                errors = [{"text": exc.message, "href": f"#{exc.field}" if exc.field else "#"}]
            else:
                if kind == "initiative":
                    levers.ask(saved)
                messages.success(request, "Saved. The change is in the audit log.")
                target = KINDS[kind][2]
                if kind == "kpi":
                    return redirect(target, kpi_id=saved.pk)
                return redirect(target)
        else:
            errors = errors_of(form)
    title = KINDS[kind][1] if obj is None else f"Change {_said(kind, obj)}"
    return render(
        request,
        "delivery/edit.jinja",
        {
            "form": form,
            "kind": kind,
            "title": title,
            "errors": errors,
            "org": org,
            "orgs": editable_orgs(request) if obj is None else [],
            "obj": obj,
        },
        status=400 if errors else 200,
        breadcrumbs=crumbs(("Delivery plan", reverse("delivery-plan"))),
    )


def _said(kind: str, obj: Any) -> str:
    if kind == "workstream":
        return f"workstream {obj.number}. {obj.name}"
    if kind == "kpi":
        return f"KPI {obj.ref} {obj.name}"
    if kind == "milestone":
        return f"milestone {obj.name}"
    return f"initiative {obj.name}"


def _new(kind: str) -> Any:
    @guard(Permission.EDIT_DELIVERY)
    def view(request: HttpRequest) -> HttpResponse:
        org = chosen_org(request)
        if org not in {c for c, _l in editable_orgs(request)}:
            org = request.user.organisation_id or ""
        return _page(request, kind, org, None)

    view.__name__ = f"{kind}_new"
    return view


def _edit(kind: str, model: Any, key: str, org_field: str = "organisation_id") -> Any:
    @guard(Permission.EDIT_DELIVERY, loader(model, key, org_field))
    def view(request: HttpRequest, scope: Scope, **_kwargs: Any) -> HttpResponse:
        return _page(request, kind, scope.org_code, scope.obj)

    view.__name__ = f"{kind}_edit"
    return view


workstream_new = _new("workstream")
workstream_edit = _edit("workstream", Workstream, "workstream_id")
kpi_new = _new("kpi")
kpi_edit = _edit("kpi", KpiRecord, "kpi_id")
initiative_new = _new("initiative")
initiative_edit = _edit("initiative", Initiative, "initiative_id")
milestone_new = _new("milestone")
milestone_edit = _edit("milestone", MilestoneRecord, "milestone_id", "workstream__organisation_id")
