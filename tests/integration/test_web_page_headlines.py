"""Headline first on the newer pages (issue 14, item 1): the few figures that matter sit above the
page's detail, computed from what the page lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from gpworkforce.web.plans.actions import adopt, create_plan
from gpworkforce.web.plans.alerts import refresh_alerts
from gpworkforce.web.plans.testing import tiny_plan
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db


def _headline(page: str) -> list[tuple[str, str, str]]:
    block = re.search(r'<section class="app-headline".*?</section>', page, re.S)
    assert block is not None, "no headline on the page"
    items = re.findall(
        r'__label">(.*?)</span>\s*<span class="app-headline__value">(.*?)</span>\s*'
        r'(?:<span class="app-headline__context">(.*?)</span>)?',
        block.group(0),
        re.S,
    )
    return [(a.strip(), b.strip(), c.strip()) for a, b, c in items]


def test_plans_page_opens_with_adopted_plans_and_open_alerts() -> None:
    from gpworkforce.plans.model import StaffGroup
    from gpworkforce.plans.tracking import track

    world = build_world()
    doc = tiny_plan(target=12.0)
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    create_plan(actor=None, org_code="QK1", document=tiny_plan(target=11.0))  # a draft
    actuals = {StaffGroup.GP: {dt.date(2017, 9, 30): 10.0, dt.date(2018, 9, 30): 9.0}}
    assert refresh_alerts(plan, track(doc, actuals, source="test")) == 1
    client = Client()
    client.force_login(world.users["board"])
    page = client.get("/plans/").content.decode()
    assert _headline(page) == [
        ("Adopted plans", "1", "of 2 plans"),
        ("Open alerts", "1", "actuals off the adopted trajectory"),
    ]
    # the headline comes before the list of plans
    assert page.index('class="app-headline"') < page.index("<table")


def test_scenarios_page_opens_with_the_count_and_the_best_chance_of_meeting_the_target() -> None:
    from tests.runs_support import finished_run

    from gpworkforce.web.scenarios.models import Run

    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    first = finished_run("QK1", "Scenario 2")
    page = client.get("/scenarios/").content.decode()
    assert _headline(page) == [
        ("Scenarios", "1", "1 with a finished run"),
        ("Best chance of meeting the target", "Not estimated", "no finished run estimates it"),
    ]
    second = finished_run("QK1", "Scenario 3")
    for run, p in ((first, 0.15), (second, 0.42)):  # the stored result of a run with draws
        Run.objects.filter(pk=run.pk).update(
            results=run.results | {"target": {"probability": p, "gap": 5.0}}
        )
    page = client.get("/scenarios/").content.decode()
    assert _headline(page) == [
        ("Scenarios", "2", "2 with a finished run"),
        ("Best chance of meeting the target", "42%", "Scenario 3"),
    ]
    assert page.index('class="app-headline"') < page.index("<table")
