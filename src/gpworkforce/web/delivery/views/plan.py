"""Pages under /delivery/: the plan with KPIs and RAG, a KPI, the timeline, the initiatives
(LLR Table 16), the board summary and the registers' import and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce import labels
from gpworkforce.delivery.charts import marks_day, timeline_chart
from gpworkforce.delivery.kpis import Rag
from gpworkforce.delivery.measures import BASELINE_MEASURES, MEASURE_KIND_LABELS
from gpworkforce.delivery.plan import CellStatus, overdue_milestones
from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.web.delivery import actions, levers, registers_io, services
from gpworkforce.web.delivery.models import Initiative, KpiRecord, MilestoneRecord, TimelineEntry
from gpworkforce.web.delivery.views.common import (
    as_at,
    can,
    chosen_org,
    crumbs,
    editable_orgs,
    field_errors,
    form_date,
    form_number,
    loader,
    svg,
)
from gpworkforce.web.permissions import Scope, guard, has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import issue_errors, render

RAG_LABELS = {
    Rag.RED.value: "Red",
    Rag.AMBER.value: "Amber",
    Rag.GREEN.value: "Green",
    Rag.NOT_REPORTED.value: "Not reported",
}
RAG_TAGS = {
    Rag.RED.value: "nhsuk-tag--red",
    Rag.AMBER.value: "nhsuk-tag--orange",
    Rag.GREEN.value: "nhsuk-tag--green",
    Rag.NOT_REPORTED.value: "nhsuk-tag--grey",
}
LEVER_LABELS = {
    "international_recruits": "International recruits joining",
    "returners": "GPs returning to practice",
    "leaving_rates": "GP leaving rates",
    "locum_conversion": "Locums moving to salaried posts",
    "trainee_retention": "Registrars staying after training",
}


def measured_by(kpi: KpiRecord) -> str:
    """What a KPI's values come from, in words."""
    kind = kpi.measure_kind
    org = kpi.measure_org or kpi.organisation_id
    if kind == "baseline":
        spec = BASELINE_MEASURES.get(kpi.measure)
        what = spec.label if spec is not None else "an unknown baseline measure"
        return f"{what} of {org_name(org)}, from the baseline (computed by the tool)"
    if kind == "plan-variance":
        group = labels.staff_group(kpi.staff_group or "gp")
        return (
            f"the variance of the plan '{kpi.measure}' of {org_name(org)} for {group}: "
            "actual minus plan (computed by the tool)"
        )
    if kind == "spend":
        return (
            f"{MEASURE_KIND_LABELS['spend'].lower()} of {kpi.measure or 'all organisations'}, "
            "from the finance allocations register (computed by the tool)"
        )
    if kind == "response-rate":
        return f"the collection rounds' response rate for {org_name(org)} (computed by the tool)"
    return MEASURE_KIND_LABELS["entered"].lower()


def org_name(code: str) -> str:
    from gpworkforce.web.models import Organisation

    return Organisation.objects.filter(code=code).values_list("name", flat=True).first() or code


def _plan_crumb() -> tuple[str, str]:
    return ("Delivery plan", reverse("delivery-plan"))


def _ctx(**extra: Any) -> dict[str, Any]:
    return {"rag_labels": RAG_LABELS, "rag_tags": RAG_TAGS, **extra}


@guard(Permission.VIEW_DELIVERY)
def plan(request: HttpRequest) -> HttpResponse:
    today = as_at(request)
    statuses = services.kpi_statuses(services.kpis_for(request.user), today)
    by_ws = services.statuses_by_workstream(statuses)
    workstreams = list(services.workstreams_for(request.user))
    rows = []
    for w in workstreams:
        ms = list(w.milestones.all())
        rows.append(
            {
                "w": w,
                "kpis": by_ws.get(w.pk, []),
                "overdue": [m for m in ms if m.overdue_days(today) > 0],
                "milestones": ms,
            }
        )
    counts = {r: sum(1 for s in statuses if s.result.rag.value == r) for r in RAG_LABELS}
    return render(
        request,
        "delivery/plan.jinja",
        _ctx(
            rows=rows,
            unassigned=by_ws.get(None, []),
            counts=counts,
            total=len(statuses),
            today=today,
            can_edit=can(request, Permission.EDIT_DELIVERY),
            real_today=services.today(),
        ),
        breadcrumbs=crumbs(),
    )


load_kpi = loader(KpiRecord, "kpi_id")


def _kpi_page(
    request: HttpRequest, kpi: KpiRecord, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    today = services.today()
    kpi = services.kpis_for(request.user).get(pk=kpi.pk)
    status = services.kpi_status(kpi, today)
    overrides = []
    for o in kpi.overrides.all():
        d = o.to_domain()
        state = (
            "in force"
            if d.active(today)
            else (
                "withdrawn"
                if o.withdrawn_on and o.withdrawn_on <= o.expires
                else ("expired" if today > d.expires else "not yet in force")
            )
        )
        overrides.append({"o": o, "state": state})
    return render(
        request,
        "delivery/kpi.jinja",
        _ctx(
            kpi=kpi,
            status=status,
            values=list(kpi.values.all()),
            computed=services.kpi_values(kpi) if kpi.measure_kind != "entered" else [],
            measured_by=measured_by(kpi),
            overrides=overrides,
            today=today,
            can_edit=has_permission(request.user, Permission.EDIT_DELIVERY, kpi.organisation_id),
            post=request.POST if errors else {},
            errors=errors or [],
        ),
        status=400 if errors else 200,
        breadcrumbs=crumbs(_plan_crumb()),
    )


@guard(Permission.VIEW_DELIVERY, load_kpi)
def kpi_detail(request: HttpRequest, scope: Scope, kpi_id: int) -> HttpResponse:
    return _kpi_page(request, scope.obj)


def _kpi_action(request: HttpRequest, scope: Scope, do: Any, done: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        do()
    except actions.FieldError as exc:
        return _kpi_page(request, scope.obj, field_errors(exc))
    messages.success(request, done)
    return redirect("delivery-kpi", kpi_id=scope.obj.pk)


@guard(Permission.EDIT_DELIVERY, load_kpi)
def kpi_value(request: HttpRequest, scope: Scope, kpi_id: int) -> HttpResponse:
    def do() -> None:
        today = services.today()
        actions.record_kpi_value(
            actor=request.user,
            kpi_id=kpi_id,
            period_end=form_date(request, "period_end", "period end"),  # type: ignore[arg-type]
            value=form_number(request, "value", "value"),
            source=request.POST.get("source", ""),
            today=today,
        )
        services.refresh_proposals(request.user, scope.org_code, today)

    return _kpi_action(request, scope, do, "Value recorded; the RAG has been recomputed.")


@guard(Permission.EDIT_DELIVERY, load_kpi)
def kpi_override(request: HttpRequest, scope: Scope, kpi_id: int) -> HttpResponse:
    def do() -> None:
        actions.override_kpi(
            actor=request.user,
            kpi_id=kpi_id,
            rag=request.POST.get("rag", ""),
            reason=request.POST.get("reason", ""),
            expires=form_date(request, "expires", "expiry date"),  # type: ignore[arg-type]
            today=services.today(),
        )

    return _kpi_action(request, scope, do, "Override set. It ends on its expiry date.")


@guard(Permission.EDIT_DELIVERY, load_kpi)
def kpi_withdraw(request: HttpRequest, scope: Scope, kpi_id: int) -> HttpResponse:
    def do() -> None:
        actions.withdraw_override(actor=request.user, kpi_id=kpi_id, today=services.today())

    return _kpi_action(request, scope, do, "Override withdrawn; the computed RAG shows again.")


@guard(
    Permission.EDIT_DELIVERY, loader(MilestoneRecord, "milestone_id", "workstream__organisation_id")
)
def milestone_done(request: HttpRequest, scope: Scope, milestone_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        actions.milestone_done(
            actor=request.user,
            milestone_id=milestone_id,
            done=form_date(request, "done", "date done"),  # type: ignore[arg-type]
            today=services.today(),
        )
    except actions.FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Milestone marked done: {scope.obj.name}")
    return redirect("delivery-timeline")


@guard(Permission.VIEW_DELIVERY)
def timeline(request: HttpRequest) -> HttpResponse:
    today = as_at(request)
    entries = list(
        services.scoped(
            TimelineEntry.objects.select_related("workstream"),
            request.user,
            "workstream__organisation_id",
        )
    )
    cells = [e.to_domain() for e in entries]
    marker = "Today" if today == services.today() else "As at"
    chart = svg(timeline_chart(cells, today, marker=marker)) if cells else ""
    periods = sorted({(e.start, e.period) for e in entries})
    grid: dict[tuple[int, str], str] = {(e.workstream.number, e.period): e.status for e in entries}
    names = {e.workstream.number: e.detail for e in entries}
    overdue = overdue_milestones(cells, today)
    milestones = list(
        services.scoped(
            MilestoneRecord.objects.select_related("workstream"),
            request.user,
            "workstream__organisation_id",
        ).order_by("due")
    )
    return render(
        request,
        "delivery/timeline.jinja",
        _ctx(
            chart=chart,
            marked=marks_day(cells, today),
            outside=(
                "after the plan's last period"
                if cells and today > max(c.end for c in cells)
                else "before the plan's first period"
            ),
            periods=[p for _s, p in periods],
            grid=grid,
            names=sorted(names.items()),
            overdue=overdue,
            milestones=milestones,
            today=today,
            statuses=[s.value for s in CellStatus],
            can_edit=can(request, Permission.EDIT_DELIVERY),
            real_today=services.today(),
        ),
        breadcrumbs=crumbs(_plan_crumb()),
    )


def _funding(schemes: set[str], user: Any) -> dict[str, dict[str, Any]]:
    """What the finance pages' funding register holds for each scheme, within the user's
    organisations: total known amount, years, statuses, and the organisation that holds it."""
    from gpworkforce.web.finance.models import FundingRecord

    out: dict[str, dict[str, Any]] = {}
    rows = FundingRecord.objects.filter(
        scheme__in=sorted(schemes), owner_id__in=services.visible_codes(user)
    )
    for r in rows:
        f = out.setdefault(
            r.scheme, {"total": 0.0, "years": set(), "statuses": set(), "owner": r.owner_id}
        )
        f["total"] += r.amount_gbp or 0.0
        f["years"].add(r.financial_year)
        f["statuses"].add(r.get_status_display().lower())
    return out


@guard(Permission.VIEW_DELIVERY)
def initiatives(request: HttpRequest) -> HttpResponse:
    items = list(
        services.scoped(
            Initiative.objects.select_related("workstream", "run", "comparison_run", "arrived_kpi"),
            request.user,
        )
    )
    for i in items:
        levers.ask(i)  # worked out by the task worker when due (never in the request)
    today = services.today()
    wte = {i.pk: levers.initiative_wte(i, today) for i in items}
    funding = _funding({i.funding for i in items if i.funding}, request.user)
    return render(
        request,
        "delivery/initiatives.jinja",
        _ctx(
            national=[i for i in items if i.national],
            local=[i for i in items if i.local],
            items=items,
            lever_labels=LEVER_LABELS,
            wte=wte,
            wte_measured=[
                i.pk for i in items if wte[i.pk].status or i.arrived_kpi_id or wte[i.pk].assumed
            ],
            can_scenarios=can(request, Permission.VIEW_SCENARIO),
            funding=funding,
            can_finance=can(request, Permission.VIEW_FINANCE),
            can_edit=can(request, Permission.EDIT_DELIVERY),
        ),
        breadcrumbs=crumbs(_plan_crumb()),
    )


@guard(Permission.VIEW_DELIVERY)
def board(request: HttpRequest) -> HttpResponse:
    today = as_at(request)
    summary = services.board_summary(request.user, today)
    return render(
        request,
        "delivery/board.jinja",
        _ctx(
            s=summary,
            today=today,
            real_today=services.today(),
            recent_days=services.BOARD_RECENT_DAYS,
        ),
        breadcrumbs=crumbs(_plan_crumb()),
    )


@guard(Permission.VIEW_DELIVERY)
def registers(request: HttpRequest) -> HttpResponse:
    errors: list[dict[str, str]] = []
    orgs = editable_orgs(request)
    if request.method == "POST":
        if not has_permission(request.user, Permission.EDIT_DELIVERY):
            raise PermissionDenied("your role may not edit the delivery registers")
        register = request.POST.get("register", "")
        org = request.POST.get("organisation", "")
        upload = request.FILES.get("file")
        if register not in registers_io.IMPORTABLE:
            errors = [{"text": "Choose which register the file holds", "href": "#register"}]
        elif org not in {c for c, _l in orgs}:
            errors = [
                {"text": "Choose an organisation whose registers you edit", "href": "#organisation"}
            ]
        elif upload is None:
            errors = [{"text": "Choose a CSV or XLSX file to import", "href": "#file"}]
        else:
            try:
                result = registers_io.import_register(
                    request.user, register, org, upload.name, upload.read()
                )
            except ValidationFailed as exc:
                errors = [
                    {"text": exc.summary, "href": "#file"},
                    *issue_errors(exc.issues[:50], "#file"),
                ]
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#file"}]
            else:
                messages.success(
                    request, f"{registers_io.REGISTER_LABELS[register]} imported: {result}."
                )
                return redirect("delivery-registers")
    return render(
        request,
        "delivery/registers.jinja",
        {
            "labels": registers_io.REGISTER_LABELS,
            "importable": registers_io.IMPORTABLE,
            "register_choices": [("", "Choose")]
            + [(k, registers_io.REGISTER_LABELS[k]) for k in registers_io.IMPORTABLE],
            "orgs": orgs,
            "own": request.user.organisation_id,
            "errors": errors,
            "post": request.POST,
        },
        status=400 if errors else 200,
        breadcrumbs=crumbs(_plan_crumb()),
    )


@guard(Permission.VIEW_DELIVERY)
def register_export(request: HttpRequest, register: str, fmt: str) -> HttpResponse:
    if register not in registers_io.REGISTER_LABELS or fmt not in ("csv", "xlsx", "zip"):
        raise Http404("no such register")
    if fmt == "zip" and register != "maturity":
        raise Http404("only the maturity register is exported with its files")
    org = chosen_org(request)
    data = registers_io.export_bytes(register, org, fmt)
    kind = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip": "application/zip",
    }[fmt]
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{register}-{org}.{fmt}"'
    return response
