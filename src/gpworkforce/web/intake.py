"""Validating a return entered on the web form or uploaded, with the library's own rules.

Both paths end in :class:`gpworkforce.returns.Validated` (the return, or every issue located by
sheet, row and column), so the web shows exactly what the CLI would. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache

from django.http import HttpRequest, HttpResponse

from gpworkforce.domain.provenance import sha256_of_bytes
from gpworkforce.domain.taxonomy import Taxonomy, load_taxonomy
from gpworkforce.errors import Issue, Location, UserError, ValidationFailed
from gpworkforce.returns import DEFAULT_LIMITS, Validated, check_return_bytes, validate_return_dict

# At most this many uploads are handled (multipart body, XLSX parse, validation, write) at once per
# process: that work is CPU-bound, and a burst of uploads must not starve other requests
# (dashboards) of the interpreter. The others wait, blocked, for their turn; none is refused.
UPLOAD_SLOTS = threading.BoundedSemaphore(1)


class UploadSlotMiddleware:
    """Hold an upload slot for the whole of a multipart POST (its body is parsed as early as the
    CSRF check, so the slot must be taken before any middleware reads it), and refuse a body far
    larger than any valid return before Django spools it to disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            if _declared_length(request) > DEFAULT_LIMITS.max_bytes + MULTIPART_OVERHEAD:
                return _too_large(request)
            with upload_slot():
                return self.get_response(request)
        return self.get_response(request)


_held = threading.local()


@contextmanager
def upload_slot() -> Iterator[None]:
    """Hold one of :data:`UPLOAD_SLOTS` (re-entrant within a thread: a server that took the slot
    before parsing the request, see ``serve``, passes the middleware through)."""
    if getattr(_held, "on", False):
        yield
        return
    with UPLOAD_SLOTS:
        _held.on = True
        try:
            yield
        finally:
            _held.on = False


def looks_like_upload(sock: socket.socket) -> bool:
    """Whether a new connection's first request is an upload, by peeking at its request line
    (nothing is consumed; waiting for the bytes releases the interpreter)."""
    try:
        head = sock.recv(512, socket.MSG_PEEK)
    except OSError:
        return False
    line = head.split(b"\r\n", 1)[0]
    return line.startswith(b"POST ") and b"/upload/" in line


MULTIPART_OVERHEAD = 64 * 1024


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: HttpRequest) -> HttpResponse:
    from gpworkforce.web.views.common import render

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


@cache
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def check_form(data: Mapping[str, object], practice_code: str, census_date: dt.date) -> Validated:
    """Validate form data (``raw_from_dict`` layout) for this practice and census date."""
    payload = {**data, "practice_code": practice_code, "census_date": census_date.isoformat()}
    return validate_return_dict(
        payload, {practice_code}, taxonomy(), census_date=census_date, style="header"
    )


def check_upload(
    content: bytes, file_name: str, practice_code: str, census_date: dt.date
) -> tuple[Validated, str]:
    """Parse and validate an uploaded XLSX/CSV return fully (in memory); also its SHA-256.

    In a server process (see :func:`enable_offload`) the parsing runs in a helper process, so
    the pure-Python XLSX parse does not hold this process's interpreter while other threads
    serve page views; elsewhere (tests, commands) it runs inline. Same result either way.
    """
    digest = sha256_of_bytes(content)
    name = (file_name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    pool = _OFFLOAD["pool"]
    if pool is not None:
        return pool.submit(_check, content, name, practice_code, census_date).result(), digest
    return _check(content, name, practice_code, census_date), digest


def _check(content: bytes, name: str, practice_code: str, census_date: dt.date) -> Validated:
    if len(content) > DEFAULT_LIMITS.max_bytes:
        issue = Issue(
            Location(name),
            f"be at most {DEFAULT_LIMITS.max_bytes:,} bytes",
            f"{len(content):,} bytes",
        )
        return Validated(None, (issue,))
    try:
        return check_return_bytes(
            content, name, {practice_code}, taxonomy(), census_date=census_date
        )
    except ValidationFailed as exc:
        return Validated(
            None, tuple(exc.issues) or (Issue(Location(name), "be readable", exc.summary),)
        )
    except UserError as exc:
        return Validated(None, (Issue(Location(name), "be a readable return", exc.message),))


_OFFLOAD: dict[str, ProcessPoolExecutor | None] = {"pool": None}
# The helper runs below the web processes' CPU priority: when the cores are busy, page views are
# served first and a burst of uploads takes a little longer instead (an upload is already a
# seconds-long, once-a-quarter action; a dashboard view should answer in well under a second).
HELPER_NICENESS = 10


def _lower_priority() -> None:
    os.nice(HELPER_NICENESS)


def enable_offload(on: bool = True) -> None:
    """Server processes: validate uploads in one helper process ("spawn": safe with threads),
    at a lower CPU priority than the web process (:data:`HELPER_NICENESS`)."""
    current = _OFFLOAD["pool"]
    if on and current is None:
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_lower_priority,
        )
        pool.submit(taxonomy).result()  # start it now (imports, taxonomy), not on the first upload
        _OFFLOAD["pool"] = pool
    elif not on and current is not None:
        _OFFLOAD["pool"] = None
        current.shutdown(wait=True)
