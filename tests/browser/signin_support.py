"""Signing a user in with Chromium for a browser test: one place for the log-in steps."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, expect

from gpworkforce.web.testing import PASSWORD


def signed_in(
    browser: Browser, base: str, username: str, *, scripts: bool = True
) -> tuple[BrowserContext, Page]:
    """A new context 1,280 px wide (JavaScript off with ``scripts=False``) and its page, on the
    home page with ``username`` signed in (the test world's password)."""
    context = browser.new_context(
        base_url=base, java_script_enabled=scripts, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page.locator("h1")).to_have_text("GP workforce")
    return context, page
