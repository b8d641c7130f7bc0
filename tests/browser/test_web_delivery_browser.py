"""The risk register in Debian's Chromium (Playwright, headless) under gunicorn, with axe checks:
the programme office raises a risk and reviews it (the movement is computed), then looks for new
risks, finds one proposed because a KPI turned red, and accepts it into the register."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_accounts_browser import axe_clean, browser, log_in  # noqa: F401 (fixture)

from server_support import App, Server, clean_env, seed

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
    print(json.dumps({"users": {name: u.pk for name, u in w.users.items()}}))
    """
)


@pytest.fixture
def delivery_app(tmp_path: Path) -> Iterator[App]:
    db = tmp_path / "web.sqlite3"
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.test",
            "DATABASE_URL": f"sqlite:///{db}",
        }
    )
    ids = seed(env, DELIVERY_WORLD)
    server = Server.start(env, tmp_path / "gunicorn.log")
    try:
        yield App(f"http://127.0.0.1:{server.port}", ids, db)
    finally:
        server.stop()


def test_the_programme_office_raises_reviews_and_accepts_risks(
    browser: Browser,  # noqa: F811 (the imported fixture)
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

    # a KPI turned red: the tool proposes a risk; the owner accepts it
    page.click("nav[aria-label='Delivery assurance'] >> text=Risks")
    page.click("button:has-text('Look for new risks now')")
    expect(page.locator("[role=status]")).to_contain_text("new risk(s) proposed")
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("KPI turned red")
    callout.locator("li", has_text="International GP recruits").locator("a").click()
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Proposed")
    axe_clean(page)
    page.fill("#note", "agreed: recruitment is behind plan")
    page.click("button:has-text('Accept: add to the register')")
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Open")
    expect(page.locator("#reviews")).to_contain_text("agreed: recruitment is behind plan")
    page.click("nav[aria-label='Delivery assurance'] >> text=Risks")
    expect(page.locator("#risk-register")).to_contain_text("International GP recruits in post")
