"""Population-driven demand: consultation weights by age and sex, interpolation between years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.forecast.cohort_config import AgeWeight
from gpworkforce.forecast.demand import population_index, weighted_population


def pop() -> pd.DataFrame:
    rows = []
    for year, scale in ((2018, 1.0), (2019, 1.1), (2020, 1.3)):
        rows += [
            ("E1", year, 10, "f", 100 * scale),
            ("E1", year, 10, "m", 100 * scale),
            ("E1", year, 80, "f", 50 * scale * scale),
            ("E1", year, 80, "m", 40),
            ("E2", year, 80, "f", 1000),
        ]
    return pd.DataFrame(rows, columns=["area_code", "year", "age", "sex", "population"])


def test_weights_by_age_and_sex() -> None:
    weights = [
        AgeWeight(from_age=0, to_age=64, weight=1.0),
        AgeWeight(from_age=65, to_age=100, sex="F", weight=3.0),
    ]
    w = weighted_population(pop(), ["E1"], weights)
    # 2018: children 200 x 1 + women over 65 50 x 3 + men over 65 x 0 = 350
    assert w.loc[2018] == pytest.approx(350.0)
    assert w.loc[2019] == pytest.approx(220 + 3 * 60.5)


def test_index_interpolates_between_projection_years() -> None:
    w = pd.Series([100.0, 110.0, 130.0], index=[2018, 2019, 2020])
    idx = population_index(w, 2018, np.array([0.0, 0.5, 1.0, 1.5, 2.0]))
    np.testing.assert_allclose(idx, [1.0, 1.05, 1.1, 1.2, 1.3])
    with pytest.raises(ValidationFailed, match="within the projection's years 2018-2020"):
        population_index(w, 2018, np.array([0.0, 3.0]))


def test_unknown_area_or_sex_is_a_user_error() -> None:
    with pytest.raises(ValidationFailed, match="match rows of the file"):
        weighted_population(pop(), ["E9"], [AgeWeight(from_age=0, to_age=100, weight=1.0)])
    bad = pop().assign(sex="x")
    with pytest.raises(ValidationFailed, match="be female/male/persons"):
        weighted_population(bad, ["E1"], [AgeWeight(from_age=0, to_age=100, weight=1.0)])


def test_demand_index_by_driver():
    from gpworkforce.forecast.demand import demand_index

    steps = np.array([0, 6, 12])
    # population driver: the projection's index at each step, the same for every draw
    pop = demand_index(
        "population", steps, 12, 2, [1.0, 9, 9, 9, 9, 9, 1.1, 9, 9, 9, 9, 9, 1.2], None
    )
    assert pop.tolist() == [[1.0, 1.1, 1.2], [1.0, 1.1, 1.2]]
    # list growth: (1 + g) ** years per draw; g = 0.21 gives 1.1 at half a year, 1.21 at a year
    grow = demand_index("list", steps, 12, 2, None, np.array([0.0, 0.21]))
    assert np.allclose(grow, [[1.0, 1.0, 1.0], [1.0, 1.1, 1.21]])
    with pytest.raises(ValueError, match="population_index"):
        demand_index("population", steps, 12, 1, None, None)
