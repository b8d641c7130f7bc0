"""The organisation registry in the database, mirroring :mod:`gpworkforce.domain.orgs`.

One table of organisations with a type, plus effective-dated parent links (start inclusive, end
exclusive, NULL = open), so "who is under whom" is answered for a date.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from gpworkforce.domain.orgs import Organisation as DomainOrganisation
from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.domain.orgs import ParentLink as DomainParentLink

ORG_TYPE_CHOICES = [(t.value, t.value.replace("_", "-").upper()) for t in OrgType]


class Organisation(models.Model):
    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=ORG_TYPE_CHOICES, db_index=True)
    opened = models.DateField(null=True, blank=True)
    closed = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("code",)
        constraints = (
            models.CheckConstraint(
                condition=Q(closed__isnull=True)
                | Q(opened__isnull=True)
                | Q(closed__gte=models.F("opened")),
                name="org_closed_after_opened",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def org_type(self) -> OrgType:
        return OrgType(self.type)

    def to_domain(self) -> DomainOrganisation:
        return DomainOrganisation(
            self.code, self.name, OrgType(self.type), self.opened, self.closed
        )


class ParentLink(models.Model):
    child = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="child_links")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = (
            models.CheckConstraint(condition=~Q(child=models.F("parent")), name="link_not_self"),
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gt=models.F("start")),
                name="link_end_after_start",
            ),
        )
        indexes = (models.Index(fields=["parent", "start", "end"]),)

    @staticmethod
    def in_force_q(on: dt.date) -> Q:
        return (Q(start__isnull=True) | Q(start__lte=on)) & (Q(end__isnull=True) | Q(end__gt=on))

    def to_domain(self) -> DomainParentLink:
        return DomainParentLink(self.child_id, self.parent_id, self.start, self.end, self.source)


_DESCENDANTS: dict[tuple[str, dt.date, str], frozenset[str]] = {}
# Per process: the parent links (parent -> (child, start, end)) and organisation rows of the
# latest registry version read, keyed by that version (rows change only when the registry is
# loaded, which writes a new ``registry.load`` audit event in the same transaction).
_LINKS: dict[str, dict[str, tuple[tuple[str, dt.date | None, dt.date | None], ...]]] = {}
_ORGANISATIONS: dict[tuple[str, str], Organisation | None] = {}  # None: no such organisation
_UNREAD = object()
_MEMO_LOCK = threading.Lock()


def registry_version() -> str:
    """Changes whenever the registry is (re)loaded: id and time of the last ``registry.load``."""
    from gpworkforce.web.models.audit import AuditEvent

    last = (
        AuditEvent.objects.filter(action="registry.load")
        .order_by("-id")
        .values_list("id", "at")
        .first()
    )
    return f"{last[0]}@{last[1].isoformat()}" if last else "none"


def descendant_codes(code: str, on: dt.date, version: str | None = None) -> set[str]:
    """``code`` and every organisation under it through links in force on ``on``.

    Memoised per registry version (links change only through ``actions.registry``): ``version``
    is :func:`registry_version` if the caller has just read it (one read per request), else it is
    read here."""
    key = (code, on, registry_version() if version is None else version)
    hit = _DESCENDANTS.get(key)
    if hit is None:
        hit = frozenset(_walk_down(code, on, _links(key[2])))
        if len(_DESCENDANTS) > 4096:
            _DESCENDANTS.clear()
        _DESCENDANTS[key] = hit
    return set(hit)


def _links(version: str) -> dict[str, tuple[tuple[str, dt.date | None, dt.date | None], ...]]:
    """Every parent link of registry ``version``, by parent: one read per process and version
    (a walk down the hierarchy for any date is then done in memory)."""
    links = _LINKS.get(version)
    if links is None:
        by_parent: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = {}
        rows = ParentLink.objects.values_list("parent_id", "child_id", "start", "end")
        for parent, child, start, end in rows:
            by_parent.setdefault(parent, []).append((child, start, end))
        links = {parent: tuple(children) for parent, children in by_parent.items()}
        with _MEMO_LOCK:
            _LINKS.clear()  # only the latest version is wanted again
            _LINKS[version] = links
    return links


def _in_force(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    """As :meth:`ParentLink.in_force_q`: start inclusive, end exclusive, None open."""
    return (start is None or start <= on) and (end is None or end > on)


def _walk_down(
    code: str,
    on: dt.date,
    links: dict[str, tuple[tuple[str, dt.date | None, dt.date | None], ...]],
) -> set[str]:
    seen = {code}
    frontier = {code}
    while frontier:
        children = {
            child
            for parent in frontier
            for child, start, end in links.get(parent, ())
            if _in_force(start, end, on)
        }
        frontier = children - seen
        seen |= frontier
    return seen


def children_codes(code: str, on: dt.date, version: str) -> set[str]:
    """The organisations directly under ``code`` through links in force on ``on`` (registry
    ``version``, as :func:`registry_version` returned it)."""
    return {c for c, start, end in _links(version).get(code, ()) if _in_force(start, end, on)}


def organisation(code: str, version: str) -> Organisation | None:
    """The organisation ``code`` (None: no such organisation) as of registry ``version`` (as
    :func:`registry_version` returned it); see :func:`organisations`."""
    return organisations([code], version).get(code)


def organisations(codes: Iterable[str], version: str) -> dict[str, Organisation]:
    """The organisations of ``codes`` that exist, as of registry ``version`` (as
    :func:`registry_version` returned it): one read per process and version for those not yet
    read. Copies, so a caller that changes one changes nobody else's."""
    hits = {c: _ORGANISATIONS.get((c, version), _UNREAD) for c in set(codes)}
    missing = [c for c, org in hits.items() if org is _UNREAD]
    if missing:
        found = {o.code: o for o in Organisation.objects.filter(code__in=missing)}
        hits.update({c: found.get(c) for c in missing})
        with _MEMO_LOCK:
            if len(_ORGANISATIONS) > 20000 or any(v != version for _c, v in _ORGANISATIONS):
                _ORGANISATIONS.clear()  # only the latest version is wanted again
            _ORGANISATIONS.update({(c, version): found.get(c) for c in missing})
    return {c: copy.copy(org) for c, org in hits.items() if isinstance(org, Organisation)}


def registry_from_db() -> OrgRegistry:
    """The whole registry as the library's domain object (for baseline and other analyses)."""
    orgs = [o.to_domain() for o in Organisation.objects.all()]
    links = [lk.to_domain() for lk in ParentLink.objects.all()]
    return OrgRegistry.build(orgs, links)
