"""The task that solves a skill-mix optimisation (Django's Tasks, as scenario runs and committee
papers), with its progress in the optimisation's row so its page can show how far it has got."""

from __future__ import annotations

import logging
import time

from django.utils import timezone
from django_tasks import task

from gpworkforce.errors import UserError
from gpworkforce.skillmix.problem import Problem
from gpworkforce.web.skillmix.compute import failure_message, plan_solved, solved
from gpworkforce.web.skillmix.models import Optimisation

log = logging.getLogger(__name__)


@task()
def solve_optimisation(job_id: int) -> str:
    """Solve optimisation ``job_id``: ``done`` or ``failed`` (its row says why)."""
    job = Optimisation.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "gone" if job is None else job.status
    Optimisation.objects.filter(pk=job_id).update(
        status="running", progress=20, stage="Building the linear programme and solving it"
    )
    started = time.perf_counter()
    try:
        if job.choices.get("kind") == "plan":  # every year, per practice or as one
            result = plan_solved(job.problem, job.organisation_id, job.census_date)
        else:
            result = solved(Problem.model_validate(job.problem))
    except UserError as exc:  # infeasible, or the data cannot make the problem: said in words
        Optimisation.objects.filter(pk=job_id).update(
            status="failed", stage="No result", message=failure_message(exc)
        )
        return "failed"
    except Exception as exc:
        log.exception("skill-mix optimisation %s failed", job_id)
        Optimisation.objects.filter(pk=job_id).update(
            status="failed", stage="No result", message=failure_message(exc)
        )
        return "failed"
    Optimisation.objects.filter(pk=job_id).update(
        status="done",
        progress=100,
        stage=f"Solved {timezone.now():%d %B %Y %H:%M}",
        result=result,
        seconds=time.perf_counter() - started,
    )
    return "done"
