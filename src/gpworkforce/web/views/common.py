"""Rendering helpers shared by the views: navigation by permission, breadcrumbs, error lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as django_render
from django.urls import reverse

from gpworkforce.errors import Issue
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.roles import Permission, Role


def nav_items(request: HttpRequest) -> list[dict[str, str]]:
    user = request.user
    if not user.is_authenticated or getattr(user, "must_change_password", False):
        return []  # signed out, or allowed nowhere until they have chosen their own password
    items = [{"href": reverse("home"), "text": "Home"}]
    if has_permission(user, Permission.VIEW_ROUND):
        items.append({"href": reverse("round-list"), "text": "Collection rounds"})
    if has_permission(user, Permission.VIEW_DASHBOARD) and user.organisation_id:
        items.append(
            {"href": reverse("dashboard", args=[user.organisation_id]), "text": "Dashboard"}
        )
    if has_permission(user, Permission.VIEW_FINANCE) and user.organisation_id:
        items.append(
            {"href": reverse("finance-org", args=[user.organisation_id]), "text": "Finance"}
        )
    if has_permission(user, Permission.VIEW_PLAN):
        items.append({"href": reverse("plan-list"), "text": "Plans"})
    elif has_permission(user, Permission.VIEW_PRACTICE_PLAN) and user.organisation_id:
        items.append(
            {"href": reverse("plan-practice", args=[user.organisation_id]), "text": "Plans"}
        )
    if has_permission(user, Permission.VIEW_DELIVERY):
        items.append({"href": reverse("delivery-plan"), "text": "Delivery"})
    if has_permission(user, Permission.BUILD_PAPER) and user.organisation_id:
        items.append(
            {"href": reverse("paper-org", args=[user.organisation_id]), "text": "Committee papers"}
        )
    if has_permission(user, Permission.VIEW_SCENARIO):
        items.append({"href": reverse("scenario-list"), "text": "Scenarios"})
    if has_permission(user, Permission.VIEW_AUDIT):
        items.append({"href": reverse("audit-log"), "text": "Audit log"})
    if has_permission(user, Permission.MANAGE_USERS):
        items.append({"href": reverse("user-list"), "text": "Accounts"})
    return items


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
