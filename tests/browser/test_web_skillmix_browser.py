"""Skill mix in Debian's Chromium (Playwright, headless) against gunicorn with the database task
backend and its own task worker, as deployed (issue 16): an analyst reads the skill-mix view
(headline, chart drawn, table), sets an optimisation through the form, watches it solved by the
worker, reads what binds in words, adopts it as a scenario, runs the scenario and makes the run a
plan; axe checks every page on the way. A board viewer reads the result and is offered no form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_accounts_browser import axe_clean, log_in

from server_support import WORLD, App
from server_support import app_with_worker as running_app

# the test world, and the skill-mix figures of its own practice (tests/skillmix_web_support.py)
SKILLMIX_WORLD = WORLD.replace(
    "w = build_world()\n",
    "w = build_world()\n"
    "import sys\n"
    "sys.path.insert(0, 'tests')\n"
    "from skillmix_web_support import seed_figures\n"
    "seed_figures()\n",
)
assert "seed_figures()" in SKILLMIX_WORLD


@pytest.fixture
def app_with_worker(tmp_path: Path) -> Iterator[App]:
    """The app under gunicorn with its own task worker (``server_support.app_with_worker``)."""
    with running_app(tmp_path, SKILLMIX_WORLD) as running:
        yield running


def test_an_analyst_optimises_the_skill_mix_and_adopts_it(
    browser: Browser, app_with_worker: App
) -> None:
    app = app_with_worker
    page = log_in(browser, app.url, "analyst")
    page.click("a:has-text('Skill mix')")
    expect(page.locator("h1")).to_have_text("Skill mix by level")
    expect(page.locator(".gpw-headline")).to_contain_text("Staff in post give 18.0 WTE on tasks")
    expect(page.locator(".gpw-chart svg, .gpw-chart canvas").first).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Autonomous")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    axe_clean(page)

    page.click("text=Set up an optimisation")
    expect(page.locator("h1")).to_have_text("Find the cheapest mix of levers")
    axe_clean(page)
    page.fill("#training_places", "many")
    page.click("button:has-text('Run the optimisation')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the training places as a whole number, like 20"
    )
    axe_clean(page)
    page.fill("#training_places", "2")
    page.fill("#min_gp_per_1000", "0.6")
    page.click("button:has-text('Run the optimisation')")
    # the worker solves it; the page updates itself
    expect(page.locator(".gpw-headline")).to_contain_text(
        "with probability 90% costs £", timeout=60_000
    )
    expect(page.locator("text=The minimum GP cover binds").first).to_be_visible()
    axe_clean(page)
    result_url = page.url

    page.fill("#name", "Cheapest mix 2020")
    page.click("button:has-text('Adopt as a scenario')")
    expect(page.locator("h1")).to_have_text("Cheapest mix 2020")
    expect(page.locator("body")).to_contain_text("From skill-mix optimisation")
    page.fill("#draws", "0")
    page.click("button:has-text('Run the forecast')")
    expect(page.locator("text=See the results").first).to_be_visible(timeout=60_000)

    page.goto(result_url)
    page.click("a:has-text('make it a plan')")
    page.fill("#name", "Skill-mix plan")
    page.fill("#reason", "the cheapest mix, agreed by the board")
    page.click("button:has-text('Adopt the run')")
    expect(page.locator("h1")).to_contain_text("Skill-mix plan")

    board = log_in(browser, app.url, "board")
    board.goto(result_url)
    expect(board.locator(".gpw-headline")).to_contain_text("costs £")
    expect(board.locator("button:has-text('Adopt as a scenario')")).to_have_count(0)


def test_an_analyst_plans_every_year_practice_by_practice_and_adopts_it(
    browser: Browser, app_with_worker: App, tmp_path: Path
) -> None:
    app = app_with_worker
    page = log_in(browser, app.url, "analyst")
    page.click("a:has-text('Skill mix')")
    page.click("text=Plan every year, practice by practice")
    expect(page.locator("h1")).to_have_text("Plan the cheapest levers year by year")
    axe_clean(page)
    page.fill("#years", "40")
    page.click("button:has-text('Run the plan')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter from 1 to 15 plan years")
    axe_clean(page)
    page.fill("#years", "5")
    page.fill("#min_gp_per_1000", "0.6")
    page.click("button:has-text('Run the plan')")
    # the worker solves it; the page updates itself
    expect(page.locator(".gpw-headline")).to_contain_text("over the plan", timeout=90_000)
    expect(page.locator("text=The minimum GP cover binds").first).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Recruit Salaried GP")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    axe_clean(page)
    page.screenshot(path=str(tmp_path / "skillmix-plan-result.png"), full_page=True)
    page.fill("#name", "Plan levers")
    page.click("button:has-text('Adopt as a scenario')")
    expect(page.locator("h1")).to_have_text("Plan levers")
    expect(page.locator("body")).to_contain_text("The levers of the skill-mix plan")
