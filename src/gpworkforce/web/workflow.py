"""The return's review workflow as an explicit state machine (pure; no database).

    draft --submit--> submitted --approve--> approved --accept--> accepted
                          |                     |
                        query                 query
                          v                     v
                       queried <--query-- resubmitted
                          |                    ^  |
                          +-----resubmit-------+  +--approve--> approved

- submit / resubmit: practice submitter or manager (each creates an immutable version);
- approve: the practice manager, who must not be the person who submitted the current version;
- query: the practice manager (before approval) or the analyst;
- accept: the analyst, only after the manager's approval, and never someone who submitted any
  version of this return (the submitter cannot accept).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from gpworkforce.web.roles import Permission


class ReturnState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    QUERIED = "queried"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class TransitionName(StrEnum):
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    QUERY = "query"
    ACCEPT = "accept"


@dataclass(frozen=True, slots=True)
class Transition:
    name: TransitionName
    sources: frozenset[ReturnState]
    target: ReturnState
    permission: Permission
    needs_version: bool  # the transition creates a new submitted version


S = ReturnState
TRANSITIONS: Mapping[TransitionName, Transition] = MappingProxyType(
    {
        TransitionName.SUBMIT: Transition(
            TransitionName.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, Permission.SUBMIT_RETURN, True
        ),
        TransitionName.RESUBMIT: Transition(
            TransitionName.RESUBMIT,
            frozenset({S.QUERIED}),
            S.RESUBMITTED,
            Permission.SUBMIT_RETURN,
            True,
        ),
        TransitionName.APPROVE: Transition(
            TransitionName.APPROVE,
            frozenset({S.SUBMITTED, S.RESUBMITTED}),
            S.APPROVED,
            Permission.APPROVE_RETURN,
            False,
        ),
        TransitionName.QUERY: Transition(
            TransitionName.QUERY,
            frozenset({S.SUBMITTED, S.RESUBMITTED, S.APPROVED}),
            S.QUERIED,
            Permission.QUERY_RETURN,
            False,
        ),
        TransitionName.ACCEPT: Transition(
            TransitionName.ACCEPT,
            frozenset({S.APPROVED}),
            S.ACCEPTED,
            Permission.ACCEPT_RETURN,
            False,
        ),
    }
)

# States in which the practice may enter data (the next submission creates a version).
EDITABLE_STATES = frozenset({S.DRAFT, S.QUERIED})
# States counted as "returned" for the response rate.
RESPONDED_STATES = frozenset({S.SUBMITTED, S.RESUBMITTED, S.APPROVED, S.ACCEPTED, S.QUERIED})


class TransitionRefused(Exception):
    """A transition not allowed from this state or for this person; ``reason`` is shown to users."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Actor:
    """Who wants to move the return: a user id and whether they hold the transition's permission."""

    user_id: int
    has_permission: bool


@dataclass(frozen=True, slots=True)
class ReturnFacts:
    state: ReturnState
    current_submitter_id: int | None
    all_submitter_ids: frozenset[int]


def check_transition(name: TransitionName, facts: ReturnFacts, actor: Actor) -> Transition:
    """The transition if ``actor`` may make it from ``facts.state``; else raise TransitionRefused."""
    transition = TRANSITIONS[name]
    if not actor.has_permission:
        raise TransitionRefused(f"you do not have permission to {name.value} this return")
    if facts.state not in transition.sources:
        allowed = ", ".join(sorted(s.value for s in transition.sources))
        raise TransitionRefused(
            f"'{name.value}' is allowed only when the return is {allowed}; "
            f"it is {facts.state.value}"
        )
    if name is TransitionName.APPROVE and facts.current_submitter_id == actor.user_id:
        raise TransitionRefused("the person who submitted a return cannot approve it")
    if name is TransitionName.ACCEPT and actor.user_id in facts.all_submitter_ids:
        raise TransitionRefused("the person who submitted a return cannot accept it")
    return transition


def available_transitions(facts: ReturnFacts) -> list[TransitionName]:
    """Transitions allowed from the state (ignoring who asks)."""
    return [t.name for t in TRANSITIONS.values() if facts.state in t.sources]
