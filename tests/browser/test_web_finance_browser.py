"""The finance pages in Debian's Chromium (Playwright, headless, gunicorn) with axe checks: an
analyst changes an allocation of LLR's Table 17, is refused a negative one with the field named,
and the page's verdict against the 10.9% minimum changes; a board viewer reads but cannot
change."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_accounts_browser import axe_clean, log_in

from server_support import App, served_app

pytestmark = pytest.mark.browser

FINANCE_WORLD = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    from gpworkforce.web.finance.models import AllocationRecord
    from gpworkforce.web.finance.seed import seed_llr_finance
    from gpworkforce.web.testing import build_world
    w = build_world()
    seed_llr_finance("QK1")
    row = AllocationRecord.objects.get(
        owner_id="QK1", organisation="West Leicestershire", financial_year="2017/18"
    )
    print(json.dumps({"row": row.pk, "users": {n: u.pk for n, u in w.users.items()}}))
    """
)


@pytest.fixture
def finance_app(tmp_path: Path) -> Iterator[App]:
    with served_app(tmp_path, FINANCE_WORLD) as running:
        yield running


def test_an_analyst_edits_an_allocation(browser: Browser, finance_app: App) -> None:
    row = finance_app.ids["row"]
    analyst = log_in(browser, finance_app.url, "analyst")
    analyst.click("nav >> text=Finance")
    expect(analyst.locator("h1")).to_have_text("Finance")
    expect(analyst.locator(".nhsuk-warning-callout")).to_contain_text(
        "West Leicestershire 2016/17; West Leicestershire 2017/18"
    )
    axe_clean(analyst)
    analyst.click("text=Allocations and headroom")
    expect(analyst.locator("h1")).to_have_text("Allocations and primary care spend")
    axe_clean(analyst)
    analyst.click(f"a[href$='/allocations/{row}/']")
    expect(analyst.locator("h1")).to_have_text("Change West Leicestershire, 2017/18")
    axe_clean(analyst)

    analyst.fill("#allocation", "-466838")
    analyst.click("button:has-text('Save')")
    expect(analyst.locator(".nhsuk-error-summary")).to_be_visible()
    expect(analyst.locator("#allocation-error")).to_contain_text(
        "Allocation (GBP thousands) must be greater than 0"
    )
    axe_clean(analyst)
    assert finance_app.query(
        "SELECT allocation FROM finance_allocationrecord WHERE id = ?", row
    ) == [(466838.0,)]

    analyst.fill("#allocation", "466,838")
    analyst.fill("#discretionary", "5,200")  # 51,156 / 466,838 = 10.958%: above the minimum
    analyst.click("button:has-text('Save')")
    expect(analyst.locator("h1")).to_have_text("Allocations and primary care spend")
    expect(analyst.locator(".nhsuk-lede-text")).to_contain_text(
        "Below the minimum: West Leicestershire 2016/17."
    )
    assert finance_app.query(
        "SELECT discretionary FROM finance_allocationrecord WHERE id = ?", row
    ) == [(5200.0,)]
    assert finance_app.query(
        "SELECT actor_username FROM web_auditevent WHERE action = 'finance.allocation_saved'"
    ) == [("analyst",)]

    board = log_in(browser, finance_app.url, "board")
    board.goto("/finance/QK1/allocations/")
    expect(board.locator("text=Add a row")).to_have_count(0)
    response = board.goto(f"/finance/QK1/allocations/{row}/")
    assert response is not None and response.status == 403
    analyst.context.close()
    board.context.close()
