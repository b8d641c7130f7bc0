"""The finance pages' background work: the WTE of each staff group per draw of a cohort run,
which needs the run's data files and seconds of the cohort engine (issue 12: every run is
costed). Kept in the shared cache (:func:`~.cohort_runs.workforce_key`) for the page to price; a
failure is kept there too, as a message a person can read."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from gpworkforce.errors import UserError

log = logging.getLogger(__name__)


@task()
def cost_cohort_run(toml: str, draws: int) -> str:
    """Work out a cohort run's workforce per draw (see the module notes); what happened."""
    from gpworkforce.web.finance.cohort_runs import (
        STATE_SECONDS,
        cohort_workforce,
        workforce_key,
    )

    key = workforce_key(toml, draws)
    try:
        wf = cohort_workforce(toml, draws)
    except UserError as exc:
        cache.set(f"{key}:state", f"failed:{exc.message[:1500]}", timeout=STATE_SECONDS)
        return "failed"
    except Exception:
        log.exception("costing a cohort run failed")
        cache.set(
            f"{key}:state",
            "failed:The costing failed because of a fault in the application; it has been logged.",
            timeout=STATE_SECONDS,
        )
        return "failed"
    cache.set(key, wf)
    cache.set(f"{key}:state", "done", timeout=STATE_SECONDS)
    return "done"
