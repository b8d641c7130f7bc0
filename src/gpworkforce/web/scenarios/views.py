"""Scenario pages: list, new (from the current baseline), import, the scenario with its latest
run, the generated form, copy, run, TOML export, a run (its progress and results), and the
side-by-side comparison of an organisation's scenarios (LLR Figure 9).

Viewing needs ``VIEW_SCENARIO`` (analysts, board viewers), changing and running
``EDIT_SCENARIO`` (analysts); both on the scenario's organisation (404 outside the user's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.web.models import Organisation
from gpworkforce.web.orgscope import org_loader
from gpworkforce.web.permissions import Scope, guard, has_permission, visible_codes
from gpworkforce.web.roles import Permission
from gpworkforce.web.scenarios import actions, charts, compute, schemaform, starting
from gpworkforce.web.scenarios.bands import next_run_band, request_evaluation
from gpworkforce.web.scenarios.models import Run, Scenario
from gpworkforce.web.scenarios.tasks import stuck
from gpworkforce.web.track_record import scenario_horizon, track_record
from gpworkforce.web.views.common import home_crumb, render

MAX_NAME = 200


def _crumbs(*more: tuple[str, str]) -> list[tuple[str, str]]:
    return [home_crumb(), ("Scenarios", reverse("scenario-list")), *more]


def load_scenario(request: HttpRequest, scenario_id: int, **_: Any) -> Scope:
    row = Scenario.objects.select_related("organisation").filter(pk=scenario_id).first()
    if row is None:
        raise Http404("no such scenario")
    return Scope(row, row.organisation_id)


def load_run(request: HttpRequest, run_id: int, **_: Any) -> Scope:
    run = Run.objects.select_related("scenario", "organisation").filter(pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return Scope(run, run.organisation_id)


load_org = org_loader(practices=True)


def _org_choices(request: HttpRequest) -> list[tuple[str, str]]:
    orgs = Organisation.objects.filter(code__in=visible_codes(request.user)).exclude(
        type="practice"
    )
    return [(o.code, f"{o.name} ({o.code})") for o in orgs.order_by("type", "name")]


def _can_edit(request: HttpRequest, org_code: str) -> bool:
    return has_permission(request.user, Permission.EDIT_SCENARIO, org_code)


# -- list, new, import -----------------------------------------------------------------------------
@guard(Permission.VIEW_SCENARIO)
def scenario_list(request: HttpRequest) -> HttpResponse:
    codes = visible_codes(request.user)
    rows = list(
        Scenario.objects.filter(organisation_id__in=codes)
        .select_related("organisation")
        .order_by("organisation__name", "name", "id")
    )
    latest: dict[int, Run] = {}
    for run in Run.objects.filter(scenario__in=rows).order_by(
        "scenario_id", "-requested_at", "-id"
    ):
        latest.setdefault(run.scenario_id, run)
    groups: dict[str, dict[str, Any]] = {}
    for s in rows:
        g = groups.setdefault(s.organisation_id, {"org": s.organisation, "scenarios": []})
        g["scenarios"].append({"scenario": s, "run": latest.get(s.pk)})
    return render(
        request,
        "scenarios/list.jinja",
        {
            "groups": list(groups.values()),
            "can_edit": has_permission(request.user, Permission.EDIT_SCENARIO),
        },
        breadcrumbs=[home_crumb()],
    )


@guard(Permission.EDIT_SCENARIO)
def scenario_new(request: HttpRequest) -> HttpResponse:
    choices = _org_choices(request)
    errors: list[dict[str, str]] = []
    chosen = request.POST.get("organisation", "") if request.method == "POST" else ""
    name = request.POST.get("name", "").strip() if request.method == "POST" else ""
    if request.method == "POST":
        if chosen not in {c for c, _ in choices}:
            errors.append(
                {"text": "Select an organisation you are responsible for", "href": "#organisation"}
            )
        if not name or len(name) > MAX_NAME:
            errors.append({"text": f"Enter a name of 1 to {MAX_NAME} characters", "href": "#name"})
        if not errors:
            start = starting.current_baseline(chosen)
            scenario = starting.baseline_scenario(name, start)
            row = actions.create_scenario(
                request.user, chosen, scenario, source=f"new from {start.source}"
            )
            messages.success(
                request, f"Scenario created from {start.source}. Check each assumption."
            )
            return redirect("scenario-edit", scenario_id=row.pk)
    return render(
        request,
        "scenarios/new.jinja",
        {"choices": choices, "errors": errors, "chosen": chosen, "name": name},
        status=400 if errors else 200,
        breadcrumbs=_crumbs(),
    )


@guard(Permission.EDIT_SCENARIO)
def scenario_import(request: HttpRequest) -> HttpResponse:
    choices = _org_choices(request)
    errors: list[dict[str, str]] = []
    chosen = request.POST.get("organisation", "") if request.method == "POST" else ""
    if request.method == "POST":
        if chosen not in {c for c, _ in choices}:
            errors.append(
                {"text": "Select an organisation you are responsible for", "href": "#organisation"}
            )
        upload = request.FILES.get("file")
        if upload is None:
            errors.append({"text": "Select a scenario file (.toml)", "href": "#file"})
        elif upload.size > compute.MAX_TOML_BYTES:
            errors.append({"text": "The scenario file must be at most 512 kB", "href": "#file"})
        if not errors:
            assert upload is not None
            try:
                text = upload.read().decode("utf-8")
                scenario = compute.from_toml_text(text)
            except UnicodeDecodeError:
                errors.append({"text": "The scenario file must be UTF-8 text", "href": "#file"})
            except ValidationFailed as exc:
                errors += [{"text": _issue_text(i), "href": "#file"} for i in exc.issues]
            except UserError as exc:
                errors.append({"text": exc.message, "href": "#file"})
            else:
                row = actions.create_scenario(
                    request.user,
                    chosen,
                    scenario,
                    source=f"imported {upload.name[:200]}",
                    action="scenario.import",
                )
                messages.success(request, "Scenario imported.")
                return redirect("scenario-detail", scenario_id=row.pk)
    return render(
        request,
        "scenarios/import.jinja",
        {"choices": choices, "errors": errors, "chosen": chosen},
        status=400 if errors else 200,
        breadcrumbs=_crumbs(),
    )


def _issue_text(issue: Any) -> str:
    loc = issue.location
    if loc.field in (None, "(top level)"):
        return f"The scenario: {issue.expected}"
    where = f"line {loc.line}, " if loc.line else ""
    return f"{where}field {loc.field}: must {issue.expected}, got {issue.found}"


# -- the scenario ----------------------------------------------------------------------------------
def _run_context(run: Run | None) -> dict[str, Any]:
    if run is None:
        return {"run": None}
    ctx: dict[str, Any] = {"run": run, "stuck": stuck(run)}
    if run.status == "done" and run.results:
        ctx |= charts.run_view(run)
    return ctx


@guard(Permission.VIEW_SCENARIO, load_scenario)
def scenario_detail(request: HttpRequest, scope: Scope, scenario_id: int) -> HttpResponse:
    row: Scenario = scope.obj
    runs = list(row.runs.all()[:20])
    latest = runs[0] if runs else None
    shown = next((r for r in runs if r.status == "done"), None)
    request_evaluation()  # the band of the next run (decision 0156): queued once per data loaded
    return render(
        request,
        "scenarios/detail.jinja",
        {
            "scenario": row,
            "runs": runs,
            "latest": latest,
            "can_edit": _can_edit(request, row.organisation_id),
            "default_draws": 1000 if row.document and _uncertain(row) else 0,
            "others": Scenario.objects.filter(organisation_id=row.organisation_id)
            .exclude(pk=row.pk)
            .count(),
            **_run_context(shown),
            "pending": latest if latest is not None and not latest.finished else None,
            "pending_stuck": latest is not None and stuck(latest),
            "next_band": next_run_band(row.organisation_id),
            "track": track_record(
                row.organisation_id, row.method, scenario_horizon(row.document, row.method)
            ),
        },
        breadcrumbs=_crumbs(),
    )


def _uncertain(row: Scenario) -> bool:
    return "kind = " in row.toml


@guard(Permission.EDIT_SCENARIO, load_scenario)
def scenario_edit(request: HttpRequest, scope: Scope, scenario_id: int) -> HttpResponse:
    row: Scenario = scope.obj
    if request.method == "POST":
        result = schemaform.apply_form(row.document, request.POST)
        if result.scenario is not None:
            updated = actions.update_scenario(request.user, row.pk, result.scenario)
            if updated.version != row.version:
                messages.success(request, f"Saved as version {updated.version}.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("scenario-detail", scenario_id=row.pk)
        sections = result.sections
        errors = [{"text": msg, "href": f"#{fid}" if fid else "#"} for fid, msg in result.errors]
    else:
        sections = schemaform.build_fields(row.document)
        errors = []
    return render(
        request,
        "scenarios/edit.jinja",
        {
            "scenario": row,
            "sections": sections,
            "errors": errors,
            "dist_kinds": schemaform.DIST_KINDS,
            "param_words": schemaform.PARAM_WORDS,
        },
        status=400 if errors else 200,
        breadcrumbs=_crumbs((row.name, reverse("scenario-detail", args=[row.pk]))),
    )


@guard(Permission.EDIT_SCENARIO, load_scenario)
def scenario_copy(request: HttpRequest, scope: Scope, scenario_id: int) -> HttpResponse:
    row: Scenario = scope.obj
    name = (
        request.POST.get("name", "").strip() if request.method == "POST" else f"Copy of {row.name}"
    )
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if not name or len(name) > MAX_NAME:
            errors.append({"text": f"Enter a name of 1 to {MAX_NAME} characters", "href": "#name"})
        else:
            copy = actions.copy_scenario(request.user, row, name[:MAX_NAME])
            messages.success(request, f"Copied. Change what differs from {row.name}.")
            return redirect("scenario-edit", scenario_id=copy.pk)
    return render(
        request,
        "scenarios/copy.jinja",
        {"scenario": row, "name": name, "errors": errors},
        status=400 if errors else 200,
        breadcrumbs=_crumbs((row.name, reverse("scenario-detail", args=[row.pk]))),
    )


@guard(Permission.EDIT_SCENARIO, load_scenario)
def scenario_run(request: HttpRequest, scope: Scope, scenario_id: int) -> HttpResponse:
    row: Scenario = scope.obj
    if request.method != "POST":
        return redirect("scenario-detail", scenario_id=row.pk)
    text = request.POST.get("draws", "").strip()
    try:
        draws = int(text)
        if not 0 <= draws <= compute.MAX_WEB_DRAWS:
            raise ValueError
    except ValueError:
        errors = [
            {
                "text": f"Monte Carlo draws: enter a whole number from 0 to {compute.MAX_WEB_DRAWS:,}",
                "href": "#draws",
            }
        ]
        return render(
            request,
            "scenarios/run_form.jinja",
            {"scenario": row, "errors": errors, "draws": text[:20]},
            status=400,
            breadcrumbs=_crumbs((row.name, reverse("scenario-detail", args=[row.pk]))),
        )
    request_evaluation()
    run = actions.request_run(request.user, row.pk, draws)
    return redirect("scenario-run-detail", run_id=run.pk)


@guard(Permission.VIEW_SCENARIO, load_scenario)
def scenario_toml(request: HttpRequest, scope: Scope, scenario_id: int) -> HttpResponse:
    row: Scenario = scope.obj
    response = HttpResponse(
        row.toml.encode("utf-8"), content_type="application/toml; charset=utf-8"
    )
    stem = (
        "".join(c if c.isalnum() else "-" for c in row.name.lower()).strip("-")[:60] or "scenario"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.toml"'
    return response


# -- a run -----------------------------------------------------------------------------------------
@guard(Permission.VIEW_SCENARIO, load_run)
def run_detail(request: HttpRequest, scope: Scope, run_id: int) -> HttpResponse:
    run: Run = scope.obj
    if getattr(request, "htmx", False) and request.GET.get("panel") == "tornado":
        # the tornado's own panel, polled until its follow-up task has finished (decision 0080)
        ctx = {"run": run, **(charts.tornado_view(run) if run.status == "done" else {})}
        return render(request, "scenarios/_tornado.jinja", ctx)
    ctx = {
        "scenario": run.scenario,
        **_run_context(run),
        "can_adopt": has_permission(request.user, Permission.EDIT_PLAN, run.organisation_id),
    }
    if getattr(request, "htmx", False):
        if request.GET.get("panel") == "progress":  # the scenario page's panel
            response = render(request, "scenarios/_progress_panel.jinja", ctx)
            if run.finished:
                response["HX-Refresh"] = "true"  # the page shows the new results
            return response
        return render(request, "scenarios/_run_panel.jinja", ctx)
    return render(
        request,
        "scenarios/run.jinja",
        ctx,
        breadcrumbs=_crumbs(
            (run.scenario.name, reverse("scenario-detail", args=[run.scenario_id]))
        ),
    )


# -- comparison ------------------------------------------------------------------------------------
@guard(Permission.VIEW_SCENARIO, load_org)
def compare(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org: Organisation = scope.obj
    scenarios = list(Scenario.objects.filter(organisation=org).order_by("name", "id"))
    done: dict[int, Run] = {}
    for run in Run.objects.filter(scenario__in=scenarios, status="done").order_by(
        "scenario_id", "-requested_at", "-id"
    ):
        done.setdefault(run.scenario_id, run)
    asked = request.GET.getlist("s")
    try:
        wanted = {int(x) for x in asked[:50]}
    except ValueError:
        raise BadRequest("s must be scenario numbers") from None
    chosen = [s for s in scenarios if s.pk in done and (not wanted or s.pk in wanted)]
    runs = [done[s.pk] for s in chosen]
    return render(
        request,
        "scenarios/compare.jinja",
        {
            "org": org,
            "scenarios": scenarios,
            "done": done,
            "chosen_ids": {s.pk for s in chosen},
            **charts.comparison_view(runs),
            "today": dt.date.today(),
        },
        breadcrumbs=_crumbs(),
    )
