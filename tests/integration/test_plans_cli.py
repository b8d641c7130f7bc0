"""``gpworkforce plan score|track`` end to end: the shipped LLR 2017 plan against real GPW, a plan
tracked against returns loaded into a workspace, and user errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.returns import StaffLine
from returns_support import base_return

ROOT = Path(__file__).resolve().parents[2]
LLR_PLAN = ROOT / "scenarios" / "llr-2017" / "plan.toml"


def write_plan(
    path: Path, *, name: str, organisation: str, level: str, start: str, end: str, adopted: str,
    scenarios: str,
) -> Path:  # fmt: skip
    """A plan file with one revision and the given ``[[scenarios]]`` tables."""
    path.write_text(
        f'name = "{name}"\norganisation = "{organisation}"\nlevel = "{level}"\n'
        f'start = {start}\nend = {end}\nadopted = "{adopted}"\n'
        f'[[revisions]]\nversion = 1\ndate = {start}\nreason = "agreed"\n{scenarios}',
        encoding="utf-8",
    )
    return path


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def city_plan(path: Path, scenarios: str, *, name: str = "City GP plan", start: str = "2017-09-30",
              end: str = "2019-09-30") -> Path:  # fmt: skip
    """A plan of NHS Leicester City CCG (04C, a sub-ICB) whose adopted scenario is "Grow"."""
    return write_plan(
        path, name=name, organisation="04C", level="sub-icb", start=start, end=end,
        adopted="Grow", scenarios=scenarios,
    )  # fmt: skip


def city_gpw_by_year(file: Path, on: dt.date, columns: list[str]) -> pd.DataFrame:
    """The oracle, read from the raw GPW file: each column summed over the practices in NHS
    Leicester City CCG (04C) on ``on``, by GPW Year."""
    from gpworkforce.forecast.calibration import practices_of

    raw = pd.read_csv(file)
    return raw[raw["Practice.Code"].isin(practices_of("04C", on))].groupby("Year")[columns].sum()


def test_llr_2017_plan_scored_against_gpw(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "score"
    result = run("plan", "score", LLR_PLAN, "--source", "gpw", "--out", out, "--xlsx")
    assert result.exit_code == 0, result.output
    # GPW qualified GP FTE for LLR (QK1): 519.6 in Year 2018 (Sep 2017), 510.8 in Year 2021,
    # 489.2 in Year 2024 (the back-test's figures). Scenario 1 (561 from 541, Table 12) on GPW's
    # definition: 561 x 519.6 / 541 = 538.8, held after 2020: +10.1% against 489.2.
    assert "plan 538.8 WTE vs actual 489.2 WTE (+10.1%)" in result.stdout
    # Scenario 3: 658 x 519.6 / 541 = 632.0 -> +29.2%
    assert "plan 632.0 WTE vs actual 489.2 WTE (+29.2%)" in result.stdout
    # target 639 x 519.6 / 541 = 613.7; actual in Year 2021 510.8: 102.9 short
    assert result.stdout.startswith(
        "Headline: LLR GP Workforce Plan 2017: the target of 613.7 WTE GPs (like for like) by "
        "September 2020 was missed by 102.9 WTE (actual 510.8 WTE); the closest scenario was "
        "Scenario 1: Base position"
    )
    years = pd.read_csv(out / "plan_score_years.csv", comment="#")
    assert set(years["scenario"]) == {
        "Scenario 1: Base position",
        "Scenario 2: International recruitment and improved retention",
        "Scenario 3: Scenario 2 plus role substitution",
    }
    s1 = years[years["scenario"] == "Scenario 1: Base position"].set_index("date")
    assert s1.loc["2020-09-30", "actual WTE"] == pytest.approx(510.8)
    assert s1.loc["2020-09-30", "plan WTE"] == pytest.approx(561 * 519.6 / 541)
    assert len(s1) == 7  # Years 2018-2024
    s2 = years[years["scenario"].str.startswith("Scenario 2")]
    assert s2["inside P10-P90"].dropna().eq(False).all()  # the actual never entered the fan
    summary = pd.read_csv(out / "plan_score_summary.csv", comment="#")
    assert len(summary) == 3
    assert openpyxl.load_workbook(out / "plan-score.xlsx").sheetnames
    svg = (out / "plan_score_gp.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "Target by Sep 2020: 613.7 WTE" in svg


def test_llr_2017_plan_tracked_against_gpw(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "track"
    result = run("plan", "track", LLR_PLAN, "--source", "gpw", "--out", out)
    assert result.exit_code == 0, result.output
    assert "adopted scenario: Scenario 3" in result.stdout
    assert "Actuals: NHS Digital, General Practice Workforce" in result.stdout
    # Sep 2020: 510.8 against 632.0 -> -121.2 (-19.2%)
    assert (
        "GPs, 2020/21 Q2: actual 510.8 WTE vs plan 632.0 WTE (-121.2 WTE, -19.2%)" in result.stdout
    )
    alerts = pd.read_csv(out / "plan_alerts.csv", comment="#")
    assert "target_unreachable" in set(alerts["alert"])
    rows = pd.read_csv(out / "plan_tracking.csv", comment="#")
    assert list(rows["period"]) == ["2017/18 Q2", "2018/19 Q2", "2019/20 Q2", "2020/21 Q2"]
    assert (out / "plan_tracking_gp.svg").exists()


def _return(code: str, census: dt.date, partner_sessions: float):
    r = base_return(code, census)
    staff = (
        StaffLine(
            "GP_PARTNER_PROVIDER",
            3,
            AgeBand.A45_49,
            Sex.FEMALE,
            ContractType.PARTNER,
            sessions_per_week=partner_sessions,
        ),
        *r.staff[1:],
    )
    return dataclasses.replace(r, staff=staff)


def city_returns_workspace(tmp_path: Path, sessions: dict[dt.date, float]) -> Path:
    """A workspace holding the returns of two Leicester City practices (C82005, C82008), whose
    partners work the given sessions a week at each census date."""
    from gpworkforce.returns import write_return_xlsx

    files = [
        write_return_xlsx(_return(code, census, s), tmp_path / f"{code}-{census:%Y}.xlsx")
        for census, s in sessions.items()
        for code in ("C82005", "C82008")
    ]
    ws = tmp_path / "ws"
    loaded = run("load", "returns", *files, "--data", ws)
    assert loaded.exit_code == 0, loaded.output
    return ws


def test_plan_tracked_against_returns_in_a_workspace(tmp_path: Path, shared_data: Path) -> None:
    # Two Leicester City practices return in Sep 2017 and Sep 2018. Qualified GP FTE per return
    # (9 sessions = 1 WTE; the registrar is not a qualified GP): partners s / 9 + senior 8 / 9.
    # 2017: (22.5 + 8) / 9 x 2 = 6.7778; 2018: (27 + 8) / 9 x 2 = 7.7778
    ws = city_returns_workspace(tmp_path, {dt.date(2017, 9, 30): 22.5, dt.date(2018, 9, 30): 27.0})
    plan = city_plan(
        tmp_path / "plan.toml",
        """
[[scenarios]]
name = "Grow"
staff_group = "gp"
points = [
  { date = 2017-09-30, central = 6.5, p10 = 6.5, p90 = 6.5 },
  { date = 2019-09-30, central = 8.5, p10 = 8.0, p90 = 9.5 },
]
""",
    )
    out = tmp_path / "out"
    result = run("plan", "track", plan, "--source", "returns", "--data", ws, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"Actuals: practices' returns accepted into the workspace {ws}" in result.stdout
    assert "practices without a return imputed" in result.stdout
    rows = pd.read_csv(out / "plan_tracking.csv", comment="#").set_index("period")
    assert rows.loc["2017/18 Q2", "actual WTE"] == pytest.approx(61 / 9)
    assert rows.loc["2018/19 Q2", "actual WTE"] == pytest.approx(70 / 9)
    # plan half way (365 of 730 days): 7.5, P10 7.25, P90 8.0; actual 7.7778 inside
    assert rows.loc["2018/19 Q2", "plan WTE"] == pytest.approx(7.5)
    assert rows.loc["2018/19 Q2", "variance WTE"] == pytest.approx(70 / 9 - 7.5)
    assert bool(rows.loc["2018/19 Q2", "inside P10-P90"]) is True
    # no GPW in this workspace: the practices that did not return stay missing, and it says so
    assert rows.loc["2018/19 Q2", "actual from"].startswith("2 of ")
    assert "0 carried forward, 0 from GPW" in rows.loc["2018/19 Q2", "actual from"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["score", "missing.toml"], 3, "PLAN must be an existing plan file"),
        (["track", LLR_PLAN, "--source", "returns"], 2, "--source returns must be given a"),
        (["score", LLR_PLAN, "--source", "cloud"], 2, "Invalid value for '--source'"),
    ],
)
def test_user_errors_exit_non_zero_with_a_message(args, code, message, tmp_path: Path) -> None:
    result = run("plan", *args, "--out", tmp_path / "o")
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_invalid_plan_names_the_file_and_field(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "bad.toml",
        name="bad",
        organisation="04C",
        level="county",
        start="2017-09-30",
        end="2019-09-30",
        adopted="Grow",
        scenarios="""
[[scenarios]]
name = "Grow"
staff_group = "doctors"
points = [{ date = 2017-09-30, central = 6.5 }, { date = 2019-09-30, central = 8.5 }]
""",
    )
    result = run("plan", "score", plan, "--out", tmp_path / "o")
    assert result.exit_code == 4, result.output
    assert "field 'scenarios[0].staff_group'" in result.output
    assert str(plan) in result.output
    fixed = plan.read_text(encoding="utf-8").replace('"doctors"', '"gp"')
    plan.write_text(fixed, encoding="utf-8")
    level = run("plan", "score", plan, "--out", tmp_path / "o")
    assert level.exit_code == 4 and "field 'level'" in level.output
    not_toml = tmp_path / "x.toml"
    not_toml.write_text("name = ", encoding="utf-8")
    bad = run("plan", "score", not_toml, "--out", tmp_path / "o")
    assert bad.exit_code == 3 and "must be valid TOML" in bad.output


def test_trajectory_from_a_cohort_run_is_its_supply(tmp_path: Path, shared_data: Path) -> None:
    from gpworkforce.plans.io import load_plan

    # cohort.toml starts from GP FTE 519.6 (148.87 + 28.53 + 129.15 + 24.75 + 158.02 + 30.28) plus
    # locum FTE 39.44 (8.34 + 1.60 + 21.07 + 4.04 + 3.68 + 0.71) = 559.04 GP equivalents; demand
    # (0.58 per 1,000 of 1,120,132 patients = 649.7) must not be taken for the trajectory.
    cohort = ROOT / "scenarios" / "llr-2017" / "cohort.toml"
    plan = write_plan(
        tmp_path / "plan.toml",
        name="LLR cohort",
        organisation="QK1",
        level="icb",
        start="2017-09-30",
        end="2027-09-30",
        adopted="Cohort",
        scenarios=f"""
[[scenarios]]
name = "Cohort"
staff_group = "gp"
scenario_file = "{cohort}"
""",
    )
    (traj,) = load_plan(plan).scenarios
    assert traj.points[0].central == pytest.approx(559.04, abs=1e-6)
    assert traj.points[0].date == dt.date(2017, 9, 30)
    assert traj.points[-1].date == dt.date(2027, 9, 30)


def test_practices_without_a_return_fall_back_to_gpw_and_say_so(
    tmp_path: Path, shared_data: Path
) -> None:
    from gpworkforce.forecast.calibration import practices_of

    gpw_file = shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv"
    census = dt.date(2017, 9, 30)
    ws = city_returns_workspace(tmp_path, {census: 22.5})
    loaded = run("load", "gpw-practice-year", gpw_file, "--data", ws)
    assert loaded.exit_code == 0, loaded.output
    plan = city_plan(
        tmp_path / "plan.toml",
        """
[[scenarios]]
name = "Grow"
staff_group = "gp"
points = [{ date = 2017-09-30, central = 150 }, { date = 2019-09-30, central = 160 }]
""",
    )
    out = tmp_path / "out"
    result = run("plan", "track", plan, "--source", "returns", "--data", ws, "--out", out)
    assert result.exit_code == 0, result.output
    # oracle from the raw GPW file: the other City practices' EXTGL FTE in Year 2018 (Sep 2017)
    raw = pd.read_csv(gpw_file)
    year = raw[raw["Year"] == 2018].set_index("Practice.Code")["TOTAL_GP_EXTGL_FTE"]
    others = [p for p in practices_of("04C", census) if p not in ("C82005", "C82008")]
    from_gpw = year.reindex(others).dropna()
    expected = 61 / 9 + float(from_gpw.sum())
    rows = pd.read_csv(out / "plan_tracking.csv", comment="#").set_index("period")
    assert rows.loc["2017/18 Q2", "actual WTE"] == pytest.approx(expected, abs=1e-6)
    n = len(others) + 2
    assert rows.loc["2017/18 Q2", "actual from"] == (
        f"2 of {n} practices returned; 0 carried forward, {len(from_gpw)} from GPW,"
        f" {len(others) - len(from_gpw)} missing"
    )
    assert "actual from: 2 of" in result.stdout


def test_sub_icb_plan_tracked_against_gpw(tmp_path: Path, shared_data: Path) -> None:
    plan = city_plan(
        tmp_path / "plan.toml",
        """
[[scenarios]]
name = "Grow"
staff_group = "gp"
points = [{ date = 2017-09-30, central = 150 }, { date = 2019-09-30, central = 170 }]
""",
    )
    out = tmp_path / "out"
    result = run("plan", "track", plan, "--source", "gpw", "--out", out)
    assert result.exit_code == 0, result.output
    by_year = city_gpw_by_year(
        shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv",
        dt.date(2017, 9, 30),
        ["TOTAL_GP_EXTGL_FTE"],
    )["TOTAL_GP_EXTGL_FTE"]
    rows = pd.read_csv(out / "plan_tracking.csv", comment="#").set_index("period")
    assert rows.loc["2017/18 Q2", "actual WTE"] == pytest.approx(by_year[2018])
    assert rows.loc["2018/19 Q2", "actual WTE"] == pytest.approx(by_year[2019])
    assert rows.loc["2018/19 Q2", "plan WTE"] == pytest.approx(160.0)
    assert rows.loc["2018/19 Q2", "actual from"] == "GPW Year 2019"
    quarterly = pd.read_csv(out / "plan_quarterly.csv", comment="#")
    assert len(quarterly) == 4  # actual, plan, target, variance rows for GPs


def test_nurses_and_dpc_come_from_the_staff_groups_file(tmp_path: Path, shared_data: Path) -> None:
    plan = city_plan(
        tmp_path / "plan.toml",
        name="City wider workforce",
        start="2022-09-30",
        end="2024-09-30",
        scenarios="""
[[scenarios]]
name = "Grow"
staff_group = "nurses"
points = [{ date = 2022-09-30, central = 60 }, { date = 2024-09-30, central = 70 }]
[[scenarios]]
name = "Grow"
staff_group = "dpc"
points = [{ date = 2022-09-30, central = 80 }, { date = 2024-09-30, central = 100 }]
""",
    )
    out = tmp_path / "out"
    result = run("plan", "score", plan, "--source", "gpw", "--out", out)
    assert result.exit_code == 0, result.output
    by_year = city_gpw_by_year(
        shared_data / "nhs" / "gpw_practice_fy2023_2025_staff_groups.csv",
        dt.date(2022, 9, 30),
        ["TOTAL_NURSES_FTE", "TOTAL_DPC_FTE"],
    )
    years = pd.read_csv(out / "plan_score_years.csv", comment="#")
    nurses = years[years["staff group"] == "Nurses"].set_index("date")
    dpc = years[years["staff group"] == "Other clinical (DPC)"].set_index("date")
    # GPW Year 2023 is dated 30 Sep 2022, the plan's start
    assert nurses.loc["2022-09-30", "actual WTE"] == pytest.approx(by_year.loc[2023].iloc[0])
    assert nurses.loc["2024-09-30", "actual WTE"] == pytest.approx(by_year.loc[2025].iloc[0])
    assert dpc.loc["2023-09-30", "actual WTE"] == pytest.approx(by_year.loc[2024].iloc[1])
    assert dpc.loc["2023-09-30", "plan WTE"] == pytest.approx(80 + 20 * 365 / 731)
