"""The task that builds a committee paper (Django's Tasks, the backend the settings name), with
its progress in the job's row, so the job's page can show how far it has got."""

from __future__ import annotations

import logging
import time

from django_tasks import task

from gpworkforce.web.dashboards import _inputs
from gpworkforce.web.jobs.models import current
from gpworkforce.web.papers.compute import build
from gpworkforce.web.papers.models import PaperJob
from gpworkforce.web.papers.sources import web_parts

log = logging.getLogger(__name__)


def _progress(job_id: int) -> object:
    def report(percent: int, stage: str) -> None:
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
    try:
        data = _inputs(current()).data
        built = build(
            data,
            job.organisation.code,
            job.organisation.name,
            job.census_date,
            job.meeting,
            job.meeting_date,
            progress=_progress(job_id),  # type: ignore[arg-type]
            parts=web_parts(job.organisation.code, job.meeting_date),
        )
    except Exception as exc:
        log.exception("committee paper %s (%s) failed", job_id, job.organisation.code)
        PaperJob.objects.filter(pk=job_id).update(
            status="failed",
            stage="Could not be built",
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        return "failed"
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
    return "done"
