"""``Server-Timing`` on every response: how long the application took, as the browser's devtools
and load tests can read it (``app;dur=12.3``, milliseconds). It separates time spent in the app
from time a request waited to be accepted or a client took to send and read."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        t0 = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
        return response
