"""Scenarios for tests: the LLR 2017 scenario 1 document, and a scenario with a queued run in
each of the access test's two ICBs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from gpworkforce.forecast.scenario import Scenario as ScenarioModel
from gpworkforce.forecast.scenario_io import load_scenario
from gpworkforce.web.scenarios import actions, compute
from gpworkforce.web.scenarios.models import Run, Scenario

LLR = Path(__file__).resolve().parents[1] / "scenarios" / "llr-2017"


def llr(file: str = "scenario-1.toml") -> ScenarioModel:
    return load_scenario(LLR / file).scenario


def queued_run(row: Scenario, draws: int = 0) -> Run:
    """A run row as ``request_run`` leaves it, without enqueueing its task."""
    return Run.objects.create(
        scenario=row,
        organisation_id=row.organisation_id,
        scenario_version=row.version,
        scenario_name=row.name,
        scenario_toml=row.toml,
        scenario_hash=row.scenario_hash,
        method=row.method,
        seed=int(row.document.get("seed", 0)),
        draws=draws,
        requested_at=timezone.now(),
    )


def access_world(users: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A scenario and a queued run in QK1 (the users' ICB) and in QXX (another ICB)."""
    own = actions.create_scenario(users["analyst"], "QK1", llr())
    other = actions.create_scenario(None, "QXX", llr("scenario-2.toml"))
    runs = {"own": queued_run(own), "other": queued_run(other)}
    return {
        "scenarios": {"own": own.pk, "other": other.pk, "unknown": 999999, "historic": other.pk},
        "runs": {
            "own": runs["own"].pk,
            "other": runs["other"].pk,
            "unknown": 999999,
            "historic": runs["other"].pk,
        },
    }


__all__ = ["access_world", "compute", "llr", "queued_run"]


def gpw_year_gps(code: str, fy: int, fte: float, source_id: str = "test") -> None:
    """A practice's qualified GPs in GPW Year ``fy`` (its September snapshot, of ``fy`` - 1) as the
    web app's loaded GPW figures hold them: headcount and FTE both ``fte``."""
    from gpworkforce.web.models import ReferenceWorkforce

    ReferenceWorkforce.objects.create(
        practice_code=code,
        period=dt.date(fy - 1, 9, 30),
        node="GP_QUALIFIED",
        headcount=fte,
        fte=fte,
        source_id=source_id,
    )
