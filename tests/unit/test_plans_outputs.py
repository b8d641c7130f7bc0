"""Charts of tracking: valid Vega-Lite (no NaN), SPC points and limits drawn, target labelled."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gpworkforce.plans import outputs
from gpworkforce.plans.model import Plan, StaffGroup, quarter_ends
from gpworkforce.plans.tracking import track

D = dt.date


def _no_nan(name: str) -> None:
    raise AssertionError(f"chart JSON holds {name}")


@pytest.fixture
def tracked():
    plan = Plan.model_validate(
        {
            "name": "Demo",
            "organisation": "QHG",
            "level": "icb",
            "start": D(2018, 3, 31),
            "end": D(2021, 3, 31),
            "adopted": "A",
            "revisions": [{"version": 1, "date": D(2018, 4, 1), "reason": "x"}],
            "spc": {"baseline_points": 6},
            "scenarios": [
                {
                    "scenario": "A",
                    "staff_group": "gp",
                    "source": "s",
                    "points": [
                        {"date": D(2018, 3, 31), "central": 420, "p10": 420, "p90": 420},
                        {"date": D(2021, 3, 31), "central": 470, "p10": 455, "p90": 490},
                    ],
                }
            ],
        }
    )
    # baseline 420..422 (mean 422.5, mMR 2.6); then a steady fall: a trend, then outside
    vals = [420, 423, 421, 424, 422, 425, 424, 423, 421, 419, 417, 415, 413]
    actual = dict(zip(quarter_ends(D(2018, 3, 31), D(2021, 3, 31)), vals, strict=True))
    return track(plan, {StaffGroup.GP: actual}, source="demo")


def test_tracking_chart_is_valid_json_with_limits_and_special_cause_points(tracked):
    frame = outputs.tracking_chart_frame(tracked, StaffGroup.GP)
    assert {"Plan", "Actual", "Mean", "Lower process limit", "Upper process limit"} <= set(
        frame["series"]
    )
    chart = outputs.plan_chart("Demo", frame, (D(2021, 3, 31), 470.0, "Target: 470 WTE"))
    spec = json.loads(chart.to_json(), parse_constant=_no_nan)
    rows = [r for data in spec["datasets"].values() for r in data]
    assert any(r.get("spc") == "Special cause: concern" for r in rows)
    svg = outputs.chart_svg(chart, key="demo", title="Demo", description="Plan and actuals.")
    assert '<desc id="chart-demo-desc">Plan and actuals.</desc>' in svg
    assert "Target: 470 WTE" in svg and "Dashed grey: SPC mean and process limits" in svg
