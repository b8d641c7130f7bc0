"""What the plans app adds to the rest of the web app, connected when Django starts.

- After a change of the data the dashboards read (an audit event of
  :data:`gpworkforce.web.jobs.tasks.DATA_ACTIONS`, e.g. a return accepted), once the transaction
  commits, every adopted plan's alerts are refreshed (a task: :func:`.tasks.refresh_plan_alerts`).
- The home page shows the open alerts of the plans its user may see
  (:data:`gpworkforce.web.views.home.HOME_PANELS`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.template.loader import get_template

from gpworkforce.web.jobs.tasks import DATA_ACTIONS
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.permissions import has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.home import HOME_PANELS

HOME_ALERTS_SHOWN = 20


def _on_audit(sender: Any, instance: AuditEvent, created: bool, **_: Any) -> None:
    if created and instance.action in DATA_ACTIONS:
        conn = transaction.get_connection()
        if not any(func is _enqueue for _sids, func, _robust in conn.run_on_commit):
            transaction.on_commit(_enqueue, robust=True)


def _enqueue() -> None:
    from gpworkforce.web.plans.tasks import refresh_plan_alerts

    refresh_plan_alerts.enqueue()


def home_alerts(request: HttpRequest) -> str | None:
    """The open plan alerts of the user's organisation and those under it (analysts and board
    viewers: the people responsible for the plans)."""
    from gpworkforce.web.plans.alerts import open_alerts

    user = request.user
    if not has_permission(user, Permission.EDIT_PLAN) and not has_permission(
        user, Permission.VIEW_PLAN
    ):
        return None
    alerts = list(open_alerts(user.organisation_id)[: HOME_ALERTS_SHOWN + 1])
    if not alerts:
        return None
    return get_template("plans/_home_alerts.jinja").render(
        {"alerts": alerts[:HOME_ALERTS_SHOWN], "more": len(alerts) > HOME_ALERTS_SHOWN},
        request=request,
    )


def connect() -> None:
    post_save.connect(_on_audit, sender=AuditEvent, dispatch_uid="plans-data-changed")
    if home_alerts not in HOME_PANELS:
        HOME_PANELS.append(home_alerts)
