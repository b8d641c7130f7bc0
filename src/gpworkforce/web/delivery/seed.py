"""The demo's delivery registers: LLR's delivery plan (Figure 13), implementation plan (Figure 14),
risk log (Figure 15) and initiatives (Table 16) from ``scenarios/llr-2017/delivery``, read by the
library's readers, loaded for one organisation (the ICB). Idempotent: a register already holding
rows is left as it is. Every row written is audited as one ``delivery.seed`` event."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gpworkforce.delivery.plan import CellStatus, milestones, read_delivery_plan, read_timeline
from gpworkforce.delivery.registers import read_initiatives, read_risks
from gpworkforce.web.actions import audit
from gpworkforce.web.delivery.models import (
    Initiative,
    KpiRecord,
    MilestoneRecord,
    MitigationRecord,
    RiskRecord,
    RiskReviewRecord,
    TimelineEntry,
    Workstream,
)

# The LLR plan's owner of every deliverable; where the seed names nobody, the programme board.
SCENARIO_LEVER_FILE = "scenario-2.toml"
PLAN_NAME = "LLR GP Workforce Plan 2017"  # scenarios/llr-2017/plan.toml, seeded by the plans app  # the plan's chosen scenario (LLR Table 13)
# The funding scheme each initiative draws on, where the funding register says what it pays for
# (scenarios/llr-2017/funding.csv: the GP5YFV administrative staff money pays for "active
# signposting and correspondence management pilots", LLR plan Table 15 and chapter 6).
ADMIN_STAFF_SCHEME = "GP5YFV practice workforce development (administrative staff)"
FUNDING_OF = {
    "Care Navigators/Active Signposting": ADMIN_STAFF_SCHEME,
    "Correspondence Management": ADMIN_STAFF_SCHEME,
}


def delivery_folder() -> Path:
    from gpworkforce.forecast.scenario_io import shipped_scenarios_dir

    return shipped_scenarios_dir() / "llr-2017" / "delivery"


@transaction.atomic
def seed_delivery(org_code: str, folder: Path | None = None) -> dict[str, int]:
    folder = folder or delivery_folder()
    counts = {"workstreams": 0, "milestones": 0, "initiatives": 0, "risks": 0, "kpis": 0}
    if not Workstream.objects.filter(organisation_id=org_code).exists():
        plan = read_delivery_plan(folder / "delivery-plan.toml")
        cells = read_timeline(folder / "implementation.csv")
        by_number = {}
        for d in plan.deliverable:
            by_number[d.number] = Workstream.objects.create(
                organisation_id=org_code,
                number=d.number,
                name=d.name,
                position=d.position,
                owner=d.owner,
                start_year=d.start_year,
                end_year=d.end_year,
                actions=list(d.actions),
                success_measures=list(d.success_measures),
                kpi_text=list(d.kpis),
            )
        counts["workstreams"] = len(by_number)
        for c in cells:
            w = by_number.get(c.number)
            if w is None:
                continue
            TimelineEntry.objects.create(
                workstream=w,
                detail=c.detail,
                period=c.period,
                start=c.start,
                end=c.end,
                status=c.status.value,
            )
        for number, ms in milestones(cells).items():
            for m in ms:
                MilestoneRecord.objects.create(workstream=by_number[number], name=m.name, due=m.due)
                counts["milestones"] += 1
        # The plan's first KPI, bound to a measure the tool computes: the collection round's
        # response rate ("LLR roll out and 100% reporting via workforce tool").
        KpiRecord.objects.create(
            organisation_id=org_code,
            ref="1a",
            name="Practices reporting through the workforce tool",
            workstream=by_number.get(1),
            measure_kind="response-rate",
            measure_org=org_code,
            unit="%",
            target=100,
            amber_tolerance=5,
        )
        # Scenario 2's international recruits (LLR Table 13), entered as they arrive.
        KpiRecord.objects.create(
            organisation_id=org_code,
            ref="3a",
            name="International GP recruits in post",
            workstream=by_number.get(3),
            measure_kind="entered",
            unit="WTE",
            target=_scenario_lever(folder, "international_recruits") or 30,
            amber_tolerance=10,
        )
        # KPIs bound to measures the tool computes (issue 13 item 1): the baseline's GP WTE per
        # 1,000 patients (NHS England's 0.58 target, LLR Table 4), the share of GP WTE aged 55+
        # and the locum share (LLR's retention and locum deliverable), the adopted plan's GP
        # variance, and primary care spend as a share of allocation (LLR Table 17's 11.3%).
        computed = [
            ("3e", "GP WTE per 1,000 registered patients", 3, "baseline", "gp-wte-per-1000",
             "", "WTE per 1,000", "higher", 0.58, 0.03, 400),
            ("3b", "Share of GP WTE aged 55 and over", 3, "baseline", "gp-over-55-share",
             "", "%", "lower", 25.0, 5.0, 400),
            ("3c", "Locum share of GP WTE", 3, "baseline", "locum-share",
             "", "%", "lower", 10.0, 3.0, 400),
            ("3d", "GP WTE against the adopted workforce plan", 3, "plan-variance",
             PLAN_NAME, "gp", "WTE", "higher", 0.0, 5.0, 200),
            ("12a", "Primary care spend as a share of allocation", 12, "spend",
             "All organisations", "", "%", "higher", 11.3, 0.4, 400),
        ]  # fmt: skip
        for ref, name, ws, kind, measure, group, unit, direction, target, tol, stale in computed:
            KpiRecord.objects.create(
                organisation_id=org_code,
                ref=ref,
                name=name,
                workstream=by_number.get(ws),
                measure_kind=kind,
                measure=measure,
                measure_org=org_code if kind != "spend" else "",
                staff_group=group,
                unit=unit,
                direction=direction,
                target=target,
                amber_tolerance=tol,
                stale_after_days=stale,
            )
        counts["kpis"] = 2 + len(computed)
    if not Initiative.objects.filter(organisation_id=org_code).exists():
        lever_wte = {"international_recruits": _scenario_lever(folder, "international_recruits")}
        gp_workstream = Workstream.objects.filter(organisation_id=org_code, number=3).first()
        for i in read_initiatives(folder / "initiatives.csv"):
            Initiative.objects.create(
                organisation_id=org_code,
                name=i.name,
                national=i.national,
                local=i.local,
                lever=i.lever,
                funding=i.funding or FUNDING_OF.get(i.name, ""),
                workstream=gp_workstream if i.lever else None,
                assumed_wte=lever_wte.get(i.lever),
            )
            counts["initiatives"] += 1
        _link_runs(org_code)
    if not RiskRecord.objects.filter(organisation_id=org_code).exists():
        for r in read_risks(folder / "risks.csv"):
            rec = RiskRecord.create_from(
                org_code,
                r,
                status=r.status.value,
                closed_on=r.closed_on,
                closure_reason=r.closure_reason,
            )
            for m in r.mitigations:
                MitigationRecord.objects.create(risk=rec, action=m.action)
            for rv in r.reviews:
                RiskReviewRecord.create_from(rec, rv, note="as printed in the log")
            counts["risks"] += 1
    if any(counts.values()):
        audit.record(
            None,
            "delivery.seed",
            None,
            object_type="delivery",
            object_id=org_code,
            organisation_code=org_code,
            after=counts | {"source": str(folder.name)},
        )
    return counts


# the demo's initiatives and the LLR scenario runs that measure their levers (decision 0088):
# initiative -> (scenario file of the run, scenario file of the comparison run or None)
LEVER_RUNS = {
    "International Recruitment": ("scenario-2.toml", None),
    "GP Retention & Portfolio": ("scenario-2.toml", "scenario-1.toml"),
    "Think Tank - Retaining our Registrars in LLR": ("scenario-2.toml", "scenario-1.toml"),
    "Think Tank - Locum conversion to Substantive": ("cohort.toml", None),
}
ARRIVED_KPI = {"International Recruitment": "3a"}


def _link_runs(org_code: str) -> None:
    """Link the demo's initiatives to the first run of the seeded LLR scenarios (queued or
    finished: the initiatives page asks for the working out once the runs are done) and
    International Recruitment to the KPI that counts the recruits who arrived."""
    from gpworkforce.web.scenarios.models import Run

    def first_run(file: str | None) -> int | None:
        if file is None:
            return None
        run = (
            Run.objects.filter(
                organisation_id=org_code, scenario__source=f"demo: scenarios/llr-2017/{file}"
            )
            .order_by("requested_at", "id")
            .first()
        )
        return run.pk if run is not None else None

    for name, (file, comparison) in LEVER_RUNS.items():
        run_id, comparison_id = first_run(file), first_run(comparison)
        if run_id is None or (comparison is not None and comparison_id is None):
            continue
        Initiative.objects.filter(organisation_id=org_code, name=name).update(
            run_id=run_id, comparison_run_id=comparison_id, assumed_wte=None
        )
    for name, ref in ARRIVED_KPI.items():
        kpi = KpiRecord.objects.filter(organisation_id=org_code, ref=ref).first()
        if kpi is not None:
            Initiative.objects.filter(organisation_id=org_code, name=name).update(arrived_kpi=kpi)


def _scenario_lever(folder: Path, lever: str) -> float | None:
    path = folder.parent / SCENARIO_LEVER_FILE
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None
    found = _find(data, lever)
    return float(found) if isinstance(found, int | float) else None


def _find(data: object, key: str) -> object:
    if isinstance(data, dict):
        if key in data:
            return data[key]
        for v in data.values():
            hit = _find(v, key)
            if hit is not None:
                return hit
    return None


DEMO_PERIODS = (dt.date(2017, 9, 30), dt.date(2018, 9, 30))
DEMO_ASSESSED = 8  # practices (and PCNs) of the ICB that assess themselves in the demo


def _demo_rank(code: str, dimension: str, levels: int) -> int:
    """A fixed, varied starting level per organisation and dimension (not random: the demo is the
    same every time), below the top level so that there is room to progress."""
    return sum(map(ord, code + dimension)) % (levels - 1)


@transaction.atomic
def seed_maturity_demo(org_code: str) -> int:
    """Self-assessments for the demo (issue 13 item 5): the first practices of ``org_code`` against
    the Dorset-style primary care matrix and its PCNs against the BLMK/NHS England PCN maturity
    steps, for September 2017 and September 2018, every other dimension a step further in 2018,
    half of the 2017 ones moderated (one dimension a level lower). Illustrative levels, said so in
    the evidence; idempotent (nothing is added when the organisations have assessments)."""
    from gpworkforce.delivery.maturity import load_template
    from gpworkforce.web.delivery import actions
    from gpworkforce.web.delivery.models import MaturityAssessmentRecord
    from gpworkforce.web.models import Organisation, descendant_codes

    under = descendant_codes(org_code, timezone.localdate())
    orgs = Organisation.objects.filter(code__in=under)
    made = 0
    for kind, template in (("practice", "primary-care-five-pillars"), ("pcn", "pcn-nhse-2018")):
        matrix = load_template(template)
        codes = sorted(orgs.filter(type=kind).values_list("code", flat=True))[:DEMO_ASSESSED]
        if not codes or MaturityAssessmentRecord.objects.filter(organisation_id__in=codes).exists():
            continue
        top = len(matrix.levels) - 1
        for i, code in enumerate(codes):
            for n, period in enumerate(DEMO_PERIODS):
                levels = {}
                for j, d in enumerate(matrix.dimensions):
                    rank = _demo_rank(code, d.key, len(matrix.levels))
                    if n == 1 and (i + j) % 2 == 0:
                        rank = min(rank + 1, top)
                    levels[d.key] = matrix.levels[rank]
                row = actions.submit_assessment(
                    actor=None,
                    matrix=matrix,
                    org_code=code,
                    period_end=period,
                    levels=levels,
                    evidence={matrix.dimensions[0].key: "Demo data: illustrative levels"},
                )
                made += 1
                if n == 0 and i % 2 == 0:
                    first = matrix.dimensions[0].key
                    lower = max(matrix.rank(levels[first]) - 1, 0)
                    actions.moderate_assessment(
                        actor=None,
                        matrix=matrix,
                        assessment_id=row.pk,
                        moderated={first: matrix.levels[lower]},
                        note="Demo moderation: evidence for this dimension was thin",
                    )
    return made


__all__ = ["CellStatus", "seed_delivery", "seed_maturity_demo"]
