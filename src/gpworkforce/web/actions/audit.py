"""Recording audit events (called by every action, inside its transaction)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gpworkforce.web.jobs.tasks import DATA_ACTIONS, data_changed
from gpworkforce.web.models import AuditEvent, User

SYSTEM_ACTOR = "system"


def record(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    organisation_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Write one audit event. Must be called inside the action's transaction.

    ``actor_name``: who acted when there is no account to name (e.g. "anonymous" for a failed
    sign-in); by default the actor's username, or "system" for none.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are recorded only inside an action's transaction")
    if action in DATA_ACTIONS:  # the dashboards' data: a new data version, recomputed on commit
        rnd = getattr(obj, "round", None)
        data_changed(action, organisation_code, getattr(rnd, "census_date", None))
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_username=actor_name or (actor.get_username() if actor is not None else SYSTEM_ACTOR),
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=object_id if object_id is not None else str(getattr(obj, "pk", "")),
        organisation_code=organisation_code,
        before=before,
        after=after,
    )
