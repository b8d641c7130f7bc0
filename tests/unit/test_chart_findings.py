"""Charts fit for a board (issue 14, item 6): each chart's title states its finding with the figure
computed from the data drawn, every series has a legend entry (or a label on the chart), target
lines and bands say what they are, and a total is not drawn on the axis of its parts.

:func:`chart_problems` is the rule; the first tests show it fails a bare label and a series left
out of the legend, the others run it over every chart builder outside the web (the web's own
charts and the paper's are checked in their integration tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gpworkforce.delivery.charts import (
    risk_heat_map,
    risk_movement_chart,
    timeline_chart,
)
from gpworkforce.delivery.plan import read_timeline
from gpworkforce.delivery.registers import read_risks
from gpworkforce.domain.report import ReportTable
from gpworkforce.forecast import backtest, evaluation
from gpworkforce.forecast.outputs import trajectory_chart
from gpworkforce.forecast.sensitivity import TornadoBar, tornado_chart
from gpworkforce.plans.outputs import plan_chart
from gpworkforce.reports.baseline_charts import baseline_charts
from gpworkforce.reports.chart_checks import chart_problems, is_finding, title_text
from gpworkforce.reports.model import ReportChart

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"


def _spec(chart: object) -> dict:  # type: ignore[type-arg]
    """Any chart as the JSON vl-convert receives."""
    if isinstance(chart, ReportChart):
        return json.loads(json.dumps(dict(chart.spec)))
    return json.loads(chart.to_json())  # type: ignore[attr-defined]


# -- the rule itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "WTE by staff group",
        "WTE per 1,000 patients against the target",
        "GP WTE forecast by scenario, 2017 to 2020",
        "Skill mix by level (task WTE)",
        "What moves the result most",
    ],
)
def test_a_bare_label_is_not_a_finding(title: str) -> None:
    assert not is_finding(title)


@pytest.mark.parametrize(
    "title",
    [
        "GP WTE is 42 below the 2020 target",
        "104.3 WTE short of the target of 0.58 per 1,000 patients; 3 of 3 areas are below it",
        "No scenario reaches the target of 639.0 WTE GPs by Sep 2020; the closest is 9.0 short",
    ],
)
def test_a_sentence_with_its_figure_is_a_finding(title: str) -> None:
    assert is_finding(title)


def _bars(title: object, colour: dict) -> dict:  # type: ignore[type-arg]
    return {
        "title": title,
        "data": {"values": [{"a": "x", "s": "GPs", "v": 1}, {"a": "x", "s": "Nurses", "v": 2}]},
        "mark": "bar",
        "encoding": {"y": {"field": "a"}, "x": {"field": "v"}, "color": colour},
    }


def test_the_rule_fails_a_bare_title_a_series_left_out_of_the_legend_and_an_unlabelled_line() -> (
    None
):
    fine = {"field": "s", "type": "nominal"}
    assert chart_problems(_bars({"text": "GPs are 1 of 3 WTE", "subtitle": "WTE"}, fine)) == []
    [bare] = chart_problems(_bars("WTE by staff group", fine))
    assert "is a label, not a finding" in bare
    left_out = {"field": "s", "type": "nominal", "scale": {"domain": ["GPs"]}}
    [missing] = chart_problems(_bars("GPs are 1 of 3 WTE", left_out))
    assert "['Nurses'] drawn but not in the legend" in missing
    hidden = {"field": "s", "type": "nominal", "legend": None}
    [unnamed] = chart_problems(_bars("GPs are 1 of 3 WTE", hidden))
    assert "have no legend and no label" in unnamed
    rule = {
        "title": "GPs are 1 of 3 WTE",
        "layer": [
            _bars(None, fine) | {"title": None},
            {"data": {"values": [{"t": 2}]}, "mark": "rule", "encoding": {"x": {"field": "t"}}},
        ],
    }
    assert chart_problems(rule) == ["a reference line (rule) has no label saying what it is"]


# -- the report builders, on the shape of the baseline tables ------------------------------------

AREAS = {
    "org_code": ["03W", "04C", "04V", "QK1"],
    "org_name": ["East Leicestershire", "Leicester City", "West Leicestershire", "LLR"],
    "row": ["child", "child", "child", "total"],
}


def test_the_baseline_charts_state_their_findings_from_the_figures() -> None:
    staff = pd.DataFrame(
        AREAS
        | {
            "GPs WTE": [176.0, 174.0, 192.0, 542.0],
            "Nurses WTE": [80.0, 75.0, 90.0, 245.0],
            "Total WTE": [256.0, 249.0, 282.0, 787.0],
        }
    )
    per_thousand = pd.DataFrame(
        AREAS
        | {"GPs per 1,000 registered": [0.52, 0.44, 0.5, 0.49], "Total per 1,000 registered": 1}
    )
    target = pd.DataFrame(
        AREAS
        | {
            "WTE per 1,000": [0.52, 0.44, 0.5, 0.486],
            "Target per 1,000": 0.58,
            "Gap (WTE)": [20.0, 40.0, 44.3, 104.3],
        }
    )
    locums = pd.DataFrame(
        AREAS | {"Locum cover WTE": [1.0, 2.0, 3.0, 6.0], "Locum vacancy WTE": [4.0, 0.5, 1.0, 5.5]}
    )
    series = pd.DataFrame(
        {"Period": ["2015-09-30", "2016-09-30", "2017-09-30"], "GPs WTE": [560.0, 551.5, 542.0]}
    )
    pyramid = pd.DataFrame(
        {
            "Age band": ["Under 30", "30-54", "55-59", "60+"],
            "Female": [10, 50, 8, 2],
            "Male": [5, 40, 10, 5],
        }
    )
    tables = [
        ReportTable("staff_by_group", "Staff", staff),
        ReportTable("per_thousand", "Per 1,000", per_thousand),
        ReportTable("target_gap", "Target", target),
        ReportTable("locums", "Locums", locums),
        ReportTable("series", "Series", series),
        ReportTable("pyramid_gp", "Headcount by age and sex, GPs: LLR", pyramid),
    ]
    charts = {c.key: c for c in baseline_charts(tables)}
    titles = {k: title_text(_spec(c)) for k, c in charts.items()}
    assert titles == {
        "staff_by_group_chart": "West Leicestershire has the most staff (282 WTE); GPs are the "
        "largest group (542 WTE)",
        "per_thousand_chart": "GPs WTE per 1,000 patients ranges from 0.44 in Leicester City to "
        "0.52 in East Leicestershire",
        "target_gap_chart": "104.3 WTE short of the target of 0.58 per 1,000 patients; 3 of 3 "
        "areas are below it",
        "locums_chart": "Locum cover is the largest part: 6 of 11.5 Locum WTE",
        "series_chart": "GPs fell by 18 WTE, from 560 in Sep 2015 to 542 in Sep 2017",
        "pyramid_gp_chart": "19% of GPs are aged 55 or over (25 of 130)",
    }
    for key, chart in charts.items():
        assert chart_problems(_spec(chart)) == [], key
    # the staff chart draws the areas only: the total (542 + 245 WTE) is in the table
    drawn = {
        r.get("Organisation")
        for rows in _spec(charts["staff_by_group_chart"])["datasets"].values()
        for r in rows
    }
    assert "LLR" not in drawn and "West Leicestershire" in drawn


# -- forecast, plan, sensitivity, evaluation -------------------------------------------------------


def _trajectory(*names: str) -> pd.DataFrame:
    dates = [dt.date(2017, 9, 30), dt.date(2018, 9, 30), dt.date(2019, 9, 30), dt.date(2020, 9, 30)]
    rows = []
    for i, name in enumerate(names):
        for j, d in enumerate(dates):
            rows.append({"date": d, "line": name, "central": 541.0 + (j * (7 + 10 * i))})
    return pd.DataFrame(rows)


def test_the_forecast_chart_states_the_gap_to_the_target() -> None:
    one = _spec(trajectory_chart(_trajectory("Scenario 1"), (dt.date(2020, 9, 30), 639.0), "LLR"))
    assert (
        title_text(one)
        == "Scenario 1: 562.0 WTE GPs by Sep 2020, 77.0 short of the target of 639.0"
    )
    many = trajectory_chart(
        _trajectory("Scenario 1", "Scenario 2", "Scenario 3"), (dt.date(2020, 9, 30), 639.0), "LLR"
    )
    assert (
        title_text(_spec(many))
        == "No scenario reaches the target of 639.0 WTE GPs by Sep 2020; the closest, Scenario 3, is 17.0 short"
    )
    met = trajectory_chart(_trajectory("A", "B", "C"), (dt.date(2020, 9, 30), 580.0), "LLR")
    assert (
        title_text(_spec(met)) == "2 of 3 scenarios reach the target of 580.0 WTE GPs by Sep 2020"
    )
    free = _spec(trajectory_chart(_trajectory("A"), None, "LLR"))
    assert title_text(free) == "A: WTE GPs rises from 541.0 to 562.0 by Sep 2020"
    for spec in (one, _spec(many), _spec(met), free):
        assert chart_problems(spec) == []


def test_the_plan_chart_states_the_latest_actual_against_the_target() -> None:
    frame = pd.DataFrame(
        {
            "date": ["2017-09-30", "2018-09-30", "2017-09-30", "2018-09-30"],
            "series": ["Plan", "Plan", "Actual", "Actual"],
            "value": [541.0, 560.0, 541.0, 548.5],
            "p10": [None] * 4,
            "p90": [None] * 4,
        }
    )
    spec = _spec(plan_chart("LLR", frame, (dt.date(2020, 9, 30), 639.0, "Target 639")))
    assert title_text(spec) == (
        "Actual 548.5 WTE in Sep 2018, 90.5 WTE below the target of 639.0 WTE"
    )
    assert chart_problems(spec) == []
    free = _spec(plan_chart("LLR", frame, None))
    assert title_text(free) == "Actual 548.5 WTE in Sep 2018, 11.5 WTE below Plan"


def test_the_tornado_names_the_assumption_that_moves_the_result_most_and_labels_the_centre() -> (
    None
):
    bars = [
        TornadoBar("hee_linear.trainee_retention", 0.7, 0.9, 20.0, -5.0, 9.0),
        TornadoBar("hee_linear.international_recruits", 10, 39, 15.0, 2.0, 9.0),
    ]
    spec = _spec(tornado_chart(bars, "Scenario 2: what moves the gap", "WTE GP gap"))
    title = title_text(spec)
    assert title.endswith("moves it most: from -5.0 to 20.0")
    assert "hee_linear" not in json.dumps(spec)  # human labels only
    assert chart_problems(spec) == []
    assert "Central case: 9.0" in json.dumps(spec)


def test_the_evaluation_and_backtest_charts_state_their_findings() -> None:
    summary = pd.DataFrame(
        {
            "level": "icb",
            "calibration": ["model", "model", "conformal", "conformal"],
            "method": ["persistence", "cohort", "persistence", "cohort"],
            "horizon": [3, 3, 3, 3],
            "mase": [1.0, 0.8, 1.0, 0.8],
            "coverage_80": [70.0, 85.0, 82.0, 90.0],
        }
    )
    mase = _spec(evaluation.mase_chart(summary, "icb", "ICB"))
    assert (
        title_text(mase)
        == "3 years ahead, Cohort engine has the lowest error: 0.80 times assuming no change"
    )
    coverage = _spec(evaluation.coverage_chart(summary, "icb", "ICB"))
    assert title_text(coverage).startswith("3 years ahead, 3 of 4 bands held the actual")
    band = backtest.Band(
        "QK1",
        "cohort",
        (2019, 2020),
        np.array([540.0, 550.0]),
        np.array([530.0, 535.0]),
        np.array([540.0, 550.0]),
        np.array([550.0, 565.0]),
    )
    bt = _spec(backtest.backtest_chart([band], {2019: 536.0, 2020: 570.0}, "QK1"))
    assert title_text(bt) == "The actual in 2020 (570) is inside the P10-P90 band of 0 of 1 methods"
    for spec in (mase, coverage, bt):
        assert chart_problems(spec) == []


# -- delivery ----------------------------------------------------------------------------------


def test_the_delivery_charts_state_their_findings() -> None:
    risks = read_risks(LLR / "delivery" / "risks.csv")
    cells = read_timeline(LLR / "delivery" / "implementation.csv")
    for chart in (
        risk_heat_map(risks),
        risk_movement_chart([r for r in risks if r.is_live]),
        timeline_chart(cells, dt.date(2017, 12, 31)),
    ):
        assert chart_problems(_spec(chart)) == [], chart.key


def test_the_timeline_marks_a_day_near_the_plan_but_not_one_years_after_it() -> None:
    """LLR's 2017-19 plan judged on a meeting in 2026: a dashed line at 2026 stretched the axis
    until the plan was a sliver at its left end (issue 14, item 7). The line is drawn only
    within half a year of the plan; otherwise the caption says the day is after the plan."""
    cells = read_timeline(LLR / "delivery" / "implementation.csv")

    def dates(chart: ReportChart) -> set[str]:
        text = json.dumps(dict(chart.spec))
        return {d for d in ("2017-12-31", "2026-12-05") if d in text}

    near = timeline_chart(cells, dt.date(2017, 12, 31))
    assert dates(near) == {"2017-12-31"} and "the dashed line marks 31 December 2017" in (
        near.description
    )
    late = timeline_chart(cells, dt.date(2026, 12, 5))
    assert dates(late) == set()
    assert "5 December 2026 is after its last period ends (31 March 2019)" in late.description
    assert "dashed line" not in late.description
    assert late.title == "28 critical milestones overdue"  # the day still judges what is late
    assert chart_problems(_spec(late)) == []
