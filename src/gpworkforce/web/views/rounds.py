"""Collection rounds: list, open (analysts) and detail with response rate and outstanding practices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.errors import UserError
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.forms.rounds import OpenRoundForm
from gpworkforce.web.models import CollectionRound
from gpworkforce.web.permissions import (
    Scope,
    guard,
    visible_organisations,
    visible_returns,
    visible_rounds,
)
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render
from gpworkforce.web.workflow import RESPONDED_STATES


def load_round(request: HttpRequest, round_id: int, **_: Any) -> Scope:
    rnd = visible_rounds(request.user).filter(pk=round_id).first()
    if rnd is None:
        raise Http404("no such round")
    # The user sees the round through their own organisation (their part of its practices).
    return Scope(rnd, request.user.organisation_id, rnd.census_date)


@guard(Permission.VIEW_ROUND)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = []
    for rnd in visible_rounds(request.user):
        responded, expected = _counts(request, rnd)
        rounds.append({"round": rnd, "responded": responded, "expected": expected})
    return render(
        request,
        "web/round_list.jinja",
        {"rounds": rounds, "can_open": _can_open(request)},
        breadcrumbs=[home_crumb()],
    )


def _can_open(request: HttpRequest) -> bool:
    from gpworkforce.web.permissions import has_permission

    return has_permission(request.user, Permission.OPEN_ROUND)


def _counts(request: HttpRequest, rnd: CollectionRound) -> tuple[int, int]:
    states = list(visible_returns(request.user).filter(round=rnd).values_list("state", flat=True))
    return sum(1 for s in states if s in RESPONDED_STATES), len(states)


@guard(Permission.OPEN_ROUND)
def round_open(request: HttpRequest) -> HttpResponse:
    orgs = visible_organisations(request.user).exclude(type="practice").order_by("type", "code")
    choices = [(o.code, f"{o.name} ({o.code})") for o in orgs]
    form = OpenRoundForm(request.POST or None, org_choices=choices)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                rnd = open_round(
                    actor=request.user,
                    census_date=form.cleaned_data["census_date"],
                    org_code=form.cleaned_data["organisation"],
                )
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#census_date-day"}]
            else:
                messages.success(request, f"Round opened for {rnd.returns.count()} practices.")
                return redirect("round-detail", round_id=rnd.pk)
        else:
            errors = form.error_list()
    return render(
        request,
        "web/round_open.jinja",
        {"form": form, "errors": errors, "choices": choices},
        status=400 if errors else 200,
        breadcrumbs=[home_crumb(), ("Collection rounds", reverse("round-list"))],
    )


@guard(Permission.VIEW_ROUND, load_round)
def round_detail(request: HttpRequest, scope: Scope, round_id: int) -> HttpResponse:
    rnd: CollectionRound = scope.obj
    returns = list(visible_returns(request.user).filter(round=rnd).order_by("practice_id"))
    responded = [r for r in returns if r.state in RESPONDED_STATES]
    outstanding = [r for r in returns if r.state not in RESPONDED_STATES]
    rate = len(responded) / len(returns) if returns else 0.0
    return render(
        request,
        "web/round_detail.jinja",
        {
            "round": rnd,
            "returns": returns,
            "outstanding": outstanding,
            "responded": len(responded),
            "rate": rate,
            "today": dt.date.today(),
        },
        breadcrumbs=[home_crumb(), ("Collection rounds", reverse("round-list"))],
    )
