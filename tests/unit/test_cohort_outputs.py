"""What ``forecast/cohort.py`` derives from the engine's stocks, on one- or two-practice
configurations small enough to work out by hand: which classes count as GP supply, the demand
rules on registered and weighted patients, draws of the demand and cost parameters, the sum over
organisations, missing patients, recorded dates and the list of outputs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.forecast.cohort import run_cohort, step_dates
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.engine import EngineOptions

GP = {"code": "GP", "role": "GP_QUALIFIED"}


def config(rows: list[dict[str, object]], classes: list[dict[str, object]] | None = None, **kw):  # type: ignore[no-untyped-def]
    base = {
        "start": "2017-09-30",
        "years": 1,
        "step": "year",
        "bands": [{"label": "all"}],
        "classes": classes or [GP],
        "initial": {"rows": rows},
    }
    return CohortConfig.model_validate(base | kw)


def stock(org: str, cls: str, headcount: float, fte: float) -> dict[str, object]:
    return {"org": org, "class": cls, "band": "all", "headcount": headcount, "fte": fte}


def frame(cfg: CohortConfig) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump(by_alias=True) for r in cfg.initial.rows])


def demand(rule: str, per_1000: float | None = 0.5, **kw: object) -> dict[str, object]:
    return {"rule": rule, "per_1000": per_1000, "list_growth_rate": 0.0, **kw}


def test_registrars_and_non_gps_are_not_gp_supply() -> None:
    # 10 GPs (8 WTE); 4 registrars (4 WTE) at GP equivalent 0; 6 pharmacists (6 WTE) at 0.5
    cfg = config(
        [stock("A", "GP", 10, 8), stock("A", "REG", 4, 4), stock("A", "PH", 6, 6)],
        classes=[
            GP,
            {"code": "REG", "role": "GP_REGISTRAR_ST3_4", "gp_equivalent": 0},
            {"code": "PH", "role": "DPC_PHARMACIST", "gp_equivalent": 0.5},
        ],
    )
    fc = run_cohort(cfg, frame(cfg))
    assert fc.draws == 1
    assert fc.supply_hc[0, 0, 0] == pytest.approx(10.0)  # registrars and pharmacists: no
    assert fc.supply_fte[0, 0, 0] == pytest.approx(8.0)
    assert fc.supply_gp_equiv[0, 0, 0] == pytest.approx(8.0 + 6 * 0.5)
    # no demand configured: only the supply outputs exist
    assert list(fc.measures()) == ["supply_hc", "supply_fte", "supply_gp_equiv"]
    assert fc.registered is None and fc.gap is None and fc.cost_locum is None


def test_demand_on_weighted_patients() -> None:
    cfg = config([stock("A", "GP", 10, 8)], demand=demand("per_1000_weighted"))
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0, "weighted": 24000.0}])
    fc = run_cohort(cfg, frame(cfg), patients=patients)
    assert fc.demand is not None and fc.per_1000 is not None
    np.testing.assert_allclose(fc.demand[0, :, 0], [12.0, 12.0])  # 0.5 x 24,000 / 1,000
    # supply per 1,000 stays on registered patients: 8 / 20,000 x 1,000
    np.testing.assert_allclose(fc.per_1000[0, :, 0], [0.4, 0.4])
    assert list(fc.measures()) == [
        "supply_hc",
        "supply_fte",
        "supply_gp_equiv",
        "registered",
        "demand",
        "gap",
        "per_1000",
        "cost_salaried",
        "cost_locum",
    ]


def test_draws_of_the_demand_and_cost_parameters() -> None:
    cfg = config([stock("A", "GP", 10, 8)], demand=demand("per_1000_target"))
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0, "weighted": None}])
    values = {
        "cohort.demand.per_1000": np.array([0.5, 0.6]),  # demand 10 and 12 WTE
        "costs.salaried_gp_cost": np.array([100_000.0, 100_000.0]),
        "costs.locum_premium": np.array([0.5, 0.25]),
    }
    fc = run_cohort(cfg, frame(cfg), patients=patients, values=values)
    assert fc.draws == 2
    assert fc.gap is not None and fc.cost_salaried is not None and fc.cost_locum is not None
    np.testing.assert_allclose(fc.gap[:, 0, 0], [2.0, 4.0])  # 10 - 8, 12 - 8
    np.testing.assert_allclose(fc.cost_salaried[:, 0, 0], [200_000.0, 400_000.0])
    np.testing.assert_allclose(fc.cost_locum[:, 0, 0], [300_000.0, 500_000.0])  # x 1.5, x 1.25


def test_list_growth_drawn_per_draw() -> None:
    cfg = config([stock("A", "GP", 10, 8)], years=2, demand=demand("per_1000_target"))
    patients = pd.DataFrame([{"org": "A", "registered": 10000.0, "weighted": None}])
    values = {"cohort.demand.list_growth_rate": np.array([0.0, 0.1])}
    fc = run_cohort(cfg, frame(cfg), patients=patients, values=values)
    assert fc.registered is not None
    np.testing.assert_allclose(fc.registered[0, :, 0], [10000.0, 10000.0, 10000.0])
    np.testing.assert_allclose(fc.registered[1, :, 0], [10000.0, 11000.0, 12100.0])


def test_population_driver_takes_the_given_index() -> None:
    cfg = config(
        [stock("A", "GP", 10, 8)],
        years=2,
        demand=demand(
            "per_1000_target",
            driver="population",
            population={  # not read here: the index is given
                "file": "unused.csv",
                "area_codes": ["E06000016"],
                "base_year": 2017,
                "weights": [{"from_age": 0, "to_age": 100, "weight": 1.0}],
            },
        ),
    )
    patients = pd.DataFrame([{"org": "A", "registered": 10000.0, "weighted": None}])
    fc = run_cohort(cfg, frame(cfg), patients=patients, population_index=np.array([1.0, 1.2, 1.5]))
    assert fc.demand is not None
    np.testing.assert_allclose(fc.demand[0, :, 0], [5.0, 6.0, 7.5])  # 0.5 x 10,000 x index


def test_the_sum_over_organisations_sums_patients_too() -> None:
    cfg = config(
        [stock("A", "GP", 10, 8), stock("B", "GP", 5, 4)], demand=demand("per_1000_target")
    )
    patients = pd.DataFrame(
        [
            {"org": "A", "registered": 20000.0, "weighted": 21000.0},
            {"org": "B", "registered": 10000.0, "weighted": 9000.0},
        ]
    )
    fc = run_cohort(cfg, frame(cfg), patients=patients, options=EngineOptions(sum_orgs=True))
    assert fc.orgs == ("ALL",)
    assert fc.registered is not None and fc.gap is not None
    np.testing.assert_allclose(fc.registered[0, :, 0], [30000.0, 30000.0])
    np.testing.assert_allclose(fc.gap[0, 0, 0], 0.5 * 30 - 12.0)  # 15 needed, 8 + 4 there
    weighted = config(
        [stock("A", "GP", 10, 8), stock("B", "GP", 5, 4)], demand=demand("per_1000_weighted")
    )
    fc = run_cohort(
        weighted, frame(weighted), patients=patients, options=EngineOptions(sum_orgs=True)
    )
    assert fc.demand is not None
    np.testing.assert_allclose(fc.demand[0, 0, 0], 0.5 * 30)  # weighted 21,000 + 9,000


def test_every_organisation_needs_patients() -> None:
    cfg = config(
        [stock("A", "GP", 10, 8), stock("B", "GP", 5, 4)], demand=demand("per_1000_target")
    )
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0, "weighted": None}])
    with pytest.raises(ValidationFailed) as failed:
        run_cohort(cfg, frame(cfg), patients=patients)
    assert failed.value.summary == "demand cannot be computed"
    [issue] = failed.value.issues
    assert issue.location.field == "cohort.demand.patients"
    assert (issue.expected, issue.found) == (
        "give patients for every organisation with stocks",
        "none for ['B']",
    )


def test_step_dates_from_a_day_that_is_not_a_month_end() -> None:
    # yearly and quarterly steps; a start mid-month keeps its day of the month
    assert step_dates(dt.date(2017, 8, 15), np.array([0, 1, 2]), 1) == (
        dt.date(2017, 8, 15),
        dt.date(2018, 8, 15),
        dt.date(2019, 8, 15),
    )
    assert step_dates(dt.date(2017, 8, 15), np.array([1, 2]), 4) == (
        dt.date(2017, 11, 15),
        dt.date(2018, 2, 15),
    )
    assert step_dates(dt.date(2017, 9, 30), np.array([1, 2]), 4) == (
        dt.date(2017, 12, 31),
        dt.date(2018, 3, 31),
    )


def test_draws_are_batched_by_the_memory_they_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    from gpworkforce.forecast import cohort
    from gpworkforce.forecast.build import compile_inputs

    # 2 organisations x 1 class x 1 band = 2 cells; 2 yearly steps, 3 recorded (0, 1, 2).
    # A draw keeps headcount and FTE (2 x 8 bytes) per cell and recorded step: 16 x 2 x 3 = 96
    # bytes; summed over organisations 48; with every flow (13 a step) 16 x 2 x (3 + 26) = 928.
    cfg = config([stock("A", "GP", 10, 8), stock("B", "GP", 5, 4)], years=2)
    inputs = compile_inputs(cfg, frame(cfg))

    def sizes(limit: int, options: EngineOptions | None) -> list[int]:
        monkeypatch.setattr(cohort, "MAX_BATCH_BYTES", limit)
        return [s.stop - s.start for s in cohort._batches(25, inputs, options)]

    assert sizes(960, None) == [10, 10, 5]  # 960 // 96 = 10 draws a batch
    assert sizes(960, EngineOptions(sum_orgs=True)) == [20, 5]  # 960 // 48
    assert sizes(1900, EngineOptions(record_flows=True)) == [2] * 12 + [1]  # 1900 // 928
    assert sizes(10, None) == [1] * 25  # never fewer than one draw a batch


def test_patients_without_a_weighted_column_and_many_missing() -> None:
    cfg = config([stock("A", "GP", 10, 8)], demand=demand("per_1000_target"))
    fc = run_cohort(cfg, frame(cfg), patients=pd.DataFrame([{"org": "A", "registered": 20000.0}]))
    assert fc.demand is not None
    np.testing.assert_allclose(fc.demand[0, :, 0], [10.0, 10.0])  # 0.5 x 20,000 / 1,000
    orgs = [f"P{i:02d}" for i in range(12)]
    many = config([stock(o, "GP", 1, 1) for o in orgs], demand=demand("per_1000_target"))
    with pytest.raises(ValidationFailed) as failed:
        run_cohort(many, frame(many), patients=pd.DataFrame([{"org": "P00", "registered": 1000.0}]))
    # 11 organisations have none: the message names the first 10
    assert failed.value.issues[0].found == f"none for {orgs[1:11]}"


def test_demand_needs_both_its_rule_and_patients() -> None:
    with_rule = config([stock("A", "GP", 10, 8)], demand=demand("per_1000_target"))
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0}])
    no_patients = run_cohort(with_rule, frame(with_rule))  # a rule but no patients given
    no_rule = config([stock("A", "GP", 10, 8)])
    no_demand = run_cohort(no_rule, frame(no_rule), patients=patients)  # patients, no rule
    for fc in (no_patients, no_demand):
        assert fc.demand is None and fc.registered is None and fc.gap is None
        assert fc.supply_fte[0, 0, 0] == pytest.approx(8.0)
    # summed over organisations without weighted patients: registered only
    two = config(
        [stock("A", "GP", 10, 8), stock("B", "GP", 5, 4)], demand=demand("per_1000_target")
    )
    both = pd.DataFrame([{"org": "A", "registered": 20000.0}, {"org": "B", "registered": 10000.0}])
    fc = run_cohort(two, frame(two), patients=both, options=EngineOptions(sum_orgs=True))
    assert fc.demand is not None
    np.testing.assert_allclose(fc.demand[0, :, 0], [15.0, 15.0])  # 0.5 x 30,000 / 1,000


def test_base_ratio_demand_keeps_the_starting_ratio_and_the_engine_result_is_kept() -> None:
    # half the GPs leave in the year (8 -> 4 WTE); the list grows 10%: demand keeps the START's
    # patients per GP, 8 WTE for 20,000, so 8 then 8.8 whatever the supply does
    cfg = config(
        [stock("A", "GP", 10, 8)],
        leaving=[{"kind": "early", "annual_rate": 0.5}],
        demand=demand("base_ratio", per_1000=None, list_growth_rate=0.1),
    )
    patients = pd.DataFrame([{"org": "A", "registered": 20000.0}])
    fc = run_cohort(cfg, frame(cfg), patients=patients)
    assert fc.demand is not None
    np.testing.assert_allclose(fc.supply_fte[0, :, 0], [8.0, 4.0])
    np.testing.assert_allclose(fc.demand[0, :, 0], [8.0, 8.8])
    # the engine's own stocks come with the forecast: 10 heads at the start
    assert fc.engine.headcount[0, 0].sum() == pytest.approx(10.0)
