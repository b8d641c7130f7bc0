"""Computed dashboards and the state of their tasks, in Django's cache (``caches["default"]``:
the database cache, or Redis when ``REDIS_URL`` is set).

Per dashboard (organisation and census date):

- its figures (a :class:`~gpworkforce.web.dashboards.Dashboard`) and their tables' HTML for
  viewers with and without downloads, keyed by the data version they were computed from, written
  by the dashboard's task;
- a small :class:`Pointer`: which version's figures are kept, and the newest data version they
  are known to be right for (the task worker moves it on, without recomputing, past changes that
  cannot touch this dashboard). A page view reads it to know whether the figures are current;
- the task's state (:class:`TaskState`) per data version while it is queued or running, or once
  it has failed for good; removed when it succeeds;
- how often it has been viewed (counted in each process's memory, added to the cache every few
  seconds by a background thread, never by the request): the worker refreshes the most viewed
  first.

Figures and tables' HTML of a version, once read, are also kept in the process's memory
(``caches["local"]``): entries keyed by version never change, so a copy is never stale. Nothing
here computes or enqueues.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.cache import cache, caches

from gpworkforce.web.dashboards import Dashboard
from gpworkforce.web.jobs.models import number_of

log = logging.getLogger(__name__)

SCHEMA = "4"  # part of every key: change it when the stored values' layout changes
Status = Literal["queued", "running", "failed"]
DashboardKey = tuple[str, dt.date]  # organisation code, census date


@dataclass(frozen=True)
class TaskState:
    status: Status
    attempt: int  # 1 for the first run
    at: float  # when this state was entered (seconds since the epoch)
    error: str = ""  # the last failure's exception class and message (for the log and admins)


@dataclass(frozen=True)
class Pointer:
    """The figures kept for a dashboard: computed from data version ``figures``, and right for
    every version up to ``current_for`` (the changes in between did not touch the dashboard)."""

    figures: str
    current_for: str


def _key(kind: str, org_code: str, census: dt.date | str, version: str = "") -> str:
    day = census.isoformat() if isinstance(census, dt.date) else census
    return f"gpw:{SCHEMA}:{kind}:{org_code}:{day}:{version}"


def _read(key: str) -> object:
    """From this process's memory (``caches["local"]``), else the shared cache (then kept in
    memory: entries keyed by version never change, so a copy is never stale)."""
    local = caches["local"]
    hit = local.get(key)
    if hit is None:
        hit = cache.get(key)
        if hit is not None:
            local.set(key, hit)
    return hit


def newer(a: str, b: str) -> bool:
    """Whether version key ``a`` comes after ``b`` (a key of another series always does)."""
    (ta, na), (tb, nb) = number_of(a), number_of(b)
    return ta != tb or na > nb


def get(org_code: str, census: dt.date, version: str) -> Dashboard | None:
    hit = _read(_key("figures", org_code, census, version))
    return hit if isinstance(hit, Dashboard) else None


def tables_html(org_code: str, census: dt.date, version: str, can_download: bool) -> str | None:
    hit = _read(_key(f"tables-{int(can_download)}", org_code, census, version))
    return hit if isinstance(hit, str) else None


def prefetch(org_code: str, census: dt.date, version: str, can_download: bool | None) -> None:
    """Bring a dashboard's figures and its tables' HTML (as :func:`get` and :func:`tables_html`
    read them; ``can_download`` None: both kinds) into this process's memory in one read of the
    shared cache."""
    local = caches["local"]
    kinds = (False, True) if can_download is None else (can_download,)
    wanted = [_key("figures", org_code, census, version)]
    wanted += [_key(f"tables-{int(k)}", org_code, census, version) for k in kinds]
    keys = [k for k in wanted if not local.has_key(k)]  # present: never decoded just to see
    if keys:
        local.set_many(cache.get_many(keys))


def pointer(org_code: str, census: dt.date) -> Pointer | None:
    hit = cache.get(_key("pointer", org_code, census))
    return hit if isinstance(hit, Pointer) else None


def status(org_code: str, census: dt.date, version: str) -> tuple[Pointer | None, TaskState | None]:
    """The dashboard's pointer and its task's state for ``version``: one read of the cache."""
    keys = (_key("pointer", org_code, census), _key("state", org_code, census, version))
    hits = cache.get_many(keys)
    ptr, st = hits.get(keys[0]), hits.get(keys[1])
    return (
        ptr if isinstance(ptr, Pointer) else None,
        st if isinstance(st, TaskState) else None,
    )


def put(dash: Dashboard, tables_html: dict[bool, str]) -> None:
    """Keep a computed dashboard (and its tables' HTML by download right), point at it unless a
    newer version's figures are already pointed at, drop the figures it replaces, and forget
    its task's state: it succeeded."""
    if dash.census is None:
        raise ValueError("only a dashboard for a census date is kept")
    org, census, version = dash.org_code, dash.census, dash.version
    cache.set_many(
        {
            _key("figures", org, census, version): dash,
            **{
                _key(f"tables-{int(dl)}", org, census, version): html
                for dl, html in tables_html.items()
            },
        }
    )
    before = pointer(org, census)
    if before is None or newer(version, before.current_for):
        cache.set(_key("pointer", org, census), Pointer(version, version))
        if before is not None and before.figures != version:
            cache.delete_many([_key(k, org, census, before.figures) for k in _FIGURE_KINDS])
    cache.delete(_key("state", org, census, version))
    remember(org, census)


_FIGURE_KINDS = ("figures", "tables-0", "tables-1")


def move_on(org_code: str, census: dt.date, to_version: str) -> bool:
    """The dashboard's figures hold for ``to_version`` too (the changes since did not touch it):
    move its pointer on; whether it was moved."""
    ptr = pointer(org_code, census)
    if ptr is None or not newer(to_version, ptr.current_for):
        return False
    if number_of(ptr.figures)[0] != number_of(to_version)[0]:
        return False  # figures of another series are never carried over
    cache.set(_key("pointer", org_code, census), Pointer(ptr.figures, to_version))
    cache.delete(_key("state", org_code, census, to_version))
    return True


def state(org_code: str, census: dt.date, version: str) -> TaskState | None:
    hit = cache.get(_key("state", org_code, census, version))
    return hit if isinstance(hit, TaskState) else None


def set_state(org_code: str, census: dt.date, version: str, value: TaskState) -> None:
    cache.set(_key("state", org_code, census, version), value)


def claim(org_code: str, census: dt.date, version: str) -> bool:
    """Record a first attempt as queued unless this dashboard and version have a state already;
    whether this caller did (and so enqueues the task)."""
    first = TaskState("queued", 1, time.time())
    return bool(cache.add(_key("state", org_code, census, version), first))


def first_attempts_queued(version: str, dashboards: list[DashboardKey]) -> set[DashboardKey]:
    """Those of ``dashboards`` whose first attempt for ``version`` is still queued, each now
    marked as queued from now (a batch of them is on its way: the watch's clock starts again).
    Two reads and a write of the cache, however many dashboards."""
    keys = {_key("state", org, census, version): (org, census) for org, census in dashboards}
    hits = cache.get_many(list(keys))
    now = time.time()
    waiting = {
        k: TaskState("queued", 1, now)
        for k, st in hits.items()
        if isinstance(st, TaskState) and (st.status, st.attempt) == ("queued", 1)
    }
    if waiting:
        cache.set_many(waiting)
    return {keys[k] for k in waiting}


def take(org_code: str, census: dt.date, version: str, seconds: float) -> bool:
    """Claim the computing of a dashboard for ``version`` for at most ``seconds`` (until
    :func:`release`); whether this caller got it (two workers' batches share a chain's
    dashboards this way)."""
    return bool(cache.add(_key("taken", org_code, census, version), 1, timeout=seconds))


def release(org_code: str, census: dt.date, version: str) -> None:
    cache.delete(_key("taken", org_code, census, version))


# -- the dashboards the worker keeps current, and how often each is viewed ----------------------
_KNOWN = f"gpw:{SCHEMA}:known"


def known() -> set[DashboardKey]:
    """Every dashboard whose figures have been computed (the worker keeps them current)."""
    hit = cache.get(_KNOWN)
    if not isinstance(hit, frozenset):
        return set()
    return {(org, dt.date.fromisoformat(day)) for org, day in hit}


def remember(org_code: str, census: dt.date) -> None:
    hit = cache.get(_KNOWN)
    have = hit if isinstance(hit, frozenset) else frozenset()
    item = (org_code, census.isoformat())
    if item not in have:
        cache.set(_KNOWN, have | {item})


_views: Counter[DashboardKey] = Counter()
_views_lock = threading.Lock()
_flusher: tuple[int, threading.Thread] | None = None


def count_view(org_code: str, census: dt.date) -> None:
    """Count a page view in this process's memory (no write: a background thread adds the
    counts to the cache every ``DASHBOARD_VIEWS_FLUSH_SECONDS``; 0 turns it off)."""
    global _flusher
    with _views_lock:
        _views[(org_code, census)] += 1
        every = float(getattr(settings, "DASHBOARD_VIEWS_FLUSH_SECONDS", 10))
        if every > 0 and (_flusher is None or _flusher[0] != os.getpid()):
            thread = threading.Thread(
                target=_flush_forever, args=(every,), name="dashboard-views", daemon=True
            )
            _flusher = (os.getpid(), thread)
            thread.start()


def _flush_forever(every: float) -> None:
    from django.db import close_old_connections

    while True:
        time.sleep(every)
        try:
            flush_views()
        except Exception:  # the cache is down: counts are kept and tried again
            log.exception("cannot record dashboard views")
        finally:
            close_old_connections()


def flush_views() -> None:
    """Add this process's view counts to the cache (and start counting again)."""
    with _views_lock:
        counts = dict(_views)
        _views.clear()
    if not counts:
        return
    keys = {k: _key("views", k[0], k[1]) for k in counts}
    try:
        have = cache.get_many(list(keys.values()))
        cache.set_many({keys[k]: int(have.get(keys[k], 0)) + n for k, n in counts.items()})
    except Exception:
        with _views_lock:
            _views.update(counts)
        raise


def view_counts(dashboards: list[DashboardKey]) -> dict[DashboardKey, int]:
    keys = {k: _key("views", k[0], k[1]) for k in dashboards}
    have = cache.get_many(list(keys.values()))
    return {k: int(have.get(v, 0)) for k, v in keys.items()}
