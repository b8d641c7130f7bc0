"""The national view: every practice of the GPW 2023-2025 staff-groups file, under 42 ICBs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.demo import NationalDataset, build_national
from gpworkforce.domain.orgs import OrgType


@pytest.fixture(scope="module")
def national(shared_data: Path) -> NationalDataset:
    return build_national(shared_data)


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "nhs" / "gpw_practice_fy2023_2025_staff_groups.csv")


def test_every_practice_under_one_of_42_icbs(national: NationalDataset, raw: pd.DataFrame) -> None:
    icbs = national.registry.of_type(OrgType.ICB)
    assert len(icbs) == 42
    assert {o.code for o in icbs} >= {"QK1", "QHM", "QWE"}  # LLR, NENC, South West London
    assert set(national.icb_of) == set(raw.dropna(subset=["ICB_NAME"])["Practice.Code"])
    per_year = raw.groupby("Year")["Practice.Code"].nunique().to_dict()
    assert per_year == {2023: 6478, 2024: 6395, 2025: 6293}
    assert len(national.periods) == 3


def test_icb_totals_equal_the_file(national: NationalDataset, raw: pd.DataFrame) -> None:
    wf = national.workforce
    period = pd.Timestamp(max(national.periods))
    gp = wf[(wf["node"] == "GP_QUALIFIED") & (wf["period"] == period)]
    by_icb = gp.assign(icb=gp["practice_code"].map(national.icb_of)).groupby("icb")["fte"].sum()
    year = raw[raw["Year"] == 2025]
    llr = year[year["ICB_NAME"] == "Leicester, Leicestershire and Rutland"]
    assert by_icb["QK1"] == pytest.approx(llr["TOTAL_GP_EXTGL_FTE"].sum())
    assert by_icb.sum() == pytest.approx(year["TOTAL_GP_EXTGL_FTE"].sum())


def test_registry_answers_icb_membership(national: NationalDataset) -> None:
    on = max(national.periods)
    llr = national.registry.practices_under("QK1", on)
    assert 100 < len(llr) < 160
    assert all(national.icb_of[c] == "QK1" for c in llr)
