"""The plan chart's subtitle says the SPC mean and limits are dashed grey: they must be drawn in
a grey (equal red, green and blue), not NHS mid grey #768692, which reads as blue beside the
plan's blue line (issue 14)."""

from __future__ import annotations

import pandas as pd

from gpworkforce.plans.outputs import plan_chart


def test_the_limits_the_subtitle_calls_dashed_grey_are_grey() -> None:
    rows = []
    for i, day in enumerate(pd.date_range("2017-09-30", periods=4, freq="QE-SEP")):
        for series, value in (("Plan", 500 + 3 * i), ("Actual", 498 + 2 * i), ("Mean", 505)):
            rows.append({"date": day, "series": series, "value": value, "p10": None, "p90": None})
        rows.append({"date": day, "series": "Upper process limit", "value": 515.0})
        rows.append({"date": day, "series": "Lower process limit", "value": 495.0})
    spec = plan_chart("GPs", pd.DataFrame(rows), None).to_dict()
    assert any("Dashed grey" in line for line in spec["title"]["subtitle"])
    dashed = [
        layer["mark"]
        for layer in spec["layer"]
        if isinstance(layer["mark"], dict) and layer["mark"].get("strokeDash") == [6, 3]
    ]
    assert len(dashed) == 1
    colour = dashed[0]["color"].lstrip("#")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    assert red == green == blue, f"#{colour} is not a grey"
