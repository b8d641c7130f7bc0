"""The data version: what every computed figure is keyed by, and what each version changed.

One row (:class:`DataVersion`), bumped by the action layer (:func:`bump`) inside the transaction
that changes what the dashboards read (accepted returns, reference figures, the registry, rounds),
so the new version becomes visible exactly when the data do, and a rolled-back change leaves it as
it was. ``token`` is random per row: a database re-created (or flushed by tests) next to a cache
that outlives it starts a new series of versions instead of meeting the old entries under the same
numbers. ``registry`` counts registry loads only (the organisations and their hierarchy).

Each bump also writes a :class:`DataChange` row in the same transaction: the practice whose
accepted return the change added (the only dashboards it can change are those of organisations
over that practice), or nothing when any dashboard may have changed. The task worker reads them to
recompute only the dashboards a change touched (:mod:`.tasks`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F

_PK = 1


def _token() -> str:
    return secrets.token_hex(6)


class DataVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=_PK)
    number = models.PositiveBigIntegerField(default=0)
    token = models.CharField(max_length=12, default=_token)
    changed_at = models.DateTimeField(auto_now=True)
    registry = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "data version"

    @property
    def key(self) -> str:
        return f"{self.token}.{self.number}"

    def __str__(self) -> str:
        return self.key


class DataChange(models.Model):
    """What data version ``number`` changed: one practice's accepted return, or anything."""

    number = models.PositiveBigIntegerField(db_index=True)
    practice_code = models.CharField(max_length=16, blank=True, default="")  # "": anything

    class Meta:
        verbose_name = "data change"


@dataclass(frozen=True, slots=True)
class Versions:
    """The data version row as one read: its key, registry count and when it last changed."""

    token: str
    number: int
    registry: int
    changed_at: dt.datetime | None

    @property
    def key(self) -> str:
        return f"{self.token}.{self.number}"


def snapshot() -> Versions:
    """The data version row (one indexed read)."""
    row = (
        DataVersion.objects.filter(pk=_PK)
        .values_list("token", "number", "registry", "changed_at")
        .first()
    )
    if row is None:
        made = DataVersion.objects.get_or_create(pk=_PK)[0]
        row = (made.token, made.number, made.registry, made.changed_at)
    return Versions(*row)


def exists() -> bool:
    """Whether the data version row exists (it does once any data have changed); creates
    nothing, unlike :func:`snapshot`."""
    return DataVersion.objects.filter(pk=_PK).exists()


def current() -> str:
    """The current data version's key (one indexed read)."""
    return snapshot().key


def number_of(key: str) -> tuple[str, int]:
    """A version key's token and number."""
    token, _, number = key.partition(".")
    return token, int(number or 0)


def bump(*, practice_code: str = "", registry: bool = False) -> str:
    """A new data version, in the caller's transaction (which must be open); its key.

    ``practice_code``: the change only added that practice's accepted return (else: anything may
    have changed); ``registry``: the registry was loaded."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the data version is bumped only inside the writing transaction")
    changes = {"number": F("number") + 1}
    if registry:
        changes["registry"] = F("registry") + 1
    if DataVersion.objects.filter(pk=_PK).update(**changes) == 0:
        DataVersion.objects.create(pk=_PK, number=1, registry=int(registry))
    now = snapshot()
    DataChange.objects.create(number=now.number, practice_code=practice_code)
    return now.key


def changes_between(after: int, upto: int) -> list[DataChange] | None:
    """The changes that made versions ``after + 1`` to ``upto``; None if any is not recorded
    (e.g. a restored database)."""
    rows = list(DataChange.objects.filter(number__gt=after, number__lte=upto))
    if len({r.number for r in rows}) != upto - after:
        return None
    return rows


def new_series() -> str:
    """A new token for the data version (after a restore: whatever was computed before it, in
    any cache, belongs to another series and is never taken for the restored data); its key."""
    with transaction.atomic():
        DataVersion.objects.update_or_create(pk=_PK, defaults={"token": _token()})
    return current()
