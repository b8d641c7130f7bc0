"""Skill-mix pages under ``/skill-mix/`` (issue 16).

- ``/skill-mix/<org>/``: the skill-mix view of a practice, PCN, sub-ICB or ICB (LLR plan Graph 1):
  current mix by level, the optimum for its task demand and the optimum after N years (``years``)
  on a census date (``period``). Whoever may see the organisation's dashboard (practices their own
  practice); analysts and board viewers also see its optimisations.
- ``/skill-mix/<org>/optimise/``: the form that sets the problem and runs it on the task queue
  (analysts).
- ``/skill-mix/optimisations/<id>/``: an optimisation, its progress, and its result (analysts and
  board viewers); ``.../adopt/`` makes it a scenario (analysts, POST).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import BadRequest
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.errors import UserError
from gpworkforce.skillmix.levers import LEVERS, Choices, PlanChoices
from gpworkforce.web.dashboards import _inputs, available_periods, default_period
from gpworkforce.web.jobs.models import current
from gpworkforce.web.models import Organisation
from gpworkforce.web.orgscope import org_loader
from gpworkforce.web.permissions import Scope, guard, has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.scenarios.models import Run
from gpworkforce.web.skillmix import actions, compute
from gpworkforce.web.skillmix.forms import OptimiseForm, PlanForm
from gpworkforce.web.skillmix.models import Optimisation
from gpworkforce.web.views.common import home_crumb, render
from gpworkforce.web.views.dashboards import load_org as dashboard_org

DEFAULT_YEARS = 5
MAX_YEARS = 30
READ = ("GET", "HEAD")
VIEW_SECONDS = 24 * 3600  # a view is kept per data version: new data is a new key


load_org = org_loader(practices=True)


def load_job(request: HttpRequest, job_id: int, **_: Any) -> Scope:
    job = Optimisation.objects.select_related("organisation").filter(pk=job_id).first()
    if job is None:
        raise Http404("no such optimisation")
    return Scope(job, job.organisation_id)


def _years(request: HttpRequest) -> int:
    text = request.GET.get("years", "")
    if not text:
        return DEFAULT_YEARS
    if not (text.isascii() and text.isdigit() and len(text) <= 2 and int(text) <= MAX_YEARS):
        raise BadRequest(f"years must be a whole number from 0 to {MAX_YEARS}, got {text[:20]!r}")
    return int(text)


def _census(on: dt.date | None) -> dt.date | None:
    periods = available_periods()
    if on is not None and on not in periods:
        raise Http404("no figures for that date")
    return on or default_period(periods)


def _crumbs(org: Organisation) -> list[tuple[str, str]]:
    return [home_crumb(), (f"Skill mix: {org.name}", reverse("skillmix-org", args=[org.code]))]


@guard(Permission.VIEW_DASHBOARD, dashboard_org)
def skill_mix(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org: Organisation = scope.obj
    years = _years(request)
    census = _census(scope.on)
    if request.method not in READ:
        return HttpResponseNotAllowed(list(READ))
    result = message = None
    if census is None:
        message = "There are no workforce figures yet."
    else:
        version = current()
        key = f"skillmix-view:{version}:{org.code}:{census.isoformat()}:{years}"
        result = caches["default"].get(key)  # the same figures until the data change
        if result is None:
            try:
                result = compute.view_result(_inputs(version).data, org.code, census, years)
            except UserError as exc:
                message = exc.message
            else:
                caches["default"].set(key, result, VIEW_SECONDS)
    user = request.user
    can_read = has_permission(user, Permission.VIEW_SCENARIO, org.code)
    return render(
        request,
        "skillmix/mix.jinja",
        {
            "org": org,
            "census": census,
            "years": years,
            "result": result,
            "message": message,
            "periods": list(reversed(available_periods())),
            "jobs": list(Optimisation.objects.filter(organisation=org)[:10]) if can_read else [],
            "can_optimise": has_permission(user, Permission.EDIT_SCENARIO, org.code),
        },
        breadcrumbs=[home_crumb()],
    )


def _shared_choices(data: dict[str, Any], base_year: int) -> dict[str, Any]:
    """What both forms set: the base year, training places a year, the minimum GP cover, the
    probability (a percentage; blank: central values) and the budget (blank: none)."""
    budget = data.get("budget")
    probability = data.get("probability")
    return {
        "base_year": base_year,
        "training_places": float(data["training_places"]),
        "min_gp_per_1000": float(data["min_gp_per_1000"]),
        "probability": None if probability is None else probability / 100.0,
        "budget": None if budget is None else float(budget),
    }


def _choices(form: OptimiseForm, base_year: int) -> Choices:
    data = form.cleaned_data
    return Choices(
        target_year=int(data["target_year"]),
        levers=frozenset(data["levers"]),
        staff_share=data["staff_share"] / 100.0,
        **_shared_choices(data, base_year),
    )


def _as_json(choices: Choices) -> dict[str, Any]:
    return {
        "target_year": choices.target_year,
        "probability": choices.probability,
        "budget": choices.budget,
        "training_places": choices.training_places,
        "levers": sorted(choices.levers),
        "min_gp_per_1000": choices.min_gp_per_1000,
        "staff_share": choices.staff_share,
    }


def _plan_choices(form: PlanForm, base_year: int) -> PlanChoices:
    data = form.cleaned_data
    return PlanChoices(
        years=int(data["years"]),
        by_practice=data["by_practice"] == "yes",
        **_shared_choices(data, base_year),
    )


def _plan_json(choices: PlanChoices) -> dict[str, Any]:
    return {
        "kind": "plan",
        "years": choices.years,
        "first_year": choices.base_year + 1,
        "last_year": choices.base_year + choices.years,
        "target_year": choices.base_year + choices.years,
        "probability": choices.probability,
        "budget": choices.budget,
        "training_places": choices.training_places,
        "min_gp_per_1000": choices.min_gp_per_1000,
        "by_practice": choices.by_practice,
    }


@dataclass(frozen=True)
class _Asked:
    """What differs between the one-year optimisation's page and the multi-year plan's: the
    template, the form (bound to the POSTed data, or ``None``: its defaults) for the census year,
    the job made from a valid form (its choices as JSON and the problem the task solves) and what
    is said when there are no workforce figures yet."""

    template: str
    form: Callable[[QueryDict | None, int], Form]
    job: Callable[[Any, Organisation, dt.date, int], tuple[dict[str, Any], dict[str, Any]]]
    no_figures: str


def _optimise_form(data: QueryDict | None, base_year: int) -> Form:
    if data is not None:
        return OptimiseForm(data, base_year=base_year)
    return OptimiseForm(
        initial={
            "target_year": base_year + 3,
            "probability": 90,
            "training_places": 20,
            "min_gp_per_1000": Decimal("0.5"),
            "staff_share": 90,
            "levers": list(LEVERS),
        },
        base_year=base_year,
    )


def _optimise_job(
    form: OptimiseForm, org: Organisation, census: dt.date, base_year: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    choices = _choices(form, base_year)
    problem = compute.make_problem(_inputs(current()).data, org.code, org.name, census, choices)
    return _as_json(choices), compute.problem_json(problem)


def _plan_form(data: QueryDict | None, base_year: int) -> Form:
    if data is not None:
        return PlanForm(data)
    return PlanForm(
        initial={
            "years": 5,
            "by_practice": "yes",
            "probability": 90,
            "training_places": 20,
            "min_gp_per_1000": Decimal("0.5"),
        }
    )


def _plan_job(
    form: PlanForm, org: Organisation, census: dt.date, base_year: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    choices = _plan_choices(form, base_year)
    stored = compute.make_plan_problem(_inputs(current()).data, org.code, org.name, census, choices)
    return _plan_json(choices), stored


ONE_YEAR = _Asked(
    "skillmix/optimise.jinja",
    _optimise_form,
    _optimise_job,
    "There are no workforce figures yet to optimise.",
)
PLAN = _Asked(
    "skillmix/plan.jinja", _plan_form, _plan_job, "There are no workforce figures yet to plan from."
)


def _ask(request: HttpRequest, org: Organisation, asked: _Asked) -> HttpResponse:
    """The form that sets an optimisation's problem (GET: its defaults); POSTed and valid, the
    problem goes on the task queue and the answer is the job's page; else the form again (400)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    census = default_period(available_periods())
    base_year = (census or dt.date.today()).year
    problem_error = None
    if request.method == "POST":
        form = asked.form(request.POST, base_year)
        if form.is_valid() and census is not None:
            try:
                choices, problem = asked.job(form, org, census, base_year)
            except UserError as exc:
                problem_error = exc.message
            else:
                job = actions.request_optimisation(request.user, org.code, census, choices, problem)
                return redirect("skillmix-job", job_id=job.pk)
        elif census is None:
            problem_error = asked.no_figures
        status = 400
    else:
        form = asked.form(None, base_year)
        status = 200
    return render(
        request,
        asked.template,
        {
            "org": org,
            "form": form,
            "census": census,
            "base_year": base_year,
            "problem_error": problem_error,
            "jobs": list(Optimisation.objects.filter(organisation=org)[:10]),
        },
        status=status,
        breadcrumbs=_crumbs(org),
    )


@guard(Permission.EDIT_SCENARIO, load_org)
def optimise(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    """The one-year optimisation: the cheapest mix for a target year, on the task queue."""
    return _ask(request, scope.obj, ONE_YEAR)


@guard(Permission.EDIT_SCENARIO, load_org)
def optimise_plan(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    """The multi-year plan: every year, the practices one by one or as one, on the task queue."""
    return _ask(request, scope.obj, PLAN)


def _job_context(request: HttpRequest, job: Optimisation) -> dict[str, Any]:
    ctx: dict[str, Any] = {"job": job, "org": job.organisation}
    if job.status == "done" and job.result:
        if job.choices.get("kind") == "plan":
            ctx["headline"] = compute.plan_headline(job.result, job.choices.get("probability"))
        else:
            ctx["headline"] = compute.result_headline(job.result, job.choices.get("probability"))
        scenarios = actions.adopted_scenarios(job)
        runs = {
            s.pk: Run.objects.filter(scenario=s, status="done").order_by("-requested_at").first()
            for s in scenarios
        }
        ctx["adopted"] = [(s, runs[s.pk]) for s in scenarios]
        ctx["can_adopt"] = has_permission(
            request.user, Permission.EDIT_SCENARIO, job.organisation_id
        )
        ctx["can_plan"] = has_permission(request.user, Permission.EDIT_PLAN, job.organisation_id)
        ctx["levers_allowed"] = [LEVERS[k] for k in job.choices.get("levers", []) if k in LEVERS]
    ctx["errors"] = []
    return ctx


def _job_template(job: Optimisation) -> str:
    return "skillmix/job_plan.jinja" if job.choices.get("kind") == "plan" else "skillmix/job.jinja"


@guard(Permission.VIEW_SCENARIO, load_job)
def job_detail(request: HttpRequest, scope: Scope, job_id: int) -> HttpResponse:
    job: Optimisation = scope.obj
    if request.method not in READ:
        return HttpResponseNotAllowed(list(READ))
    ctx = _job_context(request, job)
    if getattr(request, "htmx", False):
        response = render(request, "skillmix/_progress.jinja", ctx)
        if job.finished:
            response["HX-Refresh"] = "true"
        return response
    return render(request, _job_template(job), ctx, breadcrumbs=_crumbs(job.organisation))


MAX_NAME = 200


@guard(Permission.EDIT_SCENARIO, load_job)
def job_adopt(request: HttpRequest, scope: Scope, job_id: int) -> HttpResponse:
    job: Optimisation = scope.obj
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    name = request.POST.get("name", "").strip()
    errors = []
    if job.status != "done" or not job.result:
        errors.append({"text": "Only a solved optimisation can be adopted", "href": "#adopt"})
    if not name or len(name) > MAX_NAME:
        errors.append(
            {"text": f"Enter a scenario name of 1 to {MAX_NAME} characters", "href": "#name"}
        )
    if errors:
        ctx = _job_context(request, job) | {"errors": errors, "name": name[:MAX_NAME]}
        return render(
            request, _job_template(job), ctx, status=400, breadcrumbs=_crumbs(job.organisation)
        )
    if job.choices.get("kind") == "plan":
        row = actions.adopt_plan_as_scenario(request.user, job, name)
    else:
        row = actions.adopt_as_scenario(request.user, job, name)
    messages.success(
        request, "Scenario created from the optimisation. Run it, then make it a plan."
    )
    return redirect("scenario-detail", scenario_id=row.pk)
