"""The return form in Debian's Chromium (Playwright, headless), by keyboard alone (issue 14,
item 4): a practice submitter enters a 15-person return with Tab, arrow keys, typing and Enter
only (no clicks, no filling by selector), watching the running WTE total, and submits it; a
mistake is reported in plain words and its link takes the keyboard to the field. Every page
state is checked with axe (no serious or critical violation) and fits 1,280 px."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from test_web_accounts_browser import axe_clean, log_in

from server_support import App

# (role, hours or sessions, amount, age band, sex, contract): the 15 people of a small practice
PEOPLE = [
    ("GP_PARTNER_PROVIDER", "sessions", "8", "45-49", "F", "partner"),
    ("GP_PARTNER_PROVIDER", "sessions", "7", "45-49", "F", "partner"),  # alike: one line
    ("GP_PARTNER_PROVIDER", "sessions", "6", "55-59", "M", "partner"),
    ("GP_SALARIED_BY_PRACTICE", "sessions", "6", "35-39", "F", "salaried"),
    ("GP_SALARIED_BY_PRACTICE", "sessions", "4", "30-34", "M", "salaried"),
    ("GP_REGISTRAR_ST3_4", "sessions", "9", "<30", "F", "trainee"),
    ("NURSE_PRACTICE", "hours", "37.5", "40-44", "F", "salaried"),
    ("NURSE_PRACTICE", "hours", "22.5", "50-54", "F", "salaried"),
    ("DPC_HCA", "hours", "30", "30-34", "F", "salaried"),
    ("DPC_PHARMACIST", "hours", "37.5", "35-39", "M", "salaried"),
    ("ADMIN_MANAGER", "hours", "37.5", "50-54", "F", "salaried"),
    ("ADMIN_RECEPTION", "hours", "25", "30-34", "F", "salaried"),
    ("ADMIN_RECEPTION", "hours", "20", "30-34", "F", "salaried"),  # alike: one line
    ("ADMIN_RECEPTION", "hours", "30", "60-64", "F", "salaried"),
    ("ADMIN_SECRETARY", "hours", "24", "45-49", "F", "salaried"),
]
GP_WTE = (8 + 7 + 6 + 6 + 4 + 9) / 9
ALL_WTE = GP_WTE + (37.5 + 22.5 + 30 + 37.5 + 37.5 + 25 + 20 + 30 + 24) / 37.5


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def tab_to(page: Page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the keyboard is on ``element_id`` (reading the focus is not using it)."""
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id} (focus on #{focused(page)})")


def choose(page: Page, value: str) -> None:
    """Choose ``value`` in the focused drop-down with the arrow keys, as a keyboard user does."""
    values = page.evaluate("Array.from(document.activeElement.options).map(o => o.value)")
    steps = values.index(value) - values.index(page.evaluate("document.activeElement.value"))
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.evaluate("document.activeElement.value") == value


def type_person(page: Page, line: int, person: tuple[str, ...]) -> None:
    role, kind, amount, age, sex, contract = person
    assert focused(page) == f"id_staff-{line}-role_code"
    choose(page, role)
    page.keyboard.press("Tab")
    page.keyboard.type("1")  # people
    page.keyboard.press("Tab")
    if kind == "hours":
        page.keyboard.type(amount)
    page.keyboard.press("Tab")
    if kind == "sessions":
        page.keyboard.type(amount)
    page.keyboard.press("Tab")
    choose(page, age)
    page.keyboard.press("Tab")
    choose(page, sex)
    page.keyboard.press("Tab")
    choose(page, contract)
    page.keyboard.press("Tab")


def fits_1280(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_a_15_person_return_by_keyboard_alone(browser: Browser, app: App) -> None:
    page = log_in(browser, app.url, "submitter")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/returns/{app.ids['own']}/form/")
    expect(page.locator("h1")).to_contain_text("Workforce return")
    fits_1280(page)
    axe_clean(page)
    tab_to(page, "id_staff-0-role_code")
    for line, person in enumerate(PEOPLE):
        if line > 0 and focused(page) != f"id_staff-{line}-role_code":
            # past the last line: on "Add a staff line"; Enter adds one and focuses it
            assert page.evaluate("document.activeElement.textContent").strip() == (
                "Add a staff line"
            )
            page.keyboard.press("Enter")
            page.wait_for_load_state()
            expect(page.locator(f"#id_staff-{line}-role_code")).to_be_focused()
        type_person(page, line, person)
    # the running total, updated as the lines were typed
    totals = page.locator("#wte-totals")
    expect(totals.locator('[data-total-group="GPs"]')).to_have_text(f"{GP_WTE:.1f}")
    expect(totals.locator("[data-total-all]")).to_have_text(f"{ALL_WTE:.1f}")
    fits_1280(page)
    axe_clean(page)
    tab_to(page, "submit-return")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Version 1 submitted")
    # the review: 15 people, their WTE by staff group
    everyone = page.locator("#review-totals tr", has_text="All staff")
    expect(everyone).to_contain_text("15")
    expect(everyone).to_contain_text(f"{ALL_WTE:.1f}")
    fits_1280(page)
    axe_clean(page)


def test_a_mistake_is_named_in_plain_words_and_its_link_reaches_the_field(
    browser: Browser,
    app: App,
) -> None:
    page = log_in(browser, app.url, "submitter")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/returns/{app.ids['own']}/form/")
    tab_to(page, "id_staff-0-role_code")
    type_person(page, 0, ("NURSE_PRACTICE", "hours", "95", "40-44", "F", "salaried"))
    tab_to(page, "submit-return")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text(
        "Hours a week on staff line 1 must be at most 80 hours a week per head"
    )
    expect(summary).not_to_contain_text("column")
    axe_clean(page)
    link = summary.locator("a").first
    for _ in range(40):
        if page.evaluate("document.activeElement.getAttribute('href')") == link.get_attribute(
            "href"
        ):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_staff-0-hours_per_week")).to_be_focused()
