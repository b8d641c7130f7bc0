"""Accounts: creating users with a role and an organisation, changing them, deactivating and
reactivating them, and setting their password. Users are never deleted (the audit trail names them).

Who may call these (an administrator, for accounts within their organisations) is decided at the
HTTP edge (``permissions.guard``); the rules that hold whoever calls are checked here: the role must
suit the organisation's tier, and an actor cannot deactivate themselves or change their own role or
organisation (so an administrator cannot lock themselves out by mistake).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UnknownOrganisation, UserError
from gpworkforce.web.actions import audit
from gpworkforce.web.models import Organisation, User, descendant_codes
from gpworkforce.web.roles import ROLE_ORG_TYPES, Role, roles_conflict


class AccountRuleError(UserError):
    """A refused account change; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _organisation(org_code: str) -> Organisation:
    org = Organisation.objects.filter(code=org_code.strip().upper()).first()
    if org is None:
        raise UnknownOrganisation(f"organisation code must be a known ODS code, got {org_code!r}")
    return org


_TIER_NAMES = {
    OrgType.PRACTICE: "a practice",
    OrgType.PCN: "a PCN",
    OrgType.SUB_ICB: "a sub-ICB",
    OrgType.ICB: "an ICB",
    OrgType.REGION: "a region",
    OrgType.ENGLAND: "England",
}


def _check_role_suits(role: Role, org: Organisation) -> None:
    allowed = ROLE_ORG_TYPES[role]
    if OrgType(org.type) not in allowed:
        tiers = [_TIER_NAMES[t] for t in OrgType if t in allowed]
        names = " or ".join([", ".join(tiers[:-1]), tiers[-1]] if len(tiers) > 1 else tiers)
        raise AccountRuleError(
            f"{role.label} accounts must belong to {names}, "
            f"got {org.code}, {_TIER_NAMES[OrgType(org.type)]}",
            "role",
        )


def _overlap(a: str, b: str) -> bool:
    """Whether one organisation is the other or contains it (today's hierarchy)."""
    today = timezone.localdate()
    return a == b or b in descendant_codes(a, today) or a in descendant_codes(b, today)


def _check_segregation(*, email: str, role: Role, org: Organisation, user_id: int | None) -> None:
    """Refuse an account that would let one person (known by their email address) hold, through
    this and their other active accounts, roles that need two people (roles.CONFLICTING_...)."""
    email = email.strip()
    if not email:
        return
    others = (
        User.objects.filter(email__iexact=email, is_active=True, organisation__isnull=False)
        .exclude(role="")
        .exclude(pk=user_id)
        .select_related("organisation")
    )
    for other in others:
        what = roles_conflict(role, Role(other.role))
        if what and _overlap(org.code, other.organisation_id):
            raise AccountRuleError(
                f"one person cannot {what}: {email} already has the account "
                f"{other.get_username()} ({Role(other.role).label}, {other.organisation.name}); "
                "choose another role or organisation, or deactivate that account first",
                "role",
            )


def account_state(user: User) -> dict[str, Any]:
    """What an audit event records about an account (never its password or hash)."""
    return {
        "username": user.get_username(),
        "role": user.role,
        "organisation": user.organisation_id or "",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
    }


def _locked(user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise UserError(f"account must exist, got id {user_id}")
    return user


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, password: str, role: Role, org_code: str, email: str = ""
) -> User:
    org = _organisation(org_code)
    _check_role_suits(role, org)
    _check_segregation(email=email, role=role, org=org, user_id=None)
    if User.objects.filter(username=username).exists():
        raise UserError(f"username must be new, got {username!r} which exists")
    user = User(username=username, role=role.value, organisation=org, email=email.strip())
    user.set_password(password)
    # a first password chosen by an administrator must be replaced at the first sign-in
    user.must_change_password = actor is not None
    user.save()
    audit.record(
        actor,
        "user.create",
        user,
        organisation_code=org.code,
        after={
            "username": username,
            "role": role.value,
            "organisation": org.code,
            "change_required": user.must_change_password,
        },
    )
    return user


@transaction.atomic
def update_user(
    *,
    actor: User | None,
    user_id: int,
    role: Role,
    org_code: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Change an account's role, organisation, name and email (audited before and after)."""
    user = _locked(user_id)
    if not user.role:
        raise UserError(f"account must be a person's (with a role), got system account {user}")
    org = _organisation(org_code)
    _check_role_suits(role, org)
    if actor is not None and actor.pk == user.pk:
        if role.value != user.role:
            raise AccountRuleError("you cannot change your own role", "role")
        if org.code != user.organisation_id:
            raise AccountRuleError("you cannot change your own organisation", "organisation")
    if user.email and not email.strip():
        raise AccountRuleError(
            "email address cannot be removed: it tells which accounts belong to the same person",
            "email",
        )
    _check_segregation(email=email, role=role, org=org, user_id=user.pk)
    before = account_state(user)
    user.role = role.value
    user.organisation = org
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.email = email.strip()
    if account_state(user) == before:
        return user  # nothing changed: nothing to audit
    user.save(update_fields=["role", "organisation", "first_name", "last_name", "email"])
    audit.record(
        actor,
        "user.update",
        user,
        organisation_code=org.code,
        before=before,
        after=account_state(user),
    )
    return user


@transaction.atomic
def set_active(*, actor: User | None, user_id: int, active: bool) -> User:
    """Deactivate (cannot log in; their sessions end on the next request) or reactivate."""
    user = _locked(user_id)
    if actor is not None and actor.pk == user.pk and not active:
        raise AccountRuleError("you cannot deactivate your own account", "active")
    if user.is_active == active:
        return user
    if active and user.role and user.organisation_id:
        _check_segregation(
            email=user.email, role=Role(user.role), org=user.organisation, user_id=user.pk
        )
    before = {"username": user.get_username(), "is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor,
        "user.reactivate" if active else "user.deactivate",
        user,
        organisation_code=user.organisation_id or "",
        before=before,
        after={"username": user.get_username(), "is_active": active},
    )
    return user


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> None:
    """Set a user's password (the audit event never contains it).

    A password set by someone else (an administrator) is temporary: the user must choose their own
    at their next sign-in, so the administrator cannot go on using the account as its owner.
    """
    user.set_password(password)
    user.must_change_password = actor is not None and actor.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        actor,
        "user.set_password",
        user,
        organisation_code=user.organisation_id or "",
        after={
            "username": user.get_username(),
            "change_required": user.must_change_password,
        },
    )


@transaction.atomic
def change_own_password(*, user: User, password: str) -> None:
    """The user chooses their own password (ends a required change; audited, never the password)."""
    was_required = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        user,
        "user.change_password",
        user,
        organisation_code=user.organisation_id or "",
        after={"username": user.get_username(), "was_required": was_required},
    )


@transaction.atomic
def unlock(*, actor: User | None, user_id: int) -> int:
    """Clear the failed sign-ins counted against an account (django-axes), ending its lockout.

    Returns how many attempt records were cleared; audited when there were any. Failures counted
    against an address are cleared with ``axes_reset_ip`` (docs/deploy.md).
    """
    from axes.utils import reset

    user = _locked(user_id)
    cleared = reset(username=user.get_username())
    if cleared:
        audit.record(
            actor,
            "user.unlock",
            user,
            organisation_code=user.organisation_id or "",
            after={"username": user.get_username(), "attempt_records_cleared": cleared},
        )
    return cleared


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
