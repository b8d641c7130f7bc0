"""The dashboards' background work on Django's Tasks (``django-tasks``; backend by setting).

- **After a data change** (:func:`data_changed`, called by the action layer inside the writing
  transaction): the data version is bumped in that transaction (with a note of what changed), and
  once it commits (``transaction.on_commit``) two tasks are enqueued: :func:`refresh_dashboards`
  and, a little later, :func:`watch_dashboards`. Nothing is computed on the request.
- :func:`refresh_dashboards` (one per data version; does nothing if a newer version exists by the
  time it runs): goes through the dashboards the worker keeps current (the ICB and sub-ICB ones at
  the default census date, and every one computed before), most viewed first. A dashboard the
  changes since its figures cannot touch (a return accepted for a practice outside it) keeps its
  figures, now marked as current; the others are recorded as queued and computed, in that order,
  by one chain of :func:`refresh_batch` tasks (decision 0175), not one task each: a national load
  changes every dashboard, and hundreds of tasks at priorities down to 0 kept the worker from
  the band evaluation and other work queued behind them, and outlived the watch's patience.
- **A batch** (:func:`refresh_batch`) first enqueues the next batch with the dashboards still to
  do (so a killed worker loses at most the dashboard it was computing), marks them as queued
  now (the watch's clock) and then computes them in order for about :data:`BATCH_SECONDS`; each
  dashboard it takes is claimed for a moment in the cache, so two workers running two batches of
  a chain share the dashboards instead of computing them twice. Its priority is that of the rank
  of its first dashboard, as the single tasks' were, so work someone is waiting for goes in
  between batches.
- **One dashboard** (:func:`refresh_dashboard`, and each dashboard of a batch): computes the
  figures and tables' HTML and keeps them in the cache (:mod:`.figures`). It fails on its own: the
  failure is logged with the dashboard, version and attempt, and retried (as a task of its own)
  after :data:`RETRY_SECONDS` up to :data:`MAX_ATTEMPTS` attempts in all, then recorded as failed
  (the dashboard's page says so) until the data change again. Other dashboards are not affected.
  A task whose version is no longer current does nothing. A dashboard a viewer is waiting for
  (never computed), a retry and the watch's catching up are single tasks.
- :func:`watch_dashboards` (deferred; again every :data:`WATCH_SECONDS` while a dashboard of the
  version is not ready): enqueues again a task queued or running for longer than
  :data:`STUCK_SECONDS` (its worker was killed; a batch marks the dashboards it hands on as
  queued afresh, so a long chain is not taken for a lost one) and, in one batch, the dashboards
  nothing was enqueued for (the watch of a version can run before its refresh when the worker is
  behind). So a killed worker, once restarted, catches up without a viewer or a new change.
- **A page view** (:func:`look`) reads the data version (one indexed read) and, unless its process
  already knows the figures are current, the dashboard's small pointer and task state (one read of
  the cache); it writes nothing, except for a dashboard that has never been computed, whose task
  the first view enqueues.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from gpworkforce.web import dashboard_html
from gpworkforce.web.dashboards import (
    available_periods,
    compute_dashboard,
    default_period,
    periods_and_default,
)
from gpworkforce.web.jobs import figures
from gpworkforce.web.jobs.figures import DashboardKey, TaskState
from gpworkforce.web.jobs.models import (
    Versions,
    bump,
    changes_between,
    current,
    number_of,
    snapshot,
)
from gpworkforce.web.jobs.models import exists as data_version_exists
from gpworkforce.web.models import (
    Organisation,
    PracticeReturnRecord,
    children_codes,
    descendant_codes,
    organisations,
    registry_version,
)

log = logging.getLogger(__name__)

# audit actions that change what the dashboards read: each bumps the data version
DATA_ACTIONS = ("return.accept", "return.import", "reference.load", "registry.load", "round.open")
RETURN_ACTIONS = ("return.accept", "return.import")  # one practice's accepted return
MAX_ATTEMPTS = 3
RETRY_SECONDS = (10, 60)  # before the second and the third attempt
STUCK_SECONDS = 60  # a dashboard takes 1-8 s: a task queued or running this long lost its worker
WATCH_SECONDS = 20  # the watch runs this long after a change, and again while one is not ready
VIEWER_PRIORITY = 30  # a dashboard someone is waiting for (never computed) goes first
REFRESH_PRIORITY = 40  # a data version's refresh goes before dashboards of older versions
TOP_PRIORITY = 20  # the most viewed dashboard's task; each next one a step lower (down to 0)
BATCH_SECONDS = 2.0  # a batch computes dashboards for about this long, then the next one goes on
# a dashboard a batch is to compute: its rank (most viewed first), organisation, census date
Queued = tuple[int, str, str]


def data_changed(action: str, practice_code: str = "", census: dt.date | None = None) -> None:
    """In a data-changing action's transaction: bump the data version (noting what changed) and,
    once the transaction commits, enqueue its refresh (one callback per transaction, however many
    records it writes; a rolled-back savepoint takes its bump and callback with it).

    A return accepted for a practice changes only the dashboards over that practice, unless it is
    the first accepted return for its census date (a new period in every dashboard's series)."""
    narrow = ""
    if action in RETURN_ACTIONS and practice_code and census is not None:
        others = PracticeReturnRecord.objects.filter(state="accepted", round__census_date=census)
        if others.exclude(practice_id=practice_code).exists():
            narrow = practice_code
    bump(practice_code=narrow, registry=action == "registry.load")
    conn = transaction.get_connection()
    active = set(conn.savepoint_ids)
    if not any(
        func is enqueue_refresh and sids <= active for sids, func, _robust in conn.run_on_commit
    ):
        transaction.on_commit(enqueue_refresh, robust=True)


def _at(job: Task, priority: int) -> Task:  # type: ignore[type-arg]
    """``job`` at ``priority`` where the backend orders by priority (RQ does not: FIFO)."""
    return job.using(priority=priority) if job.get_backend().supports_priority else job


def enqueue_refresh() -> None:
    """Enqueue the current data version's refresh, and its watch a little later."""
    version = current()
    _at(refresh_dashboards, REFRESH_PRIORITY).enqueue(version)
    _enqueue_watch(version)


def _enqueue_watch(version: str) -> None:
    job = _at(watch_dashboards, REFRESH_PRIORITY)
    if not job.get_backend().supports_defer:
        return  # e.g. the immediate backend: nothing can be lost between now and later
    later = timezone.now() + dt.timedelta(seconds=WATCH_SECONDS)
    job.using(run_after=later).enqueue(version)


def top_dashboards() -> tuple[list[str], dt.date | None]:
    """The ICBs and sub-ICBs, and the default census date."""
    census = default_period(available_periods())
    codes = Organisation.objects.filter(type__in=["icb", "sub_icb"]).order_by("type", "code")
    return list(codes.values_list("code", flat=True)), census


def kept_current() -> list[DashboardKey]:
    """The dashboards the worker keeps current, most viewed first: the top ones at the default
    census date and every one computed before."""
    codes, census = top_dashboards()
    wanted = set(figures.known())
    if census is not None:
        wanted |= {(c, census) for c in codes}
    top = {(c, census) for c in codes}
    views = figures.view_counts(sorted(wanted))
    return sorted(wanted, key=lambda d: (-views[d], d not in top, d[0], d[1]))


def top_dashboards_ready() -> bool:
    """Whether every top dashboard has figures current for the data version."""
    version = current()
    codes, census = top_dashboards()
    if census is None:
        return True
    for code in codes:
        ptr = figures.pointer(code, census)
        if ptr is None or ptr.current_for != version:
            return False
    return True


def _untouched(
    org_code: str, census: dt.date, since: str, version: str, changes: dict[int, object]
) -> bool:
    """Whether the changes after ``since`` up to ``version`` cannot touch this dashboard."""
    (t0, n0), (t1, n1) = number_of(since), number_of(version)
    if t0 != t1 or n0 >= n1:
        return False
    if n0 not in changes:
        changes[n0] = changes_between(n0, n1)
    rows = changes[n0]
    if rows is None:
        return False
    practices = {r.practice_code for r in rows}  # type: ignore[attr-defined]
    if "" in practices:
        return False
    return not practices & descendant_codes(org_code, census)


@task()
def refresh_dashboards(version: str) -> str:
    """Bring every dashboard kept current to ``version`` (see the module notes); what it did."""
    if current() != version:
        return "superseded"
    changes: dict[int, object] = {}
    moved = 0
    todo: list[Queued] = []
    for rank, (org, census) in enumerate(kept_current()):
        ptr = figures.pointer(org, census)
        if ptr is not None and ptr.current_for == version:
            continue
        if ptr is not None and _untouched(org, census, ptr.current_for, version, changes):
            moved += figures.move_on(org, census, version)
            continue
        if figures.claim(org, census, version):
            todo.append((rank, org, census.isoformat()))
    if todo:
        _enqueue_batch(version, todo)
    log.info("data version %s: %d dashboards queued, %d unchanged", version, len(todo), moved)
    return f"{len(todo)} queued, {moved} unchanged"


def _enqueue_batch(version: str, todo: list[Queued]) -> bool:
    """Enqueue the batch of ``todo`` (in order), at the priority of its first dashboard's rank."""
    job = _at(refresh_batch, max(TOP_PRIORITY - todo[0][0], 0))
    try:
        job.enqueue(version, [list(q) for q in todo])
    except Exception:  # the queue is down: the states stay queued; the watch enqueues them again
        log.exception(
            "cannot enqueue a batch of %d dashboards (data version %s)", len(todo), version
        )
        return False
    return True


@task()
def refresh_batch(version: str, dashboards: list[list[object]]) -> str:
    """Compute ``dashboards`` ([rank, organisation, census date], in order) for ``version``, for
    about :data:`BATCH_SECONDS`; the rest go to the next batch, enqueued as soon as this one has
    taken its first dashboard (see the module notes). What it did."""
    if current() != version:
        return "superseded"
    todo: list[Queued] = [(int(str(r)), str(o), str(c)) for r, o, c in dashboards]
    left = figures.first_attempts_queued(
        version, [(o, dt.date.fromisoformat(c)) for _, o, c in todo]
    )
    todo = [q for q in todo if (q[1], dt.date.fromisoformat(q[2])) in left]
    started = time.perf_counter()
    handed_on = False
    done = 0
    for i, (_rank, org, census) in enumerate(todo):
        day = dt.date.fromisoformat(census)
        if not figures.take(org, day, version, STUCK_SECONDS):
            continue  # another batch of the chain, on another worker, is computing it
        try:
            if not handed_on and i + 1 < len(todo):
                handed_on = _enqueue_batch(version, todo[i + 1 :])
            state = figures.state(org, day, version)
            if state is not None and (state.status, state.attempt) == ("queued", 1):
                _refresh(org, day, version, 1)
                done += 1
        except Exception:  # logged by _refresh and retried as a task of its own: go on
            log.debug("batch of data version %s goes on after %s", version, org)
        finally:
            figures.release(org, day, version)
        if time.perf_counter() - started >= BATCH_SECONDS:
            break
    return f"{done} computed" + (", the rest handed on" if handed_on else "")


@task()
def watch_dashboards(version: str) -> str:
    """Enqueue again what a killed worker lost for ``version`` (see the module notes)."""
    if current() != version:
        return "superseded"
    pending = 0
    missing: list[Queued] = []  # nothing was enqueued for them: one batch (decision 0175)
    for rank, (org, census) in enumerate(kept_current()):
        ptr, st = figures.status(org, census, version)
        if ptr is not None and ptr.current_for == version:
            continue
        if st is None:
            pending += 1
            if figures.claim(org, census, version):
                missing.append((rank, org, census.isoformat()))
        elif st.status != "failed":
            pending += 1
            if time.time() - st.at >= STUCK_SECONDS:
                log.warning(
                    "dashboard %s on %s (data version %s): attempt %d %s for %.0f s; "
                    "its worker is gone",
                    org,
                    census,
                    version,
                    st.attempt,
                    st.status,
                    time.time() - st.at,
                )
                _retry_or_fail(org, census, version, st.attempt, "worker lost")
    if missing:
        _enqueue_batch(version, missing)
    if pending:
        _enqueue_watch(version)
    return f"{pending} not ready"


def request(org_code: str, census: dt.date, version: str, *, priority: int = 0) -> bool:
    """Enqueue the dashboard's task unless it is queued, running or failed for this version (or
    computed); whether it was enqueued."""
    if figures.claim(org_code, census, version):
        return _enqueue(org_code, census, version, 1, priority=priority)
    return False


def _enqueue(
    org_code: str,
    census: dt.date,
    version: str,
    attempt: int,
    *,
    delay: float = 0,
    priority: int = 0,
) -> bool:
    job = _at(refresh_dashboard, priority)
    if delay and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    try:
        job.enqueue(org_code, census.isoformat(), version, attempt)
    except Exception:  # the queue is down: the state stays queued; the watch enqueues it again
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
    return _refresh(org_code, day, version, attempt)


def _refresh(org_code: str, day: dt.date, version: str, attempt: int) -> str:
    """Compute one dashboard (attempt ``attempt``) unless it is current; see the module notes."""
    census = day.isoformat()
    ptr = figures.pointer(org_code, day)
    if ptr is not None and ptr.current_for == version:
        return "cached"
    figures.set_state(org_code, day, version, TaskState("running", attempt, time.time()))
    started = time.perf_counter()
    try:
        dash = compute_dashboard(org_code, day, version)
        html = {dl: dashboard_html.tables_html(dash, dl) for dl in (True, False)}
        figures.put(dash, html)
        now = current()  # changes committed while it computed may not touch it: then current
        if now != version and _untouched(org_code, day, version, now, {}):
            figures.move_on(org_code, day, now)
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


# -- what a page shows ----------------------------------------------------------------------------
Shown = Literal["current", "updating", "failed"]


@dataclass(frozen=True)
class Look:
    """What a page of one dashboard shows, as found by :func:`look`."""

    versions: Versions  # the data version row
    census: dt.date | None  # the census date shown (None: no figures loaded at all)
    periods: tuple[dt.date, ...]  # every census date with figures (current data version)
    figures: str  # the data version of the figures shown ("": none yet)
    shown: Shown  # current; updating (older figures, or none yet, while the task runs); failed
    attempts: int  # attempts of the current version's task (failed: how many failed)


@functools.lru_cache(maxsize=8)
def _periods(version: str) -> tuple[tuple[dt.date, ...], dt.date | None]:
    """Census dates with figures and the default one, per data version (every change to rounds
    or reference figures makes a new version); ``version`` is only the key."""
    periods, default = periods_and_default()
    return tuple(periods), default


def periods() -> tuple[Versions, tuple[dt.date, ...], dt.date | None]:
    """The data version row, and its census dates with figures and the default one."""
    versions = snapshot()
    dates, default = _periods(versions.key)
    return versions, dates, default


def look(
    org_code: str,
    census: dt.date | None,
    known_periods: tuple[Versions, tuple[dt.date, ...], dt.date | None] | None = None,
    *,
    enqueue: bool = True,
) -> Look:
    """What a page of the dashboard shows (see the module notes: no write unless the dashboard
    has never been computed, and none with ``enqueue`` False); ``known_periods``: what
    :func:`periods` returned for this request."""
    versions, dates, default = known_periods or periods()
    version = versions.key
    census = census or default
    if census is None:
        return Look(versions, None, dates, "", "current", 0)
    known = f"gpw-current:{org_code}:{census.isoformat()}:{version}"
    local = caches["local"]
    hit = local.get(known)
    if isinstance(hit, str):
        return Look(versions, census, dates, hit, "current", 0)
    ptr, st = figures.status(org_code, census, version)
    if ptr is not None and number_of(ptr.figures)[0] != versions.token:
        ptr = None  # figures of another series of versions (before a restore) are never shown
    if ptr is None and st is None and enqueue:  # never computed, nothing queued: a view's write
        request(org_code, census, version, priority=VIEWER_PRIORITY)
        ptr, st = figures.status(org_code, census, version)  # an immediate backend has run it
    if ptr is not None and ptr.current_for == version:
        local.set(known, ptr.figures)
        return Look(versions, census, dates, ptr.figures, "current", 0)
    shown: Shown = "failed" if st is not None and st.status == "failed" else "updating"
    attempts = st.attempt if st is not None else 0
    return Look(versions, census, dates, ptr.figures if ptr else "", shown, attempts)


WARM_DASHBOARDS = 8  # the most viewed dashboards a new server process reads before its first view
WARM_EVERY_SECONDS = 1.0  # how often a server process looks for newly computed figures to read


def warm_process(limit: int = WARM_DASHBOARDS) -> int:
    """Read into this process's memory what the page views of the ``limit`` most viewed
    dashboards (:func:`kept_current`) need from the database: the data version's census dates,
    the hierarchy and the organisations of the registry version, each dashboard's figures and
    tables' HTML (both kinds) and whether they are current. Called by a new gunicorn worker
    before its first request (``gunicorn.conf.py``, decision 0133); writes nothing. Everything
    read is keyed by the version it belongs to, as when a view reads it. How many dashboards'
    figures were read (none before any data have changed: then there is nothing to read)."""
    if not data_version_exists():  # periods() would create the row: a write
        return 0
    known = periods()
    registry = registry_version()
    wanted = kept_current()[:limit]
    codes = {code for code, _census in wanted}
    for code, census in wanted:  # the drill-down links' organisations too
        codes |= children_codes(code, census, registry)
    organisations(codes, registry)
    read = 0
    for code, census in wanted:
        seen = look(code, census, known, enqueue=False)
        if seen.census is not None and seen.figures:
            figures.prefetch(code, seen.census, seen.figures, None)
            read += 1
    return read


def keep_warm(every: float = WARM_EVERY_SECONDS) -> threading.Thread | None:
    """Start this process's thread that runs :func:`warm_process` every ``every`` seconds (0:
    none), so that figures the task worker has just computed are read into the process's memory
    within a second, by this thread, not by the first viewer of each dashboard after a data change
    (nor by all the viewers who arrive together and wait for that one, decision 0149). When
    nothing has changed a pass reads the data version and the view counts and finds the rest in
    memory; like :func:`warm_process` it writes nothing."""
    if every <= 0:
        return None
    thread = threading.Thread(
        target=_warm_forever, args=(every,), name="dashboard-warmer", daemon=True
    )
    thread.start()
    return thread


def _warm_forever(every: float) -> None:
    from django.db import close_old_connections

    failing = False
    while True:
        time.sleep(every)
        try:
            warm_process()
            failing = False
        except Exception:  # the database is busy or down: the views read what they need
            if not failing:  # once per spell of failures, not every second
                log.warning("could not read newly computed dashboards", exc_info=True)
            failing = True
        finally:
            close_old_connections()
