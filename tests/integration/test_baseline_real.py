"""Baseline analytics on the real NHS Digital practice-year files and the national registry.

Acceptance (issue 2): from the real practice-year file, LLR September 2017 (Year 2018) qualified GP
FTE 03W 177.4, 04C 153.9, 04V 188.3, LLR 519.6; registered patients 1,120,132; GP FTE per 1,000
= 0.464. National: every one of the 42 ICBs in the all-levels output of the staff-groups file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.baseline import BaselineData, TargetConfig, staff_by_group_frame, target_gap_frame
from gpworkforce.baseline.report import all_levels_frames, baseline_report
from gpworkforce.baseline.scope import practice_level_map
from gpworkforce.baseline.series import series_frame
from gpworkforce.domain.orgs import OrgType
from gpworkforce.loaders import (
    build_registry,
    load_practice_year_gp_admin,
    load_practice_year_staff_groups,
)

SEP17 = dt.date(2017, 9, 30)
FY2024 = dt.date(2024, 3, 31)


@pytest.fixture(scope="module")
def gp_admin(shared_data: Path) -> BaselineData:
    loaded = load_practice_year_gp_admin(
        shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv"
    )
    return BaselineData(
        workforce=loaded.workforce, registry=build_registry(shared_data), patients=loaded.patients
    )


@pytest.fixture(scope="module")
def staff_groups(shared_data: Path) -> BaselineData:
    loaded = load_practice_year_staff_groups(
        shared_data / "nhs" / "gpw_practice_fy2023_2025_staff_groups.csv"
    )
    return BaselineData(
        workforce=loaded.workforce, registry=build_registry(shared_data), patients=loaded.patients
    )


def test_llr_september_2017_qualified_gps(gp_admin: BaselineData) -> None:
    target = TargetConfig(node="GP_QUALIFIED")
    frame, _ = target_gap_frame(gp_admin, "QK1", SEP17, target=target, source="gpw")
    rows = frame.set_index("org_code")
    assert rows.loc[["03W", "04C", "04V"], "row"].tolist() == ["child"] * 3
    assert round(float(rows.loc["03W", "WTE"]), 1) == 177.4
    assert round(float(rows.loc["04C", "WTE"]), 1) == 153.9
    assert round(float(rows.loc["04V", "WTE"]), 1) == 188.3
    assert round(float(rows.loc["QK1", "WTE"]), 1) == 519.6
    assert rows.loc["QK1", "Registered patients"] == 1_120_132
    assert round(float(rows.loc["QK1", "WTE per 1,000"]), 3) == 0.464
    # CCG figures add up to the LLR figure (FTE is additive)
    assert rows.loc[["03W", "04C", "04V"], "WTE"].sum() == pytest.approx(519.6)


def test_llr_2017_report_from_gpw(gp_admin: BaselineData) -> None:
    tables = {t.key: t for t in baseline_report(gp_admin, "QK1", SEP17, source="gpw")}
    staff = tables["staff_by_group"].frame.set_index("org_code")
    label = "Fully qualified GPs (excluding trainees and locums) WTE"
    assert round(float(staff.loc["QK1", label]), 1) == 519.6
    assert pd.isna(staff.loc["QK1", "Nurses WTE"])  # not in this file: NA, not zero
    assert staff.loc["QK1", "Admin/non-clinical WTE"] > 0
    # the September series runs 2015-2019 and includes the 2017 figure
    series = tables["series"].frame.set_index("Period")
    assert round(float(series.loc["2017-09-30", label]), 1) == 519.6
    assert list(series.index) == [f"{y}-09-30" for y in range(2015, 2020)]
    assert "inequality" in tables


def test_each_period_aggregates_by_its_own_hierarchy(gp_admin: BaselineData) -> None:
    # A81001 was under CCG 00K in 2017; by 2022 under sub-ICB 16C (registry, dated links)
    old, _ = staff_by_group_frame(gp_admin, "00K", SEP17, source="gpw", gp_node="GP_QUALIFIED")
    new, _ = staff_by_group_frame(
        gp_admin,
        "16C",
        dt.date(2022, 3, 31),
        source="gpw",
        gp_node="GP_QUALIFIED",
        child_level=OrgType.PRACTICE,
    )
    by_pcn, _ = staff_by_group_frame(gp_admin, "16C", dt.date(2022, 3, 31), source="gpw")
    assert by_pcn["org_code"].iloc[0].startswith("U")  # in 2022 its children are PCNs
    assert "A81001" in set(old["org_code"])
    assert "A81001" in set(new["org_code"])
    assert "A81001" not in set(
        staff_by_group_frame(gp_admin, "16C", SEP17, source="gpw")[0]["org_code"]
    )
    children = old.loc[old["row"] == "child"]
    label = "Fully qualified GPs (excluding trainees and locums) WTE"
    total = old.loc[old["row"] == "total", label].iloc[0]
    assert children[label].sum() == pytest.approx(total)


def test_series_sept_to_sept(gp_admin: BaselineData) -> None:
    long = series_frame(
        gp_admin, "QK1", nodes=[("GP_QUALIFIED", "GPs")], september_only=True, source="gpw"
    )
    assert [p.year for p in long["period"]] == [2015, 2016, 2017, 2018, 2019]
    value = long.set_index("period")["value"]
    change = long.set_index("period")["change"]
    assert change[pd.Timestamp(SEP17)] == pytest.approx(
        value[pd.Timestamp(SEP17)] - value[pd.Timestamp(dt.date(2016, 9, 30))]
    )


def test_national_all_levels(staff_groups: BaselineData) -> None:
    frames = all_levels_frames(staff_groups, FY2024, source="gpw")
    icb, sub, pcn = frames[OrgType.ICB], frames[OrgType.SUB_ICB], frames[OrgType.PCN]
    assert len(icb) == 42
    assert icb["org_code"].str.match(r"^Q[A-Z0-9]{2}$").all()
    wte = "Fully qualified GPs (excluding trainees and locums) WTE"
    assert icb[wte].notna().all()
    assert icb["Nurses WTE"].notna().all() and icb["Total WTE"].notna().all()
    # FTE adds up: every level sums to the same national figure
    mapped = practice_level_map(staff_groups.registry, FY2024, OrgType.ICB)
    wf = staff_groups.workforce
    national = wf.loc[
        (wf["period"] == pd.Timestamp(FY2024))
        & (wf["node"] == "NURSE")
        & wf["practice_code"].isin(list(mapped)),
        "fte",
    ].sum()
    assert icb["Nurses WTE"].sum() == pytest.approx(national)
    assert sub["Nurses WTE"].sum() == pytest.approx(national)
    assert len(sub) > 100 and len(pcn) > 1000
    assert pcn["Nurses WTE"].sum() <= national + 1e-6  # some practices are in no PCN
    per = icb["Nurses per 1,000 registered"]
    assert ((per > 0.1) & (per < 1.0)).all()
