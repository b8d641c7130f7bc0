"""Spend actuals against the plan's costed trajectory, worked by hand."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.errors import ValidationFailed
from gpworkforce.finance.costing import CostRows
from gpworkforce.finance.spend import SpendRow, planned_quarterly, quarterly
from gpworkforce.finance.tables_io import read_spend
from gpworkforce.plans.spend import track_spend

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"
SPEND = """practice,quarter_end,locum_gbp,agency_gbp
C82001,2017-12-31,"20,000",5000
C82002,2017-12-31,15000,
C82001,2018-03-31,18000,4000
c82002,2018-03-31,,3000
"""


def test_quarterly_totals_sum_the_practices_that_reported(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text(SPEND, encoding="utf-8")
    rows = read_spend(path)
    assert rows[3] == SpendRow(
        practice="C82002", quarter_end=dt.date(2018, 3, 31), agency_gbp=3000
    )  # blank locum spend is not known, not zero; codes upper-cased
    q = quarterly(rows)
    assert list(q["total_gbp"]) == [20_000 + 5_000 + 15_000, 18_000 + 4_000 + 3_000]
    assert list(q["locum_gbp"]) == [35_000, 18_000]
    assert list(q["agency_gbp"]) == [5_000, 7_000]
    assert list(q["practices"]) == [2, 2]


def test_the_plan_is_a_years_cost_at_the_quarters_end_over_four() -> None:
    # a year's locum spend of 4,000,000 at Sep 2017 and 8,000,000 at Sep 2018 (one draw)
    rows = CostRows(
        dates=(dt.date(2017, 9, 30), dt.date(2018, 9, 30)),
        keys=(("locum_spend", "All", "All", "cash"),),
        values=np.array([[[4_000_000.0, 8_000_000.0]]]),
        role_costs={},
        base_year="2017/18",
    )
    plan = planned_quarterly(rows, [dt.date(2017, 6, 30), dt.date(2018, 3, 31)])
    assert list(plan["quarter_end"]) == [dt.date(2018, 3, 31)]  # June 2017 is before the run
    # 31 Mar 2018 is 182 of the 365 days from Sep 2017: 4,000,000 + 4,000,000 x 182/365
    assert plan["plan_gbp"].iloc[0] == pytest.approx((4e6 + 4e6 * 182 / 365) / 4)
    assert "plan_p10_gbp" not in plan  # no draws, no band


def test_llr_locum_spend_against_scenario_3(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text(SPEND, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "finance",
            "spend",
            str(path),
            "--scenario",
            str(LLR / "scenario-3.toml"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    # the plan's 39.44 locum WTE (Table 10) x GBP 157,000 a year / 4 = 1,548,020 a quarter;
    # the headline rounds to people's words, the CSV keeps the pounds
    assert "2017/18 Q3: actual £40,000, plan £1.5 million, variance -£1.5 million (-97.4%)" in (
        result.stdout
    )
    q3 = _quarter(tmp_path / "out" / "spend_tracking.csv", "2017/18 Q3")
    assert (q3["Locum and agency spend (GBP)"], q3["Plan (GBP)"], q3["Variance (GBP)"]) == (
        "40000",
        "1548020",
        "-1508020",
    )


def test_tracking_uses_the_plans_fan() -> None:
    import pandas as pd

    actual = pd.DataFrame(
        {
            "quarter_end": [dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30)],
            "practices": [3, 3, 3],
            "locum_gbp": [90.0, 100.0, 130.0],
            "agency_gbp": [0.0, 0.0, 0.0],
            "total_gbp": [90.0, 100.0, 130.0],
        }
    )
    planned = pd.DataFrame(
        {
            "quarter_end": [dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30)],
            "plan_gbp": [100.0, 100.0, 100.0],
            "plan_p10_gbp": [80.0, 80.0, 80.0],
            "plan_p90_gbp": [120.0, 120.0, 120.0],
        }
    )
    table, spc, _ = track_spend(actual, planned)
    f = table.frame
    assert list(f["Variance (GBP)"]) == [-10.0, 0.0, 30.0]
    assert list(f["Variance %"]) == [-10.0, 0.0, 30.0]
    assert list(f["Inside the plan's band"]) == ["yes", "yes", "no"]
    # P10 is 20 below the centre: sd = 20 / 1.2816; -10 is half of it -> Phi(-0.6408) = 26.1%
    assert f["Percentile in the plan's fan"].iloc[0] == pytest.approx(26.08, abs=0.05)
    assert f["Percentile in the plan's fan"].iloc[1] == pytest.approx(50.0)
    assert spc is not None and len(spc.points) == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("C82001,2017-12-31,-5,", "column 'locum_gbp': must be greater than or equal to 0"),
        ("C82001,2017-12-30,5,", "quarter's last day"),
        ("C82001,2017-12-31,,", "give locum_gbp or agency_gbp"),
        (",2017-12-31,5,", "column 'practice'"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "spend.csv"
    path.write_text("practice,quarter_end,locum_gbp,agency_gbp\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        read_spend(path)
    assert message in str(err.value) and "row 2" in str(err.value)


def test_a_practice_twice_in_a_quarter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text(SPEND + "C82001,2017-12-31,1,1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        read_spend(path)
    assert "row 6" in str(err.value) and "a repeat of row 2" in str(err.value)


def test_spend_from_the_returns_loaded_into_a_workspace(tmp_path: Path, shared_data: Path) -> None:
    """``--data WORKSPACE`` reads the spend section of the practice returns loaded into it; a
    return's figures are used where a file gives the same practice's quarter. By hand:
    2017/18 Q3 = C82005's return 20,000 + 5,000 (its file row of 99,999 is replaced) + C82008's
    return 12,000 = 37,000 against the plan's 1,548,020: -1,511,020 (-97.6%); 2017/18 Q4 =
    the file's 10,000 for C82008 (C82005's return of that quarter has no spend section)."""
    import dataclasses

    from gpworkforce.domain.returns import SpendLine
    from gpworkforce.returns import write_return_xlsx
    from returns_support import base_return

    q3, q4 = dt.date(2017, 12, 31), dt.date(2018, 3, 31)
    returns = [
        dataclasses.replace(base_return("C82005", q3), spend=SpendLine(20_000, 5_000)),
        dataclasses.replace(base_return("C82008", q3), spend=SpendLine(locum_gbp=12_000)),
        base_return("C82005", q4),  # no spend section
    ]
    files = [
        str(write_return_xlsx(r, tmp_path / f"{r.practice_code}-{r.census_date:%Y%m}.xlsx"))
        for r in returns
    ]
    ws = tmp_path / "ws"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(app, list(args))

    loaded = run("load", "returns", *files, "--data", str(ws))
    assert loaded.exit_code == 0, loaded.output
    path = tmp_path / "spend.csv"
    path.write_text(
        "practice,quarter_end,locum_gbp,agency_gbp\n"
        "C82005,2017-12-31,99999,\nC82008,2018-03-31,10000,\n",
        encoding="utf-8",
    )
    scenario = str(LLR / "scenario-3.toml")
    out = tmp_path / "out"
    result = run("finance", "spend", str(path), "--data", str(ws), "--scenario", scenario,
                 "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2017/18 Q3: actual £37,000, plan £1.5 million, variance -£1.5 million (-97.6%)" in (
        result.stdout
    )
    assert "2017/18 Q4: actual £10,000, plan £1.5 million" in result.stdout
    q3 = _quarter(out / "spend_tracking.csv", "2017/18 Q3")
    assert (q3["Locum and agency spend (GBP)"], q3["Plan (GBP)"], q3["Variance (GBP)"]) == (
        "37000",
        "1548020",
        "-1511020",
    )
    assert _quarter(out / "spend_tracking.csv", "2017/18 Q4")["Plan (GBP)"] == "1548020"
    # the returns alone: Q3 only
    result = run("finance", "spend", "--data", str(ws), "--scenario", scenario, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2017/18 Q3: actual £37,000" in result.stdout and "Q4" not in result.stdout
    # neither a file nor a workspace; a workspace without returns
    result = run("finance", "spend", "--scenario", scenario)
    assert result.exit_code != 0 and "give the spend: a FILE" in result.stderr
    empty = tmp_path / "empty"
    assert run("load", "returns", files[2], "--data", str(empty)).exit_code == 0
    result = run("finance", "spend", "--data", str(empty), "--scenario", scenario)
    assert result.exit_code != 0 and "none of its practice returns has a spend section" in (
        result.stderr
    )
    assert "Traceback" not in result.output


def _quarter(path: Path, quarter: str) -> dict[str, str]:
    """The row of ``quarter`` in a spend tracking CSV, as written."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = [r for r in csv.DictReader(fh) if r["Quarter"] == quarter]
    return row
