"""Error pages in the NHS.UK style (never exception text: only a fixed, helpful sentence)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template

from gpworkforce.web.permissions import public
from gpworkforce.web.views.common import render

logger = logging.getLogger(__name__)


@public
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.jinja",
        {
            "heading": "The address is not valid",
            "body": "Part of the address (such as a date) is not in the form expected. "
            "Go back and use the links and menus on the page.",
        },
        status=400,
    )


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


# The last resort when even the shell template cannot be rendered (e.g. static files missing).
FALLBACK_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service - GP workforce - NHS</title></head>"
    "<body><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>"
    '<p><a href="/">Go to the home page</a></p></body></html>'
)


@public
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: the page shell only, rendered without the request (no user, session,
    messages or database, any of which may be what failed), else a fixed HTML page."""
    try:
        body = get_template("web/500.jinja").render({})
    except Exception:
        logger.exception("the 500 page could not be rendered; sent the plain one")
        body = FALLBACK_500
    return HttpResponse(body, status=500)
