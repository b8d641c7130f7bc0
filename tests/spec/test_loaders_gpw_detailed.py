"""Raw NHS Digital "Practice Level - Detailed" CSV: both layouts, hand-made files in tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce import tables
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import LoadedWorkforce, load_gpw_detailed

REQUIRED = (
    "TOTAL_PATIENTS,TOTAL_GP_HC,TOTAL_GP_FTE,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE,TOTAL_NURSES_HC,"
    "TOTAL_NURSES_FTE,TOTAL_DPC_HC,TOTAL_DPC_FTE,TOTAL_ADMIN_HC,TOTAL_ADMIN_FTE"
)
CURRENT_HEADER = (
    "PRAC_CODE,PRAC_NAME,PCN_CODE,PCN_NAME,SUB_ICB_CODE,SUB_ICB_NAME,ICB_CODE,ICB_NAME,"
    "COMM_REGION_CODE,COMM_REGION_NAME," + REQUIRED
)
ORG = '"C82001","A SURGERY, THE","U12345","PCN ONE","04C","LEICESTER","QK1","LLR","Y60","MIDLANDS"'
SEP_2024 = dt.date(2024, 9, 30)


def write(tmp_path: Path, *lines: str, name: str = "gpw.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def node_row(loaded: LoadedWorkforce | pd.DataFrame, node: str) -> pd.Series:
    wf = loaded if isinstance(loaded, pd.DataFrame) else loaded.workforce
    rows = wf[wf["node"] == node]
    assert len(rows) == 1, node
    return rows.iloc[0]


def test_current_layout_groups_patients_and_organisation(tmp_path: Path) -> None:
    path = write(tmp_path, CURRENT_HEADER, ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5")
    loaded = load_gpw_detailed(path, period=SEP_2024)
    assert loaded.source.dataset == "gpw-practice-detailed-current"
    assert loaded.source.period == "2024-09-30"
    gp = node_row(loaded, "GP")
    assert (gp["headcount"], gp["fte"]) == (6, 4.5)
    assert node_row(loaded, "GP_QUALIFIED")["fte"] == 3.2
    assert node_row(loaded, "NURSE")["fte"] == 2.1
    assert node_row(loaded, "ADMIN")["headcount"] == 10
    assert loaded.patients["registered"].tolist() == [9000]
    attrs = loaded.attributes.iloc[0]
    assert attrs["practice_name"] == "A SURGERY, THE"  # quoted comma kept
    assert (attrs["sub_icb_code"], attrs["icb_code"], attrs["pcn_code"]) == ("04C", "QK1", "U12345")
    assert set(loaded.workforce["period"]) == {pd.Timestamp(SEP_2024)}
    pd.testing.assert_frame_equal(
        loaded.workforce, tables.conform(loaded.workforce, tables.WORKFORCE)
    )


def test_harmonised_layout_is_recognised_by_ccg_columns(tmp_path: Path) -> None:
    header = "PRAC_CODE,PRAC_NAME,CCG_CODE,CCG_NAME,STP_CODE,STP_NAME," + REQUIRED
    path = write(
        tmp_path,
        header,
        '"C82001","A SURGERY","04C","LEICESTER CITY","QK1","LLR",'
        + "9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5",
    )
    loaded = load_gpw_detailed(path, period=dt.date(2017, 9, 30))
    assert loaded.source.dataset == "gpw-practice-detailed-harmonised"
    assert loaded.attributes.iloc[0]["sub_icb_code"] == "04C"
    assert node_row(loaded, "GP_QUALIFIED")["fte"] == 3.2


def test_harmonised_layout_requires_the_ccg_code(tmp_path: Path) -> None:
    header = "PRAC_CODE,CCG_NAME,CCG_CODE," + REQUIRED
    ok = write(tmp_path, header, '"C82001","X","04C",' + "9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5")
    assert len(load_gpw_detailed(ok, period=SEP_2024).patients) == 1


def test_role_columns_map_to_taxonomy_leaves_and_sum_when_several(tmp_path: Path) -> None:
    roles = (
        "TOTAL_GP_SEN_PTNR_HC,TOTAL_GP_SEN_PTNR_FTE,TOTAL_GP_TRN_GR_ST1_FTE,TOTAL_GP_TRN_GR_ST2_FTE,"
        "TOTAL_GP_TRN_GR_ST3_FTE,TOTAL_GP_TRN_GR_ST4_FTE,TOTAL_GP_TRN_GR_OTH_FTE,TOTAL_GP_TRN_GR_F1_2_FTE,"
        "TOTAL_DPC_PHARMA_FTE,TOTAL_DPC_ADV_PHARMA_PRAC_FTE,TOTAL_ADMIN_RECEPT_FTE"
    )
    path = write(
        tmp_path,
        CURRENT_HEADER + "," + roles,
        ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5," + "2,1.8,0.5,0.25,1,0,0.125,1,0.6,0.4,3.5",
    )
    loaded = load_gpw_detailed(path, period=SEP_2024)
    assert node_row(loaded, "GP_SENIOR_PARTNER")["fte"] == 1.8
    assert node_row(loaded, "GP_REGISTRAR_ST1_2")["fte"] == 0.75  # ST1 + ST2
    assert node_row(loaded, "GP_REGISTRAR_ST3_4")["fte"] == 1
    assert node_row(loaded, "GP_REGISTRAR_F1_2")["fte"] == 1
    # the role total includes "other" training grades, which have no leaf
    assert node_row(loaded, "GP_REGISTRAR")["fte"] == 2.875
    assert node_row(loaded, "DPC_PHARMACIST")["fte"] == 1.0  # pharmacist + advanced pharmacist
    assert pd.isna(node_row(loaded, "DPC_PHARMACIST")["headcount"])  # no HC column given
    reg = tables.resolve(loaded.workforce, "GP_REGISTRAR", load_taxonomy())
    assert reg["fte"].tolist() == [2.875]  # the direct role row wins over its leaves


def test_demography_by_sex_and_age_band(tmp_path: Path) -> None:
    demo = "MALE_GP_HC,FEMALE_GP_HC,MALE_GP_FTE,TOTAL_GP_HC_UNDER30,TOTAL_GP_HC_55TO59,FEMALE_GP_EXTGL_HC_70PLUS,MALE_GP_HC_UNKNOWN_AGE"
    path = write(
        tmp_path,
        CURRENT_HEADER + "," + demo,
        ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5,2,4,1.5,1,3,NA,0",
    )
    d = load_gpw_detailed(path, period=SEP_2024).demography
    got = {(r.node, r.sex, r.age_band): (r.headcount, r.fte) for r in d.itertuples()}
    assert got[("GP", "M", "ALL")] == (2, 1.5)
    assert got[("GP", "F", "ALL")][0] == 4 and pd.isna(got[("GP", "F", "ALL")][1])
    assert got[("GP", "ALL", "<30")][0] == 1
    assert got[("GP", "ALL", "55-59")][0] == 3
    assert got[("GP", "M", "Unknown")][0] == 0  # zero kept
    assert ("GP_QUALIFIED", "F", "70+") not in got  # NA: no row
    pd.testing.assert_frame_equal(d, tables.conform(d, tables.DEMOGRAPHY))


def test_na_nd_and_blank_are_not_available(tmp_path: Path) -> None:
    path = write(tmp_path, CURRENT_HEADER, ORG + ",9000,NA,ND,,,3,2.1,2,1.4,10,7.5")
    wf = load_gpw_detailed(path, period=SEP_2024).workforce
    assert "GP" not in set(wf["node"]) and "GP_QUALIFIED" not in set(wf["node"])
    assert node_row(wf, "NURSE")["fte"] == 2.1


def test_extra_and_unmapped_columns_are_warned_not_fatal(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        CURRENT_HEADER + ",NEW_COLUMN,TOTAL_DPC_NEW_ROLE_FTE,TOTAL_GP_EXL_FTE",
        ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5,x,1,2",
    )
    loaded = load_gpw_detailed(path, period=SEP_2024)
    text = " | ".join(loaded.warnings)
    assert "1 column not recognised and not used: NEW_COLUMN" in text
    assert "TOTAL_DPC_NEW_ROLE_FTE" in text and "staff group's total" in text
    assert "TOTAL_GP_EXL_FTE" not in text  # a known sub-total, silently not loaded


def test_missing_required_columns_named_with_file(tmp_path: Path) -> None:
    header = "PRAC_CODE,SUB_ICB_CODE,TOTAL_PATIENTS,TOTAL_GP_HC"
    path = write(tmp_path, header, '"C82001","04C",9000,6')
    with pytest.raises(ValidationFailed) as err:
        load_gpw_detailed(path, period=SEP_2024)
    missing = {i.location.column for i in err.value.issues}
    assert missing == {
        "TOTAL_GP_FTE", "TOTAL_GP_EXTGL_HC", "TOTAL_GP_EXTGL_FTE", "TOTAL_NURSES_HC",
        "TOTAL_NURSES_FTE", "TOTAL_DPC_HC", "TOTAL_DPC_FTE", "TOTAL_ADMIN_HC", "TOTAL_ADMIN_FTE",
    }  # fmt: skip
    assert all(i.location.file == "gpw.csv" for i in err.value.issues)


def test_not_a_gpw_file(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationFailed, match=r"organisation columns of a GPW practice-level file"
    ):
        load_gpw_detailed(write(tmp_path, "a,b", "1,2"), period=SEP_2024)


def test_bad_number_names_row_and_column(tmp_path: Path) -> None:
    good = ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5"
    bad = ORG.replace("C82001", "C82002") + ",9000,6,4.5,4,3.2,3,two,2,1.4,10,7.5"
    with pytest.raises(ValidationFailed) as err:
        load_gpw_detailed(write(tmp_path, CURRENT_HEADER, good, bad), period=SEP_2024)
    assert "gpw.csv, row 3, column 'TOTAL_NURSES_FTE': must be a number" in str(err.value)


def test_negative_and_duplicate_practice(tmp_path: Path) -> None:
    row = ORG + ",9000,6,-4.5,4,3.2,3,2.1,2,1.4,10,7.5"
    with pytest.raises(ValidationFailed) as err:
        load_gpw_detailed(write(tmp_path, CURRENT_HEADER, row, row), period=SEP_2024)
    where = {(i.location.row, i.location.column) for i in err.value.issues}
    assert where == {(2, "TOTAL_GP_FTE"), (3, "TOTAL_GP_FTE"), (3, "PRAC_CODE")}


def test_census_date_from_the_file(tmp_path: Path) -> None:
    header = "EXTRACT_DATE," + CURRENT_HEADER
    path = write(tmp_path, header, "30SEP2017," + ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5")
    loaded = load_gpw_detailed(path)
    assert loaded.periods == [dt.date(2017, 9, 30)]
    with pytest.raises(ValidationFailed, match=r"agree with the census date given"):
        load_gpw_detailed(path, period=SEP_2024)


def test_census_date_needed_when_file_has_none(tmp_path: Path) -> None:
    path = write(tmp_path, CURRENT_HEADER, ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5")
    with pytest.raises(ValidationFailed, match=r"census-date column"):
        load_gpw_detailed(path)


def test_vintage_is_recorded(tmp_path: Path) -> None:
    path = write(tmp_path, CURRENT_HEADER, ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5")
    a = load_gpw_detailed(path, period=SEP_2024, published=dt.date(2024, 11, 14))
    b = load_gpw_detailed(path, period=SEP_2024, published=dt.date(2025, 1, 9))
    assert a.source_id != b.source_id  # two vintages of one period coexist
    assert "2024-11-14" in a.source_id


@pytest.mark.parametrize("dates", [("31FOO2017", "31FOO2017"), ("30SEP2017", "31OCT2017")])
def test_census_date_column_must_hold_one_date(tmp_path: Path, dates: tuple[str, str]) -> None:
    row = ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5"
    path = write(
        tmp_path,
        "EXTRACT_DATE," + CURRENT_HEADER,
        f"{dates[0]},{ORG}{row}",
        f"{dates[1]},{ORG.replace('C82001', 'C82002')}{row}",
    )
    with pytest.raises(ValidationFailed, match=r"column 'EXTRACT_DATE': must hold one census date"):
        load_gpw_detailed(path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("General Practice – September 2017 Practice Level - Detailed.csv", dt.date(2017, 9, 30)),
        ("General_Practice_February_2024_Practice_Level.csv", dt.date(2024, 2, 29)),
        ("gpw_sept_2017.csv", dt.date(2017, 9, 30)),
    ],
)
def test_census_date_from_the_published_file_name(
    tmp_path: Path, name: str, expected: dt.date
) -> None:
    path = write(tmp_path, CURRENT_HEADER, ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5", name=name)
    assert load_gpw_detailed(path).periods == [expected]
    # a date given explicitly wins over the name
    assert load_gpw_detailed(path, period=SEP_2024).periods == [SEP_2024]


def test_words_that_are_not_months_name_no_period(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        CURRENT_HEADER,
        ORG + ",9000,6,4.5,4,3.2,3,2.1,2,1.4,10,7.5",
        name="decision 2020.csv",
    )
    with pytest.raises(ValidationFailed, match=r"named with its month as published"):
        load_gpw_detailed(path)
