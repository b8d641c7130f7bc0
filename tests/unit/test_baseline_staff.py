"""Source selection, hierarchy dating and staff numbers on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from baseline_fixtures import GPW, RET, SEP16, SEP17, full_return, registry, workforce
from gpworkforce.baseline.data import (
    BaselineData,
    SourceKind,
    chosen_sources,
    parse_source_id,
)
from gpworkforce.baseline.scope import build_scope
from gpworkforce.baseline.staff import staff_by_group, staff_by_group_frame, staff_by_role_frame
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.errors import UnknownOrganisation

R17 = RET.format(p="2017-09-30", v="2017-10-05")
G17 = GPW.format(p="FY2018", v="2018-02-01")


def _row(frame: pd.DataFrame, code: str) -> pd.Series:
    return frame.set_index("org_code").loc[code]


def test_parse_source_id_and_kind():
    parts = parse_source_id("gpw-practice-year:FY2018:2024-01-02:abcdef")
    assert (parts.dataset, parts.period, parts.vintage, parts.digest) == (
        "gpw-practice-year",
        "FY2018",
        "2024-01-02",
        "abcdef",
    )
    assert parts.kind is SourceKind.GPW
    assert parse_source_id(R17).kind is SourceKind.RETURNS
    assert parse_source_id("payments:2017:unknown-vintage:x").kind is None
    assert parse_source_id("payments:2017:unknown-vintage:x").vintage_key == ""


def test_newest_vintage_of_the_chosen_kind_wins():
    old = GPW.format(p="FY2018", v="2021-12-01")
    new = GPW.format(p="FY2018", v="2022-07-01")
    unknown = "gpw-practice-year:FY2018:unknown-vintage:zzzz"
    wf = workforce(
        [
            ("P00001", SEP17, "GP_QUALIFIED", 2, 1.0, old),
            ("P00001", SEP17, "GP_QUALIFIED", 3, 2.0, new),
            ("P00001", SEP17, "GP_QUALIFIED", 9, 9.0, unknown),
            ("P00001", SEP17, "GP_QUALIFIED", 4, 4.0, R17),
        ]
    )
    gpw = chosen_sources(wf, SourceKind.GPW)
    assert gpw["source_id"].tolist() == [new]
    ret = chosen_sources(wf, SourceKind.RETURNS)
    assert ret["source_id"].tolist() == [R17]
    # any kind: newest vintage overall (the return, published 2017-10-05, is older than 2022)
    assert chosen_sources(wf, None)["source_id"].tolist() == [new]
    # the result does not depend on row order
    shuffled = wf.iloc[::-1].reset_index(drop=True)
    assert chosen_sources(shuffled, SourceKind.GPW)["source_id"].tolist() == [new]


def test_selected_bundle_sums_one_source_only():
    new = GPW.format(p="FY2018", v="2022-07-01")
    old = GPW.format(p="FY2018", v="2021-12-01")
    wf = workforce(
        [
            ("P00001", SEP17, "GP_QUALIFIED", 2, 1.0, old),
            ("P00001", SEP17, "GP_QUALIFIED", 3, 2.5, new),
        ]
    )
    data = BaselineData(workforce=wf, registry=registry(), source=SourceKind.GPW).select()
    assert data.workforce["fte"].tolist() == [2.5]
    assert data.select() is data
    with pytest.raises(ValueError):
        data.select(SourceKind.RETURNS)


def test_scope_follows_the_hierarchy_in_force_on_the_date():
    reg = registry()
    s17 = build_scope(reg, "CC1", SEP17)
    assert s17.practices == ["P00001", "P00002"]
    assert s17.child_level == OrgType.PRACTICE
    s18 = build_scope(reg, "CC1", dt.date(2018, 9, 30))
    assert s18.practices == ["P00001", "P00002", "P00003"]
    icb = build_scope(reg, "qq1", SEP17)
    assert icb.child_level == OrgType.SUB_ICB
    assert icb.members == {"P00001": "CC1", "P00002": "CC1", "P00003": "CC2"}
    # P00004 opened in 2018: not in scope in 2017
    assert "P00004" not in icb.members
    with pytest.raises(UnknownOrganisation):
        build_scope(reg, "ZZZ", SEP17)


def _llr_like() -> BaselineData:
    rows = [
        *full_return(
            "P00001",
            SEP17,
            R17,
            {
                "GP_PARTNER_PROVIDER": (2, 1.5),
                "GP_REGISTRAR_ST3_4": (1, 1.0),
                "GP_LOCUM_OTHER": (1, 0.2),
                "NURSE_PRACTICE": (2, 1.2),
                "DPC_HCA": (1, 0.6),
                "ADMIN_RECEPTION": (4, 3.0),
            },
        ),
        *full_return(
            "P00002",
            SEP17,
            R17,
            {"GP_SALARIED_BY_PRACTICE": (3, 2.0), "NURSE_ANP": (1, 1.0), "ADMIN_MANAGER": (1, 1.0)},
        ),
        *full_return(
            "P00003",
            SEP17,
            R17,
            {"GP_SENIOR_PARTNER": (1, 1.1), "ADMIN_OTHER_UNSPECIFIED": (2, 0.5)},
        ),
    ]
    return BaselineData(workforce=workforce(rows), registry=registry())


def test_staff_by_group_children_and_total():
    frame, _ = staff_by_group_frame(_llr_like(), "QQ1", SEP17, source="returns")
    assert frame["org_code"].tolist() == ["CC1", "CC2", "QQ1"]
    assert frame["row"].tolist() == ["child", "child", "total"]
    cc1, cc2, icb = (_row(frame, c) for c in ("CC1", "CC2", "QQ1"))
    # GPs excl. registrars: partner 1.5 + locum 0.2 + salaried 2.0; registrar excluded
    assert cc1["GPs excl. registrars WTE"] == pytest.approx(3.7)
    assert cc1["GPs excl. registrars HC"] == 6
    assert cc1["Nurses WTE"] == pytest.approx(2.2)
    assert cc1["Other clinical (DPC) WTE"] == pytest.approx(0.6)
    assert cc1["Admin/non-clinical WTE"] == pytest.approx(4.0)
    assert cc1["Total WTE"] == pytest.approx(3.7 + 2.2 + 0.6 + 4.0)
    assert cc1["Total staff HC"] == 6 + 3 + 1 + 5
    assert cc2["GPs excl. registrars WTE"] == pytest.approx(1.1)
    assert cc2["Nurses WTE"] == 0  # a complete return: zero is a real zero
    assert icb["Total WTE"] == pytest.approx(cc1["Total WTE"] + cc2["Total WTE"])
    assert icb["practices"] == 3


def test_practice_level_and_child_level_override():
    data = _llr_like()
    frame, _ = staff_by_group_frame(data, "P00002", SEP17)
    assert frame["org_code"].tolist() == ["P00002"]
    assert _row(frame, "P00002")["GPs excl. registrars WTE"] == pytest.approx(2.0)
    by_practice, _ = staff_by_group_frame(data, "QQ1", SEP17, child_level=OrgType.PRACTICE)
    assert by_practice["org_code"].tolist() == ["P00001", "P00002", "P00003", "QQ1"]


def test_not_available_never_becomes_zero():
    # practice 1 gives only qualified GPs (like the GPW practice-year file); practice 2 nothing
    wf = workforce(
        [
            ("P00001", SEP17, "GP_QUALIFIED", 2, 1.5, G17),
            ("P00001", SEP17, "ADMIN", 3, None, G17),
            ("P00003", SEP17, "GP_QUALIFIED", 1, 0.5, G17),
        ]
    )
    data = BaselineData(workforce=wf, registry=registry())
    frame, notes = staff_by_group_frame(data, "QQ1", SEP17, source=SourceKind.GPW)
    icb = _row(frame, "QQ1")
    # locums are not in the file, so "GPs excl. registrars" is not available
    assert pd.isna(icb["GPs excl. registrars WTE"])
    assert pd.isna(icb["Nurses WTE"])
    assert pd.isna(icb["Admin/non-clinical WTE"])  # the only figure is NA
    assert icb["Admin/non-clinical HC"] == 3
    assert pd.isna(icb["Total WTE"])
    assert any("Not available" in n for n in notes)


def test_partial_coverage_is_summed_and_noted():
    rows = [
        *full_return("P00001", SEP17, R17, {"NURSE_PRACTICE": (1, 0.5)}),
        *full_return("P00003", SEP17, R17, {"NURSE_PRACTICE": (2, 1.5)}),
    ]
    data = BaselineData(workforce=workforce(rows), registry=registry())
    frame, notes = staff_by_group_frame(data, "QQ1", SEP17)
    assert _row(frame, "QQ1")["Nurses WTE"] == pytest.approx(2.0)
    assert any("2 of 3 practices in QQ1" in n for n in notes)


def test_periods_do_not_mix():
    r16 = RET.format(p="2016-09-30", v="2016-10-05")
    rows = [
        *full_return("P00001", SEP17, R17, {"NURSE_PRACTICE": (1, 0.5)}),
        *full_return("P00001", SEP16, r16, {"NURSE_PRACTICE": (5, 4.0)}),
    ]
    data = BaselineData(workforce=workforce(rows), registry=registry())
    assert _row(staff_by_group_frame(data, "CC1", SEP16)[0], "CC1")["Nurses WTE"] == 4.0
    assert _row(staff_by_group_frame(data, "CC1", SEP17)[0], "CC1")["Nurses WTE"] == 0.5


def test_staff_by_role_drops_roles_nobody_has():
    frame, _ = staff_by_role_frame(_llr_like(), "CC1", SEP17)
    assert "GP partner WTE" in frame.columns
    assert _row(frame, "CC1")["GP partner WTE"] == pytest.approx(1.5)
    assert _row(frame, "CC1")["GP registrar (trainee) WTE"] == pytest.approx(1.0)
    # complete returns: every role is available (as zero where nobody works in it)
    assert _row(frame, "CC1")["Pharmacist WTE"] == 0
    gpw_only = BaselineData(
        workforce=workforce([("P00001", SEP17, "GP_QUALIFIED", 2, 1.5, G17)]),
        registry=registry(),
    )
    frame2, notes2 = staff_by_role_frame(gpw_only, "CC1", SEP17)
    assert [c for c in frame2.columns if c.endswith("WTE")] == []
    assert any("Roles not available" in n for n in notes2)


def test_report_table_carries_sources_and_decimals():
    table = staff_by_group(_llr_like(), "QQ1", SEP17)
    assert table.key == "staff_by_group"
    assert table.sources == (R17,)
    assert table.decimals["Total WTE"] == 1
    assert table.decimals["Total staff HC"] == 0


def test_pcn_children_england_and_unassigned():
    orgs = [
        Organisation("P00001", "Practice 1", OrgType.PRACTICE),
        Organisation("P00002", "Practice 2", OrgType.PRACTICE),
        Organisation("P00003", "Practice 3", OrgType.PRACTICE),
        Organisation("U00001", "PCN One", OrgType.PCN),
        Organisation("SB1", "Sub-ICB One", OrgType.SUB_ICB),
        Organisation("QQ1", "ICB One", OrgType.ICB),
    ]
    links = [
        ParentLink("P00001", "U00001", dt.date(2019, 7, 1)),
        ParentLink("P00002", "U00001", dt.date(2019, 7, 1)),
        *(ParentLink(p, "SB1") for p in ("P00001", "P00002", "P00003")),
        ParentLink("SB1", "QQ1"),
    ]
    reg = OrgRegistry.build(orgs, links)
    r = RET.format(p="2024-09-30", v="2024-10-01")
    on = dt.date(2024, 9, 30)
    rows = [
        *full_return("P00001", on, r, {"NURSE_ANP": (1, 1.0)}),
        *full_return("P00002", on, r, {"NURSE_ANP": (1, 0.5)}),
        *full_return("P00003", on, r, {"NURSE_ANP": (1, 0.25)}),
    ]
    data = BaselineData(workforce=workforce(rows), registry=reg)
    frame, _ = staff_by_group_frame(data, "SB1", on)
    # in 2024 a sub-ICB's children are PCNs; P00003 is in none
    assert frame["org_code"].tolist() == ["U00001", "UNASSIGNED", "SB1"]
    assert frame["Nurses WTE"].tolist() == [1.5, 0.25, 1.75]
    # before PCNs existed the same sub-ICB has practices as children
    r17 = workforce(full_return("P00001", SEP17, R17, {}))
    early, _ = staff_by_group_frame(BaselineData(workforce=r17, registry=reg), "SB1", SEP17)
    assert early["org_code"].tolist()[:-1] == ["P00001", "P00002", "P00003"]
    england, _ = staff_by_group_frame(data, "ENG", on)
    assert england["org_code"].tolist()[-1] == "ENG"
    assert england["Nurses WTE"].iloc[-1] == 1.75


def test_bundle_casts_frames_to_the_canonical_dtypes():
    raw = pd.DataFrame(
        {
            "practice_code": ["P00001"],
            "period": ["2017-09-30"],  # text, as a careless caller might pass it
            "node": ["NURSE"],
            "headcount": [2],
            "fte": [1.5],
            "source_id": [R17],
        }
    )
    data = BaselineData(workforce=raw, registry=registry())
    assert str(data.workforce["period"].dtype) == "datetime64[ns]"
    frame, _ = staff_by_group_frame(data, "CC1", SEP17)
    assert _row(frame, "CC1")["Nurses WTE"] == 1.5
    with pytest.raises(ValueError, match="missing columns"):
        BaselineData(workforce=raw.drop(columns="fte"), registry=registry())
