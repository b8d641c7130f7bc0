"""Properties of the demo's apportionment: exact totals and bounds, whatever the weights."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.demo.allocate import bounded_split, largest_remainder
from gpworkforce.demo.synth import feasible_heads

weights = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60)


@settings(max_examples=500, deadline=None)
@given(weights, st.integers(0, 5000), st.integers(0, 3))
def test_largest_remainder_is_exact_and_near_quota(
    w: list[float], extra: int, minimum: int
) -> None:
    total = extra + minimum * len(w)
    parts = largest_remainder(w, total, minimum)
    assert sum(parts) == total
    assert all(p >= minimum for p in parts)
    s = sum(w)
    if s > 0:
        for p, wi in zip(parts, w, strict=True):
            assert abs((p - minimum) - wi / s * extra) < 1 + 1e-6  # within one of the quota


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=50),
    st.integers(0, 20),
    st.integers(0, 40),
    st.floats(0, 1),
)
def test_bounded_split_exact_within_bounds(
    d: list[float], lo: int, span: int, where: float
) -> None:
    hi = lo + span
    n = len(d)
    total = lo * n + round(where * span * n)
    parts = bounded_split(d, total, lo, hi)
    assert sum(parts) == total
    assert all(lo <= p <= hi for p in parts)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 60), st.integers(1, 18), st.integers(0, 20), st.floats(0, 1), st.floats(0, 1))
def test_feasible_heads_leaves_both_pools_feasible(
    heads: int, lo: int, span: int, fill: float, share: float
) -> None:
    hi = lo + span
    units = lo * heads + round(fill * span * heads)
    over = round(share * units)
    try:
        h = feasible_heads(heads, units, over, lo, hi)
    except ValueError:
        return  # some splits are impossible (e.g. 1 head and a partial share); refusal is fine
    under = units - over
    assert 0 <= h <= heads
    assert h * lo <= over <= h * hi
    assert (heads - h) * lo <= under <= (heads - h) * hi
