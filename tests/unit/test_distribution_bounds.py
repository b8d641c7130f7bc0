"""The plausible range a scenario's checks read from a normal-shaped distribution: its mean
plus or minus 3 standard deviations, for a normal given by mean and sd and for an 80% interval
read as a normal (sd = (P90 - P10) / (2 z90)). Expected values worked by hand, z90 from the
standard library's normal distribution."""

from __future__ import annotations

from statistics import NormalDist

import pytest

from gpworkforce.forecast.distributions import Interval80, Normal

Z90 = NormalDist().inv_cdf(0.9)


@pytest.mark.parametrize(
    ("dist", "central", "low", "high"),
    [
        pytest.param(Normal(kind="normal", mean=5.0, sd=1.0), 5.0, 2.0, 8.0, id="normal"),
        pytest.param(
            Interval80(kind="interval80", p10=1.0, p90=3.0),
            2.0,
            2.0 - 3 * (1.0 / Z90),
            2.0 + 3 * (1.0 / Z90),
            id="interval80",
        ),
    ],
)
def test_central_value_and_three_standard_deviations_each_side(
    dist: Normal | Interval80, central: float, low: float, high: float
) -> None:
    assert dist.central == pytest.approx(central)
    assert dist.lower_bound == pytest.approx(low)
    assert dist.upper_bound == pytest.approx(high)
