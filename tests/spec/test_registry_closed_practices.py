"""Practices a later full practice map no longer lists are closed from its date (decision 0168).

Small hand-made ODS extracts and practice maps through ``registry_from_frames``; the expected
answers are written out by hand from the rule, not computed by the code under test.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.baseline.scope import UNASSIGNED, build_scope, with_closed_reporting
from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.loaders.hierarchy import closed_by_absence
from gpworkforce.loaders.own_orgs import PRACTICE_PLACES, place_as_files_do
from gpworkforce.loaders.registry import registry_from_frames
from gpworkforce.loaders.registry_files import OdsExtract, PracticeMap
from gpworkforce.tables import conform
from registry_frames_support import ods_frame, practice_map

D = dt.date
SEP20, JAN22 = D(2020, 9, 1), D(2022, 1, 1)


def ods(*rows: tuple[str, str | None]) -> pd.DataFrame:
    """rows: code, closed (YYYY-MM-DD or None); every practice opened in 1990 under C01."""
    frame = ods_frame(
        *[(code, "1990-01-01", closed, "C01", "2013-04-01", closed) for code, closed in rows]
    )
    frame["health_geography"] = pd.NA
    frame["national_grouping"] = pd.NA
    return frame


def pmap(on: dt.date, *practices: str) -> PracticeMap:
    return practice_map(on, *[(p, "N01", "C01", "S01", "R01") for p in practices])


# P0001 in every source; P0002 in the 2020 map only; P0003 in the ODS extract only;
# P0004 closed by ODS in 2018 (its own date kept); P0005 missing from 2020, back in 2022
ODS = ods(("P0001", None), ("P0002", None), ("P0003", None), ("P0004", "2018-06-30"))
ODS = pd.concat([ODS, ods(("P0005", None))], ignore_index=True)
MAPS = [pmap(SEP20, "P0001", "P0002"), pmap(JAN22, "P0001", "P0005")]


def registry(**extra: object) -> OrgRegistry:
    return registry_from_frames(ODS, MAPS, **extra)  # type: ignore[arg-type]


def england(reg: OrgRegistry, on: dt.date) -> list[str]:
    return sorted(reg.practice_map(on, OrgType.ENGLAND))


def test_a_practice_a_later_map_no_longer_lists_is_closed_from_that_maps_date() -> None:
    reg = registry()
    assert reg.get("P0002").closed == D(2021, 12, 31)  # listed Sep 2020, not in Jan 2022
    assert reg.get("P0003").closed == D(2020, 8, 31)  # listed Dec 2019, not in Sep 2020
    assert reg.get("P0004").closed == D(2018, 6, 30)  # ODS's own earlier date is kept
    assert reg.get("P0001").closed is None
    assert england(reg, D(2017, 9, 30)) == ["P0001", "P0002", "P0003", "P0004", "P0005"]
    assert england(reg, D(2020, 8, 31)) == ["P0001", "P0002", "P0003", "P0005"]
    assert england(reg, D(2021, 12, 31)) == ["P0001", "P0002", "P0005"]
    assert england(reg, D(2025, 3, 31)) == ["P0001", "P0005"]


def test_a_practice_that_reappears_in_a_later_source_is_open_again() -> None:
    assert registry().get("P0005").closed is None  # absent in 2020, listed again in 2022
    # P0002, gone from the January 2022 map, is listed open by an ODS extract of 2023
    later = ods(("P0001", None), ("P0002", None))
    reg = registry(later_ods=[OdsExtract(D(2023, 6, 30), later, "epraccur-2023")])
    assert reg.get("P0002").closed is None
    assert england(reg, D(2025, 3, 31)) == ["P0001", "P0002", "P0005"]


def test_the_rule_itself_closes_the_day_before_the_first_full_list_after_the_last_listing() -> None:
    listed = {"A": D(2019, 12, 31), "B": SEP20, "C": JAN22, "D": D(2023, 1, 1)}
    assert closed_by_absence(listed, [JAN22, SEP20]) == {
        "A": D(2020, 8, 31),
        "B": D(2021, 12, 31),
    }
    assert closed_by_absence(listed, []) == {}


def test_a_practice_the_workforce_file_places_is_counted_for_that_files_date() -> None:
    reg = registry()
    on = D(2025, 3, 31)
    places = conform(
        pd.DataFrame(
            {
                "practice_code": ["P0002"],
                "period": [pd.Timestamp(on)],
                "sub_icb_code": ["C01"],
                "icb_code": [pd.NA],
                "icb_name": [pd.NA],
                "source_id": ["file"],
            }
        ),
        PRACTICE_PLACES,
    )
    placed = place_as_files_do(reg, places).registry
    assert england(placed, on) == ["P0001", "P0002", "P0005"]
    assert placed.practice_map(on, OrgType.SUB_ICB)["P0002"] == "C01"
    assert england(placed, D(2026, 3, 31)) == ["P0001", "P0005"]  # only up to the file's date


def test_a_closed_practice_is_not_in_the_scope_whose_patients_are_summed() -> None:
    # per-1,000 denominators sum the list sizes of the scope's practices only
    scope = build_scope(registry(), "ENG", D(2025, 3, 31))
    assert sorted(scope.members) == ["P0001", "P0005"]


def test_a_closed_practice_with_figures_counts_in_englands_not_assigned_only() -> None:
    # decision 0168, amended: P0002 (closed 31 December 2021) has figures on 31 March 2022,
    # P0003 (closed 31 August 2020) has none, P9999 is no practice the registry knows
    reg, on = registry(), D(2022, 3, 31)
    reporting = ["P0001", "P0002", "P9999"]
    scope = with_closed_reporting(build_scope(reg, "ENG", on), reg, reporting)
    assert sorted(scope.members) == ["P0001", "P0002", "P0005"]
    assert scope.members["P0002"] == UNASSIGNED
    assert scope.members["P0001"] == "R01"
    assert scope.names[UNASSIGNED] == "Not assigned"
    # below England nothing changes: the closed practice has no link to claim it
    for code in ("S01", "C01"):
        alone = build_scope(reg, code, on)
        assert with_closed_reporting(alone, reg, reporting) == alone
        assert "P0002" not in alone.members
    # a practice the registry opens only after the date is not one it closed
    later = registry_from_frames(ODS, [*MAPS, pmap(D(2023, 1, 1), "P0001", "P0005", "P0006")])
    scope = with_closed_reporting(build_scope(later, "ENG", on), later, ["P0006"])
    assert "P0006" not in scope.members
