"""SPC properties: the chart does not depend on the units or the origin of the measure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.plans.spc import Direction, PointType, xmr

values = st.lists(st.integers(min_value=-1000, max_value=1000).map(float), min_size=3, max_size=40)
FLIP = {
    PointType.IMPROVEMENT: PointType.CONCERN,
    PointType.CONCERN: PointType.IMPROVEMENT,
    PointType.COMMON_CAUSE: PointType.COMMON_CAUSE,
    PointType.NEITHER: PointType.NEITHER,
}


def labels(n: int) -> list[str]:
    return [f"P{i}" for i in range(n)]


@given(values, st.integers(min_value=1, max_value=7), st.integers(min_value=-500, max_value=500))
def test_rules_are_unchanged_by_positive_scaling_and_shifting(xs, scale, shift):
    base = xmr(labels(len(xs)), xs, direction=Direction.INCREASE)
    moved = xmr(labels(len(xs)), [scale * x + shift for x in xs], direction=Direction.INCREASE)
    assert [p.rules for p in moved.points] == [p.rules for p in base.points]
    assert [p.point_type for p in moved.points] == [p.point_type for p in base.points]
    seg, mseg = base.segments[0], moved.segments[0]
    assert mseg.mean == pytest.approx(scale * seg.mean + shift, abs=1e-6)
    assert mseg.upper_limit - mseg.lower_limit == pytest.approx(
        scale * (seg.upper_limit - seg.lower_limit), abs=1e-6
    )


@given(values)
def test_mirroring_the_series_and_the_direction_keeps_every_signal(xs):
    up = xmr(labels(len(xs)), xs, direction=Direction.INCREASE)
    down = xmr(labels(len(xs)), [-x for x in xs], direction=Direction.DECREASE)
    assert [p.rules for p in down.points] == [p.rules for p in up.points]
    assert [p.point_type for p in down.points] == [p.point_type for p in up.points]
    flipped = xmr(labels(len(xs)), [-x for x in xs], direction=Direction.INCREASE)
    assert [p.point_type for p in flipped.points] == [FLIP[p.point_type] for p in up.points]


@given(values)
def test_limits_are_symmetric_and_every_point_outside_is_flagged(xs):
    r = xmr(labels(len(xs)), xs)
    seg = r.segments[0]
    assert seg.upper_limit - seg.mean == pytest.approx(seg.mean - seg.lower_limit, abs=1e-9)
    for p in r.points:
        outside = p.value > seg.upper_limit or p.value < seg.lower_limit
        assert ("outside_limits" in p.rules) == outside
