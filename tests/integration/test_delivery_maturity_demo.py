"""The demo's maturity self-assessments (two periods, some moderated) and the progress chart the
maturity page draws from them."""

from __future__ import annotations

import pytest
from django.test import Client

from gpworkforce.delivery.maturity import load_template
from gpworkforce.web.delivery.models import MaturityAssessmentRecord
from gpworkforce.web.delivery.seed import DEMO_PERIODS, seed_maturity_demo
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db


def test_the_demo_assessments_progress_and_the_page_charts_it() -> None:
    world = build_world()
    assert seed_maturity_demo("QK1") == 6  # the test world's three practices, two periods
    assert seed_maturity_demo("QK1") == 0  # once
    rows = list(MaturityAssessmentRecord.objects.order_by("organisation_id", "period_end"))
    assert {r.period_end for r in rows} == set(DEMO_PERIODS)
    assert sum(1 for r in rows if r.moderated) == 2  # the first and third practice in 2017
    matrix = load_template("primary-care-five-pillars")
    mean = {}
    for period in DEMO_PERIODS:
        these = [r.to_domain() for r in rows if r.period_end == period]
        ranks = [matrix.rank(a.effective(d.key)) for a in these for d in matrix.dimensions]
        mean[period] = sum(ranks) / len(ranks)
    assert mean[DEMO_PERIODS[1]] > mean[DEMO_PERIODS[0]]
    c = Client()
    c.force_login(world.users["board"])
    page = c.get("/maturity/?matrix=primary-care-five-pillars").content.decode()
    change = mean[DEMO_PERIODS[1]] - mean[DEMO_PERIODS[0]]
    assert '<figure class="app-chart"><svg' in page
    assert f"Mean maturity up by {change:.2f} of a level from Sep 2017 to Sep 2018" in page
