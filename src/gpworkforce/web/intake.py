"""Validating a return entered on the web form or uploaded, with the library's own rules.

Both paths end in :class:`gpworkforce.returns.Validated` (the return, or every issue located by
sheet, row and column), so the web shows exactly what the CLI would. Nothing here writes.

Parsing an uploaded workbook is the costliest thing a request does (pure Python, holding the
interpreter's lock). At most ``GPWORKFORCE_UPLOAD_CONCURRENCY`` uploads per server process are
parsed at once (:func:`parsing_slot`, default 2); the others wait, without holding a database
connection, up to ``GPWORKFORCE_UPLOAD_WAIT_SECONDS`` (default 120), so a burst of uploads
leaves the process's other threads, page views among them, the CPU they need (decision 0058).
Only a signed-in user allowed to submit, whose whole request has been received and passed its
CSRF check, ever waits here.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache

from django.db import connections

from gpworkforce.domain.provenance import sha256_of_bytes
from gpworkforce.domain.taxonomy import Taxonomy, load_taxonomy
from gpworkforce.errors import Issue, Location, UserError, ValidationFailed
from gpworkforce.returns import DEFAULT_LIMITS, Validated, check_return_bytes, validate_return_dict


def _setting(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip() or str(default)
    return int(text) if text.isdigit() and int(text) > 0 else default


UPLOAD_CONCURRENCY = _setting("GPWORKFORCE_UPLOAD_CONCURRENCY", 2)
UPLOAD_WAIT_SECONDS = _setting("GPWORKFORCE_UPLOAD_WAIT_SECONDS", 120)
_parsing = threading.BoundedSemaphore(UPLOAD_CONCURRENCY)


class Busy(Exception):
    """No parsing slot came free in time: the upload was not read; the user tries again."""


@contextmanager
def parsing_slot() -> Iterator[None]:
    """Hold one of this process's upload parsing slots (see the module notes); :class:`Busy`
    if none comes free in ``UPLOAD_WAIT_SECONDS``. The thread's database connections are closed
    (given back to the pool) before it waits: a waiting upload holds none."""
    if not _parsing.acquire(blocking=False):
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()
        if not _parsing.acquire(timeout=UPLOAD_WAIT_SECONDS):
            raise Busy
    try:
        yield
    finally:
        _parsing.release()


def database_busy(exc: Exception) -> bool:
    """Whether a database error is SQLite's single writer lock not coming free within the
    connection's timeout (nothing was written: the transaction never began). Under a burst of
    uploads on a saturated host this happens; the user is told to upload again, never a 500
    (docs/performance.md, decision 0072)."""
    return "database is locked" in str(exc)


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
    """Parse and validate an uploaded XLSX/CSV return fully (in memory); also its SHA-256."""
    digest = sha256_of_bytes(content)
    name = (file_name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    with parsing_slot():
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
