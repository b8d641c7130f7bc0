"""The request-size limit: a 413 page for a body too large, before anything reads it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gpworkforce.returns import DEFAULT_LIMITS
from gpworkforce.web.views.common import render


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than ``settings.MAX_REQUEST_BYTES`` (a 413
    page) before anything reads it: Django limits form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``)
    but not uploaded files, which it would otherwise spool to disk whatever their size. Placed
    before the CSRF check, which parses the body of a POST."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.limit = int(settings.MAX_REQUEST_BYTES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > self.limit:
            return _too_large(request)
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: HttpRequest) -> HttpResponse:
    limit = DEFAULT_LIMITS.max_bytes // (1024 * 1024)
    return render(
        request,
        "web/error.jinja",
        {
            "heading": "The file is too large",
            "body": f"A return must be at most {limit} MB. Go back and choose the completed template.",
        },
        status=413,
    )
