import datetime as dt

import pandas as pd
import pytest

from gpworkforce.domain.measures import FteConvention
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.domain.periods import Quarter, financial_year_ending, gpw_practice_year_census
from gpworkforce.domain.taxonomy import load_taxonomy, parse_taxonomy
from gpworkforce.errors import UnknownOrganisation
from gpworkforce.tables import WORKFORCE, conform, cover, resolve


def test_fte_conventions():
    c = FteConvention()
    assert c.fte_from_hours(37.5) == 1.0
    assert c.fte_from_sessions(9) == 1.0
    assert FteConvention(gp_sessions_per_wte=8).fte_from_sessions(4) == 0.5


def test_periods():
    assert Quarter.containing(dt.date(2017, 9, 1)).census_date == dt.date(2017, 9, 30)
    assert Quarter(2017, 4).census_date == dt.date(2017, 12, 31)
    assert financial_year_ending(dt.date(2017, 9, 30)) == 2018
    assert gpw_practice_year_census(2018) == dt.date(2017, 9, 30)
    with pytest.raises(ValueError):
        Quarter(2017, 5)


def _registry() -> OrgRegistry:
    orgs = [
        Organisation("C82001", "Practice A", OrgType.PRACTICE, dt.date(1974, 4, 1)),
        Organisation(
            "C82002", "Practice B", OrgType.PRACTICE, dt.date(1974, 4, 1), dt.date(2018, 3, 31)
        ),
        Organisation("03W", "ELR CCG", OrgType.SUB_ICB),
        Organisation("04C", "City CCG", OrgType.SUB_ICB),
        Organisation("QK1", "LLR", OrgType.ICB),
    ]
    links = [
        ParentLink("C82001", "03W", None, dt.date(2019, 4, 1)),
        ParentLink("C82001", "04C", dt.date(2019, 4, 1), None),
        ParentLink("C82002", "03W"),
        ParentLink("03W", "QK1"),
        ParentLink("04C", "QK1"),
    ]
    return OrgRegistry.build(orgs, links)


def test_registry_is_effective_dated():
    reg = _registry()
    assert reg.practices_under("03W", dt.date(2017, 9, 30)) == ["C82001", "C82002"]
    assert reg.practices_under("03W", dt.date(2020, 1, 1)) == []  # B closed, A moved
    assert reg.practices_under("04C", dt.date(2020, 1, 1)) == ["C82001"]
    assert reg.parent_of_type("C82002", OrgType.ICB, dt.date(2017, 9, 30)).code == "QK1"
    assert reg.practice_map(dt.date(2017, 9, 30), OrgType.ICB) == {"C82001": "QK1", "C82002": "QK1"}
    with pytest.raises(UnknownOrganisation):
        reg.get("ZZZ99")


def test_registry_rejects_upside_down_links():
    with pytest.raises(ValueError, match="cannot be the parent"):
        OrgRegistry.build(
            [
                Organisation("C82001", "P", OrgType.PRACTICE),
                Organisation("03W", "C", OrgType.SUB_ICB),
            ],
            [ParentLink("03W", "C82001")],
        )


def test_taxonomy_loads_and_aggregates():
    t = load_taxonomy()
    assert "GP_REGISTRAR_ST3_4" not in t.leaves_of("GP_EXCL_REGISTRARS")
    assert "GP_LOCUM_OTHER" in t.leaves_of("GP_EXCL_REGISTRARS")
    assert "GP_LOCUM_OTHER" not in t.leaves_of("GP_QUALIFIED")
    assert cover(t, "GP_QUALIFIED") == ["GP_PARTNER", "GP_RETAINER", "GP_SALARIED"]
    assert t.leaves["DPC_HCA"].group == "DPC"
    assert t.leaves["GP_SENIOR_PARTNER"].skill == "Autonomous"


def test_taxonomy_rejects_duplicates():
    doc = {
        "group": [{"code": g, "name": g} for g in ("GP", "NURSE", "DPC", "ADMIN")],
        "role": [
            {"code": "X_A", "group": "GP", "name": "a", "skill": "Core"},
            {"code": "X_A", "group": "GP", "name": "b", "skill": "Core"},
        ],
    }
    with pytest.raises(ValueError, match="unique"):
        parse_taxonomy(doc)


def test_resolve_prefers_direct_rows_and_keeps_na():
    t = load_taxonomy()
    rows = [
        {
            "practice_code": "A1",
            "period": "2017-09-30",
            "node": leaf,
            "headcount": 1.0,
            "fte": 0.5,
            "source_id": "ret",
        }
        for leaf in t.leaves
    ]
    rows += [
        {
            "practice_code": "B1",
            "period": "2017-09-30",
            "node": "GP_QUALIFIED",
            "headcount": 3.0,
            "fte": 2.5,
            "source_id": "gpw",
        },
        {
            "practice_code": "B1",
            "period": "2017-09-30",
            "node": "ADMIN",
            "headcount": None,
            "fte": 4.0,
            "source_id": "gpw",
        },
    ]
    wf = conform(pd.DataFrame(rows), WORKFORCE)
    gp = resolve(wf, "GP_EXCL_REGISTRARS", t).set_index("practice_code")
    assert gp.loc["A1", "headcount"] == 8 and gp.loc["A1", "fte"] == 4.0
    assert "B1" not in gp.index  # GPW gave only qualified GPs: locums unknown, so not available
    q = resolve(wf, "GP_QUALIFIED", t).set_index("practice_code")
    assert q.loc["B1", "fte"] == 2.5 and q.loc["A1", "fte"] == 2.5
    admin = resolve(wf, "ADMIN", t).set_index("practice_code")
    assert pd.isna(admin.loc["B1", "headcount"]) and admin.loc["B1", "fte"] == 4.0
