"""Starting stocks from canonical tables: class and band mapping, unknown ages, NA kept out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce import tables
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import ValidationFailed
from gpworkforce.forecast.cohort_config import StockClassSpec
from gpworkforce.forecast.inputs import (
    gpw_band_specs,
    stocks_from_demography,
    stocks_from_workforce,
    two_band_map,
)

DAY = dt.date(2017, 9, 30)


def demography(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["practice_code", "node", "age_band", "sex", "headcount", "fte"]
    )
    frame["period"] = pd.Timestamp(DAY)
    frame["source_id"] = "test"
    return tables.conform(frame, tables.DEMOGRAPHY)


def test_band_helpers() -> None:
    m = two_band_map()
    assert m["50-54"] == "under55" and m["55-59"] == "55+" and m["70+"] == "55+"
    specs = gpw_band_specs()
    assert [s.label for s in specs][:2] == ["<30", "30-34"] and len(specs) == 10
    assert specs[-1].width_years is None and all(s.width_years == 5 for s in specs[:-1])


def test_demography_maps_roles_sex_and_spreads_unknown_ages() -> None:
    df = demography(
        [
            ("P1", "GP_SALARIED_BY_PRACTICE", "30-34", "F", 2, 1.5),
            ("P1", "GP_SALARIED_BY_OTHER", "60-64", "F", 1, 0.5),
            ("P1", "GP_SALARIED_BY_PRACTICE", "Unknown", "F", 3, 2.0),
            ("P1", "GP_SALARIED_BY_PRACTICE", "40-44", "M", 4, 4.0),
            ("P1", "NURSE_ANP", "40-44", "F", 1, 1.0),
            ("P2", "GP_PARTNER_PROVIDER", "55-59", "M", 1, None),
        ]
    )
    classes = [StockClassSpec(code="SAL_F", role="GP_SALARIED", sex="F")]
    built = stocks_from_demography(
        df, period=DAY, classes=classes, band_of=two_band_map(), tax=load_taxonomy()
    )
    got = built.stocks.set_index("band")
    # known: under55 2 heads / 1.5 FTE, 55+ 1 / 0.5; the 3 unknown heads are spread 2:1 by heads
    assert got.loc["under55", "headcount"] == pytest.approx(2 + 3 * 2 / 3)
    assert got.loc["55+", "headcount"] == pytest.approx(1 + 3 * 1 / 3)
    assert got.loc["under55", "fte"] == pytest.approx(1.5 + 2.0 * 0.75)
    assert got["headcount"].sum() == pytest.approx(6.0)  # men, nurses excluded
    assert built.dropped == (("P2", "figure not available"),)


def test_workforce_with_assumed_age_split_keeps_na_out() -> None:
    frame = pd.DataFrame(
        {
            "practice_code": ["P1", "P2", "P3"],
            "period": pd.Timestamp(DAY),
            "node": "GP_QUALIFIED",
            "headcount": [4.0, None, 2.0],
            "fte": [3.0, 1.0, 2.0],
            "source_id": "s",
        }
    )
    wf = tables.conform(frame, tables.WORKFORCE)
    built = stocks_from_workforce(
        wf,
        node="GP_QUALIFIED",
        period=DAY,
        class_code="GP",
        age_split={"u": 0.75, "o": 0.25},
        tax=load_taxonomy(),
        org_of={"P1": "C1", "P2": "C1", "P3": "C2"},
    )
    assert built.dropped == (("P2", "figure not available"),)
    got = built.stocks.set_index(["org", "band"])
    assert got.loc[("C1", "u"), "fte"] == pytest.approx(2.25)
    assert got.loc[("C2", "o"), "headcount"] == pytest.approx(0.5)
    with pytest.raises(ValidationFailed, match="summing to 1"):
        stocks_from_workforce(
            wf,
            node="GP_QUALIFIED",
            period=DAY,
            class_code="GP",
            age_split={"u": 0.5},
            tax=load_taxonomy(),
        )
