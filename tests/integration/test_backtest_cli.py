"""``gpworkforce backtest`` end to end on the real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from gpworkforce.cli import app

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"


def test_backtest_writes_tables_chart_and_summary(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "bt"
    args = ["backtest", "--out", str(out), "--draws", "50", "--seed", "3"]
    for i in (1, 2, 3):
        args += ["--scenario", str(SCENARIOS / f"scenario-{i}.toml")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "calibrated, 42 ICBs" in result.stdout and "random-walk, 42 ICBs" in result.stdout
    assert "cohort-pooled, 42 ICBs" in result.stdout
    assert "Scenario 1" in result.stdout
    names = {p.name for p in out.iterdir()}
    assert {"backtest_scores.csv", "backtest_bands.csv", "plan_comparison.csv"} <= names
    assert {"backtest.xlsx", "backtest_QK1.svg", "backtest_engine_rates.csv"} <= names
    scores = pd.read_csv(out / "backtest_scores.csv")
    assert (scores["method"] == "calibrated").sum() == 42
    assert (scores["method"] == "random-walk").sum() == 42
    assert (scores["method"] == "cohort-pooled").sum() == 42
    assert scores["method"].str.startswith("hee-linear").sum() == 3
    assert (out / "backtest_QK1.svg").read_text().lstrip().startswith("<svg")


def test_backtest_user_errors_exit_non_zero(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_year = runner.invoke(app, ["backtest", "--out", str(tmp_path), "--start-fy", "2030"])
    assert bad_year.exit_code == 2
    assert "--start-fy must be between" in bad_year.output
    assert "Traceback" not in bad_year.output
    bad_mode = runner.invoke(app, ["backtest", "--calibration", "national"])
    assert bad_mode.exit_code == 2 and "--calibration must be 'pooled' or 'area'" in bad_mode.output
    missing = runner.invoke(app, ["backtest", "--data", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
    assert "--data must be a GPW practice-year CSV or a workspace directory" in missing.output
