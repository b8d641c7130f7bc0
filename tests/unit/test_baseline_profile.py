"""Age profile, pyramids, vacancies, series and inequality on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from baseline_fixtures import (
    GPW,
    RET,
    SEP16,
    SEP17,
    demography,
    full_return,
    patients,
    registry,
    vacancies,
    workforce,
)
from gpworkforce.baseline.age import finest_rows, over_55_frame, pyramid_frame
from gpworkforce.baseline.data import BaselineData
from gpworkforce.baseline.series import inequality_frame, series, series_frame
from gpworkforce.baseline.vacancies import vacancies_frame
from gpworkforce.domain.taxonomy import load_taxonomy

R17 = RET.format(p="2017-09-30", v="2017-10-05")
G17 = GPW.format(p="FY2018", v="2018-02-01")
SEP18 = dt.date(2018, 9, 30)


def test_finest_rows_drop_an_ancestor_given_with_its_parts():
    demo = demography(
        [
            ("P00001", SEP17, "GP", "55-59", "M", 3, 2.0, R17),
            ("P00001", SEP17, "GP_SENIOR_PARTNER", "55-59", "M", 1, 1.0, R17),
            ("P00002", SEP17, "GP", "55-59", "M", 2, 2.0, R17),
        ]
    )
    kept = finest_rows(demo, load_taxonomy())
    assert sorted(zip(kept["practice_code"], kept["node"], strict=True)) == [
        ("P00001", "GP_SENIOR_PARTNER"),
        ("P00002", "GP"),
    ]


def test_over_55_without_age_data_is_not_available():
    data = BaselineData(
        workforce=workforce(full_return("P00001", SEP17, R17, {})), registry=registry()
    )
    frame, notes = over_55_frame(data, "CC1", SEP17)
    assert frame["% WTE aged 55+"].isna().all()
    assert frame["WTE age unknown"].isna().all()
    assert any("No age breakdown" in n for n in notes)


def test_pyramid_counts_by_band_and_sex():
    demo = demography(
        [
            ("P00001", SEP17, "GP_PARTNER_PROVIDER", "55-59", "M", 3, 2.0, R17),
            ("P00001", SEP17, "GP_PARTNER_PROVIDER", "55-59", "F", 2, 1.0, R17),
            ("P00002", SEP17, "NURSE_PRACTICE", "30-34", "F", 4, 3.0, R17),
            ("P00002", SEP17, "GP_LOCUM_OTHER", "<30", "U", 1, 0.2, R17),
            ("P00003", SEP17, "GP_PARTNER_PROVIDER", "60-64", "ALL", 1, 1.0, R17),
        ]
    )
    wf = workforce([r for p in ("P00001", "P00002") for r in full_return(p, SEP17, R17, {})])
    data = BaselineData(workforce=wf, registry=registry(), demography=demo)
    all_staff = pyramid_frame(data, "CC1", SEP17, node="ALL").set_index("Age band")
    assert all_staff.loc["55-59", "Male"] == 3
    assert all_staff.loc["55-59", "Female"] == 2
    assert all_staff.loc["30-34", "Female"] == 4
    assert all_staff.loc["<30", "Sex unknown"] == 1
    assert all_staff.loc["40-44", "Total"] == 0  # an age breakdown exists: empty band is 0
    assert all_staff["Total"].sum() == 10  # P00003 is in CC2 in 2017
    gps = pyramid_frame(data, "QQ1", SEP17, node="GP").set_index("Age band")
    assert gps["Total"].sum() == 7
    assert gps.loc["60-64", "Not split"] == 1
    assert gps.loc["30-34", "Total"] == 0


def _vacancy_data() -> BaselineData:
    wf = workforce(
        [
            *full_return(
                "P00001",
                SEP17,
                R17,
                {"GP_SALARIED_BY_PRACTICE": (3, 3.0), "NURSE_PRACTICE": (2, 1.0)},
            ),
            *full_return("P00002", SEP17, R17, {"GP_PARTNER_PROVIDER": (1, 1.0)}),
            ("P00003", SEP17, "GP_QUALIFIED", 2, 2.0, G17),
        ]
    )
    vac = vacancies(
        [
            ("P00001", SEP17, "GP_SALARIED_BY_PRACTICE", 1.0, 4, R17),
            ("P00001", SEP17, "NURSE_PRACTICE", 0.5, 1, R17),
            ("P00001", SEP17, "NURSE", 0.5, None, R17),
        ]
    )
    return BaselineData(workforce=wf, registry=registry(), vacancies=vac)


def test_vacancies_rate_and_long_open():
    frame, notes = vacancies_frame(_vacancy_data(), "QQ1", SEP17, source="returns")
    by = frame.set_index("Node")
    # P00001 and P00002 reported (returns); P00003 has GPW only: left out
    assert any("2 of 3 practices" in n for n in notes)
    assert by.loc["GP", "Vacant WTE"] == 1.0
    assert by.loc["GP", "Vacant 3+ months WTE"] == 1.0
    assert by.loc["GP", "In post WTE"] == 4.0
    assert by.loc["GP", "Vacancy rate %"] == pytest.approx(1.0 / 5.0 * 100)
    assert by.loc["GP_SALARIED", "Vacant WTE"] == 1.0
    assert by.loc["NURSE", "Vacant WTE"] == 1.0  # the role line and the group-level line
    assert by.loc["NURSE_PRACTICE", "Vacant WTE"] == 0.5
    assert by.loc["NURSE", "Vacant 3+ months WTE"] == 0  # months unknown: not long-open
    assert by.loc["ADMIN", "Vacant WTE"] == 0  # returned, none vacant: a real zero
    assert by.loc["TOTAL", "Vacant WTE"] == 2.0
    assert by.loc["TOTAL", "Vacancy rate %"] == pytest.approx(2.0 / (5.0 + 2.0) * 100)


def test_vacancies_not_available_without_returns():
    data = BaselineData(
        workforce=workforce([("P00003", SEP17, "GP_QUALIFIED", 2, 2.0, G17)]), registry=registry()
    )
    frame, _ = vacancies_frame(data, "QQ1", SEP17)
    assert frame["Vacant WTE"].isna().all()
    assert frame["Vacancy rate %"].isna().all()


def _two_years() -> BaselineData:
    r16 = RET.format(p="2016-09-30", v="2016-10-05")
    r18 = RET.format(p="2018-09-30", v="2018-10-05")
    rows = [
        *full_return("P00001", SEP16, r16, {"NURSE_PRACTICE": (1, 1.0)}),
        *full_return("P00003", SEP16, r16, {"NURSE_PRACTICE": (1, 5.0)}),
        *full_return("P00001", SEP17, R17, {"NURSE_PRACTICE": (1, 2.0)}),
        *full_return("P00003", SEP17, R17, {"NURSE_PRACTICE": (1, 5.0)}),
        *full_return("P00001", SEP18, r18, {"NURSE_PRACTICE": (1, 2.5)}),
        *full_return("P00003", SEP18, r18, {"NURSE_PRACTICE": (1, 5.0)}),
    ]
    return BaselineData(workforce=workforce(rows), registry=registry())


def test_series_follows_each_years_hierarchy_and_computes_changes():
    long = series_frame(_two_years(), "CC1", nodes=[("NURSE", "Nurses")])
    values = long.set_index("period")["value"]
    # P00003 joined CC1 in 2018: it counts only from then
    assert values.tolist() == [1.0, 2.0, 7.5]
    assert pd.isna(long["change"].iloc[0])
    assert long["change"].tolist()[1:] == [1.0, 5.5]
    assert long["% change"].iloc[1] == pytest.approx(100.0)
    assert long["change since first"].iloc[2] == pytest.approx(6.5)
    only = series_frame(_two_years(), "CC1", nodes=[("NURSE", "Nurses")], periods=[SEP16, SEP18])
    assert only["change"].iloc[1] == pytest.approx(6.5)


def test_series_report_table_layout():
    table = series(_two_years(), "QQ1", nodes=[("NURSE", "Nurses")])
    assert table.frame["Period"].tolist() == ["2016-09-30", "2017-09-30", "2018-09-30"]
    assert table.frame["Nurses WTE"].tolist() == [6.0, 7.0, 7.5]
    assert len(table.notes) == 1  # all Septembers: no like-with-like warning


def test_inequality_highest_and_lowest_child():
    rows = [
        *full_return("P00001", SEP17, R17, {"GP_PARTNER_PROVIDER": (1, 3.0)}),
        *full_return("P00002", SEP17, R17, {"GP_PARTNER_PROVIDER": (1, 1.0)}),
        *full_return("P00003", SEP17, R17, {"GP_PARTNER_PROVIDER": (1, 1.0)}),
    ]
    pats = patients(
        [
            ("P00001", SEP17, 4000, 3000, "x:1:2018-01-01:a"),
            ("P00002", SEP17, 4000, 5000, "x:1:2018-01-01:a"),
            ("P00003", SEP17, 4000, 2000, "x:1:2018-01-01:a"),
        ]
    )
    data = BaselineData(workforce=workforce(rows), registry=registry(), patients=pats)
    frame = inequality_frame(data, "QQ1", SEP17).set_index("Basis")
    reg = frame.loc["per 1,000 registered"]
    assert reg["Highest"] == "CCG One (CC1)"  # 4 WTE / 8,000 = 0.5
    assert reg["Lowest"] == "CCG Two (CC2)"  # 1 / 4,000 = 0.25
    assert reg["Ratio highest/lowest"] == pytest.approx(2.0)
    assert reg["Gap per 1,000"] == pytest.approx(0.25)
    need = frame.loc["per 1,000 weighted"]
    # weighted: CC1 4 / 8,000 = 0.5, CC2 1 / 2,000 = 0.5 -> no gap once need is allowed for
    assert need["Gap per 1,000"] == pytest.approx(0.0)
    assert need["Children compared"] == 2


def test_over_55_and_vacancies_by_area():
    from gpworkforce.baseline.areas import over_55_by_area_frame, vacancies_by_area_frame

    demo = demography(
        [
            ("P00001", SEP17, "GP_PARTNER_PROVIDER", "55-59", "M", 1, 1.0, R17),
            ("P00001", SEP17, "GP_PARTNER_PROVIDER", "40-44", "F", 1, 3.0, R17),
            ("P00002", SEP17, "NURSE_PRACTICE", "60-64", "F", 1, 0.5, R17),
            ("P00003", SEP17, "ADMIN_RECEPTION", "30-34", "F", 2, 2.0, R17),
            ("P00003", SEP17, "ADMIN_RECEPTION", "Unknown", "F", 1, 1.0, R17),
        ]
    )
    data = _vacancy_data()
    data = BaselineData(
        workforce=data.workforce.loc[data.workforce["practice_code"] != "P00003"],
        registry=registry(),
        demography=demo,
        vacancies=data.vacancies,
    )
    ages, _ = over_55_by_area_frame(data, "QQ1", SEP17)
    by = ages.set_index("org_code")
    assert by.loc["CC1", "GPs % aged 55+"] == pytest.approx(25.0)
    assert by.loc["CC1", "Nurses % aged 55+"] == pytest.approx(100.0)
    assert by.loc["CC2", "Admin/non-clinical % aged 55+"] == 0  # unknown age left out
    assert pd.isna(by.loc["CC2", "GPs % aged 55+"])  # no GP of known age there
    assert by.loc["QQ1", "All staff % aged 55+"] == pytest.approx(1.5 / 6.5 * 100)
    vac, notes = vacancies_by_area_frame(data, "QQ1", SEP17)
    v = vac.set_index("org_code")
    assert v.loc["CC1", "GPs vacant WTE"] == 1.0
    assert v.loc["CC1", "GPs in post WTE"] == 4.0
    assert v.loc["CC1", "GPs vacancy rate %"] == pytest.approx(20.0)
    assert v.loc["CC1", "All staff vacant WTE"] == 2.0
    assert v.loc["CC1", "Admin/non-clinical vacant WTE"] == 0
    # CC2's only practice (P00003) has no return here: vacancies not available, not zero
    assert pd.isna(v.loc["CC2", "GPs vacant WTE"])
    assert pd.isna(v.loc["CC2", "All staff vacancy rate %"])
    assert any("2 of 3 practices" in n for n in notes)
