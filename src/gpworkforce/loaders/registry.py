"""The national organisation registry from ODS and NHS Digital files (see ``docs/loaders.md``).

Sources and how each becomes effective-dated links:

* ``epraccur`` (ODS, Dec 2019): every GP practice (prescribing setting 4) with opening and closing
  dates, and practice -> CCG for the commissioner at extract time. ODS gives only the current
  commissioner and a *join date* that often records a re-registration or a CCG merger rather than
  a real move, so the link is taken to hold from the earliest join date of any practice to that
  commissioner (when the CCG itself is first seen), not the practice's own join date, to the
  left date (inclusive). Before that start, a practice of a CCG created by a merger (first seen
  April 2018/2019) takes the CCG that NHS Payments 2017/18 names for it (``earlier_ccg``, used
  when the file is present); failing that it has no CCG then: *not available*, never a guess.
* ``gp_reg_pat_prac_map_*`` (Sep 2020, Jan 2022): practice -> PCN, practice -> CCG, PCN -> CCG
  (the CCG of most of its practices), CCG -> STP, STP -> region, region -> England, each from the
  extract date until a later map changes it (:func:`~gpworkforce.loaders.hierarchy.snapshot_links`).
  They take over practice -> CCG from ``epraccur`` on the first map's date (a practice the first
  map does not list has no CCG from then: it had closed or had no registered patients). CCG -> STP and the
  tiers above are backdated: STP membership before September 2020 is taken from the 2020 map (a
  CCG that no longer existed by then gets the STP where most of its practices were in 2020).
* A practice the first map after its last listing in any source does not list is closed from
  that map's date (decision 0168, :func:`~gpworkforce.loaders.hierarchy.closed_by_absence`).
* ``ccg_to_icb.csv`` (2022): CCG -> ICB from 1 July 2022, when ICBs replaced STPs (ICB codes
  are the STP codes they replaced, so an unchanged membership is one continuing link).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.domain.names import display_name
from gpworkforce.domain.orgs import ENGLAND_CODE, Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.errors import InputFileError
from gpworkforce.loaders.epcn import EpcnFile, read_epcn
from gpworkforce.loaders.epcn_links import pcn_sub_icb_links, practice_pcn_links
from gpworkforce.loaders.hierarchy import (
    Snapshot,
    carried_forward,
    closed_by_absence,
    modal_parent,
    snapshot_links,
    truncate,
)
from gpworkforce.loaders.registry_files import (
    GP_PRACTICE_SETTING,
    ICB_ESTABLISHED,
    OdsExtract,
    PracticeMap,
    read_ccg_to_icb,
    read_epraccur,
    read_payments_ccgs,
    read_practice_map,
)

EPRACCUR_FILE = "epraccur_2019-12_headerless.csv"
MAP_GLOB = "gp_reg_pat_prac_map_*.csv"
CCG_ICB_FILE = "ccg_to_icb.csv"
PAYMENTS_FILE = "nhs_payments_to_general_practice_2017-18.csv"  # optional: 2017/18 CCGs
# the shared extract's month: a user's extract dated after it adds dated links (decision 0119)
ODS_BASE_DATE = dt.date(2019, 12, 31)
_ICB_CODE = re.compile(r"Q[A-Z0-9]{2}")  # an ICB's ODS code (QK1); fullmatch
_REGION_CODE = re.compile(r"Y\d{2}")  # an NHS England region's (Y60)


def _date(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns (Python str / date / None) so row iteration is fast and NA is None."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            stamps = out[col]
            values = np.where(stamps.isna().to_numpy(), None, stamps.dt.date.to_numpy()).tolist()
        else:
            values = [None if v is pd.NA else v for v in out[col].to_numpy(dtype=object)]
        out[col] = pd.Series(values, index=out.index, dtype=object)
    return out


class _Orgs:
    """Organisations collected from several files; a later name replaces an earlier one."""

    def __init__(self) -> None:
        self.items: dict[str, Organisation] = {}

    def add(self, code: str, name: str, kind: OrgType, **dates: dt.date | None) -> None:
        old = self.items.get(code)
        if old is not None and not dates:
            dates = {"opened": old.opened, "closed": old.closed}
        # the files name organisations in capitals: written once here as people read them
        self.items[code] = Organisation(code, display_name(name) if name else code, kind, **dates)

    def ensure(self, code: str, kind: OrgType) -> None:
        if code not in self.items:
            self.items[code] = Organisation(code, code, kind)


def _epraccur_part(ods: pd.DataFrame, orgs: _Orgs, source: str) -> list[ParentLink]:
    practices = ods[ods["setting"] == GP_PRACTICE_SETTING]
    first_join = {k: _date(v) for k, v in practices.groupby("commissioner")["joined"].min().items()}
    practices = _plain(practices)
    links: list[ParentLink] = []
    for row in practices.itertuples(index=False):
        orgs.add(row.code, row.name, OrgType.PRACTICE, opened=row.opened, closed=row.closed)
        if not row.commissioner:
            continue
        orgs.ensure(row.commissioner, OrgType.SUB_ICB)
        start = first_join.get(row.commissioner)
        left = row.left
        end = left + dt.timedelta(days=1) if left else None
        if start and end and end <= start:
            start = row.joined
        links.append(ParentLink(row.code, row.commissioner, start, end, source))
    return links


def _extract_part(
    extracts: Sequence[OdsExtract], orgs: _Orgs
) -> tuple[list[Snapshot], list[Snapshot], list[Snapshot]]:
    """Dated snapshots from ODS extracts later than the shared one: practice -> commissioner
    (every practice open on the extract date; one not listed, closed or left has no link from
    then) and, for extracts since ICBs were established, commissioner -> ICB (the "high level
    health geography") and ICB -> region (the "national grouping"), each a partial snapshot
    (only the organisations with practices are named)."""
    ccg: list[Snapshot] = []
    stp: list[Snapshot] = []
    reg: list[Snapshot] = []
    by_date = {e.extract_date: e for e in extracts if e.extract_date > ODS_BASE_DATE}
    for on in sorted(by_date):
        e = by_date[on]
        f = e.frame[e.frame["setting"] == GP_PRACTICE_SETTING]
        stamp = pd.Timestamp(on)
        live = (
            (f["opened"].isna() | (f["opened"] <= stamp))
            & (f["closed"].isna() | (f["closed"] >= stamp))
            & (f["left"].isna() | (f["left"] > stamp))
            & f["commissioner"].fillna("").ne("")
        ).to_numpy(dtype=bool)
        f = _plain(f.loc[live])
        for code in set(f["commissioner"]):
            orgs.ensure(code, OrgType.SUB_ICB)
        ccg.append(Snapshot(on, dict(zip(f["code"], f["commissioner"], strict=True)), e.file_name))
        if on < ICB_ESTABLISHED:
            continue
        icbs = f[f["health_geography"].fillna("").str.fullmatch(_ICB_CODE)]
        stp_edges = modal_parent(zip(icbs["commissioner"], icbs["health_geography"], strict=True))
        regions = icbs[icbs["national_grouping"].fillna("").str.fullmatch(_REGION_CODE)]
        reg_edges = modal_parent(
            zip(regions["health_geography"], regions["national_grouping"], strict=True)
        )
        for code in stp_edges.values():
            orgs.ensure(code, OrgType.ICB)
        for code in reg_edges.values():
            orgs.ensure(code, OrgType.REGION)
        stp.append(Snapshot(on, stp_edges, e.file_name))
        reg.append(Snapshot(on, reg_edges, e.file_name))
    return ccg, stp, reg


def _pcn_with_extracts(
    maps: Sequence[PracticeMap], extract_ccg: Sequence[Snapshot]
) -> list[Snapshot]:
    """Practice -> PCN snapshots of the maps, and one at each ODS extract's date (ODS names no
    PCN): a practice keeps its PCN while the extract shows it in the sub-ICB location the last
    snapshot did; one that moved, closed or is not listed leaves its PCN."""
    events: list[tuple[dt.date, int, PracticeMap | Snapshot]] = [
        (m.extract_date, 0, m) for m in maps
    ] + [(s.on, 1, s) for s in extract_ccg]
    pcn: dict[str, str] = {}
    ccg: dict[str, str] = {}
    out: list[Snapshot] = []
    for on, _, item in sorted(events, key=lambda ev: (ev[0], ev[1])):
        if isinstance(item, PracticeMap):
            f = item.frame
            has = f[f["PCN_CODE"].fillna("") != ""]
            pcn = dict(zip(has.PRACTICE_CODE, has.PCN_CODE, strict=True))
            ccg = dict(zip(f.PRACTICE_CODE, f.CCG_CODE, strict=True))
            out.append(Snapshot(on, pcn, item.file_name))
        else:
            pcn = {p: n for p, n in pcn.items() if p in item.edges and item.edges[p] == ccg.get(p)}
            ccg = dict(item.edges)
            out.append(Snapshot(on, pcn, item.source))
    return out


def _map_part(
    maps: Sequence[PracticeMap],
    ods: pd.DataFrame | None,
    orgs: _Orgs,
    extract_ccg: Sequence[Snapshot] = (),
    extract_reg: Sequence[Snapshot] = (),
    epcn: EpcnFile | None = None,
) -> tuple[list[ParentLink], set[str], list[Snapshot]]:
    """Links from the practice maps (with the ODS extracts' practice -> commissioner snapshots
    in the same tier); also the practices in the first map and CCG->STP snapshots."""
    ordered = sorted(maps, key=lambda m: m.extract_date)
    in_maps = set().union(*(set(m.frame["PRACTICE_CODE"]) for m in maps)) if maps else set()
    others = ods[ods["code"].isin(in_maps - orgs.items.keys())] if ods is not None else None
    known = {} if others is None else {r.code: r for r in _plain(others).itertuples(index=False)}
    tiers: dict[str, list[Snapshot]] = {
        k: [] for k in ("pcn", "ccg", "pcn_ccg", "stp", "reg", "eng")
    }
    for m in ordered:
        f = _plain(m.frame)
        for row in f.drop_duplicates("PRACTICE_CODE").itertuples(index=False):
            if row.PRACTICE_CODE in orgs.items:
                continue
            if row.PRACTICE_CODE in known:  # in ODS under another prescribing setting
                ods_row = known[row.PRACTICE_CODE]
                orgs.add(
                    row.PRACTICE_CODE,
                    ods_row.name,
                    OrgType.PRACTICE,
                    opened=ods_row.opened,
                    closed=ods_row.closed,
                )
            else:
                # not in the ODS extract: opened after it; known open from this map's date
                orgs.add(
                    row.PRACTICE_CODE, row.PRACTICE_NAME, OrgType.PRACTICE, opened=m.extract_date
                )
        # higher tiers: one organisation per code, the latest map's name winning
        for code_col, name_col, kind in (
            ("PCN_CODE", "PCN_NAME", OrgType.PCN),
            ("CCG_CODE", "CCG_NAME", OrgType.SUB_ICB),
            ("STP_CODE", "STP_NAME", OrgType.ICB),
            ("COMM_REGION_CODE", "COMM_REGION_NAME", OrgType.REGION),
        ):
            tier = f[f[code_col].notna()].drop_duplicates(code_col, keep="last")
            for code, name in zip(tier[code_col], tier[name_col], strict=True):
                orgs.add(code, name, kind)
        has_pcn = f[f["PCN_CODE"].fillna("") != ""]
        src = m.file_name
        tiers["ccg"].append(
            Snapshot(m.extract_date, dict(zip(f.PRACTICE_CODE, f.CCG_CODE, strict=True)), src)
        )
        tiers["pcn_ccg"].append(
            Snapshot(
                m.extract_date,
                modal_parent(zip(has_pcn.PCN_CODE, has_pcn.CCG_CODE, strict=True)),
                src,
            )
        )
        tiers["stp"].append(
            Snapshot(m.extract_date, dict(zip(f.CCG_CODE, f.STP_CODE, strict=True)), src)
        )
        tiers["reg"].append(
            Snapshot(m.extract_date, dict(zip(f.STP_CODE, f.COMM_REGION_CODE, strict=True)), src)
        )
        tiers["eng"].append(
            Snapshot(m.extract_date, dict.fromkeys(f.COMM_REGION_CODE, ENGLAND_CODE), src)
        )
    tiers["pcn"] = _pcn_with_extracts(ordered, extract_ccg)
    tiers["ccg"] += list(extract_ccg)
    links: list[ParentLink] = []
    links += practice_pcn_links(tiers["pcn"], epcn, {m.extract_date for m in maps})
    links += snapshot_links(tiers["ccg"], backdate_first=False)
    links += pcn_sub_icb_links(tiers["pcn_ccg"], epcn)
    links += snapshot_links(carried_forward(tiers["reg"], extract_reg), backdate_first=True)
    links += snapshot_links(tiers["eng"], backdate_first=True)
    in_first = set(ordered[0].frame["PRACTICE_CODE"]) if ordered else set()
    return links, in_first, tiers["stp"]


def _stp_links(
    stp_snaps: list[Snapshot],
    ccg_icb: pd.DataFrame | None,
    ccg_source: str,
    orphan_ccgs: Iterable[str],
    practice_ccg: Sequence[tuple[str, str]],
    first_map: PracticeMap | None,
    orgs: _Orgs,
    extract_stp: Sequence[Snapshot] = (),
) -> list[ParentLink]:
    snaps = list(stp_snaps)
    if ccg_icb is not None:
        for row in ccg_icb.itertuples(index=False):
            orgs.ensure(row.ccg, OrgType.SUB_ICB)
            orgs.add(row.icb, row.icb_name, OrgType.ICB)
        snaps.append(
            Snapshot(ICB_ESTABLISHED, dict(zip(ccg_icb.ccg, ccg_icb.icb, strict=True)), ccg_source)
        )
    links = snapshot_links(carried_forward(snaps, extract_stp), backdate_first=True)
    if first_map is not None:
        # CCGs gone before the first map: the STP where most of their practices were in it
        f = first_map.frame
        stp_of_practice = dict(zip(f.PRACTICE_CODE, f.STP_CODE, strict=True))
        orphans = set(orphan_ccgs)
        pairs = [
            (ccg, stp_of_practice[p])
            for p, ccg in practice_ccg
            if ccg in orphans and p in stp_of_practice
        ]
        for ccg, stp in modal_parent(pairs).items():
            links.append(ParentLink(ccg, stp, None, None, f"{first_map.file_name} (via practices)"))
    return links


def registry_from_frames(
    ods: pd.DataFrame | None,
    maps: Sequence[PracticeMap] = (),
    ccg_icb: pd.DataFrame | None = None,
    *,
    ods_source: str = EPRACCUR_FILE,
    ccg_icb_source: str = CCG_ICB_FILE,
    earlier_ccg: pd.DataFrame | None = None,
    earlier_source: str = PAYMENTS_FILE,
    later_ods: Sequence[OdsExtract] = (),
    epcn: EpcnFile | None = None,
) -> OrgRegistry:
    """Assemble the registry from already-read frames (pure; see module docs for the rules).

    ``earlier_ccg`` (columns ``practice, ccg, ccg_name`` from an older source, e.g. NHS Payments
    2017/18) fills the time before a practice's ODS link starts, when it names a different CCG.
    ``later_ods`` (epraccur extracts with their extract dates, in the order they were loaded)
    are dated snapshots like the maps (decision 0119): from each extract's date a practice is
    under the commissioner it names (a practice closed or not listed has no link), its PCN kept
    only while its sub-ICB location is unchanged; extracts since July 2022 also place their
    sub-ICB locations in ICBs and ICBs in regions. Of two of one date the last given wins; the
    latest gives every practice it lists its name and opening and closing dates. Extracts not
    later than the shared December 2019 one give names and dates only.

    ``epcn`` (an ODS ePCN workbook, decision 0153) dates the PCN membership of every practice
    it lists from its practice-to-PCN relationships, and places its open PCNs in their current
    sub-ICB location from its extract date (:mod:`gpworkforce.loaders.epcn_links`); it names
    the PCNs, and a practice no other file knows becomes a practice open while in a PCN.
    """
    orgs = _Orgs()
    orgs.add(ENGLAND_CODE, "England", OrgType.ENGLAND)
    links: list[ParentLink] = []
    ods_links = _epraccur_part(ods, orgs, ods_source) if ods is not None else []
    extract_ccg, extract_stp, extract_reg = _extract_part(later_ods, orgs)
    if epcn is not None:
        _epcn_orgs(epcn, orgs)
    map_links, _, stp_snaps = _map_part(maps, ods, orgs, extract_ccg, extract_reg, epcn)
    first = min(maps, key=lambda m: m.extract_date) if maps else None
    # the ODS link holds until the first later snapshot of the tier (a map or a later extract)
    takeover = min([m.extract_date for m in maps] + [snap.on for snap in extract_ccg], default=None)
    pairs = [(lk.child, lk.parent) for lk in ods_links]
    before_of: dict[str, str] = {}
    if earlier_ccg is not None:
        for row in earlier_ccg.itertuples(index=False):
            before_of[row.practice] = row.ccg
            known = orgs.items.get(row.ccg)
            if known is None or known.name == known.code:
                orgs.add(
                    row.ccg,
                    row.ccg_name if isinstance(row.ccg_name, str) else row.ccg,
                    OrgType.SUB_ICB,
                )
    for link in ods_links:
        # the first map takes over; a practice it does not list had closed (or had no patients)
        cut = truncate(link, takeover) if takeover is not None else link
        if cut is not None:
            links.append(cut)
        before = before_of.get(link.child)
        if link.start is not None and before and before != link.parent:
            links.append(ParentLink(link.child, before, None, link.start, earlier_source))
            pairs.append((link.child, before))
    links += map_links
    map_ccgs = set().union(*(set(m.frame["CCG_CODE"]) for m in maps)) if maps else set()
    orphans = {ccg for _, ccg in pairs} - map_ccgs
    links += _stp_links(
        stp_snaps, ccg_icb, ccg_icb_source, orphans, pairs, first, orgs, extract_stp
    )
    for extract in sorted(later_ods, key=lambda e: e.extract_date):  # stable: last given wins
        later = _plain(extract.frame[extract.frame["setting"] == GP_PRACTICE_SETTING])
        for row in later.itertuples(index=False):
            orgs.add(row.code, row.name, OrgType.PRACTICE, opened=row.opened, closed=row.closed)
    if epcn is not None:
        for row in epcn.pcns.itertuples(index=False):  # the ePCN names and dates its PCNs
            orgs.add(
                row.pcn_code,
                row.pcn_name or row.pcn_code,
                OrgType.PCN,
                opened=row.opened,
                closed=row.closed,
            )
        _epcn_practices(epcn, orgs)
    _close_unlisted(orgs, _last_listed(ods, maps, later_ods, epcn), maps)
    return OrgRegistry.build(orgs.items.values(), links)


def _last_listed(
    ods: pd.DataFrame | None,
    maps: Sequence[PracticeMap],
    later_ods: Sequence[OdsExtract],
    epcn: EpcnFile | None,
) -> dict[str, dt.date]:
    """Each practice's last date in a source that names it: the shared ODS extract's month,
    a practice map's or later ODS extract's date, an ePCN relationship's last day (the
    workbook's date while it lasts)."""
    last: dict[str, dt.date] = {}

    def seen(codes: Iterable[str], on: dt.date) -> None:
        for code in codes:
            if code not in last or last[code] < on:
                last[code] = on

    if ods is not None:
        seen(ods.loc[ods["setting"] == GP_PRACTICE_SETTING, "code"], ODS_BASE_DATE)
    for m in maps:
        seen(m.frame["PRACTICE_CODE"], m.extract_date)
    for e in later_ods:
        seen(e.frame.loc[e.frame["setting"] == GP_PRACTICE_SETTING, "code"], e.extract_date)
    if epcn is not None:
        for row in epcn.members.itertuples(index=False):
            seen((row.practice_code,), epcn.extract_date if row.end is None else row.end)
    return last


def _close_unlisted(orgs: _Orgs, last: dict[str, dt.date], maps: Sequence[PracticeMap]) -> None:
    """Practices a later practice map no longer lists closed the day before its date
    (:func:`~gpworkforce.loaders.hierarchy.closed_by_absence`, decision 0168); an earlier
    closing date a source gives is kept."""
    # a practice opening after its last listing (a date ahead in an extract) is known from then
    for code, on in list(last.items()):
        org = orgs.items.get(code)
        if org is not None and org.opened is not None and org.opened > on:
            last[code] = org.opened
    closing = closed_by_absence(last, [m.extract_date for m in maps])
    for code, day in closing.items():
        org = orgs.items.get(code)
        if org is None or org.type is not OrgType.PRACTICE:
            continue
        if (org.closed is not None and org.closed <= day) or (org.opened and day < org.opened):
            continue
        orgs.items[code] = Organisation(org.code, org.name, org.type, org.opened, day)


def _epcn_orgs(epcn: EpcnFile, orgs: _Orgs) -> None:
    """The ePCN's PCNs and their sub-ICB locations as organisations (named later)."""
    for row in epcn.pcns.itertuples(index=False):
        orgs.ensure(row.pcn_code, OrgType.PCN)
        if row.sub_icb:
            orgs.ensure(row.sub_icb, OrgType.SUB_ICB)
    for row in epcn.members.itertuples(index=False):
        if row.pcn_code not in orgs.items:
            orgs.add(row.pcn_code, row.pcn_name or row.pcn_code, OrgType.PCN)


def _epcn_practices(epcn: EpcnFile, orgs: _Orgs) -> None:
    """The practices the ePCN lists that no ODS extract or map made organisations: open from
    their first relationship's start to their last one's end (open when one has no end)."""
    spans: dict[str, tuple[str | None, dt.date, dt.date | None, bool]] = {}
    for row in epcn.members.itertuples(index=False):
        if row.practice_code in orgs.items:
            continue
        name, first, last, ongoing = spans.get(
            row.practice_code, (row.practice_name, row.start, row.end, False)
        )
        ongoing = ongoing or row.end is None
        last = row.end if last is None or (row.end is not None and row.end > last) else last
        spans[row.practice_code] = (name or row.practice_name, min(first, row.start), last, ongoing)
    for code, (name, first, last, ongoing) in spans.items():
        orgs.add(
            code, name or code, OrgType.PRACTICE, opened=first, closed=None if ongoing else last
        )


def registry_files(data_dir: Path) -> tuple[Path, list[Path], Path]:
    """The epraccur, practice-map and CCG->ICB files under ``data_dir/nhs`` (all must exist)."""
    nhs = Path(data_dir) / "nhs"
    ods = nhs / EPRACCUR_FILE
    maps = sorted(nhs.glob(MAP_GLOB))
    icb = nhs / CCG_ICB_FILE
    missing = [p.name for p in (ods, icb) if not p.is_file()] + ([] if maps else [MAP_GLOB])
    if missing:
        raise InputFileError(f"{nhs}: must contain {', '.join(missing)}, got none")
    return ods, maps, icb


def build_registry(
    data_dir: Path | None = None,
    *,
    later_ods: Sequence[tuple[dt.date, Path]] = (),
    extra_maps: Sequence[Path] = (),
    epcn: Sequence[tuple[dt.date, Path]] = (),
) -> OrgRegistry:
    """The whole national registry from the shared files (cached per file versions).

    ``data_dir`` holds ``nhs/`` (default: :func:`gpworkforce.paths.shared_data_dir`). The result
    is immutable and cached: a second call with unchanged files returns the same object.

    A user's files add to it (a workspace's ``ods-practices`` and ``practice-map`` kinds):
    ``extra_maps`` are more practice maps (a map with the extract date of another replaces it;
    of several with one date the last given wins); ``later_ods`` are ODS extracts with their
    extract dates, the latest of which gives every practice it lists its name and opening and
    closing dates (practices opened since the shared extract become organisations). Links before
    the first map still come from the shared December 2019 extract (decision 0021). ``epcn`` are
    ODS ePCN workbooks with their extract dates: the latest (of one date, the last given) dates
    practices' PCN membership (decision 0153; it holds every relationship, ended ones too).
    """
    return _cached_registry(*_inputs(data_dir, later_ods, extra_maps, epcn))


def registry_key(
    data_dir: Path | None = None,
    *,
    later_ods: Sequence[tuple[dt.date, Path]] = (),
    extra_maps: Sequence[Path] = (),
    epcn: Sequence[tuple[dt.date, Path]] = (),
) -> str:
    """The digest naming the registry :func:`build_registry` gives for these arguments (its
    input files' paths, sizes and modification times, and the code that builds it), found
    without building or reading it."""
    return _key(*_inputs(data_dir, later_ods, extra_maps, epcn))


def _inputs(
    data_dir: Path | None,
    later_ods: Sequence[tuple[dt.date, Path]],
    extra_maps: Sequence[Path],
    epcn: Sequence[tuple[dt.date, Path]],
) -> tuple[tuple[tuple[str, int, int], ...], Extra]:
    if data_dir is None:
        from gpworkforce.paths import shared_data_dir

        data_dir = shared_data_dir()
    ods, maps, icb = registry_files(Path(data_dir))
    payments = Path(data_dir) / "nhs" / PAYMENTS_FILE
    optional = [payments] if payments.is_file() else []
    stamp = tuple(
        (str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size)
        for p in (ods, *maps, icb, *optional)
    )
    roles = [(f"ods:{on.isoformat()}", p) for on, p in later_ods]
    roles += [("map", p) for p in extra_maps]
    roles += [(f"epcn:{on.isoformat()}", p) for on, p in epcn]
    extra = tuple(
        (role, str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for role, p in roles
    )
    return stamp, extra


Extra = tuple[tuple[str, str, int, int], ...]  # (role, path, mtime, size) of a user's file


@lru_cache(maxsize=4)
def _cached_registry(stamp: tuple[tuple[str, int, int], ...], extra: Extra = ()) -> OrgRegistry:
    from gpworkforce.loaders import registry_cache

    key = _key(stamp, extra)
    cached = registry_cache.read_cached(key)
    if cached is not None:
        return cached
    registry = _registry_from_files(stamp, extra)
    registry_cache.write_cached(key, registry)
    return registry


def _key(stamp: tuple[tuple[str, int, int], ...], extra: Extra) -> str:
    from gpworkforce.loaders import registry_cache

    keyed = tuple((f"{role}\0{path}", mtime, size) for role, path, mtime, size in extra)
    return registry_cache.cache_key((*stamp, *keyed))


def _registry_from_files(stamp: tuple[tuple[str, int, int], ...], extra: Extra = ()) -> OrgRegistry:
    paths = [Path(st[0]) for st in stamp]
    earlier: pd.DataFrame | None = None
    earlier_source = PAYMENTS_FILE
    if paths[-1].name == PAYMENTS_FILE:
        pay = paths.pop()
        earlier, earlier_source = read_payments_ccgs(pay), pay.name
    ods_path, map_paths, icb_path = paths[0], paths[1:-1], paths[-1]
    by_date = {m.extract_date: m for m in (read_practice_map(p) for p in map_paths)}
    for role, path, _, _ in extra:
        if role == "map":
            added = read_practice_map(Path(path))
            by_date[added.extract_date] = added  # the user's map of a date replaces ours
    later = [
        OdsExtract(dt.date.fromisoformat(role[4:]), read_epraccur(Path(path)), Path(path).name)
        for role, path, _, _ in extra
        if role.startswith("ods:")
    ]  # in the order given: of one extract date the last wins
    workbooks = [
        (dt.date.fromisoformat(role[5:]), i, Path(path))
        for i, (role, path, _, _) in enumerate(extra)
        if role.startswith("epcn:")
    ]
    epcn = None
    if workbooks:
        on, _, path = max(workbooks)  # the latest extract; of one date the last given
        epcn = read_epcn(path, on)
    return registry_from_frames(
        read_epraccur(ods_path),
        [by_date[d] for d in sorted(by_date)],
        read_ccg_to_icb(icb_path),
        ods_source=ods_path.name,
        ccg_icb_source=icb_path.name,
        earlier_ccg=earlier,
        earlier_source=earlier_source,
        later_ods=later,
        epcn=epcn,
    )
