"""Collection rounds: list, open (analysts) and detail with response rate and outstanding practices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UserError
from gpworkforce.labels import plural
from gpworkforce.web.actions.rounds import open_round, remind_outstanding
from gpworkforce.web.forms.rounds import OpenRoundForm
from gpworkforce.web.models import AuditEvent, CollectionRound, Organisation, ParentLink
from gpworkforce.web.permissions import (
    Scope,
    guard,
    has_permission,
    visible_organisations,
    visible_returns,
    visible_rounds,
)
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render
from gpworkforce.web.workflow import RESPONDED_STATES, ReturnState


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
                    deadline=form.cleaned_data.get("deadline"),
                )
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#census_date-day"}]
            else:
                messages.success(
                    request, f"Round opened for {plural(rnd.returns.count(), 'practice')}."
                )
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
    """The round: response rate, deadline and days left, returns grouped by sub-ICB and PCN with
    a distinct colour per status, and chasing the practices still to return (POST here: the
    action checks the user may open rounds for the organisation)."""
    rnd: CollectionRound = scope.obj
    if request.method == "POST":
        _remind(request, rnd)
        return redirect("round-detail", round_id=rnd.pk)
    returns = list(
        visible_returns(request.user)
        .filter(round=rnd)
        .select_related("practice")
        .order_by("practice__name", "practice_id")
    )
    responded = [r for r in returns if r.state in RESPONDED_STATES]
    outstanding = [r for r in returns if r.state not in RESPONDED_STATES]
    rate = len(responded) / len(returns) if returns else 0.0
    today = dt.date.today()
    reminders = list(
        AuditEvent.objects.filter(
            action="round.remind", object_type="CollectionRound", object_id=str(rnd.pk)
        ).order_by("-at")[:5]
    )
    return render(
        request,
        "web/round_detail.jinja",
        {
            "round": rnd,
            "returns": returns,
            "outstanding": outstanding,
            "responded": len(responded),
            "rate": rate,
            "today": today,
            "days_left": (rnd.due_date - today).days,
            "closed": rnd.is_closed(today),
            "groups": group_returns(returns, rnd.census_date),
            "states": list(ReturnState),
            "reminders": reminders,
            "can_remind": bool(outstanding)
            and not rnd.is_closed(today)
            and has_permission(
                request.user, Permission.OPEN_ROUND, rnd.organisation_id, rnd.census_date
            ),
        },
        breadcrumbs=[home_crumb(), ("Collection rounds", reverse("round-list"))],
    )


def _remind(request: HttpRequest, rnd: CollectionRound) -> None:
    try:
        done = remind_outstanding(
            actor=request.user, round_id=rnd.pk, note=request.POST.get("note", "")
        )
    except UserError as exc:
        messages.error(request, exc.message)
        return
    sent = plural(done["emails"], "email")
    chased = plural(done["practices"], "practice")
    if done["failed"]:
        messages.error(
            request,
            f"Reminder recorded for {chased}, but the emails could not be sent (the mail "
            "server refused). Chase them by phone; the reminder is in the audit log.",
        )
    else:
        messages.success(request, f"Reminder recorded for {chased}: {sent} sent.")


NO_PCN = "Not in a PCN on the census date"
NO_SUB_ICB = "No sub-ICB location on the census date"


def group_returns(returns: list[Any], census: dt.date) -> list[dict[str, Any]]:
    """The returns by sub-ICB location (CCG before July 2022) and PCN on the census date, each
    group with its counts; sorted by name, the ungrouped last."""
    codes = [r.practice_id for r in returns]
    up: dict[str, list[str]] = {}
    for child, parent in ParentLink.objects.filter(
        ParentLink.in_force_q(census), child_id__in=codes
    ).values_list("child_id", "parent_id"):
        up.setdefault(child, []).append(parent)
    parents = {p for ps in up.values() for p in ps}
    for child, parent in ParentLink.objects.filter(
        ParentLink.in_force_q(census), child_id__in=parents
    ).values_list("child_id", "parent_id"):
        up.setdefault(child, []).append(parent)
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(code__in={p for ps in up.values() for p in ps}).only(
            "code", "name", "type"
        )
    }

    def above(code: str, kind: OrgType) -> Any:
        for parent in up.get(code, ()):
            org = orgs.get(parent)
            if org is not None and org.type == kind.value:
                return org
        for parent in up.get(code, ()):  # a practice's sub-ICB through its PCN
            for grand in up.get(parent, ()):
                org = orgs.get(grand)
                if org is not None and org.type == kind.value:
                    return org
        return None

    tree: dict[str, dict[str, list[Any]]] = {}
    for r in returns:
        sub = above(r.practice_id, OrgType.SUB_ICB)
        pcn = above(r.practice_id, OrgType.PCN)
        sub_name = f"{sub.name} ({sub.code})" if sub else NO_SUB_ICB
        tree.setdefault(sub_name, {}).setdefault(pcn.name if pcn else NO_PCN, []).append(r)
    out = []
    for sub_name in sorted(tree, key=lambda n: (n == NO_SUB_ICB, n)):
        pcns = [
            {"name": name, "returns": rows, **_counts_of(rows)}
            for name, rows in sorted(
                tree[sub_name].items(), key=lambda kv: (kv[0] == NO_PCN, kv[0])
            )
        ]
        rows = [r for p in pcns for r in p["returns"]]
        out.append({"name": sub_name, "pcns": pcns, **_counts_of(rows)})
    return out


def _counts_of(rows: list[Any]) -> dict[str, int]:
    return {
        "expected": len(rows),
        "responded": sum(1 for r in rows if r.state in RESPONDED_STATES),
        "accepted": sum(1 for r in rows if r.state == ReturnState.ACCEPTED.value),
    }
