"""Spec: PCN-level baselines and ONS populations as per-1,000 denominators (issue 10, item 4).

Every expected figure below is worked by hand from the rows written in the test.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce import tables
from gpworkforce.baseline.pcn import StaffRows, pcn_baseline
from gpworkforce.baseline.population import ons_denominators, parse_ons_areas
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import UserError

pytestmark = pytest.mark.spec

ON = dt.date(2022, 9, 30)
OLD = "pcn-workforce-individual:2022-09-30:2022-11-01:aaaa"
NEW = "pcn-workforce-individual:2022-09-30:2023-01-15:bbbb"


def _registry() -> OrgRegistry:
    orgs = [
        Organisation("QXX", "North ICB", OrgType.ICB),
        Organisation("QYY", "South ICB", OrgType.ICB),
        Organisation("01A", "Sub-ICB A", OrgType.SUB_ICB),
        Organisation("02B", "Sub-ICB B", OrgType.SUB_ICB),
        Organisation("03C", "Sub-ICB C", OrgType.SUB_ICB),
        Organisation("U00001", "Riverside PCN", OrgType.PCN),
        Organisation("U00002", "Hillside PCN", OrgType.PCN),
        Organisation("U00003", "Southern PCN", OrgType.PCN),
        Organisation("U00005", "Closed PCN", OrgType.PCN),
    ]
    links = [
        ParentLink("01A", "QXX"),
        ParentLink("02B", "QXX"),
        ParentLink("03C", "QYY"),
        ParentLink("U00001", "01A"),
        ParentLink("U00002", "02B"),
        ParentLink("U00003", "03C"),
        ParentLink("U00005", "01A", None, dt.date(2022, 4, 1)),  # ended before the census
    ]
    return OrgRegistry.build(orgs, links)


def _rows(source: str, pcn: str, figures: dict[str, float]) -> list[dict[str, object]]:
    return [
        {
            "practice_code": pcn,
            "period": pd.Timestamp(ON),
            "node": node,
            "fte": fte,
            "headcount": None,
            "source_id": source,
        }
        for node, fte in figures.items()
    ]


def _workforce() -> pd.DataFrame:
    rows = [
        # U00001's first publication is replaced by a later one (pharmacists 1.0 -> 2.0)
        *_rows(OLD, "U00001", {"DPC_PHARMACIST": 1.0, "DPC": 1.0}),
        *_rows(
            NEW,
            "U00001",
            {
                "DPC_PHARMACIST": 2.0,
                "DPC_PARAMEDIC": 1.5,
                "DPC": 3.5,
                "ADMIN_MANAGER": 1.0,
                "ADMIN": 1.0,
            },
        ),
        *_rows(NEW, "U00002", {"DPC_PHARMACIST": 0.6, "DPC": 0.6}),
        *_rows(NEW, "U00003", {"DPC_PHARMACIST": 5.0, "DPC": 5.0}),
        *_rows(NEW, "U00004", {"DPC_SOCIAL_PRESCRIBER": 2.5, "DPC": 2.5}),  # registry: unknown
        *_rows(NEW, "U00005", {"DPC_CARE_COORDINATOR": 0.8, "DPC": 0.8}),  # link ended
    ]
    return tables.conform(pd.DataFrame(rows), tables.WORKFORCE)


def test_pcn_rows_roles_and_totals_by_hand() -> None:
    order = {OLD: 0, NEW: 1}
    result = pcn_baseline(StaffRows(_workforce(), _registry(), load_taxonomy(), order), "QXX", ON)
    frame = result.table.frame.set_index("PCN")
    assert list(frame.index) == ["Riverside PCN", "Hillside PCN", "Total"]
    assert frame["Pharmacist WTE"].tolist() == pytest.approx([2.0, 0.6, 2.6])
    assert frame["Paramedic WTE"].tolist() == pytest.approx([1.5, 0.0, 1.5])
    assert frame["Total WTE"].tolist() == pytest.approx([4.5, 0.6, 5.1])
    assert result.pcns == 2
    assert result.elsewhere == 1  # U00003 is in QYY
    assert result.unplaced == pytest.approx({"U00004": 2.5, "U00005": 0.8})


def test_a_sub_icb_holds_only_its_pcns() -> None:
    staff = StaffRows(_workforce(), _registry(), load_taxonomy(), {OLD: 0, NEW: 1})
    result = pcn_baseline(staff, "02B", ON)
    frame = result.table.frame.set_index("PCN")
    assert list(frame.index) == ["Hillside PCN", "Total"]
    assert frame.loc["Total", "Total WTE"] == pytest.approx(0.6)
    assert result.elsewhere == 2


POPULATION = pd.DataFrame(
    {
        "area_code": ["E06000001", "E06000001", "E06000001", "E06000002", "E06000001"],
        "area_name": ["Town", "Town", "Town", "Shire", "Town"],
        "year": [2023, 2023, 2023, 2023, 2022],
        "age": [0, 0, 50, 90, 0],
        "sex": ["f", "m", "f", "m", "f"],
        "population": [100.0, 150.0, 250.0, 300.0, 9999.0],
    }
)


def test_ons_population_sums_the_areas_in_the_census_year() -> None:
    areas = parse_ons_areas(["qxx=E06000001, e06000002", "01A=E06000002"])
    assert areas == {"QXX": ("E06000001", "E06000002"), "01A": ("E06000002",)}
    den = ons_denominators(POPULATION, areas, dt.date(2023, 9, 30))
    assert den.registered == {"QXX": 800.0, "01A": 300.0}  # 100 + 150 + 250 + 300; 300
    assert den.weighted == {}
    assert "mid-2023" in den.label and "Town (E06000001) + Shire (E06000002)" in den.label


@pytest.mark.parametrize(
    ("areas", "on", "message"),
    [
        (["QXX=E06000009"], dt.date(2023, 9, 30), "got E06000009"),
        (
            ["QXX=E06000001"],
            dt.date(2030, 3, 31),
            "mid-2030 (the census date's year), got years 2022-2023",
        ),
    ],
)
def test_ons_population_missing_figures_are_named(
    areas: list[str], on: dt.date, message: str
) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ons_denominators(POPULATION, parse_ons_areas(areas), on)


@pytest.mark.parametrize("value", ["QXX", "QXX=", "=E06000001", "QXX=,"])
def test_malformed_ons_area_is_refused(value: str) -> None:
    with pytest.raises(UserError, match="must look like QK1="):
        parse_ons_areas([value])


def test_no_population_loaded_is_refused() -> None:
    with pytest.raises(UserError, match="needs an ONS population projection"):
        ons_denominators(POPULATION.iloc[0:0], {"QXX": ("E06000001",)}, ON)


def _own(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    from gpworkforce.loaders.pcn import PCN_PLACES

    frame = pd.DataFrame(
        [
            {"practice_code": pcn, "period": pd.Timestamp(ON), "pcn_name": f"{pcn} (file)",
             "sub_icb_code": sub, "icb_code": icb, "region_code": None, "source_id": NEW}
            for pcn, sub, icb in rows
        ]
    )  # fmt: skip
    return tables.conform(frame, PCN_PLACES)


def test_the_file_own_placement_wins_and_disagreements_are_counted() -> None:
    # the file places U00004 (unknown to the registry) and U00003 (registry: QYY) in QXX;
    # U00002's row names no ICB, so the registry's placement holds for it
    own = _own([("U00004", "01A", "QXX"), ("U00003", "03C", "QXX"), ("U00002", None, None)])
    staff = StaffRows(_workforce(), _registry(), load_taxonomy(), {OLD: 0, NEW: 1}, own)
    result = pcn_baseline(staff, "QXX", ON)
    frame = result.table.frame.set_index("PCN")
    assert list(frame.index) == ["Riverside PCN", "Hillside PCN", "Southern PCN",
                                 "U00004 (file)", "Total"]  # fmt: skip
    assert frame.loc["Total", "Total WTE"] == pytest.approx(4.5 + 0.6 + 5.0 + 2.5)
    assert result.unplaced == pytest.approx({"U00005": 0.8})
    assert result.disagree == {"U00003": ("QXX", "QYY"), "U00004": ("QXX", None)}
    assert result.elsewhere == 0
    assert any("2 PCNs are placed by the file" in n for n in result.table.notes)


def test_an_own_placement_from_a_source_not_chosen_is_ignored() -> None:
    own = _own([("U00003", "03C", "QXX")]).assign(source_id=OLD)  # superseded file's row
    staff = StaffRows(_workforce(), _registry(), load_taxonomy(), {OLD: 0, NEW: 1}, own)
    result = pcn_baseline(staff, "QXX", ON)
    assert result.pcns == 2 and result.disagree == {}
