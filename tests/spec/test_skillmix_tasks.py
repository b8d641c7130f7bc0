"""Task arithmetic of the skill-mix model, worked by hand, and the LLR flat ratio as its special case.

LLR GP Workforce Plan 2017, Table 11 and Table 14: "1 Pharmacist per 30,000 patients (n=35) and 50
additional ANPs", "85 with a ratio of 3:1", 28 WTE GPs (85 / 3 = 28.3, printed truncated).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gpworkforce.domain.taxonomy import SkillLevel as L
from gpworkforce.skillmix.mix import (
    gp_equivalent_wte,
    need_hours_lowest,
    skill_mix_view,
    supply_hours,
    task_capacity,
    task_demand,
)
from skillmix_support import catalogue, one_task

TWO_TASKS = {
    "consult": {
        "name": "Consultation",
        "per_1000": 3000,
        "minutes": {"Autonomous": 10, "Enhanced": 15},
        "supervision": {"Enhanced": 2},
    },
    "bloods": {
        "name": "Bloods",
        "per_1000": 600,
        "minutes": {"Core": 10, "Foundation": 12},
        "supervision": {"Foundation": 1},
        "supervised_by": "Core",
    },
}


def test_demand_in_tasks_and_growth() -> None:
    cat = catalogue(TWO_TASKS)
    # 2,000 patients: 3,000 x 2 = 6,000 consultations, 600 x 2 = 1,200 bloods a year.
    assert task_demand(cat, 2000) == {"consult": 6000.0, "bloods": 1200.0}
    # 2% a year for 5 years: 6,000 x 1.02^5 = 6,624.48 (1.02^5 = 1.1040808); 1,200 x 1.02^5 = 1,324.90.
    grown = task_demand(cat, 2000, growth=1.02, years=5)
    assert grown["consult"] == pytest.approx(6624.4848, abs=1e-3)
    assert grown["bloods"] == pytest.approx(1324.8970, abs=1e-3)


def test_optimum_hours_put_each_task_at_the_lowest_able_level_plus_supervision() -> None:
    cat = catalogue(TWO_TASKS)
    need = need_hours_lowest(cat, {"consult": 6000, "bloods": 1200})
    # consult at Enhanced: 6,000 x 15 / 60 = 1,500 h; supervision 6,000 x 2 / 60 = 200 h Autonomous.
    # bloods at Foundation: 1,200 x 12 / 60 = 240 h; supervision 1,200 x 1 / 60 = 20 h Core.
    assert need == {L.AUTONOMOUS: 200.0, L.ENHANCED: 1500.0, L.CORE: 20.0, L.FOUNDATION: 240.0}


def test_current_supply_and_the_three_bars() -> None:
    cat = catalogue(TWO_TASKS, roles={"ADMIN_RECEPTION": {"productive_hours": 800}})
    wte = {"GP_SALARIED": 2.0, "NURSE_PRACTICE": 1.0, "ADMIN_RECEPTION": 0.5}
    # 2 x 1,600 Autonomous; 1 x 1,600 Core; 0.5 x 800 Foundation.
    assert supply_hours(cat, wte) == {
        L.AUTONOMOUS: 3200.0,
        L.ENHANCED: 0.0,
        L.CORE: 1600.0,
        L.FOUNDATION: 400.0,
    }
    view = skill_mix_view(cat, wte, 2000, years=5, growth=1.02)
    assert view.wte_equivalent(view.supply)[L.AUTONOMOUS] == 2.0
    assert view.wte_equivalent(view.optimum) == {
        L.AUTONOMOUS: 0.125,  # 200 / 1,600
        L.ENHANCED: 0.9375,  # 1,500 / 1,600
        L.CORE: 0.0125,  # 20 / 1,600
        L.FOUNDATION: 0.15,  # 240 / 1,600
    }
    assert view.wte_equivalent(view.future)[L.ENHANCED] == pytest.approx(0.9375 * 1.02**5)


def test_task_capacity_nets_supervision_off_the_supervisor() -> None:
    cat = one_task(10, 30, supervision=2)
    hours = {L.AUTONOMOUS: 100.0, L.ENHANCED: 90.0}
    # Enhanced: 90 h x 60 / 30 = 180 tasks, costing 180 x 2 = 360 GP minutes.
    # Autonomous: (6,000 - 360) / 10 = 564 tasks. Total 744.
    assert task_capacity(cat, hours, "consult") == pytest.approx(744.0)


def test_llr_flat_three_to_one_ratio_is_the_one_task_special_case() -> None:
    cat = one_task(10, 30)  # substitutes take three times a GP's time: the 3:1 ratio
    wte = {"GP_SALARIED": 541.0, "DPC_PHARMACIST": 35.0, "NURSE_ANP": 50.0}
    gp_eq = gp_equivalent_wte(cat, supply_hours(cat, wte), "consult", gp_hours=1600)
    assert gp_eq == pytest.approx(541 + 85 / 3)
    assert math.trunc(gp_eq - 541) == 28  # Table 14's "85 with a ratio of 3:1 -> 28"


def test_flat_ratio_net_of_supervision_is_the_special_case_with_supervision() -> None:
    # 2 GP minutes per substitute task of 30 minutes: each substitute WTE costs 2/30 GP WTE,
    # so 85 substitutes are worth 85 x (1/3 - 1/15) = 22.67 GP WTE.
    cat = one_task(10, 30, supervision=2)
    wte = {"GP_SALARIED": 541.0, "NURSE_ANP": 85.0}
    gp_eq = gp_equivalent_wte(cat, supply_hours(cat, wte), "consult", gp_hours=1600)
    assert gp_eq == pytest.approx(541 + 85 * 4 / 15)


def test_skill_mix_table_and_chart_show_the_three_bars() -> None:
    from gpworkforce.skillmix.report import mix_chart, mix_table

    cat = catalogue(TWO_TASKS, roles={"ADMIN_RECEPTION": {"productive_hours": 800}})
    wte = {"GP_SALARIED": 2.0, "NURSE_PRACTICE": 1.0, "ADMIN_RECEPTION": 0.5}
    view = skill_mix_view(cat, wte, 2000, years=5, growth=1.0)
    frame = mix_table(view).frame.set_index("Skill level")
    assert frame.loc["Foundation", "WTE employed"] == 0.5
    assert frame.loc["Foundation", "Current (task WTE)"] == 0.25  # 400 h / 1,600
    assert frame.loc["Enhanced", "Optimum minus current"] == 0.9375
    assert frame.loc["Total", "Optimum (task WTE)"] == pytest.approx(1.225)  # 1,960 h / 1,600
    assert frame.loc["Total", "After 5 years (task WTE)"] == pytest.approx(1.225)  # no growth
    chart = mix_chart(view)
    data = next(iter(chart.spec["datasets"].values()))
    drawn = {(r["bar"], r["series"]): r["value"] for r in data}
    assert drawn[("Current staff", "Autonomous")] == 2.0
    assert drawn[("Optimum for today's demand", "Enhanced")] == 0.9375


def test_levels_with_a_role_not_available_have_no_current_figure() -> None:
    from gpworkforce.skillmix.report import mix_chart, mix_table

    cat = catalogue(TWO_TASKS)
    view = skill_mix_view(cat, {"GP_SALARIED": 2.0}, 2000, unavailable=("NURSE_PRACTICE",))
    frame = mix_table(view).frame.set_index("Skill level")
    assert pd.isna(frame.loc["Core", "Current (task WTE)"])
    assert pd.isna(frame.loc["Total", "WTE employed"])  # never a partial sum
    assert frame.loc["Autonomous", "Current (task WTE)"] == 2.0
    assert frame.loc["Core", "Optimum (task WTE)"] == 0.0125
    data = next(iter(mix_chart(view).spec["datasets"].values()))
    assert ("Current staff", "Core") not in {(r["bar"], r["series"]) for r in data}
