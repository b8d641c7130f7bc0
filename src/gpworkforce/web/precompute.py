"""Recomputing dashboards right after a data change, so that no viewer waits for it.

A server process (enabled by :func:`enable`, which :func:`gpworkforce.web.warmup.warm_process`
calls; never management commands or tests unless they ask) runs one background thread that
watches the data version (:func:`gpworkforce.web.dashboards.data_version`, one indexed query,
every :data:`POLL_SECONDS`), so it notices a change whichever process made it: an action in this
process (which also wakes the thread at once, on commit: :func:`schedule`), another server
process, or a management command. On a change it recomputes, for the new data version, the
dashboards viewed recently (in any process) and every ICB and sub-ICB dashboard, and renders
their tables HTML. Changes arriving while it works are coalesced into one more pass.

The results go to the store shared by the server's processes (:mod:`gpworkforce.web.dashstore`)
under in-flight markers, so each dashboard is computed once per data version by one process; the
others skip it, do another one meanwhile, then read it. When a separate compute process is
running (:mod:`gpworkforce.web.compute`, which sends a heartbeat), the server processes compute
nothing in the background: they wait for its results and keep them in memory.

A page view that finds the previous version's figures while a background computer is going to
compute the new ones shows the previous figures, marked "being updated", instead of computing
in the request (:func:`will_recompute`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)
RECENT = 16  # (organisation, census) pairs remembered, per process and shared
POLL_SECONDS = 0.5  # how often a server process looks at the data version
HEARTBEAT_SECONDS = 10  # a compute process not heard of for this long is gone
_RECENT_KEY = "gpw-web:recent-dashboards"
_HEARTBEAT_KEY = "gpw-web:compute-heartbeat"
_DONE_KEY = "gpw-web:compute-done-version"

_lock = threading.Lock()
_recent: OrderedDict[tuple[str, dt.date | None], None] = OrderedDict()
_wake = threading.Event()
_state: dict[str, object] = {"enabled": False, "thread": None, "passes": 0, "seen": None}


def enable(on: bool = True) -> None:
    """Turn eager recomputation on (server processes) or off."""
    _state["enabled"] = on


def enabled() -> bool:
    return bool(_state["enabled"])


def note_viewed(org_code: str, census: dt.date | None) -> None:
    """Remember a dashboard someone asked for (most recent last, at most :data:`RECENT`), here
    and, when it is new here, in the list shared with the other processes."""
    pair = (org_code, census)
    with _lock:
        new = pair not in _recent
        _recent[pair] = None
        _recent.move_to_end(pair)
        while len(_recent) > RECENT:
            _recent.popitem(last=False)
    if new and (enabled() or compute_process_alive()):
        _share_recent(pair)


def _share_recent(pair: tuple[str, dt.date | None]) -> None:
    from gpworkforce.web.dashboards import store

    shared = [p for p in (store.get_shared(_RECENT_KEY) or []) if p != pair]
    store.set_shared(_RECENT_KEY, [pair, *shared][:RECENT])


def _shared_recent() -> list[tuple[str, dt.date | None]]:
    from gpworkforce.web.dashboards import store

    value = store.get_shared(_RECENT_KEY)
    return list(value) if isinstance(value, list) else []


def schedule(action: str) -> None:
    """Inside a data-changing action's transaction: recompute once it has committed."""
    from gpworkforce.web.dashboards import DATA_ACTIONS

    if enabled() and action in DATA_ACTIONS:
        transaction.on_commit(_wake_worker)


def warm_start() -> None:
    """At server start: start watching the data version and compute the top dashboards in the
    background, before viewers arrive.

    The server accepts requests meanwhile (a viewer who comes first computes as usual); the
    health check reports ``dashboards_ready`` once a pass has finished.
    """
    if enabled():
        from gpworkforce.web.compute import ensure_compute_process

        ensure_compute_process()
        _wake_worker()


def passes() -> int:
    """How many recompute passes this process has finished (0: not warm yet)."""
    return int(_state["passes"])  # type: ignore[call-overload]


def running() -> bool:
    """Whether this process's background thread is watching for changes."""
    thread = _state["thread"]
    return enabled() and thread is not None and thread.is_alive()  # type: ignore[attr-defined]


def compute_process_alive() -> bool:
    """Whether a compute process (:mod:`gpworkforce.web.compute`) sent a heartbeat lately."""
    from gpworkforce.web.dashboards import store

    return store.get_shared(_HEARTBEAT_KEY) is not None


def heartbeat() -> None:
    """Called by the compute process, often: it is alive and computes the dashboards."""
    from gpworkforce.web.dashboards import store

    store.set_shared(_HEARTBEAT_KEY, True, timeout=HEARTBEAT_SECONDS)


def will_recompute(version: str) -> bool:
    """Whether a background computer will compute data version ``version`` of a dashboard just
    noted as viewed: this process's thread has not finished a pass for it (the thread is woken
    at once), or a compute process has not. Then a page may show the previous figures, marked,
    rather than compute in the request."""
    if running() and _state["seen"] != version:
        _wake.set()
        return True
    if compute_process_alive():
        from gpworkforce.web.dashboards import store

        return store.get_shared(_DONE_KEY) != version
    return False


def record_done(version: str) -> None:
    """The compute process has finished a pass for ``version`` (dashboards noted after it are
    computed by their first viewer, as usual)."""
    from gpworkforce.web.dashboards import store

    store.set_shared(_DONE_KEY, version)


def _wake_worker() -> None:
    with _lock:
        thread = _state["thread"]
        if thread is None or not thread.is_alive():  # type: ignore[attr-defined]
            thread = threading.Thread(target=_work, name="gpw-precompute", daemon=True)
            _state["thread"] = thread
            thread.start()
    _wake.set()


def _work() -> None:
    from gpworkforce.web.compute import ensure_compute_process

    checked = time.monotonic()
    while True:
        woken = _wake.wait(POLL_SECONDS)
        _wake.clear()
        if not enabled():  # switched off (tests): hold no connection while idle
            connection.close()
            continue
        try:
            if time.monotonic() - checked > HEARTBEAT_SECONDS:  # the compute process died?
                checked = time.monotonic()
                ensure_compute_process()
            close_old_connections()
            if poll(force=woken) is not None:
                with _lock:
                    _state["passes"] = passes() + 1
        except Exception:  # a failed pass must not stop later ones; viewers compute as before
            log.exception("recomputing dashboards after a data change failed")
            connection.close()


def poll(*, force: bool = False, follow: bool | None = None) -> str | None:
    """One look at the data version (one query); a pass if it changed since the last pass here
    (or ``force``). The version the pass was for, None if none ran. ``follow``: only wait for
    the compute process's results (default: when one is alive)."""
    from gpworkforce.web.dashboards import data_version

    version = data_version()
    if not force and version == _state["seen"]:
        return None
    precompute(follow=compute_process_alive() if follow is None else follow)
    _state["seen"] = version  # read before the pass: a change during it gives one more pass
    return version


def targets() -> list[tuple[str, dt.date | None]]:
    """The recently viewed dashboards (here, then in other processes), then every ICB and
    sub-ICB at the default census date."""
    from gpworkforce.web.models import Organisation

    with _lock:
        recent = list(reversed(_recent))
    top = Organisation.objects.filter(type__in=["icb", "sub_icb"]).order_by("type", "code")
    return list(
        dict.fromkeys(
            [
                *recent,
                *_shared_recent(),
                *((code, None) for code in top.values_list("code", flat=True)),
            ]
        )
    )


def precompute(*, follow: bool = False, on_progress: Callable[[], None] | None = None) -> int:
    """Every target dashboard for the current data version, figures and tables HTML, in the
    shared store and this process's memory; how many.

    A dashboard another process is computing is left for later (another one is done meanwhile),
    then read. ``follow``: compute nothing, wait for another process's results.
    ``on_progress`` is called after each dashboard (the compute process's heartbeat).
    """
    from gpworkforce.web.dashboards import build_dashboard, build_unless_busy, follow_dashboard

    done = 0
    later: list[tuple[str, dt.date | None]] = []
    for org_code, census in targets():
        dash = follow_dashboard(org_code, census) if follow else build_unless_busy(org_code, census)
        if dash is None:
            later.append((org_code, census))
            continue
        _bodies(org_code, dash)
        done += 1
        if on_progress is not None:
            on_progress()
    if not follow:
        for org_code, census in later:
            _bodies(org_code, build_dashboard(org_code, census, remember=False))
            done += 1
    return done


def _bodies(org_code: str, dash: object) -> None:
    """The tables' HTML, for viewers with and without downloads."""
    from gpworkforce.web.models import Organisation
    from gpworkforce.web.views.dashboards import _body_html

    org = Organisation.objects.filter(code=org_code).first()
    if org is not None:
        for can_download in (True, False):
            _body_html(org, dash, can_download)  # type: ignore[arg-type]
