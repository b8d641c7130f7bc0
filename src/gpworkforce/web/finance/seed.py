"""The demo's finance data: LLR's Table 17 (``scenarios/llr-2017/allocations.csv``), its
GP5YFV funding (``funding.csv``), thresholds of 10.9% and 11.3%, and the plan's scenarios to
cost. Loaded through the audited actions; running it again changes nothing."""

from __future__ import annotations

from gpworkforce.finance.tables_io import read_allocations, read_funding
from gpworkforce.web.finance import actions
from gpworkforce.web.finance.compute import scenarios_dir
from gpworkforce.web.finance.models import FundingRecord
from gpworkforce.web.models import User

LLR_SCENARIOS = (
    ("scenario-1", "Scenario 1: base position", "llr-2017/scenario-1.toml", 0),
    (
        "scenario-2",
        "Scenario 2: international recruitment and retention",
        "llr-2017/scenario-2.toml",
        0,
    ),
    (
        "scenario-2-uncertain",
        "Scenario 2 with uncertain assumptions",
        "llr-2017/scenario-2-uncertain.toml",
        1000,
    ),
    (
        "scenario-3",
        "Scenario 3: scenario 2 plus role substitution",
        "llr-2017/scenario-3.toml",
        0,
    ),
)


def seed_llr_finance(owner: str, actor: User | None = None) -> None:
    base = scenarios_dir() / "llr-2017"
    rows = read_allocations(base / "allocations.csv")
    actions.load_allocations(actor=actor, owner=owner, rows=rows, file_name="allocations.csv")
    actions.save_thresholds(actor=actor, owner=owner, minimum_pct=10.9, aspiration_pct=11.3)
    if not FundingRecord.objects.filter(owner_id=owner).exists():
        for entry in read_funding(base / "funding.csv"):
            actions.save_funding(actor=actor, owner=owner, entry=entry)
    for i, (key, title, path, draws) in enumerate(LLR_SCENARIOS):
        actions.add_scenario(
            actor=actor,
            owner=owner,
            key=key,
            title=title,
            scenario_file=path,
            draws=draws,
            position=i,
        )
