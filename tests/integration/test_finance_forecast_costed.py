"""Every forecast run is costed from its own draws: ``gpworkforce forecast`` with a cost model
writes cost tables for hee-linear and cohort runs, central and Monte Carlo, and the workforce it
costs is the one ``gpworkforce cost`` computes its own (independent) way."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.finance.runs import cohort_workforce, run_workforce
from gpworkforce.forecast.runner import run_scenario
from gpworkforce.forecast.scenario_io import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _pick(
    rows: list[dict[str, str]], measure: str, group: str, year: str, payer: str = "All"
) -> dict[str, str]:
    [row] = [
        r
        for r in rows
        if r["measure"] == measure
        and r["group"] == group
        and r["financial_year"] == year
        and r["terms"] == "cash"
        and r["payer"] == payer
    ]
    return row


def _with_correlation(tmp_path: Path, mode: str) -> Path:
    """LLR's cohort scenario with ``[correlation] draws = mode`` (hierarchical: by ICB)."""
    if mode == "shared":
        return LLR / "cohort.toml"
    text = (LLR / "cohort.toml").read_text(encoding="utf-8")
    extra = '[output]\ngroups = "icb"\n' if mode == "hierarchical" else ""
    scenario = tmp_path / f"{mode}.toml"
    scenario.write_text(f'{text}\n{extra}[correlation]\ndraws = "{mode}"\n', encoding="utf-8")
    return scenario


@pytest.mark.parametrize("mode", ["shared", "independent", "hierarchical"])
def test_the_cohort_forecasts_own_run_costs_the_same_workforce(
    shared_data: Path, tmp_path: Path, mode: str
) -> None:
    """``forecast`` (its own summary) and ``cost`` (its own runs) cost the same per-draw WTE and
    gap, whether or not organisations share draws."""
    draws = 40
    scenario = _with_correlation(tmp_path, mode)
    run = run_scenario(scenario, draws=draws)
    mine = run_workforce(run)
    other = cohort_workforce(load_scenario(scenario), draws)
    assert mine.groups == other.groups and mine.dates == other.dates
    assert mine.wte.shape == (draws + 1, len(mine.dates), len(mine.groups))
    np.testing.assert_allclose(mine.wte, other.wte, rtol=1e-9, atol=1e-6)
    assert mine.gap is not None and other.gap is not None
    np.testing.assert_allclose(mine.gap, other.gap, rtol=1e-9, atol=1e-6)
    assert np.ptp(mine.gap[1:, -1]) > 1  # the draws really differ
    if mode != "shared":  # each organisation's own draws: the total's spread is narrower
        shared = cohort_workforce(load_scenario(LLR / "cohort.toml"), draws)
        np.testing.assert_allclose(mine.wte[0], shared.wte[0], rtol=1e-9)  # same central case
        assert mine.wte[1:, -1].sum(axis=1).std() < shared.wte[1:, -1].sum(axis=1).std()


def test_forecast_writes_cost_tables_for_a_hee_linear_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["forecast", str(LLR / "scenario-2-uncertain.toml"), "-n", "50", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.stderr
    assert "costs a year, 2017/18 prices" in result.stdout
    cost = tmp_path / "cost"
    assert (tmp_path / "run.json").is_file() and (cost / "cost.json").is_file()
    rows = _rows(cost / "costs.csv")
    gap = _pick(rows, "Cost of the gap to target, filled by substantive staff", "All", "2017/18")
    assert float(gap["central"]) == pytest.approx(98 * 112_000)  # the plan's 98 WTE
    end = _pick(rows, "Cost of the workforce", "GPs", "2020/21", "Practice")
    p10, p50, p90 = (float(end[k]) for k in ("p10", "p50", "p90"))
    assert int(end["draws"]) == 50 and p10 < p50 < p90
    assert float(end["central"]) == pytest.approx(630 * 112_000)  # Table 13's 630 GP WTE


def test_forecast_costs_a_cohort_monte_carlo_run(tmp_path: Path, shared_data: Path) -> None:
    result = CliRunner().invoke(
        app, ["forecast", str(LLR / "cohort.toml"), "-n", "20", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.stderr
    rows = _rows(tmp_path / "cost" / "costs.csv")
    locums = _pick(rows, "Cost of the workforce", "GP locum", "2017/18", "Practice")
    assert float(locums["central"]) == pytest.approx(39.44 * 157_000)  # Table 10 x locum cost
    end = _pick(rows, "Cost of the gap to target, filled by substantive staff", "All", "2027/28")
    assert int(end["draws"]) == 20 and float(end["p10"]) < float(end["p90"])


def test_no_costs_and_a_bad_cost_model(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["forecast", str(LLR / "scenario-1.toml"), "--no-costs", "-o", str(tmp_path / "a")]
    )
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "a" / "cost").exists()
    bad = tmp_path / "bad.toml"
    text = (LLR / "costs.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace("pay_per_session = 10000", "pay_per_session = -10000"))
    result = runner.invoke(
        app, ["forecast", str(LLR / "scenario-1.toml"), "--costs", str(bad), "-o", str(tmp_path)]
    )
    assert result.exit_code == 4
    assert "pay_per_session" in result.stderr
    assert not (tmp_path / "run.json").exists()  # refused before anything ran


def test_a_cost_model_found_beside_that_does_not_fit_is_a_warning(tmp_path: Path) -> None:
    """A forecast is not refused because of a cost model it was not asked to use; asked for
    with --costs, the same misfit is an error naming the staff group."""
    scenario = tmp_path / "scenario-1.toml"
    scenario.write_text((LLR / "scenario-1.toml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (LLR / "costs.toml").read_text(encoding="utf-8")
    (tmp_path / "costs.toml").write_text(
        text.replace('GP = [{ role = "gp_salaried", share = 1.0 }]\n', ""), encoding="utf-8"
    )
    runner = CliRunner()
    result = runner.invoke(app, ["forecast", str(scenario), "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.stderr
    assert "not costed with" in result.stderr and "no entry for GP" in result.stderr
    assert (tmp_path / "a" / "run.json").is_file() and not (tmp_path / "a" / "cost").exists()
    result = runner.invoke(
        app,
        ["forecast", str(scenario), "--costs", str(tmp_path / "costs.toml"), "-o", str(tmp_path)],
    )
    assert result.exit_code == 4 and "no entry for GP" in result.stderr
