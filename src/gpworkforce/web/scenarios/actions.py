"""The only code that writes scenarios and runs; each action is one transaction with its audit
event (``scenario.create``, ``scenario.import``, ``scenario.copy``, ``scenario.update``,
``scenario.run``). The run's own progress and result are written by its task
(:mod:`.tasks`), not audited as a user's act (the request was)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gpworkforce.forecast.scenario import Scenario as ScenarioModel
from gpworkforce.web.actions.audit import record
from gpworkforce.web.models import User
from gpworkforce.web.scenarios import compute
from gpworkforce.web.scenarios.models import Run, Scenario


def _summary(s: Scenario) -> dict[str, Any]:
    return {
        "name": s.name,
        "organisation": s.organisation_id,
        "method": s.method,
        "version": s.version,
        "scenario_hash": s.scenario_hash,
    }


def _fill(row: Scenario, scenario: ScenarioModel) -> None:
    row.name = scenario.name
    row.description = scenario.description
    row.method = scenario.method
    row.document = compute.json_document(scenario)
    row.toml = compute.scenario_toml(scenario)
    row.scenario_hash = compute.hash_of(scenario)


@transaction.atomic
def create_scenario(
    actor: User | None,
    org_code: str,
    scenario: ScenarioModel,
    *,
    source: str = "form",
    copied_from: Scenario | None = None,
    action: str = "scenario.create",
) -> Scenario:
    now = timezone.now()
    row = Scenario(
        organisation_id=org_code,
        source=source[:300],
        copied_from=copied_from,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _fill(row, scenario)
    row.save()
    record(
        actor,
        action,
        row,
        object_type="scenario",
        organisation_code=org_code,
        after=_summary(row) | {"source": row.source},
    )
    return row


@transaction.atomic
def copy_scenario(actor: User | None, original: Scenario, name: str) -> Scenario:
    scenario = ScenarioModel.model_validate(original.document | {"name": name})
    return create_scenario(
        actor,
        original.organisation_id,
        scenario,
        source=f"copy of {original.name} (version {original.version})",
        copied_from=original,
        action="scenario.copy",
    )


@transaction.atomic
def update_scenario(actor: User | None, scenario_id: int, scenario: ScenarioModel) -> Scenario:
    row = Scenario.objects.select_for_update().get(pk=scenario_id)
    before = _summary(row)
    new_hash = compute.hash_of(scenario)
    if new_hash == row.scenario_hash and scenario.name == row.name:
        return row  # nothing changed: nothing written
    _fill(row, scenario)
    row.version += 1
    row.updated_at = timezone.now()
    row.save()
    record(
        actor,
        "scenario.update",
        row,
        object_type="scenario",
        organisation_code=row.organisation_id,
        before=before,
        after=_summary(row),
    )
    return row


@transaction.atomic
def request_run(actor: User | None, scenario_id: int, draws: int) -> Run:
    """Record a queued run of the scenario as it is now; its task is enqueued once this commits."""
    from gpworkforce.web.scenarios import tasks

    row = Scenario.objects.select_for_update().get(pk=scenario_id)
    seed = int(row.document.get("seed", 20170930))
    run = Run.objects.create(
        scenario=row,
        organisation_id=row.organisation_id,
        scenario_version=row.version,
        scenario_name=row.name,
        scenario_toml=row.toml,
        scenario_hash=row.scenario_hash,
        method=row.method,
        seed=seed,
        draws=draws,
        status="queued",
        progress_text="Waiting for the task worker",
        requested_by=actor,
        requested_at=timezone.now(),
    )
    record(
        actor,
        "scenario.run",
        run,
        object_type="scenario_run",
        organisation_code=row.organisation_id,
        after={
            "scenario": row.pk,
            "scenario_version": row.version,
            "scenario_hash": row.scenario_hash,
            "draws": draws,
            "seed": seed,
        },
    )
    transaction.on_commit(lambda: tasks.enqueue(run.pk), robust=True)
    return run
