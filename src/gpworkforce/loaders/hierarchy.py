"""Pure functions that turn dated snapshots of 'who is under whom' into effective-dated links.

A *snapshot* is one extract's child -> parent edges for one tier (say practice -> PCN from the
September 2020 map). :func:`snapshot_links` merges a tier's snapshots in date order: a link starts
at the extract where it first appears and runs until an extract shows a different parent, or no
longer lists the child, at which point it ends (exclusive) on that extract's date. A link first
seen in the earliest snapshot can be *backdated* (start open) when the tier is known to be older
than the extract (e.g. CCG -> STP membership before 2020 taken from the 2020 map).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gpworkforce.domain.orgs import ParentLink


@dataclass(frozen=True)
class Snapshot:
    """The child -> parent edges of one tier as one extract (``source``) gave them on ``on``."""

    on: dt.date
    edges: Mapping[str, str]
    source: str


def snapshot_links(snapshots: Sequence[Snapshot], *, backdate_first: bool) -> list[ParentLink]:
    """Effective-dated links from dated snapshots of one tier (see module docs)."""
    ordered = sorted(snapshots, key=lambda s: s.on)
    if not ordered:
        return []
    children: dict[str, None] = {}
    for snap in ordered:
        children.update(dict.fromkeys(snap.edges))
    links: list[ParentLink] = []
    first_on = ordered[0].on
    for child in children:
        parent: str | None = None
        start: dt.date | None = None
        source = ""
        for snap in ordered:
            new = snap.edges.get(child)
            if new == parent:
                continue
            if parent is not None:
                links.append(ParentLink(child, parent, start, snap.on, source))
            parent, source = new, snap.source
            start = None if (backdate_first and snap.on == first_on) else snap.on
        if parent is not None:
            links.append(ParentLink(child, parent, start, None, source))
    return links


def modal_parent(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """For each child, the parent it is paired with most often (ties: smallest code).

    Used where a source lists a tier only through its members, e.g. a PCN's CCG from its
    practices' rows (a few PCNs straddle two CCGs; the majority decides).
    """
    counts: dict[str, Counter[str]] = {}
    for child, parent in pairs:
        counts.setdefault(child, Counter())[parent] += 1
    return {child: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for child, c in counts.items()}


def truncate(link: ParentLink, end: dt.date) -> ParentLink | None:
    """``link`` ended no later than ``end``; None if nothing of it remains."""
    if link.end is not None and link.end <= end:
        return link
    if link.start is not None and link.start >= end:
        return None
    return ParentLink(link.child, link.parent, link.start, end, link.source)


def carried_forward(full: Sequence[Snapshot], partial: Sequence[Snapshot]) -> list[Snapshot]:
    """``full`` with each ``partial`` snapshot (a source that names only some children, such as
    an ODS extract naming the ICB of the sub-ICB locations that have practices) inserted as the
    snapshot in force before its date updated with its edges: a child it does not name keeps
    its parent, where a ``full`` snapshot would end its link."""
    out = sorted(full, key=lambda s: s.on)
    for part in sorted(partial, key=lambda s: s.on):
        before = [s for s in out if s.on <= part.on]
        edges = {**(before[-1].edges if before else {}), **part.edges}
        out = [*before, Snapshot(part.on, edges, part.source), *out[len(before) :]]
    return out


def closed_by_absence(
    listed: Mapping[str, dt.date], full_lists: Sequence[dt.date]
) -> dict[str, dt.date]:
    """The last day open of each practice a later full list no longer names (decision 0168).

    ``listed`` gives each practice's last date in any source that names it (a practice map, an
    ODS extract, an ePCN relationship); ``full_lists`` are the dates of the lists that name
    every practice with registered patients on their date (the practice maps). A practice that
    the first full list after its last listing does not name had closed by that list's date:
    it is taken to be open until the day before it, not from the day after its last listing
    (it may have had patients and staff until then). A practice named again by a later source
    is open again, since its last listing is then that source's. Practices no later full list
    follows are left out (open, as far as these sources tell)."""
    dates = sorted(set(full_lists))
    out: dict[str, dt.date] = {}
    for practice, last in listed.items():
        i = bisect_right(dates, last)  # the first full list dated after ``last``
        if i < len(dates):
            out[practice] = dates[i] - dt.timedelta(days=1)
    return out
