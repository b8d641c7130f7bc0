"""Rolling-origin evaluation arithmetic against hand-worked values (issue 15, item 1).

Every expected value below is worked by hand in its comment; none is produced by the module.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast import evaluation as ev


def test_crps_of_three_equal_weight_samples() -> None:
    # samples 1, 2, 3 and actual 2: E|X - y| = (1 + 0 + 1) / 3 = 2/3; over the 9 ordered pairs
    # |X - X'| sums to 0+1+2 + 1+0+1 + 2+1+0 = 8, so E|X - X'| = 8/9; CRPS = 2/3 - 4/9 = 2/9.
    got = ev.crps(np.array([[3.0, 1.0, 2.0]]), np.array([2.0]))
    assert got[0] == pytest.approx(2 / 9)


def test_crps_of_a_point_mass_is_the_absolute_error() -> None:
    # every sample 10, actual 13: E|X - y| = 3 and E|X - X'| = 0.
    assert ev.crps(np.full((1, 4), 10.0), np.array([13.0]))[0] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("q", "actual", "tau", "loss"),
    [
        (10.0, 12.0, 0.9, 1.8),  # under-forecast: 0.9 x 2
        (10.0, 12.0, 0.1, 0.2),  # 0.1 x 2
        (10.0, 8.0, 0.9, 0.2),  # over-forecast: (1 - 0.9) x 2
        (10.0, 8.0, 0.1, 1.8),  # (1 - 0.1) x 2
        (10.0, 10.0, 0.5, 0.0),
    ],
)
def test_pinball_loss(q: float, actual: float, tau: float, loss: float) -> None:
    assert ev.pinball(np.array([q]), np.array([actual]), tau)[0] == pytest.approx(loss)


def test_score_block_point_errors_and_band_flags() -> None:
    # central 105 against actual 100: error +5, 5% too high. Samples 0..100 (101 values):
    # P10 = 10, P90 = 90, P2.5 = 2.5, P97.5 = 97.5; the actual 100 is above every one of them.
    samples = np.arange(101.0)[None, :]
    got = ev.score_block(np.array([105.0]), samples, np.array([100.0]))
    assert got["error"][0] == 5.0 and got["ape"][0] == 5.0 and got["pct_error"][0] == 5.0
    assert got["q0.1"][0] == pytest.approx(10.0) and got["q0.9"][0] == pytest.approx(90.0)
    assert got["above_p90"][0] == 1.0 and got["inside_80"][0] == 0.0
    assert got["above_p97_5"][0] == 1.0 and got["inside_95"][0] == 0.0
    assert got["below_p10"][0] == 0.0
    assert got["width_80_pct"][0] == pytest.approx(80.0)  # (90 - 10) / 100
    assert got["width_95_pct"][0] == pytest.approx(95.0)


def test_score_block_without_spread_has_no_band_scores() -> None:
    got = ev.score_block(np.array([10.0]), np.full((1, 5), 10.0), np.array([12.0]))
    assert math.isnan(got["inside_80"][0]) and math.isnan(got["crps"][0])
    assert got["abs_error"][0] == 2.0
    none = ev.score_block(np.array([10.0]), None, np.array([8.0]))
    assert math.isnan(none["inside_95"][0])
    assert none["ape"][0] == pytest.approx(25.0)


def test_known_uses_only_targets_published_at_the_origin() -> None:
    history = [
        (2019, 1, np.array([0.1])),  # origin 2018, 1 year ahead
        (2020, 2, np.array([0.2])),  # origin 2018, 2 years ahead
        (2020, 1, np.array([0.3])),  # origin 2019
        (2021, 1, np.array([0.4])),  # not yet known at 2020
    ]
    known = ev._known(history, 2020)
    assert sorted(known) == [1, 2]
    assert sorted(known[1].tolist()) == [0.1, 0.3]
    assert known[2].tolist() == [0.2]


def test_conformal_band_from_same_horizon_errors_then_scaled_one_year_errors() -> None:
    errs = {2: np.log(np.array([1.1, 0.9, 1.0])), 1: np.array([0.0, 0.02, -0.02])}
    samples, how = ev.conformal_samples(np.array([100.0]), 2, errs, min_n=3)
    # central 100 x (1.1, 0.9, 1.0)
    assert sorted(samples[0].round(9).tolist()) == [90.0, 100.0, 110.0]
    assert how.startswith("horizon 2 errors")
    samples4, how4 = ev.conformal_samples(np.array([100.0]), 4, errs, min_n=3)
    # no horizon-4 errors: one-year errors x sqrt(4) = (0, 0.04, -0.04)
    assert sorted(samples4[0].tolist()) == pytest.approx(
        [100 * math.exp(-0.04), 100.0, 100 * math.exp(0.04)]
    )
    assert "sqrt(4)" in how4
    none, why = ev.conformal_samples(np.array([100.0]), 1, {}, min_n=3)
    assert none is None and why == "no earlier errors"


def test_recalibration_reads_the_log_normal_fit_at_past_pit_levels() -> None:
    # draws whose logs are exactly -1 and +1 around log 100: log mean log(100), log spread 1.
    draws = 100.0 * np.exp(np.array([[-1.0, 1.0]]))
    # past actuals all at the fit's centre (normal score 0, PIT 0.5): every sample is the fit's
    # median, exp(log 100) = 100
    got, _ = ev.recalibrated_samples(draws, 1, {1: np.zeros(4)}, min_n=4)
    assert got[0] == pytest.approx([100.0] * 4)
    # past actuals all one log spread up (score +1, PIT 0.8413447): every sample is 100 e
    got2, how = ev.recalibrated_samples(draws, 3, {1: np.ones(2)}, min_n=2)
    assert got2[0] == pytest.approx([100 * math.e] * 2, rel=1e-5) and "all horizons" in how
    none, why = ev.recalibrated_samples(None, 1, {1: np.zeros(40)})
    assert none is None and why == "the method has no draws"


def test_pit_of_the_log_normal_fit() -> None:
    draws = 100.0 * np.exp(np.array([[-1.0, 1.0]]))  # log mean log 100, log spread 1
    # actual 100: z = 0, PIT 0.5; actual 100 e: z = 1, PIT 0.8413447 (normal table)
    got = ev.pit(np.vstack([draws, draws]), np.array([100.0, 100 * math.e]))
    assert got == pytest.approx([0.5, 0.8413447], abs=1e-6)
    # an actual far beyond every draw still ranks: z = 5, PIT 0.9999997
    assert ev.pit(draws, np.array([100 * math.exp(5)]))[0] == pytest.approx(0.9999997, abs=1e-7)
    assert ev.normal_score(draws, np.array([100 * math.exp(-2.5)]))[0] == pytest.approx(-2.5)


def _cases(rows: list[tuple[str, str, int, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["method", "org", "origin", "horizon", "abs_error"])
    frame["level"] = "icb"
    frame["calibration"] = "model"
    frame["actual"] = 100.0
    frame["ape"] = frame["abs_error"]
    frame["pct_error"] = frame["abs_error"]
    for c in ("inside_80", "below_p10", "above_p90", "inside_95", "below_p2_5", "above_p97_5"):
        frame[c] = np.nan
    frame["width_80_pct"] = frame["crps_pct"] = np.nan
    return frame


def test_mase_is_summed_error_over_persistence_on_the_same_cases() -> None:
    cases = _cases(
        [
            ("persistence", "A", 2018, 1, 4.0),
            ("persistence", "B", 2018, 1, 2.0),
            ("trend", "A", 2018, 1, 1.0),
            ("trend", "B", 2018, 1, 2.0),
        ]
    )
    table = ev.summary(cases)
    trend = table.loc[table["method"] == "trend"].iloc[0]
    assert trend["mase"] == pytest.approx(3.0 / 6.0)  # (1 + 2) / (4 + 2)
    assert trend["mape"] == pytest.approx(1.5)
    pers = table.loc[table["method"] == "persistence"].iloc[0]
    assert pers["mase"] == pytest.approx(1.0)


def test_bootstrap_interval_resamples_areas() -> None:
    # area A: method error 1 vs 4; area B: 2 vs 2. Point MASE (1 + 2) / (4 + 2) = 0.5. A
    # resample of only A gives 0.25 and of only B gives 1.0: the interval lies within [0.25, 1].
    point, lo, hi = ev.bootstrap_mase(
        np.array([1.0, 2.0]), np.array([4.0, 2.0]), np.array(["A", "B"]), reps=400
    )
    assert point == pytest.approx(0.5)
    assert 0.25 <= lo <= point <= hi <= 1.0


def test_skill_needs_the_whole_interval_below_one() -> None:
    # 20 areas from 3 origins where the trend's error is half persistence's in every one: the
    # interval is [0.5, 0.5], skill shown, and the trend is the default.
    rows = []
    for i in range(20):
        for origin in (2018, 2019, 2020):
            rows += [
                ("persistence", f"A{i}", origin, 1, 2.0),
                ("trend-local", f"A{i}", origin, 1, 1.0),
            ]
    table = ev.skill(_cases(rows), reps=200)
    row = table.iloc[0]
    assert row["mase"] == pytest.approx(0.5) and row["mase_high"] == pytest.approx(0.5)
    assert row["origins"] == 3
    assert bool(row["skill"]) and row["default"] == "trend-local"
    # equal errors: MASE 1, no skill, the default stays "no change"
    rows = []
    for i in range(20):
        for origin in (2018, 2019, 2020):
            rows += [
                ("persistence", f"A{i}", origin, 1, 2.0),
                ("trend-local", f"A{i}", origin, 1, 2.0),
            ]
    row = ev.skill(_cases(rows), reps=200).iloc[0]
    assert not bool(row["skill"]) and row["default"] == "persistence"
    assert "no method has shown skill" in row["reason"]


def test_one_origins_luck_is_not_skill() -> None:
    # the same halved errors in 20 areas, but all from one origin: the areas share that year's
    # national shift, so the interval below 1 is not taken as skill; the trend is still the
    # best-evaluated centre, and the reason says why no skill is claimed
    rows = []
    for i in range(20):
        rows += [("persistence", f"A{i}", 2018, 6, 2.0), ("trend-local", f"A{i}", 2018, 6, 1.0)]
    row = ev.skill(_cases(rows), reps=200).iloc[0]
    assert row["mase_high"] == pytest.approx(0.5) and row["origins"] == 1
    assert not bool(row["skill"]) and row["default"] == "trend-local"
    assert row["reason"].startswith("only 1 starting year scored, too few to judge skill")


def test_calibration_ok_applies_the_issue_tolerances() -> None:
    good = {
        "coverage_80": 76.0,
        "coverage_95": 91.0,
        "below_p10": 12.0,
        "above_p90": 12.0,
        "below_p2_5": 4.5,
        "above_p97_5": 4.5,
    }
    assert ev.calibration_ok(good)
    assert not ev.calibration_ok(good | {"coverage_80": 74.0})  # 6 points off
    assert not ev.calibration_ok(good | {"above_p90": 13.5})  # tail 3.5 points off


def _growth_panel(rate: float, years: range, areas: int = 3) -> tuple[pd.DataFrame, dict]:
    """Two practices per area, each growing by exactly ``rate`` a year, 1 FTE per head."""
    rows, mapping = [], {}
    for a in range(areas):
        for p in range(2):
            code = f"P{a}{p}"
            mapping[code] = f"AREA{a}"
            start = 10.0 * (a + 1) + p
            for k, fy in enumerate(years):
                v = start * (1 + rate) ** k
                rows.append({"practice_code": code, "fy": fy, "headcount": v, "fte": v})
    return pd.DataFrame(rows), mapping


def test_evaluation_of_steady_growth_by_hand() -> None:
    # every area grows exactly 10% a year from 2016 to 2022. From origin 2018 the areas' own and
    # the national trend are both 10% and forecast exactly; no change misses by FTE_o x (1.1^h - 1),
    # i.e. 10% then 21% of the origin's figure, so its APE is 1 - 1/1.1^h of the actual:
    # h=1: 0.1/1.1 = 9.0909%; h=2: 0.21/1.21 = 17.3554%.
    panel, mapping = _growth_panel(0.10, range(2016, 2023))
    cases = ev.evaluate_level(
        panel, mapping, "icb", methods=("persistence", "trend-local", "trend-national"), draws=20
    )
    model = cases.loc[cases["calibration"] == "model"]
    pers = model.loc[(model["method"] == "persistence") & (model["origin"] == 2018)]
    assert pers.loc[pers["horizon"] == 1, "ape"].to_numpy() == pytest.approx([100 / 11] * 3)
    assert pers.loc[pers["horizon"] == 2, "ape"].to_numpy() == pytest.approx([21 / 1.21] * 3)
    for method in ("trend-local", "trend-national"):
        got = model.loc[model["method"] == method, "ape"].to_numpy()
        assert got == pytest.approx(np.zeros_like(got), abs=1e-9)
    # the trends need two years of growth: origins 2018..2021 (the last year has nothing after
    # it), 4 + 3 + 2 + 1 = 10 origin-horizon pairs per area; no change reads nothing of the
    # history, so it starts from every Year: 2016 (horizons 1-6) and 2017 (1-5) as well, 21 pairs
    for method in ("trend-local", "trend-national"):
        mine = model.loc[model["method"] == method]
        assert sorted(mine["origin"].unique().tolist()) == [2018, 2019, 2020, 2021]
        assert len(mine) == 3 * 10
    all_pers = model.loc[model["method"] == "persistence"]
    assert sorted(all_pers["origin"].unique().tolist()) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert len(pers) == 3 * 4  # origin 2018: horizons 1-4 for 3 areas
    assert len(all_pers) == 3 * 21
    # from 2016 no change misses 6 years ahead by 1 - 1/1.1^6 = 43.552% of the actual; before two
    # years of growth its own draws (the pooled shock spread) cannot be made: no band of its own
    early = all_pers.loc[all_pers["origin"] == 2016].set_index("horizon")
    assert early.loc[6, "ape"].to_numpy() == pytest.approx([(1 - 1 / 1.1**6) * 100] * 3)
    assert all_pers.loc[all_pers["origin"] < 2018, "inside_80"].isna().all()
    assert all_pers.loc[all_pers["origin"] >= 2018, "inside_80"].notna().all()
    table = ev.summary(cases)
    trend = table.loc[(table["method"] == "trend-local") & (table["calibration"] == "model")]
    assert trend["mase"].to_numpy() == pytest.approx(np.zeros(len(trend)), abs=1e-9)
    # methods are compared for skill on the same forecasts only: the origins all were scored from
    sk = ev.skill(cases, reps=50)
    assert set(sk["origins"]) <= {1, 2, 3, 4}
    assert sk.loc[sk["horizon"] == 1, "cases"].tolist() == [3 * 4, 3 * 4]


def test_chain_linked_uses_only_the_later_files_growth() -> None:
    # the series ends in 2024 at 100 (A) and 50 (B). The later file revised 2024 to 102 and
    # 49 and shows 2025 at 107.1 and 51.45, i.e. growth of 5% for both: A 2025 = 100 x 1.05
    # = 105, B = 50 x 1.05 = 52.5 (not 107.1 and 51.45, which carry the revision). C is not in
    # the later file, D has no 2024 there: no 2025 for either.
    series = pd.DataFrame(
        {2023: [98.0, 49.0, 10.0, 20.0], 2024: [100.0, 50.0, 11.0, 21.0]},
        index=["A", "B", "C", "D"],
    )
    later = pd.DataFrame(
        {2023: [99.0, 48.0, np.nan], 2024: [102.0, 49.0, np.nan], 2025: [107.1, 51.45, 30.0]},
        index=["A", "B", "D"],
    )
    got = ev.chain_linked(series, later)
    assert got.columns.tolist() == [2023, 2024, 2025]
    assert got.loc["A", 2025] == pytest.approx(105.0) and got.loc["B", 2025] == pytest.approx(52.5)
    assert math.isnan(got.loc["C", 2025]) and math.isnan(got.loc["D", 2025])
    # the series' own Years are kept as they were
    assert got[[2023, 2024]].equals(series)
    # nothing later than the series: unchanged
    assert ev.chain_linked(series, later[[2023, 2024]]).equals(series)


def test_evaluation_scores_a_later_publications_year_as_a_target() -> None:
    # the steady 10% growth of 2016-2022, and a later publication holding 2022 revised 5% up
    # and 2023 another 10% on it. Chain-linked, 2023 is 2022 x 1.1, so the trends stay exact
    # for target 2023 and no change from origin 2022 misses by 1 - 1/1.1 = 9.0909%; origin
    # 2022 is added (5 origins, 2018-2022), and nothing of the later file moves the forecasts.
    panel, mapping = _growth_panel(0.10, range(2016, 2023))
    newer = panel.loc[panel["fy"] == 2022].assign(
        headcount=lambda f: f["headcount"] * 1.05, fte=lambda f: f["fte"] * 1.05
    )
    newer = pd.concat(
        [newer, newer.assign(fy=2023, fte=newer["fte"] * 1.1, headcount=newer["headcount"] * 1.1)]
    )
    methods = ("persistence", "trend-local", "trend-national")
    cases = ev.evaluate_level(panel, mapping, "icb", methods=methods, draws=20, later=newer)
    model = cases.loc[cases["calibration"] == "model"]
    trends = model.loc[model["method"] != "persistence"]
    assert sorted(trends["origin"].unique().tolist()) == [2018, 2019, 2020, 2021, 2022]
    assert model["origin"].min() == 2016  # no change from every Year
    assert model["target"].max() == 2023
    last = model.loc[(model["method"] == "persistence") & (model["origin"] == 2022)]
    assert last["horizon"].tolist() == [1, 1, 1]
    assert last["ape"].to_numpy() == pytest.approx([100 / 11] * 3)
    for method in ("trend-local", "trend-national"):
        got = model.loc[(model["method"] == method) & (model["target"] == 2023), "ape"]
        assert got.to_numpy() == pytest.approx(np.zeros(len(got)), abs=1e-9)
    # without the later file the same series has origins 2018-2021 only
    alone = ev.evaluate_level(panel, mapping, "icb", methods=methods, draws=20)
    assert alone["origin"].max() == 2021


def test_current_band_is_the_leave_out_construction_on_every_origin() -> None:
    # two origins of two areas: log errors 2019: -0.03, -0.01 (shift -0.02); 2020: +0.03,
    # +0.05 (shift +0.04). Centre +0.01; two shifts, widened by sqrt(3): deviations
    # sqrt(3) x (-0.03) +- 0.01 and sqrt(3) x 0.03 +- 0.01, symmetrised; the largest is
    # 0.0520 + 0.01 = 0.0620, so P97.5 <= exp(0.01 + 0.0620) and the median is exp(0.01).
    central = 100.0
    rows = []
    for origin, errs in ((2019, (-0.03, -0.01)), (2020, (0.03, 0.05))):
        for area, e in zip(("A", "B"), errs, strict=True):
            rows.append(
                {
                    "calibration": "model",
                    "level": "icb",
                    "method": "persistence",
                    "horizon": 1,
                    "org": area,
                    "origin": origin,
                    "central": central,
                    "actual": central * math.exp(e),
                }
            )
    cases = pd.DataFrame(rows)
    summary = pd.DataFrame(
        [
            {
                "level": "icb",
                "method": "persistence",
                "calibration": "leave-out",
                "horizon": 1,
                "coverage_judged": False,
                "coverage_80": 50.0,
                "coverage_95": 100.0,
                "below_p10": 25.0,
                "above_p90": 25.0,
                "below_p2_5": 0.0,
                "above_p97_5": 0.0,
            }
        ]
    )
    got = ev.current_bands(cases, summary)
    assert len(got) == 1
    row = got.iloc[0]
    # two origins: too few to judge, so whether it meets the target is not said
    assert row["origins"] == 2 and not row["coverage_judged"] and row["target_met"] is None
    assert row["q0.5"] == pytest.approx(math.exp(0.01), abs=2e-4)
    top = 0.01 + math.sqrt(3) * 0.03 + 0.01
    assert math.exp(0.01) < row["q0.975"] <= math.exp(top) + 1e-12
    assert row["q0.025"] >= math.exp(0.01 - top) - 1e-12
    assert row["coverage_80"] == 50.0
    # judged, the left-out check's 50% inside P10-P90 misses the target; at 80 / 95 with
    # tails 10 / 10 and 2.5 / 2.5 it meets it
    judged = summary.assign(coverage_judged=True)
    missed = ev.current_bands(cases, judged).iloc[0]["target_met"]
    assert missed is not None and not missed
    nominal = judged.assign(
        coverage_80=80.0, coverage_95=95.0, below_p10=10.0, above_p90=10.0
    ).assign(below_p2_5=2.5, above_p97_5=2.5)
    assert ev.current_bands(cases, nominal).iloc[0]["target_met"]
    assert row["band_from"].startswith("errors of every origin 2019, 2020 (n=4, 2 national")
    assert "shifts' spread x 1.73" in row["band_from"]
