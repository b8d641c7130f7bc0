"""A plan in Chromium: the analyst sees a quarter's actual from GPW, accepts a practice's return
for that quarter, and sees the plan's actual arrive from the accepted returns (with axe checks and
no Content-Security-Policy violation; the chart is drawn by Vega-Lite in the page)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_browser import Session

from server_support import App, served_app

pytestmark = pytest.mark.browser

PLAN_WORLD = textwrap.dedent(
    """
    import datetime as dt, json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    import pandas as pd
    from gpworkforce.web.actions.reference import load_reference
    from gpworkforce.web.actions.returns import submit_version, transition
    from gpworkforce.web.actions.rounds import open_round
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.plans.actions import adopt, create_plan
    from gpworkforce.web.plans.testing import tiny_plan
    from gpworkforce.web.testing import build_world, sample_return
    from gpworkforce.web.workflow import TransitionName
    w = build_world()
    y17, y18 = dt.date(2017, 9, 30), dt.date(2018, 9, 30)
    fte = {("C82001", y17): 4.0, ("C82002", y17): 3.0, ("C82003", y17): 3.0,
           ("C82001", y18): 5.0, ("C82002", y18): 3.0, ("C82003", y18): 3.5}
    src = "gpw-practice-year-gp-admin:FY2018-FY2019:unknown-vintage:000000000000"
    wf = pd.DataFrame([{"practice_code": c, "period": pd.Timestamp(d), "node": "GP_QUALIFIED",
                        "headcount": None, "fte": v, "source_id": src} for (c, d), v in fte.items()])
    load_reference(actor=None, workforce=wf, patients=pd.DataFrame(
        columns=["practice_code", "period", "registered", "weighted", "source_id"]))
    doc = tiny_plan("QK1", points=((y17, 10.0), (y18, 12.0)), target=12.0, band=1.0,
                    name="Primary care workforce plan")
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    rnd = open_round(actor=None, census_date=y18, org_code="QK1")
    rec = PracticeReturnRecord.objects.get(round=rnd, practice_id="C82001")
    submit_version(actor=w.users["submitter"], record_id=rec.pk,
                   data=sample_return("C82001", y18, gp_sessions=54.0), channel="form",
                   sha256="e" * 64)
    transition(actor=w.users["manager"], record_id=rec.pk, name=TransitionName.APPROVE)
    print(json.dumps({"plan": plan.pk, "return": rec.pk}))
    """
)


@pytest.fixture
def plan_app(tmp_path: Path) -> Iterator[App]:
    with served_app(tmp_path, PLAN_WORLD) as running:
        yield running


def test_a_quarters_actual_arrives_after_its_return_is_accepted(
    browser: Browser,
    plan_app: App,
) -> None:
    plan, ret = plan_app.ids["plan"], plan_app.ids["return"]
    analyst = Session(browser, plan_app.url, "analyst")
    page = analyst.page
    analyst.goto(f"/plans/{plan}/groups/gp/")
    row = page.locator("tbody tr", has_text="2018/19 Q2")
    expect(row).to_contain_text("11.5")
    expect(row).to_contain_text("GPW Year 2019")
    expect(page.locator("[data-vega-drawn=true]")).to_have_count(1)
    analyst.check()
    # the analyst accepts C82001's return for 30 September 2018
    analyst.goto(f"/returns/{ret}/")
    page.click("button:has-text('Accept this return')")
    expect(page.locator("body")).to_contain_text("Return accepted")
    analyst.goto(f"/plans/{plan}/groups/gp/")
    row = page.locator("tbody tr", has_text="2018/19 Q2")
    expect(row).to_contain_text("12.5")
    expect(row).to_contain_text("Accepted returns: 1 of 3 practices returned")
    analyst.goto(f"/plans/{plan}/")
    expect(page.locator("h1")).to_have_text("Primary care workforce plan")
    expect(page.locator("table").first).to_contain_text("12.5")
    analyst.close()
    # the board viewer reads the same plan; the practice sees its own share only
    board = Session(browser, plan_app.url, "board")
    board.goto(f"/plans/{plan}/")
    expect(board.page.locator("body")).not_to_contain_text("Change this plan")
    board.close()
    practice = Session(browser, plan_app.url, "submitter")
    practice.goto("/plans/practice/C82001/")
    expect(practice.page.locator("body")).to_contain_text("Primary care workforce plan")
    practice.goto(f"/plans/{plan}/")
    expect(practice.page.locator("h1")).not_to_have_text("Primary care workforce plan")
    practice.close()
