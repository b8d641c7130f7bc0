"""Pages under /risks/: the register (Figure 15 columns, 5 x 5 heat map, movement chart), raising a
risk, a risk's page (reviews, mitigations, closure) and the proposals raised automatically."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce import labels
from gpworkforce.delivery.charts import risk_heat_map, risk_movement_chart
from gpworkforce.delivery.risks import DEFAULT_BANDS, IMPACT_LABELS, LIKELIHOOD_LABELS
from gpworkforce.delivery.triggers import KIND_LABELS, TriggerKind
from gpworkforce.web.delivery import actions, services
from gpworkforce.web.delivery.models import RiskRecord
from gpworkforce.web.delivery.views.common import (
    can,
    crumbs,
    editable_orgs,
    field_errors,
    form_date,
    form_score,
    loader,
    svg,
)
from gpworkforce.web.permissions import Scope, guard, has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import render

MOVEMENT_LABELS = {"new": "New", "up": "Up", "down": "Down", "same": "No change"}
MOVEMENT_ARROWS = {"new": "●", "up": "▲", "down": "▼", "same": "◀ ▶"}
STATUS_LABELS = {
    "proposed": "Proposed",
    "open": "Open",
    "closed": "Closed",
    "dismissed": "Dismissed",
}
BAND_TAGS = {
    "green": "nhsuk-tag--green",
    "yellow": "nhsuk-tag--yellow",
    "orange": "nhsuk-tag--orange",
    "red": "nhsuk-tag--red",
}


def _ctx(**extra: Any) -> dict[str, Any]:
    return {
        "movement_labels": MOVEMENT_LABELS,
        "arrows": MOVEMENT_ARROWS,
        "status_labels": STATUS_LABELS,
        "band_tags": BAND_TAGS,
        "likelihood_labels": LIKELIHOOD_LABELS,
        "impact_labels": IMPACT_LABELS,
        "bands": DEFAULT_BANDS.bands,
        **extra,
    }


def _risks_crumb() -> tuple[str, str]:
    return ("Risk register", reverse("risk-list"))


def _trigger_label(key: str) -> str:
    kind = {
        "kpi": TriggerKind.KPI_RED,
        "resilience": TriggerKind.RESILIENCE_WATCH,
        "response-rate": TriggerKind.RESPONSE_RATE,
        "plan": TriggerKind.PLAN_ALERT,
    }.get(key.split(":")[0])
    return KIND_LABELS[kind] if kind else "Raised automatically"


@guard(Permission.VIEW_DELIVERY)
def risk_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "live")
    rows = services.risk_rows(services.risks_for(request.user).select_related("organisation"))
    proposals = [r for r in rows if r.risk.status == "proposed"]
    live = [r for r in rows if r.risk.status == "open"]
    shown = live if show == "live" else [r for r in rows if r.risk.status != "proposed"]
    shown.sort(key=lambda r: (-r.domain.rating, r.risk.ref))
    heat = Counter(r.domain.current for r in rows if r.domain.is_live)
    domain_live = [r.domain for r in rows if r.risk.status == "open"]
    return render(
        request,
        "delivery/risk_list.jinja",
        _ctx(
            rows=shown,
            show=show,
            proposals=proposals,
            heat=heat,
            heat_chart=svg(risk_heat_map([r.domain for r in rows])) if rows else "",
            movement_chart=svg(risk_movement_chart(domain_live)) if domain_live else "",
            band_of=lambda n: DEFAULT_BANDS.band(n),
            can_edit=can(request, Permission.EDIT_DELIVERY),
            trigger_label=_trigger_label,
        ),
        breadcrumbs=crumbs(),
    )


@guard(Permission.EDIT_DELIVERY)
def risk_new(request: HttpRequest) -> HttpResponse:
    orgs = editable_orgs(request)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        org = request.POST.get("organisation", "")
        try:
            if org not in {c for c, _l in orgs}:
                raise actions.FieldError(
                    "Choose the organisation whose register it joins", "organisation"
                )
            if not request.POST.get("description", "").strip():
                raise actions.FieldError("Describe the risk: its cause and effect", "description")
            risk = actions.raise_risk(
                actor=request.user,
                org_code=org,
                description=request.POST.get("description", ""),
                likelihood=form_score(request, "likelihood", "likelihood"),
                impact=form_score(request, "impact", "impact"),
                added=form_date(request, "added", "date added", required=False) or services.today(),
                workstream=request.POST.get("workstream", ""),
                responsible=request.POST.get("responsible", ""),
                owner=request.POST.get("owner", ""),
            )
        except actions.FieldError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, f"Risk {risk.ref} raised.")
            return redirect("risk-detail", risk_id=risk.pk)
    return render(
        request,
        "delivery/risk_new.jinja",
        _ctx(orgs=orgs, errors=errors, post=request.POST, today=services.today()),
        status=400 if errors else 200,
        breadcrumbs=crumbs(_risks_crumb()),
    )


@guard(Permission.EDIT_DELIVERY)
def risk_check(request: HttpRequest) -> HttpResponse:
    """Look for new conditions now (KPIs turned red, low response rates, the watch list)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    made = services.refresh_proposals(request.user, request.user.organisation_id, services.today())
    messages.success(
        request,
        f"{labels.plural(len(made), 'new risk')} proposed."
        if made
        else "No new condition: nothing proposed.",
    )
    return redirect("risk-list")


load_risk = loader(RiskRecord, "risk_id")


def _risk_page(
    request: HttpRequest, risk: RiskRecord, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    row = services.risk_rows([services.risks_for(request.user).get(pk=risk.pk)])[0]
    history = [
        {
            "on": row.domain.added,
            "likelihood": row.domain.original_likelihood,
            "impact": row.domain.original_impact,
            "note": "Original assessment",
            "by": "",
        },
        *[
            {"on": r.on, "likelihood": r.likelihood, "impact": r.impact, "note": r.note, "by": r.by}
            for r in row.domain.reviews
        ],
    ]
    for h in history:
        h["rating"] = h["likelihood"] * h["impact"]
        h["level"] = DEFAULT_BANDS.level(h["rating"])
    return render(
        request,
        "delivery/risk_detail.jinja",
        _ctx(
            row=row,
            risk=row.risk,
            history=history,
            mitigations=list(row.risk.mitigations.all()),
            responses=list(row.risk.responses.all()),
            can_edit=has_permission(request.user, Permission.EDIT_DELIVERY, risk.organisation_id),
            can_answer=has_permission(
                request.user, Permission.ANSWER_DELIVERY, risk.organisation_id
            ),
            today=services.today(),
            trigger_label=_trigger_label,
            errors=errors or [],
            post=request.POST if errors else {},
        ),
        status=400 if errors else 200,
        breadcrumbs=crumbs(_risks_crumb()),
    )


@guard(Permission.VIEW_DELIVERY, load_risk)
def risk_detail(request: HttpRequest, scope: Scope, risk_id: int) -> HttpResponse:
    return _risk_page(request, scope.obj)


RISK_ACTIONS = ("review", "close", "accept", "dismiss", "mitigation")


@guard(Permission.EDIT_DELIVERY, load_risk)
def risk_action(request: HttpRequest, scope: Scope, risk_id: int, action: str) -> HttpResponse:
    if action not in RISK_ACTIONS:
        from django.http import Http404

        raise Http404("no such action")
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    u = request.user
    try:
        if action == "review":
            actions.review_risk(
                actor=u,
                risk_id=risk_id,
                on=form_date(request, "on", "review date"),  # type: ignore[arg-type]
                likelihood=form_score(request, "likelihood", "likelihood"),
                impact=form_score(request, "impact", "impact"),
                note=request.POST.get("note", ""),
            )
            done = "Review recorded."
        elif action in ("close", "dismiss"):
            actions.close_risk(
                actor=u,
                risk_id=risk_id,
                on=form_date(request, "closed_on", "date", required=False) or services.today(),
                reason=request.POST.get("reason", ""),
                dismiss=action == "dismiss",
            )
            done = "Risk closed." if action == "close" else "Proposal dismissed."
        elif action == "accept":
            actions.accept_proposal(
                actor=u,
                risk_id=risk_id,
                on=form_date(request, "on", "date accepted", required=False) or services.today(),
                note=request.POST.get("note", ""),
            )
            done = "Proposal accepted: the risk is open."
        else:
            actions.add_mitigation(
                actor=u,
                risk_id=risk_id,
                action=request.POST.get("action", ""),
                owner=request.POST.get("owner", ""),
                due=form_date(request, "due", "due date", required=False),
            )
            done = "Mitigating action added."
    except actions.FieldError as exc:
        return _risk_page(request, scope.obj, field_errors(exc))
    messages.success(request, done)
    return redirect("risk-detail", risk_id=risk_id)


@guard(Permission.ANSWER_DELIVERY, load_risk)
def risk_answer(request: HttpRequest, scope: Scope, risk_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        actions.respond_to_risk(
            actor=request.user, risk_id=risk_id, text=request.POST.get("text", "")
        )
    except actions.FieldError as exc:
        return _risk_page(request, scope.obj, field_errors(exc))
    messages.success(request, "Your answer has been added.")
    return redirect("risk-detail", risk_id=risk_id)
