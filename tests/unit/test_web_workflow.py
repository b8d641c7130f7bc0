"""The return workflow state machine and the role -> permission table (pure, no database)."""

from __future__ import annotations

import itertools

import pytest

from gpworkforce.domain.orgs import OrgType
from gpworkforce.web.roles import ROLE_ORG_TYPES, ROLE_PERMISSIONS, Permission, Role, role_grants
from gpworkforce.web.workflow import (
    RESPONDED_STATES,
    TRANSITIONS,
    Actor,
    ReturnFacts,
    ReturnState,
    TransitionName,
    TransitionRefused,
    available_transitions,
    check_transition,
)

S, T = ReturnState, TransitionName
SUBMITTER, MANAGER, ANALYST = 1, 2, 3


def facts(
    state: ReturnState, submitter: int | None = SUBMITTER, all_submitters: set[int] | None = None
) -> ReturnFacts:
    subs = all_submitters if all_submitters is not None else ({submitter} if submitter else set())
    return ReturnFacts(state, submitter, frozenset(subs))


# Every (state, transition) pair and the state it leads to; a missing pair is not allowed.
ALLOWED = {
    (S.DRAFT, T.SUBMIT): S.SUBMITTED,
    (S.QUERIED, T.RESUBMIT): S.RESUBMITTED,
    (S.SUBMITTED, T.APPROVE): S.APPROVED,
    (S.RESUBMITTED, T.APPROVE): S.APPROVED,
    (S.SUBMITTED, T.QUERY): S.QUERIED,
    (S.RESUBMITTED, T.QUERY): S.QUERIED,
    (S.APPROVED, T.QUERY): S.QUERIED,
    (S.APPROVED, T.ACCEPT): S.ACCEPTED,
}


@pytest.mark.parametrize(("state", "name"), list(itertools.product(S, T)))
def test_transition_table_is_exactly_the_documented_one(
    state: ReturnState, name: TransitionName
) -> None:
    actor = Actor(ANALYST if name is T.ACCEPT else MANAGER, has_permission=True)
    f = facts(state)
    if (state, name) in ALLOWED:
        assert check_transition(name, f, actor).target is ALLOWED[(state, name)]
    else:
        with pytest.raises(TransitionRefused, match="allowed only when"):
            check_transition(name, f, actor)


def test_accepted_is_terminal_and_draft_only_submits() -> None:
    assert available_transitions(facts(S.ACCEPTED)) == []
    assert available_transitions(facts(S.DRAFT, None)) == [T.SUBMIT]


def test_without_permission_nothing_is_allowed() -> None:
    for state, name in ALLOWED:
        with pytest.raises(TransitionRefused, match="permission"):
            check_transition(name, facts(state), Actor(ANALYST, has_permission=False))


def test_submitter_cannot_approve_own_submission() -> None:
    with pytest.raises(TransitionRefused, match="cannot approve"):
        check_transition(T.APPROVE, facts(S.SUBMITTED, submitter=MANAGER), Actor(MANAGER, True))
    assert check_transition(
        T.APPROVE, facts(S.SUBMITTED, submitter=SUBMITTER), Actor(MANAGER, True)
    )


def test_anyone_who_submitted_any_version_cannot_accept() -> None:
    f = facts(S.APPROVED, submitter=SUBMITTER, all_submitters={SUBMITTER, ANALYST})
    with pytest.raises(TransitionRefused, match="cannot accept"):
        check_transition(T.ACCEPT, f, Actor(ANALYST, True))


def test_acceptance_needs_the_managers_approval_first() -> None:
    for state in (S.SUBMITTED, S.RESUBMITTED, S.QUERIED):
        with pytest.raises(TransitionRefused):
            check_transition(T.ACCEPT, facts(state), Actor(ANALYST, True))


def test_only_submissions_create_versions() -> None:
    assert {n for n, t in TRANSITIONS.items() if t.needs_version} == {T.SUBMIT, T.RESUBMIT}
    assert S.DRAFT not in RESPONDED_STATES


# -- roles -----------------------------------------------------------------------------------
def test_separation_of_duties_in_the_role_table() -> None:
    approvers = {r for r in Role if Permission.APPROVE_RETURN in ROLE_PERMISSIONS[r]}
    acceptors = {r for r in Role if Permission.ACCEPT_RETURN in ROLE_PERMISSIONS[r]}
    submitters = {r for r in Role if Permission.SUBMIT_RETURN in ROLE_PERMISSIONS[r]}
    assert approvers == {Role.PRACTICE_MANAGER}
    assert acceptors == {Role.ICB_ANALYST}
    assert not acceptors & submitters
    # the board reads (dashboards, plans and their tracking) and changes nothing
    assert ROLE_PERMISSIONS[Role.BOARD_VIEWER] == {
        Permission.VIEW_DASHBOARD,
        Permission.DOWNLOAD_TABLE,
        Permission.VIEW_FINANCE,  # board viewers read the finance pages; analysts edit them
        Permission.VIEW_PLAN,
        Permission.VIEW_PRACTICE_PLAN,
        Permission.VIEW_DELIVERY,  # board viewers read the delivery registers, never edit them
        Permission.BUILD_PAPER,  # and ask for committee papers, like analysts
        Permission.VIEW_SCENARIO,  # board viewers read scenarios and runs, never change them
    }
    assert {r for r in Role if Permission.EDIT_FINANCE in ROLE_PERMISSIONS[r]} == {Role.ICB_ANALYST}
    editors = {r for r in Role if Permission.EDIT_PLAN in ROLE_PERMISSIONS[r]}
    assert editors == {Role.ICB_ANALYST}
    editors = {r for r in Role if Permission.EDIT_DELIVERY in ROLE_PERMISSIONS[r]}
    assert editors == {Role.ICB_ANALYST, Role.PROGRAMME_OFFICE}
    answerers = {r for r in Role if Permission.ANSWER_DELIVERY in ROLE_PERMISSIONS[r]}
    assert answerers == {Role.PRACTICE_SUBMITTER, Role.PRACTICE_MANAGER}


def test_every_role_and_permission_is_in_the_tables() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role) == set(ROLE_ORG_TYPES)
    used = set().union(*ROLE_PERMISSIONS.values())
    assert used == set(Permission)
    assert ROLE_ORG_TYPES[Role.PRACTICE_SUBMITTER] == {OrgType.PRACTICE}


def test_no_role_grants_nothing() -> None:
    assert not any(role_grants(None, p) for p in Permission)


# The refusal reasons are shown to users as they are (the web's messages), so they are specified.
REFUSALS = [
    (T.APPROVE, facts(S.DRAFT), Actor(MANAGER, True),
     "'approve' is allowed only when the return is resubmitted, submitted; it is draft"),
    (T.ACCEPT, facts(S.SUBMITTED), Actor(ANALYST, True),
     "'accept' is allowed only when the return is approved; it is submitted"),
    (T.APPROVE, facts(S.SUBMITTED, submitter=MANAGER), Actor(MANAGER, True),
     "the person who submitted a return cannot approve it"),
    (T.ACCEPT, facts(S.APPROVED, all_submitters={SUBMITTER, ANALYST}), Actor(ANALYST, True),
     "the person who submitted a return cannot accept it"),
    (T.QUERY, facts(S.SUBMITTED), Actor(ANALYST, False),
     "you do not have permission to query this return"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "state", "actor", "reason"), REFUSALS)
def test_refusals_give_the_documented_reason(
    name: TransitionName, state: ReturnFacts, actor: Actor, reason: str
) -> None:
    with pytest.raises(TransitionRefused) as info:
        check_transition(name, state, actor)
    assert info.value.reason == reason
    assert str(info.value) == reason
