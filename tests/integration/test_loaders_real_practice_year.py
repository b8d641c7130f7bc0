"""GPW practice-year files (real) through the loaders, incl. the issue's LLR acceptance figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce import tables
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.provenance import sha256_of_file
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.loaders import (
    LoadedWorkforce,
    build_registry,
    load_practice_year_gp_admin,
    load_practice_year_staff_groups,
)

GP_ADMIN = "gpw_practice_fy2016_2024_gp_admin.csv"
STAFF_GROUPS = "gpw_practice_fy2023_2025_staff_groups.csv"
SEP_2017 = pd.Timestamp("2017-09-30")


@pytest.fixture(scope="module")
def gp_admin(shared_data: Path) -> LoadedWorkforce:
    return load_practice_year_gp_admin(shared_data / "nhs" / GP_ADMIN)


@pytest.fixture(scope="module")
def staff_groups(shared_data: Path) -> LoadedWorkforce:
    return load_practice_year_staff_groups(shared_data / "nhs" / STAFF_GROUPS)


def test_llr_september_2017_acceptance(shared_data: Path, gp_admin: LoadedWorkforce) -> None:
    # Issue 2 acceptance (LLR GP Workforce Plan, Sep 2017): qualified GP FTE 03W 177.4,
    # 04C 153.9, 04V 188.3 (LLR 519.6); registered patients 1,120,132; 137 of 141 practices.
    ccg_of = build_registry(shared_data).practice_map(SEP_2017.date(), OrgType.SUB_ICB)
    llr = {p: c for p, c in ccg_of.items() if c in ("03W", "04C", "04V")}
    gp = tables.resolve(gp_admin.workforce, "GP_QUALIFIED", load_taxonomy())
    gp = gp[(gp["period"] == SEP_2017) & gp["practice_code"].isin(llr)]
    fte = gp.groupby(gp["practice_code"].map(llr))["fte"].sum()
    assert fte.round(1).to_dict() == {"03W": 177.4, "04C": 153.9, "04V": 188.3}
    assert round(float(fte.sum()), 1) == 519.6
    pts = gp_admin.patients
    pts = pts[(pts["period"] == SEP_2017) & pts["practice_code"].isin(llr)]
    assert len(pts) == 137
    assert int(pts["registered"].sum()) == 1_120_132
    assert round(float(fte.sum()) / int(pts["registered"].sum()) * 1000, 3) == 0.464


def test_gp_admin_tables_conform_and_carry_source(
    shared_data: Path, gp_admin: LoadedWorkforce
) -> None:
    path = shared_data / "nhs" / GP_ADMIN
    assert gp_admin.source.sha256 == sha256_of_file(path)
    assert gp_admin.source.file_name == GP_ADMIN
    for frame, spec in (
        (gp_admin.workforce, tables.WORKFORCE),
        (gp_admin.patients, tables.PATIENTS),
    ):
        pd.testing.assert_frame_equal(frame, tables.conform(frame, spec))
        assert set(frame["source_id"]) == {gp_admin.source_id}
    assert set(gp_admin.workforce["node"]) == {
        "GP_QUALIFIED",
        "ADMIN",
        "ADMIN_MANAGER",
        "ADMIN_RECEPTION",
        "ADMIN_TELEPHONIST",
    }
    assert gp_admin.periods[:3] == [
        dt.date(2015, 9, 30),
        dt.date(2016, 9, 30),
        dt.date(2017, 9, 30),
    ]
    assert gp_admin.periods[-1] == dt.date(2024, 3, 31)


def test_na_in_file_stays_not_available(shared_data: Path, gp_admin: LoadedWorkforce) -> None:
    raw = pd.read_csv(shared_data / "nhs" / GP_ADMIN, dtype={"Practice.Code": str})
    na_fte = raw[raw["TOTAL_GP_EXTGL_FTE"].isna()]
    assert len(na_fte) > 0
    gp = gp_admin.workforce[gp_admin.workforce["node"] == "GP_QUALIFIED"]
    row = na_fte.iloc[0]
    census = {
        2016: "2015-09-30",
        2017: "2016-09-30",
        2018: "2017-09-30",
        2019: "2018-09-30",
        2020: "2019-09-30",
    }.get(int(row["Year"]), f"{int(row['Year'])}-03-31")
    got = gp[(gp["practice_code"] == row["Practice.Code"]) & (gp["period"] == pd.Timestamp(census))]
    assert got.empty or (got["fte"].isna().all())
    # and zero stays zero
    assert (gp["fte"] == 0).sum() == (raw["TOTAL_GP_EXTGL_FTE"] == 0).sum()
    assert gp["fte"].sum() == pytest.approx(raw["TOTAL_GP_EXTGL_FTE"].sum())


def test_imd_is_a_practice_attribute(gp_admin: LoadedWorkforce) -> None:
    attrs = gp_admin.attributes
    assert {"practice_code", "period", "imd_score", "imd_quintile"} <= set(attrs.columns)
    a = attrs[(attrs["practice_code"] == "A81001") & (attrs["period"] == SEP_2017)]
    assert float(a["imd_score"].iloc[0]) == pytest.approx(31.55578203)


def test_staff_groups_national_scale(shared_data: Path, staff_groups: LoadedWorkforce) -> None:
    wf = staff_groups.workforce
    assert staff_groups.periods == [
        dt.date(2023, 3, 31),
        dt.date(2024, 3, 31),
        dt.date(2025, 3, 31),
    ]
    per_year = staff_groups.patients.groupby(staff_groups.patients["period"].dt.year).size()
    raw = pd.read_csv(shared_data / "nhs" / STAFF_GROUPS, usecols=["Year"])
    assert per_year.to_dict() == raw["Year"].value_counts().to_dict()
    assert per_year.between(6200, 6600).all()  # the national scale
    assert {
        "GP_QUALIFIED",
        "GP_LOCUM_AND_TRAINEE",
        "NURSE",
        "DPC",
        "ADMIN",
        "GP_SENIOR_PARTNER",
        "GP_PARTNER_PROVIDER",
        "NURSE_PARTNER",
        "ADMIN_PARTNER",
    } == set(wf["node"])
    assert "icb_name" in staff_groups.attributes.columns
    # GP = qualified + locums/trainees: the taxonomy's GP group resolves from its parts only if
    # every part is present, so it is not available here (no registrar/locum split) -> no rows
    gp = tables.resolve(wf, "GP", load_taxonomy())
    assert gp.empty or gp["fte"].isna().all()
