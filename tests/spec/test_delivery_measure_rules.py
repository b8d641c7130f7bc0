"""Which figure a KPI bound to a baseline measure reads, and the dating of spend lines (spec)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.delivery.measures import (
    BASELINE_MEASURES,
    SpendLine,
    VariancePoint,
    baseline_value,
    financial_year_end,
    plan_variance_values,
    spend_values,
)
from gpworkforce.domain.report import ReportTable


def _area(rows: list[tuple[str, str, float | None]]) -> ReportTable:
    frame = pd.DataFrame(rows, columns=["org_code", "row", "WTE per 1,000"])
    return ReportTable(key="target_gap", title="t", frame=frame)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("A", "child", 0.5), ("B", "child", 0.7), ("QK1", "total", 0.61)], 0.61),  # own row
        ([("A", "child", 0.5)], None),  # no total row
        ([("QK1", "total", None)], None),  # blank
        ([("QK1", "total", float("nan"))], None),
    ],
)
def test_the_organisations_own_row_is_read(rows: list, expected: float | None) -> None:
    assert baseline_value([_area(rows)], "gp-wte-per-1000", "QK1") == expected


def test_a_table_without_area_rows_is_read_by_organisation_code() -> None:
    frame = pd.DataFrame({"org_code": ["QK1", "QXX"], "Locum share of GP WTE %": [12.5, 3.0]})
    table = ReportTable(key="locums", title="t", frame=frame)
    assert baseline_value([table], "locum-share", "QXX") == 3.0
    assert baseline_value([table], "gp-over-55-share", "QK1") is None  # its table is absent


def test_every_measure_names_a_table_and_column_and_a_label() -> None:
    for key, spec in BASELINE_MEASURES.items():
        assert spec.table and spec.column and spec.label and spec.label != key


@pytest.mark.parametrize(
    ("year", "end"), [("2017/18", dt.date(2018, 3, 31)), ("2023/24", dt.date(2024, 3, 31))]
)
def test_a_financial_year_ends_on_31_march(year: str, end: dt.date) -> None:
    assert financial_year_end(year) == end


def test_spend_is_a_share_of_allocation_for_the_named_organisation_only() -> None:
    lines = [
        SpendLine("B", "2017/18", 2000.0, 230.0),
        SpendLine("A", "2017/18", 1000.0, 110.0),
        SpendLine("A", "2016/17", 1000.0, 105.0),
        SpendLine("A", "2015/16", 0.0, 0.0),  # no allocation: no share
    ]
    values = spend_values(lines, "A")
    assert [(v.period_end, v.value) for v in values] == [
        (dt.date(2017, 3, 31), 10.5),
        (dt.date(2018, 3, 31), 11.0),
    ]


def test_a_plan_variance_is_the_trackings_variance_with_its_plan_named() -> None:
    points = [
        VariancePoint(dt.date(2018, 9, 30), "2018/19 Q2", 11.0, 12.0, -1.0, "GPW"),
        VariancePoint(dt.date(2017, 9, 30), "2017/18 Q2", 10.5, 10.0, 0.5, "returns"),
    ]
    values = plan_variance_values(points, "LLR plan", 2, "GPs")
    assert [(v.period_end, v.value) for v in values] == [
        (dt.date(2017, 9, 30), 0.5),
        (dt.date(2018, 9, 30), -1.0),
    ]
    assert "LLR plan" in values[0].source and "version 2" in values[0].source
