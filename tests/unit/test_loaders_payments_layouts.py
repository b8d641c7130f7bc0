"""NHS Payments to General Practice, the later years' layout (average list sizes), and bad input.

The samples are SYNTHETIC (made here, made-up figures) with the column names of the 2018-19
publication (`Average Number of Registered Patients`, `Average Number of Weighted Patients`, no
`Quarter used for patient data`); no later-year file is in ../shared/data. The 2017-18 layout is
tested on the real file (tests/integration/test_loaders_real_others.py).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import load_payments

LATER = (
    '"NHS England and NHS Improvement (Region, local office) Code",CCG Code,Practice Code,'
    "Practice Name,Practice Postcode,Contract Type,Dispensing Practice,"
    "Average Number of Registered Patients,Average Number of Weighted Patients,"
    "Average payments per registered patient,Total NHS Payments to General Practice\n"
)


def write(tmp_path, rows: list[str], name: str = "nhspaymentsgp-18-19-csv.csv"):
    path = tmp_path / name
    path.write_text(LATER + "".join(rows), encoding="utf-8-sig")
    return path


def test_later_layout_loads_average_list_sizes(tmp_path):
    path = write(
        tmp_path,
        [
            "Y60,04C,C82001,The Surgery,LE1 1AA,GMS,No,8123.5,9001.25,120.1,975000\n",
            "Y60,04C,C82002,Other Surgery,LE1 1AB,APMS,Yes,4000,3900,130,520000\n",
        ],
    )
    loaded = load_payments(path, period=dt.date(2019, 3, 31))
    pats = loaded.patients.set_index("practice_code")
    assert pats.loc["C82001", "registered"] == 8123.5
    assert pats.loc["C82002", "weighted"] == 3900.0
    assert set(pats["period"].dt.date) == {dt.date(2019, 3, 31)}
    attrs = loaded.attributes.set_index("practice_code")
    assert attrs.loc["C82002", "contract_type"] == "APMS"
    assert bool(attrs.loc["C82002", "dispensing"]) is True
    assert any("averages" in w for w in loaded.warnings)


def test_later_layout_period_from_its_name(tmp_path):
    path = write(tmp_path, ["Y60,04C,C82001,S,LE1,GMS,No,1,1,1,1\n"], name="payments_2019-20.csv")
    assert load_payments(path).patients["period"].dt.date.tolist() == [dt.date(2020, 3, 31)]


def test_later_layout_bad_cells_named(tmp_path):
    path = write(
        tmp_path,
        [
            "Y60,04C,C82001,S,LE1,GMS,No,1,1,1,1\n",
            "Y60,04C,C82002,S,LE1,GMS,No,1,5,two,1\n",
            "Y60,04C,C82003,S,LE1,GMS,No,-4,5,1,1\n",
        ],
    )
    with pytest.raises(ValidationFailed) as exc:
        load_payments(path, period=dt.date(2019, 3, 31))
    found = [str(i) for i in exc.value.issues]
    assert any("row 4" in i and "Average Number of Registered Patients" in i for i in found), found
    # a payment column is not read, so a bad payment cell does not stop the load
    assert not any("Average payments" in i for i in found), found


def test_neither_layout_names_the_missing_list_size_column(tmp_path):
    path = tmp_path / "p_2019-20.csv"
    path.write_text("Practice Code,Contract Type,Dispensing Practice\nC82001,GMS,No\n")
    with pytest.raises(ValidationFailed) as exc:
        load_payments(path)
    columns = {i.location.column for i in exc.value.issues}
    assert "Number of Registered Patients (Last Known Figure)" in columns


# the 2022-23 publication's spelling (as public code reading nhspaymentsgp-22-23-prac-csv.csv
# names its columns: "Practice type", "Dispensing Practice" values Yes / No / Unknown)
LATER_2223 = (
    "Practice Code,Practice Name,Contract Type,Practice type,Dispensing Practice,"
    "Practice Rurality,Average Number of Registered Patients,"
    "Average Number of Weighted Patients,Global Sum\n"
)


@pytest.mark.parametrize(
    ("name", "year_end"),
    [
        ("nhspaymentsgp-22-23-prac-csv.csv", dt.date(2023, 3, 31)),
        ("nhspaymentsgp-18-19-csv.csv", dt.date(2019, 3, 31)),
        ("NHSPaymentsGP-19-20-CSV.csv", dt.date(2020, 3, 31)),
    ],
)
def test_the_published_file_names_give_the_financial_year(tmp_path, name, year_end):
    path = tmp_path / name
    path.write_text(
        LATER_2223 + "C82001,The Surgery,GMS,GP Practice,Unknown,Urban,8000,8100,700000\n",
        encoding="utf-8-sig",
    )
    loaded = load_payments(path)
    assert loaded.patients["period"].dt.date.tolist() == [year_end]
    attrs = loaded.attributes.set_index("practice_code")
    assert attrs.loc["C82001", "practice_type"] == "GP Practice"
    assert pd.isna(attrs.loc["C82001", "dispensing"])  # "Unknown": not known, not False


def test_a_name_whose_years_do_not_follow_is_not_a_financial_year(tmp_path):
    path = tmp_path / "nhspaymentsgp-22-24-prac-csv.csv"
    path.write_text(LATER_2223 + "C82001,S,GMS,GP Practice,No,Urban,1,1,1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_payments(path)
    assert "as published, nhspaymentsgp-17-18" in str(info.value.issues[0])


def test_unknown_in_any_case_is_not_available(tmp_path):
    path = tmp_path / "nhspaymentsgp-22-23-prac-csv.csv"
    path.write_text(
        LATER_2223 + "C82001,S,Unknown,UNKNOWN,Yes,unknown,1,1,1\n", encoding="utf-8-sig"
    )
    attrs = load_payments(path).attributes.iloc[0]
    assert pd.isna(attrs["contract_type"]) and pd.isna(attrs["practice_type"])
    assert pd.isna(attrs["rurality"]) and bool(attrs["dispensing"]) is True
