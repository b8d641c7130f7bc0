"""PCN, NHS Payments and ONS loaders on small hand-made files (rules and error messages)."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.loaders import load_ons_population, load_payments, load_pcn_individual

PCN_HEADER = (
    "Data_source,CENSUS_YEAR,CENSUS_MONTH,PCN_CODE,PCN_NAME,SUB_ICB_CODE,SUB_ICB_NAME,ICB_CODE,"
    "ICB_NAME,COMM_REGION_CODE,COMM_REGION_NAME,STAFF_GROUP,STAFF_ROLE,DETAILED_STAFF_ROLE,FTE,"
    "UNIQUE_IDENTIFIER"
)
PCN_ORG = "2022,9,U11111,CITY PCN – NORTH,04C,LC,QK1,LLR,Y60,Midlands"
DPC = "Other Direct Patient Care staff"


def write(
    tmp_path: Path, name: str, *lines: str, encoding: str = "utf-8", bom: bool = False
) -> Path:
    path = tmp_path / name
    data = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def pcn_rows(*rows: str) -> list[str]:
    return [PCN_HEADER, *(f"NWRS Staff,{PCN_ORG},{r}" for r in rows)]


def test_pcn_roles_fte_and_distinct_headcount(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pcn.csv",
        *pcn_rows(
            f"{DPC},Pharmacists,Pharmacist,1,101",
            f"{DPC},Pharmacists,Pharmacist,0.2,101",  # same person, second contract line
            f"{DPC},Advanced Pharmacist Practitioners,Advanced Pharmacist Practitioner,0.5,102",
            f"{DPC},Care Coordinators,Care Coordinator,0.8,101",  # same person, another role
        ),
        encoding="cp1252",
    )
    loaded = load_pcn_individual(path)
    wf = loaded.workforce.set_index("node")
    assert set(loaded.workforce["practice_code"]) == {"U11111"}
    assert float(wf.loc["DPC_PHARMACIST", "fte"]) == pytest.approx(1.7)
    assert wf.loc["DPC_PHARMACIST", "headcount"] == 2
    assert wf.loc["DPC_CARE_COORDINATOR", "headcount"] == 1
    assert wf.loc["DPC", "headcount"] == 2  # person 101 counted once in the group
    assert float(wf.loc["DPC", "fte"]) == pytest.approx(2.5)
    assert loaded.periods == [dt.date(2022, 9, 30)]
    assert loaded.attributes.iloc[0]["pcn_name"] == "CITY PCN – NORTH"  # cp1252 decoded


def test_pcn_contracted_rows_without_identifier_make_headcount_not_available(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "pcn.csv",
        *pcn_rows(f"{DPC},Paramedics,Paramedic,1,201", f"{DPC},Paramedics,Paramedic,0.4,NULL"),
    )
    wf = load_pcn_individual(path).workforce.set_index("node")
    assert float(wf.loc["DPC_PARAMEDIC", "fte"]) == pytest.approx(1.4)
    assert pd.isna(wf.loc["DPC_PARAMEDIC", "headcount"])


def test_pcn_unmapped_roles_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pcn.csv",
        *pcn_rows(
            f"{DPC},Pharmacists,Pharmacist,1,1",
            "Directors,Non-clinical Director,Finance Director,0.1,2",
            f"{DPC},Dragon Tamers,Dragon Tamer,0.3,3",
        ),
    )
    loaded = load_pcn_individual(path)
    text = " | ".join(loaded.warnings)
    assert (
        "1 row (0.3 WTE) left out, not in the reviewed role map" in text and "Dragon Tamer" in text
    )
    assert "1 row (0.1 WTE) left out, mapped to no role the service knows" in text
    assert float(loaded.workforce["fte"].max()) == 1


def test_pcn_bad_fte_and_census(tmp_path: Path) -> None:
    path = write(tmp_path, "pcn.csv", *pcn_rows(f"{DPC},Pharmacists,Pharmacist,lots,1"))
    with pytest.raises(ValidationFailed, match=r"pcn.csv, row 2, column 'FTE': must be a number"):
        load_pcn_individual(path)
    mixed = [
        PCN_HEADER,
        f"NWRS Staff,{PCN_ORG},{DPC},Pharmacists,Pharmacist,1,1",
        f"NWRS Staff,{PCN_ORG.replace('2022,9', '2022,13')},{DPC},Pharmacists,Pharmacist,1,2",
    ]
    with pytest.raises(ValidationFailed, match=r"one census year and month"):
        load_pcn_individual(write(tmp_path, "pcn2.csv", *mixed))


PAY_HEADER = (
    "Practice Code,Practice Name,CCG Code,Contract Type,Dispensing Practice,Practice Rurality,"
    "Quarter used for patient data,Number of Registered Patients (Last Known Figure),"
    "Number of Weighted Patients (Last Known Figure),Global Sum"
)


def test_payments_with_bom_and_invalid_bytes(tmp_path: Path) -> None:
    lines = [
        PAY_HEADER,
        "C82001,DR A,03W,GMS,Yes,Rural,Q4,9000,9950.5,1",
        "C82002,DR B,04C,PMS,UNKNOWN,Urban,NO KNOWN PATIENTS,0,0,2",
    ]
    path = tmp_path / "nhs_payments_2017-18.csv"
    body = ("\n".join(lines) + "\n").encode("utf-8").replace(b"DR B", b"DR \xe9B")
    path.write_bytes(codecs.BOM_UTF8 + body)
    loaded = load_payments(path)
    p = loaded.patients.set_index("practice_code")
    assert (float(p.loc["C82001", "registered"]), float(p.loc["C82001", "weighted"])) == (
        9000,
        9950.5,
    )
    assert pd.isna(p.loc["C82002", "registered"]) and pd.isna(p.loc["C82002", "weighted"])
    a = loaded.attributes.set_index("practice_code")
    assert bool(a.loc["C82001", "dispensing"]) is True and pd.isna(a.loc["C82002", "dispensing"])
    assert a.loc["C82002", "practice_name"] == "DR \ufffdB"
    assert any("1 invalid byte replaced" in w for w in loaded.warnings)
    assert loaded.periods == [dt.date(2018, 3, 31)]


def test_payments_period_needed_without_year_in_name(tmp_path: Path) -> None:
    path = write(
        tmp_path, "payments.csv", PAY_HEADER, "C82001,DR A,03W,GMS,No,Rural,Q4,9000,9950.5,1"
    )
    with pytest.raises(ValidationFailed, match=r"financial year"):
        load_payments(path)
    assert load_payments(path, period=dt.date(2019, 3, 31)).periods == [dt.date(2019, 3, 31)]


def test_payments_missing_weighted_column(tmp_path: Path) -> None:
    header = PAY_HEADER.replace("Number of Weighted Patients (Last Known Figure),", "")
    path = write(tmp_path, "p_2017-18.csv", header, "C82001,DR A,03W,GMS,No,Rural,Q4,9000,1")
    with pytest.raises(
        ValidationFailed,
        match=r"column 'Number of Weighted Patients \(Last Known Figure\)': must be present",
    ):
        load_payments(path)


ONS_HEADER = "area_code,area_name,year,age,sex,population"


def test_ons_valid_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ons.csv",
        ONS_HEADER,
        "E06000016,Leicester,2018,0,f,2352",
        "E06000016,Leicester,2018,100,M,12",
    )
    f = load_ons_population(path).frame
    assert f["sex"].tolist() == ["f", "m"]
    assert f["age"].tolist() == [0, 100]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("E06000016,Leicester,2018,101,f,5", "age", "be a whole age 0-100"),
        ("E06000016,Leicester,2018,4.5,f,5", "age", "be a whole age 0-100"),
        ("E06000016,Leicester,2018,4,x,5", "sex", "be f or m"),
        ("E06000016,Leicester,2018,4,f,0", "population", "be a positive number"),
        ("E06000016,Leicester,2018,4,f,many", "population", "be a number"),
    ],
)
def test_ons_rules(tmp_path: Path, row: str, column: str, expected: str) -> None:
    path = write(tmp_path, "ons.csv", ONS_HEADER, "E06000016,Leicester,2018,0,f,2352", row)
    with pytest.raises(ValidationFailed) as err:
        load_ons_population(path)
    assert f"ons.csv, row 3, column '{column}': must {expected}" in str(err.value)


def test_unreadable_encoding(tmp_path: Path) -> None:
    path = tmp_path / "ons.csv"
    path.write_text(ONS_HEADER + "\n", encoding="utf-16")
    with pytest.raises(InputFileError, match=r"UTF-8 or Windows-1252"):
        load_ons_population(path)
