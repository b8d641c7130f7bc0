"""Opening a collection round: one draft return per practice open on the census date."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UserError
from gpworkforce.web.actions import audit
from gpworkforce.web.models import (
    CollectionRound,
    Organisation,
    PracticeReturnRecord,
    User,
    descendant_codes,
)
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.roles import Permission


class ActionRefused(UserError):
    """The user may not do this (shown to them as a message, never a traceback)."""


def practices_in_scope(org_code: str, census_date: dt.date) -> list[str]:
    """Practices open on ``census_date`` under ``org_code`` by the hierarchy of that date."""
    codes = descendant_codes(org_code, census_date)
    return list(
        Organisation.objects.filter(code__in=codes, type=OrgType.PRACTICE.value)
        .filter(Q(opened__isnull=True) | Q(opened__lte=census_date))
        .filter(Q(closed__isnull=True) | Q(closed__gte=census_date))
        .order_by("code")
        .values_list("code", flat=True)
    )


@transaction.atomic
def open_round(*, actor: User | None, census_date: dt.date, org_code: str) -> CollectionRound:
    """Open a round for the practices under ``org_code`` (actor None = system, e.g. seeding)."""
    if actor is not None and not has_permission(
        actor, Permission.OPEN_ROUND, org_code, census_date
    ):
        raise ActionRefused(f"you may not open a collection round for {org_code}")
    org = Organisation.objects.filter(code=org_code).first()
    if org is None:
        raise UserError(f"organisation must be a known ODS code, got {org_code!r}")
    practices = practices_in_scope(org.code, census_date)
    if not practices:
        raise UserError(f"{org.code} must have practices open on {census_date:%d %B %Y}, got none")
    taken = list(
        PracticeReturnRecord.objects.filter(
            round__census_date=census_date, practice_id__in=practices
        ).values_list("practice_id", flat=True)[:5]
    )
    if taken:
        raise UserError(
            f"practices must be in one round per census date, but {', '.join(taken)} "
            f"already have a return for {census_date:%d %B %Y}"
        )
    try:
        with transaction.atomic():
            rnd = CollectionRound.objects.create(
                census_date=census_date, organisation=org, opened_by=actor, opened_at=timezone.now()
            )
    except IntegrityError:
        raise UserError(
            f"a round for {org.code} on {census_date:%d %B %Y} must not exist already, but it does"
        ) from None
    PracticeReturnRecord.objects.bulk_create(
        [PracticeReturnRecord(round=rnd, practice_id=code) for code in practices]
    )
    audit.record(
        actor,
        "round.open",
        rnd,
        organisation_code=org.code,
        after={"census_date": census_date.isoformat(), "practices": len(practices)},
    )
    return rnd
