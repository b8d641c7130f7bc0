"""Effective-dated links from snapshots (pure functions of gpworkforce.loaders.hierarchy)."""

from __future__ import annotations

import datetime as dt

from gpworkforce.domain.orgs import ParentLink
from gpworkforce.loaders.hierarchy import Snapshot, modal_parent, snapshot_links, truncate

D1 = dt.date(2020, 9, 1)
D2 = dt.date(2022, 1, 1)


def _links(snaps: list[Snapshot], backdate: bool = False) -> set[tuple]:
    return {
        (lk.child, lk.parent, lk.start, lk.end)
        for lk in snapshot_links(snaps, backdate_first=backdate)
    }


def test_unchanged_parent_is_one_open_link() -> None:
    snaps = [Snapshot(D1, {"P1": "N1"}, "a"), Snapshot(D2, {"P1": "N1"}, "b")]
    assert _links(snaps) == {("P1", "N1", D1, None)}


def test_changed_parent_ends_old_link_where_new_map_starts() -> None:
    snaps = [Snapshot(D2, {"P1": "N2"}, "b"), Snapshot(D1, {"P1": "N1"}, "a")]  # any order
    assert _links(snaps) == {("P1", "N1", D1, D2), ("P1", "N2", D2, None)}


def test_child_absent_from_later_snapshot_ends_its_link() -> None:
    snaps = [Snapshot(D1, {"P1": "N1", "P2": "N1"}, "a"), Snapshot(D2, {"P1": "N1"}, "b")]
    assert _links(snaps) == {("P1", "N1", D1, None), ("P2", "N1", D1, D2)}


def test_child_first_seen_later_starts_then() -> None:
    snaps = [Snapshot(D1, {"P1": "N1"}, "a"), Snapshot(D2, {"P1": "N1", "P3": "N2"}, "b")]
    assert ("P3", "N2", D2, None) in _links(snaps, backdate=True)


def test_backdate_opens_only_links_of_the_first_snapshot() -> None:
    snaps = [Snapshot(D1, {"C1": "S1"}, "a"), Snapshot(D2, {"C1": "S2"}, "b")]
    assert _links(snaps, backdate=True) == {("C1", "S1", None, D2), ("C1", "S2", D2, None)}


def test_links_record_the_snapshot_source() -> None:
    snaps = [Snapshot(D1, {"P1": "N1"}, "map-2020"), Snapshot(D2, {"P1": "N2"}, "map-2022")]
    sources = {lk.parent: lk.source for lk in snapshot_links(snaps, backdate_first=False)}
    assert sources == {"N1": "map-2020", "N2": "map-2022"}


def test_no_snapshots_no_links() -> None:
    assert snapshot_links([], backdate_first=True) == []


def test_modal_parent_majority_then_smallest_code() -> None:
    pairs = [("N1", "B"), ("N1", "A"), ("N1", "B"), ("N2", "Z"), ("N2", "Y")]
    assert modal_parent(pairs) == {"N1": "B", "N2": "Y"}


def test_truncate_shortens_open_link_and_drops_later_ones() -> None:
    open_link = ParentLink("P1", "C1", dt.date(2013, 4, 1), None)
    assert truncate(open_link, D1) == ParentLink("P1", "C1", dt.date(2013, 4, 1), D1)
    early = ParentLink("P1", "C1", dt.date(2013, 4, 1), dt.date(2015, 1, 1))
    assert truncate(early, D1) is early
    assert truncate(ParentLink("P1", "C1", D2, None), D1) is None
