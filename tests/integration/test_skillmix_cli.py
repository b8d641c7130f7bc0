"""``gpworkforce skillmix`` and ``gpworkforce optimise`` end to end through the command line."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app

ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"
PROBLEM = LLR / "skillmix-problem.toml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_optimise_llr_problem_writes_levers_and_explains_binding_constraints(
    tmp_path: Path,
) -> None:
    code, out, err = invoke("optimise", str(PROBLEM), "--out", str(tmp_path))
    assert code == 0, err
    assert "cheapest mix costs £" in out
    assert "demand of 2020: growth 0.7% a year" in out  # the problem's growth of 1.007
    # LLR's 39.44 locum WTE (Table 10) at the plan's GBP 45,000 premium a WTE (ch. 7.2)
    assert "Locum WTE able to convert (39.44) binds: one more WTE would be worth £45,000" in out
    # the minimum GP cover (0.5 per 1,000 of 1,114,316 x 1.007^3 patients = 568.9 WTE) binds
    # with 454 GP WTE in post: 114.9 salaried GPs at GBP 112,000 (costs.toml)
    levers = {r["Lever"]: float(r["Amount"]) for r in _rows(tmp_path / "optimise-levers.csv")}
    expected_gps = 0.5 * 1114316 * 1.007**3 / 1000 - 454
    assert abs(levers["Recruit Salaried GP"] - expected_gps) < 0.01
    # the headline first: the cost, then the levers in words with their WTE
    lines = out.splitlines()
    assert lines[0].startswith("Headline: ") and "the cheapest mix costs £" in lines[0]
    assert f"  recruit Salaried GP: {expected_gps:,.2f} WTE" in lines[:8]
    constraints = _rows(tmp_path / "optimise-constraints.csv")
    min_gp = next(r for r in constraints if r["Constraint"].startswith("Minimum GP"))
    assert min_gp["Binding"] == "yes"
    assert (tmp_path / "optimise-task_allocation.csv").is_file()


def test_optimise_bad_problem_names_the_key(tmp_path: Path) -> None:
    shutil.copy(LLR / "costs.toml", tmp_path / "costs.toml")
    bad = tmp_path / "bad.toml"
    text = PROBLEM.read_text(encoding="utf-8").replace('cost = "anp"', 'cost = "astronaut"')
    bad.write_text(text.replace("GP_LOCUM = 39.44", "GP_LOCUMS = 39.44"), encoding="utf-8")
    code, _, err = invoke("optimise", str(bad), "--out", str(tmp_path / "o"))
    assert code == 4
    assert "staff.GP_LOCUMS" in err and "recruit.NURSE_ANP.cost" in err
    assert "'astronaut'" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_optimise_infeasible_problem_exits_6(tmp_path: Path) -> None:
    shutil.copy(LLR / "costs.toml", tmp_path / "costs.toml")
    text = PROBLEM.read_text(encoding="utf-8").replace(
        "min_gp_per_1000 = 0.5", "min_gp_per_1000 = 0.58"
    )
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    code, _, err = invoke("optimise", str(tmp_path / "p.toml"))
    assert code == 6
    assert "no mix of the levers meets the task demand of 2020" in err


def test_skillmix_on_the_demo_writes_tables_and_chart(tmp_path: Path) -> None:
    practices = tmp_path / "practices.csv"
    code, out, err = invoke(
        "skillmix",
        "--org",
        "03W",
        "--period",
        "2017-09-30",
        "--out",
        str(tmp_path),
        "--practices-out",
        str(practices),
    )
    assert code == 0, err
    # the practices file the multi-year optimiser reads: 03W's practices with a patient count
    listed = _rows(practices)
    assert "3 practices without registered patients on 30 September 2017 are left out" in out
    assert len(listed) == 30 and all(float(r["patients"]) > 0 for r in listed)
    assert {"practice", "name", "GP_PARTNER", "NURSE_ANP"} <= set(listed[0])
    assert "Skill mix: current staff" in out
    assert "Patients 329,012" in out  # East Leicestershire and Rutland, LLR plan Table 8
    rows = {r["Skill level"]: r for r in _rows(tmp_path / "skillmix-skill_mix.csv")}
    assert set(rows) == {"Autonomous", "Enhanced", "Core", "Foundation", "Total"}
    # 03W's demo GP partners, salaried GPs, locums and ANPs are all Autonomous (taxonomy skill)
    assert float(rows["Autonomous"]["WTE employed"]) > 150
    html = (tmp_path / "skillmix.html").read_text(encoding="utf-8")
    assert "Skill mix by level" in html and "<svg" in html


def test_skillmix_bad_catalogue_and_unknown_org_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "cat.toml"
    bad.write_text("[tasks.home_visit]\nper_1000 = -1\n", encoding="utf-8")
    code, _, err = invoke(
        "skillmix", "--org", "03W", "--period", "2017-09-30", "--catalogue", str(bad)
    )
    assert code == 4 and "tasks.home_visit.per_1000" in err
    code, _, err = invoke("skillmix", "--org", "ZZZ", "--period", "2017-09-30")
    assert code == 5, err


def test_skillmix_on_the_weighted_list() -> None:
    code, out, err = invoke(
        "skillmix", "--org", "03W", "--period", "2017-09-30", "--patients", "weighted"
    )
    assert code == 0, err
    assert "Patients " in out and "Patients 329,012" not in out


def test_skillmix_from_a_gpw_workspace_shows_unknown_levels_as_not_available(
    tmp_path: Path, shared_data: Path
) -> None:
    # GPW's practice-year file has qualified GPs and some admin roles only: the current mix of
    # every level is not available (never the sum of the roles that happen to be there).
    ws = tmp_path / "ws"
    gp_admin = shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv"
    code, _, err = invoke("load", "gpw-practice-year", str(gp_admin), "--data", str(ws))
    assert code == 0, err
    args = ("--org", "QK1", "--period", "2017-09-30", "--source", "gpw", "--data", str(ws))
    code, _, err = invoke("skillmix", *args, "--out", str(tmp_path / "o"))
    assert code == 0, err
    rows = {r["Skill level"]: r for r in _rows(tmp_path / "o" / "skillmix-skill_mix.csv")}
    assert rows["Autonomous"]["Current (task WTE)"] == ""  # blank = not available
    assert rows["Total"]["WTE employed"] == ""
    assert float(rows["Autonomous"]["Optimum (task WTE)"]) > 0
    html = (tmp_path / "o" / "skillmix.html").read_text(encoding="utf-8")
    assert "have no WTE in this source (GP partner" in html


PLAN = """
name = "two practices"
base_year = 2017
years = 3
practices = "practices.csv"
costs = "costs.toml"
min_gp_per_1000 = 0.4
training_places = 2
[roles.GP_SALARIED]
cost = "gp_salaried"
attrition = 0.1
recruit_a_year = 1
[roles.NURSE_ANP]
cost = "anp"
[roles.NURSE_PRACTICE]
cost = 42000
[roles.DPC_HCA]
cost = 26000
[roles.NURSE_SPECIALIST]
cost = 50000
[roles.ADMIN_RECEPTION]
cost = 23000
[paths.nurse_to_anp]
from = "NURSE_PRACTICE"
to = "NURSE_ANP"
cost = 10000
delay_years = 1
"""


def _plan(tmp_path: Path, practices: str) -> Path:
    shutil.copy(LLR / "costs.toml", tmp_path / "costs.toml")
    (tmp_path / "practices.csv").write_text(practices, encoding="utf-8")
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_optimise_a_multi_year_practice_problem(tmp_path: Path) -> None:
    path = _plan(
        tmp_path,
        "practice,name,patients,GP_SALARIED,NURSE_ANP,NURSE_PRACTICE,ADMIN_RECEPTION\n"
        "A1,Alpha,8000,4,1,2,6\nB2,Beta,5000,2,0,1,4\n",
    )
    code, out, err = invoke("optimise", str(path), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert "cheapest levers 2018-2020 cost £" in out
    assert "(2 practices;" in out
    levers = _rows(tmp_path / "out" / "optimise-plan_levers.csv")
    assert [r["Lever"] for r in levers][-1] == "Cost of the levers"
    practices = _rows(tmp_path / "out" / "optimise-plan_practices.csv")
    assert [r["Practice"] for r in practices] == ["Alpha", "Beta"]
    # minimum cover 0.4 per 1,000: Beta needs 2.0 GP WTE and keeps at least that every year
    beta = practices[1]
    assert float(beta["Salaried GP WTE 2020"]) >= 0.4 * 5 - 1e-6


def test_optimise_bad_practices_file_names_row_and_column(tmp_path: Path) -> None:
    path = _plan(
        tmp_path,
        "practice,name,patients,GP_SALARIED,NOT_A_ROLE\nA1,Alpha,8000,4,1\n",
    )
    code, _, err = invoke("optimise", str(path))
    assert code == 4
    assert "practices.csv, row 1, column NOT_A_ROLE" in err or "NOT_A_ROLE" in err
    path = _plan(tmp_path, "practice,name,patients,GP_SALARIED\nA1,Alpha,-3,4\nB2,Beta,9,x\n")
    code, _, err = invoke("optimise", str(path))
    assert code == 4
    assert "patients" in err and "row 2" in err
    assert "GP_SALARIED" in err and "row 3" in err
    assert "Traceback" not in err


def test_optimise_writes_the_plans_levers_as_a_cohort_scenario_that_forecast_runs(
    tmp_path: Path,
) -> None:
    path = _plan(
        tmp_path,
        "practice,name,patients,GP_SALARIED,NURSE_ANP,NURSE_PRACTICE,ADMIN_RECEPTION\n"
        "A1,Alpha,8000,4,1,2,6\nB2,Beta,5000,2,0,1,4\n",
    )
    code, _, err = invoke("optimise", str(path), "--out", str(tmp_path / "out"))
    assert code == 0, err
    scenario = tmp_path / "out" / "optimise-plan_scenario.toml"
    assert f"wrote {scenario}" in err
    code, out, err = invoke("forecast", str(scenario), "--out", str(tmp_path / "run"))
    assert code == 0, err
    # the run's GP WTE at the end of the plan is the plan's salaried GPs summed over the practices
    plan = _rows(tmp_path / "out" / "optimise-plan_practices.csv")
    last = sum(float(r["Salaried GP WTE 2020"]) for r in plan)
    found = re.search(r"GP WTE on 30 September 2020: central ([\d.,]+) WTE", out)
    assert found is not None, out[:300]
    assert float(found.group(1).replace(",", "")) == pytest.approx(last, abs=0.06)
