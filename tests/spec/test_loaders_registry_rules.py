"""How the registry dates its links (registry_from_frames on small hand-made inputs).

Each case is a rule of docs/decisions/0021-registry-link-dating.md.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.loaders.registry import registry_from_frames
from gpworkforce.loaders.registry_files import PracticeMap

D = dt.date


def ods(*rows: tuple[str, str, str | None, str, str, str | None]) -> pd.DataFrame:
    """rows: code, opened, closed, commissioner, joined, left (dates YYYY-MM-DD)."""
    frame = pd.DataFrame(
        rows, columns=["code", "opened", "closed", "commissioner", "joined", "left"]
    )
    for col in ("opened", "closed", "joined", "left"):
        frame[col] = pd.to_datetime(frame[col])
    frame["name"] = frame["code"] + " SURGERY"
    frame["setting"] = "4"
    return frame


def pmap(on: dt.date, *rows: tuple[str, str | None, str, str, str]) -> PracticeMap:
    """rows: practice, pcn, ccg, stp, region."""
    f = pd.DataFrame(
        rows, columns=["PRACTICE_CODE", "PCN_CODE", "CCG_CODE", "STP_CODE", "COMM_REGION_CODE"]
    )
    for col, src in (
        ("PRACTICE_NAME", "PRACTICE_CODE"),
        ("PCN_NAME", "PCN_CODE"),
        ("CCG_NAME", "CCG_CODE"),
        ("STP_NAME", "STP_CODE"),
        ("COMM_REGION_NAME", "COMM_REGION_CODE"),
    ):
        f[col] = f[src]
    f["PCN_CODE"] = f["PCN_CODE"].astype("string")
    return PracticeMap(on, f, f"map-{on.isoformat()}")


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
    assert reg.get("S03").name == "ICB THREE"
    # a CCG gone before the first map: the STP of most of its practices in it
    assert stp("C77", D(2017, 9, 30)) == "S02"
    assert reg.parent_of_type("R01", OrgType.ENGLAND, D(2010, 1, 1)).code == "ENG"


def test_practices_open_and_under(reg: OrgRegistry) -> None:
    assert reg.practices_under("C01", D(2017, 9, 30)) == ["P0001", "P0002", "P0004"]
    assert reg.practices_under("C01", D(2018, 9, 30)) == ["P0001", "P0002"]
    assert reg.get("C77").name == "OLD CCG"


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
