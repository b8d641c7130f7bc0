"""``gpworkforce sensitivity`` end to end on the LLR plan's scenario 1 with uncertainty added."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gpworkforce import labels
from gpworkforce.cli import app

SCENARIO_1 = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "scenario-1.toml"

UNCERTAIN = f"""
extends = "{SCENARIO_1.as_posix()}"
name = "Scenario 1 with uncertainty"
[hee_linear]
over55_loss_rate = {{ kind = "triangular", low = 0.10, mode = 0.15, high = 0.20 }}
session_loss_rate = {{ kind = "interval80", p10 = 0.02, p90 = 0.04 }}
trainee_retention = {{ kind = "uniform", low = 0.6, high = 0.8 }}
"""


def test_tornado_of_the_llr_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "s1.toml"
    scenario.write_text(UNCERTAIN, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["sensitivity", str(scenario), "--out", str(out), "--draws", "500"]
    )
    assert result.exit_code == 0, result.output
    tornado = pd.read_csv(out / "tornado.csv")
    # central gap: 639 - 561 = 78 WTE (LLR target and Table 12)
    assert (tornado["central_outcome"] == 78).all()
    # sessions: 541 x (4% - 2%) x 3 = 32.46 -> truncated lines 64 - 32 = 32 WTE of swing
    assert tornado.iloc[0]["parameter"] == "hee_linear.session_loss_rate"
    assert tornado.iloc[0]["swing"] == 32
    assert len(pd.read_csv(out / "rank_correlation.csv")) == 3
    drawn = pd.read_csv(out / "draws.csv")
    assert len(drawn) == 501 and drawn.loc[0, "outcome"] == 78  # run 0 = central case
    assert drawn.loc[0, "hee_linear.session_loss_rate"] == pytest.approx(0.03)
    svg = (out / "tornado.svg").read_text()
    assert svg.lstrip().startswith("<svg")
    # the chart names each assumption in words (the labels catalogue), never by its field path
    assert "Share of GP WTE lost a year to fewer sessions or early leaving" in svg
    assert labels.internal_keys_in(svg) == []
    # the headline first: the central gap and the assumption that moves it most, in words
    lines = result.stdout.splitlines()
    assert lines[0] == "Headline: WTE GP gap (target - position) in 2020, central case: 78.0 WTE"
    assert lines[1].startswith(
        "  Moved most by: Share of GP WTE lost a year to fewer sessions or early leaving (from "
    )
    assert lines[1].endswith("a swing of 32.0 WTE)")
    assert lines[2] == "  3 uncertain assumptions, ranked by swing:"
    assert " 1. Share of GP WTE lost a year to fewer sessions or early leaving: swing 32.0 WTE" in (
        result.stdout
    )
    assert labels.internal_keys_in(result.stdout) == []


def test_scenario_without_distributions_is_a_user_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sensitivity", str(SCENARIO_1), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "must give at least one assumption as a distribution" in result.output
    assert "Traceback" not in result.output


def test_tornado_of_a_cohort_scenario_matches_direct_runs(tmp_path: Path) -> None:
    from gpworkforce.forecast.cohort import run_cohort
    from gpworkforce.forecast.engine import EngineOptions
    from gpworkforce.forecast.io import load_cohort_data
    from gpworkforce.forecast.scenario_io import load_scenario
    from gpworkforce.forecast.sensitivity import scenario_outcome, tornado
    from gpworkforce.forecast.uncertainty import as_dist

    path = SCENARIO_1.with_name("cohort.toml")
    loaded = load_scenario(path)
    outcome = scenario_outcome(loaded, 2027)
    assert outcome.distributions, "the LLR cohort scenario has uncertain assumptions"
    bars = tornado(outcome.fn, outcome.distributions)
    top = bars[0]
    # recompute the top bar's P90 case with the engine directly
    data = load_cohort_data(loaded)
    values = {n: np.array([as_dist(d).central]) for n, d in outcome.distributions.items()}
    values[top.parameter] = np.array([top.high_value])
    fc = run_cohort(
        loaded.scenario.cohort,
        data.stocks,
        patients=data.patients,
        population_index=data.population_index,
        costs=loaded.scenario.costs,
        values=values,
        options=EngineOptions(sum_orgs=True),
    )
    assert fc.gap is not None
    when = [i for i, d in enumerate(fc.dates) if d.isoformat() == "2027-09-30"]
    assert len(when) == 1
    assert fc.gap[0, when[0], :].sum() == pytest.approx(top.outcome_high, rel=1e-12)
    assert all(b.central_outcome == top.central_outcome for b in bars)
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
