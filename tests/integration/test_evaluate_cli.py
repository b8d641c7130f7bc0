"""``gpworkforce evaluate`` end to end on the real GPW practice-year file (issue 15, item 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app


def test_evaluate_scores_every_icb_from_every_origin(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "ev"
    args = ["evaluate", "--out", str(out), "--level", "icb", "--draws", "40", "--max-horizon", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Headline: rolling-origin evaluation, GPW Years 2016-2024, ")
    assert "ICB, 1 year ahead: default" in result.stdout
    # the run says how the default's calibrated band did, against the target, and from
    # how many starting years: the default is no change, forecast from every Year (origins
    # 2016-2024 one year ahead, 2016-2023 two: Year 2025 comes from the later staff-groups file)
    lines = result.stdout.splitlines()
    one_year = next(x for x in lines if "ICB, 1 year ahead" in x)
    assert "default No change (persistence)" in one_year
    assert "calibrated band (9 starting years): " in one_year and "% inside P10-P90" in one_year
    assert "the calibration target" in one_year
    two_years = next(x for x in lines if "ICB, 2 years ahead" in x)
    assert "calibrated band (8 starting years): " in two_years
    names = {p.name for p in out.iterdir()}
    assert {"evaluation_summary.csv", "evaluation_skill.csv", "evaluation_cases.csv"} <= names
    assert "evaluation_bands.csv" in names
    assert {"evaluation.xlsx", "evaluation_mase_icb.svg", "evaluation_coverage_icb.svg"} <= names
    cases = pd.read_csv(out / "evaluation_cases.csv", encoding="utf-8-sig")
    model = cases.loc[cases["calibration"] == "model"]
    # the headline counts the forecasts scored (one row per forecast and calibration)
    assert result.stdout.splitlines()[0] == (
        f"Headline: rolling-origin evaluation, GPW Years 2016-2024, {len(model):,} forecasts; "
        "the default method for each level and horizon:"
    )
    # the leave-one-out band: every origin's band from the other origins' errors only
    loo = cases.loc[cases["calibration"] == "leave-out"]
    assert loo["inside_80"].notna().all()
    for row in loo.drop_duplicates(["method", "origin", "horizon"]).itertuples():
        assert str(row.origin) not in row.band_from.split("(")[0], row.band_from
    summary_raw = pd.read_csv(out / "evaluation_summary.csv", encoding="utf-8-sig")
    judged = summary_raw.loc[
        summary_raw["Band"] == "Errors of the other starting years (leave one out)"
    ]
    assert set(judged["Enough starting years to judge the band"]) == {"yes"}  # 6-9 origins
    recent = cases.loc[(cases["calibration"] == "recent") & cases["inside_80"].notna()]
    # the recent band exists from origin 2017 for no change (the 2017 errors of its 2016
    # forecasts) and from 2019 for the methods that start in 2018, and says so
    assert recent["origin"].min() == 2017
    assert recent.loc[recent["method"] == "cohort", "origin"].min() == 2019
    assert recent["band_from"].str.startswith("1-year errors of GPW Year").all()
    # the series runs GPW Years 2016-2024 and the later file adds 2025. The methods that
    # estimate rates from the history need two years of growth: origins 2018-2023 reach two
    # years ahead, 2024 one, so 6 x 2 + 1 = 13 forecasts per ICB; no change and HEE linear
    # start from every Year, 2016-2023 two years ahead: 8 x 2 + 1 = 17. 42 ICBs
    per_method = model.groupby("method").size()
    assert per_method.to_dict() == {
        m: 42 * (17 if m in ("persistence", "hee-linear") else 13) for m in per_method.index
    }
    assert sorted(model["origin"].unique().tolist()) == list(range(2016, 2025))
    cohort = model.loc[model["method"] == "cohort"]
    assert sorted(cohort["origin"].unique().tolist()) == list(range(2018, 2025))
    # no change's own draws need two years of growth (the pooled shock spread)
    early = model.loc[model["origin"] < 2018]
    assert early["inside_80"].isna().all() and set(early["method"]) == {"persistence", "hee-linear"}
    assert set(model["horizon"]) == {1, 2}
    assert (model["target"] == model["origin"] + model["horizon"]).all()
    summary = pd.read_csv(out / "evaluation_summary.csv", encoding="utf-8-sig")
    pers = summary.loc[summary["Method"] == "No change (persistence)"]
    assert pers["Error relative to no change (MASE)"].tolist() == pytest.approx([1.0] * len(pers))
    assert (out / "evaluation_mase_icb.svg").read_text().lstrip().startswith("<svg")
    _check_llr_plan_as_a_forecast(out / "evaluation_llr_plan.csv")
    _check_run_record_and_current_bands(out, summary_raw)
    _check_a_forecast_takes_the_evaluated_band(out, tmp_path / "fc")


def _check_a_forecast_takes_the_evaluated_band(ev: Path, out: Path) -> None:
    """`gpworkforce forecast --band evaluated` reads this very file (decision 0148): the LLR
    Scenario 1 (HEE linear, 541 -> 561 WTE over 3 years) gets HEE linear's ICB ratios at 1 and 2
    years and no band at 3 (the evaluation went to 2)."""
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "scenario-1.toml"
    args = ["forecast", str(scenario), "--out", str(out), "--band", "evaluated"]
    result = CliRunner().invoke(app, [*args, "--evaluation", str(ev), "--band-level", "icb"])
    assert result.exit_code == 0, result.output
    bands = pd.read_csv(ev / "evaluation_bands.csv", encoding="utf-8-sig")
    hee = bands.loc[bands["Method"] == "HEE linear (LLR 2017 rates)"].set_index("Years ahead")
    got = pd.read_csv(out / "evaluated_band.csv", encoding="utf-8-sig").set_index("years_ahead")
    for h, central in ((1, 541 + 20 / 3), (2, 541 + 40 / 3)):
        for col, ratio in (("p10", "P10 / central"), ("p90", "P90 / central")):
            assert got.loc[h, col] == pytest.approx(central * hee.loc[h, ratio], abs=0.051)
    assert pd.isna(got.loc[3, "p10"]) and got.loc[3, "band"].startswith("not judged")


def _check_run_record_and_current_bands(out: Path, summary: pd.DataFrame) -> None:
    """The run says which files and Years it used, and the band for a forecast made now is
    the leave-one-out construction on every starting year, beside that band's check."""
    readme = (out / "README.txt").read_text()
    assert (
        "Data: the shared GPW practice-year file, GPW Years 2016-2024; Year 2025 scored as"
        " targets from the shared GPW staff-groups file, chain-linked on Year 2024"
    ) in readme
    bands = pd.read_csv(out / "evaluation_bands.csv", encoding="utf-8-sig")
    assert len(bands) == 6 * 2  # six methods, two horizons, one level
    one = bands.loc[(bands["Method"] == "Cohort engine") & (bands["Years ahead"] == 1)].iloc[0]
    assert one["Starting years the band is made from"] == 7
    assert one["Made from"].startswith("errors of every origin 2018, 2019, 2020, 2021, 2022,")
    hee1 = bands.loc[
        (bands["Method"] == "HEE linear (LLR 2017 rates)") & (bands["Years ahead"] == 1)
    ].iloc[0]
    assert hee1["Starting years the band is made from"] == 9
    assert hee1["Made from"].startswith("errors of every origin 2016, 2017, 2018,")
    assert "7 national shifts" in one["Made from"] and "shifts' spread x 1.15" in one["Made from"]
    assert one["P10 / central"] < one["P50 / central"] < one["P90 / central"]
    assert one["P2.5 / central"] < one["P10 / central"] and one["P97.5 / central"] > 1
    check = summary.loc[
        (summary["Method"] == "Cohort engine")
        & (summary["Years ahead"] == 1)
        & (summary["Band"] == "Errors of the other starting years (leave one out)")
    ].iloc[0]
    assert one["Left-out check: inside P10-P90 (%)"] == check["Inside P10-P90 (%)"]
    assert one["Enough starting years to judge the band"] == "yes"
    assert one["Meets the calibration target"] in {"yes", "no"}


def test_evaluate_without_the_later_file_scores_the_series_alone(
    tmp_path: Path, shared_data: Path
) -> None:
    out = tmp_path / "ev"
    args = ["evaluate", "--out", str(out), "--level", "icb", "--draws", "20", "--max-horizon", "1"]
    result = CliRunner().invoke(app, [*args, "--no-later"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Headline: rolling-origin evaluation, GPW Years 2016-2023, ")
    assert (
        "Data: the shared GPW practice-year file, GPW Years 2016-2024; no later Year scored"
        in (out / "README.txt").read_text()
    )


def _check_llr_plan_as_a_forecast(path: Path) -> None:
    """Issue 15, item 5: the LLR 2017 plan's scenarios scored like for like against GPW.

    The plan counted WTE GPs including locums (541 in October 2017); GPW's practice file counts
    qualified GPs without locums (LLR, Year 2018 = September 2017: 519.6 FTE). Each scenario's
    published 2020 position is a change on 541 (Tables 12-13: 561, 630 WTE), applied to GPW's
    519.6; scenario 3's extra 28 are role substitutes GPW cannot count, so its GP-only forecast
    is scenario 2's. GPW Year 2021 (2020/21) showed 510.8."""
    plan = pd.read_csv(path, encoding="utf-8-sig")
    plan["name"] = plan["Forecast"].str.slice(0, 10)
    row = plan.set_index(["name", "Years ahead"])
    assert {"Scenario 1", "Scenario 2", "Scenario 3", "No change ", "Cohort eng"} <= set(
        plan["name"]
    )
    # no change from Sep 2017 (GPW Year 2018)
    assert row.loc[("No change ", 1), "Forecast FTE"] == pytest.approx(519.6, abs=0.05)
    s1, s2, s3 = (row.loc[(f"Scenario {i}", 3)] for i in (1, 2, 3))
    assert s1["Actual FTE"] == pytest.approx(510.8, abs=0.05)  # GPW Year 2021
    assert s1["Forecast FTE"] == pytest.approx(519.6 * 561 / 541, abs=0.1)
    assert s2["Forecast FTE"] == pytest.approx(519.6 * 630 / 541, abs=0.1)
    assert s3["Forecast FTE"] == pytest.approx(s2["Forecast FTE"])
    # the scored error, and the plan's ordering: even the base position over-forecast
    expected = (519.6 * 561 / 541 / 510.8 - 1) * 100
    assert s1["Error (%)"] == pytest.approx(expected, abs=0.1)
    assert 0 < s1["Error (%)"] < s2["Error (%)"]


def test_evaluate_user_errors_exit_non_zero(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["evaluate", "--out", str(tmp_path), "--level", "region"])
    assert bad.exit_code == 2 and "--level must be 'icb', 'sub-icb' or 'all'" in bad.output
    missing = runner.invoke(app, ["evaluate", "--data", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
    assert "--data must be a GPW practice-year CSV or a workspace directory" in missing.output
    later = runner.invoke(app, ["evaluate", "--later", str(tmp_path / "none.csv")])
    assert later.exit_code == 2
    assert "--later must be a GPW practice-year CSV with all staff groups" in later.output
    assert "Traceback" not in bad.output + missing.output + later.output
