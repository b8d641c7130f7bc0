"""Opening a collection round: one draft return per practice open on the census date."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mass_mail
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
from gpworkforce.web.roles import Permission, Role
from gpworkforce.web.workflow import RESPONDED_STATES


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
def open_round(
    *, actor: User | None, census_date: dt.date, org_code: str, deadline: dt.date | None = None
) -> CollectionRound:
    """Open a round for the practices under ``org_code`` (actor None = system, e.g. seeding);
    returns are due by ``deadline`` (None: six weeks after the census date)."""
    if actor is not None and not has_permission(
        actor, Permission.OPEN_ROUND, org_code, census_date
    ):
        raise ActionRefused(f"you may not open a collection round for {org_code}")
    org = Organisation.objects.filter(code=org_code).first()
    if org is None:
        raise UserError(f"organisation must be a known ODS code, got {org_code!r}")
    if deadline is not None and deadline <= census_date:
        raise UserError(
            f"the deadline must be after the census date ({census_date:%-d %B %Y}),"
            f" got {deadline:%-d %B %Y}"
        )
    practices = practices_in_scope(org.code, census_date)
    if not practices:
        raise UserError(f"{org.code} must have practices open on {census_date:%-d %B %Y}, got none")
    taken = list(
        PracticeReturnRecord.objects.filter(
            round__census_date=census_date, practice_id__in=practices
        ).values_list("practice_id", flat=True)[:5]
    )
    if taken:
        raise UserError(
            f"practices must be in one round per census date, but {', '.join(taken)} "
            f"already have a return for {census_date:%-d %B %Y}"
        )
    try:
        with transaction.atomic():
            rnd = CollectionRound.objects.create(
                census_date=census_date,
                organisation=org,
                opened_by=actor,
                opened_at=timezone.now(),
                deadline=deadline,
            )
    except IntegrityError:
        raise UserError(
            f"a round for {org.code} on {census_date:%-d %B %Y} must not exist already, but it does"
        ) from None
    PracticeReturnRecord.objects.bulk_create(
        [PracticeReturnRecord(round=rnd, practice_id=code) for code in practices]
    )
    audit.record(
        actor,
        "round.open",
        rnd,
        organisation_code=org.code,
        after={
            "census_date": census_date.isoformat(),
            "deadline": rnd.due_date.isoformat(),
            "practices": len(practices),
        },
    )
    return rnd


REMINDED_ROLES = (Role.PRACTICE_SUBMITTER.value, Role.PRACTICE_MANAGER.value)


@transaction.atomic
def remind_outstanding(*, actor: User, round_id: int, note: str = "") -> dict[str, int]:
    """Chase the practices of a round that have not returned: email their submitters and
    managers (those with an address) and record the reminder (audited as ``round.remind`` with
    the practices chased and the emails sent). Who may open the round may chase it. Returns
    ``{"practices": n, "emails": m}``; a mail server that refuses is reported, the reminder is
    still recorded (with no emails sent) so the chase can be done by phone."""
    rnd = CollectionRound.objects.select_for_update().filter(pk=round_id).first()
    if rnd is None:
        raise UserError(f"the round must exist, got id {round_id}")
    if not has_permission(actor, Permission.OPEN_ROUND, rnd.organisation_id, rnd.census_date):
        raise ActionRefused("your role may not chase returns for this round")
    outstanding = sorted(
        PracticeReturnRecord.objects.filter(round=rnd)
        .exclude(state__in=[s.value for s in RESPONDED_STATES])
        .values_list("practice_id", flat=True)
    )
    if not outstanding:
        raise UserError("a reminder needs practices still to return, but every practice has")
    if rnd.is_closed(dt.date.today()):
        raise UserError(
            f"a reminder needs an open round, but this one closed on {rnd.closes_on:%-d %B %Y}"
        )
    recipients = list(
        User.objects.filter(
            organisation_id__in=outstanding, role__in=REMINDED_ROLES, is_active=True
        )
        .exclude(email="")
        .values_list("email", "organisation_id")
    )
    subject = f"Workforce return for {rnd.census_date:%-d %B %Y}: due {rnd.due_date:%-d %B %Y}"
    body = (
        f"Your practice's workforce return for {rnd.census_date:%-d %B %Y} has not been "
        f"submitted yet. It is due on {rnd.due_date:%-d %B %Y}. Sign in to the GP workforce "
        "service to enter it on the form or upload the template."
        + (f"\n\n{note.strip()[:1000]}" if note.strip() else "")
    )
    messages = [(subject, body, None, [email]) for email, _org in recipients]
    sent, failure = 0, ""
    try:
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    except OSError as exc:  # smtplib's errors are OSErrors: no mail server, refused
        failure = f"{type(exc).__name__}: {exc}"[:300]
    audit.record(
        actor,
        "round.remind",
        rnd,
        organisation_code=rnd.organisation_id,
        after={
            "practices": outstanding,
            "emails_sent": sent,
            "note": note.strip()[:1000],
            "failure": failure,
        },
    )
    return {"practices": len(outstanding), "emails": sent, "failed": int(bool(failure))}
