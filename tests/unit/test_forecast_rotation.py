"""Trainee completions concentrated in the August rotation (``completion_month``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from gpworkforce.forecast.build import compile_inputs, completion_schedule, steps_in_month
from gpworkforce.forecast.cohort_config import CohortConfig, Inflow

START = dt.date(2017, 9, 30)


def inflow(**kw: object) -> Inflow:
    base = {
        "name": "Newly qualified GPs",
        "kind": "trainees",
        "per_year": [12, 24],
        "destinations": [{"class": "GP", "share": 1.0}],
        "band": "all",
    }
    return Inflow.model_validate(base | kw)


def test_the_step_holding_august() -> None:
    monthly = steps_in_month(START, 12, 36, 8)
    # a start on 30 September: step 0 is October, so August is step 10, then 22 and 34
    assert np.flatnonzero(monthly).tolist() == [10, 22, 34]
    quarterly = steps_in_month(START, 4, 8, 8)
    assert np.flatnonzero(quarterly).tolist() == [3, 7]  # July-September quarters
    assert steps_in_month(START, 1, 3, 8).tolist() == [1.0, 1.0, 1.0]
    assert np.flatnonzero(steps_in_month(dt.date(2018, 1, 31), 12, 12, 8)).tolist() == [6]


def test_completions_all_in_august_keep_each_years_total() -> None:
    even = completion_schedule(inflow(), START, 12, 36)
    august = completion_schedule(inflow(completion_month=8), START, 12, 36)
    np.testing.assert_allclose(even[:12], 1.0)  # 12 a year spread evenly
    np.testing.assert_allclose(even[12:], 2.0)  # then 24 a year (the last value repeats)
    expected = np.zeros(36)
    expected[[10, 22, 34]] = [12.0, 24.0, 24.0]
    np.testing.assert_array_equal(august, expected)
    for year in range(3):
        block = slice(12 * year, 12 * (year + 1))
        assert august[block].sum() == pytest.approx(even[block].sum())


def test_rotation_goes_through_the_joining_profile() -> None:
    cfg = CohortConfig.model_validate(
        {
            "start": "2017-09-30",
            "years": 2,
            "step": "month",
            "bands": [{"label": "all"}],
            "classes": [{"code": "GP", "role": "GP_QUALIFIED"}],
            "initial": {"rows": []},
            "inflows": [
                inflow(
                    completion_month=8,
                    joining_profile=[{"months": 2, "cumulative_share": 1.0}],
                ).model_dump(by_alias=True)
            ],
        }
    )
    stocks = pd.DataFrame([{"org": "A", "class": "GP", "band": "all", "headcount": 1, "fte": 1}])
    schedule = compile_inputs(cfg, stocks).inflows[0].schedule[:, 0]
    # the 12 completing in August (step 10) join over the next two months, half in each
    assert np.flatnonzero(schedule).tolist() == [10, 11, 22, 23]
    np.testing.assert_allclose(schedule[[10, 11, 22, 23]], [6.0, 6.0, 12.0, 12.0])


def test_completion_month_must_be_a_month() -> None:
    with pytest.raises(ValidationError, match="completion_month"):
        inflow(completion_month=13)
