"""Rates that vary by year: rules with ``years``, turned into engine parameter changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast.build import build_assumptions, compile_inputs
from gpworkforce.forecast.cohort_config import CohortConfig, cohort_issues
from gpworkforce.forecast.engine import run

ROLES = {"GP_QUALIFIED", "GP_SALARIED", "GP_PARTNER"}


def config(step: str = "year", **kw: object) -> CohortConfig:
    base = {
        "start": "2017-09-30",
        "years": 3,
        "step": step,
        "bands": [{"label": "all"}],
        "classes": [
            {"code": "SAL", "role": "GP_SALARIED"},
            {"code": "PAR", "role": "GP_PARTNER"},
        ],
        "initial": {"rows": []},
        "leaving": [
            {"kind": "other", "annual_rate": 0.1, "years": [1]},
            {"kind": "other", "annual_rate": 0.2, "years": [2, 3]},
        ],
    }
    return CohortConfig.model_validate(base | kw)


STOCKS = pd.DataFrame(
    [
        {"org": "A", "class": "SAL", "band": "all", "headcount": 10.0, "fte": 8.0},
        {"org": "A", "class": "PAR", "band": "all", "headcount": 5.0, "fte": 5.0},
    ]
)


def test_leaving_by_year_by_hand() -> None:
    cfg = config(participation=[{"classes": ["SAL"], "annual_change": -0.05, "years": [3]}])
    a = build_assumptions(cfg)
    assert [step for step, _ in a.engine.changes] == [1, 2]  # year 2 and year 3 differ
    res = run(compile_inputs(cfg, STOCKS), a.engine)
    sal = res.headcount[0, :, 0, 0, 0]
    np.testing.assert_allclose(sal, [10.0, 9.0, 7.2, 5.76], rtol=1e-12)
    np.testing.assert_allclose(res.fte[0, :, 0, 0, 0], [8.0, 7.2, 5.76, 5.76 * 0.8 * 0.95])
    assert build_assumptions(cfg, year=1).engine.changes == ()
    leave_y2 = np.asarray(build_assumptions(cfg, year=2).engine.leave_rate)
    assert leave_y2[0, 0, 0] == pytest.approx(0.2)


def test_monthly_steps_change_at_the_first_step_of_a_year() -> None:
    a = build_assumptions(config("month"))
    assert [step for step, _ in a.engine.changes] == [12]  # years 2 and 3 share their rates
    res = run(compile_inputs(config("month"), STOCKS), a.engine)
    np.testing.assert_allclose(res.headcount[0, [12, 24, 36], 0, 0, 0], [9.0, 7.2, 5.76])


def test_rules_without_years_apply_every_year() -> None:
    cfg = config(leaving=[{"kind": "other", "annual_rate": 0.1}])
    assert build_assumptions(cfg).engine.changes == ()


def test_years_are_checked() -> None:
    bad = config(leaving=[{"kind": "other", "annual_rate": 0.1, "years": [2, 4]}])
    problems = cohort_issues(bad, ROLES)
    assert ("cohort.leaving[0].years", "be forecast years 1..3", "[4]") in problems
    # transitions out of one class are summed only over rules of the same year
    split = config(
        transitions=[
            {"from": "SAL", "to": "PAR", "annual_rate": 0.6, "years": [1]},
            {"from": "SAL", "to": "PAR", "annual_rate": 0.6, "years": [2]},
        ]
    )
    assert not [p for p in cohort_issues(split, ROLES) if p[0] == "cohort.transitions"]
    clash = config(
        transitions=[
            {"from": "SAL", "to": "PAR", "annual_rate": 0.6, "years": [2]},
            {"from": "SAL", "to": "PAR", "annual_rate": 0.6},
        ]
    )
    found = [p for p in cohort_issues(clash, ROLES) if p[0] == "cohort.transitions"]
    assert found == [("cohort.transitions", "sum to at most 1 a year out of SAL in year 2", "1.2")]
