"""The run's background task (Django Tasks, the backend of the ``jobs`` app's settings).

:func:`run_scenario` takes a queued :class:`~.models.Run`, marks it running, runs its TOML
through the library (:func:`.compute.run_toml`), writing its progress to the row as it goes, and
finishes it as ``done`` with the record and results, or ``failed`` with a message a person can
read (a scenario the library refuses: its issues; anything else: "the run failed", logged with
the traceback). Finishing is one conditional UPDATE from ``running``, so a run finishes once.

A run with uncertain assumptions is followed by :func:`tornado`, its own task (decision 0080):
the run is done, and its page shows the fan and the chance of meeting the target, before the
one-at-a-time runs of the tornado start; the tornado is kept in a
:class:`~.models.Sensitivity` row that goes through the same states.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.web.scenarios import compute
from gpworkforce.web.scenarios.bands import band_source
from gpworkforce.web.scenarios.labels import parameter_label
from gpworkforce.web.scenarios.models import Run, Sensitivity

log = logging.getLogger(__name__)
STUCK_SECONDS = 15 * 60  # a run queued or running this long has lost its worker
RUN_PRIORITY = 10  # someone is waiting for it, as for a dashboard being viewed
TORNADO_PRIORITY = 5  # after any run someone has just asked for


def enqueue(run_id: int) -> bool:
    """Queue the run's task; False (the run marked failed) when the queue is down."""
    try:
        run_scenario.using(priority=RUN_PRIORITY).enqueue(run_id)
    except Exception:
        log.exception("cannot enqueue scenario run %s", run_id)
        _finish(run_id, "failed", error="The run could not be queued. Try again later.")
        return False
    return True


PROGRESS_EVERY_S = 0.5  # the run's page asks for its progress every 0.5 s


def _progress(run_id: int, percent: int, text: str) -> None:
    Run.objects.filter(pk=run_id, status="running").update(
        progress=max(0, min(int(percent), 99)), progress_text=text[:300]
    )


def _progress_writer(run_id: int) -> Callable[[int, str], None]:
    """``_progress`` at most every :data:`PROGRESS_EVERY_S` seconds: each write is a database
    transaction (on SQLite a commit to disk) that the run would wait for, and the page, asking
    every 0.5 s, would not see most of them."""
    last = time.monotonic()

    def say(percent: int, text: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            _progress(run_id, percent, text)

    return say


def _finish(run_id: int, status: str, **values: object) -> int:
    return Run.objects.filter(Q(status="running") | Q(status="queued"), pk=run_id).update(
        status=status, finished_at=timezone.now(), **values
    )


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return "The scenario is invalid: " + "; ".join(str(i) for i in exc.issues)[:1500]
    return str(exc)[:1500]


@task()
def run_scenario(run_id: int) -> str:
    """Run one queued scenario run (see the module notes); what happened."""
    started = Run.objects.filter(pk=run_id, status="queued").update(
        status="running", started_at=timezone.now(), progress=1, progress_text="Starting"
    )
    if not started:
        return "not queued"
    run = Run.objects.get(pk=run_id)
    t0 = time.perf_counter()
    try:
        outcome = compute.run_toml(
            run.scenario_toml,
            run.draws,
            progress=_progress_writer(run_id),
            band=band_source(run.organisation_id),
        )
    except UserError as exc:
        _finish(run_id, "failed", error=_message(exc), progress=100)
        return "failed"
    except Exception:
        log.exception("scenario run %s failed", run_id)
        _finish(
            run_id,
            "failed",
            error="The run failed because of a fault in the application; it has been logged.",
            progress=100,
        )
        return "failed"
    with transaction.atomic():
        finished = _finish(
            run_id,
            "done",
            progress=100,
            progress_text=f"Finished in {time.perf_counter() - t0:.1f} s",
            record=outcome.record,
            results=outcome.results,
            code_version=outcome.code_version,
            data_vintages=outcome.data_vintages,
        )
        if finished and outcome.results.get("uncertain"):
            Sensitivity.objects.create(run_id=run_id, requested_at=timezone.now())
            transaction.on_commit(lambda: enqueue_tornado(run_id), robust=True)
    return "done"


def enqueue_tornado(run_id: int) -> bool:
    """Queue the run's tornado; False (the tornado marked failed) when the queue is down."""
    try:
        tornado.using(priority=TORNADO_PRIORITY).enqueue(run_id)
    except Exception:
        log.exception("cannot enqueue the tornado of scenario run %s", run_id)
        _finish_tornado(run_id, "failed", error="The tornado could not be queued.")
        return False
    return True


def _finish_tornado(run_id: int, status: str, **values: object) -> int:
    return Sensitivity.objects.filter(
        Q(status="running") | Q(status="queued"), run_id=run_id
    ).update(status=status, finished_at=timezone.now(), **values)


@task()
def tornado(run_id: int) -> str:
    """Work out a finished run's tornado (see the module notes); what happened."""
    started = Sensitivity.objects.filter(run_id=run_id, status="queued").update(
        status="running", started_at=timezone.now()
    )
    if not started:
        return "not queued"
    run = Run.objects.get(pk=run_id)
    try:
        bars = compute.tornado_toml(run.scenario_toml, parameter_label_for(run))
    except UserError as exc:
        _finish_tornado(run_id, "failed", error=_message(exc))
        return "failed"
    except Exception:
        log.exception("the tornado of scenario run %s failed", run_id)
        _finish_tornado(
            run_id,
            "failed",
            error="The tornado failed because of a fault in the application; it has been logged.",
        )
        return "failed"
    if bars is None:  # pragma: no cover - only runs with uncertain assumptions get one
        _finish_tornado(run_id, "failed", error="No assumption is uncertain.")
        return "failed"
    _finish_tornado(run_id, "done", tornado=bars)
    return "done"


def parameter_label_for(run: Run):  # type: ignore[no-untyped-def]
    """Human labels of the run's field paths (from its scenario document)."""
    import tomllib

    document = tomllib.loads(run.scenario_toml)
    return lambda path: parameter_label(path, document)


def stuck(run: Run | Sensitivity) -> bool:
    """Whether a queued or running run (or tornado) has waited so long that its worker must be
    gone."""
    if run.finished:
        return False
    since = run.started_at or run.requested_at
    return (timezone.now() - since).total_seconds() > STUCK_SECONDS
