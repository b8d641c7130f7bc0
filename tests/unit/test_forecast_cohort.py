"""Scenario -> engine: joining profiles, rule combination, substitution, demand rules, costs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from gpworkforce.domain.report import ReportTable
from gpworkforce.forecast import cohort, outputs
from gpworkforce.forecast.build import build_assumptions, compile_inputs, joining_weights
from gpworkforce.forecast.cohort import run_cohort, step_dates
from gpworkforce.forecast.cohort_config import CohortConfig, Inflow
from gpworkforce.forecast.costs import gap_costs
from gpworkforce.forecast.demand import demand_wte, growth_index
from gpworkforce.forecast.scenario import CostConfig

ST3 = [
    {"months": 6, "cumulative_share": 0.34},
    {"months": 12, "cumulative_share": 0.48},
    {"months": 24, "cumulative_share": 0.62},
]


def inflow(**kw: object) -> Inflow:
    base = {
        "name": "t",
        "kind": "trainees",
        "per_year": [12],
        "destinations": [{"class": "GP", "share": 1.0}],
        "band": "all",
    }
    return Inflow.model_validate(base | kw)


def config(**kw: object) -> CohortConfig:
    base = {
        "start": "2017-09-30",
        "years": 1,
        "step": "year",
        "bands": [{"label": "all"}],
        "classes": [{"code": "GP", "role": "GP_QUALIFIED"}],
        "initial": {
            "rows": [{"org": "A", "class": "GP", "band": "all", "headcount": 10, "fte": 8}]
        },
    }
    return CohortConfig.model_validate(base | kw)


def test_st3_joining_profile_monthly() -> None:
    w = joining_weights(inflow(joining_profile=ST3), 12, 36)
    cum = np.cumsum(w)
    # cumulative joined by 6, 12 and 24 months after completing, then flat
    assert cum[5] == pytest.approx(0.34)
    assert cum[11] == pytest.approx(0.48)
    assert cum[23] == pytest.approx(0.62)
    assert cum[35] == pytest.approx(0.62)
    assert w[0] == pytest.approx(0.34 / 6)


def test_delay_and_no_profile() -> None:
    w = joining_weights(inflow(delay_months=3), 12, 6)
    np.testing.assert_allclose(w, [0, 0, 0, 1, 0, 0])
    np.testing.assert_allclose(joining_weights(inflow(), 4, 3), [1, 0, 0])


def test_leaving_rules_combine_as_independent_hazards() -> None:
    cfg = config(
        leaving=[
            {"kind": "early", "annual_rate": 0.1},
            {"kind": "retirement", "annual_rate": 0.2},
        ]
    )
    a = build_assumptions(cfg)
    # 1 - 0.9 x 0.8 = 0.28
    assert np.asarray(a.engine.leave_rate)[0, 0, 0] == pytest.approx(0.28)


def test_draws_are_clipped_to_valid_ranges() -> None:
    cfg = config(
        leaving=[{"kind": "early", "annual_rate": {"kind": "normal", "mean": 0.1, "sd": 0.1}}]
    )
    a = build_assumptions(cfg, {"cohort.leaving[0].annual_rate": np.array([0.1, -0.2, 1.4])})
    np.testing.assert_allclose(np.asarray(a.engine.leave_rate)[:, 0, 0], [0.1, 0.0, 1.0])


def test_inflow_is_shared_over_organisations_by_gp_fte() -> None:
    cfg = config(
        initial={
            "rows": [
                {"org": "A", "class": "GP", "band": "all", "headcount": 10, "fte": 6},
                {"org": "B", "class": "GP", "band": "all", "headcount": 5, "fte": 2},
            ]
        },
        inflows=[inflow(per_year=[8])],
    )
    stocks = pd.DataFrame([r.model_dump(by_alias=True) for r in cfg.initial.rows])
    inputs = compile_inputs(cfg, stocks)
    np.testing.assert_allclose(inputs.inflows[0].schedule, [[6.0, 2.0]])


def test_substitutes_count_at_their_ratio_net_of_supervision() -> None:
    cfg = config(
        classes=[
            {"code": "GP", "role": "GP_QUALIFIED"},
            {
                "code": "ANP",
                "role": "NURSE_ANP",
                "gp_equivalent": 1 / 3,
                "supervision_gp_fte": 0.05,
            },
        ],
        initial={
            "rows": [
                {"org": "A", "class": "GP", "band": "all", "headcount": 10, "fte": 8},
                {"org": "A", "class": "ANP", "band": "all", "headcount": 30, "fte": 30},
            ]
        },
    )
    stocks = pd.DataFrame([r.model_dump(by_alias=True) for r in cfg.initial.rows])
    fc = run_cohort(cfg, stocks)
    # 8 GP WTE + 30 x (1/3 - 0.05) = 8 + 8.5
    assert fc.supply_gp_equiv[0, 0, 0] == pytest.approx(16.5)
    assert fc.supply_fte[0, 0, 0] == pytest.approx(8.0)
    assert fc.supply_hc[0, 0, 0] == pytest.approx(10.0)


def test_demand_rules() -> None:
    reg = np.array([[[1_100_000.0], [1_111_000.0]]])  # [D, R, O]
    per = np.array([0.58])
    # LLR: 0.58 per 1,000 of 1.1m patients = 638 WTE
    np.testing.assert_allclose(
        demand_wte("per_1000_target", per, reg, None, np.array([[541.0]]))[0, :, 0], [638.0, 644.38]
    )
    # NHS England LTWP: keep the start's patients per GP (1.1m / 541), list grows 1%
    base = demand_wte("base_ratio", None, reg, None, np.array([[541.0]]))
    np.testing.assert_allclose(base[0, :, 0], [541.0, 541.0 * 1.01])
    weighted = reg * 1.1
    np.testing.assert_allclose(
        demand_wte("per_1000_weighted", per, reg, weighted, np.array([[1.0]]))[0, 0, 0], 0.58 * 1210
    )
    np.testing.assert_allclose(
        growth_index(np.array([0.01]), np.array([0.0, 2.0])), [[1.0, 1.0201]]
    )


def test_gap_costs() -> None:
    gap = np.array([[10.0, -5.0]])
    salaried, locum = gap_costs(gap, np.array([112_000.0]), np.array([0.45]))
    # 10 WTE x GBP 112,000 = 1.12m; at locum rates 45% more = 1.624m; a surplus costs nothing
    np.testing.assert_allclose(salaried, [[1_120_000.0, 0.0]])
    np.testing.assert_allclose(locum, [[1_624_000.0, 0.0]])


def test_run_cohort_with_list_growth_demand() -> None:
    cfg = config(
        years=2,
        demand={
            "rule": "per_1000_target",
            "per_1000": 0.5,
            "list_growth_rate": 0.1,
            "patients": [{"org": "A", "registered": 20000}],
        },
    )
    stocks = pd.DataFrame([r.model_dump(by_alias=True) for r in cfg.initial.rows])
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0, "weighted": None}])
    fc = run_cohort(cfg, stocks, patients=patients, costs=CostConfig())
    assert fc.demand is not None and fc.gap is not None and fc.per_1000 is not None
    np.testing.assert_allclose(fc.demand[0, :, 0], [10.0, 11.0, 12.1])
    np.testing.assert_allclose(fc.gap[0, :, 0], [2.0, 3.0, 4.1])
    np.testing.assert_allclose(fc.per_1000[0, :, 0], [8 / 20, 8 / 22, 8 / 24.2])
    assert fc.dates == (dt.date(2017, 9, 30), dt.date(2018, 9, 30), dt.date(2019, 9, 30))


def test_step_dates_keep_month_ends() -> None:
    assert step_dates(dt.date(2017, 9, 30), np.array([0, 1, 5]), 12) == (
        dt.date(2017, 9, 30),
        dt.date(2017, 10, 31),
        dt.date(2018, 2, 28),
    )


def test_tables_too_long_for_a_worksheet_go_to_csv_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outputs, "XLSX_MAX_ROWS", 2)
    small = ReportTable(key="small", title="s", frame=pd.DataFrame({"a": [1, 2]}))
    big = ReportTable(key="big", title="b", frame=pd.DataFrame({"a": [1, 2, 3]}))
    paths = outputs.write_outputs(tmp_path, [small, big], {}, "out")
    assert {p.name for p in paths} == {"small.csv", "big.csv", "README.txt", "out.xlsx"}
    assert "Too long for a worksheet" in (tmp_path / "README.txt").read_text()
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == ["small"]


def test_draws_in_batches_give_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(
        years=3,
        step="month",
        leaving=[{"kind": "early", "annual_rate": {"kind": "uniform", "low": 0.0, "high": 0.2}}],
        demand={
            "rule": "base_ratio",
            "list_growth_rate": 0.01,
            "patients": [{"org": "A", "registered": 9000}],
        },
    )
    stocks = pd.DataFrame([r.model_dump(by_alias=True) for r in cfg.initial.rows])
    patients = pd.DataFrame([{"org": "A", "registered": 9000.0, "weighted": None}])
    values = {"cohort.leaving[0].annual_rate": np.linspace(0.0, 0.2, 7)}
    whole = run_cohort(cfg, stocks, patients=patients, values=values)
    monkeypatch.setattr(cohort, "MAX_BATCH_BYTES", 1)  # one draw per batch
    assert len(cohort._batches(7, compile_inputs(cfg, stocks), None)) == 7
    batched = run_cohort(cfg, stocks, patients=patients, values=values)
    np.testing.assert_array_equal(whole.supply_gp_equiv, batched.supply_gp_equiv)
    assert whole.gap is not None and batched.gap is not None
    np.testing.assert_array_equal(whole.gap, batched.gap)
    assert batched.supply_fte.shape == (7, 37, 1)
    # more leaving, less supply at the end
    assert (np.diff(batched.supply_fte[:, -1, 0]) < 0).all()


def _projection_target_config(need_trend: float) -> CohortConfig:
    return config(
        years=4,
        demand={
            "rule": "per_1000_target",
            "per_1000": 0.5,
            "target_per_1000": 0.7,  # reached in 2019, two years after the 2017 start
            "target_year": 2019,
            "need_trend": need_trend,
            "driver": "projection",
            # +21% from 2017 to 2019 (10% a year, compounded), then flat
            "projection": [
                {"year": 2017, "people": 100},
                {"year": 2019, "people": 121},
                {"year": 2021, "people": 121},
            ],
            "patients": [{"org": "A", "registered": 20000}],
        },
    )


@pytest.mark.parametrize("need_trend", [0.0, 0.1])
def test_demand_from_a_published_projection_and_a_density_target(need_trend: float) -> None:
    from gpworkforce.forecast.cohort_mc import run_cohort_summary

    cfg = _projection_target_config(need_trend)
    stocks = pd.DataFrame([r.model_dump(by_alias=True) for r in cfg.initial.rows])
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0, "weighted": None}])
    fc = run_cohort(cfg, stocks, patients=patients, costs=CostConfig())
    assert fc.demand is not None and fc.registered is not None
    # patients: 20,000 x 1, 1.1, 1.21 then held (the projection, not list growth)
    registered = np.array([20000.0, 22000.0, 24200.0, 24200.0, 24200.0])
    np.testing.assert_allclose(fc.registered[0, :, 0], registered)
    # per 1,000: 0.5 -> 0.7 in equal steps by 2019, then held; times the need trend
    per_1000 = np.array([0.5, 0.6, 0.7, 0.7, 0.7])
    need = (1 + need_trend) ** np.arange(5)
    expected = registered * per_1000 / 1000 * need
    np.testing.assert_allclose(fc.demand[0, :, 0], expected)
    np.testing.assert_allclose(fc.gap[0, :, 0], expected - fc.supply_gp_equiv[0, :, 0])
    # the Monte Carlo summary reads the same demand
    summary = run_cohort_summary(cfg, stocks, patients=patients)
    np.testing.assert_allclose(summary.group_paths["demand"][0, summary.yearly, -1], expected)


def test_projection_and_target_are_checked() -> None:
    from gpworkforce.forecast.cohort_config import cohort_issues

    def problems(**demand: object) -> list[tuple[str, str, str]]:
        base: dict[str, object] = {
            "rule": "per_1000_target",
            "per_1000": 0.5,
            "patients": [{"org": "A", "registered": 20000}],
        }
        return cohort_issues(config(years=4, demand=base | demand), {"GP_QUALIFIED"})

    short = [{"year": 2017, "people": 1}, {"year": 2020, "people": 2}]
    assert problems(driver="projection", projection=short) == [
        (
            "cohort.demand.projection",
            "cover the start's year 2017 to the horizon's 2021",
            "2017-2020",
        )
    ]
    assert problems(driver="projection", projection=short[:1]) == [
        ("cohort.demand.projection", "give two or more years for driver projection", "1")
    ]
    backwards = [{"year": 2022, "people": 1}, {"year": 2016, "people": 2}]
    assert problems(driver="projection", projection=backwards)[0][1] == (
        "list each year once, earliest first"
    )
    assert problems(projection=short)[0][1] == "be omitted unless driver is projection"
    assert problems(target_per_1000=0.7)[0][1] == "come with target_year (both or neither)"
    assert problems(target_per_1000=0.7, target_year=2017) == [
        ("cohort.demand.target_year", "be after the start's year 2017", "2017")
    ]
    assert problems(target_per_1000=0.7, target_year=2019, rule="base_ratio", per_1000=None)[0][
        1
    ].startswith("be used with rule per_1000_target")
    assert problems(target_per_1000=0.7, target_year=2019) == []
