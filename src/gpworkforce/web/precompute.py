"""Recomputing dashboards right after a data change, so that no viewer waits for it.

An action that changes the data the dashboards read (accepting or importing a return, loading
reference figures or the registry: :data:`gpworkforce.web.dashboards.DATA_ACTIONS`) calls
:func:`schedule` inside its transaction. Once the transaction commits, a background thread of
the same process recomputes, for the new data version, the dashboards viewed recently in this
process and every ICB and sub-ICB dashboard. Changes arriving while it works are coalesced into
one more pass. This is on top of the fast cold path, not instead of it: other server processes
still compute their own first view, and the thread only runs in server processes (enabled by
:func:`enable`, which :func:`gpworkforce.web.warmup.warm_process` calls), never in management
commands or tests unless they ask.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict

from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)
RECENT = 16  # (organisation, census) pairs remembered per process

_lock = threading.Lock()
_recent: OrderedDict[tuple[str, dt.date | None], None] = OrderedDict()
_wake = threading.Event()
_state: dict[str, object] = {"enabled": False, "thread": None, "passes": 0}


def enable(on: bool = True) -> None:
    """Turn eager recomputation on (server processes) or off."""
    _state["enabled"] = on


def enabled() -> bool:
    return bool(_state["enabled"])


def note_viewed(org_code: str, census: dt.date | None) -> None:
    """Remember a dashboard someone asked for (most recent last, at most :data:`RECENT`)."""
    with _lock:
        _recent[(org_code, census)] = None
        _recent.move_to_end((org_code, census))
        while len(_recent) > RECENT:
            _recent.popitem(last=False)


def schedule(action: str) -> None:
    """Inside a data-changing action's transaction: recompute once it has committed."""
    from gpworkforce.web.dashboards import DATA_ACTIONS

    if enabled() and action in DATA_ACTIONS:
        transaction.on_commit(_wake_worker)


def warm_start() -> None:
    """At server start: compute the top dashboards in the background, before viewers arrive.

    The server accepts requests meanwhile (a viewer who comes first computes as usual); the
    health check reports ``dashboards_ready`` once a pass has finished.
    """
    if enabled():
        _wake_worker()


def passes() -> int:
    """How many recompute passes this process has finished (0: not warm yet)."""
    return int(_state["passes"])  # type: ignore[call-overload]


def _wake_worker() -> None:
    with _lock:
        thread = _state["thread"]
        if thread is None or not thread.is_alive():  # type: ignore[attr-defined]
            thread = threading.Thread(target=_work, name="gpw-precompute", daemon=True)
            _state["thread"] = thread
            thread.start()
    _wake.set()


def _work() -> None:
    while True:
        _wake.wait()
        _wake.clear()
        try:
            close_old_connections()
            precompute()
            with _lock:
                _state["passes"] = passes() + 1
        except Exception:  # a failed pass must not stop later ones; viewers compute as before
            log.exception("recomputing dashboards after a data change failed")
        finally:
            connection.close()


def targets() -> list[tuple[str, dt.date | None]]:
    """The recently viewed dashboards, then every ICB and sub-ICB at the default census date."""
    from gpworkforce.web.models import Organisation

    with _lock:
        recent = list(reversed(_recent))
    top = Organisation.objects.filter(type__in=["icb", "sub_icb"]).order_by("type", "code")
    return list(
        dict.fromkeys([*recent, *((code, None) for code in top.values_list("code", flat=True))])
    )


def precompute() -> int:
    """Compute (and cache) every target dashboard for the current data version; how many."""
    from gpworkforce.web.dashboards import build_dashboard
    from gpworkforce.web.models import Organisation
    from gpworkforce.web.views.dashboards import _body_html

    done = 0
    for org_code, census in targets():
        dash = build_dashboard(org_code, census, remember=False)
        org = Organisation.objects.filter(code=org_code).first()
        if org is not None:  # the tables' HTML too, for viewers with and without downloads
            for can_download in (True, False):
                _body_html(org, dash, can_download)
        done += 1
    return done
