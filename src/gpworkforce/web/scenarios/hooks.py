"""What the scenarios app adds to the rest of the web app, connected when Django starts.

After a load of GPW figures or of the registry (an audit event ``reference.load`` or
``registry.load``: what the evaluated band reads, decision 0156), once the transaction commits,
the evaluation of the data now loaded is asked for (:func:`.bands.request_evaluation`: a
:class:`~.models.BandEvaluation` row and its task, at a low priority), so that it is being worked
out, or done, before anyone opens a scenario (decision 0166). A page view asks for it only when
none exists for the data loaded (a database restored from a backup, a task that could not be
queued). Nothing is computed in a request or in the loading transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.template.loader import get_template

from gpworkforce.web.models import AuditEvent
from gpworkforce.web.views.data import DATA_PANELS

log = logging.getLogger(__name__)
# the audit actions that change what the band evaluation reads (the GPW figures, the registry)
BAND_DATA_ACTIONS = ("reference.load", "registry.load")


def _on_audit(sender: Any, instance: AuditEvent, created: bool, **_: Any) -> None:
    if created and instance.action in BAND_DATA_ACTIONS:
        # once per transaction (a callback of a savepoint already released and rolled back
        # with it does not count, as for the data version's refresh)
        conn = transaction.get_connection()
        active = set(conn.savepoint_ids)
        if not any(
            func is _request and sids <= active for sids, func, _robust in conn.run_on_commit
        ):
            transaction.on_commit(_request, robust=True)


def _request() -> None:
    from gpworkforce.web.scenarios.bands import request_evaluation

    row = request_evaluation()
    log.info("band evaluation of data version %s: %s", row.data_version, row.status)


def data_panel(request: HttpRequest) -> str:
    """The data page's account of the evaluation of the figures loaded (for the forecasts'
    bands): being worked out, done (when, from which starting years and areas) or failed."""
    from gpworkforce.web.scenarios.bands import evaluation_status

    return get_template("scenarios/_band_status.jinja").render(
        {"status": evaluation_status()}, request=request
    )


def connect() -> None:
    post_save.connect(_on_audit, sender=AuditEvent, dispatch_uid="scenarios-band-data-changed")
    if data_panel not in DATA_PANELS:
        DATA_PANELS.append(data_panel)
