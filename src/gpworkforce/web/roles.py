"""Roles and permissions: the ONE table saying which role may do what.

Checked only by :func:`gpworkforce.web.permissions.has_permission`. A role also limits which tier
of organisation its users may belong to (practice roles belong to a practice).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from gpworkforce.domain.orgs import OrgType


class Role(StrEnum):
    PRACTICE_SUBMITTER = "practice_submitter"
    PRACTICE_MANAGER = "practice_manager"
    ICB_ANALYST = "icb_analyst"
    BOARD_VIEWER = "board_viewer"
    ADMINISTRATOR = "administrator"
    PROGRAMME_OFFICE = "programme_office"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(r.value, r.label) for r in cls]


ROLE_LABELS: Mapping[Role, str] = MappingProxyType(
    {
        Role.PRACTICE_SUBMITTER: "Practice submitter",
        Role.PRACTICE_MANAGER: "Practice manager",
        Role.ICB_ANALYST: "ICB analyst",
        Role.BOARD_VIEWER: "Board viewer",
        Role.ADMINISTRATOR: "Administrator",
        Role.PROGRAMME_OFFICE: "Programme office",
    }
)


class Permission(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    DOWNLOAD_TABLE = "download_table"
    VIEW_ROUND = "view_round"
    OPEN_ROUND = "open_round"
    VIEW_RETURN = "view_return"
    EDIT_RETURN = "edit_return"  # enter data by form or upload (creates a version)
    SUBMIT_RETURN = "submit_return"
    APPROVE_RETURN = "approve_return"  # practice manager's sign-off
    QUERY_RETURN = "query_return"
    ACCEPT_RETURN = "accept_return"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"  # list, create, change, (de)activate accounts within scope
    VIEW_FINANCE = "view_finance"  # allocations, funding register, scenario costs (/finance/)
    EDIT_FINANCE = "edit_finance"  # change allocations, thresholds and the funding register
    VIEW_PLAN = "view_plan"  # plans, their tracking, charts and alerts
    EDIT_PLAN = "edit_plan"  # create, revise, adopt, re-baseline, close; SPC recalculation points
    VIEW_PRACTICE_PLAN = "view_practice_plan"  # a practice's actuals against its share of a plan
    # delivery assurance (web/delivery): registers, risks, maturity, resilience
    VIEW_DELIVERY = "view_delivery"
    EDIT_DELIVERY = "edit_delivery"  # plan, KPIs, risks, moderation, resilience weights
    ANSWER_DELIVERY = "answer_delivery"  # a practice answers its own items (self-assessment)
    BUILD_PAPER = "build_paper"  # ask for a committee paper (/papers/) and download it
    VIEW_SCENARIO = "view_scenario"  # forecast scenarios, their runs and charts
    EDIT_SCENARIO = "edit_scenario"  # create, copy, edit, import and run scenarios


_P = Permission
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.PRACTICE_SUBMITTER: frozenset(
            {
                _P.VIEW_DASHBOARD,
                _P.DOWNLOAD_TABLE,
                _P.VIEW_RETURN,
                _P.EDIT_RETURN,
                _P.SUBMIT_RETURN,
                _P.VIEW_PRACTICE_PLAN,
                _P.VIEW_DELIVERY,
                _P.ANSWER_DELIVERY,
            }
        ),
        Role.PRACTICE_MANAGER: frozenset(
            {
                _P.VIEW_DASHBOARD,
                _P.DOWNLOAD_TABLE,
                _P.VIEW_RETURN,
                _P.EDIT_RETURN,
                _P.SUBMIT_RETURN,
                _P.APPROVE_RETURN,
                _P.QUERY_RETURN,
                _P.VIEW_PRACTICE_PLAN,
                _P.VIEW_DELIVERY,
                _P.ANSWER_DELIVERY,
            }
        ),
        Role.ICB_ANALYST: frozenset(
            {
                _P.VIEW_DASHBOARD,
                _P.DOWNLOAD_TABLE,
                _P.VIEW_ROUND,
                _P.OPEN_ROUND,
                _P.VIEW_RETURN,
                _P.QUERY_RETURN,
                _P.ACCEPT_RETURN,
                _P.VIEW_AUDIT,
                _P.VIEW_FINANCE,
                _P.EDIT_FINANCE,
                _P.VIEW_PLAN,
                _P.EDIT_PLAN,
                _P.VIEW_PRACTICE_PLAN,
                _P.VIEW_DELIVERY,
                _P.EDIT_DELIVERY,
                _P.BUILD_PAPER,
                _P.VIEW_SCENARIO,
                _P.EDIT_SCENARIO,
            }
        ),
        Role.BOARD_VIEWER: frozenset(
            {
                _P.VIEW_DASHBOARD,
                _P.DOWNLOAD_TABLE,
                _P.VIEW_FINANCE,
                _P.VIEW_PLAN,
                _P.VIEW_PRACTICE_PLAN,
                _P.VIEW_DELIVERY,
                _P.BUILD_PAPER,
                _P.VIEW_SCENARIO,
            }
        ),
        Role.ADMINISTRATOR: frozenset(
            {
                _P.VIEW_DASHBOARD,
                _P.DOWNLOAD_TABLE,
                _P.VIEW_ROUND,
                _P.VIEW_RETURN,
                _P.VIEW_AUDIT,
                _P.MANAGE_USERS,
            }
        ),
        Role.PROGRAMME_OFFICE: frozenset(
            {_P.VIEW_DASHBOARD, _P.DOWNLOAD_TABLE, _P.VIEW_DELIVERY, _P.EDIT_DELIVERY}
        ),
    }
)

# Which tiers a user with the role may belong to.
ROLE_ORG_TYPES: Mapping[Role, frozenset[OrgType]] = MappingProxyType(
    {
        Role.PRACTICE_SUBMITTER: frozenset({OrgType.PRACTICE}),
        Role.PRACTICE_MANAGER: frozenset({OrgType.PRACTICE}),
        Role.ICB_ANALYST: frozenset({OrgType.PCN, OrgType.SUB_ICB, OrgType.ICB}),
        Role.BOARD_VIEWER: frozenset({OrgType.PCN, OrgType.SUB_ICB, OrgType.ICB}),
        Role.ADMINISTRATOR: frozenset({OrgType.SUB_ICB, OrgType.ICB}),
        Role.PROGRAMME_OFFICE: frozenset({OrgType.PCN, OrgType.SUB_ICB, OrgType.ICB}),
    }
)


def role_grants(role: Role | None, permission: Permission) -> bool:
    """Whether the table grants ``permission`` to ``role`` (no role: nothing)."""
    return role is not None and permission in ROLE_PERMISSIONS[role]


# -- segregation of duties -------------------------------------------------------------------------
# Pairs of permissions one person must never hold together over organisations that overlap (one is
# the other or contains it), whatever accounts they hold them through; with what the pair allows.
_WORKFLOW = (_P.EDIT_RETURN, _P.SUBMIT_RETURN, _P.APPROVE_RETURN, _P.QUERY_RETURN, _P.ACCEPT_RETURN)
CONFLICTING_PERMISSIONS: Mapping[frozenset[Permission], str] = MappingProxyType(
    {
        frozenset({_P.SUBMIT_RETURN, _P.ACCEPT_RETURN}): "both submit and accept the same return",
        frozenset({_P.APPROVE_RETURN, _P.ACCEPT_RETURN}): "both approve and accept the same return",
        **{
            frozenset({_P.MANAGE_USERS, p}): (
                "both manage the accounts and act on the returns of the same organisation"
            )
            for p in _WORKFLOW
        },
    }
)


def roles_conflict(a: Role, b: Role) -> str | None:
    """What one person holding both roles could do alone that needs two people, else None."""
    held = ROLE_PERMISSIONS[a] | ROLE_PERMISSIONS[b]
    return next((what for pair, what in CONFLICTING_PERMISSIONS.items() if pair <= held), None)
