"""Practice-year loader behaviour on small hand-made files (extra columns, NA, bad cells)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.loaders import load_practice_year_gp_admin, load_practice_year_staff_groups

HEADER = (
    '"Practice.Code","Year","TOTAL_PATIENTS","TOTAL_GP_EXTGL_HC","TOTAL_GP_EXTGL_FTE",'
    '"TOTAL_ADMIN_FTE","TOTAL_ADMIN_MANAGER_FTE","TOTAL_ADMIN_RECEPT_FTE",'
    '"TOTAL_ADMIN_TELEPH_FTE","IMD","IMD_quintile"'
)


def write(tmp_path: Path, *lines: str, name: str = "gp_admin.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_rows_become_nodes_at_the_census_date(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, '"C82001","2018",9000,5,4.2,10,1,6,0,20.5,"3"')
    loaded = load_practice_year_gp_admin(path)
    wf = loaded.workforce.set_index("node")
    assert wf.loc["GP_QUALIFIED", "headcount"] == 5
    assert wf.loc["GP_QUALIFIED", "fte"] == 4.2
    assert pd.isna(wf.loc["ADMIN", "headcount"])  # the file has no admin headcount
    assert wf.loc["ADMIN_RECEPTION", "fte"] == 6
    assert wf.loc["ADMIN_TELEPHONIST", "fte"] == 0  # zero is zero, not NA
    assert set(wf["period"]) == {pd.Timestamp("2017-09-30")}
    assert loaded.patients["registered"].tolist() == [9000]
    assert loaded.patients["weighted"].isna().all()
    assert loaded.warnings == ()


def test_na_tokens_are_not_available(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        '"C82001","2021",9000,NA,NA,10,1,6,ND,NA,NA',
        '"C82002","2021",8000,,,10,1,6,1,,',
    )
    loaded = load_practice_year_gp_admin(path)
    assert "GP_QUALIFIED" not in set(loaded.workforce["node"])  # no row = not available
    teleph = loaded.workforce[loaded.workforce["node"] == "ADMIN_TELEPHONIST"]
    assert teleph["practice_code"].tolist() == ["C82002"]
    assert loaded.attributes["imd_score"].isna().all()
    assert set(loaded.workforce["period"]) == {pd.Timestamp("2021-03-31")}


def test_extra_columns_are_tolerated_and_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ',"PRAC_NAME","NEW_MEASURE"',
        '"C82001","2018",9000,5,4.2,10,1,6,0,20.5,"3","A SURGERY",7',
    )
    loaded = load_practice_year_gp_admin(path)
    assert len(loaded.warnings) == 1
    assert "PRAC_NAME" in loaded.warnings[0] and "NEW_MEASURE" in loaded.warnings[0]


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, '"Practice.Code","Year","TOTAL_PATIENTS"', '"C82001","2018",9000')
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(path)
    text = str(err.value)
    assert "gp_admin.csv" in text
    for col in ("TOTAL_GP_EXTGL_HC", "TOTAL_GP_EXTGL_FTE", "TOTAL_ADMIN_FTE"):
        assert f"column '{col}': must be present" in text
    assert len(err.value.issues) == 3


def test_bad_numbers_name_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        '"C82001","2018",9000,5,4.2,10,1,6,0,20.5,"3"',
        '"C82002","2018",9000,five,4.2,10,1,6,0,20.5,"3"',
        '"C82003","2018",9000,5,4.2,10,1,6,0,20.5,"3"',
    )
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(path)
    text = str(err.value)
    assert "gp_admin.csv, row 3, column 'TOTAL_GP_EXTGL_HC': must be a number" in text
    assert "got 'five'" in text


def test_negative_bad_year_bad_code_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        '"C82001","2018",9000,5,-4.2,10,1,6,0,20.5,"3"',
        '"c 82","2018",9000,5,4.2,10,1,6,0,20.5,"3"',
        '"C82003","2018.5",9000,5,4.2,10,1,6,0,20.5,"3"',
    )
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(path)
    where = {(i.location.row, i.location.column) for i in err.value.issues}
    assert where == {(2, "TOTAL_GP_EXTGL_FTE"), (3, "Practice.Code"), (4, "Year")}


def test_duplicate_practice_year_rejected(tmp_path: Path) -> None:
    row = '"C82001","2018",9000,5,4.2,10,1,6,0,20.5,"3"'
    with pytest.raises(ValidationFailed, match=r"row 3, column 'Practice.Code': must appear once"):
        load_practice_year_gp_admin(write(tmp_path, HEADER, row, row))


def test_implausible_fte_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, '"C82001","2018",9000,1,3.5,10,1,6,0,20.5,"3"')
    loaded = load_practice_year_gp_admin(path)
    assert loaded.workforce.set_index("node").loc["GP_QUALIFIED", "fte"] == 3.5
    assert any(
        "where the WTE of fully qualified GPs is more than 2 times their headcount" in w
        for w in loaded.warnings
    )


def test_size_limit_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, '"C82001","2018",9000,5,4.2,10,1,6,0,20.5,"3"')
    with pytest.raises(InputFileError, match=r"must be at most"):
        load_practice_year_gp_admin(path, max_bytes=50)
    with pytest.raises(InputFileError, match=r"no such file"):
        load_practice_year_gp_admin(tmp_path / "absent.csv")


def test_cp1252_file_loads(tmp_path: Path) -> None:
    header = '"Practice.Code","Year","ICB_NAME","TOTAL_PATIENTS",' + ",".join(
        f'"TOTAL_{s}_{m}"'
        for s in ("GP_EXTGL", "LOCUUM_TRN", "NURSES", "DPC", "ADMIN")
        for m in ("HC", "FTE")
    )
    path = write(
        tmp_path,
        header,
        '"C82001","2024","Leicester – Café ICB",9000,5,4,2,1,3,2,1,1,9,7',
        encoding="cp1252",
    )
    loaded = load_practice_year_staff_groups(path)
    assert loaded.attributes["icb_name"].tolist() == ["Leicester – Café ICB"]
    locum = loaded.workforce.set_index("node").loc["GP_LOCUM_AND_TRAINEE"]
    assert (locum["headcount"], locum["fte"]) == (2, 1)


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        ('"C82004","2018",9,000,5,4.2,10,1,6,0,20.5,"3"', 12),  # thousands separator unquoted
        ('"C82004","2018",9000,5,4.2', 5),  # truncated row
    ],
)
def test_rows_with_wrong_field_count_are_rejected(tmp_path: Path, row: str, fields: int) -> None:
    ok = '"C82001","2018",9000,5,4.2,10,1,6,0,20.5,"3"'
    with pytest.raises(ValidationFailed) as err:
        load_practice_year_gp_admin(write(tmp_path, HEADER, ok, row))
    assert (
        f"row 3: must have 11 comma-separated fields like the header, got {fields} fields"
        in str(err.value)
    )
