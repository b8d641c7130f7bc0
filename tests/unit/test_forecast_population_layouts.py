"""ONS population projections in the layouts ONS publishes them, weighted by age and sex.

Hand-worked tables for the subnational (SNPP: AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP and a
column per year) and national (NPP machine-readable: Sex, Age and a column per year) layouts, and
a cross-check on the real LLR projection: the long file and the same figures pivoted into the
published SNPP layout (ages 90-100 folded into "90 and over") weigh the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.forecast.cohort_config import AgeWeight
from gpworkforce.forecast.demand import parts_at, population_parts, weighted_population
from gpworkforce.loaders.ons import read_projection as read_population
from gpworkforce.paths import shared_data_dir

WEIGHTS = [
    AgeWeight(from_age=0, to_age=64, weight=1.0),
    AgeWeight(from_age=65, to_age=100, sex="F", weight=4.0),
    AgeWeight(from_age=65, to_age=100, sex="M", weight=2.0),
]

SNPP = """\
"AREA_CODE","AREA_NAME","COMPONENT","SEX","AGE_GROUP","2018","2019","2020"
"E1","Here","Population","females","0","100","110","120"
"E1","Here","Population","females","90 and over","10","12","15"
"E1","Here","Population","females","All ages","110","122","135"
"E1","Here","Population","males","0","100","100","100"
"E1","Here","Population","males","90 and over","5","5","5"
"E1","Here","Births","females","0","99","99","99"
"E2","There","Population","females","0","1000","1000","1000"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_snpp_as_published(tmp_path: Path) -> None:
    pop = read_population(write(tmp_path, "snpp.csv", SNPP), "snpp")
    w = weighted_population(pop, ["E1"], WEIGHTS)
    # 2018: 100 + 100 + 4 x 10 + 2 x 5 = 250; 2019: 110 + 100 + 48 + 10 = 268; 2020: 290
    # ("All ages" and the births component are not counted, nor area E2)
    assert w.to_dict() == {2018: 250.0, 2019: 268.0, 2020: 290.0}
    parts = population_parts(pop, ["E1"], WEIGHTS)
    at = parts_at(parts, 2018, np.array([0.0, 1.0, 1.5, 2.0]))
    # weight rows: under 65 (200, 210, 220), women 65+ (10, 12, 15), men 65+ (5, 5, 5)
    np.testing.assert_allclose(at[:, 2], [215.0, 13.5, 5.0])
    np.testing.assert_allclose(at.T @ [1.0, 4.0, 2.0] / 250.0, [1.0, 1.072, 1.116, 1.16])


def test_npp_as_published(tmp_path: Path) -> None:
    text = (
        "Sex,Age,2018,2019\n"
        "1,0,300,310\n"
        "2,0,290,300\n"
        "1,104,3,4\n"
        "2,105 - 109,2,2\n"
        "2,110 and over,1,1\n"
    )
    pop = read_population(write(tmp_path, "npp.csv", text), "npp")
    w = weighted_population(pop, [], WEIGHTS)
    # 2018: 300 + 290 + men 104: 2 x 3 + women 105+: 4 x (2 + 1) = 608; 2019: 610 + 8 + 12 = 630
    assert w.to_dict() == {2018: 608.0, 2019: 630.0}


@pytest.mark.parametrize("name", ["uk_ppp_opendata2018.xml", "en_ppp_opendata2016.xlsx"])
def test_the_npp_spreadsheet_itself_is_refused_with_what_to_do(tmp_path: Path, name: str) -> None:
    """ONS ships the national projection's open data as a spreadsheet (its Population sheet is
    the layout above); the reader takes that sheet saved as CSV and says so."""
    path = tmp_path / name
    path.write_text("<?xml version='1.0'?><Workbook/>", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"must be a CSV, got a \.x\w+ spreadsheet") as err:
        read_population(path, "npp")
    assert "save its 'Population' sheet (Sex, Age and a column per year) as CSV" in str(err.value)


def test_persons_rows_need_weights_that_ignore_sex(tmp_path: Path) -> None:
    persons = SNPP.replace('"females"', '"persons"').replace('"males"', '"persons"')
    pop = read_population(write(tmp_path, "p.csv", persons), "snpp")
    both = [
        AgeWeight(from_age=0, to_age=64, weight=1.0),
        AgeWeight(from_age=65, to_age=100, weight=3.0),
    ]
    # 2018: 100 + 100 + 3 x (10 + 5) = 245
    assert weighted_population(pop, ["E1"], both).loc[2018] == 245.0
    with pytest.raises(ValidationFailed, match="not depend on sex"):
        weighted_population(pop, ["E1"], WEIGHTS)


def test_bad_cells_are_named_by_row_and_column(tmp_path: Path) -> None:
    bad = SNPP.replace(
        '"Here","Population","females","0","100"', '"Here","Population","females","0","lots"'
    )
    with pytest.raises(ValidationFailed) as err:
        read_population(write(tmp_path, "bad.csv", bad), "snpp")
    assert "bad.csv, row 2, column '2018': must be a number >= 0, got 'lots'" in str(err.value)
    with pytest.raises(ValidationFailed, match="missing \\['AGE_GROUP'\\]"):
        read_population(write(tmp_path, "cols.csv", SNPP.replace("AGE_GROUP", "AGE")), "snpp")
    with pytest.raises(ValidationFailed, match="be an age"):
        read_population(write(tmp_path, "age.csv", SNPP.replace('"90 and over"', '"old"')), "snpp")


def test_the_real_llr_projection_weighs_the_same_long_and_as_published(tmp_path: Path) -> None:
    long_path = (
        shared_data_dir() / "ons" / "llr_population_single_year_of_age_snpp2018_principal.csv"
    )
    long = pd.read_csv(long_path)
    folded = long.assign(
        AGE_GROUP=np.where(long["age"] >= 90, "90 and over", long["age"].astype(str)),
        SEX=long["sex"].map({"f": "females", "m": "males"}),
    )
    wide = folded.pivot_table(
        index=["area_code", "area_name", "SEX", "AGE_GROUP"],
        columns="year",
        values="population",
        aggfunc="sum",
    ).reset_index()
    wide = wide.rename(columns={"area_code": "AREA_CODE", "area_name": "AREA_NAME"})
    wide.insert(2, "COMPONENT", "Population")
    path = tmp_path / "2018 SNPP Population.csv"
    wide.to_csv(path, index=False)
    codes = ["E06000016", "E06000017", "E10000018"]
    a = weighted_population(read_population(long_path, "long"), codes, WEIGHTS)
    b = weighted_population(read_population(path, "snpp"), codes, WEIGHTS)
    assert len(a) == 26 and a.loc[2018] > 1e6
    pd.testing.assert_series_equal(a, b, check_names=False, rtol=1e-12)
