"""The data version: what every computed figure is keyed by.

One row, bumped by the action layer (:func:`bump`) inside the transaction that changes what the
dashboards read (accepted returns, reference figures, the registry), so the new version becomes
visible exactly when the data do, and a rolled-back change leaves it as it was. ``token`` is
random per row: a database re-created (or flushed by tests) next to a cache that outlives it
starts a new series of versions instead of meeting the old entries under the same numbers.
"""

from __future__ import annotations

import secrets

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

    class Meta:
        verbose_name = "data version"

    @property
    def key(self) -> str:
        return f"{self.token}.{self.number}"

    def __str__(self) -> str:
        return self.key


def current() -> str:
    """The current data version's key (one indexed query)."""
    row = DataVersion.objects.filter(pk=_PK).values_list("token", "number").first()
    if row is None:
        row = (DataVersion.objects.get_or_create(pk=_PK)[0].token, 0)
    return f"{row[0]}.{row[1]}"


def bump() -> str:
    """A new data version, in the caller's transaction (which must be open); its key."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the data version is bumped only inside the writing transaction")
    if DataVersion.objects.filter(pk=_PK).update(number=F("number") + 1) == 0:
        DataVersion.objects.create(pk=_PK, number=1)
    return current()


def new_series() -> str:
    """A new token for the data version (after a restore: whatever was computed before it, in
    any cache, belongs to another series and is never taken for the restored data); its key."""
    with transaction.atomic():
        DataVersion.objects.update_or_create(pk=_PK, defaults={"token": _token()})
    return current()
