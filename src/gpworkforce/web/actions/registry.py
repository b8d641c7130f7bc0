"""Loading the organisation registry into the database (from the library's loaders or the demo)."""

from __future__ import annotations

from django.db import transaction

from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.web.actions import audit
from gpworkforce.web.models import Organisation, ParentLink, User


@transaction.atomic
def load_registry(registry: OrgRegistry, *, actor: User | None, source: str) -> dict[str, int]:
    """Upsert every organisation and replace the parent links of the organisations given.

    Organisations already in the database but not in ``registry`` are kept (users and returns may
    point to them); their links are left alone.
    """
    before = {"organisations": Organisation.objects.count(), "links": ParentLink.objects.count()}
    existing = set(Organisation.objects.values_list("code", flat=True))
    new, changed = [], []
    for org in registry.organisations.values():
        row = Organisation(
            code=org.code, name=org.name, type=org.type.value, opened=org.opened, closed=org.closed
        )
        (changed if org.code in existing else new).append(row)
    Organisation.objects.bulk_create(new, batch_size=1000)
    if changed:
        Organisation.objects.bulk_update(
            changed, ["name", "type", "opened", "closed"], batch_size=1000
        )
    ParentLink.objects.filter(child_id__in=list(registry.organisations)).delete()
    ParentLink.objects.bulk_create(
        [
            ParentLink(
                child_id=lk.child,
                parent_id=lk.parent,
                start=lk.start,
                end=lk.end,
                source=lk.source or source,
            )
            for lk in registry.links
        ],
        batch_size=1000,
    )
    after = {"organisations": Organisation.objects.count(), "links": ParentLink.objects.count()}
    audit.record(
        actor,
        "registry.load",
        None,
        object_type="Registry",
        object_id=source[:64],
        before=before,
        after={**after, "source": source, "created": len(new), "updated": len(changed)},
    )
    return {"created": len(new), "updated": len(changed), "links": len(registry.links)}
