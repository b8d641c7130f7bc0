"""Database models of the web app (one module per concept)."""

from gpworkforce.web.models.accounts import User
from gpworkforce.web.models.audit import AuditEvent
from gpworkforce.web.models.immutable import ImmutableRecord
from gpworkforce.web.models.orgs import (
    Organisation,
    ParentLink,
    children_codes,
    descendant_codes,
    organisation,
    organisations,
    registry_from_db,
    registry_version,
)
from gpworkforce.web.models.reference import (
    ReferencePatients,
    ReferenceSource,
    ReferenceWorkforce,
)
from gpworkforce.web.models.returns import CollectionRound, PracticeReturnRecord, ReturnVersion

__all__ = [
    "AuditEvent",
    "CollectionRound",
    "ImmutableRecord",
    "Organisation",
    "ParentLink",
    "PracticeReturnRecord",
    "ReferencePatients",
    "ReferenceSource",
    "ReferenceWorkforce",
    "ReturnVersion",
    "User",
    "children_codes",
    "descendant_codes",
    "organisation",
    "organisations",
    "registry_from_db",
    "registry_version",
]
