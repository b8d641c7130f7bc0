"""The organisation a URL names, for the pages scoped to one organisation.

One place for the check every organisation-scoped view makes before its role check: the code in
the URL must look like an organisation code (never sent to the database otherwise) and name a
known organisation, else the page is "not found". The role and organisation check itself is
``permissions.guard``'s, with the :class:`~gpworkforce.web.permissions.Scope` made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest

from gpworkforce.web.models import Organisation
from gpworkforce.web.permissions import Scope

MAX_CODE_LENGTH = 16  # organisation codes are 3 to 6 characters; longer is not one


def looks_like_code(org_code: str) -> bool:
    """Whether ``org_code`` could be an organisation code: short, ASCII letters and digits only."""
    return len(org_code) <= MAX_CODE_LENGTH and org_code.isascii() and org_code.isalnum()


def organisation_named(org_code: str, *, practices: bool) -> Organisation:
    """The organisation with this code (any case), or ``Http404``; practices only if allowed."""
    if not looks_like_code(org_code):
        raise Http404("no such organisation")
    found = Organisation.objects.filter(code=org_code.upper())
    if not practices:
        found = found.exclude(type="practice")
    org = found.first()
    if org is None:
        raise Http404("no such organisation")
    return org


def org_loader(*, practices: bool) -> Callable[..., Scope]:
    """A ``guard`` loader scoping a view to the organisation in its URL (``org_code``)."""

    def load_org(request: HttpRequest, org_code: str, **_: Any) -> Scope:
        org = organisation_named(org_code, practices=practices)
        return Scope(org, org.code)

    return load_org
