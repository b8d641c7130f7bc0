"""The LLR 2017 scenarios in the demo: the plan's three scenarios (Tables 12-14), Scenario 2 with
ranges, and the cohort model, each imported for the ICB and run once through the task queue
(``seed_demo`` calls :func:`seed_llr_scenarios`; the task worker runs them)."""

from __future__ import annotations

from gpworkforce.forecast.scenario_io import load_scenario, shipped_scenarios_dir
from gpworkforce.web.models import User
from gpworkforce.web.scenarios.actions import create_scenario, request_run
from gpworkforce.web.scenarios.models import Scenario

# file, Monte Carlo draws of its first run
LLR_2017 = (
    ("scenario-1.toml", 0),
    ("scenario-2.toml", 0),
    ("scenario-3.toml", 0),
    ("scenario-2-uncertain.toml", 1000),
    ("cohort.toml", 1000),
)


def seed_llr_scenarios(org_code: str, actor: User | None = None) -> list[Scenario]:
    """Import the shipped LLR 2017 scenarios for ``org_code`` (once: a scenario already seeded
    is left alone) and queue a run of each; the scenarios created."""
    folder = shipped_scenarios_dir() / "llr-2017"
    created = []
    for file, draws in LLR_2017:
        source = f"demo: scenarios/llr-2017/{file}"
        if Scenario.objects.filter(source=source, organisation_id=org_code).exists():
            continue
        loaded = load_scenario(folder / file)
        row = create_scenario(
            actor, org_code, loaded.scenario, source=source, action="scenario.import"
        )
        request_run(actor, row.pk, draws)
        created.append(row)
    return created
