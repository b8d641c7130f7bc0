"""The forecast chart labels its target line (issue 14, item 6): a board reads what the dashed
line is, and its value and date, on the chart itself."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.forecast.outputs import chart_svg, trajectory_chart


def _series() -> pd.DataFrame:
    dates = [dt.date(2017, 9, 30), dt.date(2018, 9, 30), dt.date(2019, 9, 30)]
    return pd.DataFrame(
        {
            "date": dates,
            "line": ["Supply"] * 3,
            "central": [541.0, 552.0, 561.0],
            "p10": [541.0, 540.0, 530.0],
            "p90": [541.0, 565.0, 590.0],
        }
    )


def _layers(spec: dict) -> list[dict]:  # type: ignore[type-arg]
    return spec["layer"]


def test_the_target_layer_has_a_text_label_with_value_unit_and_date() -> None:
    chart = trajectory_chart(_series(), (dt.date(2020, 3, 31), 1639.0), "LLR", "WTE GPs")
    spec = chart.to_dict()
    texts = [layer for layer in _layers(spec) if _mark(layer) == "text"]
    assert len(texts) == 1
    data = spec["datasets"][texts[0]["data"]["name"]]
    assert data[0]["text"] == "Target: 1,639.0 WTE GPs by 31 March 2020"
    assert texts[0]["encoding"]["text"]["field"] == "text"
    assert texts[0]["encoding"]["y"]["field"] == "value"
    assert "Target: 1,639.0 WTE GPs by 31 March 2020" in chart_svg(chart)


def test_no_target_no_label() -> None:
    spec = trajectory_chart(_series(), None, "LLR").to_dict()
    assert [layer for layer in _layers(spec) if _mark(layer) == "text"] == []


def _mark(layer: dict) -> str:  # type: ignore[type-arg]
    mark = layer.get("mark")
    return mark["type"] if isinstance(mark, dict) else str(mark)
