"""What the web keeps besides the baseline that a committee paper shows (ADR 0085): each of the
organisation's scenarios at its latest finished run, the risk register of the organisation and
the organisations under it, the implementation plan of its workstreams, its costs and
allocations, and its plan scored against GPW. Read-only; the paper's
task calls it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gpworkforce.delivery.plan import TimelineCell
from gpworkforce.delivery.risks import Risk
from gpworkforce.papers.build import PlanScoreSummary, ScenarioResult, plan_score_summary


@dataclass(frozen=True)
class WebParts:
    scenarios: tuple[ScenarioResult, ...]
    risks: tuple[Risk, ...] | None  # None: the organisation keeps no risk register here
    timeline: tuple[TimelineCell, ...] | None  # None: no implementation plan here
    finance: Any = None  # gpworkforce.web.finance.compute.PaperFinance; None: no finance chapter
    optimisation: tuple[str, ...] = ()  # the latest solved skill-mix optimisation, in words
    plan_score: PlanScoreSummary | None = None  # the plan against GPW; None: no plan here


def scenario_from_run(run: object, track: tuple[str, ...] = ()) -> ScenarioResult | None:
    """A finished web run (``scenarios.models.Run``) as the paper reads a forecast: its GP
    trajectory at each quarter end with the band its page shows (the evaluated band where the
    run took one, else the model's own P10/P90 where it drew an uncertain assumption; decision
    0166), its target, and ``track``: how well its method has done here before."""
    from gpworkforce.papers.build import band_note

    points = run.quarterly_trajectory("gp")  # type: ignore[attr-defined]
    if not points:
        return None
    results = run.results or {}  # type: ignore[attr-defined]
    name = run.scenario_name  # type: ignore[attr-defined]
    draws = int(run.varied_draws)  # type: ignore[attr-defined]
    drawn = draws > 0
    entry = (run.record or {}).get("band")  # type: ignore[attr-defined]
    kind, note = band_note(name, entry, drawn)
    rows = [
        {"date": p.date.isoformat(), "line": name, "central": p.central}
        | (
            {"p10": p.p10 if p.has_band else None, "p90": p.p90 if p.has_band else None}
            if kind
            else {}
        )
        for p in points
    ]
    target = results.get("target")
    at = (results.get("band") or {}).get("target") if kind == "evaluated" else None
    return ScenarioResult(
        name=name,
        description=run.scenario.description,  # type: ignore[attr-defined]
        series=pd.DataFrame(rows),
        target_label=target.get("label") if target else None,
        target_wte=float(target["wte"]) if target and target.get("wte") is not None else None,
        target_date=dt.date.fromisoformat(target["date"]) if target else None,
        probability=float(target["probability"]) if target and kind == "model" else None,
        draws=draws,
        nothing_uncertain=bool(run.draws) and not draws,  # type: ignore[attr-defined]
        band=kind,
        band_note=note,
        chance_text=at["chance_text"] if at else None,
        track_record=track,
    )


def run_track_record(run: Any) -> tuple[str, ...]:
    """How well the run's method has done before for its organisation (the scenario page's
    track record, :mod:`gpworkforce.web.track_record`), in the paper's sentences; empty when the
    loaded history is too short to check it."""
    import tomllib

    from gpworkforce.forecast.track_record import paper_sentences
    from gpworkforce.web.track_record import scenario_horizon, track_record

    try:
        document = tomllib.loads(run.scenario_toml)
    except tomllib.TOMLDecodeError:
        document = {}
    record = track_record(run.organisation_id, run.method, scenario_horizon(document, run.method))
    return paper_sentences(run.scenario_name, record)


def web_parts(org_code: str, on: dt.date) -> WebParts:
    """The organisation's scenarios, risks (its own and those of the organisations under it on
    ``on``) and its implementation plan."""
    from gpworkforce.web.delivery.models import RiskRecord, TimelineEntry
    from gpworkforce.web.models import descendant_codes
    from gpworkforce.web.scenarios.models import Run, Scenario

    results = []
    for scenario in Scenario.objects.filter(organisation_id=org_code).order_by("name", "id"):
        run = (
            Run.objects.filter(scenario=scenario, status="done")
            .select_related("scenario")
            .order_by("-requested_at", "-id")
            .first()
        )
        result = scenario_from_run(run, run_track_record(run)) if run is not None else None
        if result is not None:
            results.append(result)
    records = (
        RiskRecord.objects.filter(organisation_id__in=descendant_codes(org_code, on))
        .prefetch_related("reviews", "mitigations")
        .order_by("organisation_id", "ref")
    )
    risks = tuple(r.to_domain() for r in records)
    cells = tuple(
        e.to_domain()
        for e in TimelineEntry.objects.filter(workstream__organisation_id=org_code).select_related(
            "workstream"
        )
    )
    from gpworkforce.web.finance.compute import paper_finance

    return WebParts(
        scenarios=tuple(results),
        risks=risks or None,
        timeline=cells or None,
        finance=paper_finance(org_code),
        optimisation=latest_optimisation(org_code),
        plan_score=plan_against_actuals(org_code),
    )


def latest_optimisation(org_code: str) -> tuple[str, ...]:
    """The headline of the organisation's latest solved skill-mix optimisation (none: empty)."""
    from gpworkforce.web.skillmix.compute import plan_headline, result_headline
    from gpworkforce.web.skillmix.models import Optimisation

    job = Optimisation.objects.filter(organisation_id=org_code, status="done").first()
    if job is None or not job.result:
        return ()
    plan = job.choices.get("kind") == "plan"  # the multi-year plan (decision 0132)
    lines = (plan_headline if plan else result_headline)(job.result, job.choices.get("probability"))
    what = "plan" if plan else "optimisation"
    return (
        f"Skill-mix {what} {job.pk} ({job.requested_at:%-d %B %Y}, staff and patients of"
        f" {job.census_date:%-d %B %Y}): {lines[0][:1].lower()}{lines[0][1:]}",
        *lines[1:],
    )


def plan_against_actuals(org_code: str) -> PlanScoreSummary | None:
    """The organisation's plan (the adopted one, else its latest draft; a closed plan is over)
    with each scenario of its tracked version against GPW, as the plan's score page shows it;
    None when it has no plan or GPW has no figures for it."""
    from gpworkforce.web.plans.models import Plan, PlanState
    from gpworkforce.web.plans.tracking import scored

    plans = Plan.objects.filter(organisation_id=org_code).exclude(state=PlanState.CLOSED)
    plan = (
        plans.filter(state=PlanState.ADOPTED).order_by("-id").first()
        or plans.order_by("-id").first()
    )
    if plan is None:
        return None
    version = plan.tracked_version()
    score, _problem = scored(plan, version)
    if score is None:
        return None
    return plan_score_summary(version.library_plan(), score)
