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


def _row(field: str, title: str) -> dict[str, str]:
    return {"field": field, "title": title, "type": "nominal"}


@pytest.mark.parametrize(
    ("chart", "series_title", "row"),
    [
        pytest.param(
            lambda t: charts.grouped_bars(
                BARS,
                key="k",
                title="T",
                category="org_name",
                series=SERIES,
                value_title="WTE",
                description="d",
                series_title=t,
            ),
            "Staff group",
            _row("Organisation", "Organisation"),
            id="grouped bars",
        ),
        pytest.param(
            lambda t: charts.stacked_bars(
                BARS,
                key="k",
                title="T",
                category="org_name",
                series=SERIES,
                value_title="WTE",
                description="d",
                series_title=t,
            ),
            "",
            _row("Organisation", "Organisation"),
            id="stacked bars, no series title",
        ),
        pytest.param(
            lambda t: charts.time_series(
                YEARS,
                key="k",
                title="T",
                period="date",
                series=SERIES,
                value_title="WTE",
                description="d",
                series_title=t,
            ),
            "Staff group",
            _row("Date", "Date"),
            id="time series",
        ),
    ],
)
def test_the_tooltip_names_the_row_the_series_and_the_value(chart, series_title, row) -> None:  # type: ignore[no-untyped-def]
    tooltip = list(chart(series_title).spec["encoding"]["tooltip"])
    assert tooltip == [
        row,
        {"field": "series", "title": series_title or "Series", "type": "nominal"},
        {"field": "value", "format": ",.2f", "title": "WTE", "type": "quantitative"},
    ]
