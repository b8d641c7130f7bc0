"""Creating users with a role and an organisation."""

from __future__ import annotations

from django.db import transaction

from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UnknownOrganisation, UserError
from gpworkforce.web.actions import audit
from gpworkforce.web.models import Organisation, User
from gpworkforce.web.roles import ROLE_ORG_TYPES, Role


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, password: str, role: Role, org_code: str, email: str = ""
) -> User:
    org = Organisation.objects.filter(code=org_code.strip().upper()).first()
    if org is None:
        raise UnknownOrganisation(f"organisation code must be a known ODS code, got {org_code!r}")
    allowed = ROLE_ORG_TYPES[role]
    if OrgType(org.type) not in allowed:
        names = ", ".join(sorted(t.value for t in allowed))
        raise UserError(f"a {role.label} must belong to a {names}, got {org.code} ({org.type})")
    if User.objects.filter(username=username).exists():
        raise UserError(f"username must be new, got {username!r} which exists")
    user = User(username=username, role=role.value, organisation=org, email=email)
    user.set_password(password)
    user.save()
    audit.record(
        actor,
        "user.create",
        user,
        organisation_code=org.code,
        after={"username": username, "role": role.value, "organisation": org.code},
    )
    return user


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> None:
    """Set a user's password (the audit event never contains it)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor,
        "user.set_password",
        user,
        organisation_code=user.organisation_id or "",
        after={"username": user.get_username()},
    )


@transaction.atomic
def system_account(*, username: str) -> User:
    """The account (no role, no password, cannot log in) that management commands act as."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        if user.role:
            raise UserError(f"system account {username!r} must have no role, got {user.role}")
        return user
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    audit.record(None, "user.create_system", user, after={"username": username})
    return user
