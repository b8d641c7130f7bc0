"""How an ePCN workbook's dated relationships become registry links (pure; decision 0153).

* **Practice -> PCN.** For every practice the ePCN lists, its membership comes from the
  practice-to-PCN relationships: a link from the start date to the day after the end date (ODS
  end dates are the last day of membership), for the dates up to the file's extract date and on,
  until the first practice map dated *after* the extract date (later evidence, applied as
  before from then; an ODS extract names no PCN, so it does not end them). The practice maps' and extracts' PCN snapshots no longer decide these
  practices' PCNs before that: a map records membership on one day, the ePCN the dates it began
  and ended. Practices the ePCN does not list keep the maps' links.
* **PCN -> sub-ICB location.** The ``PCNDetails`` sheet's current sub-ICB location of every PCN
  open on the extract date is a partial snapshot on that date (a PCN it does not name keeps its
  link); a PCN no map names is placed there from its open date.
* Where a map and the ePCN disagree about a practice on the map's date the ePCN is used and the
  disagreement is a load warning (:func:`map_disagreements`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from gpworkforce import labels
from gpworkforce.domain.orgs import OrgRegistry, OrgType, ParentLink
from gpworkforce.loaders.epcn import EpcnFile
from gpworkforce.loaders.hierarchy import Snapshot, carried_forward, snapshot_links, truncate

ONE_DAY = dt.timedelta(days=1)


def membership_links(epcn: EpcnFile) -> list[ParentLink]:
    """Practice -> PCN links from the relationships' start and end dates."""
    return [
        ParentLink(p, n, s, e + ONE_DAY if e is not None else None, epcn.file_name)
        for p, n, s, e in zip(
            epcn.members["practice_code"],
            epcn.members["pcn_code"],
            epcn.members["start"],
            epcn.members["end"],
            strict=True,
        )
    ]


def practice_pcn_links(
    snapshots: Sequence[Snapshot],
    epcn: EpcnFile | None,
    map_dates: Collection[dt.date] | None = None,
) -> list[ParentLink]:
    """The practice -> PCN tier: the maps' and extracts' ``snapshots``, and the ePCN's
    relationships for the practices it lists (see the module doc). ``map_dates``: the dates of
    the snapshots that are practice maps (None: all); only a map dated after the ePCN's extract
    takes over from it (an ODS extract names no PCN: its snapshot only carries a map's PCNs)."""
    if epcn is None:
        return snapshot_links(snapshots, backdate_first=False)
    listed = set(epcn.members["practice_code"])

    def only(keep: bool, snaps: Sequence[Snapshot]) -> list[Snapshot]:
        return [
            Snapshot(s.on, {c: p for c, p in s.edges.items() if (c in listed) == keep}, s.source)
            for s in snaps
        ]

    maps = [s.on for s in snapshots if map_dates is None or s.on in map_dates]
    cut = min((on for on in maps if on > epcn.extract_date), default=None)
    after = [s for s in snapshots if cut is not None and s.on >= cut]
    links = snapshot_links(only(False, snapshots), backdate_first=False)
    for link in membership_links(epcn):
        kept = truncate(link, cut) if cut is not None else link
        if kept is not None:
            links.append(kept)
    return links + snapshot_links(only(True, after), backdate_first=False)


def pcn_sub_icb_links(snapshots: Sequence[Snapshot], epcn: EpcnFile | None) -> list[ParentLink]:
    """The PCN -> sub-ICB location tier: the maps' snapshots and the ePCN's current sub-ICB
    location of its open PCNs on its extract date (a partial snapshot)."""
    if epcn is None:
        return snapshot_links(snapshots, backdate_first=False)
    on = epcn.extract_date
    p = epcn.pcns
    open_ = [
        code
        for code, sub, closed in zip(p["pcn_code"], p["sub_icb"], p["closed"], strict=True)
        if sub is not None and (closed is None or closed >= on)
    ]
    current = dict(zip(p["pcn_code"], p["sub_icb"], strict=True))
    snap = Snapshot(on, {c: current[c] for c in open_}, epcn.file_name)
    links = snapshot_links(carried_forward(snapshots, [snap]), backdate_first=False)
    in_maps = set().union(*(set(s.edges) for s in snapshots)) if snapshots else set()
    opened = dict(zip(p["pcn_code"], p["opened"], strict=True))
    out: list[ParentLink] = []
    for link in links:
        start = opened.get(link.child)
        if link.child not in in_maps and link.start == on and start is not None and start < on:
            link = ParentLink(link.child, link.parent, start, link.end, link.source)
        out.append(link)
    return out


def map_disagreements(epcn: EpcnFile, registry: OrgRegistry) -> list[str]:
    """Where the registry (practice maps, ODS extracts) puts a practice the ePCN lists in
    another PCN on a date its practice -> PCN links change, within the ePCN's dates: one warning
    per date, naming each practice with both PCNs (the ePCN's is used)."""
    listed = set(epcn.members["practice_code"])
    first = min(epcn.members["start"])
    kind = {code: org.type for code, org in registry.organisations.items()}
    mine = [lk for lk in registry.links if lk.child in listed and kind[lk.parent] is OrgType.PCN]
    dates = sorted(
        {lk.start for lk in mine if lk.start is not None and first <= lk.start <= epcn.extract_date}
    )
    out: list[str] = []
    for on in dates:
        theirs = {lk.child: lk.parent for lk in mine if lk.in_force(on)}
        ours = epcn.pcn_on(on)
        differ = sorted(p for p in theirs if theirs[p] != ours.get(p))
        if not differ:
            continue
        shown = "; ".join(f"{p} (map {theirs[p]}, ePCN {ours.get(p) or 'none'})" for p in differ)
        out.append(
            f"{epcn.file_name}: on {labels.date_text(on)} the practice map puts "
            f"{labels.plural(len(differ), 'practice')} in another PCN than the ePCN's "
            f"practice-to-PCN relationships (the ePCN is used): {shown}"
        )
    return out


def unknown_practices(epcn: EpcnFile, registry: OrgRegistry) -> list[str]:
    """A warning naming the practices the ePCN lists that the registry does not know."""
    unknown = sorted(set(epcn.members["practice_code"]) - set(registry.organisations))
    if not unknown:
        return []
    return [
        f"{epcn.file_name}: {labels.plural(len(unknown), 'practice')} not in the ODS extracts or "
        "practice maps (added as practices open while in a PCN, placed through their PCN): "
        + ", ".join(unknown[:50])
    ]
