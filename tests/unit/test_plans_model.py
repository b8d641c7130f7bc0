from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from gpworkforce.plans.model import Plan, Target, quarter_end, quarter_label, quarterly

pytestmark = pytest.mark.unit

D = dt.date


def base(**over) -> dict:
    data = {
        "name": "p",
        "organisation": "QK1",
        "level": "icb",
        "start": D(2017, 9, 30),
        "end": D(2020, 9, 30),
        "adopted": "A",
        "revisions": [{"version": 1, "date": D(2017, 10, 1), "reason": "agreed"}],
        "scenarios": [
            {
                "scenario": "A",
                "staff_group": "gp",
                "source": "s",
                "points": [
                    {"date": D(2017, 9, 30), "central": 100},
                    {"date": D(2018, 9, 30), "central": 104},
                ],
            }
        ],
    }
    data.update(over)
    return data


def test_quarters():
    assert quarter_end(D(2017, 8, 5)) == D(2017, 9, 30)
    assert quarter_end(D(2017, 12, 1)) == D(2017, 12, 31)
    assert quarter_label(D(2017, 9, 30)) == "2017/18 Q2"
    assert quarter_label(D(2018, 3, 31)) == "2017/18 Q4"
    assert quarter_label(D(2018, 6, 30)) == "2018/19 Q1"


def test_quarterly_points_are_linear_between_plan_dates():
    plan = Plan.model_validate(base())
    pts = quarterly(plan.scenarios[0])
    assert [p.date for p in pts] == [
        D(2017, 9, 30),
        D(2017, 12, 31),
        D(2018, 3, 31),
        D(2018, 6, 30),
        D(2018, 9, 30),
    ]
    # 92 of 365 days in: 100 + 4 x 92 / 365
    assert pts[1].central == pytest.approx(100 + 4 * 92 / 365)


def test_adopted_must_name_a_scenario():
    with pytest.raises(ValidationError, match="adopted must be one of"):
        Plan.model_validate(base(adopted="B"))


def test_band_must_surround_the_central_value():
    bad = base()
    bad["scenarios"][0]["points"][1] = {
        "date": D(2018, 9, 30),
        "central": 104,
        "p10": 105,
        "p90": 110,
    }
    with pytest.raises(ValidationError, match="p10 <= central <= p90"):
        Plan.model_validate(bad)


def test_per_1000_target_needs_patients_and_converts():
    with pytest.raises(ValidationError, match="needs registered"):
        Target(staff_group="gp", date=D(2020, 9, 30), per_1000=0.58, label="t", source="s")
    t = Target(
        staff_group="gp",
        date=D(2020, 9, 30),
        per_1000=0.58,
        registered=1_120_132,
        label="t",
        source="s",
    )
    assert t.value == pytest.approx(0.58 * 1120.132)


def test_revision_is_a_new_version_and_leaves_the_adopted_plan_unchanged():
    plan = Plan.model_validate(base())
    revised = plan.revise(
        date=D(2018, 4, 1), reason="re-baselined on the March return", end=D(2021, 3, 31)
    )
    assert plan.version == 1 and plan.end == D(2020, 9, 30)
    assert revised.version == 2 and revised.end == D(2021, 3, 31)
    assert revised.revisions[-1].reason == "re-baselined on the March return"
    with pytest.raises(ValidationError):
        plan.revise(date=D(2018, 4, 1), reason="")
    with pytest.raises(ValidationError):  # frozen
        plan.end = D(2022, 1, 1)  # type: ignore[misc]
