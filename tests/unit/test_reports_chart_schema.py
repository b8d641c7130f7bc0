"""Every chart builder's specification is valid Vega-Lite.

The builders skip Altair's validation when they produce a specification (it cost about 20 ms a
chart on every dashboard view), so this is where each kind of specification is validated, with
NA values, dates and labels, and after a spec has been through JSON (as vl-convert receives it).
"""

from __future__ import annotations

import json

import altair as alt
import jsonschema
import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema

from gpworkforce.reports import charts as ch
from gpworkforce.reports.model import ReportChart

AREAS = pd.DataFrame(
    {
        "Area": ["West Leicestershire", "Leicester City", "Total"],
        "GPs WTE": [176.04, pd.NA, 350.5],
        "Nurses WTE": [80.0, 75.25, 155.25],
        "Locums WTE": [1.5, 0.0, 1.5],
        "WTE per 1,000": [0.55, 0.61, pd.NA],
    }
).astype({"GPs WTE": "Float64", "WTE per 1,000": "Float64"})


def _every_kind() -> list[ReportChart]:
    series = {"GPs WTE": "GPs", "Nurses WTE": "Nurses"}
    periods = pd.DataFrame(
        {
            "period": pd.to_datetime(["2015-09-30", "2016-09-30", "2017-09-30"]),
            "GPs WTE": [563.0, pd.NA, 571.5],
        }
    ).astype({"GPs WTE": "Float64"})
    labels = periods.assign(period=["2015-09-30", "2016-09-30", "2017-09-30"])
    pyramid = pd.DataFrame(
        {"age": ["<30", "<30", "55+", "55+"], "sex": ["F", "M", "F", "M"], "hc": [10, 4, 7, None]}
    )
    common = {"title": "A chart", "value_title": "WTE", "description": "What it shows."}
    return [
        ch.grouped_bars(AREAS, key="g", category="Area", series=series, **common),
        ch.stacked_bars(AREAS, key="s", category="Area", series=series, **common),
        ch.bars_against_target(
            AREAS, key="t", category="Area", value="WTE per 1,000", target=0.58, **common
        ),
        ch.age_sex_pyramid(pyramid, key="p", age="age", sex="sex", value="hc", **common),
        ch.time_series(periods, key="d", period="period", series={"GPs WTE": "GPs"}, **common),
        ch.time_series(labels, key="o", period="period", series={"GPs WTE": "GPs"}, **common),
    ]


@pytest.mark.parametrize("chart", _every_kind(), ids=lambda c: c.key)
def test_every_builder_makes_a_valid_vega_lite_spec(chart: ReportChart) -> None:
    spec = json.loads(json.dumps(dict(chart.spec)))
    validate_jsonschema(spec, alt.load_schema())  # raises on any schema error
    assert spec["$schema"] == alt.SCHEMA_URL


def test_the_validation_above_rejects_an_invalid_spec() -> None:
    spec = json.loads(json.dumps(dict(_every_kind()[0].spec)))
    spec["mark"] = {"type": "no-such-mark"}
    with pytest.raises(jsonschema.ValidationError):
        validate_jsonschema(spec, alt.load_schema())
