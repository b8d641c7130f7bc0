"""Rendering helpers shared by the views: navigation by permission, breadcrumbs, error lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as django_render
from django.urls import reverse

from gpworkforce.errors import Issue
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.roles import Permission, Role


@dataclass(frozen=True)
class Section:
    """A part of the service: its place in the navigation and its card on the home page."""

    nav: str  # the navigation's link text
    heading: str  # the home page card's heading
    description: str  # what the card says the part is for
    href: str
    in_nav: bool = True


def sections(user: Any) -> list[Section]:
    """The parts of the service ``user`` may open, in the navigation's order (the ONE list the
    header navigation and the home page's cards are both built from)."""
    if not user.is_authenticated or getattr(user, "must_change_password", False):
        return []  # signed out, or allowed nowhere until they have chosen their own password
    org = user.organisation_id

    def can(permission: Permission, needs_org: bool = False) -> bool:
        return has_permission(user, permission) and (bool(org) or not needs_org)

    out: list[Section] = []
    if can(Permission.VIEW_ROUND):
        out.append(
            Section(
                "Collection rounds",
                "Collection rounds",
                "Open a quarterly collection, see who has returned and review returns.",
                reverse("round-list"),
            )
        )
    if can(Permission.VIEW_DASHBOARD, needs_org=True):
        out += [
            Section(
                "Dashboard",
                "Workforce dashboard",
                "Headcount and WTE by staff group, per 1,000 patients against the target, and "
                "the response rate, for your organisation.",
                reverse("dashboard", args=[org]),
            ),
            Section(
                "Skill mix",
                "Skill mix",
                "Staff by skill level against the mix the task demand needs, now and in years "
                "to come.",
                reverse("skillmix-org", args=[org]),
            ),
        ]
    if can(Permission.VIEW_FINANCE, needs_org=True):
        out.append(
            Section(
                "Finance",
                "Finance",
                "Allocations, the funding register, spend against budget and what each "
                "scenario would cost.",
                reverse("finance-org", args=[org]),
            )
        )
    if can(Permission.VIEW_PLAN):
        out.append(
            Section(
                "Plans",
                "Plans",
                "Adopted trajectories, actual against plan and target each quarter, and alerts.",
                reverse("plan-list"),
            )
        )
    elif can(Permission.VIEW_PRACTICE_PLAN, needs_org=True):
        out.append(
            Section(
                "Plans",
                "Plans",
                "Your practice's staff against its share of the adopted plan.",
                reverse("plan-practice", args=[org]),
            )
        )
    if can(Permission.VIEW_DELIVERY):
        out.append(
            Section(
                "Delivery",
                "Delivery",
                "The delivery plan, milestones, KPIs, risks, maturity and practice resilience.",
                reverse("delivery-plan"),
            )
        )
    if can(Permission.BUILD_PAPER, needs_org=True):
        out.append(
            Section(
                "Committee papers",
                "Committee papers",
                "Build the workforce paper for a board or committee: PDF, Word and an Excel "
                "data pack.",
                reverse("paper-org", args=[org]),
            )
        )
    if can(Permission.VIEW_SCENARIO):
        out.append(
            Section(
                "Scenarios",
                "Scenarios",
                "Forecast scenarios: their assumptions, runs, uncertainty and how they compare.",
                reverse("scenario-list"),
            )
        )
    if can(Permission.VIEW_DASHBOARD, needs_org=True):
        out.append(
            Section(
                "Published data",
                "Published data loaded",
                "The NHS Digital files behind the dashboards, and what their loaders noticed.",
                reverse("data-sources"),
                in_nav=False,
            )
        )
    if can(Permission.VIEW_AUDIT):
        out.append(
            Section(
                "Audit log",
                "Audit log",
                "Every change: who, when, before and after.",
                reverse("audit-log"),
            )
        )
    if can(Permission.MANAGE_USERS):
        out.append(
            Section(
                "Accounts",
                "Accounts",
                "Create accounts, change roles, reset passwords and deactivate accounts.",
                reverse("user-list"),
            )
        )
    return out


def nav_items(request: HttpRequest) -> list[dict[str, str]]:
    user = request.user
    if not user.is_authenticated or getattr(user, "must_change_password", False):
        return []
    items = [{"href": reverse("home"), "text": "Home"}]
    return items + [{"href": s.href, "text": s.nav} for s in sections(user) if s.in_nav]


def render(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    breadcrumbs: Iterable[tuple[str, str]] = (),
) -> HttpResponse:
    user = request.user
    role = Role(user.role) if getattr(user, "role", "") else None
    ctx = {
        "nav_items": nav_items(request),
        "role_label": role.label if role else "no role",
        "breadcrumbs": [{"text": text, "href": href} for text, href in breadcrumbs],
        "errors": [],
        **(context or {}),
    }
    return django_render(request, template, ctx, status=status)


def home_crumb() -> tuple[str, str]:
    return ("Home", reverse("home"))


def issue_errors(issues: Iterable[Issue], anchor: str = "#") -> list[dict[str, str]]:
    """Issues as NHS.UK error-summary entries (text says where, what was expected and found)."""
    return [{"text": str(issue), "href": anchor} for issue in issues]


def pagination(page: Page, params: Mapping[str, str], name: str = "page") -> dict[str, Any]:
    """The NHS.UK numbered pagination component's parameters for ``page`` of a Django paginator:
    links keep the other query parameters (filters); the first, last and nearby pages are
    numbered, gaps shown as an ellipsis. Empty when everything fits one page."""
    if page.paginator.num_pages <= 1:
        return {}

    def href(number: int) -> str:
        return "?" + urlencode({**{k: v for k, v in params.items() if k != name}, name: number})

    last = page.paginator.num_pages
    wanted = sorted({1, last, *range(max(1, page.number - 1), min(last, page.number + 1) + 1)})
    items: list[dict[str, Any]] = []
    for i, n in enumerate(wanted):
        if i and n - wanted[i - 1] > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": href(n), "current": n == page.number})
    out: dict[str, Any] = {"items": items}
    if page.has_previous():
        out["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        out["next"] = {"href": href(page.next_page_number())}
    return out
