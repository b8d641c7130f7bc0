"""The audit log: events about the organisations the user may see, newest first, in words (what
was done to what, the organisation by name, the state before and after as labelled values)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from gpworkforce import labels
from gpworkforce.web.models import AuditEvent, Organisation
from gpworkforce.web.permissions import guard, visible_codes
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, pagination, render

_HASH = re.compile(r"^[0-9a-f]{40,}$")
_ISO_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)
_LONG = 120  # characters of one value shown; the rest is in the database


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    who: str
    what: str
    organisation: str
    before: list[tuple[str, str]]
    after: list[tuple[str, str]]


def words(key: str) -> str:
    """An action's, object type's or field's key in words: ``scenario_run`` and
    ``PracticeReturnRecord`` become "scenario run" and "practice return"."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ").replace("-", " ")
    text = re.sub(r" Record$", "", text.strip())
    return text.lower()


def action_text(action: str, object_type: str, object_id: str) -> str:
    """``return.import`` on ``PracticeReturnRecord`` 12: "Return: import (practice return 12)"."""
    subject, _, verb = action.partition(".")
    head = words(subject).capitalize() + (f": {words(verb)}" if verb else "")
    thing = " ".join(x for x in (words(object_type), str(object_id)) if x)
    return f"{head} ({thing})" if thing else head


def _date_words(m: re.Match[str]) -> str:
    """An ISO date (and time) inside a recorded value, as people write it."""
    try:
        day = labels.date_text(dt.date.fromisoformat(m.group(1)))
    except ValueError:
        return m.group(0)
    return f"{day} {m.group(2)}" if m.group(2) else day


def value_text(value: Any) -> str:
    """A recorded value as people read it: yes/no, dates written out, fingerprints shortened."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, str):
        if _HASH.match(value):
            return value[:12] + "…"
        text = _ISO_DATE.sub(_date_words, value)
    elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        text = ", ".join(value_text(v) for v in value)
    elif isinstance(value, dict) and all(isinstance(v, str | int | float) for v in value.values()):
        text = "; ".join(f"{words(str(k))} {value_text(v)}" for k, v in value.items())
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _LONG else text[: _LONG - 1] + "…"


# Recorded fields whose values are codes or counts, in the labels catalogue's words: a method
# reads "Method: Cohort engine", a run's draws "1,000 simulations" (not "Draws: 1000").
_FIELD_TEXT = {
    "method": lambda v: ("Method", labels.scenario_method(v)),
    "draws": lambda v: ("", labels.simulations(v)),
}


def _field(key: str, value: Any) -> tuple[str, str]:
    text = _FIELD_TEXT.get(key)
    if text is not None and isinstance(value, str | int) and not isinstance(value, bool):
        return text(value)
    return words(key).capitalize(), value_text(value)


def fields(state: Any) -> list[tuple[str, str]]:
    """The state before or after, one (label, value) per recorded field."""
    if state is None:
        return []
    if not isinstance(state, dict):
        return [("", value_text(state))]
    return [_field(str(k), v) for k, v in state.items()]


@guard(Permission.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    codes = visible_codes(request.user)
    events = AuditEvent.objects.filter(organisation_code__in=codes).order_by("-at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    shown = {e.organisation_code for e in page.object_list}
    names = dict(Organisation.objects.filter(code__in=shown).values_list("code", "name"))
    rows = [
        AuditRow(
            at=e.at,
            who=e.actor_username,
            what=action_text(e.action, e.object_type, e.object_id),
            organisation=(
                f"{names[e.organisation_code]} ({e.organisation_code})"
                if e.organisation_code in names
                else e.organisation_code
            ),
            before=fields(e.before),
            after=fields(e.after),
        )
        for e in page.object_list
    ]
    return render(
        request,
        "web/audit_log.jinja",
        {
            "page": page,
            "rows": rows,
            "pagination": pagination(page, {}),
            "showing": (
                f"Showing events {page.start_index():,} to {page.end_index():,} of "
                f"{page.paginator.count:,}, newest first."
            ),
        },
        breadcrumbs=[home_crumb()],
    )
