"""A KPI's values read from what the tool computes (:mod:`gpworkforce.delivery.measures` says
which figure each measure is): the dashboards' baseline figures kept in the cache, a plan's
tracking, the finance allocations register, the collection rounds. Each value comes with the day
it was known (for the date a red KPI's risk proposal carries).

Baseline figures are read as the dashboard pages read them (:func:`gpworkforce.web.jobs.tasks.look`
for the latest census date, which asks the task worker for figures never computed; the kept
figures for earlier dates, each asked of the worker once at :data:`HISTORY_PRIORITY` when never
computed, so a KPI's history reaches back to the first census date): a value not computed yet is
simply not there until the worker has computed it, and nothing is computed in the request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gpworkforce.delivery.kpis import KpiValue
from gpworkforce.delivery.measures import (
    BASELINE_MEASURES,
    SpendLine,
    VariancePoint,
    baseline_value,
    plan_variance_values,
    spend_values,
)

# a census date's figures count as known this many days after it (the returns' deadline)
KNOWN_AFTER_DAYS = 42
# an earlier census date's dashboard never computed is asked of the task worker below every
# dashboard someone is waiting for or that is being warmed (jobs.tasks: 0 to 40), so a KPI's
# history fills in the background, once per data version
HISTORY_PRIORITY = -10


def baseline_values(org_code: str, measure: str) -> list[tuple[KpiValue, dt.date]]:
    from gpworkforce.web.jobs import figures
    from gpworkforce.web.jobs.models import number_of
    from gpworkforce.web.jobs.tasks import look, periods, request
    from gpworkforce.web.models import Organisation

    if measure not in BASELINE_MEASURES:
        return []
    spec = BASELINE_MEASURES[measure]
    known = periods()
    versions, dates, default = known
    name = Organisation.objects.filter(code=org_code).values_list("name", flat=True).first()
    out = []
    for day in dates:
        if day == default:
            version = look(org_code, day, known).figures
        else:
            ptr = figures.pointer(org_code, day)
            ok = ptr is not None and number_of(ptr.figures)[0] == versions.token
            version = ptr.figures if ok and ptr is not None else ""
            if not version:  # never computed: asked once, at low priority (the KPI's history)
                request(org_code, day, versions.key, priority=HISTORY_PRIORITY)
                ptr = figures.pointer(org_code, day)  # an immediate backend has run it
                ok = ptr is not None and number_of(ptr.figures)[0] == versions.token
                version = ptr.figures if ok and ptr is not None else ""
        dash = figures.get(org_code, day, version) if version else None
        if dash is None:
            continue
        value = baseline_value(dash.tables, measure, org_code)
        if value is None:
            continue
        table = dash.table(spec.table)
        title = table.title.split(":")[0] if table is not None else spec.label
        source = f"baseline, {title}: {name or org_code}, census {day:%-d %B %Y}"
        if version != versions.key:
            source += " (figures being brought up to date)"
        out.append(
            (
                KpiValue(period_end=day, value=round(value, 3), source=source),
                day + dt.timedelta(days=KNOWN_AFTER_DAYS),
            )
        )
    return out


def plan_variance(
    org_code: str, plan_name: str, staff_group: str
) -> list[tuple[KpiValue, dt.date]]:
    from gpworkforce.plans.model import STAFF_GROUP_LABELS, StaffGroup
    from gpworkforce.web.plans.models import Plan, PlanState
    from gpworkforce.web.plans.tracking import tracked

    try:
        group = StaffGroup(staff_group or StaffGroup.GP.value)
    except ValueError:
        return []
    plans = Plan.objects.filter(organisation_id=org_code, name=plan_name).exclude(
        state=PlanState.DRAFT
    )
    plan = plans.order_by("-id").first() or (
        Plan.objects.filter(organisation_id=org_code, name=plan_name).order_by("-id").first()
    )
    if plan is None:
        return []
    result = tracked(plan)
    if result.tracking is None:
        return []
    rows = next((g.rows for g in result.tracking.groups if g.staff_group is group), ())
    points = [
        VariancePoint(r.date, r.period, r.actual, r.plan, r.variance, r.actual_from) for r in rows
    ]
    version = plan.tracked_version().number
    values = plan_variance_values(points, plan.name, version, STAFF_GROUP_LABELS[group])
    return [(v, v.period_end + dt.timedelta(days=KNOWN_AFTER_DAYS)) for v in values]


def spend(owner_code: str, organisation: str) -> list[tuple[KpiValue, dt.date]]:
    from gpworkforce.finance.allocations import with_totals
    from gpworkforce.web.finance.compute import funding_row
    from gpworkforce.web.finance.models import AllocationRecord

    rows = with_totals(
        [funding_row(r) for r in AllocationRecord.objects.filter(owner_id=owner_code)]
    )
    lines = [SpendLine(r.organisation, r.financial_year, r.allocation, r.total) for r in rows]
    return [(v, v.period_end) for v in spend_values(lines, organisation)]


def computed_values(kpi: Any) -> list[tuple[KpiValue, dt.date]] | None:
    """The KPI's values when its measure is one the tool computes (None: values are entered)."""
    org = kpi.measure_org or kpi.organisation_id
    if kpi.measure_kind == "baseline":
        return baseline_values(org, kpi.measure)
    if kpi.measure_kind == "plan-variance":
        return plan_variance(org, kpi.measure, kpi.staff_group)
    if kpi.measure_kind == "spend":
        return spend(kpi.organisation_id, kpi.measure or "All organisations")
    return None


def measure_problems(kind: str, measure: str, staff_group: str) -> list[tuple[str, str, str]]:
    """What is wrong with a KPI's measure fields, as (field, expected, found); empty when good."""
    from gpworkforce.delivery.measures import MEASURE_KIND_LABELS
    from gpworkforce.plans.model import StaffGroup

    if kind not in MEASURE_KIND_LABELS:
        return [("measure_kind", "be one of " + ", ".join(MEASURE_KIND_LABELS), repr(kind))]
    out = []
    if kind == "baseline" and measure not in BASELINE_MEASURES:
        out.append(("measure", "be one of " + ", ".join(BASELINE_MEASURES), repr(measure)))
    if kind == "plan-variance":
        if not measure.strip():
            out.append(("measure", "be the name of a workforce plan", "nothing"))
        if staff_group not in {g.value for g in StaffGroup}:
            groups = ", ".join(g.value for g in StaffGroup)
            out.append(("staff_group", f"be one of {groups}", repr(staff_group)))
    return out
