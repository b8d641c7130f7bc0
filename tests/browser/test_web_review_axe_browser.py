"""axe on the pages a manager and an analyst judge returns with (issue 14, item 4 and 5): the
return review page (totals by group, change since the last accepted return, difference from GPW,
plausibility flags) and the round page (grouping, deadline and days left, status colours, the
reminder form), each before and after its action; no serious or critical axe violation, and no
sideways scrolling at 1,280 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from signin_support import signed_in
from test_web_browser import AXE

from server_support import App, clean_env, seed

pytestmark = pytest.mark.browser

# the practice's return submitted with a handful of GP sessions: the review flags it
SUBMIT = """
import json
import django
django.setup()
from gpworkforce.web.actions.returns import submit_version
from gpworkforce.web.models import PracticeReturnRecord, User
from gpworkforce.web.testing import sample_return
rec = PracticeReturnRecord.objects.get(pk={own})
import datetime as dt
from gpworkforce.web.models import CollectionRound
# an open round (the 2017 round has closed), so the page offers to chase
CollectionRound.objects.filter(pk=rec.round_id).update(deadline=dt.date.today() + dt.timedelta(days=7))
submit_version(actor=User.objects.get(username="submitter"), record_id=rec.pk, data=sample_return(gp_sessions=4.0),
               channel="form", sha256="2" * 64)
print(json.dumps({{"submitted": rec.pk}}))
"""


def _axe_clean(page: Page) -> None:
    results = AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 1280, f"{page.url}: the page scrolls sideways ({wide} px wide)"


def _shot(page: Page, name: str) -> None:
    out = os.environ.get("GPW_SCREENSHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(out) / f"{name}.png"), full_page=True)


def test_the_review_and_round_pages_pass_axe(browser: Browser, app: App) -> None:
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.test",
            "DATABASE_URL": f"sqlite:///{app.db}",
        }
    )
    own = app.ids["own"]
    seed(env, SUBMIT.format(own=own))
    context, page = signed_in(browser, app.url, "analyst")

    page.goto(f"/returns/{own}/")
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#plausibility-flags")).to_be_visible()
    _axe_clean(page)
    _shot(page, "return-review")
    page.fill("#note", "Please check the GP sessions")
    page.click("text=Query this return")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Queried")
    _axe_clean(page)

    page.goto(f"/rounds/{app.ids['round']}/")
    expect(page.get_by_text("Deadline")).to_be_visible()
    _axe_clean(page)
    _shot(page, "round")
    page.click("text=Send and record a reminder")
    expect(page.locator(".nhsuk-heading-m", has_text="Chase the practices")).to_be_visible()
    _axe_clean(page)
    _shot(page, "round-reminded")
    context.close()
