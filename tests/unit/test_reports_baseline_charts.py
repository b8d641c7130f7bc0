"""Charts chosen for the baseline tables by key and column layout (hand-made tables)."""

from __future__ import annotations

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.baseline_charts import baseline_charts

AREAS = {
    "org_code": ["03W", "04C", "QK1"],
    "org_name": ["East", "City", "LLR"],
    "row": ["child", "child", "total"],
}


def _values(spec: object) -> list[dict[str, object]]:
    datasets = spec["datasets"]  # type: ignore[index]
    return [row for rows in datasets.values() for row in rows]


def test_staff_by_group_charts_children_wte_only() -> None:
    frame = pd.DataFrame(
        AREAS
        | {"GPs HC": [255, 240, 495], "GPs WTE": [176.0, 174.0, 350.0], "Total WTE": [1, 2, 3]}
    )
    [chart] = baseline_charts([ReportTable("staff_by_group", "Staff", frame)])
    assert chart.after_table == "staff_by_group"
    rows = [r for r in _values(chart.spec) if "series" in r]
    # the category is shown under its human name (the labels catalogue), not the field name
    assert {(r["Organisation"], r["series"], r["value"]) for r in rows} == {
        ("East", "GPs", 176.0),
        ("City", "GPs", 174.0),
    }


def test_target_gap_draws_the_target_from_the_table() -> None:
    frame = pd.DataFrame(AREAS | {"WTE per 1,000": [0.53, 0.44, 0.49], "Target per 1,000": 0.58})
    [chart] = baseline_charts([ReportTable("target_gap", "Target", frame)])
    assert {"target": 0.58, "label": "Target 0.58"} in _values(chart.spec)
    assert "0.58" in chart.description


def test_pyramid_from_wide_female_male_columns() -> None:
    frame = pd.DataFrame(
        {"Age band": ["<30", "30-34"], "Female": [330.0, 364.0], "Male": [49.0, 65.0], "Total": 0}
    )
    [chart] = baseline_charts([ReportTable("pyramid_all", "Headcount by age: LLR", frame)])
    signed = {(r["Sex"], r["Age band"]): r["signed"] for r in _values(chart.spec)}
    assert signed[("Female", "<30")] == -330.0 and signed[("Male", "30-34")] == 65.0
    # the finding first (no band says 55 or over here, so the share of women), the label under it
    assert chart.title == "86% are female (694 of 808)"
    assert chart.spec["title"]["subtitle"] == "Headcount by age"


def test_locums_stack_types_not_totals() -> None:
    frame = pd.DataFrame(
        AREAS
        | {
            "Locum - other WTE": [3.28, 21.23, 24.51],
            "Locum covering vacancy WTE": [4.38, 3.44, 7.82],
            "All locums WTE": [7.66, 24.67, 32.33],
            "GPs excl. registrars WTE": [176.0, 174.0, 350.0],
        }
    )
    [chart] = baseline_charts([ReportTable("locums", "Locums", frame)])
    assert {r["series"] for r in _values(chart.spec) if "series" in r} == {
        "Locum - other",
        "Locum covering vacancy",
    }


def test_series_needs_at_least_one_value() -> None:
    empty = pd.DataFrame({"Period": ["2017-09-30"], "GPs WTE": pd.array([pd.NA], dtype="Float64")})
    assert baseline_charts([ReportTable("series", "Series", empty)]) == ()
    full = pd.DataFrame({"Period": ["2016-09-30", "2017-09-30"], "GPs WTE": [563.0, 541.0]})
    [chart] = baseline_charts([ReportTable("series", "Series", full)])
    assert chart.spec["mark"]["type"] == "line"


def test_unknown_tables_and_layouts_get_no_chart() -> None:
    other = pd.DataFrame({"a": [1]})
    tables = [
        ReportTable("response_rate", "Response", other),
        ReportTable("staff_by_group", "Changed layout", other),
        ReportTable("target_gap", "No target column", pd.DataFrame(AREAS)),
    ]
    assert baseline_charts(tables) == ()


def test_a_table_with_nothing_available_gets_no_chart() -> None:
    frame = pd.DataFrame(AREAS | {"Nurses WTE": pd.array([pd.NA] * 3, dtype="Float64")})
    assert baseline_charts([ReportTable("staff_by_group", "Staff", frame)]) == ()
