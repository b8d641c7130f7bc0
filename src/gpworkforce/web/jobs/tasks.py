"""The dashboards' background work on Django's Tasks (``django-tasks``; backend by setting).

- **One task per dashboard and data version** (:func:`refresh_dashboard`): computes the figures
  and tables' HTML and keeps them in the cache (:mod:`.figures`). It fails on its own: the
  failure is logged with the dashboard, version and attempt, and retried after
  :data:`RETRY_SECONDS` up to :data:`MAX_ATTEMPTS` attempts in all, then recorded as failed
  (the dashboard's page says so) until the data change again. Other dashboards' tasks are not
  affected. A task whose version is no longer current does nothing.
- **After a data change** (:func:`data_changed`, called by the action layer inside the writing
  transaction): the data version is bumped in that transaction, and once it commits
  (``transaction.on_commit``) the ICB and sub-ICB dashboards at the default census date are
  enqueued, so their viewers find them ready.
- **A page view that finds no figures** for the current version (:func:`for_page`) enqueues
  that dashboard's task (at a higher priority) and shows the figures computed last, marked
  "being updated", or says they are being computed. A task queued or running for longer than
  :data:`STUCK_SECONDS` (its worker was killed) is enqueued again by the next view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from gpworkforce.web import dashboard_html
from gpworkforce.web.dashboards import (
    Dashboard,
    available_periods,
    compute_dashboard,
    default_period,
)
from gpworkforce.web.jobs import figures
from gpworkforce.web.jobs.figures import TaskState
from gpworkforce.web.jobs.models import bump, current
from gpworkforce.web.models import Organisation

log = logging.getLogger(__name__)

# audit actions that change what the dashboards read: each bumps the data version
DATA_ACTIONS = ("return.accept", "return.import", "reference.load", "registry.load")
MAX_ATTEMPTS = 3
RETRY_SECONDS = (10, 60)  # before the second and the third attempt
STUCK_SECONDS = 300  # a dashboard takes about a second: a task this old lost its worker
VIEWER_PRIORITY = 10  # a dashboard someone is waiting for goes before the eager ones


def data_changed() -> None:
    """In a data-changing action's transaction: bump the data version and, once the transaction
    commits, enqueue the top dashboards (one callback per transaction, however many records it
    writes; a rolled-back savepoint takes its bump and callback with it)."""
    bump()
    conn = transaction.get_connection()
    if not any(func is refresh_top_dashboards for _sids, func, _robust in conn.run_on_commit):
        transaction.on_commit(refresh_top_dashboards, robust=True)


def top_dashboards() -> tuple[list[str], dt.date | None]:
    """The ICBs and sub-ICBs, and the default census date."""
    census = default_period(available_periods())
    codes = Organisation.objects.filter(type__in=["icb", "sub_icb"]).order_by("type", "code")
    return list(codes.values_list("code", flat=True)), census


def refresh_top_dashboards() -> int:
    """Enqueue the top dashboards for the current data version; how many were enqueued."""
    version = current()
    codes, census = top_dashboards()
    if census is None:
        return 0
    return sum(request(code, census, version) for code in codes)


def top_dashboards_ready() -> bool:
    """Whether every top dashboard has its figures for the current data version."""
    version = current()
    codes, census = top_dashboards()
    return census is None or all(figures.get(c, census, version) for c in codes)


def request(org_code: str, census: dt.date, version: str, *, priority: int = 0) -> bool:
    """Enqueue the dashboard's task unless it is queued, running or failed for this version (or
    computed); whether it was enqueued. A queued or running one older than
    :data:`STUCK_SECONDS` counts as an attempt that failed."""
    if figures.claim(org_code, census, version):
        return _enqueue(org_code, census, version, 1, priority=priority)
    st = figures.state(org_code, census, version)
    if st is None or st.status == "failed" or time.time() - st.at < STUCK_SECONDS:
        return False
    log.warning(
        "dashboard %s on %s (data version %s): attempt %d %s for %.0f s; its worker is gone",
        org_code,
        census,
        version,
        st.attempt,
        st.status,
        time.time() - st.at,
    )
    return _retry_or_fail(org_code, census, version, st.attempt, "worker lost", priority=priority)


def _enqueue(
    org_code: str,
    census: dt.date,
    version: str,
    attempt: int,
    *,
    delay: float = 0,
    priority: int = 0,
) -> bool:
    job = refresh_dashboard.using(priority=priority)
    if delay and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    try:
        job.enqueue(org_code, census.isoformat(), version, attempt)
    except Exception:  # the queue is down: the state stays queued, and counts as stuck later
        log.exception(
            "cannot enqueue dashboard %s on %s (data version %s)", org_code, census, version
        )
        return False
    return True


def _retry_or_fail(
    org_code: str, census: dt.date, version: str, attempt: int, error: str, *, priority: int = 0
) -> bool:
    """After attempt ``attempt`` failed: enqueue the next one, or record the failure for good."""
    if attempt >= MAX_ATTEMPTS:
        figures.set_state(
            org_code, census, version, TaskState("failed", attempt, time.time(), error)
        )
        return False
    figures.set_state(
        org_code, census, version, TaskState("queued", attempt + 1, time.time(), error)
    )
    delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS)) - 1]
    return _enqueue(org_code, census, version, attempt + 1, delay=delay, priority=priority)


@task()
def refresh_dashboard(org_code: str, census: str, version: str, attempt: int = 1) -> str:
    """Compute one dashboard for one data version and keep it (see the module notes); what
    happened: ``computed``, ``cached`` (another run did it) or ``superseded``."""
    day = dt.date.fromisoformat(census)
    if current() != version:
        return "superseded"
    if figures.get(org_code, day, version) is not None:
        return "cached"
    figures.set_state(org_code, day, version, TaskState("running", attempt, time.time()))
    started = time.perf_counter()
    try:
        dash = compute_dashboard(org_code, day, version)
        html = {dl: dashboard_html.tables_html(dash, dl) for dl in (True, False)}
        figures.put(dash, html)
    except Exception as exc:
        log.exception(
            "dashboard %s on %s (data version %s) failed, attempt %d of %d",
            org_code,
            census,
            version,
            attempt,
            MAX_ATTEMPTS,
        )
        _retry_or_fail(org_code, day, version, attempt, f"{type(exc).__name__}: {exc}"[:500])
        raise  # the task's own result is failed too (the backend records it)
    log.info(
        "dashboard %s on %s (data version %s) computed in %.2f s",
        org_code,
        census,
        version,
        time.perf_counter() - started,
    )
    return "computed"


def for_page(org_code: str, census: dt.date | None) -> tuple[Dashboard, TaskState | None]:
    """What a page shows for the dashboard: the current version's figures; else (its task is
    enqueued if it was not) the figures computed last, marked ``updating``, or ``failed`` if the
    task has failed for good; and the task's state."""
    version = current()
    periods = tuple(available_periods())
    census = census or default_period(list(periods))
    if census is None:
        msg = "No figures have been loaded yet."
        return Dashboard(org_code, None, periods, (), msg, version=version), None
    dash = figures.get(org_code, census, version)
    if dash is None:
        request(org_code, census, version, priority=VIEWER_PRIORITY)
        dash = figures.get(org_code, census, version)  # an immediate backend has computed it
    if dash is not None:
        return dataclasses.replace(dash, periods=periods), None
    st = figures.state(org_code, census, version)
    failed = st is not None and st.status == "failed"
    shown = figures.latest(org_code, census) or Dashboard(org_code, census, periods, ())
    return dataclasses.replace(shown, periods=periods, updating=not failed, failed=failed), st


def for_download(org_code: str, census: dt.date | None) -> Dashboard | None:
    """The current version's figures for a download, or None while they are being computed
    (the task is enqueued if it was not)."""
    dash, _ = for_page(org_code, census)
    return None if dash.updating or dash.failed else dash
