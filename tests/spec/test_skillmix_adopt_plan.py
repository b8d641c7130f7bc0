"""A multi-year plan adopted as a cohort scenario (``skillmix/adopt_plan.py``, decision 0131):
running the scenario through the forecast (``run_scenario``, as ``gpworkforce forecast`` does)
rebuilds the plan's WTE in post by role, year by year, from the flows alone (recruits, leaving net
of retention, training moves). The oracle is the cohort engine's own arithmetic on those flows, not
the optimiser's stocks: the scenario carries no stock after the start."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.forecast.runner import run_scenario
from gpworkforce.skillmix.adopt_plan import cohort_scenario
from gpworkforce.skillmix.multiyear import solve
from gpworkforce.skillmix.plan_problem import PlanProblem
from skillmix_support import LETTERS, RETAIN, consult_and_clinic, plan_problem, practices

TAX = load_taxonomy()
CAT = consult_and_clinic(per_1000=2500)
PRACTICES = practices(
    [4000.0, 9000.0],
    {
        "GP_SALARIED": [2.0, 3.5],
        "NURSE_ANP": [0.5, 0.5],
        "NURSE_PRACTICE": [3.0, 4.0],
        "ADMIN_RECEPTION": [2.0, 3.0],  # no lever: kept as it is
    },
)
TOLERANCE = 1e-6  # WTE: the rates are written to 9 decimals


def _problem(**more: Any) -> PlanProblem:
    return plan_problem(
        "adopt",
        5,
        gp={"recruit_a_year": 0.6, **RETAIN},
        anp={"cost": 60_000, "attrition": 0.12, "recruit_a_year": 0.3},
        delay_years=2,
        **{
            "growth": 1.04,
            "min_gp_per_1000": 0.4,
            "patient_growth": 1.0,
            "training_places": 1.5,
            "release": LETTERS,
            **more,
        },
    )


def test_running_the_adopted_scenario_rebuilds_the_plans_wte_by_role_and_year(
    tmp_path: Path,
) -> None:
    problem = _problem()
    solution = solve(problem, PRACTICES, CAT, TAX)
    # every lever the adoption carries is used, so the check is not of an empty plan
    assert solution.recruits["GP_SALARIED"].sum() > 0.1
    assert solution.recruits["NURSE_PRACTICE"].sum() > 0.1
    assert solution.retained["GP_SALARIED"].sum() > 0.1
    assert solution.starts["nurse_to_anp"].sum() > 0.1
    scenario = cohort_scenario(solution, problem, CAT, TAX, org="ICS", start=dt.date(2017, 9, 30))
    cohort = scenario.cohort
    assert cohort is not None
    # the scenario carries flows, not the plan's stocks: only the start's WTE
    assert {r.class_code: r.fte for r in cohort.initial.rows} == pytest.approx(
        {k: float(v.sum()) for k, v in PRACTICES.staff.items()}
    )
    path = tmp_path / "adopted.toml"
    data = scenario.model_dump(mode="python", exclude={"extends"}, by_alias=True)
    path.write_text(tomli_w.dumps(_strip_none(data)), encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["method"] == "cohort"
    run = run_scenario(path)
    assert run.cohort is not None
    engine = run.cohort.engine
    assert list(engine.steps) == [0, 1, 2, 3, 4, 5]
    fte = engine.fte[0, :, 0, :, :].sum(axis=2)  # (steps, classes)
    for k in solution.roles:
        plan = solution.stock[k].sum(axis=0)
        ran = fte[1:, engine.classes.index(k)]
        assert ran == pytest.approx(plan, abs=TOLERANCE), k
    staff_only = fte[1:, engine.classes.index("ADMIN_RECEPTION")]
    assert staff_only == pytest.approx(np.full(5, 5.0), abs=TOLERANCE)
    # GP supply (partners, salaried, locums, retainers count 1; others 0) is the plan's GP WTE
    gp = solution.stock["GP_SALARIED"].sum(axis=0)
    assert run.cohort.supply_fte[0, 1:, 0] == pytest.approx(gp, abs=TOLERANCE)
    assert "GP WTE covered" in scenario.description or not solution.releases["letters"].any()


def test_without_retention_the_leaving_rate_is_the_roles_attrition() -> None:
    problem = _problem()
    solution = solve(problem, PRACTICES, CAT, TAX)
    cohort = cohort_scenario(
        solution, problem, CAT, TAX, org="ICS", start=dt.date(2017, 9, 30)
    ).cohort
    assert cohort is not None
    nurse = [r for r in cohort.leaving if r.classes == ["NURSE_PRACTICE"]]
    assert (
        len(nurse) == 1 and nurse[0].annual_rate == pytest.approx(0.05) and nurse[0].years is None
    )
    gp = {
        r.years[0]: r.annual_rate
        for r in cohort.leaving
        if r.classes == ["GP_SALARIED"] and r.years
    }
    kept = solution.retained["GP_SALARIED"].sum(axis=0)
    before = np.concatenate([[5.5], solution.stock["GP_SALARIED"].sum(axis=0)[:-1]])
    # 10% leave, less those kept: e.g. year 1, 0.1 - kept / 5.5
    for y in range(5):
        assert gp.get(y + 1, 0.0) == pytest.approx(0.1 - kept[y] / before[y], abs=1e-9)


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_strip_none(v) for v in value]
    return value
