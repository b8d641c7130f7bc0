"""From a scenario to a tracked quarter, in Chromium against gunicorn with its own task worker (the
development settings' database task backend, as deployed; issue 11's browser test in one piece):
the analyst creates a scenario from the baseline through the generated form, runs it with 1,000
draws and waits for the worker, adopts the finished run as a new plan's trajectory from the run's
page, adopts the plan, sees the 2018/19 Q2 actual from GPW, accepts a practice's return for that
quarter and sees the quarter's actual arrive from the accepted returns. Every page on the way is
checked by axe and for Content-Security-Policy violations."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_web_browser import Session

from server_support import App, app_with_worker

pytestmark = pytest.mark.browser

# The small world; GPW for QK1's three practices in September 2017 and 2018 (10.0 and 11.5 FTE
# qualified GPs); a round for 30 September 2018 with C82001's return (54 GP sessions = 6.0 FTE
# at 9 sessions per WTE, against GPW's 5.0) approved by its manager, waiting for the ICB.
WORLD = textwrap.dedent(
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
    rnd = open_round(actor=None, census_date=y18, org_code="QK1")
    rec = PracticeReturnRecord.objects.get(round=rnd, practice_id="C82001")
    submit_version(actor=w.users["submitter"], record_id=rec.pk,
                   data=sample_return("C82001", y18, gp_sessions=54.0), channel="form",
                   sha256="e" * 64)
    transition(actor=w.users["manager"], record_id=rec.pk, name=TransitionName.APPROVE)
    print(json.dumps({"return": rec.pk}))
    """
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """The app under gunicorn with its own task worker (``server_support.app_with_worker``)."""
    with app_with_worker(tmp_path, WORLD, interval=None) as running:
        yield running


def test_a_scenario_run_becomes_a_plan_and_a_quarters_actual_arrives(
    browser: Browser,
    app: App,
) -> None:
    analyst = Session(browser, app.url, "analyst")
    page = analyst.page

    # 1. create a scenario from the baseline, through the form built from the schema
    analyst.goto("/scenarios/")
    page.click("text=New scenario from the current baseline")
    page.select_option("#organisation", "QK1")
    page.fill("#name", "Recruitment and retention")
    page.click("button:has-text('Create scenario')")
    expect(page.locator("h1")).to_have_text("Change the assumptions")
    analyst.check()
    for field, value in (
        ("#f-hee-linear-baseline-wte", "10"),
        ("#f-hee-linear-over55-wte", "2"),
        ("#f-hee-linear-over55-loss-rate", "0.1"),
        ("#f-hee-linear-session-loss-rate", "0.0"),
        ("#f-hee-linear-trainees-qualifying", "2"),
        ("#f-hee-linear-trainee-retention", "0.5"),
        ("#f-hee-linear-baseline-date", "2017-09-30"),
        ("#f-target-wte", "14"),
        ("#f-target-date", "2020-09-30"),
    ):
        page.fill(field, value)
    page.select_option("#f-hee-linear-international-recruits-kind", "triangular")
    page.fill("#f-hee-linear-international-recruits-low", "0")
    page.fill("#f-hee-linear-international-recruits-mode", "1")
    page.fill("#f-hee-linear-international-recruits-high", "2")
    page.click("button:has-text('Save the scenario')")
    expect(page.locator("h1")).to_have_text("Recruitment and retention")
    analyst.check()

    # 2. run it on the task queue; the page follows the worker until the run is finished
    page.fill("#draws", "1000")
    page.click("button:has-text('Run the forecast')")
    expect(page.locator("h1")).to_contain_text("Run ")
    expect(page.locator(".nhsuk-card__heading").first).to_contain_text("finished", timeout=60_000)
    expect(page.locator(".gpw-headline")).to_contain_text("of 1,000 Monte Carlo draws")
    analyst.check()

    # 3. adopt the finished run as a new plan's trajectory, from the run's own page
    page.click("a:has-text('Adopt this run as a plan')")
    expect(page.locator("h1")).to_have_text("Adopt this run as a plan's trajectory")
    analyst.check()
    page.select_option("#plan", "new")
    page.fill("#name", "Primary care GP plan")
    page.fill("#reason", "The board chose recruitment and retention")
    page.click("button:has-text('Adopt the run')")
    expect(page.locator("h1")).to_have_text("Primary care GP plan")
    expect(page.locator("body")).to_contain_text("The run is the plan's trajectory.")
    analyst.check()
    page.click("button:has-text('Adopt version 1')")
    expect(page.locator("body")).to_contain_text("Plan adopted: version 1 is tracked.")
    analyst.check()
    plan_url = page.url

    # 4. the quarter ending September 2018: GPW's figure (4.0 + 3.0 + 3.0 in 2017; 5.0 + 3.0 + 3.5)
    page.goto(plan_url.rstrip("/") + "/groups/gp/")
    row = page.locator("tbody tr", has_text="2018/19 Q2")
    expect(row).to_contain_text("11.5")
    expect(row).to_contain_text("GPW Year 2019")
    expect(page.locator("[data-vega-drawn=true]")).to_have_count(1)
    analyst.check()

    # 5. the analyst accepts C82001's return (6.0 FTE): the quarter's actual comes from returns
    analyst.goto(f"/returns/{app.ids['return']}/")
    page.click("button:has-text('Accept this return')")
    expect(page.locator("body")).to_contain_text("Return accepted")
    page.goto(plan_url.rstrip("/") + "/groups/gp/")
    row = page.locator("tbody tr", has_text="2018/19 Q2")
    expect(row).to_contain_text("12.5")
    expect(row).to_contain_text("Accepted returns: 1 of 3 practices returned")
    analyst.check()
    page.goto(plan_url)
    expect(page.locator("table").first).to_contain_text("12.5")
    analyst.close()
