"""The cohort form's choice of how organisations share each Monte Carlo draw (issue 9), in
Debian's Chromium (Playwright, headless) against gunicorn: an analyst imports the sample cohort
scenario, chooses by-ICB draws with a share the form refuses in words, corrects it and saves;
axe checks the form with its error. Screenshots (1,280 px wide) go to
``GPWORKFORCE_SCREENSHOT_DIR`` when it is set, else to the test's temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_accounts_browser import axe_clean, log_in

from server_support import App

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "sample.toml"


def test_an_analyst_chooses_how_practices_share_the_draws(
    browser: Browser, app: App, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("GPWORKFORCE_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page = log_in(browser, app.url, "analyst")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/scenarios/import/")
    page.select_option("#organisation", "QK1")
    page.set_input_files("#file", str(SAMPLE))
    page.click("button:has-text('Import')")
    expect(page.locator("text=Scenario imported.")).to_be_visible()
    page.goto(page.url.rstrip("/") + "/edit/")
    expect(page.locator("h1")).to_have_text("Change the assumptions")
    section = page.locator("fieldset").filter(has_text="Uncertainty between organisations")
    expect(section.locator("#f-correlation-draws")).to_have_value("shared")
    page.select_option("#f-correlation-draws", "hierarchical")
    page.fill("#f-correlation-group-share", "1.5")
    page.click("button:has-text('Save the scenario')")
    error = "Share of draws in which a practice follows its ICB: must be from 0 to 1, got 1.5"
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(error)
    expect(page.locator("#f-correlation-group-share-error")).to_contain_text(error)
    axe_clean(page)
    page.locator("#f-correlation-draws").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "scenario-form-correlation-error.png"), full_page=False)
    page.fill("#f-correlation-group-share", "0.7")
    page.click("button:has-text('Save the scenario')")
    expect(page.locator("text=Saved as version 2.")).to_be_visible()
    page.goto(page.url.rstrip("/") + "/edit/")
    expect(page.locator("#f-correlation-draws")).to_have_value("hierarchical")
    expect(page.locator("#f-correlation-group-share")).to_have_value("0.7")
    page.locator("#f-correlation-draws").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "scenario-form-correlation.png"), full_page=False)
