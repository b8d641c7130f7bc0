"""``gpworkforce sensitivity`` end to end on the LLR plan's scenario 1 with uncertainty added."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

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
    assert (out / "tornado.svg").read_text().lstrip().startswith("<svg")
    assert "1. hee_linear.session_loss_rate" in result.stdout


def test_scenario_without_distributions_is_a_user_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sensitivity", str(SCENARIO_1), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "must give at least one assumption as a distribution" in result.output
    assert "Traceback" not in result.output
