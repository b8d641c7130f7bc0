"""The scenario language's demand and supply inputs, hand-worked, on both cohort paths.

Each case is a small ``[cohort]`` section (yearly steps, one class, one band, no leaving unless
said) with its expected figures worked by hand in the comment beside it. Every case runs through
the method interface twice: the full run (every path kept) and the streamed Monte Carlo summary
the CLI uses (quantiles only, :class:`~gpworkforce.forecast.cohort_mc.SummaryOptions`); both must
give the hand-worked table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.cohort_mc import SummaryOptions
from gpworkforce.forecast.io import CohortData
from gpworkforce.forecast.methods import COHORT, CohortSpec, RunRequest

pytestmark = pytest.mark.spec

GP = {"code": "GP", "role": "GP_QUALIFIED", "gp_equivalent": 1.0}
TO_GP = [{"class": "GP", "share": 1.0}]


def config(years: int, stocks: dict[str, float], **extra: Any) -> CohortConfig:
    raw: dict[str, Any] = {
        "start": dt.date(2017, 9, 30),
        "years": years,
        "step": "year",
        "bands": [{"label": "all"}],
        "classes": [GP],
        "initial": {
            "rows": [
                {"org": o, "class": "GP", "band": "all", "headcount": v, "fte": v}
                for o, v in stocks.items()
            ]
        },
    }
    raw.update(extra)
    return CohortConfig.model_validate(raw)


def both_paths(
    cfg: CohortConfig,
    values: dict[str, list[float]] | None = None,
    patients: pd.DataFrame | None = None,
    org_inflows: dict[int, pd.DataFrame] | None = None,
) -> tuple[Any, Any]:
    """(full CohortForecast, streamed CohortSummary) of the same spec and values."""
    spec = CohortSpec(
        cfg, CohortData(stock_frame(cfg), patients, None, (), org_inflows=org_inflows or {})
    )
    vals = None if values is None else {k: np.asarray(v) for k, v in values.items()}
    full = COHORT.run(spec, RunRequest(values=vals)).detail
    streamed = COHORT.run(spec, RunRequest(values=vals, options=SummaryOptions())).detail
    return full, streamed


def supply_total(full: Any, streamed: Any) -> tuple[np.ndarray, np.ndarray]:
    """Supply summed over organisations, ``[runs, years + 1]``, from each path."""
    return full.supply_gp_equiv.sum(axis=2), streamed.group_paths["supply_gp_equiv"][:, :, -1]


PIPELINE = {
    "name": "GP registrars in training",
    "programme_years": 3,
    "in_training": [
        {"year": 3, "count": 100},
        {"year": 2, "count": 80},
        {"year": 1, "count": 60},
    ],
    "completion": 0.9,
    "retention": 0.5,
    "destinations": TO_GP,
    "band": "all",
}


def test_pipeline_joins_in_the_years_its_training_leaves() -> None:
    # final-year trainees complete in forecast year 1: 100 x 0.9 x 0.5 = 45 join;
    # second-years in year 2: 80 x 0.45 = 36; first-years in year 3: 60 x 0.45 = 27
    cfg = config(3, {"O": 100.0}, pipeline=[PIPELINE])
    for path in supply_total(*both_paths(cfg)):
        np.testing.assert_allclose(path[0], [100, 145, 181, 208], rtol=1e-12)


def test_pipeline_completion_by_year_of_training_and_its_draws() -> None:
    # first-years complete at 50% instead of 90%: 60 x 0.5 x 0.5 = 15 in year 3;
    # a run drawing the final-year count 0 instead of 100 loses that year's 45
    rows = [dict(r) for r in PIPELINE["in_training"]]  # type: ignore[union-attr]
    rows[2]["completion"] = 0.5
    rows[0]["count"] = {"kind": "uniform", "low": 0, "high": 200}
    cfg = config(3, {"O": 100.0}, pipeline=[{**PIPELINE, "in_training": rows}])
    values = {"cohort.pipeline[0].in_training[0].count": [100.0, 0.0]}
    for path in supply_total(*both_paths(cfg, values)):
        np.testing.assert_allclose(path[0], [100, 145, 181, 196], rtol=1e-12)
        np.testing.assert_allclose(path[1], [100, 100, 136, 151], rtol=1e-12)


def test_pipeline_with_august_completion_joins_in_august() -> None:
    # monthly steps from 30 Sep: August of forecast year 1 is step 11 (Aug 2018); the final
    # year's 45 are all there by the end of month 11, none before
    cfg = config(
        1,
        {"O": 100.0},
        step="month",
        pipeline=[{**PIPELINE, "in_training": [{"year": 3, "count": 100}], "completion_month": 8}],
    )
    spec = CohortSpec(cfg, CohortData(stock_frame(cfg), None, None, ()))
    supply = COHORT.run(spec, RunRequest()).detail.supply_gp_equiv[0, :, 0]
    np.testing.assert_allclose(supply[:11], 100.0, rtol=1e-12)
    np.testing.assert_allclose(supply[11:], 145.0, rtol=1e-12)


def test_per_year_counts_may_be_distributions() -> None:
    # per_year [10, X], the last repeating: central X = 20 gives 100, 110, 130, 150;
    # X = 0 gives 100, 110, 110, 110 and X = 40 gives 100, 110, 150, 190
    inflow = {
        "name": "recruits",
        "kind": "recruitment",
        "per_year": [10.0, {"kind": "uniform", "low": 0, "high": 40}],
        "destinations": TO_GP,
        "band": "all",
    }
    cfg = config(3, {"O": 100.0}, inflows=[inflow])
    values = {"cohort.inflows[0].per_year[1]": [20.0, 0.0, 40.0]}
    for path in supply_total(*both_paths(cfg, values)):
        np.testing.assert_allclose(
            path, [[100, 110, 130, 150], [100, 110, 110, 110], [100, 110, 150, 190]], rtol=1e-12
        )


def test_inflows_given_per_organisation_reach_only_those_organisations() -> None:
    # A has 60 WTE and B 40: shared by GP WTE, 5 joiners would split 3 / 2. Given per
    # organisation, year 1: A 5; year 2: B 10 -> A 60, 65, 65 and B 40, 40, 50
    inflow = {
        "name": "recruits",
        "kind": "recruitment",
        "org_csv": "recruits.csv",
        "destinations": TO_GP,
        "band": "all",
        "retention": 0.8,
    }
    cfg = config(2, {"A": 60.0, "B": 40.0}, inflows=[inflow])
    rows = pd.DataFrame({"org": ["A", "B"], "year": [1, 2], "count": [5.0 / 0.8, 10.0 / 0.8]})
    full, streamed = both_paths(cfg, org_inflows={0: rows})
    np.testing.assert_allclose(full.supply_gp_equiv[0].T, [[60, 65, 65], [40, 40, 50]], rtol=1e-12)
    fan = streamed.org_fans["supply_gp_equiv"]
    np.testing.assert_allclose(fan.central.T, [[60, 65, 65], [40, 40, 50]], rtol=1e-12)


PATIENTS = pd.DataFrame({"org": ["O"], "registered": [10_000.0], "weighted": [np.nan]})


def test_need_trend_and_list_factor_in_demand() -> None:
    # lists 10,000 x 0.9 = 9,000 growing 10% a year; each patient needs 5% more a year:
    # demand = 0.6 x 9 x (1.1 x 1.05) ** t = 5.4, 6.237, 7.203735
    demand = {
        "rule": "per_1000_target",
        "per_1000": 0.6,
        "list_growth_rate": 0.1,
        "need_trend": 0.05,
        "list_factor": 0.9,
        "patients": [{"org": "O", "registered": 10_000.0}],
    }
    cfg = config(2, {"O": 5.0}, demand=demand)
    full, streamed = both_paths(cfg, patients=PATIENTS)
    np.testing.assert_allclose(full.demand[0, :, 0], [5.4, 6.237, 7.203735], rtol=1e-12)
    np.testing.assert_allclose(full.registered[0, :, 0], [9000, 9900, 10890], rtol=1e-12)
    np.testing.assert_allclose(
        streamed.group_paths["demand"][0, :, -1], [5.4, 6.237, 7.203735], rtol=1e-12
    )
    np.testing.assert_allclose(
        streamed.group_paths["registered"][0, :, -1], [9000, 9900, 10890], rtol=1e-12
    )


def test_base_ratio_demand_is_not_moved_by_the_list_factor_but_by_need() -> None:
    # base ratio: 5 WTE for the start's list, whatever its size; lists grow 10% and need 5%:
    # 5, 5 x 1.155 = 5.775, 5 x 1.334025 = 6.670125 (0.9 or 1.0 as list factor alike)
    for factor in (0.9, {"kind": "uniform", "low": 0.8, "high": 1.0}):
        demand = {
            "rule": "base_ratio",
            "list_growth_rate": 0.1,
            "need_trend": 0.05,
            "list_factor": factor,
            "patients": [{"org": "O", "registered": 10_000.0}],
        }
        cfg = config(2, {"O": 5.0}, demand=demand)
        values = {"cohort.demand.list_factor": [0.9, 0.8]} if isinstance(factor, dict) else None
        full, streamed = both_paths(cfg, values=values, patients=PATIENTS)
        for runs in (full.demand[:, :, 0], streamed.group_paths["demand"][:, :, -1]):
            for run in runs:
                np.testing.assert_allclose(run, [5.0, 5.775, 6.670125], rtol=1e-12)


def test_published_population_totals_and_a_density_target_in_demand() -> None:
    # population 200 in 2017 to 266.2 in 2020 (+10% a year, compounded between the years given):
    # lists 10,000, 11,000, 12,100, 13,310; GPs per 1,000 from 0.6 to the target by 2019 in equal
    # steps, then held: target 0.8 -> 0.6, 0.7, 0.8, 0.8 -> demand 6, 7.7, 9.68, 10.648;
    # target 0.9 (the second run's draw) -> 0.6, 0.75, 0.9, 0.9 -> 6, 8.25, 10.89, 11.979
    demand = {
        "rule": "per_1000_target",
        "per_1000": 0.6,
        "target_per_1000": {"kind": "uniform", "low": 0.75, "high": 0.95},
        "target_year": 2019,
        "driver": "projection",
        "projection": [{"year": 2017, "people": 200.0}, {"year": 2020, "people": 266.2}],
        "patients": [{"org": "O", "registered": 10_000.0}],
    }
    cfg = config(3, {"O": 5.0}, demand=demand)
    values = {"cohort.demand.target_per_1000": [0.8, 0.9]}
    full, streamed = both_paths(cfg, values=values, patients=PATIENTS)
    expected = [[6.0, 7.7, 9.68, 10.648], [6.0, 8.25, 10.89, 11.979]]
    np.testing.assert_allclose(full.demand[:, :, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(streamed.group_paths["demand"][:, :, -1], expected, rtol=1e-12)
    lists = [10_000, 11_000, 12_100, 13_310]
    np.testing.assert_allclose(full.registered[:, :, 0], [lists, lists], rtol=1e-12)


def test_population_driver_with_uncertain_weights_and_growth() -> None:
    # projection by weight row at steps 0, 1, 2 (children, over-65s): [100, 110, 120], [50, 60, 80]
    # run 0: weights 1, 1 -> W = 150, 170, 200: lists 1, 1.1333, 1.3333 x 10,000
    # run 1: weights 1, 2, growth scale 0.5 -> W = 200, 230, 280: 1 + 0.5 x (1.15 - 1) = 1.075,
    #        1 + 0.5 x 0.4 = 1.2
    demand = {
        "rule": "per_1000_target",
        "per_1000": 1.0,
        "driver": "population",
        "population": {
            "file": "unused.csv",
            "area_codes": ["E1"],
            "base_year": 2017,
            "weights": [
                {"from_age": 0, "to_age": 64, "weight": 1.0},
                {"from_age": 65, "to_age": 100, "weight": {"kind": "uniform", "low": 1, "high": 3}},
            ],
            "growth_scale": {"kind": "uniform", "low": 0, "high": 1},
        },
        "patients": [{"org": "O", "registered": 10_000.0}],
    }
    cfg = config(2, {"O": 5.0}, demand=demand)
    parts = np.array([[100.0, 110.0, 120.0], [50.0, 60.0, 80.0]])
    spec = CohortSpec(cfg, CohortData(stock_frame(cfg), PATIENTS, parts, ()))
    values = {
        "cohort.demand.population.weights[1].weight": np.array([1.0, 2.0]),
        "cohort.demand.population.growth_scale": np.array([1.0, 0.5]),
    }
    expected = 10_000.0 * np.array([[1.0, 170 / 150, 200 / 150], [1.0, 1.075, 1.2]])
    full = COHORT.run(spec, RunRequest(values=values)).detail
    streamed = COHORT.run(spec, RunRequest(values=values, options=SummaryOptions())).detail
    np.testing.assert_allclose(full.registered[:, :, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(streamed.group_paths["registered"][:, :, -1], expected, rtol=1e-12)
