"""Where a workforce file names a practice's ICB itself, compare it with the registry's.

The GPW staff-groups file carries ``ICB_NAME`` for each practice and Year: NHS Digital's own
placement at the time. The registry is built from older ODS extracts and maps, so the two can
disagree (a practice opened or moved since): each disagreement is reported, never silent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink

_PREFIX = re.compile(r"^nhs\s+|\s+integrated care board$|\s+icb$")


def icb_key(name: object) -> str:
    """An ICB name compared loosely: case, the 'NHS' prefix and 'Integrated Care Board' ignored."""
    return _PREFIX.sub("", re.sub(r"\s+", " ", str(name).strip().lower()))


def icb_disagreements(attributes: pd.DataFrame, registry: OrgRegistry, file_name: str) -> list[str]:
    """Warnings for practices whose ``icb_name`` in the file differs from the registry's ICB on
    the row's date, or whom the registry places in no ICB (one warning per kind, with examples)."""
    if "icb_name" not in attributes or attributes.empty:
        return []
    elsewhere: list[str] = []
    nowhere: list[str] = []
    per_period: Counter[str] = Counter()
    for period, group in attributes.groupby("period", sort=True):
        on = pd.Timestamp(period).date()
        placed = registry.practice_map(on, OrgType.ICB)
        names = {code: registry.get(code).name for code in set(placed.values())}
        for practice, own in zip(group["practice_code"], group["icb_name"], strict=True):
            if pd.isna(own):
                continue
            icb = placed.get(str(practice))
            if icb is None:
                nowhere.append(f"{practice} ({own}, {on})")
                per_period[str(on)] += 1
            elif icb_key(names[icb]) != icb_key(own):
                elsewhere.append(f"{practice} (file: {own}; registry: {names[icb]}, {on})")
                per_period[str(on)] += 1
    out = []
    if elsewhere:
        out.append(
            f"{file_name}: {labels.plural(len(elsewhere), 'practice-year row')} with an ICB "
            "other than the "
            f"registry's on that date (the file's is used for its period, decision 0101): "
            f"{'; '.join(elsewhere[:10])}" + (" ..." if len(elsewhere) > 10 else "")
        )
    if nowhere:
        out.append(
            f"{file_name}: {labels.plural(len(nowhere), 'practice-year row')} with an ICB "
            "where the registry "
            f"places the practice in none on that date (they count in the ICB the file names, "
            f"where it is known, decision 0101): "
            f"{'; '.join(nowhere[:10])}" + (" ..." if len(nowhere) > 10 else "")
        )
    return out


# --- placing practices as a workforce file itself places them (issue 10, item 1) -------------

# Where a workforce file names a practice's organisations itself, for the file's census dates:
# the staff-groups file names the ICB (by name), the detailed GPW file codes for the sub-ICB
# location (CCG before July 2022) and ICB (STP), and their names.
PRACTICE_PLACES: dict[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "sub_icb_code": "string",
    "icb_code": "string",
    "icb_name": "string",
    "source_id": "string",
}


def practice_places(attributes: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """The organisation columns of a loader's attributes frame as :data:`PRACTICE_PLACES` rows
    (empty when the file names no organisation of its practices)."""
    from gpworkforce import tables

    named = [c for c in ("sub_icb_code", "icb_code", "icb_name") if c in attributes]
    if not named or attributes.empty:
        return tables.empty(PRACTICE_PLACES)
    out = attributes.loc[:, ["practice_code", "period", *named]].copy()
    out = out.dropna(subset=named, how="all")
    for column in ("sub_icb_code", "icb_code", "icb_name"):
        if column not in out:
            out[column] = pd.NA
    out["source_id"] = source_id
    return tables.conform(out, PRACTICE_PLACES)


@dataclass(frozen=True)
class Moved:
    """One practice on one census date, counted where a workforce file places it."""

    practice: str
    on: dt.date
    before: str | None  # the registry's organisation's name (None: it placed it nowhere)
    after: str  # the file's organisation's name

    def line(self) -> str:
        if self.before is None:
            return f"{self.practice} on {self.on}: {self.after}"
        return f"{self.practice} on {self.on}: {self.before} -> {self.after}"


@dataclass(frozen=True)
class FilePlacement:
    """The registry with the files' own placements in force on their dates, and what changed."""

    registry: OrgRegistry
    changes: tuple[Moved, ...] = ()
    unresolved: tuple[str, ...] = ()  # organisation names or codes the registry does not know

    @property
    def moved(self) -> tuple[str, ...]:
        return tuple(m.line() for m in self.changes if m.before is not None)

    @property
    def placed(self) -> tuple[str, ...]:
        return tuple(m.line() for m in self.changes if m.before is None)

    def statement(self, practices: Iterable[str] | None = None) -> str | None:
        """One line for a report (naming only ``practices``' changes when given), or None
        when the files agree with the registry there."""
        keep = None if practices is None else set(practices)
        changes = [m for m in self.changes if keep is None or m.practice in keep]
        if not (changes or self.unresolved):
            return None
        moved = [m.line() for m in changes if m.before is not None]
        placed = [m.line() for m in changes if m.before is None]
        where = "" if keep is None else " in this report"
        parts = []
        if moved:
            parts.append(
                f"{labels.plural(len(moved), 'practice-date')}{where} counted where the workforce"
                " file "
                f"places them, not where the registry does: {'; '.join(moved[:8])}"
                + (" ..." if len(moved) > 8 else "")
            )
        if placed:
            parts.append(
                f"{labels.plural(len(placed), 'practice-date')}{where} the registry places in no "
                f"organisation, counted where the workforce file places them: "
                f"{'; '.join(placed[:8])}" + (" ..." if len(placed) > 8 else "")
            )
        if self.unresolved:
            parts.append(
                "the file names organisations the registry does not know, so the registry's "
                f"placement is kept there: {', '.join(self.unresolved[:8])}"
                + (" ..." if len(self.unresolved) > 8 else "")
            )
        return (
            "Where a workforce file names a practice's organisations itself, that placement is "
            "used for the file's census dates (a practice moved this way is counted in the ICB "
            "or sub-ICB location the file names, and in no PCN of it on that date): "
            + "; ".join(parts)
            + "."
        )


def _resolve(
    registry: OrgRegistry, code: object, name: object, tier: OrgType, by_name: dict[str, str]
) -> tuple[str | None, str | None]:
    """(registry code, unresolved label) of the organisation of ``tier`` a row names."""
    if isinstance(code, str) and code.strip():
        c = code.strip().upper()
        if c in registry and registry.get(c).type is tier:
            return c, None
    if isinstance(name, str) and name.strip():
        found = by_name.get(icb_key(name))
        if found is not None:
            return found, None
        return None, name.strip()
    if isinstance(code, str) and code.strip():
        return None, code.strip()
    return None, None


def _cut(link: ParentLink, dates: Iterable[dt.date]) -> list[ParentLink]:
    """``link`` without the days ``dates`` (each a one-day gap), as up to len+1 links."""
    out: list[ParentLink] = []
    start = link.start
    for day in sorted(d for d in set(dates) if link.in_force(d)):
        if start is None or day > start:
            out.append(dataclasses.replace(link, start=start, end=day))
        start = day + dt.timedelta(days=1)
    if link.end is None or start is None or start < link.end:
        out.append(dataclasses.replace(link, start=start))
    return out


def _latest_per_practice_date(places: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Of ``places``' rows for one practice and date, the one of the latest source in ``order``
    (sources it does not list first; ties: the later row), in order of their sources' rank:
    ``places.sort_values(rank, kind="stable").drop_duplicates([practice, period], keep="last")``
    on integer codes instead of the text."""
    from gpworkforce.tables import factorize

    codes, ids = factorize(places["source_id"], use_na_sentinel=False)
    ranks = np.fromiter((order.get(s, -1) for s in ids), dtype=np.int64, count=len(ids))
    by_rank = np.argsort(ranks[codes], kind="stable")
    practice, _ = factorize(places["practice_code"], use_na_sentinel=False)
    period, dates = pd.factorize(places["period"], use_na_sentinel=False)
    key = (practice.astype(np.int64) * (len(dates) + 1) + period)[by_rank]
    last = ~pd.Series(key).duplicated(keep="last").to_numpy()
    return places.iloc[by_rank[last]]


def _open_on(org: Organisation, days: Iterable[dt.date]) -> Organisation:
    """``org`` open on each of ``days``: a workforce file with figures for a practice on a
    date shows it open then, whatever the registry's sources had it closed by (decision 0168)."""
    first, last = min(days), max(days)
    opened = first if org.opened is not None and first < org.opened else org.opened
    closed = last if org.closed is not None and last > org.closed else org.closed
    return dataclasses.replace(org, opened=opened, closed=closed)


def place_as_files_do(
    registry: OrgRegistry, places: pd.DataFrame, order: dict[str, int] | None = None
) -> FilePlacement:
    """``registry`` with every practice placed, on each census date of ``places``, where the
    workforce file places it: the sub-ICB location it names (CCG in older files) when the
    registry knows it, else the ICB it names (by code, or by name compared loosely). Of two
    files naming one practice on one date, the later in ``order`` (source id -> position: the
    latest publication, then the latest load) wins. Practices the registry does not know become
    organisations of their own. Nothing changes where the file agrees with the registry."""
    if places.empty:
        return FilePlacement(registry)
    from gpworkforce.tables import factorize

    rows = _latest_per_practice_date(places, order or {})
    icb_names = {icb_key(o.name): o.code for o in registry.of_type(OrgType.ICB)}
    sub_names: dict[str, str] = {}
    new_links: list[ParentLink] = []
    new_orgs: list[Organisation] = []
    new_codes: set[str] = set()
    cut: dict[str, set[dt.date]] = {}
    reopen: dict[str, list[dt.date]] = {}
    changes: list[Moved] = []
    unresolved: set[str] = set()
    # a file names few distinct organisations: each is resolved once (the same answers as
    # resolving every row), and the rows naming none the registry knows are passed over at once
    sub_codes, subs = factorize(rows["sub_icb_code"], use_na_sentinel=False)
    sub_found = [_resolve(registry, c, None, OrgType.SUB_ICB, sub_names) for c in subs]
    i_codes, icb_codes = factorize(rows["icb_code"], use_na_sentinel=False)
    n_codes, icb_named = factorize(rows["icb_name"], use_na_sentinel=False)
    pairs, pair_index = np.unique(
        i_codes.astype(np.int64) * (len(icb_named) + 1) + n_codes, return_inverse=True
    )
    icb_found = [
        _resolve(registry, icb_codes[p // (len(icb_named) + 1)],
                 icb_named[p % (len(icb_named) + 1)], OrgType.ICB, icb_names)
        for p in pairs.tolist()
    ]  # fmt: skip
    for _, missing in (*sub_found, *icb_found):
        if missing:
            unresolved.add(missing)
    sub_of = np.array([f for f, _ in sub_found] + [None], dtype=object)[sub_codes]
    icb_of = np.array([f for f, _ in icb_found] + [None], dtype=object)[pair_index.ravel()]
    named = pd.notna(sub_of) | pd.notna(icb_of)  # (the others keep the registry's placement)
    rows = rows.loc[named].assign(_sub=sub_of[named], _icb=icb_of[named])

    maps: dict[tuple[dt.date, OrgType], dict[str, str]] = {}

    def practice_map(tier: OrgType, on: dt.date) -> dict[str, str]:
        if (on, tier) not in maps:
            maps[on, tier] = registry.practice_map(on, tier)
        return maps[on, tier]

    for period, group in rows.groupby("period", sort=True):
        on = pd.Timestamp(period).date()
        end = on + dt.timedelta(days=1)
        icb_above: dict[str, Organisation | None] = {}
        for practice, sub, icb in zip(
            group["practice_code"].tolist(), group["_sub"].tolist(), group["_icb"].tolist(),
            strict=True,
        ):  # fmt: skip
            practice = str(practice)
            if sub is not None:
                parent, now = sub, practice_map(OrgType.SUB_ICB, on).get(practice)
                if sub not in icb_above:
                    icb_above[sub] = registry.parent_of_type(sub, OrgType.ICB, on)
                icb_of_sub = icb_above[sub]
                same = now == sub and (icb is None or icb_of_sub is None or icb_of_sub.code == icb)
            elif icb is not None:
                parent, now = icb, practice_map(OrgType.ICB, on).get(practice)
                same = now == icb
            else:
                continue
            if same:
                continue
            known = practice in registry
            if known and not registry.get(practice).is_open(on):
                reopen.setdefault(practice, []).append(on)  # the file shows it open then
            if not known and practice not in new_codes:
                new_codes.add(practice)
                new_orgs.append(Organisation(practice, practice, OrgType.PRACTICE))
            source = "own placement of a workforce file"
            new_links.append(ParentLink(practice, parent, on, end, source))
            if (
                sub is not None
                and icb is not None
                and (icb_of_sub is None or icb_of_sub.code != icb)
            ):
                new_links.append(ParentLink(practice, icb, on, end, source))
            target = registry.get(icb if icb is not None else sub).name
            was = practice_map(OrgType.ICB, on).get(practice) if sub is None else now
            if known and was is not None:
                cut.setdefault(practice, set()).add(on)
                changes.append(Moved(practice, on, registry.get(was).name, target))
            else:
                changes.append(Moved(practice, on, None, target))
    if not new_links:
        return FilePlacement(registry, unresolved=tuple(sorted(unresolved)))
    links: list[ParentLink] = list(new_links)
    for link in registry.links:
        days = cut.get(link.child)
        links.extend(_cut(link, days) if days else (link,))
    orgs = [
        _open_on(o, reopen[o.code]) if o.code in reopen else o
        for o in registry.organisations.values()
    ]
    orgs += new_orgs
    return FilePlacement(
        OrgRegistry.build(orgs, links),
        changes=tuple(changes),
        unresolved=tuple(sorted(unresolved)),
    )
