"""Computed dashboards and the state of their tasks, in Django's cache (``caches["default"]``:
the database cache, or Redis when ``REDIS_URL`` is set), keyed by data version.

Per dashboard (organisation and census date) and data version:

- the figures (a :class:`~gpworkforce.web.dashboards.Dashboard`) and their tables' HTML for
  viewers with and without downloads, written by the dashboard's task when it succeeds;
- the task's state (:class:`TaskState`) while it is queued or running, or once it has failed
  for good; removed when it succeeds. ``cache.add`` of the first state decides which request
  enqueues the task, so one task is queued per dashboard and version however many views ask.

Per dashboard, the figures computed last whatever their version (shown, marked, while the current
version's task is queued or running, or after it failed). Figures and tables' HTML of a version,
once read, are also kept in the process's memory (``caches["local"]``): a page view then reads
no 0.3-1 MB entry from the shared cache. Nothing here computes or enqueues.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Literal

from django.core.cache import cache, caches

from gpworkforce.web.dashboards import Dashboard

SCHEMA = "1"  # part of every key: change it when the stored values' layout changes
Status = Literal["queued", "running", "failed"]


@dataclass(frozen=True)
class TaskState:
    status: Status
    attempt: int  # 1 for the first run
    at: float  # when this state was entered (seconds since the epoch)
    error: str = ""  # the last failure's exception class and message (for the log and admins)


def _key(kind: str, org_code: str, census: dt.date, version: str = "") -> str:
    return f"gpw:{SCHEMA}:{kind}:{org_code}:{census.isoformat()}:{version}"


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


def get(org_code: str, census: dt.date, version: str) -> Dashboard | None:
    hit = _read(_key("figures", org_code, census, version))
    return hit if isinstance(hit, Dashboard) else None


def latest(org_code: str, census: dt.date) -> Dashboard | None:
    """The figures computed last for this dashboard, of whichever data version."""
    hit = cache.get(_key("latest", org_code, census))
    return hit if isinstance(hit, Dashboard) else None


def put(dash: Dashboard, tables_html: dict[bool, str]) -> None:
    """Keep a computed dashboard (and its tables' HTML by download right) and forget its task's
    state: it succeeded."""
    if dash.census is None:
        raise ValueError("only a dashboard for a census date is kept")
    org, census, version = dash.org_code, dash.census, dash.version
    cache.set_many(
        {
            _key("figures", org, census, version): dash,
            _key("latest", org, census): dash,
            **{
                _key(f"tables-{int(dl)}", org, census, version): html
                for dl, html in tables_html.items()
            },
        }
    )
    cache.delete(_key("state", org, census, version))


def tables_html(org_code: str, census: dt.date, version: str, can_download: bool) -> str | None:
    hit = _read(_key(f"tables-{int(can_download)}", org_code, census, version))
    return hit if isinstance(hit, str) else None


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
