"""The demo's dashboards open on their headline, not on fifteen tables (issue 14, item 1).

At 1,280 px the LLR 2017 demo's ICB dashboard was 18,851 px tall, its sub-ICB dashboard
17,120 px and a practice's 8,090 px (measured before decision 0170): every table, chart and
note one under another. Now each
table sits behind an NHS.UK details component under a topic heading, its notes behind "About these
columns", a tall chart behind "Show the chart" and a long drill-down list in columns. This test
fails if a dashboard grows past the heights stated below, if a table, note or tall chart is shown
expanded by default, or if opening a table does not show it (the information is all still there).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

import page_checks
from gpworkforce.paths import shared_data_dir
from server_support import App, served_app

pytestmark = pytest.mark.browser

DEMO_WORLD = textwrap.dedent(
    """
    import io
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", password="demo-pass-123", stdout=io.StringIO())
    print(json.dumps({}))
    """
)
# the most each dashboard may be at 1,280 px (document.body.scrollHeight); measured with this
# change on the served demo: ICB 4,143 px, sub-ICB 4,839 px, practice 3,293 px
MAX_HEIGHT_PX = {"QK1": 6000, "04C": 6000, "C82001": 6000}
# what is shown expanded in the dashboard's body: open details, visible notes and tables
SHOWN = """() => {
  const body = document.querySelector('#dashboard-body');
  const seen = el => el.getClientRects().length > 0 && el.checkVisibility();
  return {
    open: Array.from(body.querySelectorAll('details[open]')).map(d => d.id || d.className),
    tables: Array.from(body.querySelectorAll('table[id^="table-"]')).filter(seen).map(t => t.id),
    notes: Array.from(body.querySelectorAll('.app-table-notes .nhsuk-details__text p'))
      .filter(seen).length,
    tallCharts: Array.from(body.querySelectorAll('.app-tall-chart svg')).filter(seen).length,
    allTables: body.querySelectorAll('table[id^="table-"]').length,
    allNotes: body.querySelectorAll('.app-table-notes .nhsuk-details__text p').length,
  };
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    data = str(shared_data_dir())  # the demo's public files (the server's environment is clean)
    with served_app(
        tmp_path_factory.mktemp("dash-height"), DEMO_WORLD, GPWORKFORCE_DATA_DIR=data
    ) as running:
        yield running


@pytest.fixture
def page(browser: Browser, served: App) -> Iterator[Page]:
    context = browser.new_context(
        base_url=served.url, viewport={"width": page_checks.WIDTH, "height": 800}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "demo-analyst")
    page.fill("#id_password", "demo-pass-123")
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{served.url}/")
    yield page
    context.close()


@pytest.mark.parametrize("code", list(MAX_HEIGHT_PX))
def test_dashboard_is_short_with_its_detail_collapsed(page: Page, code: str) -> None:
    page.goto(f"/dashboards/{code}/?period=2017-09-30")
    assert page.locator("#headline").count() == 1, f"{code}: no headline (figures not computed?)"
    height = page.evaluate("document.body.scrollHeight")
    assert height <= MAX_HEIGHT_PX[code], f"{code}: {height} px tall at 1,280 px"
    shown = page.evaluate(SHOWN)
    assert shown["allTables"] >= 5 and shown["allNotes"] >= 5  # the detail is on the page
    assert shown["open"] == [] and shown["tables"] == [], shown
    assert shown["notes"] == 0 and shown["tallCharts"] == 0, shown
    assert page.evaluate("document.documentElement.scrollWidth") <= page_checks.WIDTH


def test_opening_a_table_and_its_notes_shows_them(page: Page) -> None:
    """The positive control of the test above: what it counts as hidden becomes shown."""
    page.goto("/dashboards/QK1/?period=2017-09-30")
    page.click("#detail-staff_by_group > summary")
    page.click("#detail-staff_by_group .app-table-notes > summary")
    shown = page.evaluate(SHOWN)
    assert shown["tables"] == ["table-staff_by_group"]
    assert shown["notes"] >= 1 and "detail-staff_by_group" in shown["open"]
    page.goto("/dashboards/04C/?period=2017-09-30")
    page.click(".app-tall-chart > summary")
    assert page.evaluate(SHOWN)["tallCharts"] == 1
