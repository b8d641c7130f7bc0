"""The demo's plan (issue 11 item 4): ``scenarios/llr-2017/plan.toml`` loads as ONE plan of the
demo's ICB with LLR's three scenarios, Scenario 3 adopted (as LLR did), the Table 4 target of 639
WTE GPs by September 2020 (LLR plan, chapter 5); seeding it again adds nothing; the plans page
lists it once and its page says which scenario is tracked."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client

from gpworkforce.plans.model import StaffGroup
from gpworkforce.web.plans.demo import llr_plan_file, seed_llr_plan
from gpworkforce.web.plans.models import Plan, PlanState
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db

SCENARIOS = (
    "Scenario 1: Base position",
    "Scenario 2: International recruitment and improved retention",
    "Scenario 3: Scenario 2 plus role substitution",
)


def test_the_llr_2017_plan_is_one_adopted_plan_with_three_scenarios() -> None:
    world = build_world()
    assert llr_plan_file().relative_to(llr_plan_file().parents[2]).as_posix() == (
        "scenarios/llr-2017/plan.toml"
    )
    first = seed_llr_plan("QK1")
    again = seed_llr_plan("QK1")
    assert again.pk == first.pk
    assert Plan.objects.filter(organisation_id="QK1").count() == 1
    plan = Plan.objects.get(pk=first.pk)
    assert plan.state == PlanState.ADOPTED and plan.name == "LLR GP Workforce Plan 2017"
    doc = plan.tracked_version().library_plan()
    assert tuple(s.scenario for s in doc.scenarios) == SCENARIOS
    assert {s.staff_group for s in doc.scenarios} == {StaffGroup.GP}
    assert doc.adopted == SCENARIOS[2]
    (target,) = doc.targets
    assert (target.staff_group, target.date, target.wte) == (
        StaffGroup.GP,
        dt.date(2020, 9, 30),
        639,
    )
    # Scenario 2 was run with its ranges: a P10-P90 fan; Scenarios 1 and 3 have none
    fans = {s.scenario: any(p.has_band for p in s.points) for s in doc.scenarios}
    assert fans == {SCENARIOS[0]: False, SCENARIOS[1]: True, SCENARIOS[2]: False}

    client = Client()
    client.force_login(world.users["board"])
    listing = client.get("/plans/").content.decode()
    assert listing.count("LLR GP Workforce Plan 2017") == 1
    detail = client.get(f"/plans/{plan.pk}/")
    assert detail.status_code == 200
    assert f'tracking "{SCENARIOS[2]}"' in html.unescape(detail.content.decode())
