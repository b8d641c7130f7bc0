"""Returns -> canonical WORKFORCE, DEMOGRAPHY and VACANCIES tables."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from gpworkforce.domain.measures import FteConvention
from gpworkforce.returns import return_to_tables, returns_to_tables
from gpworkforce.tables import DEMOGRAPHY, VACANCIES, WORKFORCE, resolve
from returns_support import CENSUS, TAXONOMY, base_return


def _cell(frame: pd.DataFrame, node: str, col: str) -> float:
    row = frame.loc[frame["node"] == node, col]
    assert len(row) == 1, f"{node}: {len(row)} rows"
    return float(row.iloc[0])


def test_every_leaf_has_a_row_and_absent_roles_are_zero() -> None:
    wf = return_to_tables(base_return(), "src-1").workforce
    assert dict(wf.dtypes.astype(str)) == dict(WORKFORCE)
    assert sorted(wf["node"]) == sorted(TAXONOMY.leaves)
    assert _cell(wf, "NURSE_ANP", "headcount") == 0.0
    assert _cell(wf, "NURSE_ANP", "fte") == 0.0
    assert not wf[["headcount", "fte"]].isna().any().any()
    assert set(wf["source_id"]) == {"src-1"}
    assert set(wf["practice_code"]) == {"C82001"}
    assert set(wf["period"]) == {pd.Timestamp(CENSUS)}


def test_hours_and_sessions_convert_with_the_declared_convention() -> None:
    wf = return_to_tables(base_return()).workforce
    # 3 partners, 22.5 sessions at 9 a WTE; 2 practice nurses, 52.5 hours at 37.5 an FTE
    assert _cell(wf, "GP_PARTNER_PROVIDER", "fte") == pytest.approx(2.5)
    assert _cell(wf, "NURSE_PRACTICE", "fte") == pytest.approx(1.4)
    assert _cell(wf, "GP_REGISTRAR_ST3_4", "fte") == pytest.approx(40 / 37.5)
    eight = FteConvention(gp_sessions_per_wte=8)
    wf8 = return_to_tables(base_return(), convention=eight).workforce
    assert _cell(wf8, "GP_PARTNER_PROVIDER", "fte") == pytest.approx(22.5 / 8)
    assert _cell(wf8, "NURSE_PRACTICE", "fte") == pytest.approx(1.4)


def test_locums_become_the_locum_leaves() -> None:
    wf = return_to_tables(base_return()).workforce
    assert _cell(wf, "GP_LOCUM_VACANCY", "headcount") == 2
    assert _cell(wf, "GP_LOCUM_VACANCY", "fte") == pytest.approx(7.5 / 9)
    assert _cell(wf, "GP_LOCUM_OTHER", "fte") == pytest.approx(2 / 9)
    assert _cell(wf, "GP_LOCUM_ABSENCE", "headcount") == 0


def test_lines_of_one_role_are_summed_and_resolve_rolls_up() -> None:
    ret = base_return()
    extra = dataclasses.replace(ret.staff[0], age_band=ret.staff[1].age_band, headcount=1)
    ret = dataclasses.replace(ret, staff=(*ret.staff, extra))
    wf = return_to_tables(ret).workforce
    assert _cell(wf, "GP_PARTNER_PROVIDER", "headcount") == 4
    target = resolve(wf, "GP_TARGET", TAXONOMY)
    # partners 4 + 1 senior, locums 2 + 1; registrars excluded
    assert float(target["headcount"].iloc[0]) == 8
    expected_fte = (22.5 * 2 + 8 + 7.5 + 2) / 9
    assert float(target["fte"].iloc[0]) == pytest.approx(expected_fte)


def test_demography_rows_by_age_band_and_sex() -> None:
    demo = return_to_tables(base_return()).demography
    assert dict(demo.dtypes.astype(str)) == dict(DEMOGRAPHY)
    nurse = demo[demo["node"] == "NURSE_PRACTICE"]
    assert nurse[["age_band", "sex"]].values.tolist() == [["55-59", "F"]]
    locum = demo[demo["node"] == "GP_LOCUM_OTHER"]
    assert locum[["age_band", "sex"]].values.tolist() == [["Unknown", "U"]]
    wf = return_to_tables(base_return()).workforce
    assert demo["headcount"].sum() == wf["headcount"].sum()
    assert demo["fte"].sum() == pytest.approx(wf["fte"].sum())


def test_vacancies_per_line_and_zero_for_other_roles() -> None:
    vac = return_to_tables(base_return()).vacancies
    assert dict(vac.dtypes.astype(str)) == dict(VACANCIES)
    assert sorted(vac["node"]) == sorted(TAXONOMY.leaves)
    assert _cell(vac, "GP_SALARIED_BY_PRACTICE", "vacancy_wte") == 1.0
    assert _cell(vac, "GP_SALARIED_BY_PRACTICE", "months_open") == 4.0
    nurse = vac[vac["node"] == "NURSE_ANP"].iloc[0]
    assert nurse["vacancy_wte"] == 0.0
    assert pd.isna(nurse["months_open"])


def test_many_returns_equal_one_at_a_time() -> None:
    rets = [base_return(), base_return("C82002", dt.date(2017, 12, 31))]
    many = returns_to_tables(rets)
    for ret in rets:
        one = return_to_tables(ret)
        for attr in ("workforce", "demography", "vacancies"):
            part = getattr(many, attr)
            part = part[part["practice_code"] == ret.practice_code].reset_index(drop=True)
            pd.testing.assert_frame_equal(part, getattr(one, attr))


def test_no_returns_gives_empty_tables_of_the_right_shape() -> None:
    empty = returns_to_tables([])
    assert list(empty.workforce.columns) == list(WORKFORCE)
    assert len(empty.workforce) == len(empty.demography) == len(empty.vacancies) == 0


def test_source_ids_must_match_returns() -> None:
    with pytest.raises(ValueError, match="one id per return"):
        returns_to_tables([base_return()], source_ids=["a", "b"])
