"""Response rate and the flagged imputation of practices that did not return; the whole report."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from baseline_fixtures import (
    GPW,
    RET,
    demography,
    full_return,
    patients,
    registry,
    vacancies,
    workforce,
)
from gpworkforce.baseline.data import BaselineData, SourceKind, parse_source_id
from gpworkforce.baseline.report import all_levels_frames, baseline_all_levels, baseline_report
from gpworkforce.baseline.response import ImputationStatus, impute_returns, response_frame
from gpworkforce.baseline.staff import staff_by_group_frame
from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UnknownOrganisation

SEP18 = dt.date(2018, 9, 30)
MAR18 = dt.date(2018, 3, 31)
R18 = RET.format(p="2018-09-30", v="2018-10-05")
RMAR = RET.format(p="2018-03-31", v="2018-04-05")
G18 = GPW.format(p="FY2019", v="2019-02-01")


def _quarter() -> BaselineData:
    """Sep 2018, ICB QQ1: P1 returned; P2 returned only in March; P3 has GPW only; P4 nothing."""
    wf = workforce(
        [
            *full_return(
                "P00001",
                SEP18,
                R18,
                {
                    "ADMIN_RECEPTION": (6, 3.0),
                    "ADMIN_MANAGER": (1, 1.0),
                    "GP_PARTNER_PROVIDER": (3, 3.0),
                    "GP_SALARIED_BY_PRACTICE": (1, 1.0),
                },
            ),
            *full_return("P00002", MAR18, RMAR, {"NURSE_PRACTICE": (2, 1.5)}),
            ("P00003", SEP18, "ADMIN", 10, 8.0, G18),
            ("P00003", SEP18, "ADMIN_MANAGER", 1, 1.0, G18),
            ("P00003", SEP18, "GP_QUALIFIED", 2, 2.0, G18),
        ]
    )
    demo = demography([("P00002", MAR18, "NURSE_PRACTICE", "55-59", "F", 2, 1.5, RMAR)])
    vac = vacancies([("P00002", MAR18, "GP_PARTNER_PROVIDER", 1.0, 2, RMAR)])
    return BaselineData(workforce=wf, registry=registry(), demography=demo, vacancies=vac)


def _status(result, practice: str) -> str:
    return result.practices.set_index("practice_code").loc[practice, "status"]


def test_statuses_and_response_rate():
    result = impute_returns(_quarter(), "QQ1", SEP18)
    assert result.expected == 4  # P00004 opened in 2018
    assert result.returned == 1
    assert _status(result, "P00001") == ImputationStatus.RETURNED
    assert _status(result, "P00002") == ImputationStatus.CARRIED_FORWARD
    assert _status(result, "P00003") == ImputationStatus.GPW_SCALED
    assert _status(result, "P00004") == ImputationStatus.MISSING
    summary = response_frame(result).iloc[0]
    assert summary["Response rate %"] == 25.0
    assert summary["Carried forward"] == 1
    assert summary["From GPW (scaled)"] == 1
    assert summary["Coverage after imputation %"] == 75.0
    listing = result.practices.set_index("practice_code")
    assert listing.loc["P00002", "from_period"] == pd.Timestamp(MAR18)
    assert listing.loc["P00002", "from_source_id"] == RMAR


def test_carried_forward_copies_workforce_age_and_vacancies_with_own_source():
    result = impute_returns(_quarter(), "QQ1", SEP18)
    data = result.data
    wf = data.workforce
    moved = wf.loc[(wf["practice_code"] == "P00002") & (wf["period"] == pd.Timestamp(SEP18))]
    assert len(moved) == len(load_leaves())
    ids = set(moved["source_id"])
    assert len(ids) == 1
    new_id = ids.pop()
    assert parse_source_id(new_id).dataset == "practice-return-carried-forward"
    assert parse_source_id(new_id).kind is SourceKind.RETURNS
    assert parse_source_id(new_id).complete_return
    assert (data.demography["source_id"] == new_id).sum() == 1
    assert (data.vacancies["source_id"] == new_id).sum() == 1
    # the original March return is untouched
    assert (wf["source_id"] == RMAR).sum() == len(load_leaves())


def load_leaves() -> list[str]:
    from gpworkforce.domain.taxonomy import load_taxonomy

    return sorted(load_taxonomy().leaves)


def test_gpw_group_totals_apportioned_by_returned_mix():
    result = impute_returns(_quarter(), "QQ1", SEP18)
    wf = result.data.workforce
    imputed = wf.loc[wf["source_id"].str.startswith("practice-return-imputed-gpw")]
    by = imputed.set_index("node")
    # admin: manager given (1.0); the other 7.0 WTE apportioned by P00001's mix (all reception)
    assert by.loc["ADMIN_MANAGER", "fte"] == 1.0
    assert by.loc["ADMIN_RECEPTION", "fte"] == pytest.approx(7.0)
    assert by.loc["ADMIN_TELEPHONIST", "fte"] == 0
    # qualified GPs: partner 3.0 : salaried 1.0 in the returned practice
    assert by.loc["GP_PARTNER_PROVIDER", "fte"] == pytest.approx(1.5)
    assert by.loc["GP_SALARIED_BY_PRACTICE", "fte"] == pytest.approx(0.5)
    assert by.loc["GP_PARTNER_PROVIDER", "headcount"] == pytest.approx(2 * 3 / 4)
    # roles GPW does not cover are not invented
    assert "GP_LOCUM_OTHER" not in by.index
    assert "NURSE_PRACTICE" not in by.index


def test_gpw_kept_unscaled_when_no_practice_returned():
    data = BaselineData(
        workforce=workforce([("P00003", SEP18, "GP_QUALIFIED", 2, 2.0, G18)]), registry=registry()
    )
    result = impute_returns(data, "QQ1", SEP18)
    assert _status(result, "P00003") == ImputationStatus.GPW
    wf = result.data.workforce
    imputed = wf.loc[wf["source_id"].str.startswith("practice-return-imputed-gpw")]
    assert imputed["node"].tolist() == ["GP_QUALIFIED"]
    assert result.returned == 0


def test_imputed_data_analysed_as_returns():
    result = impute_returns(_quarter(), "QQ1", SEP18)
    frame, notes = staff_by_group_frame(result.data, "QQ1", SEP18, source="returns")
    icb = frame.set_index("org_code").loc["QQ1"]
    # nurses: P1 0 + P2 carried 1.5; P3 (GPW, no nurses) has no figure and P4 nothing
    assert icb["Nurses WTE"] == 1.5
    assert icb["Admin/non-clinical WTE"] == pytest.approx(4.0 + 8.0)
    assert any("2 of 4 practices" in n for n in notes)


def test_carry_forward_limited_in_time():
    result = impute_returns(_quarter(), "QQ1", SEP18, max_carry_days=30)
    assert _status(result, "P00002") == ImputationStatus.MISSING


def test_imputation_needs_unselected_data():
    with pytest.raises(ValueError):
        impute_returns(_quarter().select("returns"), "QQ1", SEP18)


def test_baseline_report_from_returns_includes_response_and_flags():
    tables = baseline_report(_quarter(), "QQ1", SEP18, source="returns")
    keys = [t.key for t in tables]
    assert keys[:4] == ["staff_by_group", "staff_by_role", "per_thousand", "target_gap"]
    assert "response_rate" in keys and "imputation" in keys
    assert "over_55" in keys and "pyramid_all" in keys and "pyramid_gp" in keys
    assert "vacancies" in keys
    assert "inequality" in keys  # two CCGs
    assert "series" not in keys  # one September only
    for t in tables:
        assert t.title and isinstance(t.frame, pd.DataFrame)
    roles = next(t for t in tables if t.key == "staff_by_role")
    assert "GP partner WTE" in roles.frame.columns
    assert "Pharmacist WTE" not in roles.frame.columns  # nobody in that role: left out, noted
    assert any(n.startswith("No staff recorded in:") and "Pharmacist" in n for n in roles.notes)


def test_baseline_report_from_gpw_falls_back_to_qualified_gps():
    pats = patients([("P00003", SEP18, 4000, None, "gpw:FY2019:2019-02-01:a")])
    data = BaselineData(workforce=_quarter().workforce, registry=registry(), patients=pats)
    tables = {t.key: t for t in baseline_report(data, "CC1", SEP18, source="gpw")}
    assert "response_rate" not in tables
    assert "over_55" not in tables and "locums" not in tables and "vacancies" not in tables
    gap = tables["target_gap"].frame.set_index("org_code").loc["CC1"]
    assert gap["WTE"] == 2.0
    assert gap["WTE per 1,000"] == pytest.approx(0.5)
    assert any("Fully qualified GPs" in n for n in tables["staff_by_group"].notes)
    with pytest.raises(UnknownOrganisation):
        baseline_report(data, "NOPE1", SEP18)


def test_all_levels_one_row_per_org():
    data = _quarter()
    frames = all_levels_frames(data, SEP18, source="returns")
    assert set(frames) == {OrgType.ICB, OrgType.SUB_ICB}  # no PCNs in this registry
    sub = frames[OrgType.SUB_ICB].set_index("org_code")
    assert sub.loc["CC1", "practices"] == 3  # P3 moved to CC1 in 2018
    assert sub.loc["CC1", "GPs excl. registrars WTE"] == 4.0
    icb = frames[OrgType.ICB].set_index("org_code")
    assert icb.loc["QQ1", "Admin/non-clinical WTE"] == 4.0
    tables = baseline_all_levels(data, SEP18, source="returns")
    assert [t.key for t in tables] == ["all_icb", "all_sub_icb"]
