"""A chart with a series per colour (grouped bars, stacked bars, a time series) shows on hover the
row with its human label, the series under the series title (or 'Series') and the value to two
decimals under the value title."""

from __future__ import annotations

import pandas as pd
import pytest

from gpworkforce.reports import charts

BARS = pd.DataFrame({"org_name": ["A", "B"], "gp": [1.5, 2.0], "nurse": [0.5, 1.25]})
YEARS = pd.DataFrame({"date": ["2017-09-30", "2018-09-30"], "gp": [1.5, 2.0], "nurse": [0.5, 1.0]})
SERIES = {"gp": "GP", "nurse": "Nurse"}


@pytest.mark.parametrize(
    ("draw", "frame", "row_field", "series_title", "row_title"),
    [
        pytest.param(
            charts.grouped_bars,
            BARS,
            {"category": "org_name"},
            "Staff group",
            "Organisation",
            id="grouped bars",
        ),
        pytest.param(
            charts.stacked_bars,
            BARS,
            {"category": "org_name"},
            "",
            "Organisation",
            id="stacked bars, no series title",
        ),
        pytest.param(
            charts.time_series, YEARS, {"period": "date"}, "Staff group", "Date", id="time series"
        ),
    ],
)
def test_the_tooltip_names_the_row_the_series_and_the_value(  # type: ignore[no-untyped-def]
    draw, frame: pd.DataFrame, row_field: dict[str, str], series_title: str, row_title: str
) -> None:
    chart = draw(
        frame,
        key="k",
        title="T",
        series=SERIES,
        value_title="WTE",
        description="d",
        series_title=series_title,
        **row_field,
    )
    assert list(chart.spec["encoding"]["tooltip"]) == [
        {"field": row_title, "title": row_title, "type": "nominal"},
        {"field": "series", "title": series_title or "Series", "type": "nominal"},
        {"field": "value", "format": ",.2f", "title": "WTE", "type": "quantitative"},
    ]
