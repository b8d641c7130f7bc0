"""The WTE an initiative delivers in a forecast run (decision 0088), worked out by the task worker.

An initiative linked to a finished run of the scenarios app is worked out once: the run's own
scenario TOML, with the initiative's lever taken away (:func:`gpworkforce.delivery.levers.counterfactual`),
is run for its central case through the scenarios app's public :func:`~gpworkforce.web.scenarios.compute.run_toml`,
and the difference from the run's central GP WTE at each quarter end is kept on the initiative
(``delivered``). The page asks for it when it has not been worked out (the run may still be
running when the initiative is linked); nothing is computed in the request.

What has arrived is the latest value of the KPI the initiative names (``arrived_kpi``): entered each
quarter with its source, or computed by the tool (:func:`.services.kpi_values`).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django_tasks import task

from gpworkforce.delivery.kpis import KpiValue
from gpworkforce.delivery.levers import (
    DeliveredPoint,
    LeverError,
    counterfactual,
    delivered,
    delivered_by,
    measure_of,
    salaried_series,
)
from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.web.delivery.models import Initiative
from gpworkforce.web.scenarios import compute
from gpworkforce.web.scenarios.models import Run

log = logging.getLogger(__name__)
PRIORITY = 3  # after runs and dashboards someone is waiting for


def delivered_points(initiative: Initiative) -> tuple[DeliveredPoint, ...]:
    return tuple(
        DeliveredPoint(dt.date.fromisoformat(p["date"]), float(p["with"]), float(p["without"]))
        for p in initiative.delivered or []
    )


def _salaried(text: str) -> list[tuple[dt.date, float]]:
    """Central salaried GP WTE of a cohort scenario at each quarter end (the library's run of
    the TOML, as ``gpworkforce forecast`` runs it, central case only)."""
    from gpworkforce.forecast.runner import run_scenario

    with tempfile.TemporaryDirectory(prefix="gpw-lever-") as tmp:
        path = Path(tmp) / "scenario.toml"
        path.write_text(text, encoding="utf-8")
        result = run_scenario(path, draws=0)
    fc = result.cohort
    if fc is None:
        raise LeverError("locums moving to salaried posts are measured in a cohort run only")
    classes = compute.parse_toml(text)["cohort"]["classes"]
    series = salaried_series(fc.dates, classes, fc.engine.classes, fc.engine.fte)
    return [(d, v) for d, v in series if (d + dt.timedelta(days=1)).day == 1 and d.month % 3 == 0]


def work_out(run: Run, lever: str, comparison: Run | None) -> tuple[DeliveredPoint, ...]:
    """Run the scenario without the lever (central case) and subtract it from the run."""
    doc = compute.parse_toml(run.scenario_toml)
    other = compute.parse_toml(comparison.scenario_toml) if comparison is not None else None
    changed = counterfactual(doc, lever, other)
    text = compute.scenario_toml(compute.validate(changed))
    if measure_of(lever) == "salaried GP WTE":
        return delivered(_salaried(run.scenario_toml), _salaried(text))
    outcome = compute.run_toml(text, 0)
    without = [
        (dt.date.fromisoformat(p["date"]), float(p["central"]))
        for p in outcome.results["quarterly"]
        if p["staff_group"] == "gp"
    ]
    with_lever = [(p.date, p.central) for p in run.quarterly_trajectory("gp")]
    return delivered(with_lever, without)


@task()
def work_out_delivered(initiative_id: int) -> str:
    """Work out one initiative's delivered WTE (see the module notes); what happened."""
    i = Initiative.objects.filter(pk=initiative_id, delivered_status="queued").first()
    if i is None or i.run_id is None:
        return "not queued"
    run = Run.objects.get(pk=i.run_id)
    comparison = Run.objects.get(pk=i.comparison_run_id) if i.comparison_run_id else None
    if run.status != "done" or (comparison is not None and comparison.status != "done"):
        Initiative.objects.filter(pk=initiative_id).update(delivered_status="")
        return "waiting for the run"
    try:
        points = work_out(run, i.lever, comparison)
    except (LeverError, UserError) as exc:
        message = (
            "; ".join(str(x) for x in exc.issues) if isinstance(exc, ValidationFailed) else str(exc)
        )
        _finish(initiative_id, i, None, "failed", message[:1500])
        return "failed"
    except Exception:
        log.exception("initiative %s: working out the delivered WTE failed", initiative_id)
        _finish(initiative_id, i, None, "failed", "A fault in the application; it has been logged.")
        return "failed"
    rows = [
        {"date": p.date.isoformat(), "with": p.with_lever, "without": p.without_lever}
        for p in points
    ]
    _finish(initiative_id, i, rows, "done", "")
    return "done"


def _finish(pk: int, i: Initiative, rows: Any, status: str, error: str) -> None:
    # only if nobody changed the link meanwhile (a change asks again)
    Initiative.objects.filter(
        pk=pk,
        delivered_status="queued",
        run_id=i.run_id,
        comparison_run_id=i.comparison_run_id,
        lever=i.lever,
    ).update(delivered=rows, delivered_status=status, delivered_error=error)


def ask(initiative: Initiative) -> bool:
    """Queue the working out when it is due (linked, the runs done, not already worked out or
    queued); True when queued."""
    if not initiative.run_id or not initiative.lever or initiative.delivered_status:
        return False
    runs = {initiative.run_id, initiative.comparison_run_id} - {None}
    if Run.objects.filter(pk__in=runs, status="done").count() != len(runs):
        return False
    if not Initiative.objects.filter(pk=initiative.pk, delivered_status="").update(
        delivered_status="queued"
    ):
        return False
    initiative.delivered_status = "queued"
    pk = initiative.pk

    def _enqueue() -> None:
        try:
            work_out_delivered.using(priority=PRIORITY).enqueue(pk)
        except Exception:
            log.exception("cannot enqueue initiative %s", pk)
            Initiative.objects.filter(pk=pk, delivered_status="queued").update(delivered_status="")

    transaction.on_commit(_enqueue, robust=True)
    return True


@dataclass(frozen=True)
class InitiativeWte:
    """What the initiatives page shows for one initiative."""

    assumed: DeliveredPoint | None  # from the run, by the initiative's end (else the run's last)
    assumed_by: dt.date | None
    status: str  # "", "queued", "done", "failed", "waiting" (run not finished)
    error: str
    measure: str  # what the assumed figure counts: "GP WTE" or "salaried GP WTE"
    arrived: KpiValue | None  # the arrived KPI's latest value on or before today


def initiative_wte(i: Initiative, today: dt.date) -> InitiativeWte:
    from gpworkforce.web.delivery.services import kpi_values

    assumed, by = None, None
    points = delivered_points(i) if i.delivered_status == "done" else ()
    if points:
        by = i.end if i.end is not None and i.end >= points[0].date else points[-1].date
        assumed = delivered_by(points, by)
    status = i.delivered_status
    if i.run_id and not status:
        status = "waiting"
    arrived = None
    if i.arrived_kpi is not None:
        known = [v for v, at in kpi_values(i.arrived_kpi) if at <= today]
        arrived = max(known, key=lambda v: v.period_end) if known else None
    return InitiativeWte(assumed, by, status, i.delivered_error, measure_of(i.lever), arrived)
