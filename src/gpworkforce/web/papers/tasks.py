"""The task that builds a committee paper (Django's Tasks, the backend the settings name), with
its progress in the job's row, so the job's page can show how far it has got. The PDF's parts are
laid out by two processes forked when the task starts, as ``gpworkforce paper`` lays them out
(decisions 0139 and 0154): they load WeasyPrint while this process reads the data."""

from __future__ import annotations

import logging
import time

from django.db import connections
from django_tasks import task

from gpworkforce.domain.orgs import OrgType
from gpworkforce.papers.pdf import collector_paused, layout_pool
from gpworkforce.reports.svg import start_engine
from gpworkforce.web.dashboards import _inputs
from gpworkforce.web.jobs.models import current
from gpworkforce.web.papers.compute import Progress, build
from gpworkforce.web.papers.models import PaperJob
from gpworkforce.web.papers.sources import web_parts

log = logging.getLogger(__name__)


def _progress(job_id: int) -> Progress:
    """The job's progress into its row; the time the stage before took into the worker's log."""
    last = {"stage": "Reading the data", "wall": time.perf_counter(), "cpu": time.process_time()}

    def report(percent: int, stage: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        log.info(
            "committee paper %s: %s took %.2f s (CPU %.2f s in the task's process)",
            job_id,
            last["stage"],
            wall - float(last["wall"]),
            cpu - float(last["cpu"]),
        )
        last.update(stage=stage, wall=wall, cpu=cpu)
        PaperJob.objects.filter(pk=job_id).update(progress=percent, stage=stage)

    return report


@task()
def build_paper_job(job_id: int) -> str:
    """Build the paper of job ``job_id``: ``done`` or ``failed`` (the job's row says why)."""
    job = PaperJob.objects.select_related("organisation").filter(pk=job_id).first()
    if job is None or job.status == "done":
        return "gone" if job is None else "done"
    PaperJob.objects.filter(pk=job_id).update(
        status="running", progress=5, stage="Reading the accepted returns and published figures"
    )
    started = time.perf_counter()
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # the forked processes must not share a connection
            connection.close()
    pool = layout_pool()
    start_engine()  # after the fork: the charts' engine starts (if it has not) while data is read
    progress = _progress(job_id)
    try:
        data = _inputs(current()).data
        with collector_paused():  # the worker's defaults would walk its whole heap over and over
            built = build(
                data,
                job.organisation.code,
                job.organisation.name,
                job.census_date,
                job.meeting,
                job.meeting_date,
                progress=progress,
                parts=web_parts(job.organisation.code, job.meeting_date),
                rows=OrgType(job.rows) if job.rows else None,
                full_appendices=job.full_appendices,
                pool=pool,
            )
    except Exception as exc:
        log.exception("committee paper %s (%s) failed", job_id, job.organisation.code)
        PaperJob.objects.filter(pk=job_id).update(
            status="failed",
            stage="Could not be built",
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        return "failed"
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    progress(95, "Saving the files")
    PaperJob.objects.filter(pk=job_id).update(
        status="done",
        progress=100,
        stage="Ready",
        title=built.title[:300],
        pdf=built.pdf,
        docx=built.docx,
        xlsx=built.xlsx,
        pages=built.pages,
        seconds=time.perf_counter() - started,
    )
    _keep_weasyprint_loaded()
    return "done"


def _keep_weasyprint_loaded() -> None:
    """Load WeasyPrint in this process once its paper is ready, so that the layout processes of
    the next paper it builds, forked from it, find it loaded (each would load it otherwise, about
    0.6-1 s of CPU beside the data being read)."""
    import weasyprint  # noqa: F401
