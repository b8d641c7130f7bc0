"""Pages under /resilience/: the ranked watch list with reasons, a quarterly review (which proposes
risks for practices on the list), and the weights an ICB may change."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from pydantic import ValidationError

from gpworkforce.delivery.resilience import (
    DEFAULT_RESILIENCE,
    LABELS,
    YES_NO,
    Indicator,
    IndicatorRule,
    ResilienceConfig,
)
from gpworkforce.errors import UserError
from gpworkforce.labels import plural
from gpworkforce.web.dashboards import available_periods, default_period
from gpworkforce.web.delivery import actions, services
from gpworkforce.web.delivery.models import ResilienceReview
from gpworkforce.web.delivery.views.common import can, chosen_org, crumbs, form_number
from gpworkforce.web.permissions import guard, has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import render

SHARES = {Indicator.OVER55_SHARE, Indicator.LOCUM_RELIANCE, Indicator.GP_WTE_CHANGE}


def _crumb() -> tuple[str, str]:
    return ("Practice resilience", reverse("resilience"))


@guard(Permission.VIEW_DELIVERY)
def resilience(request: HttpRequest) -> HttpResponse:
    org = chosen_org(request)
    review = ResilienceReview.objects.filter(organisation_id=org).first()
    if review is None:  # a practice or PCN user: the latest review above them that lists them
        mine = services.visible_codes(request.user)
        review = next(
            (
                r
                for r in ResilienceReview.objects.all()[:50]
                if any(s["code"] in mine for s in r.scores)
            ),
            None,
        )
    scores = []
    if review is not None:
        visible = services.visible_codes(request.user, review.census)
        scores = [s for s in review.scores if s["code"] in visible]
    config = (
        ResilienceConfig.model_validate(review.config)
        if review
        else services.resilience_config(org)
    )
    periods = available_periods()
    return render(
        request,
        "delivery/resilience.jinja",
        {
            "review": review,
            "scores": scores,
            "watch": [s for s in scores if s["watch"]],
            "config": config,
            "labels": LABELS,
            "yes_no": YES_NO,
            "shares": SHARES,
            "can_edit": can(request, Permission.EDIT_DELIVERY, org),
            "org": org,
            "periods": periods,
            "default_census": default_period(periods),
        },
        breadcrumbs=crumbs(),
    )


@guard(Permission.EDIT_DELIVERY)
def resilience_review(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    org = request.user.organisation_id
    periods = available_periods()
    if not periods:
        messages.error(request, "No workforce figures have been loaded yet: nothing to score.")
        return redirect("resilience")
    census = default_period(periods) or periods[-1]  # the latest collection round's date
    asked = request.POST.get("census", "")
    if asked and any(p.isoformat() == asked for p in periods):
        census = dt.date.fromisoformat(asked)
    year_before = census.replace(year=census.year - 1)
    previous = year_before if year_before in periods else None
    try:
        review = services.review_resilience(request.user, org, census, previous, services.today())
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("resilience")
    on_list = sum(1 for s in review.scores if s["watch"])
    messages.success(
        request,
        f"Watch list reviewed for {census:%-d %B %Y}: {on_list} of "
        f"{plural(len(review.scores), 'practice')} on it; "
        "a risk is proposed for each new one.",
    )
    return redirect("resilience")


@guard(Permission.EDIT_DELIVERY)
def resilience_settings(request: HttpRequest) -> HttpResponse:
    org = request.user.organisation_id
    config = services.resilience_config(org)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            rules = {}
            for ind in Indicator:
                weight = form_number(request, f"weight-{ind.value}", f"weight of {LABELS[ind]}")
                if weight < 0:
                    raise actions.FieldError(
                        f"The weight of {LABELS[ind]} must not be negative", f"weight-{ind.value}"
                    )
                if ind in YES_NO:
                    rules[ind] = IndicatorRule(weight=weight, starts=0, full=1)
                    continue
                scale = 100.0 if ind in SHARES else 1.0
                starts = (
                    form_number(request, f"starts-{ind.value}", f"0-point value of {LABELS[ind]}")
                    / scale
                )
                full = (
                    form_number(request, f"full-{ind.value}", f"full-point value of {LABELS[ind]}")
                    / scale
                )
                if starts == full:
                    raise actions.FieldError(
                        f"{LABELS[ind].capitalize()}: the 0-point and full-point values must differ",
                        f"full-{ind.value}",
                    )
                rules[ind] = IndicatorRule(weight=weight, starts=starts, full=full)
            threshold = form_number(request, "threshold", "watch threshold")
            if not 0 <= threshold <= 100:
                raise actions.FieldError("The watch threshold must be from 0 to 100", "threshold")
            try:
                new = ResilienceConfig(rules=rules, watch_threshold=threshold)
            except ValidationError:
                raise actions.FieldError(
                    "At least one indicator must have a weight above 0",
                    f"weight-{Indicator.OVER55_SHARE.value}",
                ) from None
            actions.save_resilience_settings(actor=request.user, org_code=org, config=new)
        except actions.FieldError as exc:
            errors = [{"text": exc.message, "href": f"#{exc.field}" if exc.field else "#"}]
        else:
            messages.success(
                request, "Weights saved. They apply from the next review of the watch list."
            )
            return redirect("resilience")
    return render(
        request,
        "delivery/resilience_settings.jinja",
        {
            "config": config,
            "default": DEFAULT_RESILIENCE,
            "labels": LABELS,
            "yes_no": YES_NO,
            "shares": SHARES,
            "indicators": list(Indicator),
            "errors": errors,
            "post": request.POST,
            "can_edit": has_permission(request.user, Permission.EDIT_DELIVERY, org),
        },
        status=400 if errors else 200,
        breadcrumbs=crumbs(_crumb()),
    )
