"""The plan pages (``/plans/``). Every view declares its permission and checks the plan's
organisation (out of scope: 404). Reading: analysts and board viewers (``view_plan``); writing:
analysts (``edit_plan``); a practice sees its own actuals against its share of the plans of the
organisations above it (``view_practice_plan``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gpworkforce import exports
from gpworkforce.errors import UserError
from gpworkforce.plans.io import dump_plan
from gpworkforce.plans.model import STAFF_GROUP_LABELS, StaffGroup, target_statement
from gpworkforce.web.models import Organisation, descendant_codes
from gpworkforce.web.permissions import Scope, guard, has_permission, visible_codes
from gpworkforce.web.plans import actions, alerts, imports, present
from gpworkforce.web.plans.forms import (
    CloseForm,
    ImportForm,
    RecalculationForm,
    ReviseForm,
    form_errors,
)
from gpworkforce.web.plans.models import Plan, PlanAlert, PlanState
from gpworkforce.web.plans.tracking import practice_tracking, scored, tracked
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render

PLAN_TYPES = ("icb", "sub_icb", "pcn", "practice")


def load_plan(request: HttpRequest, plan_id: int, **_: Any) -> Scope:
    plan = Plan.objects.select_related("organisation").filter(pk=plan_id).first()
    if plan is None:
        raise Http404("no such plan")
    return Scope(plan, plan.organisation_id)


def _crumbs(plan: Plan | None = None) -> list[tuple[str, str]]:
    out = [home_crumb(), ("Plans", reverse("plan-list"))]
    if plan is not None:
        out.append((plan.name, reverse("plan-detail", args=[plan.pk])))
    return out


def _org_choices(user: Any) -> list[tuple[str, str]]:
    orgs = Organisation.objects.filter(code__in=visible_codes(user), type__in=PLAN_TYPES)
    order = {t: i for i, t in enumerate(PLAN_TYPES)}
    return [
        (o.code, f"{o.name} ({o.code})")
        for o in sorted(orgs, key=lambda o: (order[o.type], o.name))
    ]


@guard(Permission.VIEW_PLAN)
def plan_list(request: HttpRequest) -> HttpResponse:
    codes = visible_codes(request.user)
    plans = list(
        Plan.objects.filter(organisation_id__in=codes)
        .select_related("organisation")
        .order_by("state", "organisation_id", "name")
    )
    open_counts: dict[int, int] = {}
    for a in alerts.open_alerts(request.user.organisation_id):
        open_counts[a.plan_id] = open_counts.get(a.plan_id, 0) + 1
    can_edit = has_permission(request.user, Permission.EDIT_PLAN)
    runs = []
    if can_edit:
        from gpworkforce.web.scenarios.models import Run

        runs = list(
            Run.objects.filter(status="done", organisation_id__in=codes)
            .select_related("organisation")
            .order_by("-finished_at", "-id")[:10]
        )
    return render(
        request,
        "plans/plan_list.jinja",
        {"plans": plans, "open_counts": open_counts, "can_edit": can_edit, "runs": runs},
        breadcrumbs=[home_crumb()],
    )


def _read_upload(upload: Any) -> bytes:
    content = upload.read(imports.MAX_UPLOAD_BYTES + 1)
    if len(content) > imports.MAX_UPLOAD_BYTES:
        raise imports.PlanInputError(
            [f"{upload.name}: must be at most {imports.MAX_UPLOAD_BYTES // 1024 // 1024} MB"]
        )
    return content


def _document(request: HttpRequest, data: dict[str, Any], name: str, reason: str) -> Any:
    """The uploaded file as a plan: TOML as it is, a spreadsheet as a one-trajectory plan."""
    upload = data["file"]
    content = _read_upload(upload)
    file_name = upload.name or "upload"
    if file_name.lower().endswith(".toml"):
        return imports.from_toml(content, file_name), file_name
    return (
        imports.from_spreadsheet(
            content,
            file_name,
            plan_name=name,
            trajectory_source=data.get("trajectory_source", ""),
            target_source=data.get("target_source", ""),
            reason=reason,
            today=timezone.localdate(),
            by=request.user.get_username(),
        ),
        file_name,
    )


@guard(Permission.EDIT_PLAN)
def plan_new(request: HttpRequest) -> HttpResponse:
    choices = _org_choices(request.user)
    errors: list[dict[str, str]] = []
    form = ImportForm(org_choices=choices)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, org_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            is_toml = (data["file"].name or "").lower().endswith(".toml")
            if not is_toml and not data["name"]:
                form.add_error("name", "Enter the plan's name (a spreadsheet does not give one)")
            else:
                reason = data["reason"] or "Plan as imported"
                try:
                    document, file_name = _document(request, data, data["name"], reason)
                    if data["name"] and is_toml:
                        document = document.model_copy(update={"name": data["name"]})
                    plan = actions.create_plan(
                        actor=request.user,
                        org_code=data["organisation"],
                        document=document,
                        imported_from=file_name,
                    )
                except imports.PlanInputError as exc:
                    errors = [{"text": p, "href": "#file"} for p in exc.problems]
                except UserError as exc:
                    errors = [{"text": exc.message, "href": "#file"}]
                else:
                    messages.success(request, f"Plan '{plan.name}' created as a draft.")
                    return redirect("plan-detail", plan_id=plan.pk)
        errors = form_errors(form) + errors
    return render(
        request,
        "plans/plan_new.jinja",
        {"form": form, "choices": choices, "errors": errors},
        status=400 if errors else 200,
        breadcrumbs=_crumbs(),
    )


def _fmt_periods(result: Any) -> list[dt.date]:
    if result is None:
        return []
    return sorted({r.date for g in result.groups for r in g.rows})


@guard(Permission.VIEW_PLAN, load_plan)
def plan_detail(request: HttpRequest, scope: Scope, plan_id: int) -> HttpResponse:
    plan: Plan = scope.obj
    state = tracked(plan)
    alerts.refresh_alerts(plan, state.tracking)
    result = state.tracking
    quarters, quarter_rows = ([], [])
    summary = []
    if result is not None:
        summary = present.summary_rows(result)
        quarters, quarter_rows = present.quarterly(state.plan, result)
    version = plan.tracked_version()
    open_alerts = PlanAlert.objects.filter(
        plan=plan, version=plan.adopted_version or 0, cleared_at__isnull=True
    ).order_by("staff_group", "period", "kind")
    can_edit = has_permission(request.user, Permission.EDIT_PLAN, plan.organisation_id)
    return render(
        request,
        "plans/plan_detail.jinja",
        {
            "plan": plan,
            "doc": state.plan,
            "version": version,
            "versions": list(plan.versions.order_by("-number")),  # type: ignore[attr-defined]
            "result": result,
            "problem": state.problem,
            "summary": summary,
            # the headline's staff group: GPs when the plan tracks them, else the first group
            "lead": next((r for r in summary if r.group is StaffGroup.GP), None)
            or (summary[0] if summary else None),
            # each target once, as the figures use it: what it is and where it comes from
            "targets": [
                (
                    t.staff_group,
                    target_statement(
                        state.plan,
                        t,
                        next((r.target for r in summary if r.group is t.staff_group), None),
                    ),
                )
                for t in state.plan.targets
            ],
            "quarters": quarters,
            "quarter_rows": quarter_rows,
            "alerts": list(open_alerts),
            "recalculations": list(plan.recalculations.all()),  # type: ignore[attr-defined]
            "periods": _fmt_periods(result),
            "can_edit": can_edit and plan.state != PlanState.CLOSED,
            "can_download": has_permission(request.user, Permission.DOWNLOAD_TABLE),
            "downloads": present.DOWNLOADS,
            "labels": STAFF_GROUP_LABELS,
        },
        breadcrumbs=_crumbs(),
    )


def _group(group: str) -> StaffGroup:
    try:
        return StaffGroup(group)
    except ValueError:
        raise Http404("no such staff group") from None


@guard(Permission.VIEW_PLAN, load_plan)
def plan_measure(request: HttpRequest, scope: Scope, plan_id: int, group: str) -> HttpResponse:
    plan: Plan = scope.obj
    staff_group = _group(group)
    state = tracked(plan)
    result = state.tracking
    g = present.group_of(result, staff_group) if result is not None else None
    if g is None and not any(t.staff_group is staff_group for t in state.plan.trajectories()):
        raise Http404("the plan has no trajectory for this staff group")
    spec = present.measure_spec(state.plan, result, staff_group) if g and g.rows else ""
    return render(
        request,
        "plans/plan_measure.jinja",
        {
            "plan": plan,
            "doc": state.plan,
            "label": STAFF_GROUP_LABELS[staff_group],
            "g": g,
            "spec": spec,
            "problem": state.problem,
        },
        breadcrumbs=_crumbs(plan),
    )


@guard(Permission.VIEW_PLAN, load_plan)
def plan_score(request: HttpRequest, scope: Scope, plan_id: int) -> HttpResponse:
    plan: Plan = scope.obj
    doc = plan.tracked_version().library_plan()
    result, problem = scored(plan)
    spec = present.score_spec(doc, result) if result is not None and result.rows else ""
    names, years = present.score_years(result) if result is not None else ([], [])
    return render(
        request,
        "plans/plan_score.jinja",
        {
            "plan": plan,
            "doc": doc,
            "result": result,
            "problem": problem,
            "spec": spec,
            "score_names": names,
            "score_rows": years,
            "labels": STAFF_GROUP_LABELS,
            "can_download": has_permission(request.user, Permission.DOWNLOAD_TABLE),
        },
        breadcrumbs=_crumbs(plan),
    )


@guard(Permission.VIEW_PLAN, load_plan)
def download(request: HttpRequest, scope: Scope, plan_id: int, key: str, fmt: str) -> HttpResponse:
    if not has_permission(request.user, Permission.DOWNLOAD_TABLE, scope.org_code):
        raise PermissionDenied("your role may not download tables")
    plan: Plan = scope.obj
    stem = f"plan-{plan.pk}-v{plan.tracked_version().number}"
    if key == "plan" and fmt == "toml":
        text = dump_plan(plan.tracked_version().library_plan())
        response = HttpResponse(text.encode(), content_type="application/toml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}-plan.toml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    if fmt not in ("csv", "xlsx") or key not in present.DOWNLOADS:
        raise Http404("no such download")
    state = tracked(plan)
    score = scored(plan)[0] if key.startswith("plan_score") else None
    table = next(
        (t for t in present.tables(state.plan, state.tracking, score) if t.key == key), None
    )
    if table is None:
        raise Http404("no figures for this table yet")
    if fmt == "csv":
        response = HttpResponse(exports.csv_bytes(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.xlsx_bytes([table]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}-{key}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _edit_guard(request: HttpRequest, plan: Plan) -> None:
    if not has_permission(request.user, Permission.EDIT_PLAN, plan.organisation_id):
        raise PermissionDenied("your role may not change plans")


def _plan_form(
    request: HttpRequest, template: str, plan: Plan, form: Any, errors: list[dict[str, str]]
) -> HttpResponse:
    """A form page about one plan: 400 with the errors listed when there are any."""
    return render(
        request,
        template,
        {"plan": plan, "form": form, "errors": errors},
        status=400 if errors else 200,
        breadcrumbs=_crumbs(plan),
    )


@guard(Permission.VIEW_PLAN, load_plan)
def plan_revise(request: HttpRequest, scope: Scope, plan_id: int) -> HttpResponse:
    plan: Plan = scope.obj
    _edit_guard(request, plan)
    if plan.state == PlanState.CLOSED:
        messages.info(request, "This plan is closed; it cannot be revised.")
        return redirect("plan-detail", plan_id=plan.pk)
    errors: list[dict[str, str]] = []
    form = ReviseForm()
    if request.method == "POST":
        form = ReviseForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document, file_name = None, ""
                if data.get("file"):
                    document, file_name = _document(request, data, plan.name, data["reason"])
                version = actions.revise(
                    actor=request.user,
                    plan_id=plan.pk,
                    reason=data["reason"],
                    document=document,
                    imported_from=file_name,
                )
            except imports.PlanInputError as exc:
                errors = [{"text": p, "href": "#file"} for p in exc.problems]
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#file"}]
            else:
                what = "re-baselined" if plan.state == PlanState.ADOPTED else "revised"
                messages.success(request, f"Plan {what}: version {version.number}.")
                return redirect("plan-detail", plan_id=plan.pk)
        errors = form_errors(form) + errors
    return _plan_form(request, "plans/plan_revise.jinja", plan, form, errors)


@guard(Permission.VIEW_PLAN, load_plan)
def plan_adopt(request: HttpRequest, scope: Scope, plan_id: int) -> HttpResponse:
    plan: Plan = scope.obj
    _edit_guard(request, plan)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.adopt(actor=request.user, plan_id=plan.pk)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        plan.refresh_from_db()
        alerts.refresh_alerts(plan, tracked(plan).tracking)
        messages.success(request, f"Plan adopted: version {plan.adopted_version} is tracked.")
    return redirect("plan-detail", plan_id=plan.pk)


@guard(Permission.VIEW_PLAN, load_plan)
def plan_close(request: HttpRequest, scope: Scope, plan_id: int) -> HttpResponse:
    plan: Plan = scope.obj
    _edit_guard(request, plan)
    if plan.state == PlanState.CLOSED:
        messages.info(request, "This plan is already closed.")
        return redirect("plan-detail", plan_id=plan.pk)
    errors: list[dict[str, str]] = []
    form = CloseForm()
    if request.method == "POST":
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                actions.close(
                    actor=request.user, plan_id=plan.pk, reason=form.cleaned_data["reason"]
                )
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#reason"}]
            else:
                messages.success(request, "Plan closed.")
                return redirect("plan-detail", plan_id=plan.pk)
        errors = form_errors(form) + errors
    return _plan_form(request, "plans/plan_close.jinja", plan, form, errors)


@guard(Permission.VIEW_PLAN, load_plan)
def plan_recalculation(request: HttpRequest, scope: Scope, plan_id: int) -> HttpResponse:
    plan: Plan = scope.obj
    _edit_guard(request, plan)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RecalculationForm(request.POST)
    if not form.is_valid():
        for e in form_errors(form):
            messages.error(request, e["text"])
        return redirect("plan-detail", plan_id=plan.pk)
    periods = _fmt_periods(tracked(plan).tracking)
    try:
        actions.record_recalculation(
            actor=request.user,
            plan_id=plan.pk,
            on=form.cleaned_data["period"],
            reason=form.cleaned_data["reason"],
            periods=periods,
        )
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Recalculation point recorded: the SPC limits start afresh there."
        )
    return redirect("plan-detail", plan_id=plan.pk)


def load_practice(request: HttpRequest, org_code: str, **_: Any) -> Scope:
    if not (len(org_code) <= 16 and org_code.isascii() and org_code.isalnum()):
        raise Http404("no such organisation")
    org = Organisation.objects.filter(code=org_code.upper(), type="practice").first()
    if org is None:
        raise Http404("no such practice")
    return Scope(org, org.code)


@guard(Permission.VIEW_PRACTICE_PLAN, load_practice)
def practice_plans(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    """The practice's actuals against its share of each adopted plan of an organisation above it
    (the plans' other figures stay with those who may see them)."""
    practice: Organisation = scope.obj
    today = timezone.localdate()
    plans = [
        p
        for p in Plan.objects.filter(state=PlanState.ADOPTED)
        .select_related("organisation")
        .order_by("name")
        if practice.code in descendant_codes(p.organisation_id, today)
    ]
    shares = []
    for plan in plans:
        state = practice_tracking(plan, practice)
        rows = present.summary_rows(state.tracking) if state.tracking is not None else []
        specs = (
            {
                r.group: present.measure_spec(state.plan, state.tracking, r.group)
                for r in rows
                if r.actual is not None
            }
            if state.tracking is not None
            else {}
        )
        shares.append({"plan": plan, "state": state, "rows": rows, "specs": specs})
    return render(
        request,
        "plans/practice.jinja",
        {"practice": practice, "shares": shares, "labels": STAFF_GROUP_LABELS},
        breadcrumbs=[home_crumb()],
    )


def load_run(request: HttpRequest, run_id: int, **_: Any) -> Scope:
    from gpworkforce.web.scenarios.models import Run

    run = Run.objects.select_related("organisation").filter(pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return Scope(run, run.organisation_id)


@guard(Permission.EDIT_PLAN, load_run)
def plan_from_run(request: HttpRequest, scope: Scope, run_id: int) -> HttpResponse:
    """Adopt a finished scenario run as a plan's trajectory: a new draft plan, or a new version
    (re-baseline, if adopted) of a plan of the same organisation."""
    from gpworkforce.web.plans.runs import document_from_run

    run = scope.obj
    plans = list(
        Plan.objects.filter(organisation_id=run.organisation_id)
        .exclude(state=PlanState.CLOSED)
        .order_by("name")
    )
    errors: list[dict[str, str]] = []
    values = {"plan": "new", "name": f"Plan from {run.scenario_name}", "reason": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        target = next((p for p in plans if str(p.pk) == values["plan"]), None)
        if values["plan"] != "new" and target is None:
            errors.append(
                {"text": "Choose a plan of this organisation, or a new plan", "href": "#plan"}
            )
        if not values["reason"]:
            errors.append(
                {"text": "Say why this run becomes the plan's trajectory", "href": "#reason"}
            )
        if target is None and not values["name"]:
            errors.append({"text": "Enter the new plan's name", "href": "#name"})
        if not errors:
            try:
                base = target.latest_version().library_plan() if target else None
                doc = document_from_run(
                    run,
                    name=target.name if target else values["name"],
                    reason=values["reason"],
                    today=timezone.localdate(),
                    by=request.user.get_username(),
                    base=base,
                )
                origin = f"scenario run {run.pk}"
                if target is None:
                    plan = actions.create_plan(
                        actor=request.user,
                        org_code=run.organisation_id,
                        document=doc,
                        imported_from=origin,
                    )
                else:
                    actions.revise(
                        actor=request.user,
                        plan_id=target.pk,
                        reason=values["reason"],
                        document=doc,
                        imported_from=origin,
                    )
                    plan = target
            except UserError as exc:
                errors.append({"text": exc.message, "href": "#reason"})
            else:
                messages.success(request, "The run is the plan's trajectory.")
                return redirect("plan-detail", plan_id=plan.pk)
    return render(
        request,
        "plans/plan_from_run.jinja",
        {"run": run, "plans": plans, "values": values, "errors": errors},
        status=400 if errors else 200,
        breadcrumbs=_crumbs(),
    )
