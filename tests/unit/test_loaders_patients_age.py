"""Patients Registered at a GP Practice by age and sex: both published layouts, bad input.

The samples are SYNTHETIC (made here, made-up counts) in the published layouts: the column
names and value labels of NHS Digital's metadata for gp-reg-pat-prac-sing-age-female/male.csv
(single year of age, CCG-era and sub-ICB-era columns) and gp-reg-pat-prac-quin-age.csv (five-year
bands, with sub-ICB/ICB rows besides practice rows). No real file of these is in ../shared/data.
"""

from __future__ import annotations

import pandas as pd
import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.loaders.patients_age import load_patients_age_sex

SING_CCG = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
SING_ICB = (
    "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,ORG_CODE,"
    "POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
)
QUIN = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n"


def single(
    header: str, sex: str, counts: dict[str, dict[str, int]], date: str = "01OCT2017"
) -> str:
    lines = [header]
    for code, by_age in counts.items():
        total = sum(by_age.values())
        lines.append(f"GP_PRAC_PAT_LIST,{date},GP,04C,E38000097,{code},LE1 1AA,{sex},ALL,{total}\n")
        for age, n in by_age.items():
            lines.append(
                f"GP_PRAC_PAT_LIST,{date},GP,04C,E38000097,{code},LE1 1AA,{sex},{age},{n}\n"
            )
    return "".join(lines)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_single_year_female_file_in_the_ccg_layout(tmp_path):
    ages = {str(a): 10 + a for a in range(95)} | {"95+": 7}
    path = write(
        tmp_path,
        "gp-reg-pat-prac-sing-age-female.csv",
        single(SING_CCG, "FEMALE", {"C82001": ages}),
    )
    loaded = load_patients_age_sex(path)
    frame = loaded.ages
    assert len(frame) == 96
    assert set(frame["sex"]) == {"F"}
    assert frame["period"].unique().tolist() == [pd.Timestamp("2017-10-01")]
    # oracle: the counts written above, summed by hand-chosen age
    assert frame["patients"].sum() == sum(ages.values())
    aged_65 = frame.loc[frame["age_from"] >= 65, "patients"].sum()
    assert aged_65 == sum(10 + a for a in range(65, 95)) + 7
    open_band = frame[frame["age_from"] == 95]
    assert open_band["age_to"].isna().all() and open_band["patients"].tolist() == [7.0]
    assert loaded.warnings == ()
    assert loaded.source.dataset == "patients-registered-single-age"


def test_single_year_male_file_in_the_sub_icb_layout(tmp_path):
    path = write(
        tmp_path,
        "gp-reg-pat-prac-sing-age-male.csv",
        single(SING_ICB, "MALE", {"C82001": {"0": 5, "94": 3, "95+": 1}}, date="2023-04-01"),
    )
    frame = load_patients_age_sex(path).ages
    assert sorted(frame["age_from"].tolist()) == [0, 94, 95]
    assert set(frame["sex"]) == {"M"}
    assert frame["period"].iloc[0] == pd.Timestamp("2023-04-01")


def quinary_text(rows: list[tuple[str, str, str, str, int]]) -> str:
    return QUIN + "".join(
        f"GP_PRAC_PAT_LIST,01OCT2017,{t},{code},E38000097,,{sex},{band},{n}\n"
        for t, code, sex, band, n in rows
    )


def test_quinary_file_keeps_practice_rows_and_checks_totals(tmp_path):
    rows = [
        ("SUB_ICB_LOCATION", "04C", "ALL", "ALL", 999999),  # not a practice: skipped
        ("GP", "C82001", "ALL", "ALL", 60),
        ("GP", "C82001", "FEMALE", "ALL", 30),
        ("GP", "C82001", "FEMALE", "0_4", 10),
        ("GP", "C82001", "FEMALE", "65_69", 12),
        ("GP", "C82001", "FEMALE", "95+", 8),
        ("GP", "C82001", "MALE", "ALL", 31),  # the file's own total disagrees: warned
        ("GP", "C82001", "MALE", "75_79", 30),
    ]
    loaded = load_patients_age_sex(
        write(tmp_path, "gp-reg-pat-prac-quin-age.csv", quinary_text(rows))
    )
    frame = loaded.ages
    assert len(frame) == 4
    assert set(frame["practice_code"]) == {"C82001"}
    band = frame[frame["age_from"] == 65].iloc[0]
    assert (band["age_to"], band["sex"], band["patients"]) == (69, "F", 12.0)
    assert loaded.source.dataset == "patients-registered-quinary-age"
    assert len(loaded.warnings) == 1
    assert (
        "row 8" in loaded.warnings[0] and "31" in loaded.warnings[0] and "30" in loaded.warnings[0]
    )


def issues_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [str(i) for i in exc.value.issues]


def test_bad_cells_are_named_by_row_and_column(tmp_path):
    text = SING_CCG + "".join(
        [
            "GP_PRAC_PAT_LIST,01OCT2017,GP,04C,E38,C82001,X,FEMALE,3,1.5e2\n",  # fine
            "GP_PRAC_PAT_LIST,01OCT2017,GP,04C,E38,C82001,X,FEMALE,4,two\n",  # row 3 count
            "GP_PRAC_PAT_LIST,01OCT2017,GP,04C,E38,C8200,X,FEMALE,5,4\n",  # row 4 code
            "GP_PRAC_PAT_LIST,01OCT2017,GP,04C,E38,C82001,X,WOMEN,6,4\n",  # row 5 sex
            "GP_PRAC_PAT_LIST,01OCT2017,GP,04C,E38,C82001,X,FEMALE,96,4\n",  # row 6 age
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "f.csv", text))
    found = issues_of(exc)
    assert any("row 3" in i and "NUMBER_OF_PATIENTS" in i and "'two'" in i for i in found), found
    text = text.replace(",4,two\n", ",4,2\n")
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "f.csv", text))
    found = issues_of(exc)
    assert any("row 4" in i and "ORG_CODE" in i and "C8200" in i for i in found), found
    assert any("row 5" in i and "column 'SEX'" in i and "WOMEN" in i for i in found), found
    assert any("row 6" in i and "column 'AGE'" in i and "'96'" in i for i in found), found


def test_negative_missing_and_repeated_counts_are_refused(tmp_path):
    base = "GP_PRAC_PAT_LIST,01OCT2017,GP,04C,E38,C82001,X,FEMALE,{age},{n}\n"
    text = SING_CCG + base.format(age=1, n=-3) + base.format(age=2, n="NA")
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "f.csv", text))
    found = issues_of(exc)
    assert any("row 2" in i and "zero or more" in i for i in found), found
    assert any("row 3" in i and "count of patients" in i for i in found), found
    text = SING_CCG + base.format(age=1, n=3) + base.format(age=1, n=4)
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "f.csv", text))
    assert any("row 3" in i and "once per practice" in i for i in issues_of(exc))


def test_quinary_rows_renumbered_after_skipping_other_organisations(tmp_path):
    rows = [
        ("ICB", "QK1", "ALL", "ALL", 5),
        ("GP", "C82001", "FEMALE", "0_5", 1),  # row 3: not a five-year band
    ]
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "q.csv", quinary_text(rows)))
    assert any("row 3" in i and "AGE_GROUP_5" in i for i in issues_of(exc))


def test_two_extract_dates_missing_columns_and_empty_files_are_refused(tmp_path):
    text = single(SING_CCG, "MALE", {"C82001": {"1": 2}}) + single(
        "", "MALE", {"C82002": {"1": 2}}, date="01JAN2018"
    )
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "m.csv", text))
    assert any("EXTRACT_DATE" in i and "01JAN2018" in i for i in issues_of(exc))
    with pytest.raises(ValidationFailed) as exc:
        load_patients_age_sex(write(tmp_path, "m.csv", "ORG_CODE,SEX,AGE\nC82001,MALE,1\n"))
    assert {i.location.column for i in exc.value.issues} == {"EXTRACT_DATE", "NUMBER_OF_PATIENTS"}
    with pytest.raises(ValidationFailed):
        load_patients_age_sex(write(tmp_path, "m.csv", SING_CCG))
    with pytest.raises(InputFileError):
        load_patients_age_sex(tmp_path / "absent.csv")
