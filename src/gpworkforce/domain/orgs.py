"""Organisations and their effective-dated hierarchy.

One organisation type covers every tier (practice, PCN, sub-ICB/CCG, ICB/STP, region, England).
Parent links carry the dates they were in force, so a figure for September 2017 aggregates by the
2017 hierarchy (practices under CCGs) and one for 2024 by the 2024 one (practices under PCNs under
sub-ICB locations under ICBs). :class:`OrgRegistry` answers hierarchy questions as pure functions
of its data; loaders build it from ODS and NHS Digital files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from gpworkforce.errors import UnknownOrganisation

ENGLAND_CODE = "ENG"


class OrgType(StrEnum):
    PRACTICE = "practice"
    PCN = "pcn"
    SUB_ICB = "sub_icb"  # CCGs until July 2022, sub-ICB locations since
    ICB = "icb"  # STPs until July 2022, ICBs since
    REGION = "region"
    ENGLAND = "england"


# Rank used to check that a parent is above its child.
TIER_RANK: Mapping[OrgType, int] = {
    OrgType.PRACTICE: 0,
    OrgType.PCN: 1,
    OrgType.SUB_ICB: 2,
    OrgType.ICB: 3,
    OrgType.REGION: 4,
    OrgType.ENGLAND: 5,
}

_CODE = re.compile(r"^[A-Z0-9]{3,9}$")


@dataclass(frozen=True, slots=True)
class Organisation:
    """An NHS organisation identified by its ODS code."""

    code: str
    name: str
    type: OrgType
    opened: dt.date | None = None
    closed: dt.date | None = None

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(
                f"ODS code must be 3-9 upper-case letters or digits, got {self.code!r}"
            )
        if self.opened and self.closed and self.closed < self.opened:
            raise ValueError(f"{self.code}: closed {self.closed} before it opened {self.opened}")

    def is_open(self, on: dt.date) -> bool:
        if self.opened and on < self.opened:
            return False
        return not (self.closed and on > self.closed)


@dataclass(frozen=True, slots=True)
class ParentLink:
    """``child`` sat under ``parent`` from ``start`` (inclusive) to ``end`` (exclusive; None = open)."""

    child: str
    parent: str
    start: dt.date | None = None
    end: dt.date | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.child == self.parent:
            raise ValueError(f"{self.child} cannot be its own parent")
        if self.start and self.end and self.end <= self.start:
            raise ValueError(
                f"link {self.child}->{self.parent}: end {self.end} not after {self.start}"
            )

    def in_force(self, on: dt.date) -> bool:
        if self.start and on < self.start:
            return False
        return not (self.end and on >= self.end)


@dataclass(frozen=True)
class OrgRegistry:
    """All organisations and parent links known; answers 'who is under whom on a date'."""

    organisations: Mapping[str, Organisation]
    links: tuple[ParentLink, ...] = ()
    _by_child: Mapping[str, tuple[ParentLink, ...]] = field(init=False, repr=False, compare=False)
    # practice_map answers by (date, tier): a report asks the same ones many times
    _maps: dict[tuple[dt.date, OrgType], dict[str, str]] = field(
        init=False, repr=False, compare=False
    )
    # the practices' and links' dates as ordinals, built on the first practice_map (see _dated)
    _dates: list[_Dated] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_child: dict[str, list[ParentLink]] = defaultdict(list)
        for link in self.links:
            for code in (link.child, link.parent):
                if code not in self.organisations:
                    raise ValueError(f"parent link names unknown organisation {code!r}")
            child_t = self.organisations[link.child].type
            parent_t = self.organisations[link.parent].type
            if TIER_RANK[parent_t] <= TIER_RANK[child_t]:
                raise ValueError(
                    f"{link.parent} ({parent_t}) cannot be the parent of {link.child} ({child_t})"
                )
            by_child[link.child].append(link)
        object.__setattr__(self, "_by_child", {k: tuple(v) for k, v in by_child.items()})
        object.__setattr__(self, "_maps", {})
        object.__setattr__(self, "_dates", [])

    @classmethod
    def build(
        cls, organisations: Iterable[Organisation], links: Iterable[ParentLink]
    ) -> OrgRegistry:
        orgs: dict[str, Organisation] = {}
        for org in organisations:
            orgs[org.code] = org
        return cls(organisations=orgs, links=tuple(links))

    @classmethod
    def of_columns(cls, columns: RegistryColumns) -> OrgRegistry:
        """The registry ``columns`` hold, as written from a registry (the registry cache): the
        same answers as the registry they were written from, not checked again, and with an
        :class:`Organisation` or :class:`ParentLink` made only when one is asked for."""
        index = {code: i for i, code in enumerate(columns.code)}
        if len(index) != len(columns.code):
            raise ValueError("registry columns name an organisation twice")
        registry = object.__new__(_ColumnRegistry)
        registry.__dict__.update(
            columns=columns,
            index=index,
            _organisations=_Organisations(columns, index),
            _maps={},
            _dates=[],
        )
        return registry

    # -- look-ups ---------------------------------------------------------------------------
    def get(self, code: str) -> Organisation:
        try:
            return self.organisations[code.strip().upper()]
        except KeyError:
            raise UnknownOrganisation(
                f"organisation code must be a known ODS code, got {code!r}"
            ) from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self.organisations

    def of_type(self, org_type: OrgType) -> list[Organisation]:
        return sorted(
            (o for o in self.organisations.values() if o.type == org_type), key=lambda o: o.code
        )

    def parents(self, code: str, on: dt.date) -> list[Organisation]:
        """Direct parents of ``code`` in force on ``on`` (one per tier, usually)."""
        return [
            self.organisations[lk.parent] for lk in self._by_child.get(code, ()) if lk.in_force(on)
        ]

    def parent_of_type(self, code: str, org_type: OrgType, on: dt.date) -> Organisation | None:
        """The ancestor of ``code`` of the given tier on ``on``, walking up the hierarchy."""
        seen: set[str] = set()
        frontier = [code]
        while frontier:
            current = frontier.pop()
            for parent in self.parents(current, on):
                if parent.code in seen:
                    continue
                seen.add(parent.code)
                if parent.type == org_type:
                    return parent
                frontier.append(parent.code)
        return None

    def practices_under(self, code: str, on: dt.date) -> list[str]:
        """Codes of practices open on ``on`` whose ancestry on ``on`` includes ``code``."""
        org = self.get(code)
        if org.type == OrgType.ENGLAND:
            return sorted(
                p.code
                for p in self.organisations.values()
                if p.type == OrgType.PRACTICE and p.is_open(on)
            )
        if org.type == OrgType.PRACTICE:
            return [org.code] if org.is_open(on) else []
        return sorted(
            p.code
            for p in self.organisations.values()
            if p.type == OrgType.PRACTICE
            and p.is_open(on)
            and self.parent_of_type(p.code, org.type, on) is not None
            and self.parent_of_type(p.code, org.type, on).code == org.code  # type: ignore[union-attr]
        )

    def practice_map(self, on: dt.date, org_type: OrgType) -> dict[str, str]:
        """For every practice open on ``on``: the code of its ancestor of tier ``org_type``."""
        key = (on, OrgType(org_type))
        known = self._maps.get(key)
        if known is None:
            known = self._maps[key] = self._practice_map(on, org_type)
        return dict(known)  # a copy: callers may change theirs

    def _dated(self) -> _Dated:
        if not self._dates:
            self._dates.append(_Dated.of(self))
        return self._dates[0]

    def _practice_map(self, on: dt.date, org_type: OrgType) -> dict[str, str]:
        # parent_of_type for every open practice on integer arrays: the links in force on
        # ``on`` found once, a practice's parent of the tier wanted found among its own links,
        # and only the walks up from the organisations above practices done one by one
        dated = self._dated()
        day = on.toordinal()
        practices = dated.practices[(dated.opened <= day) & (day <= dated.closed)]
        codes = dated.codes
        if org_type == OrgType.ENGLAND:
            return dict.fromkeys([codes[i] for i in practices.tolist()], ENGLAND_CODE)
        want = TIER_RANK[OrgType(org_type)]
        force = (dated.start <= day) & (day < dated.end)
        child, parent = dated.child[force], dated.parent[force]
        of_practice = dated.tier[child] == 0
        found = np.full(len(codes), -1, dtype=np.int64)  # each practice's answer
        pc, pp = child[of_practice], parent[of_practice]  # in the order parents() lists them
        # a parent of the tier wanted: the first one listed (parent_of_type's first look)
        hit = dated.tier[pp] == want
        hit_child, first = np.unique(pc[hit], return_index=True)
        found[hit_child] = pp[hit][first]
        # else the walk goes up from the parent listed last first, and an organisation's
        # ancestors are above it, so the answer is the walk from the last distinct parent
        # whose own walk finds one
        rest = found[pc] < 0
        pc, pp = pc[rest], pp[rest]
        _, listed = np.unique(pc * len(codes) + pp, return_index=True)  # distinct, first listed
        above = _Walks(dated, child[~of_practice], parent[~of_practice], want)
        starts, each = np.unique(pp[listed], return_inverse=True)  # each parent walked once
        ends = np.array([above.walk(p) for p in starts.tolist()], dtype=np.int64)
        ends = ends[each.reshape(-1)] if len(starts) else np.zeros(0, dtype=np.int64)
        listed, ends = listed[ends >= 0], ends[ends >= 0]
        order = np.lexsort((listed, pc[listed]))  # by practice, then by where listed
        by_practice = pc[listed][order]
        last = np.append(by_practice[1:] != by_practice[:-1], True)[: len(order)]
        found[by_practice[last]] = ends[order][last]
        answer = found[practices]
        placed = answer >= 0
        return {
            codes[i]: codes[j]
            for i, j in zip(practices[placed].tolist(), answer[placed].tolist(), strict=True)
        }


class _Walks:
    """``parent_of_type``'s walk up from organisations above practices on one date (the links
    between organisations in force then, in their order), each found once."""

    def __init__(self, dated: _Dated, child: np.ndarray, parent: np.ndarray, want: int) -> None:
        up: dict[int, list[int]] = defaultdict(list)
        for c, p in zip(child.tolist(), parent.tolist(), strict=True):
            up[c].append(p)
        self._up = up
        self._tier = dated.tier
        self._want = want
        self._found: dict[int, int] = {}

    def walk(self, start: int) -> int:
        """The position of ``start``'s ancestor of the tier wanted (-1: none)."""
        found = self._found.get(start)
        if found is None:
            found = self._found[start] = self._walk(start)
        return found

    def _walk(self, start: int) -> int:
        seen: set[int] = set()
        frontier = [start]
        while frontier:
            for parent in self._up.get(frontier.pop(), ()):
                if parent in seen:
                    continue
                seen.add(parent)
                if self._tier[parent] == self._want:
                    return parent
                frontier.append(parent)
        return -1


NEVER_ORDINAL = -(2**62)  # an ordinal before any date: no start
FOREVER_ORDINAL = 2**62  # an ordinal after any date: no end


@dataclass(frozen=True)
class _Dated:
    """A registry as integer arrays: its organisations by position, its practices' and links'
    dates as day ordinals, so the practices open and the links in force on a date are found by
    comparing arrays (``Organisation.is_open`` and ``ParentLink.in_force`` for every
    organisation and link, in their order), not by a Python call per organisation and link."""

    codes: list[str]  # every organisation's code, in the registry's order
    tier: np.ndarray  # each organisation's TIER_RANK
    practices: np.ndarray  # the practices' positions in ``codes``
    opened: np.ndarray  # ordinal of each practice's opening date (NEVER_ORDINAL: none)
    closed: np.ndarray  # ordinal of each practice's closing date (FOREVER_ORDINAL: none)
    child: np.ndarray  # position of each link's child, in the registry's order of links
    parent: np.ndarray  # position of each link's parent
    start: np.ndarray  # ordinal of each link's start (NEVER_ORDINAL: none)
    end: np.ndarray  # ordinal of each link's end (FOREVER_ORDINAL: none)

    @classmethod
    def of(cls, registry: OrgRegistry) -> _Dated:
        orgs = list(registry.organisations.values())
        index = {o.code: i for i, o in enumerate(orgs)}
        tier = np.fromiter((TIER_RANK[o.type] for o in orgs), dtype=np.int64, count=len(orgs))
        practices = np.flatnonzero(tier == 0)

        def ordinals(days: Iterable[dt.date | None], missing: int) -> np.ndarray:
            return np.fromiter(
                (missing if d is None else d.toordinal() for d in days), dtype=np.int64
            )

        def positions(codes: Iterable[str]) -> np.ndarray:
            return np.fromiter((index[c] for c in codes), dtype=np.int64)

        links = registry.links
        return cls(
            codes=[o.code for o in orgs],
            tier=tier,
            practices=practices,
            opened=ordinals((orgs[i].opened for i in practices.tolist()), NEVER_ORDINAL),
            closed=ordinals((orgs[i].closed for i in practices.tolist()), FOREVER_ORDINAL),
            child=positions(lk.child for lk in links),
            parent=positions(lk.parent for lk in links),
            start=ordinals((lk.start for lk in links), NEVER_ORDINAL),
            end=ordinals((lk.end for lk in links), FOREVER_ORDINAL),
        )


# --- a registry read from columns (the registry cache), objects made only when asked for ------

_TYPES = {t.value: t for t in OrgType}


@dataclass(frozen=True)
class RegistryColumns:
    """A registry's organisations and links as columns, in the registry's order: what the
    registry cache keeps. Dates are day ordinals (``date.toordinal()``), ``NEVER_ORDINAL`` for no
    opening or start and ``FOREVER_ORDINAL`` for no closing or end; a link names its child and parent
    by their positions among the organisations and its source by position in ``sources``."""

    code: list[str]
    name: list[str]
    type: list[str]  # OrgType values
    opened: np.ndarray
    closed: np.ndarray
    child: np.ndarray  # position of each link's child in ``code``
    parent: np.ndarray  # position of each link's parent in ``code``
    start: np.ndarray
    end: np.ndarray
    source: np.ndarray  # position of each link's source in ``sources``
    sources: list[str]


def _day(ordinal: int, missing: int) -> dt.date | None:
    return None if ordinal == missing else dt.date.fromordinal(ordinal)


class _Organisations(Mapping[str, Organisation]):
    """The organisations of :class:`RegistryColumns` by code, each made on first access."""

    def __init__(self, cols: RegistryColumns, index: dict[str, int]) -> None:
        self._cols = cols
        self._index = index
        self._made: list[Organisation | None] = [None] * len(cols.code)

    def at(self, i: int) -> Organisation:
        org = self._made[i]
        if org is None:
            c = self._cols
            org = self._made[i] = Organisation(
                c.code[i],
                c.name[i],
                _TYPES[c.type[i]],
                _day(int(c.opened[i]), NEVER_ORDINAL),
                _day(int(c.closed[i]), FOREVER_ORDINAL),
            )
        return org

    def __getitem__(self, code: str) -> Organisation:
        return self.at(self._index[code])

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols.code)

    def __len__(self) -> int:
        return len(self._cols.code)


class _LinksByChild(Mapping[str, tuple[ParentLink, ...]]):
    """Each child's links of :class:`RegistryColumns`, in the registry's order, made on first
    access (``OrgRegistry._by_child``)."""

    def __init__(self, registry: _ColumnRegistry) -> None:
        cols = registry.columns
        self._registry = registry
        self._order = np.argsort(cols.child, kind="stable")
        self._bounds = np.searchsorted(cols.child[self._order], np.arange(len(cols.code) + 1))
        self._made: dict[str, tuple[ParentLink, ...]] = {}

    def __getitem__(self, code: str) -> tuple[ParentLink, ...]:
        made = self._made.get(code)
        if made is None:
            i = self._registry.index[code]
            rows = self._order[self._bounds[i] : self._bounds[i + 1]].tolist()
            if not rows:
                raise KeyError(code)
            made = self._made[code] = tuple(self._registry.link(r) for r in rows)
        return made

    def __iter__(self) -> Iterator[str]:
        codes = self._registry.columns.code
        return iter(codes[i] for i in np.unique(self._registry.columns.child).tolist())

    def __len__(self) -> int:
        return len(np.unique(self._registry.columns.child))


class _ColumnRegistry(OrgRegistry):
    """An :class:`OrgRegistry` over :class:`RegistryColumns` (see :meth:`OrgRegistry.of_columns`):
    the same answers, with an organisation or link object made only when one is asked for."""

    columns: RegistryColumns
    index: dict[str, int]

    @property  # type: ignore[override]
    def organisations(self) -> _Organisations:
        return self.__dict__["_organisations"]

    @property  # type: ignore[override]
    def links(self) -> tuple[ParentLink, ...]:
        made = self.__dict__.get("_links")
        if made is None:
            made = tuple(self.link(r) for r in range(len(self.columns.child)))
            self.__dict__["_links"] = made
        return made

    @property  # type: ignore[override]
    def _by_child(self) -> _LinksByChild:
        made = self.__dict__.get("_children")
        if made is None:
            made = self.__dict__["_children"] = _LinksByChild(self)
        return made

    def link(self, r: int) -> ParentLink:
        c = self.columns
        return ParentLink(
            c.code[c.child[r]],
            c.code[c.parent[r]],
            _day(int(c.start[r]), NEVER_ORDINAL),
            _day(int(c.end[r]), FOREVER_ORDINAL),
            c.sources[c.source[r]],
        )

    def of_type(self, org_type: OrgType) -> list[Organisation]:
        wanted = OrgType(org_type).value
        found = [i for i, t in enumerate(self.columns.type) if t == wanted]
        orgs = self.organisations
        return sorted((orgs.at(i) for i in found), key=lambda o: o.code)

    def _dated(self) -> _Dated:
        if not self._dates:
            c = self.columns
            rank = {t.value: TIER_RANK[t] for t in OrgType}
            tier = np.fromiter((rank[t] for t in c.type), dtype=np.int64, count=len(c.type))
            practices = np.flatnonzero(tier == 0)
            self._dates.append(
                _Dated(
                    codes=c.code,
                    tier=tier,
                    practices=practices,
                    opened=c.opened[practices],
                    closed=c.closed[practices],
                    child=c.child,
                    parent=c.parent,
                    start=c.start,
                    end=c.end,
                )
            )
        return self._dates[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OrgRegistry):
            return NotImplemented
        return dict(self.organisations) == dict(other.organisations) and self.links == tuple(
            other.links
        )

    __hash__ = OrgRegistry.__hash__
