"""The national organisation registry from ODS and NHS Digital files (see ``docs/loaders.md``).

Sources and how each becomes effective-dated links:

* ``epraccur`` (ODS, Dec 2019): every GP practice (prescribing setting 4) with opening and closing
  dates, and practice -> CCG for the commissioner at extract time. ODS gives only the current
  commissioner and a *join date* that often records a re-registration or a CCG merger rather than
  a real move, so the link is taken to hold from the earliest join date of any practice to that
  commissioner (when the CCG itself is first seen), not the practice's own join date, to the
  left date (inclusive). A practice of a CCG created by a merger (first seen April 2018/2019) has
  no CCG before that date: *not available*, never a guess.
* ``gp_reg_pat_prac_map_*`` (Sep 2020, Jan 2022): practice -> PCN, practice -> CCG, PCN -> CCG
  (the CCG of most of its practices), CCG -> STP, STP -> region, region -> England, each from the
  extract date until a later map changes it (:func:`~gpworkforce.loaders.hierarchy.snapshot_links`).
  They take over practice -> CCG from ``epraccur`` on the first map's date (a practice the first
  map does not list has no CCG from then: it had closed or had no registered patients). CCG -> STP and the
  tiers above are backdated: STP membership before September 2020 is taken from the 2020 map (a
  CCG that no longer existed by then gets the STP where most of its practices were in 2020).
* ``ccg_to_icb.csv`` (2022): CCG -> ICB from 1 July 2022, when ICBs replaced STPs (ICB codes
  are the STP codes they replaced, so an unchanged membership is one continuing link).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from gpworkforce.domain.orgs import ENGLAND_CODE, Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.errors import InputFileError
from gpworkforce.loaders.hierarchy import Snapshot, modal_parent, snapshot_links, truncate
from gpworkforce.loaders.registry_files import (
    GP_PRACTICE_SETTING,
    ICB_ESTABLISHED,
    PracticeMap,
    read_ccg_to_icb,
    read_epraccur,
    read_practice_map,
)

EPRACCUR_FILE = "epraccur_2019-12_headerless.csv"
MAP_GLOB = "gp_reg_pat_prac_map_*.csv"
CCG_ICB_FILE = "ccg_to_icb.csv"


def _date(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns (Python str / date / None) so row iteration is fast and NA is None."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            values = [None if pd.isna(v) else v.date() for v in out[col]]
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
        self.items[code] = Organisation(code, name or code, kind, **dates)

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


def _map_part(
    maps: Sequence[PracticeMap], ods: pd.DataFrame | None, orgs: _Orgs
) -> tuple[list[ParentLink], set[str], list[Snapshot]]:
    """Links from the practice maps; also the practices in the first map and CCG->STP snapshots."""
    ordered = sorted(maps, key=lambda m: m.extract_date)
    known = {} if ods is None else {r.code: r for r in _plain(ods).itertuples(index=False)}
    tiers: dict[str, list[Snapshot]] = {
        k: [] for k in ("pcn", "ccg", "pcn_ccg", "stp", "reg", "eng")
    }
    for m in ordered:
        f = _plain(m.frame)
        for row in f.itertuples(index=False):
            if row.PRACTICE_CODE in orgs.items:
                pass
            elif row.PRACTICE_CODE in known:  # in ODS under another prescribing setting
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
            if isinstance(row.PCN_CODE, str) and row.PCN_CODE:
                orgs.add(row.PCN_CODE, row.PCN_NAME, OrgType.PCN)
            orgs.add(row.CCG_CODE, row.CCG_NAME, OrgType.SUB_ICB)
            orgs.add(row.STP_CODE, row.STP_NAME, OrgType.ICB)
            orgs.add(row.COMM_REGION_CODE, row.COMM_REGION_NAME, OrgType.REGION)
        has_pcn = f[f["PCN_CODE"].fillna("") != ""]
        src = m.file_name
        tiers["pcn"].append(
            Snapshot(
                m.extract_date, dict(zip(has_pcn.PRACTICE_CODE, has_pcn.PCN_CODE, strict=True)), src
            )
        )
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
    links: list[ParentLink] = []
    links += snapshot_links(tiers["pcn"], backdate_first=False)
    links += snapshot_links(tiers["ccg"], backdate_first=False)
    links += snapshot_links(tiers["pcn_ccg"], backdate_first=False)
    for key in ("reg", "eng"):
        links += snapshot_links(tiers[key], backdate_first=True)
    in_first = set(ordered[0].frame["PRACTICE_CODE"]) if ordered else set()
    return links, in_first, tiers["stp"]


def _stp_links(
    stp_snaps: list[Snapshot],
    ccg_icb: pd.DataFrame | None,
    ccg_source: str,
    orphan_ccgs: Iterable[str],
    practice_ccg: dict[str, str],
    first_map: PracticeMap | None,
    orgs: _Orgs,
) -> list[ParentLink]:
    snaps = list(stp_snaps)
    if ccg_icb is not None:
        for row in ccg_icb.itertuples(index=False):
            orgs.ensure(row.ccg, OrgType.SUB_ICB)
            orgs.add(row.icb, row.icb_name, OrgType.ICB)
        snaps.append(
            Snapshot(ICB_ESTABLISHED, dict(zip(ccg_icb.ccg, ccg_icb.icb, strict=True)), ccg_source)
        )
    links = snapshot_links(snaps, backdate_first=True)
    if first_map is not None:
        # CCGs gone before the first map: the STP where most of their practices were in it
        f = first_map.frame
        stp_of_practice = dict(zip(f.PRACTICE_CODE, f.STP_CODE, strict=True))
        orphans = set(orphan_ccgs)
        pairs = [
            (ccg, stp_of_practice[p])
            for p, ccg in practice_ccg.items()
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
) -> OrgRegistry:
    """Assemble the registry from already-read frames (pure; see module docs for the rules)."""
    orgs = _Orgs()
    orgs.add(ENGLAND_CODE, "England", OrgType.ENGLAND)
    links: list[ParentLink] = []
    ods_links = _epraccur_part(ods, orgs, ods_source) if ods is not None else []
    map_links, _, stp_snaps = _map_part(maps, ods, orgs)
    first = min(maps, key=lambda m: m.extract_date) if maps else None
    for link in ods_links:
        # the first map takes over; a practice it does not list had closed (or had no patients)
        cut = truncate(link, first.extract_date) if first is not None else link
        if cut is not None:
            links.append(cut)
    links += map_links
    practice_ccg = {lk.child: lk.parent for lk in ods_links}
    map_ccgs = set().union(*(set(m.frame["CCG_CODE"]) for m in maps)) if maps else set()
    orphans = set(practice_ccg.values()) - map_ccgs
    links += _stp_links(stp_snaps, ccg_icb, ccg_icb_source, orphans, practice_ccg, first, orgs)
    return OrgRegistry.build(orgs.items.values(), links)


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


def build_registry(data_dir: Path | None = None) -> OrgRegistry:
    """The whole national registry from the shared files (cached per file versions).

    ``data_dir`` holds ``nhs/`` (default: :func:`gpworkforce.paths.shared_data_dir`). The result
    is immutable and cached: a second call with unchanged files returns the same object.
    """
    if data_dir is None:
        from gpworkforce.paths import shared_data_dir

        data_dir = shared_data_dir()
    ods, maps, icb = registry_files(Path(data_dir))
    stamp = tuple(
        (str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in (ods, *maps, icb)
    )
    return _cached_registry(stamp)


@lru_cache(maxsize=4)
def _cached_registry(stamp: tuple[tuple[str, int, int], ...]) -> OrgRegistry:
    paths = [Path(s[0]) for s in stamp]
    ods_path, map_paths, icb_path = paths[0], paths[1:-1], paths[-1]
    return registry_from_frames(
        read_epraccur(ods_path),
        [read_practice_map(p) for p in map_paths],
        read_ccg_to_icb(icb_path),
        ods_source=ods_path.name,
        ccg_icb_source=icb_path.name,
    )
