"""PCN membership dated by the ODS ePCN workbook (issue 10, items 1 and 7; decision 0153).

On the committed **synthetic** sample ``tests/data/epcn/ePCN.xlsx`` (real LLR practices, PCNs and
sub-ICB locations from the January 2022 practice map; made-up dates, see its README): C82002
leaves South Blaby & Lutterworth PCN (U71931) on 30 September 2023 and joins Cross Counties PCN
(U30213) on 1 October 2023; C82005 moved on 1 October 2021, which the January 2022 map does not
show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gpworkforce.domain.orgs import OrgType
from gpworkforce.loaders import build_registry
from gpworkforce.loaders.epcn import read_epcn
from gpworkforce.loaders.epcn_links import map_disagreements, practice_pcn_links
from gpworkforce.loaders.hierarchy import Snapshot

SAMPLE = Path(__file__).parents[1] / "data" / "epcn" / "ePCN.xlsx"
EXTRACT = dt.date(2024, 6, 30)


@pytest.fixture(scope="module")
def registries(shared_data: Path):  # type: ignore[no-untyped-def]
    return (
        build_registry(shared_data),
        build_registry(shared_data, epcn=[(EXTRACT, SAMPLE)]),
    )


def _pcn(registry, code: str, on: dt.date) -> str | None:  # type: ignore[no-untyped-def]
    return registry.practice_map(on, OrgType.PCN).get(code)


def test_a_practice_that_moves_pcn_mid_year_counts_in_each_pcn_on_its_side_of_the_date(
    registries,  # type: ignore[no-untyped-def]
) -> None:
    maps_only, with_epcn = registries
    assert _pcn(with_epcn, "C82002", dt.date(2023, 9, 30)) == "U71931"  # last day of the old
    assert _pcn(with_epcn, "C82002", dt.date(2023, 10, 1)) == "U30213"  # first day of the new
    assert _pcn(with_epcn, "C82002", dt.date(2024, 3, 31)) == "U30213"
    on_sep, on_dec = dt.date(2023, 9, 30), dt.date(2023, 12, 31)
    assert "C82002" in with_epcn.practices_under("U71931", on_sep)
    assert "C82002" not in with_epcn.practices_under("U30213", on_sep)
    assert "C82002" in with_epcn.practices_under("U30213", on_dec)
    assert "C82002" not in with_epcn.practices_under("U71931", on_dec)
    # the sub-ICB location and ICB are unchanged either side
    for on in (on_sep, on_dec):
        assert with_epcn.practice_map(on, OrgType.SUB_ICB)["C82002"] == "03W"
        assert with_epcn.practice_map(on, OrgType.ICB)["C82002"] == "QK1"
    # the practice maps alone never see the move
    assert _pcn(maps_only, "C82002", on_dec) == "U71931"


def test_the_epcn_wins_over_a_map_of_the_same_day_and_the_disagreement_is_reported(
    registries,  # type: ignore[no-untyped-def]
) -> None:
    maps_only, with_epcn = registries
    jan22 = dt.date(2022, 1, 1)
    assert _pcn(maps_only, "C82005", jan22) == "U05796"  # the real January 2022 map
    assert _pcn(with_epcn, "C82005", jan22) == "U05642"  # the ePCN: moved 1 October 2021
    assert _pcn(with_epcn, "C82005", dt.date(2021, 9, 30)) == "U05796"
    warnings = map_disagreements(read_epcn(SAMPLE, EXTRACT), maps_only)
    (jan,) = [w for w in warnings if "1 January 2022" in w]
    assert "1 practice in another PCN" in jan
    assert "C82005 (map U05796, ePCN U05642)" in jan
    assert "(the ePCN is used)" in jan


def test_practices_the_epcn_does_not_list_keep_the_maps_links(registries) -> None:  # type: ignore[no-untyped-def]
    maps_only, with_epcn = registries
    on = dt.date(2023, 12, 31)
    lincs = [p for p, icb in maps_only.practice_map(on, OrgType.ICB).items() if icb == "QJM"]
    assert lincs
    old, new = maps_only.practice_map(on, OrgType.PCN), with_epcn.practice_map(on, OrgType.PCN)
    assert {p: new.get(p) for p in lincs} == {p: old.get(p) for p in lincs}


def test_a_pcn_rollup_moves_the_practice_in_the_report_scope(registries) -> None:  # type: ignore[no-untyped-def]
    _, with_epcn = registries
    members = {
        on: {p for p, pcn in with_epcn.practice_map(on, OrgType.PCN).items() if pcn == "U30213"}
        for on in (dt.date(2023, 9, 30), dt.date(2023, 12, 31))
    }
    assert members[dt.date(2023, 12, 31)] - members[dt.date(2023, 9, 30)] == {"C82002"}


def test_a_map_after_the_extract_date_takes_over_from_it() -> None:
    epcn = read_epcn(SAMPLE, EXTRACT)
    later = dt.date(2025, 1, 1)
    snaps = [
        Snapshot(dt.date(2022, 1, 1), {"C82002": "U71931", "X00001": "U00001"}, "map 2022"),
        Snapshot(later, {"C82002": "U71931", "X00001": "U00002"}, "map 2025"),
    ]
    links = [lk for lk in practice_pcn_links(snaps, epcn) if lk.child == "C82002"]
    in_force = {on: [lk.parent for lk in links if lk.in_force(on)]
                for on in (dt.date(2023, 12, 31), dt.date(2024, 12, 31), later)}  # fmt: skip
    assert in_force == {
        dt.date(2023, 12, 31): ["U30213"],  # the ePCN
        dt.date(2024, 12, 31): ["U30213"],  # still the ePCN after its extract date
        later: ["U71931"],  # the later map is later evidence
    }
    others = [lk for lk in practice_pcn_links(snaps, epcn) if lk.child == "X00001"]
    assert [(lk.parent, lk.start, lk.end) for lk in others] == [
        ("U00001", dt.date(2022, 1, 1), later),
        ("U00002", later, None),
    ]


def test_pcns_are_placed_in_the_epcn_s_sub_icb_location_from_its_extract_date() -> None:
    import pandas as pd

    from gpworkforce.loaders.epcn import EpcnFile
    from gpworkforce.loaders.epcn_links import pcn_sub_icb_links

    pcns = pd.DataFrame(
        {
            "pcn_code": ["U00001", "U00002", "U00003"],
            "pcn_name": ["MOVED PCN", "NEW PCN", "CLOSED PCN"],
            "sub_icb": ["15N", "15N", "15N"],
            "sub_icb_name": [None, None, None],
            "opened": [dt.date(2019, 7, 1), dt.date(2023, 4, 1), dt.date(2019, 7, 1)],
            "closed": [None, None, dt.date(2023, 3, 31)],
            "row": [2, 3, 4],
        }
    )
    members = pd.DataFrame(columns=["practice_code", "pcn_code", "start", "end", "row"])
    epcn = EpcnFile(EXTRACT, pcns, members, "ePCN.xlsx")
    maps = [Snapshot(dt.date(2022, 1, 1), {"U00001": "99P", "U00003": "99P", "U00004": "99Q"}, "m")]
    got = {(lk.child, lk.parent, lk.start, lk.end) for lk in pcn_sub_icb_links(maps, epcn)}
    assert got == {
        ("U00001", "99P", dt.date(2022, 1, 1), EXTRACT),  # the map's, until the extract
        ("U00001", "15N", EXTRACT, None),  # then the ePCN's current sub-ICB location
        ("U00002", "15N", dt.date(2023, 4, 1), None),  # no map names it: from its opening
        ("U00003", "99P", dt.date(2022, 1, 1), None),  # closed: not in the ePCN's snapshot
        ("U00004", "99Q", dt.date(2022, 1, 1), None),  # not in the ePCN: keeps its link
    }


def test_the_committed_sample_is_what_its_script_writes_from_the_real_map(
    shared_data: Path, tmp_path: Path
) -> None:
    import importlib.util

    import openpyxl

    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE.parent / "make_sample.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    from gpworkforce.loaders.synthetic_epcn import write_epcn_from_map

    out = write_epcn_from_map(
        shared_data / "nhs" / "gp_reg_pat_prac_map_2022-01.csv",
        tmp_path / "ePCN.xlsx",
        icb=script.ICB,
        moves=script.MOVES,
        sub_icb_names=script.SUB_ICB_NAMES,
    )
    for sheet in ("PCNDetails", "PCN Core Partner Details"):
        committed = openpyxl.load_workbook(SAMPLE)[sheet].iter_rows(values_only=True)
        written = openpyxl.load_workbook(out)[sheet].iter_rows(values_only=True)
        assert list(committed) == list(written)


def test_a_later_ods_extract_does_not_end_the_epcn_s_membership() -> None:
    """An ODS extract names no PCN: its snapshot carries a map's PCNs (decision 0119), which
    must not overwrite the ePCN's relationships after the ePCN's extract date."""
    epcn = read_epcn(SAMPLE, EXTRACT)
    extract_on = dt.date(2025, 4, 1)
    snaps = [
        Snapshot(dt.date(2022, 1, 1), {"C82002": "U71931"}, "map 2022"),
        Snapshot(extract_on, {"C82002": "U71931"}, "ODS extract 2025 (PCN carried from the map)"),
    ]
    links = practice_pcn_links(snaps, epcn, map_dates={dt.date(2022, 1, 1)})
    on = dt.date(2025, 6, 30)
    assert [lk.parent for lk in links if lk.child == "C82002" and lk.in_force(on)] == ["U30213"]
