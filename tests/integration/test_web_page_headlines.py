"""Headline first on the newer pages (issue 14, item 1): the few figures that matter sit above the
page's detail, computed from what the page lists."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from gpworkforce.web.plans.actions import adopt, create_plan
from gpworkforce.web.plans.alerts import refresh_alerts
from gpworkforce.web.plans.testing import tiny_plan
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db


def _headline(page: str) -> list[tuple[str, str, str]]:
    block = re.search(r'<section class="app-headline".*?</section>', page, re.S)
    assert block is not None, "no headline on the page"
    items = re.findall(
        r'__label">(.*?)</span>\s*<span class="app-headline__value">(.*?)</span>\s*'
        r'(?:<span class="app-headline__context">(.*?)</span>)?',
        block.group(0),
        re.S,
    )
    return [tuple(html.unescape(x.strip()) for x in item) for item in items]


def test_plans_page_opens_with_adopted_plans_and_open_alerts() -> None:
    from gpworkforce.plans.model import StaffGroup
    from gpworkforce.plans.tracking import track

    world = build_world()
    doc = tiny_plan(target=12.0)
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    create_plan(actor=None, org_code="QK1", document=tiny_plan(target=11.0))  # a draft
    actuals = {StaffGroup.GP: {dt.date(2017, 9, 30): 10.0, dt.date(2018, 9, 30): 9.0}}
    assert refresh_alerts(plan, track(doc, actuals, source="test")) == 1
    client = Client()
    client.force_login(world.users["board"])
    page = client.get("/plans/").content.decode()
    assert _headline(page) == [
        ("Adopted plans", "1", "of 2 plans"),
        ("Open alerts", "1", "actuals off the adopted trajectory"),
    ]
    # the headline comes before the list of plans
    assert page.index('class="app-headline"') < page.index("<table")


def test_scenarios_page_opens_with_the_count_and_the_best_chance_of_meeting_the_target() -> None:
    from tests.runs_support import finished_run

    from gpworkforce.web.scenarios.models import Run

    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    first = finished_run("QK1", "Scenario 2")
    page = client.get("/scenarios/").content.decode()
    assert _headline(page) == [
        ("Scenarios", "1", "1 with a finished run"),
        ("Best chance of meeting the target", "Not estimated", "no finished run estimates it"),
    ]
    second = finished_run("QK1", "Scenario 3")
    for run, p in ((first, 0.15), (second, 0.42)):  # the stored result of a run with draws
        Run.objects.filter(pk=run.pk).update(
            results=run.results | {"target": {"probability": p, "gap": 5.0}}
        )
    page = client.get("/scenarios/").content.decode()
    assert _headline(page) == [
        ("Scenarios", "2", "2 with a finished run"),
        ("Best chance of meeting the target", "42%", "Scenario 3"),
    ]
    assert page.index('class="app-headline"') < page.index("<table")


def _first_table_after_headline(page: str) -> None:
    assert page.index('class="app-headline"') < page.index("<table")


def test_finance_page_opens_with_the_latest_years_share_headroom_and_who_is_below() -> None:
    from gpworkforce.web.finance.models import AllocationRecord
    from gpworkforce.web.finance.seed import seed_llr_finance

    world = build_world()
    seed_llr_finance("QK1")
    records = list(AllocationRecord.objects.filter(owner_id="QK1"))
    year = max((r.financial_year for r in records), key=lambda y: int(y[:4]))
    these = [r for r in records if r.financial_year == year]
    allocation = sum(r.allocation for r in these)
    spend = sum(r.delegated + r.discretionary + sum((r.other or {}).values()) for r in these)
    below = sorted(
        r.organisation
        for r in these
        if r.delegated + r.discretionary + sum((r.other or {}).values()) < 0.109 * r.allocation
    )
    head = spend - 0.113 * allocation
    client = Client()
    client.force_login(world.users["board"])
    page = client.get("/finance/QK1/").content.decode()
    figures = _headline(page)
    assert figures[0] == (
        f"Primary care spend, {year}",
        f"{100 * spend / allocation:.2f}% of allocation",
        "all organisations; minimum 10.9%, aspiration 11.3%",
    )
    label = "Headroom to the 11.3% aspiration" if head >= 0 else "Short of the 11.3% aspiration"
    assert figures[1][0] == label
    pounds = 1000 * abs(head)  # the table is in GBP thousands; money reads from £1 million up
    assert figures[1][1] == (
        f"£{pounds / 1e6:,.1f} million" if pounds >= 999_950 else f"£{pounds:,.0f}"
    )
    n = len(these)
    assert figures[2][:2] == ("Below the 10.9% minimum", f"{len(below)} of {n} organisations")
    for name in below:
        assert name in figures[2][2]
    _first_table_after_headline(page)


def test_plan_page_opens_with_the_gp_actual_against_plan_and_target() -> None:
    from gpworkforce.web.plans.models import PlanAlert
    from plans_support import GPW_FTE, Y2018, load_gpw, the_plan

    world = build_world()
    load_gpw()
    plan_id = the_plan()  # plan 12.0 WTE at 30 Sep 2018, target 12.0
    actual = sum(fte for (_, on), fte in GPW_FTE.items() if on == Y2018)
    client = Client()
    client.force_login(world.users["board"])
    page = client.get(f"/plans/{plan_id}/").content.decode()
    figures = _headline(page)
    assert figures[0][:2] == ("GPs now", f"{actual:,.1f} WTE")
    assert figures[1] == ("Against the plan", f"{actual - 12.0:+,.1f} WTE", "plan 12.0 WTE")
    assert figures[2][:2] == ("Target", "12.0 WTE")
    assert figures[2][2].startswith(f"{12.0 - actual:,.1f} WTE short of it")
    n = PlanAlert.objects.filter(plan_id=plan_id, cleared_at__isnull=True).count()
    assert figures[3][:2] == ("Open alerts", f"{n:,}")
    _first_table_after_headline(page)


def _run_with_target(name: str, central: float, p: float):
    from tests.runs_support import finished_run

    from gpworkforce.web.scenarios.models import Run

    run = finished_run("QK1", name)
    target = {
        "date": "2018-03-31",
        "label": "Target",
        "wte": 12.0,
        "supply_central": central,
        "supply_p10": central - 1.0,
        "supply_p50": central,
        "supply_p90": central + 1.0,
        "gap": 12.0 - central,
        "probability": p,
        "draws": 100,
    }
    supply = [
        {
            "date": "2018-03-31",
            "central": central,
            "p10": central - 1,
            "p50": central,
            "p90": central + 1,
        }
    ]
    # a range and a chance come from draws over uncertain assumptions (one here, as the field
    # path the run record names)
    uncertain = ["hee_linear.over55_loss_rate"]
    Run.objects.filter(pk=run.pk).update(
        results=run.results | {"target": target, "supply": supply, "uncertain": uncertain}
    )
    return Run.objects.get(pk=run.pk)


def test_a_run_whose_draws_vary_nothing_shows_no_range_and_no_chance() -> None:
    """Draws over no uncertain assumption are each the central case: the page says there is no
    range instead of 'P10 to P90: 11.2 to 11.2' and '100% of 0 draws'."""
    from gpworkforce.web.scenarios.models import Run

    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    run = _run_with_target("Fixed", 11.25, 0.0)
    results = dict(run.results) | {"uncertain": []}
    results["target"] = results["target"] | {"supply_p10": 11.25, "supply_p90": 11.25, "draws": 0}
    Run.objects.filter(pk=run.pk).update(results=results)
    page = client.get(f"/scenarios/runs/{run.pk}/").content.decode()
    assert _headline(page)[0] == (
        "GPs by 31 March 2018, central case",
        "11.2 WTE",
        "no range: no assumption is uncertain",
    )
    assert "Chance of meeting the target" not in page
    assert "of 0 draws" not in page and "0 Monte Carlo draws" not in page
    assert "No probability: no assumption of this scenario is uncertain" in page


def test_scenario_and_run_pages_open_with_the_central_case_target_gap_and_chance() -> None:
    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    run = _run_with_target("Scenario 2", 11.25, 0.37)
    # no evaluation of the loaded data exists here, so the band is the model's own, and the
    # headline says so (decision 0156)
    expected = [
        (
            "GPs by 31 March 2018, central case",
            f"{11.25:,.1f} WTE",
            "model's own band P10 to P90: 10.2 to 12.2 WTE",
        ),
        ("Target", "12.0 WTE", "Target"),  # one decimal place, as the sentence gives it
        ("Short of the target", f"{12.0 - 11.25:,.1f} WTE", "the central case against the target"),
        ("Chance of meeting the target", "37%", "of 100 draws of the model's own band"),
    ]
    for url in (f"/scenarios/{run.scenario_id}/", f"/scenarios/runs/{run.pk}/"):
        page = client.get(url).content.decode()
        assert _headline(page) == expected, url
        _first_table_after_headline(page)


def test_comparison_page_opens_with_the_range_of_central_cases_and_the_best_chance() -> None:
    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    _run_with_target("Low road", 10.5, 0.12)
    _run_with_target("High road", 12.75, 0.64)
    page = client.get("/scenarios/compare/QK1/").content.decode()
    assert _headline(page) == [
        ("Scenarios compared", "2", "each one's latest finished run"),
        ("Central cases", f"{10.5:,.1f} to {12.75:,.1f} WTE", "lowest Low road, highest High road"),
        ("Best chance of meeting the target", "64%", "High road"),
    ]
    _first_table_after_headline(page)


def test_a_plan_on_another_definition_states_the_one_target_its_figures_use() -> None:
    """Issue 14: a plan made on another definition (LLR's 639 WTE counted locums at 9 sessions)
    is compared in proportion to the actual at its start; the page shows that target (not the
    plan's own figure beside another) and says what it is and where it comes from. Worked by
    hand: the plan's 20.0 WTE at the start is GPW's 10.0 WTE (4.0 + 3.0 + 3.0), so its target of
    24.0 WTE is 24.0 x 10.0 / 20.0 = 12.0 WTE on GPW's definition."""
    from gpworkforce.web.plans.actions import adopt, create_plan
    from gpworkforce.web.plans.testing import tiny_plan
    from plans_support import Y2017, Y2018, load_gpw

    world = build_world()
    load_gpw()
    doc = tiny_plan(points=((Y2017, 20.0), (Y2018, 24.0)), target=24.0, comparison="relative")
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    client = Client()
    client.force_login(world.users["board"])
    page = html.unescape(client.get(f"/plans/{plan.pk}/").content.decode())
    figures = _headline(page)
    assert figures[2][:2] == ("Target", "12.0 WTE")
    statement = (
        "12.0 WTE by 30 September 2018, the figure every comparison here uses. It is the plan's"
        " target, \u201cTarget\u201d (source: test), counted on the plan's own definition and"
        " converted to the actuals' in proportion to the actual at the plan's start:"
        " 24.0 \u00d7 10.0 / 20.0 WTE."
    )
    assert page.count(statement) == 2  # under the headline and in "About this plan"
    assert "24.0 WTE by" not in page  # the plan's own figure never stands as the target


def _fixed_run(name: str, central: float):
    """A finished run of 100 draws over no uncertain assumption: every draw is the central case
    (P10 = P90 = central; the target met or not in all of them)."""
    from gpworkforce.web.scenarios.models import Run

    run = _run_with_target(name, central, 1.0 if central >= 12.0 else 0.0)
    results = dict(run.results) | {"uncertain": []}
    flat = {"supply_p10": central, "supply_p50": central, "supply_p90": central}
    results["target"] = results["target"] | flat
    results["supply"] = [
        r | {"p10": central, "p50": central, "p90": central} for r in results["supply"]
    ]
    results["quarterly"] = [
        r | {"p10": r["central"], "p50": r["central"], "p90": r["central"], "has_band": True}
        for r in results["quarterly"]
    ]
    Run.objects.filter(pk=run.pk).update(results=results)
    return Run.objects.get(pk=run.pk)


def test_compare_and_list_pages_give_draws_that_vary_nothing_no_range_and_no_chance() -> None:
    """'Fixed' meets the target in each of its 100 identical draws: no page calls that a 100%
    chance or shows '12.5 to 12.5' as its range; the ranged run's 12% is the best chance."""
    world = build_world()
    client = Client()
    client.force_login(world.users["analyst"])
    fixed = _fixed_run("Fixed", 12.5)
    _run_with_target("Ranged", 10.5, 0.12)
    page = client.get("/scenarios/compare/QK1/").content.decode()
    assert _headline(page)[2] == ("Best chance of meeting the target", "12%", "Ranged")
    row = re.search(r">Fixed</a></td>.*?</tr>", page, re.S)
    assert row is not None
    cells = [html.unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))]
    assert cells[2] == "no assumption is uncertain"  # P10 to P90
    assert cells[4] == "0.5 above"  # against its 12.0 WTE target, in words (not "-0.5")
    assert cells[-1] == "no assumption is uncertain"  # probability
    assert "12.5 to 12.5" not in page and "100%" not in page
    listing = client.get("/scenarios/").content.decode()
    assert _headline(listing)[1] == ("Best chance of meeting the target", "12%", "Ranged")
    assert "Met in the central case" in listing and "100% probability" not in listing
    # its trajectory has no band, so a plan or a paper made from it has none either
    assert fixed.varied_draws == 0
    assert not any(p.has_band for p in fixed.quarterly_trajectory("gp"))
    from gpworkforce.web.papers.sources import scenario_from_run

    paper = scenario_from_run(fixed)
    assert paper is not None and paper.probability is None and paper.nothing_uncertain
    assert "p10" not in paper.series.columns


@pytest.mark.parametrize("band", [None, 1.0])
def test_a_plan_gives_a_chance_of_its_target_only_when_it_has_a_range(band: float | None) -> None:
    """A plan without P10-P90 has no range to read a chance from: its page must not call the
    central path's miss a '0%' chance (or its hit '100%')."""
    from gpworkforce.web.plans.views import tracked
    from plans_support import Y2017, Y2018, load_gpw

    world = build_world()
    load_gpw()  # GPW: 10.0 WTE in 2017, 11.5 in 2018
    doc = tiny_plan(points=((Y2017, 10.0), (Y2018, 12.0)), target=12.5, band=band)
    plan = adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=doc).pk)
    client = Client()
    client.force_login(world.users["board"])
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    target = next(f for f in _headline(page) if f[0] == "Target")
    if band is None:
        assert "chance" not in target[2], target
    else:
        tracking = tracked(plan).tracking
        assert tracking is not None
        p = tracking.groups[0].probability_of_target
        assert p is not None and 0 < p < 1
        assert target[2].endswith(f"; chance of meeting it {p:.0%}"), target
