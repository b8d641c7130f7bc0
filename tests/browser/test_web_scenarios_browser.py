"""Scenarios in Debian's Chromium (Playwright, headless) against gunicorn with the database task
backend and its own task worker (``db_worker``), as deployed: an analyst creates a scenario
from the baseline, gives its assumptions (one as a range) and a target through the generated
form, runs it with 1,000 draws, watches the run's progress until the worker has finished it,
and sees the fan chart drawn, the target in words and figures, and the tornado; axe checks
every page on the way. A board viewer then reads it and is refused the form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_accounts_browser import axe_clean, log_in

from server_support import WORLD, App
from server_support import app_with_worker as running_app


@pytest.fixture
def app_with_worker(tmp_path: Path) -> Iterator[App]:
    """The app under gunicorn with its own task worker (``server_support.app_with_worker``)."""
    with running_app(tmp_path, WORLD) as running:
        yield running


def test_an_analyst_creates_and_runs_a_scenario(browser: Browser, app_with_worker: App) -> None:
    app = app_with_worker
    page = log_in(browser, app.url, "analyst")
    # at 1,280 px the header's links that do not fit are under "More" (NHS.UK header)
    more = page.locator(".nhsuk-header__menu-toggle")
    if more.is_visible():
        more.click()
    page.locator("nav a:has-text('Scenarios') >> visible=true").click()
    expect(page.locator("h1")).to_have_text("Forecast scenarios")
    axe_clean(page)

    page.click("text=New scenario from the current baseline")
    page.select_option("#organisation", "QK1")
    page.fill("#name", "Alpha plan")
    axe_clean(page)
    page.click("button:has-text('Create scenario')")
    expect(page.locator("h1")).to_have_text("Change the assumptions")
    axe_clean(page)

    # the LLR 2017 baseline and Scenario 2's rates, recruits as a range (Table 13, illustrative)
    for field, value in (
        ("#f-hee-linear-baseline-wte", "541"),
        ("#f-hee-linear-over55-wte", "87"),
        ("#f-hee-linear-over55-loss-rate", "0.12"),
        ("#f-hee-linear-session-loss-rate", "0.02"),
        ("#f-hee-linear-trainees-qualifying", "153"),
        ("#f-hee-linear-trainee-retention", "0.8"),
        ("#f-hee-linear-baseline-date", "2017-09-30"),
        ("#f-target-wte", "639"),
        ("#f-target-date", "2020-09-30"),
    ):
        page.fill(field, value)
    page.select_option("#f-hee-linear-rounding", "truncate")
    page.select_option("#f-hee-linear-international-recruits-kind", "triangular")
    expect(page.locator("#f-hee-linear-international-recruits")).to_be_hidden()  # one figure
    page.fill("#f-hee-linear-international-recruits-low", "10")
    page.fill("#f-hee-linear-international-recruits-mode", "30")
    page.fill("#f-hee-linear-international-recruits-high", "39")
    page.click("button:has-text('Save the scenario')")
    expect(page.locator("h1")).to_have_text("Alpha plan")
    expect(page.locator("text=Saved as version 2.")).to_be_visible()
    axe_clean(page)

    page.fill("#draws", "1000")
    page.click("button:has-text('Run the forecast')")
    expect(page.locator("h1")).to_contain_text("Run ")
    # the worker picks the run up; the page follows its progress and shows the results
    expect(page.locator(".nhsuk-card__heading").first).to_contain_text("finished", timeout=60_000)
    expect(page.locator(".gpw-headline")).to_contain_text(
        "Central case: 630.0 WTE GPs by 30 September 2020, 9.0 WTE short of the target of 639.0 WTE."
    )
    expect(page.locator(".gpw-headline")).to_contain_text("of 1,000 Monte Carlo draws")
    # vega-embed drew the fan and the tornado (after the htmx swap that brought them)
    charts = page.locator(".gpw-chart[data-vega-drawn='true'] canvas")
    expect(charts).to_have_count(2, timeout=60_000)  # the tornado follows (decision 0080)
    tornado = page.locator("table").filter(has_text="Assumptions ranked by how far")
    expect(tornado).to_contain_text("GPs recruited internationally over the forecast")
    axe_clean(page)

    board = log_in(browser, app.url, "board")
    board.goto(page.url)
    expect(board.locator(".gpw-headline")).to_contain_text("Central case: 630.0 WTE GPs")
    expect(board.locator("text=Run the forecast")).to_have_count(0)
    scenario_id = app.query("SELECT id FROM scenarios_scenario WHERE name = 'Alpha plan'")[0][0]
    response = board.goto(f"/scenarios/{scenario_id}/edit/")
    assert response is not None and response.status == 403
