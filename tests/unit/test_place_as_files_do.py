"""A workforce file's own placement of its practices is used on its census dates (issue 10,
item 1): hand-built registries, so each answer is known without the code under test."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.loaders.own_orgs import _cut, place_as_files_do

D = dt.date(2024, 3, 31)
BEFORE, AFTER = dt.date(2024, 3, 30), dt.date(2024, 4, 1)


def registry() -> OrgRegistry:
    orgs = [
        Organisation(
            "QK1", "NHS Leicester, Leicestershire and Rutland Integrated Care Board", OrgType.ICB
        ),
        Organisation("QJM", "NHS Lincolnshire Integrated Care Board", OrgType.ICB),
        Organisation("04V", "West Leicestershire", OrgType.SUB_ICB),
        Organisation("71E", "Lincolnshire", OrgType.SUB_ICB),
        Organisation("U00001", "A PCN", OrgType.PCN),
        Organisation("C82001", "Stays", OrgType.PRACTICE),
        Organisation("C83653", "Moves", OrgType.PRACTICE),
        Organisation("C83999", "Nowhere", OrgType.PRACTICE),
    ]
    links = [
        ParentLink("04V", "QK1"),
        ParentLink("71E", "QJM"),
        ParentLink("U00001", "71E"),
        ParentLink("C82001", "04V"),
        ParentLink("C83653", "71E", start=dt.date(2020, 1, 1)),
        ParentLink("C83653", "U00001"),
    ]
    return OrgRegistry.build(orgs, links)


def places(rows: list[tuple[str, str | None, str | None, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["practice_code", "sub_icb_code", "icb_code", "icb_name", "source_id"]
    ).assign(period=pd.Timestamp(D))


LLR = "Leicester, Leicestershire and Rutland"


def test_a_practice_the_file_places_elsewhere_counts_there_on_that_date_only() -> None:
    reg = registry()
    out = place_as_files_do(reg, places([("C83653", None, None, LLR, "f")]))
    assert out.registry.practice_map(D, OrgType.ICB)["C83653"] == "QK1"
    # in no sub-ICB location or PCN of the registry's on that date (the file names none)
    assert "C83653" not in out.registry.practice_map(D, OrgType.SUB_ICB)
    assert "C83653" not in out.registry.practice_map(D, OrgType.PCN)
    for day in (BEFORE, AFTER):  # the registry's placement either side
        assert out.registry.practice_map(day, OrgType.ICB)["C83653"] == "QJM"
        assert out.registry.practice_map(day, OrgType.PCN)["C83653"] == "U00001"
    assert out.moved == (
        "C83653 on 2024-03-31: NHS Lincolnshire Integrated Care Board -> "
        "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
    )
    assert "counted where the workforce file places them" in (out.statement() or "")


def test_agreeing_rows_change_nothing() -> None:
    reg = registry()
    out = place_as_files_do(reg, places([("C82001", None, None, "NHS " + LLR + " ICB", "f")]))
    assert out.registry is reg and out.statement() is None


def test_a_sub_icb_code_places_at_that_tier_and_unknown_practices_are_added() -> None:
    reg = registry()
    out = place_as_files_do(
        reg,
        places([("C83999", "04V", "QK1", LLR, "f"), ("Y12345", "04V", None, None, "f")]),
    )
    assert out.registry.practice_map(D, OrgType.SUB_ICB)["C83999"] == "04V"
    assert out.registry.practice_map(D, OrgType.ICB)["Y12345"] == "QK1"
    assert "Y12345" not in reg and "Y12345" in out.registry
    assert len(out.placed) == 2 and out.moved == ()


def test_names_the_registry_does_not_know_are_reported_and_change_nothing() -> None:
    reg = registry()
    out = place_as_files_do(reg, places([("C83653", None, None, "Atlantis", "f")]))
    assert out.registry is reg
    assert out.unresolved == ("Atlantis",)
    assert "Atlantis" in (out.statement() or "")


def test_of_two_files_the_later_in_source_order_wins() -> None:
    reg = registry()
    rows = places([("C83653", None, None, LLR, "new"), ("C83653", None, "QJM", None, "old")])
    out = place_as_files_do(reg, rows, {"old": 0, "new": 1})
    assert out.registry.practice_map(D, OrgType.ICB)["C83653"] == "QK1"
    back = place_as_files_do(reg, rows, {"old": 1, "new": 0})
    assert back.registry is reg  # the later file agrees with the registry


@given(
    start=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31))),
    length=st.one_of(st.none(), st.integers(1, 2000)),
    cuts=st.sets(st.dates(dt.date(2019, 6, 1), dt.date(2026, 6, 1)), max_size=5),
)
def test_a_cut_link_is_in_force_on_every_day_but_the_cut_ones(
    start: dt.date | None, length: int | None, cuts: set[dt.date]
) -> None:
    end = None if length is None or start is None else start + dt.timedelta(days=length)
    link = ParentLink("C82001", "04V", start, end)
    pieces = _cut(link, cuts)
    day = dt.date(2019, 6, 1)
    while day <= dt.date(2026, 6, 1):
        expected = link.in_force(day) and day not in cuts
        assert sum(p.in_force(day) for p in pieces) == int(expected), day
        day += dt.timedelta(days=1)
