"""Sign-in pages and the Content-Security-Policy in Debian's Chromium (Playwright, headless),
against the app under gunicorn (tests/browser/conftest.py: its Chromium and server).

Every page visited is watched for CSP violations (``securitypolicyviolation`` events, reported by
the browser itself): none may occur, and htmx still works under the policy. The sign-in, lockout
and forced-password-change pages pass axe. Screenshots go to ``GPWORKFORCE_SCREENSHOT_DIR`` when
it is set (to look at them), else to the test's temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD
from server_support import App, served_app

pytestmark = pytest.mark.browser

VENDOR = Path(__file__).resolve().parents[2] / "src" / "gpworkforce" / "web" / "static" / "vendor"
_NPM_AXE = VENDOR / "axe" / "axe.min.js"
AXE = Axe(axe_script=_NPM_AXE.read_text(encoding="utf-8")) if _NPM_AXE.exists() else Axe()
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""
TEMPORARY = "Temporary-pass-9876"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = os.environ.get("GPWORKFORCE_SCREENSHOT_DIR")
    folder = Path(where) if where else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def locking_app(tmp_path: Path) -> Iterator[App]:
    """The app under gunicorn with django-axes on, locking after 3 failures."""
    settings = {"GPWORKFORCE_TEST_AXES": "1", "GPWORKFORCE_SIGNIN_FAILURE_LIMIT": "3"}
    with served_app(tmp_path, **settings) as running:
        yield running


def new_page(browser: Browser, base: str) -> Page:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_CSP)
    return context.new_page()


def no_violations(page: Page) -> None:
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], f"{page.url}: {violations}"
    bad = [
        f"{v['id']}: {v['help']}"
        for v in AXE.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: {bad}"


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Log in')")


def test_pages_run_under_the_policy_and_htmx_still_works(
    browser: Browser, app: App, shots: Path
) -> None:
    page = new_page(browser, app.url)
    response = page.goto("/accounts/login/")
    assert response is not None
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    # the NHS.UK "JavaScript is on" classes, set by the script that used to be inline
    assert "js-enabled" in (page.locator("body").get_attribute("class") or "")
    no_violations(page)
    page.screenshot(path=str(shots / "signin.png"), full_page=True)
    sign_in(page, "analyst", PASSWORD)
    expect(page.locator("h1")).to_have_text("GP workforce")
    for path in ("/", "/rounds/", "/audit/", f"/dashboards/{OWN_PRACTICE}/", "/accounts/password/"):
        page.goto(path)
        no_violations(page)
    # htmx (loaded with the page's nonce, no eval, no inline styles) still swaps the dashboard
    page.goto("/dashboards/QK1/")
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true") as request:
        page.dispatch_event("#period", "change")
    assert "/dashboards/QK1/" in request.value.url
    expect(page.locator("#dashboard-body")).to_be_visible()
    no_violations(page)
    page.context.close()


def test_lockout_page(browser: Browser, locking_app: App, shots: Path) -> None:
    page = new_page(browser, locking_app.url)
    for _ in range(3):
        sign_in(page, "board", "wrong-password-here")
    sign_in(page, "board", PASSWORD)
    expect(page.locator("h1")).to_have_text("Sign-in is locked for now")
    no_violations(page)
    page.screenshot(path=str(shots / "lockout.png"), full_page=True)
    page.context.close()


def test_forced_password_change_page(browser: Browser, app: App, shots: Path) -> None:
    admin = new_page(browser, app.url)
    sign_in(admin, "admin", PASSWORD)
    admin.goto(f"/users/{app.ids['users']['submitter']}/password/")
    admin.fill("#password", TEMPORARY)
    admin.fill("#password_confirm", TEMPORARY)
    admin.click("button:has-text('Set password')")
    expect(admin.locator("h1")).to_have_text("Accounts")
    admin.context.close()

    page = new_page(browser, app.url)
    sign_in(page, "submitter", TEMPORARY)
    expect(page.locator("h1")).to_have_text("Choose a new password")
    page.goto("/rounds/")  # anything else sends them back
    expect(page.locator("h1")).to_have_text("Choose a new password")
    no_violations(page)
    page.screenshot(path=str(shots / "password-change.png"), full_page=True)
    page.fill("#current_password", TEMPORARY)
    page.fill("#password", "short")
    page.fill("#password_confirm", "short")
    page.click("button:has-text('Save new password')")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    no_violations(page)
    page.screenshot(path=str(shots / "password-change-errors.png"), full_page=True)
    page.fill("#current_password", TEMPORARY)
    page.fill("#password", "My-own-choice-4821")
    page.fill("#password_confirm", "My-own-choice-4821")
    page.click("button:has-text('Save new password')")
    expect(page.locator("h1")).to_have_text("GP workforce")
    [(flag,)] = app.query("SELECT must_change_password FROM web_user WHERE username = 'submitter'")
    assert flag == 0
    page.context.close()
