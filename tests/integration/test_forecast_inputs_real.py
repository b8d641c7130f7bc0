"""Starting stocks from the real GPW practice-year file agree with the shipped LLR cohort scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.inputs import patients_frame, stocks_from_workforce
from gpworkforce.forecast.scenario_io import load_scenario
from gpworkforce.loaders import build_registry, load_practice_year_gp_admin

ROOT = Path(__file__).resolve().parents[2]
SEP_2017 = dt.date(2017, 9, 30)
LLR_CCGS = ("03W", "04C", "04V")


def test_llr_stocks_and_patients_match_the_scenario(shared_data: Path) -> None:
    registry = build_registry(shared_data)
    ccg_of = {
        p: o for p, o in registry.practice_map(SEP_2017, OrgType.SUB_ICB).items() if o in LLR_CCGS
    }
    loaded = load_practice_year_gp_admin(
        shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv"
    )
    built = stocks_from_workforce(
        loaded.workforce,
        node="GP_QUALIFIED",
        period=SEP_2017,
        class_code="GP",
        age_split={"under55": 454 / 541, "55+": 87 / 541},  # LLR plan Table 11: 87 of 541 over 55
        tax=load_taxonomy(),
        org_of=ccg_of,
        practices=ccg_of,
    )
    assert built.dropped == ()
    totals = built.stocks.groupby("org")[["headcount", "fte"]].sum()
    # 631 qualified GPs, 519.6 FTE in LLR's practices at September 2017 (GPW, Year 2018)
    assert totals["headcount"].sum() == pytest.approx(631.0)
    assert totals["fte"].sum() == pytest.approx(519.6)
    scenario = load_scenario(ROOT / "scenarios" / "llr-2017" / "cohort.toml").scenario
    assert scenario.cohort is not None
    shipped = stock_frame(scenario.cohort)
    shipped = shipped[shipped["class"] == "GP"].groupby("org")[["headcount", "fte"]].sum()
    for org in LLR_CCGS:  # the scenario's rows are these figures rounded to 2 dp per band
        assert shipped.loc[org, "headcount"] == pytest.approx(
            totals.loc[org, "headcount"], abs=0.02
        )
        assert shipped.loc[org, "fte"] == pytest.approx(totals.loc[org, "fte"], abs=0.02)
    patients = patients_frame(loaded.patients, period=SEP_2017, org_of=ccg_of).set_index("org")
    assert scenario.cohort.demand is not None
    for row in scenario.cohort.demand.patients:
        assert patients.loc[row.org, "registered"] == row.registered
