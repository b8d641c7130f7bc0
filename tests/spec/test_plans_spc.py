"""SPC (Making Data Count XmR) against worked examples computed by hand, and against the published
test expectations of a second implementation, NHS-R Community's ``NHSRplotthedots`` R package
(tests/testthat/test-ptd_calculate_point_type.R and test-ptd_calculate_assurance_type.R in
github.com/nhs-r-community/NHSRplotthedots).

The hand examples share one baseline: 10, 12, 10, 12, 10, 12.
  mean = 66 / 6 = 11; moving ranges 2, 2, 2, 2, 2 -> mMR = 2;
  limits = 11 -/+ 2.66 x 2 = 5.68 and 16.32; one sigma = 2.66 / 3 x 2 = 1.77333;
  two sigma = 3.54667 -> 7.45333 and 14.54667.
"""

from __future__ import annotations

import pytest

from gpworkforce.plans.spc import (
    Assurance,
    Direction,
    PointType,
    Recalculation,
    Rule,
    SpcInputError,
    SpcRules,
    assurance,
    shift_flags,
    trend_flags,
    two_of_three_flags,
    xmr,
)

pytestmark = pytest.mark.spec

BASE = [10.0, 12.0, 10.0, 12.0, 10.0, 12.0]


def chart(tail, **kw):
    values = BASE + list(tail)
    labels = [f"P{i:02d}" for i in range(len(values))]
    kw.setdefault("baseline_points", 6)
    return xmr(labels, values, **kw)


def flagged(result, rule):
    return [p.label for p in result.points if rule in p.rules]


def test_limits_from_the_stated_baseline():
    r = chart([20.0, 0.0])  # the two later points do not move the limits
    seg = r.segments[0]
    assert seg.baseline == ("P00", "P01", "P02", "P03", "P04", "P05")
    assert seg.mean == pytest.approx(11.0)
    assert seg.mean_moving_range == pytest.approx(2.0)
    assert (seg.lower_limit, seg.upper_limit) == (pytest.approx(5.68), pytest.approx(16.32))
    assert seg.sigma == pytest.approx(1.773333, abs=1e-6)
    assert r.points[6].moving_range == pytest.approx(8.0)  # |20 - 12|
    assert r.points[0].moving_range is None


def test_all_points_as_baseline_when_none_stated():
    # 1, 2, 3: mean 2, MRs 1, 1 -> mMR 1, limits 2 -/+ 2.66
    r = xmr(["a", "b", "c"], [1.0, 2.0, 3.0])
    assert r.segments[0].lower_limit == pytest.approx(-0.66)
    assert r.segments[0].upper_limit == pytest.approx(4.66)


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ([16.33], ["P06"]),  # just above 16.32
        ([16.32], []),  # on the limit is inside
        ([5.67], ["P06"]),
        ([11.0, 16.0, 5.7], []),
    ],
)
def test_outside_limits(tail, expected):
    assert flagged(chart(tail), Rule.OUTSIDE_LIMITS) == expected


def test_shift_seven_points_by_default_every_point_of_the_run():
    # 10 (below the mean 11) ends the baseline's last run; then 7 points above the mean
    r = chart([10.0] + [11.5] * 7)
    assert flagged(r, Rule.SHIFT) == [f"P{i:02d}" for i in range(7, 14)]
    assert flagged(chart([10.0] + [11.5] * 6), Rule.SHIFT) == []  # six are not enough
    # ... unless the analyst sets six
    six = chart([10.0] + [11.5] * 6, rules=SpcRules(shift_points=6))
    assert flagged(six, Rule.SHIFT) == [f"P{i:02d}" for i in range(7, 13)]


def test_a_point_on_the_mean_ends_a_shift():
    assert flagged(chart([11.5] * 3 + [11.0] + [11.5] * 4), Rule.SHIFT) == []


def test_trend_six_points_by_default():
    # 12 (last baseline point) -> 9 falls; 9, 10, 11.5, 12, 13, 14 rise: six points, five rises.
    # Nothing else fires: 14 < 14.5467 (2 sigma), 9 > 7.4533, only four points above the mean.
    r = chart([9.0, 10.0, 11.5, 12.0, 13.0, 14.0], direction=Direction.INCREASE)
    assert flagged(r, Rule.TREND) == ["P06", "P07", "P08", "P09", "P10", "P11"]
    assert all(p.rules in ((), (Rule.TREND,)) for p in r.points)
    # P06 lies below the mean but belongs to a rising trend: an improvement when higher is better
    assert r.points[6].point_type is PointType.IMPROVEMENT
    assert r.variation is PointType.IMPROVEMENT
    # five rising points are not a trend; seven are needed with NHSRplotthedots' run length
    assert flagged(chart([10.0, 11.5, 12.0, 13.0, 14.0]), Rule.TREND) == []
    seven = chart([9.0, 10.0, 11.5, 12.0, 13.0, 14.0], rules=SpcRules(trend_points=7))
    assert flagged(seven, Rule.TREND) == []


def test_a_repeated_value_ends_a_trend():
    assert flagged(chart([9.0, 10.0, 11.5, 11.5, 12.0, 13.0, 14.0]), Rule.TREND) == []


def test_falling_trend_is_a_concern_when_higher_is_better():
    r = chart([14.0, 13.0, 12.0, 10.5, 10.0, 9.0], direction=Direction.INCREASE)
    assert flagged(r, Rule.TREND) == ["P06", "P07", "P08", "P09", "P10", "P11"]
    assert r.variation is PointType.CONCERN


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ([11.0, 15.0, 11.0, 15.0, 11.0], ["P07", "P09"]),  # two of three beyond 14.5467
        ([15.0, 15.0], ["P06", "P07"]),
        ([15.0, 11.0, 11.0, 15.0], []),  # two beyond, but never within three points
        ([15.0, 11.0, 7.0], []),  # beyond 2 sigma on opposite sides
        ([7.0, 11.0, 7.2], ["P06", "P08"]),  # below 7.4533
        # MDC since Nov 2023: a point beyond 3 sigma counts towards two of three (17 > 16.32)
        ([15.0, 17.0], ["P06", "P07"]),
    ],
)
def test_two_of_three_beyond_two_sigma(tail, expected):
    assert flagged(chart(tail), Rule.TWO_OF_THREE) == expected


def test_point_types_and_variation_icon_follow_the_better_direction():
    up = chart([17.0], direction=Direction.INCREASE)
    down = chart([17.0], direction=Direction.DECREASE)
    neutral = chart([17.0])
    assert up.variation is PointType.IMPROVEMENT
    assert down.variation is PointType.CONCERN
    assert neutral.variation is PointType.NEITHER
    assert chart([17.0, 11.0], direction=Direction.INCREASE).variation is PointType.COMMON_CAUSE


@pytest.mark.parametrize(
    ("target", "direction", "expected"),
    [
        (17.0, Direction.INCREASE, Assurance.CONSISTENT_FAIL),  # above the upper limit 16.32
        (5.0, Direction.INCREASE, Assurance.CONSISTENT_PASS),  # below the lower limit 5.68
        (12.0, Direction.INCREASE, Assurance.HIT_AND_MISS),
        (17.0, Direction.DECREASE, Assurance.CONSISTENT_PASS),
        (5.0, Direction.DECREASE, Assurance.CONSISTENT_FAIL),
        (12.0, Direction.NEUTRAL, None),
        (None, Direction.INCREASE, None),
    ],
)
def test_assurance_icon(target, direction, expected):
    assert chart([11.0], target=target, direction=direction).assurance is expected


def test_recalculation_gives_the_later_segment_its_own_limits_and_reason():
    # second segment 20, 24, 20, 24: mean 22, mMR 4 -> limits 22 -/+ 10.64
    r = chart(
        [20.0, 24.0, 20.0, 24.0],
        baseline_points=None,
        recalculations=[Recalculation(at="P06", reason="PCN ARRS roles counted from here")],
    )
    first, second = r.segments
    assert (first.start, first.end, first.mean) == ("P00", "P05", pytest.approx(11.0))
    assert second.reason == "PCN ARRS roles counted from here"
    assert second.mean == pytest.approx(22.0)
    assert second.lower_limit == pytest.approx(11.36)
    assert second.upper_limit == pytest.approx(32.64)
    assert r.points[6].moving_range is None  # no range across the recalculation point
    assert r.points[6].segment == 1
    # without the recalculation every later point is far outside the first limits
    assert flagged(chart([20.0, 24.0, 20.0, 24.0]), Rule.OUTSIDE_LIMITS) == [
        "P06",
        "P07",
        "P08",
        "P09",
    ]


def test_screen_outliers_drops_a_huge_moving_range_from_mmr():
    # 10, 10, 10, 10, 30, 30: MRs 0, 0, 0, 20, 0 -> mMR 4; 20 > 3.267 x 4 = 13.07 is dropped -> 0
    vals = [10.0, 10.0, 10.0, 10.0, 30.0, 30.0]
    labels = list("abcdef")
    assert xmr(labels, vals).segments[0].mean_moving_range == pytest.approx(4.0)
    screened = xmr(labels, vals, rules=SpcRules(screen_outliers=True))
    assert screened.segments[0].mean_moving_range == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"labels": ["a"], "values": [1.0]}, "at least 2 points"),
        ({"labels": [], "values": []}, "at least 2 points, got 0"),
        ({"labels": ["a", "b"], "values": [1.0]}, "one value per period"),
        ({"labels": ["a", "a"], "values": [1.0, 2.0]}, "unique"),
        ({"labels": ["a", "b"], "values": [1.0, float("nan")]}, "finite"),
        (
            {
                "labels": ["a", "b", "c"],
                "values": [1.0, 2.0, 3.0],
                "recalculations": [Recalculation(at="z", reason="r")],
            },
            "one of the periods",
        ),
        (
            {
                "labels": ["a", "b", "c", "d"],
                "values": [1.0, 2.0, 3.0, 4.0],
                "recalculations": [Recalculation(at="c", reason="r")] * 2,
            },
            "time order",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message(kwargs, message):
    with pytest.raises(SpcInputError, match=message):
        xmr(**kwargs)


# --- NHSRplotthedots' published unit-test vectors (run length 7 for shift and trend there) ---


def test_ptd_seven_point_one_side_of_mean():
    # ptd_seven_point_one_side_mean + ptd_part_of_seven_trend: c(rep(1, 8), -1) -> 8 flagged
    assert shift_flags([1.0] * 8 + [-1.0], 0.0, 7) == [1] * 8 + [0]
    assert shift_flags([-1.0] * 8 + [1.0], 0.0, 7) == [-1] * 8 + [0]
    assert shift_flags([1.0] * 6 + [-1.0], 0.0, 7) == [0] * 7
    assert shift_flags([-1.0] + [1.0] * 8 + [-1.0], 0.0, 7) == [0] + [1] * 8 + [0]


def test_ptd_seven_point_trend():
    assert trend_flags([1, 2, 3, 4, 5, 6], 7) == [0] * 6
    assert trend_flags([1, 2, 3, 3, 4, 5, 6], 7) == [0] * 7  # c(1:3, 3:6)
    assert trend_flags([1, 2, 3, 4, 5, 6, 7], 7) == [1] * 7
    assert trend_flags([2, 1, 2, 3, 4, 5, 6, 7, 3], 7) == [0] + [1] * 7 + [0]
    assert trend_flags([7, 6, 5, 4, 3, 2, 1], 7) == [-1] * 7
    assert trend_flags([2, 7, 6, 5, 4, 3, 2, 1, 3], 7) == [0] + [-1] * 7 + [0]


@pytest.mark.parametrize(
    ("beyond", "expected"),
    [
        ([], []),
        ([0, 0, 0], [0, 0, 0]),
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ],
)
def test_ptd_part_of_two_in_three(beyond, expected):
    assert two_of_three_flags(beyond) == expected


@pytest.mark.parametrize(
    ("lpl", "upl", "direction", "expected"),
    [
        # test-ptd_calculate_assurance_type.R, target 4
        (1, 3, Direction.INCREASE, Assurance.CONSISTENT_FAIL),
        (5, 7, Direction.INCREASE, Assurance.CONSISTENT_PASS),
        (1, 5, Direction.INCREASE, Assurance.HIT_AND_MISS),
        (1, 3, Direction.DECREASE, Assurance.CONSISTENT_PASS),
        (5, 7, Direction.DECREASE, Assurance.CONSISTENT_FAIL),
        (1, 5, Direction.DECREASE, Assurance.HIT_AND_MISS),
        (1, 3, Direction.NEUTRAL, None),
    ],
)
def test_ptd_assurance_type(lpl, upl, direction, expected):
    assert assurance(lpl, upl, 4.0, direction) is expected


# --- nhspy-plotthedots (NHS Python Community) published test expectations ---
# tests/unittests/test_limits_calculations.py: (mean, lpl, upl, near lpl, near upl) where "near"
# is two sigma; in github.com/nhs-pycom/nhspy-plotthedots


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1, 11)), (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
        (list(range(10, 0, -1)), (5.5, 2.84, 8.16, 3.7266666666666666, 7.273333333333333)),
        ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2], (2.7, 0.04, 5.36, 0.9266666666666667, 4.473333333333334)),
        ([1, 2, 3], (2.0, -0.66, 4.66, 0.22666666666666657, 3.7733333333333334)),
        (list(range(20)), (9.5, 6.84, 12.16, 7.726666666666667, 11.273333333333333)),
        (
            [3, 1, 4, 1, 5, 9, 2],
            (
                3.5714285714285716,
                -6.625238095238096,
                13.768095238095238,
                -3.2263492063492065,
                10.36920634920635,
            ),
        ),
        (
            [1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 4, 3, 2, 1, 2],
            (3.0, -0.014666666666666828, 6.014666666666667, 0.9902222222222221, 5.009777777777778),
        ),
    ],
)
def test_nhspy_plotthedots_limits(values, expected):
    r = xmr([str(i) for i in range(len(values))], [float(v) for v in values])
    seg = r.segments[0]
    got = (
        seg.mean,
        seg.lower_limit,
        seg.upper_limit,
        seg.mean - 2 * seg.sigma,
        seg.mean + 2 * seg.sigma,
    )
    assert got == pytest.approx(expected, abs=1e-9)


def test_nhspy_plotthedots_demo_case_from_the_mdc_tool():
    # test_pandas_spc_x_calc.py: the MDC SPC tool's demonstration series; mean 76.67, limits
    # about 57 and 96, only the twelfth point (54) special cause, none near a limit.
    # By hand: mMR = 103 / 14 = 7.357, limits 76.667 -/+ 19.57 = 57.10 and 96.24.
    values = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]
    r = xmr([str(i) for i in range(len(values))], [float(v) for v in values])
    seg = r.segments[0]
    assert seg.mean == pytest.approx(76.67, abs=5e-3)
    assert round(seg.lower_limit) == 57 and round(seg.upper_limit) == 96
    assert [p.special_cause for p in r.points] == [False] * 11 + [True] + [False] * 3
    assert r.points[11].rules == (Rule.OUTSIDE_LIMITS,)
