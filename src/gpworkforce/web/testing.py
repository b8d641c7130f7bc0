"""A small, hand-made world for tests, benchmarks and examples (no files needed).

Two ICBs: ``QK1`` (sub-ICBs ``03W`` and ``04C``; practices ``C82001``, ``C82002`` under 03W and
``C82003`` under 04C) and ``QXX`` (sub-ICB ``99A``, practice ``Y00001``). One user per role in QK1's
world (practice roles at ``C82001``) plus ``other_submitter`` at ``Y00001``. Everything is written
through the action layer, so it is audited like real data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.domain.returns import LocumLine, PracticeReturn, StaffLine, VacancyLine
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.actions.users import create_user
from gpworkforce.web.models import CollectionRound, User
from gpworkforce.web.roles import Role

CENSUS = dt.date(2017, 9, 30)
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (test accounts only)
OWN_PRACTICE = "C82001"
OTHER_PRACTICE = "Y00001"


def small_registry() -> OrgRegistry:
    orgs = [
        Organisation("QK1", "Leicester, Leicestershire and Rutland", OrgType.ICB),
        Organisation("03W", "East Leicestershire and Rutland", OrgType.SUB_ICB),
        Organisation("04C", "Leicester City", OrgType.SUB_ICB),
        Organisation("C82001", "Alpha Surgery", OrgType.PRACTICE, dt.date(1974, 4, 1)),
        Organisation("C82002", "Beta Medical Centre", OrgType.PRACTICE, dt.date(1974, 4, 1)),
        Organisation("C82003", "Gamma Health Centre", OrgType.PRACTICE, dt.date(1974, 4, 1)),
        Organisation("QXX", "Elsewhere ICB", OrgType.ICB),
        Organisation("99A", "Elsewhere sub-ICB", OrgType.SUB_ICB),
        Organisation("Y00001", "Faraway Practice", OrgType.PRACTICE, dt.date(1990, 1, 1)),
    ]
    links = [
        ParentLink("03W", "QK1"),
        ParentLink("04C", "QK1"),
        ParentLink("C82001", "03W"),
        ParentLink("C82002", "03W"),
        ParentLink("C82003", "04C"),
        ParentLink("99A", "QXX"),
        ParentLink("Y00001", "99A"),
    ]
    return OrgRegistry.build(orgs, links)


@dataclass(frozen=True)
class World:
    users: dict[str, User]
    round: CollectionRound
    other_round: CollectionRound


USERS: dict[str, tuple[Role, str]] = {
    "submitter": (Role.PRACTICE_SUBMITTER, OWN_PRACTICE),
    "manager": (Role.PRACTICE_MANAGER, OWN_PRACTICE),
    "analyst": (Role.ICB_ANALYST, "QK1"),
    "board": (Role.BOARD_VIEWER, "QK1"),
    "admin": (Role.ADMINISTRATOR, "QK1"),
    "programme": (Role.PROGRAMME_OFFICE, "QK1"),
    "other_submitter": (Role.PRACTICE_SUBMITTER, OTHER_PRACTICE),
}


def build_world() -> World:
    load_registry(small_registry(), actor=None, source="tests")
    users = {
        name: create_user(actor=None, username=name, password=PASSWORD, role=role, org_code=org)
        for name, (role, org) in USERS.items()
    }
    rnd = open_round(actor=users["analyst"], census_date=CENSUS, org_code="QK1")
    other = open_round(actor=None, census_date=CENSUS, org_code="QXX")
    return World(users=users, round=rnd, other_round=other)


def approve_own_return(world: World) -> int:
    """The own practice's return submitted (by form) and approved by its manager; its id."""
    from gpworkforce.web.actions.returns import submit_version, transition
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.workflow import TransitionName

    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    u = world.users
    submit_version(
        actor=u["submitter"],
        record_id=rec.pk,
        data=sample_return(),
        channel="form",
        sha256="c" * 64,
    )
    transition(actor=u["manager"], record_id=rec.pk, name=TransitionName.APPROVE)
    return rec.pk


def sample_return(
    practice_code: str = OWN_PRACTICE, census: dt.date = CENSUS, gp_sessions: float = 36.0
) -> PracticeReturn:
    """A plausible small return that passes the library's validation."""
    return PracticeReturn(
        practice_code=practice_code,
        census_date=census,
        staff=(
            StaffLine(
                "GP_PARTNER_PROVIDER",
                4,
                AgeBand.A45_49,
                Sex.FEMALE,
                ContractType.PARTNER,
                sessions_per_week=gp_sessions,
            ),
            StaffLine(
                "NURSE_PRACTICE",
                2,
                AgeBand.A55_59,
                Sex.FEMALE,
                ContractType.SALARIED,
                hours_per_week=60.0,
            ),
            StaffLine(
                "ADMIN_RECEPTION",
                5,
                AgeBand.A30_34,
                Sex.FEMALE,
                ContractType.SALARIED,
                hours_per_week=150.0,
            ),
        ),
        vacancies=(VacancyLine("GP_SALARIED_BY_PRACTICE", 1.0, 3),),
        locums=(LocumLine("GP_LOCUM_ABSENCE", 1, 4.0),),
    )
