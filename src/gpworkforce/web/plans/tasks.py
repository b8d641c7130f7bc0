"""The plans' background work: refreshing alerts after the data change."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_plan_alerts() -> int:
    """Every adopted plan's alerts from the current data; how many plans."""
    from gpworkforce.web.plans.alerts import refresh_all

    return refresh_all()
