"""A registry's practice map on integer arrays (decision 0152) answers as ``parent_of_type``
does for every open practice, on random hierarchies with several parents per organisation,
links in force on some dates only and practices opened and closed; the same read back from
columns (the registry cache)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.domain.orgs import TIER_RANK, Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.loaders import registry_cache

TIERS = [OrgType.PRACTICE, OrgType.PCN, OrgType.SUB_ICB, OrgType.ICB, OrgType.REGION]
DAYS = [dt.date(2020, 1, 1) + dt.timedelta(days=30 * i) for i in range(6)]


@st.composite
def registries(draw: st.DrawFn) -> OrgRegistry:
    orgs: list[Organisation] = []
    for tier in TIERS:
        for i in range(draw(st.integers(1, 5))):
            opened = draw(st.sampled_from([None, *DAYS]))
            closed = draw(st.sampled_from([None, *DAYS]))
            if opened and closed and closed < opened:
                opened, closed = closed, opened
            orgs.append(
                Organisation(f"{tier.name[:3]}{i:02d}", f"{tier} {i}", tier, opened, closed)
            )
    links: list[ParentLink] = []
    for _ in range(draw(st.integers(0, 40))):
        child, parent = draw(st.sampled_from(orgs)), draw(st.sampled_from(orgs))
        if TIER_RANK[parent.type] <= TIER_RANK[child.type]:
            continue
        start = draw(st.sampled_from([None, *DAYS]))
        end = draw(st.sampled_from([None, *DAYS]))
        if start and end and end <= start:
            continue
        links.append(ParentLink(child.code, parent.code, start, end, "s"))
    return OrgRegistry.build(orgs, links)


@settings(max_examples=200, deadline=None)
@given(registry=registries(), on=st.sampled_from(DAYS), tier=st.sampled_from(list(OrgType)))
def test_practice_map_is_parent_of_type_of_every_open_practice(
    registry: OrgRegistry, on: dt.date, tier: OrgType
) -> None:
    expected = {}
    for org in registry.organisations.values():
        if org.type is OrgType.PRACTICE and org.is_open(on):
            if tier is OrgType.ENGLAND:
                expected[org.code] = "ENG"
                continue
            parent = registry.parent_of_type(org.code, tier, on)
            if parent is not None:
                expected[org.code] = parent.code
    got = registry.practice_map(on, tier)
    assert got == expected
    assert list(got) == list(expected)  # in the registry's order of practices
    with tempfile.TemporaryDirectory() as tmp:
        registry_cache.write_registry(Path(tmp), registry)
        columns = registry_cache.read_registry(Path(tmp))
    assert columns is not None
    assert columns.practice_map(on, tier) == got
