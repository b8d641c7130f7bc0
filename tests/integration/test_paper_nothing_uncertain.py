"""A scenario run with draws but no uncertain assumption: each draw is the central case, so the
committee paper gives it no P10-P90 and no chance of meeting the target, and says why, instead of
'P10 658, P90 658' and '100% over 20 draws of its uncertain assumptions' (issue 14)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from gpworkforce.forecast.runner import run_scenario
from gpworkforce.papers.build import _scenario_section, scenario_result

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"


def test_draws_that_vary_nothing_give_no_range_and_no_chance_in_the_paper() -> None:
    fixed_run = run_scenario(LLR / "scenario-3.toml", 20)
    assert fixed_run.draws == 20 and fixed_run.record.uncertain_parameters == []
    fixed = scenario_result(fixed_run)
    assert fixed.probability is None and fixed.draws == 0 and fixed.nothing_uncertain
    assert not {"p10", "p90"} & set(fixed.series.columns)
    ranged = scenario_result(run_scenario(LLR / "scenario-2-uncertain.toml", 20))
    assert ranged.probability is not None and ranged.draws == 20 and not ranged.nothing_uncertain
    assert ranged.series["p90"].iloc[-1] > ranged.series["p10"].iloc[-1]

    section = _scenario_section(SimpleNamespace(scenarios=[fixed, ranged]))  # type: ignore[arg-type]
    assert section is not None
    frame = section.tables[0].frame.set_index("Scenario")
    row = frame.loc[fixed.name]
    assert pd.isna(row["P10"]) and pd.isna(row["P90"])
    assert row["Chance of meeting the target"] == "not estimated: no assumption is uncertain"
    assert frame.loc[ranged.name, "Chance of meeting the target"].endswith("%")
    said = " ".join(section.paragraphs)
    assert f"{fixed.name}: over" not in said  # no chance over draws of nothing
    assert f"{ranged.name}: over 20 draws of its uncertain assumptions" in said
