"""How the registry dates its links (registry_from_frames on small hand-made inputs).

Each case is a rule of docs/decisions/0021-registry-link-dating.md.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.loaders.hierarchy import Snapshot, carried_forward
from gpworkforce.loaders.registry import registry_from_frames
from gpworkforce.loaders.registry_files import OdsExtract
from registry_frames_support import ods_frame, practice_map

D = dt.date


ods = ods_frame
pmap = practice_map


def ccg(reg: OrgRegistry, practice: str, on: dt.date) -> str | None:
    org = reg.parent_of_type(practice, OrgType.SUB_ICB, on)
    return None if org is None else org.code


ODS = ods(
    ("P0001", "1974-04-01", None, "C01", "2013-04-01", None),
    ("P0002", "1974-04-01", None, "C01", "2019-04-01", None),  # re-registered in 2019
    ("P0003", "1990-01-01", None, "C99", "2019-04-01", None),  # C99 formed by a 2019 merger
    ("P0004", "1990-01-01", "2018-06-30", "C01", "2013-04-01", "2018-06-30"),  # closed
)
MAPS = [
    pmap(
        D(2020, 9, 1),
        ("P0001", "N01", "C01", "S01", "R01"),
        ("P0002", "N01", "C01", "S01", "R01"),
        ("P0003", None, "C99", "S02", "R01"),
    ),
    pmap(
        D(2022, 1, 1), ("P0001", "N02", "C01", "S01", "R01"), ("P0003", "N03", "C99", "S02", "R01")
    ),
]
EARLIER = pd.DataFrame(
    {"practice": ["P0003", "P0002"], "ccg": ["C77", "C02"], "ccg_name": ["OLD CCG", "OTHER"]}
)


@pytest.fixture(scope="module")
def reg() -> OrgRegistry:
    icb = pd.DataFrame(
        {"ccg": ["C01", "C99"], "icb": ["S01", "S03"], "icb_name": ["ICB ONE", "ICB THREE"]}
    )
    return registry_from_frames(ODS, MAPS, icb, earlier_ccg=EARLIER)


@pytest.mark.parametrize(
    ("practice", "on", "expected", "why"),
    [
        ("P0001", D(2015, 1, 1), "C01", "commissioner's link runs from the CCG's first join date"),
        (
            "P0002",
            D(2017, 9, 30),
            "C01",
            "a late join date to an existing CCG is backdated to the CCG's start",
        ),
        ("P0003", D(2017, 9, 30), "C77", "before a merged CCG existed: the earlier source's CCG"),
        ("P0003", D(2019, 4, 1), "C99", "from the merged CCG's first join date"),
        ("P0004", D(2018, 6, 30), "C01", "left date is inclusive"),
        ("P0004", D(2018, 7, 1), None, "after leaving (and closing): no CCG"),
        ("P0002", D(2021, 1, 1), "C01", "the first map takes over"),
        ("P0002", D(2022, 6, 1), None, "absent from the later map: link ended"),
    ],
)
def test_practice_ccg_on_a_date(
    reg: OrgRegistry, practice: str, on: dt.date, expected: str | None, why: str
) -> None:
    assert ccg(reg, practice, on) == expected, why


def test_pcn_links_start_and_change_with_the_maps(reg: OrgRegistry) -> None:
    pcn = lambda p, on: (reg.parent_of_type(p, OrgType.PCN, on) or reg.get("ENG")).code  # noqa: E731
    assert pcn("P0001", D(2019, 1, 1)) == "ENG"  # no PCN before the first map
    assert pcn("P0001", D(2021, 1, 1)) == "N01"
    assert pcn("P0001", D(2022, 1, 1)) == "N02"
    assert pcn("P0003", D(2021, 1, 1)) == "ENG" and pcn("P0003", D(2022, 2, 1)) == "N03"


def test_stp_backdated_then_icb_from_july_2022(reg: OrgRegistry) -> None:
    stp = lambda c, on: reg.parent_of_type(c, OrgType.ICB, on).code  # noqa: E731
    assert stp("C01", D(2015, 1, 1)) == "S01"  # STP membership before 2020 from the 2020 map
    assert stp("C99", D(2022, 6, 30)) == "S02"
    assert stp("C99", D(2022, 7, 1)) == "S03"  # ccg_to_icb from ICB establishment
    assert reg.get("S03").name == "ICB Three"  # the files' capitals, title-cased
    # a CCG gone before the first map: the STP of most of its practices in it
    assert stp("C77", D(2017, 9, 30)) == "S02"
    assert reg.parent_of_type("R01", OrgType.ENGLAND, D(2010, 1, 1)).code == "ENG"


def test_practices_open_and_under(reg: OrgRegistry) -> None:
    assert reg.practices_under("C01", D(2017, 9, 30)) == ["P0001", "P0002", "P0004"]
    assert reg.practices_under("C01", D(2018, 9, 30)) == ["P0001", "P0002"]
    assert reg.get("C77").name == "Old CCG"


def test_epraccur_dates_must_not_run_backwards(tmp_path) -> None:
    from gpworkforce.errors import ValidationFailed
    from gpworkforce.loaders.registry_files import read_epraccur

    fields = [
        '"C82001"',
        '"A"',
        '"Y60"',
        '"QK1"',
        *['""'] * 6,
        '"19990401"',
        '"19980101"',
        '"C"',
        '"B"',
        '"04C"',
        '"20130401"',
        '""',
        *['""'] * 8,
        '"4"',
        '""',
    ]
    path = tmp_path / "epraccur.csv"
    path.write_text(",".join(fields) + "\n", encoding="utf-8")
    with pytest.raises(
        ValidationFailed,
        match=r"row 1, column '12 \(closed\)': must not be before the opened date 19990401, got 19980101",
    ):
        read_epraccur(path)


# --- later ODS extracts as dated snapshots (decision 0119) -----------------------------------


def later(on: dt.date, *rows: tuple[str, str | None, str, str, str]) -> OdsExtract:
    """rows: code, closed, commissioner, health geography (ICB), national grouping (region)."""
    frame = ods(*((code, "1990-01-01", closed, ccg, "2013-04-01", closed)
                  for code, closed, ccg, _, _ in rows))  # fmt: skip
    frame["health_geography"] = [r[3] for r in rows]
    frame["national_grouping"] = [r[4] for r in rows]
    return OdsExtract(on, frame, f"ods-{on.isoformat()}")


def reg_with(*extracts: OdsExtract) -> OrgRegistry:
    icb = pd.DataFrame(
        {"ccg": ["C01", "C99"], "icb": ["S01", "S03"], "icb_name": ["ICB ONE", "ICB THREE"]}
    )
    return registry_from_frames(ODS, MAPS, icb, earlier_ccg=EARLIER, later_ods=extracts)


def parent(reg: OrgRegistry, code: str, tier: OrgType, on: dt.date) -> str | None:
    org = reg.parent_of_type(code, tier, on)
    return None if org is None else org.code


MOVE = later(
    D(2023, 1, 31),
    ("P0001", None, "C99", "S03", "R01"),  # moved from C01
    ("P0003", None, "C99", "S03", "R01"),  # stayed
    ("P0005", None, "C55", "Q55", "Y55"),  # opened since, under a sub-ICB no map knows
)


def test_a_later_extract_moves_a_practice_from_its_date() -> None:
    reg = reg_with(MOVE)
    assert ccg(reg, "P0001", D(2023, 1, 30)) == "C01"
    assert ccg(reg, "P0001", D(2023, 1, 31)) == "C99"
    assert parent(reg, "P0001", OrgType.ICB, D(2023, 3, 31)) == "S03"
    assert parent(reg, "P0001", OrgType.ICB, D(2019, 9, 30)) == "S01"


def test_a_practice_keeps_its_pcn_only_while_its_sub_icb_is_unchanged() -> None:
    reg = reg_with(MOVE)
    on = D(2023, 3, 31)
    assert parent(reg, "P0001", OrgType.PCN, D(2022, 6, 30)) == "N02"
    assert parent(reg, "P0001", OrgType.PCN, on) is None  # moved: ODS names no PCN
    assert parent(reg, "P0003", OrgType.PCN, on) == "N03"  # stayed in C99


def test_a_practice_not_listed_or_closed_has_no_link_from_the_extract() -> None:
    closing = later(
        D(2023, 1, 31),
        ("P0001", "2022-11-30", "C01", "S01", "R01"),
        ("P0003", None, "C99", "S03", "R01"),
    )
    reg = reg_with(closing)
    assert ccg(reg, "P0001", D(2023, 3, 31)) is None
    assert reg.get("P0001").closed == D(2022, 11, 30)
    assert not reg.get("P0001").is_open(D(2023, 3, 31))
    assert ccg(reg, "P0001", D(2022, 6, 30)) == "C01"


def test_an_extract_places_a_new_sub_icb_in_its_icb_and_region() -> None:
    reg = reg_with(MOVE)
    on = D(2023, 3, 31)
    assert ccg(reg, "P0005", on) == "C55"
    assert parent(reg, "P0005", OrgType.ICB, on) == "Q55"
    assert parent(reg, "P0005", OrgType.REGION, on) == "Y55"
    # sub-ICBs the extract does not name keep their ICB (a partial snapshot)
    assert parent(reg, "C01", OrgType.ICB, on) == "S01"


def test_of_two_extracts_the_one_in_force_on_the_date_places() -> None:
    back = later(D(2024, 1, 31), ("P0001", None, "C01", "S01", "R01"))
    reg = reg_with(MOVE, back)
    assert ccg(reg, "P0001", D(2023, 6, 30)) == "C99"
    assert ccg(reg, "P0001", D(2024, 3, 31)) == "C01"
    assert ccg(reg, "P0003", D(2024, 3, 31)) is None  # not in the 2024 extract


def test_an_extract_not_later_than_the_shared_one_adds_no_links() -> None:
    old = later(D(2019, 6, 30), ("P0001", None, "C99", "S03", "R01"))
    assert ccg(reg_with(old), "P0001", D(2019, 9, 30)) == ccg(reg_with(), "P0001", D(2019, 9, 30))


def test_carried_forward_keeps_the_children_a_partial_snapshot_does_not_name() -> None:
    full = [Snapshot(D(2020, 1, 1), {"a": "X", "b": "Y"}, "m1"),
            Snapshot(D(2024, 1, 1), {"a": "Z"}, "m2")]  # fmt: skip
    out = carried_forward(full, [Snapshot(D(2022, 1, 1), {"b": "W"}, "ods")])
    assert [(s.on, dict(s.edges)) for s in out] == [
        (D(2020, 1, 1), {"a": "X", "b": "Y"}),
        (D(2022, 1, 1), {"a": "X", "b": "W"}),
        (D(2024, 1, 1), {"a": "Z"}),
    ]
