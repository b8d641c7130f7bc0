"""Submitting versions of a return and moving it through the workflow (``workflow.py``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.errors import UserError
from gpworkforce.web.actions import audit
from gpworkforce.web.actions.rounds import ActionRefused
from gpworkforce.web.models import PracticeReturnRecord, ReturnVersion, User
from gpworkforce.web.payload import to_payload
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.workflow import (
    EDITABLE_STATES,
    TRANSITIONS,
    Actor,
    ReturnFacts,
    ReturnState,
    TransitionName,
    TransitionRefused,
    check_transition,
)


def _snapshot(rec: PracticeReturnRecord) -> dict[str, Any]:
    return {
        "state": rec.state,
        "current_version": rec.current_version,
        "submitted_by": rec.submitted_by_id,
        "approved_by": rec.approved_by_id,
        "accepted_by": rec.accepted_by_id,
        "query_note": rec.query_note,
    }


def facts_of(rec: PracticeReturnRecord) -> ReturnFacts:
    submitters = frozenset(rec.versions.values_list("submitted_by_id", flat=True))
    return ReturnFacts(
        state=ReturnState(rec.state),
        current_submitter_id=rec.submitted_by_id,
        all_submitter_ids=submitters,
    )


def _locked(rec_id: int) -> PracticeReturnRecord:
    return PracticeReturnRecord.objects.select_for_update().select_related("round").get(pk=rec_id)


def _check(actor: User, rec: PracticeReturnRecord, name: TransitionName) -> None:
    permission = TRANSITIONS[name].permission
    allowed = has_permission(actor, permission, rec.practice_id, rec.round.census_date)
    try:
        check_transition(name, facts_of(rec), Actor(actor.pk, allowed))
    except TransitionRefused as exc:
        raise ActionRefused(exc.reason) from None


@transaction.atomic
def submit_version(
    *,
    actor: User,
    record_id: int,
    data: PracticeReturn,
    channel: str,
    sha256: str,
    file_name: str = "",
) -> ReturnVersion:
    """Store ``data`` (already fully validated) as a new immutable version and submit it.

    A draft is submitted; a queried return is resubmitted. Any other state is refused.
    """
    rec = _locked(record_id)
    if data.practice_code != rec.practice_id or data.census_date != rec.round.census_date:
        raise UserError(
            f"the return must be for {rec.practice_id} on {rec.round.census_date:%-d %B %Y}, "
            f"got {data.practice_code} on {data.census_date:%-d %B %Y}"
        )
    name = TransitionName.SUBMIT if rec.state == ReturnState.DRAFT else TransitionName.RESUBMIT
    _check(actor, rec, name)
    before = _snapshot(rec)
    now = timezone.now()
    number = (rec.current_version or 0) + 1
    version = ReturnVersion(
        practice_return=rec,
        number=number,
        channel=channel,
        file_name=file_name[:255],
        sha256=sha256,
        payload=to_payload(data),
        submitted_by=actor,
        submitted_at=now,
    )
    version.save()
    rec.state = TRANSITIONS[name].target.value
    rec.current_version = number
    rec.submitted_by = actor
    rec.submitted_at = now
    rec.approved_by = None
    rec.approved_at = None
    rec.draft_form, rec.draft_saved_at, rec.draft_saved_by = None, None, None
    rec.save()
    audit.record(
        actor,
        f"return.{name.value}",
        rec,
        organisation_code=rec.practice_id,
        before=before,
        after={**_snapshot(rec), "version": number, "sha256": sha256, "channel": channel},
    )
    return version


MAX_DRAFT_LINES = 600  # the form's three sections of at most 200 lines each


@transaction.atomic
def save_draft(
    *, actor: User, record_id: int, lines: dict[str, list[dict[str, str]]]
) -> PracticeReturnRecord:
    """Keep the form's lines as typed (not validated, not submitted) to finish later. Only while
    the return can be edited; replaces the previous draft; audited as ``return.save_draft``."""
    rec = _locked(record_id)
    if not has_permission(actor, Permission.EDIT_RETURN, rec.practice_id, rec.round.census_date):
        raise ActionRefused("your role may not edit this return")
    if rec.state_enum not in EDITABLE_STATES:
        raise ActionRefused(f"the return is {rec.state_enum.label.lower()}; it cannot be edited")
    count = sum(len(rows) for rows in lines.values())
    if count > MAX_DRAFT_LINES:
        raise UserError(f"a draft must have at most {MAX_DRAFT_LINES} lines, got {count}")
    clean = {
        str(section)[:20]: [{str(k)[:40]: str(v)[:100] for k, v in row.items()} for row in rows]
        for section, rows in lines.items()
    }
    rec.draft_form, rec.draft_saved_at, rec.draft_saved_by = clean, timezone.now(), actor
    rec.save(update_fields=["draft_form", "draft_saved_at", "draft_saved_by"])
    audit.record(
        actor,
        "return.save_draft",
        rec,
        organisation_code=rec.practice_id,
        after={section: len(rows) for section, rows in clean.items()},
    )
    return rec


@transaction.atomic
def transition(
    *, actor: User, record_id: int, name: TransitionName, note: str = ""
) -> PracticeReturnRecord:
    """Approve, query or accept a return (submission goes through :func:`submit_version`)."""
    if TRANSITIONS[name].needs_version:
        raise ActionRefused(f"'{name.value}' needs a new version: enter the return or upload it")
    rec = _locked(record_id)
    _check(actor, rec, name)
    if name is TransitionName.QUERY and not note.strip():
        raise UserError("a query must say what needs to change, got an empty note")
    before = _snapshot(rec)
    now = timezone.now()
    rec.state = TRANSITIONS[name].target.value
    if name is TransitionName.APPROVE:
        rec.approved_by, rec.approved_at = actor, now
    elif name is TransitionName.ACCEPT:
        rec.accepted_by, rec.accepted_at = actor, now
    elif name is TransitionName.QUERY:
        rec.query_note = note.strip()[:2000]
        rec.approved_by, rec.approved_at = None, None
    rec.save()
    audit.record(
        actor,
        f"return.{name.value}",
        rec,
        organisation_code=rec.practice_id,
        before=before,
        after=_snapshot(rec),
    )
    return rec


@transaction.atomic
def import_accepted(
    *, importer: User, record_id: int, data: PracticeReturn, sha256: str, file_name: str
) -> ReturnVersion:
    """Record a return received outside the service (e.g. last year's spreadsheets) as accepted.

    Only for the system import account (a user with no role, used by management commands): the
    version, submission, approval and acceptance all name that account, and the audit event is
    ``return.import`` so imported returns are never mistaken for ones reviewed in the service.
    """
    if importer.role:
        raise ActionRefused("only the system import account (no role) may import returns")
    rec = _locked(record_id)
    if rec.state != ReturnState.DRAFT or rec.current_version is not None:
        raise ActionRefused(f"only a draft return can be imported into; it is {rec.state}")
    if data.practice_code != rec.practice_id or data.census_date != rec.round.census_date:
        raise UserError(
            f"the return must be for {rec.practice_id} on {rec.round.census_date}, "
            f"got {data.practice_code} on {data.census_date}"
        )
    before = _snapshot(rec)
    now = timezone.now()
    version = ReturnVersion(
        practice_return=rec,
        number=1,
        channel="upload",
        file_name=file_name[:255],
        sha256=sha256,
        payload=to_payload(data),
        submitted_by=importer,
        submitted_at=now,
    )
    version.save()
    rec.state = ReturnState.ACCEPTED.value
    rec.current_version = 1
    rec.submitted_by, rec.submitted_at = importer, now
    rec.approved_by, rec.approved_at = importer, now
    rec.accepted_by, rec.accepted_at = importer, now
    rec.save()
    audit.record(
        importer,
        "return.import",
        rec,
        organisation_code=rec.practice_id,
        before=before,
        after={**_snapshot(rec), "version": 1, "sha256": sha256, "file_name": file_name},
    )
    return version
