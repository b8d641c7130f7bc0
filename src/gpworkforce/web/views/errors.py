"""Error pages in the NHS.UK style (never exception text: only a fixed, helpful sentence)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from gpworkforce.web.permissions import public
from gpworkforce.web.views.common import render


@public
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.jinja",
        {
            "heading": "You do not have permission to see this page",
            "body": "Ask your administrator if you think you should.",
        },
        status=403,
    )


@public
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.jinja",
        {"heading": "Page not found", "body": "Check the address, or go back to the home page."},
        status=404,
    )


@public
def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.jinja",
        {"heading": "Sorry, there is a problem with the service", "body": "Try again later."},
        status=500,
    )
