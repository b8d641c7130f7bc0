"""The organisation registry in the database, mirroring :mod:`gpworkforce.domain.orgs`.

One table of organisations with a type, plus effective-dated parent links (start inclusive, end
exclusive, NULL = open), so "who is under whom" is answered for a date.
"""

from __future__ import annotations

import datetime as dt

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


def descendant_codes(code: str, on: dt.date) -> set[str]:
    """``code`` and every organisation under it through links in force on ``on``.

    Memoised per registry version (links change only through ``actions.registry``)."""
    key = (code, on, registry_version())
    hit = _DESCENDANTS.get(key)
    if hit is None:
        hit = frozenset(_walk_down(code, on))
        if len(_DESCENDANTS) > 4096:
            _DESCENDANTS.clear()
        _DESCENDANTS[key] = hit
    return set(hit)


def _walk_down(code: str, on: dt.date) -> set[str]:
    seen = {code}
    frontier = {code}
    while frontier:
        children = set(
            ParentLink.objects.filter(
                ParentLink.in_force_q(on), parent_id__in=frontier
            ).values_list("child_id", flat=True)
        )
        frontier = children - seen
        seen |= frontier
    return seen


def registry_from_db() -> OrgRegistry:
    """The whole registry as the library's domain object (for baseline and other analyses)."""
    orgs = [o.to_domain() for o in Organisation.objects.all()]
    links = [lk.to_domain() for lk in ParentLink.objects.all()]
    return OrgRegistry.build(orgs, links)
