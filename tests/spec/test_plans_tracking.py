"""Plan-versus-actual arithmetic, checked by hand.

BLMK (seed 002, Table 1, GPs FTE excluding registrars): the trajectory of 01/05/2018 puts 424.3
in Mar-18 and 426.3 in Jun-18; the actuals were 427.9 and 429.0; the indicative 2020 STP target is
537.5 (Sep-20).
  Mar-18: variance 427.9 - 424.3 = 3.6 WTE, 3.6 / 424.3 = 0.848%; gap to target 427.9 - 537.5 = -109.6
  Jun-18: variance 429.0 - 426.3 = 2.7 WTE, 2.7 / 426.3 = 0.633%; gap -108.5
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.plans.model import Plan, StaffGroup, TrajectoryPoint
from gpworkforce.plans.scoring import score_plan
from gpworkforce.plans.tracking import AlertKind, fan_percentile, probability_at_least, track

pytestmark = pytest.mark.spec

D = dt.date


def blmk_plan(**over) -> Plan:
    data = {
        "name": "BLMK GP trajectory",
        "organisation": "QHG",
        "level": "icb",
        "start": D(2018, 3, 31),
        "end": D(2020, 9, 30),
        "adopted": "Trajectory 01/05/2018",
        "revisions": [{"version": 1, "date": D(2018, 5, 1), "reason": "trajectory agreed"}],
        "targets": [
            {
                "staff_group": "gp",
                "date": D(2020, 9, 30),
                "wte": 537.5,
                "label": "Indicative 2020 STP target",
                "source": "BLMK Table 1",
            }
        ],
        "scenarios": [
            {
                "scenario": "Trajectory 01/05/2018",
                "staff_group": "gp",
                "source": "BLMK Table 1",
                "points": [
                    {"date": D(2018, 3, 31), "central": 424.3},
                    {"date": D(2018, 6, 30), "central": 426.3},
                    {"date": D(2018, 9, 30), "central": 428.0},
                    {"date": D(2018, 12, 31), "central": 438.7},
                    {"date": D(2019, 3, 31), "central": 450.6},
                    {"date": D(2020, 9, 30), "central": 537.8},
                ],
            }
        ],
    }
    data.update(over)
    return Plan.model_validate(data)


def test_blmk_table1_variance_and_gap_to_target():
    actuals = {
        StaffGroup.GP: {D(2017, 12, 31): 422.3, D(2018, 3, 31): 427.9, D(2018, 6, 30): 429.0}
    }
    result = track(blmk_plan(), actuals, source="BLMK Table 1 actuals")
    rows = result.groups[0].rows
    assert [r.period for r in rows] == ["2017/18 Q4", "2018/19 Q1"]  # Dec-17 is before the plan
    assert [round(r.variance, 6) for r in rows] == [3.6, 2.7]
    assert rows[0].variance_pct == pytest.approx(3.6 / 424.3 * 100)
    assert rows[0].variance_pct == pytest.approx(0.848, abs=5e-4)
    assert rows[1].variance_pct == pytest.approx(0.633, abs=5e-4)
    assert [round(r.gap_to_target, 6) for r in rows] == [-109.6, -108.5]
    assert rows[0].percentile is None and rows[0].inside_band is None  # no fan given
    # two points are too few for limits from a baseline of two? No: two points give one range
    assert result.groups[0].spc is not None
    # no fan: the probability of the target is 0 or 1 (plan 537.8 + latest variance 2.7 >= 537.5)
    assert result.groups[0].probability_of_target == 1.0
    assert result.alerts == ()


def test_plan_between_its_dates_is_linear():
    # Mar-19 450.6 -> Sep-20 537.8 over 549 days; Sep-19 is 183 days in:
    # 450.6 + 87.2 x 183 / 549 = 479.6667
    point = blmk_plan().scenarios[0].at(D(2019, 9, 30))
    assert point is not None
    assert point.central == pytest.approx(450.6 + 87.2 * 183 / 549)
    assert point.central == pytest.approx(479.6667, abs=1e-4)


FAN = TrajectoryPoint(date=D(2020, 9, 30), central=100.0, p10=90.0, p90=120.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, 50.0),
        (90.0, 10.0),
        (120.0, 90.0),
        # above the centre the half spread is (120 - 100) / 1.28155 = 15.606; 110 is z = 0.64078
        # -> Phi = 0.7391
        (110.0, 73.91),
        # below: (100 - 90) / 1.28155 = 7.803; 80 is z = -2.5631 -> Phi = 0.00519
        (80.0, 0.519),
    ],
)
def test_percentile_in_the_fan(value, expected):
    assert fan_percentile(FAN, value) == pytest.approx(expected, abs=0.01)


def test_probability_of_meeting_a_goal_from_the_fan():
    assert probability_at_least(FAN, 120.0) == pytest.approx(0.10, abs=1e-9)
    assert probability_at_least(FAN, 90.0) == pytest.approx(0.90, abs=1e-9)
    assert probability_at_least(TrajectoryPoint(date=D(2020, 1, 1), central=5.0), 4.0) is None


def fan_plan(**over) -> Plan:
    return blmk_plan(
        scenarios=[
            {
                "scenario": "Trajectory 01/05/2018",
                "staff_group": "gp",
                "source": "test",
                "points": [
                    {"date": D(2018, 3, 31), "central": 400.0, "p10": 400.0, "p90": 400.0},
                    {"date": D(2020, 3, 31), "central": 500.0, "p10": 480.0, "p90": 540.0},
                ],
            }
        ],
        **over,
    )


def test_alerts_outside_band_and_unreachable_target_with_evidence():
    # Mar-19 is 365 of 731 days in (w = 0.49932): plan 400 + 100 w = 449.932, P10 400 + 80 w =
    # 439.945, P90 400 + 140 w = 469.904; the actual 430 is below P10.
    actuals = {StaffGroup.GP: {D(2018, 3, 31): 400.0, D(2019, 3, 31): 430.0}}
    result = track(fan_plan(), actuals, source="test")
    kinds = [a.kind for a in result.alerts]
    assert AlertKind.OUTSIDE_BAND in kinds
    band = next(a for a in result.alerts if a.kind is AlertKind.OUTSIDE_BAND)
    assert band.period == "2018/19 Q4"
    w = 365 / 731
    assert band.evidence == pytest.approx(
        {"actual": 430.0, "p10": 400 + 80 * w, "plan": 400 + 100 * w, "p90": 400 + 140 * w}
    )
    # Target 537.5 at Sep-20, after the plan's end (Mar-20): the fan there is 500 (480-540),
    # shifted by the latest variance 430 - 449.932 = -19.932 -> 480.068 (P90 520.068): 537.5 is
    # above P90; sd above = 40 / 1.28155 = 31.212, z = 57.432 / 31.212 = 1.8400 -> P = 0.0329
    unreachable = next(a for a in result.alerts if a.kind is AlertKind.TARGET_UNREACHABLE)
    assert unreachable.evidence["probability"] == pytest.approx(0.0329, abs=2e-4)
    assert result.groups[0].probability_of_target == pytest.approx(0.0329, abs=2e-4)


def test_no_unreachable_alert_when_the_threshold_is_lower():
    actuals = {StaffGroup.GP: {D(2018, 3, 31): 400.0, D(2019, 3, 31): 430.0}}
    result = track(fan_plan(alerts={"unreachable_below": 0.03}), actuals, source="test")
    assert AlertKind.TARGET_UNREACHABLE not in [a.kind for a in result.alerts]


def test_spc_concern_alert_when_actuals_fall_below_the_limits():
    # baseline 400, 402, 400, 402 (mean 401, mMR 2, limits 395.68-406.32), then 390: below
    dates = [D(2018, 3, 31), D(2018, 6, 30), D(2018, 9, 30), D(2018, 12, 31), D(2019, 3, 31)]
    values = [400.0, 402.0, 400.0, 402.0, 390.0]
    plan = blmk_plan(spc={"baseline_points": 4})
    result = track(plan, {StaffGroup.GP: dict(zip(dates, values, strict=True))}, source="t")
    concern = [a for a in result.alerts if a.kind is AlertKind.SPC_CONCERN]
    assert [a.period for a in concern] == ["2018/19 Q4"]
    assert concern[0].evidence["lower_limit"] == pytest.approx(395.68)
    assert result.groups[0].rows[-1].spc_point_type == "special_cause_concern"


def test_relative_comparison_and_scoring_llr_scenario_1_by_hand():
    # LLR Scenario 1: 541 -> 561 WTE (Table 12), compared relative to GPW's 519.6 in Sep 2017:
    # plan on GPW's definition in Sep 2020 = 561 x 519.6 / 541 = 538.809; GPW Year 2021: 510.8
    # error = 28.009 WTE = 5.483 %; held to Year 2024 (489.2): 49.609 = 10.141 %
    plan = Plan.model_validate(
        {
            "name": "LLR",
            "organisation": "QK1",
            "level": "icb",
            "start": D(2017, 9, 30),
            "end": D(2020, 9, 30),
            "adopted": "S1",
            "comparison": {"mode": "relative", "baseline_value": 541},
            "revisions": [{"version": 1, "date": D(2017, 10, 31), "reason": "published"}],
            "scenarios": [
                {
                    "scenario": "S1",
                    "staff_group": "gp",
                    "source": "Table 12",
                    "points": [
                        {"date": D(2017, 9, 30), "central": 541},
                        {"date": D(2020, 9, 30), "central": 561},
                    ],
                }
            ],
        }
    )
    actuals = {StaffGroup.GP: {D(2017, 9, 30): 519.6, D(2020, 9, 30): 510.8, D(2023, 9, 30): 489.2}}
    result = score_plan(plan, actuals, source="GPW")
    by_date = {r.date: r for r in result.rows}
    assert by_date[D(2020, 9, 30)].plan == pytest.approx(538.809, abs=1e-3)
    assert by_date[D(2020, 9, 30)].error_pct == pytest.approx(5.483, abs=1e-3)
    assert not by_date[D(2020, 9, 30)].beyond_horizon
    assert by_date[D(2023, 9, 30)].error_pct == pytest.approx(10.141, abs=1e-3)
    assert by_date[D(2023, 9, 30)].beyond_horizon
    (summary,) = result.scenarios
    assert summary.years == 2
    assert summary.mape_horizon == pytest.approx(5.483, abs=1e-3)
    assert summary.mape_all == pytest.approx((5.483 + 10.141) / 2, abs=1e-3)


def test_recalculation_recorded_in_the_plan_splits_the_limits():
    # 400, 402, 400, 402 then, after ARRS staff are counted, 420, 424, 420, 424:
    # segment 1 mean 401 (limits 395.68-406.32), segment 2 mean 422, mMR 4 -> 411.36-432.64.
    dates = [
        D(2018, 3, 31),
        D(2018, 6, 30),
        D(2018, 9, 30),
        D(2018, 12, 31),
        D(2019, 3, 31),
        D(2019, 6, 30),
        D(2019, 9, 30),
        D(2019, 12, 31),
    ]
    values = [400.0, 402.0, 400.0, 402.0, 420.0, 424.0, 420.0, 424.0]
    plan = blmk_plan(spc={"recalculations": [[D(2019, 3, 31), "ARRS roles counted"]]})
    result = track(plan, {StaffGroup.GP: dict(zip(dates, values, strict=True))}, source="t")
    spc = result.groups[0].spc
    assert spc is not None
    assert [s.reason for s in spc.segments] == ["initial baseline", "ARRS roles counted"]
    assert spc.segments[1].start == "2018/19 Q4"
    assert spc.segments[1].lower_limit == pytest.approx(411.36)
    assert all(r.spc_rules == "" for r in result.groups[0].rows)
    # without it, one baseline of all 8: mean 411.5, mMR 36 / 7 = 5.143, two sigma 9.12; the last
    # three (424, 420, 424) have two beyond 420.62: two of three, an improvement
    plain = track(blmk_plan(), {StaffGroup.GP: dict(zip(dates, values, strict=True))}, source="t")
    assert plain.groups[0].spc is not None
    assert plain.groups[0].spc.variation.value == "special_cause_improvement"


def test_quarterly_table_in_blmk_table_1_layout():
    from gpworkforce.plans.outputs import quarterly_frame

    actuals = {StaffGroup.GP: {D(2018, 3, 31): 427.9, D(2018, 6, 30): 429.0}}
    table = quarterly_frame(blmk_plan(), track(blmk_plan(), actuals, source="BLMK")).set_index(
        "measure"
    )
    quarters = [c for c in table.columns if c != "staff group"]
    assert quarters[0] == "2017/18 Q4" and quarters[-1] == "2020/21 Q2"  # Mar-18 .. Sep-20
    assert len(quarters) == 11
    assert table.loc["Actual WTE", "2017/18 Q4"] == 427.9
    assert table.loc["Plan WTE", "2018/19 Q3"] == pytest.approx(438.7)  # Dec-18, as published
    assert table.loc["Plan WTE", "2019/20 Q2"] == pytest.approx(479.6667, abs=1e-4)  # Sep-19
    assert table.loc["Variance from plan WTE", "2018/19 Q1"] == pytest.approx(2.7)
    assert table.loc["Target WTE", "2020/21 Q2"] == 537.5
    assert pd.isna(table.loc["Actual WTE", "2019/20 Q2"])


def test_relative_plan_without_an_actual_at_its_start_says_why_it_has_no_rows():
    plan = blmk_plan(comparison={"mode": "relative", "baseline_value": 424.3})
    result = track(plan, {StaffGroup.GP: {D(2018, 6, 30): 429.0}}, source="t")
    (group,) = result.groups
    assert group.rows == ()
    assert "no actual on the plan's start (2018-03-31)" in group.spc_note


def test_a_plan_without_a_fan_that_misses_its_target_says_so_without_a_probability():
    """The 0 computed without a fan is no probability: the alert says the plan's moved path
    misses the target and that there is no range, and its evidence carries no probability."""
    target = {
        "staff_group": "gp",
        "date": D(2020, 9, 30),
        "wte": 560.0,
        "label": "A higher target",
        "source": "test",
    }
    actuals = {StaffGroup.GP: {D(2018, 3, 31): 427.9, D(2018, 6, 30): 429.0}}
    result = track(blmk_plan(targets=[target]), actuals, source="test")
    assert result.groups[0].probability_of_target == 0.0  # 537.8 + 2.7 < 560: the path misses
    (alert,) = [a for a in result.alerts if a.kind is AlertKind.TARGET_UNREACHABLE]
    assert alert.message == (
        "the plan's path, moved by the latest variance, misses the target (560.0 WTE by"
        " September 2020); the plan has no P10-P90 range, so no probability"
    )
    assert "probability" not in alert.evidence and alert.evidence["target"] == 560.0
