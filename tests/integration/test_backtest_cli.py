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
    assert "  Area's own trend: median error " in result.stdout
    assert "  No change (random walk): median error " in result.stdout
    assert "  Cohort engine (all areas' rates): median error " in result.stdout
    assert "  Scenario 1" in result.stdout and "against an actual" in result.stdout
    names = {p.name for p in out.iterdir()}
    assert {"backtest_scores.csv", "backtest_bands.csv", "plan_comparison.csv"} <= names
    assert {"backtest.xlsx", "backtest_QK1.svg", "backtest_engine_rates.csv"} <= names
    scores = pd.read_csv(out / "backtest_scores.csv")
    assert (scores["method"] == "calibrated").sum() == 42
    assert (scores["method"] == "random-walk").sum() == 42
    assert (scores["method"] == "cohort-pooled").sum() == 42
    assert scores["method"].str.startswith("hee-linear").sum() == 3
    assert (out / "backtest_QK1.svg").read_text().lstrip().startswith("<svg")
    # the headline first: the most accurate method by median error over the ICBs, computed here
    # from the scores file (the median of each method's P50 errors)
    names = {
        "calibrated": "Area's own trend",
        "calibrated-national": "National trend",
        "random-walk": "No change (random walk)",
        "cohort-pooled": "Cohort engine (all areas' rates)",
    }
    scored = scores.loc[scores["method"].isin(list(names)) & (scores["n"] > 0)]
    medians = scored.groupby("method")["mape_p50"].median()
    best = medians.idxmin()
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        "Headline: forecasts from GPW Year 2018 scored against GPW Years 2019-2024 in 42 ICBs: "
        f"the most accurate method was {names[best]}, median error {medians[best]:.1f}%, "
    ), first
    assert first.endswith("of actual figures (80% expected)")


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
