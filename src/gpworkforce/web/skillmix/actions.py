"""The skill-mix actions, each audited: ask for an optimisation (its task is enqueued once the
row commits) and adopt a solved one as a forecast scenario through the scenario app's own
creation path (so it is listed under /scenarios/, edited and run like any other)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.forecast.scenario import Scenario as ScenarioModel
from gpworkforce.forecast.scenario import Substitute, TargetConfig
from gpworkforce.web.actions.audit import record
from gpworkforce.web.models import User
from gpworkforce.web.scenarios import actions as scenario_actions
from gpworkforce.web.scenarios import starting
from gpworkforce.web.scenarios.models import Scenario
from gpworkforce.web.skillmix.models import Optimisation

SOURCE = "skill-mix optimisation {}"


@transaction.atomic
def request_optimisation(
    actor: User | None,
    org_code: str,
    census: dt.date,
    choices: dict[str, Any],
    problem: dict[str, Any],
) -> Optimisation:
    from gpworkforce.web.skillmix.tasks import solve_optimisation

    job = Optimisation.objects.create(
        organisation_id=org_code,
        census_date=census,
        choices=choices,
        problem=problem,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    record(
        actor,
        "skillmix.optimise",
        job,
        object_type="skillmix_optimisation",
        object_id=str(job.pk),
        organisation_code=org_code,
        after={"census_date": census.isoformat(), **choices},
    )
    transaction.on_commit(lambda: solve_optimisation.enqueue(job.pk), robust=True)
    return job


def adopted_scenarios(job: Optimisation) -> list[Scenario]:
    return list(
        Scenario.objects.filter(
            organisation_id=job.organisation_id, source=SOURCE.format(job.pk)
        ).order_by("id")
    )


def scenario_of(job: Optimisation, name: str, start: starting.Start) -> ScenarioModel:
    """The HEE linear scenario of the organisation's current baseline (the scenario app's start)
    with the result's additions (decision 0090): GPs added as recruits from outside training,
    other staff as substitutes at the result's own ratio, to the target year."""
    result = job.result or {}
    adopt = result["adoption"]
    base = starting.baseline_scenario(name, start)
    hee = base.hee_linear
    assert hee is not None
    base_date = hee.baseline_date or dt.date.today()
    years = max(1, min(20, int(result["target_year"]) - base_date.year))
    end = base_date.replace(year=base_date.year + years)
    ratio = adopt.get("staff_per_gp")
    substitutes = (
        [
            Substitute(
                role=s["role"],
                headcount=round(float(s["wte"]), 2),
                basis=f"{float(s['wte']):,.1f} WTE {s['name']} (skill-mix optimisation {job.pk})",
            )
            for s in adopt["substitutes"]
        ]
        if ratio
        else []
    )
    hee = hee.model_copy(
        update={
            "years": years,
            "international_recruits": round(float(adopt["gp_wte"]), 2),
            "substitutes": substitutes,
            **({"staff_per_gp": round(float(ratio), 4)} if ratio else {}),
        }
    )
    target = base.target
    if target is not None:
        target = TargetConfig(label=target.label, wte=target.wte, date=end)
    notes = " ".join(adopt.get("notes", []))
    description = (
        f"From skill-mix optimisation {job.pk} ({job.organisation.name}, census"
        f" {job.census_date:%d %B %Y}): the cheapest mix for {result['target_year']} costs"
        f" £{float(result['cost']):,.0f} a year. GPs it adds are entered as GPs recruited from"
        f" outside training ({float(adopt['gp_wte']):,.1f} WTE); other staff as substitutes"
        + (
            f" at {float(ratio):.2f} per GP WTE, the ratio of the tasks the result gives them."
            if ratio
            else " (none do tasks a GP could do)."
        )
        + (f" {notes}" if notes else "")
        + f" Baseline: {start.source}."
    )
    return ScenarioModel.model_validate(
        base.model_dump(by_alias=True)
        | {
            "description": description[:2000],
            "hee_linear": hee.model_dump(by_alias=True),
            "target": target.model_dump(by_alias=True) if target else None,
        }
    )


def start_of(job: Optimisation) -> starting.Start:
    """The scenario's start: the GP WTE (fully qualified GPs: partners, salaried, retainers) and
    registered patients the optimisation read on its census date, so the scenario runs from the
    same figures over the same years; the over-55 share as the scenario app finds it."""
    current = starting.current_baseline(job.organisation_id)
    share = float(job.choices.get("staff_share") or 1.0)
    taxonomy = load_taxonomy()
    qualified = {taxonomy.leaves[leaf].role for leaf in taxonomy.leaves_of(starting.GP_NODE)}
    staff = job.problem.get("staff", {})
    gp_wte = sum(float(w) for code, w in staff.items() if code in qualified) / share
    over55 = current.source.partition("; ")[2] or "over-55 share as assumed"
    return dataclasses.replace(
        current,
        date=job.census_date,
        gp_wte=round(gp_wte, 1),
        registered=float(job.problem["patients"]),
        source=f"the staff and patients of {job.census_date:%d %B %Y} the optimisation read; {over55}",
    )


@transaction.atomic
def adopt_as_scenario(actor: User | None, job: Optimisation, name: str) -> Scenario:
    start = start_of(job)
    scenario = scenario_of(job, name, start)
    return scenario_actions.create_scenario(
        actor,
        job.organisation_id,
        scenario,
        source=SOURCE.format(job.pk),
        action="skillmix.adopt",
    )


@transaction.atomic
def adopt_plan_as_scenario(actor: User | None, job: Optimisation, name: str) -> Scenario:
    """A solved multi-year plan as the cohort scenario its result carries (decision 0131): its
    levers summed over the practices, year by year, from the WTE in post on the census date."""
    result = job.result or {}
    scenario = ScenarioModel.model_validate(result["scenario"] | {"name": name})
    return scenario_actions.create_scenario(
        actor,
        job.organisation_id,
        scenario,
        source=SOURCE.format(job.pk),
        action="skillmix.adopt",
    )
