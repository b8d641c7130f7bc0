"""Every page fits 1,280 px (issue 14, item 1): no horizontal scrolling of the page itself; a wide
data table scrolls inside its own box, which says so.

The app under gunicorn (test settings) on the access matrix's world
(tests/integration/test_web_access.py: ``build_access_world``); Chromium at 1,280 x 800 opens
every page of the matrix (GET, own organisation) as the first role allowed to see it, measures
``document.documentElement.scrollWidth`` and reads the page as a person would
(tests/page_checks.py). The measure is checked on a page made too wide, so a measure that sees
nothing cannot pass.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

import page_checks
from gpworkforce.web.testing import PASSWORD
from server_support import REPO, App, served_app

sys.path.insert(0, str(REPO / "tests" / "integration"))
import test_web_access as access

pytestmark = pytest.mark.browser

ACCESS_WORLD = textwrap.dedent(
    """
    import json
    import sys
    sys.path[:0] = ["tests", "tests/integration"]
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    from test_web_access import build_access_world
    print(json.dumps(build_access_world(), default=str))
    """
)
# the role whose pages are opened first: the one that sees most
ORDER = ("analyst", "programme", "admin", "board", "manager", "submitter")
MEASURE = "() => document.documentElement.scrollWidth"
# Boxes whose content is wider than they are (a table scrolling sideways inside its box): each
# must say so ("scroll it sideways"), or the reader sees a header cut off at the edge (the audit
# log's did, issue 14): in the text just before it, its label, or the note the stylesheet draws
# above the table (the box's ::before, shown only when the table overflows: decision 0154).
# Returns the first header text of each box that does not say so.
UNANNOUNCED_SCROLL = """() => Array.from(document.querySelectorAll('main *')).filter(el => {
  const x = getComputedStyle(el).overflowX;
  if (!(x === 'auto' || x === 'scroll') || el.scrollWidth <= el.clientWidth + 1) return false;
  const before = el.previousElementSibling ? el.previousElementSibling.innerText : '';
  const note = getComputedStyle(el, '::before');
  const drawn = parseFloat(note.paddingBottom) + parseFloat(note.height) >= 16 ? note.content : '';
  return !/sideways/i.test(before + ' ' + drawn + ' ' + (el.getAttribute('aria-label') || ''));
}).map(el => (el.querySelector('th, caption') || el).innerText.trim().slice(0, 60))"""
# Boxes that fit their table but still show the stylesheet's note (it would say what is not so)
FALSE_NOTES = """() => Array.from(document.querySelectorAll('main .app-table-scroll')).filter(el => {
  const note = getComputedStyle(el, '::before');
  return el.scrollWidth <= el.clientWidth && el.getClientRects().length
    && parseFloat(note.paddingBottom) + parseFloat(note.height) > 0;
}).map(el => (el.querySelector('th, caption') || el).innerText.trim().slice(0, 60))"""
# Pages whose table must fit the column without scrolling at all (the audit log's header ran
# past the table's edge at 1,280 px, issue 14): the number of boxes scrolling sideways.
MUST_FIT = ("/audit/",)
SCROLLING = """() => Array.from(document.querySelectorAll('main *')).filter(el => {
  const x = getComputedStyle(el).overflowX;
  return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).length"""
# Tables outside a scrolling box that reach past the page's column (at 1,280 px the column is
# narrower than the window, so the page's width alone does not see them): their first header.
TABLES_PAST_COLUMN = """() => { const main = document.querySelector('main'); if (!main) return [];
  const edge = main.getBoundingClientRect().right;
  return Array.from(main.querySelectorAll('table')).filter(t => {
    for (let a = t.parentElement; a && a !== main; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX; if (x === 'auto' || x === 'scroll') return false;
    }
    return t.getBoundingClientRect().right > edge + 4;  // NHS.UK tables reach 2 px past each side
  }).map(t => (t.querySelector('th, caption') || t).innerText.trim().slice(0, 60)); }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with served_app(tmp_path_factory.mktemp("fit"), ACCESS_WORLD) as running:
        yield running


def _signed_in(browser: Browser, base: str, role: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        base_url=base, viewport={"width": page_checks.WIDTH, "height": 800}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", role)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base}/")
    return context, page


def _pages(ids: dict[str, Any]) -> dict[str, list[str]]:
    """role -> the URLs it opens: each page of the matrix once, as the first role allowed."""
    out: dict[str, list[str]] = {r: [] for r in ORDER}
    for route, entry in access.TABLE.items():
        if route == "healthz":
            continue
        policy = entry.policy("GET")
        role = next((r for r in ORDER if policy[r]["own"] == 200), None)
        if role is not None:
            out[role].append(access.url_for(route, entry.args(ids, "own")))
    return out


def test_the_width_measure_sees_a_page_made_too_wide(browser: Browser) -> None:
    context = browser.new_context(viewport={"width": page_checks.WIDTH, "height": 800})
    page = context.new_page()
    page.set_content('<div style="width: 2000px">wide</div>')
    assert page.evaluate(MEASURE) > page_checks.WIDTH
    page.set_content('<div style="overflow-x: auto"><div style="width: 2000px">box</div></div>')
    assert page.evaluate(MEASURE) <= page_checks.WIDTH
    # a box scrolling sideways must say so just before it
    box = '<div style="overflow-x: auto"><table style="width: 2000px"><tr><th>When</th></tr></table></div>'
    page.set_content(f"<main><p>Every change.</p>{box}</main>")
    assert page.evaluate(UNANNOUNCED_SCROLL) == ["When"]
    page.set_content(f"<main><p>This table is wide: scroll it sideways.</p>{box}</main>")
    assert page.evaluate(UNANNOUNCED_SCROLL) == []
    # the stylesheet's own note, without JavaScript: drawn above a table wider than its box
    # (and kept in view as it scrolls), nothing above one that fits
    css = (REPO / "src/gpworkforce/web/static/web/app.css").read_text()
    plain = browser.new_context(
        viewport={"width": page_checks.WIDTH, "height": 800}, java_script_enabled=False
    )
    bare = plain.new_page()

    def styled(table_width: str) -> str:
        table = f'<table class="nhsuk-table" style="width: {table_width}"><tr><th>When</th></tr></table>'
        return f'<style>{css}</style><main style="width: 900px"><div class="app-table-scroll">{table}</div></main>'

    bare.set_content(styled("2000px"))
    assert bare.evaluate(UNANNOUNCED_SCROLL) == [] and bare.evaluate(FALSE_NOTES) == []
    table_top = bare.eval_on_selector("table", "t => t.getBoundingClientRect().top")
    box_top = bare.eval_on_selector(".app-table-scroll", "b => b.getBoundingClientRect().top")
    assert table_top - box_top >= 20  # a line of note above the table
    bare.set_content(styled("100%"))
    assert bare.evaluate(FALSE_NOTES) == [] and bare.evaluate(SCROLLING) == 0
    assert bare.eval_on_selector("table", "t => t.getBoundingClientRect().top") == pytest.approx(
        bare.eval_on_selector(".app-table-scroll", "b => b.getBoundingClientRect().top")
    )
    # a table that fits nowhere narrower than 1,200 px, in a 900 px box: the note
    bare.set_content(styled("1200px").replace('style="width: 1200px"', 'style="min-width: 1200px"'))
    assert bare.evaluate(UNANNOUNCED_SCROLL) == [] and bare.evaluate(SCROLLING) == 1
    plain.close()
    # a table past the page's column, outside any scrolling box
    wide = '<table style="width: 1000px"><tr><th>After</th></tr></table>'
    page.set_content(f'<main style="width: 800px">{wide}</main>')
    assert page.evaluate(TABLES_PAST_COLUMN) == ["After"]
    page.set_content(
        f'<main style="width: 800px"><div style="overflow-x: auto">{wide}</div></main>'
    )
    assert page.evaluate(TABLES_PAST_COLUMN) == []
    context.close()


def test_every_page_fits_1280_px_and_reads_as_words(browser: Browser, served: App) -> None:
    base, ids = served.url, served.ids
    wrong: list[str] = []
    opened = 0
    for role, urls in _pages(ids).items():
        if not urls:
            continue
        context, page = _signed_in(browser, base, role)
        for url in urls:
            fetched = context.request.get(url)
            if fetched.status != 200 or not fetched.headers.get("content-type", "").startswith(
                "text/html"
            ):
                continue  # a download, or a redirect the access test already checks
            page.goto(url)
            opened += 1
            width = page.evaluate(MEASURE)
            if width > page_checks.WIDTH:
                wrong.append(f"{role} {url}: {width} px wide")
            wrong += [
                f"{role} {url}: a box scrolls sideways without saying so ({what!r})"
                for what in page.evaluate(UNANNOUNCED_SCROLL)
            ]
            wrong += [
                f"{role} {url}: a table that fits says it scrolls sideways ({what!r})"
                for what in page.evaluate(FALSE_NOTES)
            ]
            wrong += [
                f"{role} {url}: a table reaches past the page's column ({what!r})"
                for what in page.evaluate(TABLES_PAST_COLUMN)
            ]
            if url.startswith(MUST_FIT) and page.evaluate(SCROLLING):
                wrong.append(f"{role} {url}: its table scrolls sideways; it must fit the column")
            nodes = [line.strip() for line in page.inner_text("body").splitlines()]
            code = page.eval_on_selector_all("code", "els => els.map(e => e.innerText)")
            wrong += [
                f"{role} {url}: {p}"
                for p in page_checks.text_problems([n for n in nodes if n], code)
            ]
        context.close()
    assert not wrong, "\n".join(wrong)
    assert opened >= 70, f"only {opened} pages opened"
