"""Account pages in Debian's Chromium (Playwright, headless) with axe checks on every state shown:
an administrator changes an account, refuses a weak password, sets a good one, deactivates the
account (the leaver's open session ends), tries to deactivate themselves, and reactivates it."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from gpworkforce.web.testing import PASSWORD
from server_support import App

VENDOR = Path(__file__).resolve().parents[2] / "src" / "gpworkforce" / "web" / "static" / "vendor"
_NPM_AXE = VENDOR / "axe" / "axe.min.js"
AXE = Axe(axe_script=_NPM_AXE.read_text(encoding="utf-8")) if _NPM_AXE.exists() else Axe()
NEW_PASSWORD = "plum-orchard-lantern-42"  # a test account's


def log_in(
    browser: Browser,
    base: str,
    username: str,
    password: str = PASSWORD,
    heading: str = "GP workforce",
) -> Page:
    page = browser.new_context(base_url=base).new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Log in')")
    expect(page.locator("h1")).to_have_text(heading)
    return page


def axe_clean(page: Page) -> None:
    results = AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)


def test_an_administrator_manages_an_account_accessibly(browser: Browser, app: App) -> None:
    base = app.url
    board_id = app.ids["users"]["board"]
    admin_id = app.ids["users"]["admin"]
    leaver = log_in(browser, base, "board")
    admin = log_in(browser, base, "admin")

    admin.goto("/users/")
    axe_clean(admin)
    admin.click(f"table a[href='/users/{board_id}/']")
    expect(admin.locator("h1")).to_have_text("Change account board")
    axe_clean(admin)
    admin.check("input[name='role'][value='practice_manager']")  # not allowed at an ICB
    admin.fill("#email", "board@nhs.net")
    admin.click("text=Save changes")
    expect(admin.locator(".nhsuk-error-summary")).to_be_visible()
    expect(admin.locator("#role-error")).to_contain_text("must belong to a practice")
    axe_clean(admin)
    admin.check("input[name='role'][value='icb_analyst']")
    admin.click("text=Save changes")
    expect(admin.locator("h1")).to_have_text("Accounts")
    assert app.query("SELECT email FROM web_user WHERE id = ?", board_id) == [("board@nhs.net",)]

    admin.goto(f"/users/{board_id}/password/")
    axe_clean(admin)
    admin.fill("#password", "short")
    admin.fill("#password_confirm", "short")
    admin.click("button:has-text('Set password')")
    expect(admin.locator("#password-error")).to_contain_text("too short")
    axe_clean(admin)
    admin.fill("#password", NEW_PASSWORD)
    admin.fill("#password_confirm", NEW_PASSWORD)
    admin.click("button:has-text('Set password')")
    expect(admin.locator("h1")).to_have_text("Accounts")

    admin.goto(f"/users/{board_id}/active/")
    axe_clean(admin)
    admin.click("button:has-text('Deactivate account')")
    expect(admin.locator("h1")).to_have_text("Accounts")
    leaver.goto("/")
    expect(leaver.locator("#id_username")).to_be_visible()  # sent to log in

    admin.goto(f"/users/{admin_id}/active/")
    admin.click("button:has-text('Deactivate account')")
    expect(admin.locator("#active-error")).to_contain_text("cannot deactivate your own account")
    axe_clean(admin)

    admin.goto(f"/users/{board_id}/active/")
    expect(admin.locator("h1")).to_have_text("Reactivate account board")
    axe_clean(admin)
    admin.click("button:has-text('Reactivate account')")
    expect(admin.locator("h1")).to_have_text("Accounts")
    # the password the administrator set lets the user do nothing but choose their own
    log_in(browser, base, "board", NEW_PASSWORD, "Choose a new password").context.close()
    leaver.context.close()
    admin.context.close()
