"""The risk register in Debian's Chromium (Playwright, headless) under gunicorn, with axe checks:
the programme office raises a risk and reviews it (the movement is computed), then looks for new
risks, finds one proposed from a plan alert (the target unlikely to be met), accepts it into the
register and reviews it."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_accounts_browser import axe_clean, log_in

from server_support import App, served_app

pytestmark = pytest.mark.browser

DELIVERY_WORLD = textwrap.dedent(
    """
    import datetime as dt, json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    from gpworkforce.web.delivery import actions
    from gpworkforce.web.delivery.models import KpiRecord
    from gpworkforce.web.delivery.seed import seed_delivery
    from gpworkforce.web.testing import build_world
    w = build_world()
    seed_delivery("QK1")
    kpi = KpiRecord.objects.get(organisation_id="QK1", ref="3a")
    actions.record_kpi_value(actor=w.users["programme"], kpi_id=kpi.pk,
        period_end=dt.date(2017, 9, 30), value=4, source="recruitment tracker",
        today=dt.date(2017, 11, 15))
    from gpworkforce.web.plans.actions import adopt, create_plan
    from gpworkforce.web.plans.models import PlanAlert
    from gpworkforce.web.plans.testing import tiny_plan
    plan = create_plan(actor=None, org_code="QK1", document=tiny_plan("QK1", name="LLR GP plan"))
    plan = adopt(actor=None, plan_id=plan.pk)
    PlanAlert.objects.create(plan=plan, version=plan.adopted_version, staff_group="gp",
        period="2017/18 Q2", kind="target_unreachable", message="P(target met) 0.12, below 0.2",
        evidence={"probability": 0.12}, raised_at=dt.datetime(2017, 11, 10, tzinfo=dt.timezone.utc))
    print(json.dumps({"users": {name: u.pk for name, u in w.users.items()}}))
    """
)


@pytest.fixture
def delivery_app(tmp_path: Path) -> Iterator[App]:
    with served_app(tmp_path, DELIVERY_WORLD) as running:
        yield running


def test_the_programme_office_raises_reviews_and_accepts_risks(
    browser: Browser,
    delivery_app: App,
) -> None:
    page = log_in(browser, delivery_app.url, "programme")
    page.click("header >> text=Delivery")
    expect(page.locator("h1")).to_contain_text("Delivery plan")
    page.click("nav[aria-label='Delivery assurance'] >> text=Risks")
    expect(page.locator("h1")).to_have_text("Risk register: 7 significant of 10 live risks")
    axe_clean(page)

    # raise: a mistake first (no likelihood), then a good one
    page.click("text=Raise a risk")
    page.fill("#description", "Practice nurses retiring faster than trainees qualify")
    page.select_option("#impact", "4")
    page.click("button:has-text('Raise risk')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the likelihood")
    axe_clean(page)
    page.select_option("#likelihood", "3")
    page.fill("#owner", "Head of nursing")
    page.click("button:has-text('Raise risk')")
    expect(page.locator("h1")).to_have_text("Practice nurses retiring faster than trainees qualify")
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Risk R011")
    expect(page.locator("#reviews")).to_contain_text("3 x 4 = 12")
    axe_clean(page)

    # review: worse now, so the movement is up
    page.select_option("#likelihood", "5")
    page.fill("#note", "three more retirements announced")
    page.click("button:has-text('Record review')")
    expect(page.locator("[role=status]")).to_contain_text("Review recorded")
    expect(page.locator("#reviews")).to_contain_text("5 x 4 = 20")
    expect(page.locator("dl")).to_contain_text("Up")
    expect(page.locator("dl")).to_contain_text("Significant")

    # a plan alert: the tool proposes a risk; the owner accepts it and reviews it
    page.click("nav[aria-label='Delivery assurance'] >> text=Risks")
    page.click("button:has-text('Look for new risks now')")
    expect(page.locator("[role=status]")).to_contain_text(re.compile(r"\b\d+ new risks? proposed"))
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("KPI turned red")  # KPI 3a is red too
    callout.locator("li", has_text="Plan alert").locator("a").click()
    expect(page.locator("h1")).to_contain_text("LLR GP plan, GPs: target unlikely to be met")
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Proposed")
    axe_clean(page)
    page.fill("#note", "agreed: recruitment is behind plan")
    page.click("button:has-text('Accept: add to the register')")
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Open")
    expect(page.locator("#reviews")).to_contain_text("agreed: recruitment is behind plan")
    expect(page.locator("#reviews")).to_contain_text("4 x 4 = 16")
    page.select_option("#likelihood", "5")
    page.fill("#note", "second quarter below the band")
    page.click("button:has-text('Record review')")
    expect(page.locator("#reviews")).to_contain_text("5 x 4 = 20")
    expect(page.locator("dl")).to_contain_text("Up")
    page.click("nav[aria-label='Delivery assurance'] >> text=Risks")
    expect(page.locator("#risk-register")).to_contain_text("LLR GP plan")
