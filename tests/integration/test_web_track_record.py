"""The track record shown beside a forecast: the rolling-origin evaluation of one organisation
from the GPW figures loaded into the web app (issue 15, item 1). Expected values by hand."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from gpworkforce.forecast import evaluation as ev
from gpworkforce.web.testing import build_world
from gpworkforce.web.track_record import track_record
from scenario_support import gpw_year_gps

pytestmark = pytest.mark.django_db

# LLR 2017 Scenario 1 per year: over-55 losses 87 x 15% = 13.05, sessions 541 x 3% = 16.23,
# trainees retained 153 / 3 x 70% = 35.7: net +6.42 on 541 = +1.18669% a year, a straight line.
HEE_SLOPE = 6.42 / 541


def _load(rate: float, years: range) -> None:
    for code, start in (("C82001", 10.0), ("C82002", 6.0)):
        for k, fy in enumerate(years):
            v = start * (1 + rate) ** k
            gpw_year_gps(code, fy, v)


def test_track_record_of_hee_linear_against_no_change_by_hand() -> None:
    build_world()
    cache.clear()
    _load(0.10, range(2016, 2023))  # 03W's two practices grow exactly 10% a year
    record = track_record("03W", "hee-linear")
    assert record is not None
    assert (record.first_origin, record.last_origin) == (2018, 2021)
    one = record.rows[0]
    assert one.horizon == 1 and one.forecasts == 4  # origins 2018-2021
    # no change misses by 1 - 1/1.1 = 9.0909% of the actual; HEE linear by 1 - (1 + s)/1.1
    assert one.no_change_error == pytest.approx(100 / 11)
    assert one.method_error == pytest.approx((1 - (1 + HEE_SLOPE) / 1.1) * 100)
    two = record.rows[1]
    assert two.method_error == pytest.approx((1 - (1 + 2 * HEE_SLOPE) / 1.21) * 100)
    assert record.mase < 1.0 and "smaller than assuming no change" in record.verdict


def test_no_record_without_four_years_of_history() -> None:
    build_world()
    cache.clear()
    _load(0.0, range(2021, 2024))
    assert track_record("03W", "cohort") is None
    assert track_record("03W", "unknown-method") is None


def test_the_scenario_page_shows_the_methods_track_record() -> None:
    from django.test import Client
    from django.urls import reverse

    from gpworkforce.web.scenarios import actions
    from scenario_support import llr

    world = build_world()
    cache.clear()
    _load(0.10, range(2016, 2023))
    row = actions.create_scenario(world.users["analyst"], "03W", llr("scenario-1.toml"))
    client = Client()
    client.force_login(world.users["board"])
    page = client.get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert "How well has this method done here before?" in page
    assert "smaller than assuming no change" in page
    # one year ahead: HEE linear 8.0% off, no change 9.1% off (see the hand-worked test above)
    assert f"{(1 - (1 + HEE_SLOPE) / 1.1) * 100:.1f}%" in page and "9.1%" in page
    # every method beside it at the scenario's 3 years, with the skill statement
    assert "Every method checked here, 3 years ahead" in page
    for label in (
        "Area&#39;s own trend",
        "Cohort engine",
        "Ensemble (equal mix)",
    ):
        assert label in page
    assert "Too few forecasts to judge skill at 3 years ahead here" in page
    # three years ahead only origins 2018 and 2019 are checked: the ranges' coverage is shown
    # but said not to be judged, with the count
    assert "(not judged: 2 starting years)" in page
    assert "from fewer than 4 starting years that share is shown but not judged" in " ".join(
        page.split()
    )
    assert "National trend" not in page  # one organisation has no national trend of its own


def test_every_method_is_listed_at_the_scenarios_horizon_with_its_skill() -> None:
    build_world()
    cache.clear()
    _load(0.10, range(2016, 2023))  # exact 10% a year: the area's own trend is exactly right
    record = track_record("03W", "hee-linear", horizon=1)
    assert record is not None and record.horizon == 1
    by = {m.method: m for m in record.methods}
    # every method but the national trend (one organisation has none of its own)
    assert set(by) == set(ev.METHODS) - {"trend-national"}
    # one year ahead from 2018-2021: no change is 1/11 off every time, HEE linear
    # (1 - (1 + s) / 1.1) of the actual: the same ratio at every origin, so no interval
    hee = (1 - (1 + HEE_SLOPE) / 1.1) * 11
    assert by["hee-linear"].forecasts == 4 and by["hee-linear"].origins == 4
    assert by["hee-linear"].mase == pytest.approx(hee)
    assert by["hee-linear"].mase_low == pytest.approx(hee)
    assert by["hee-linear"].mase_high == pytest.approx(hee)
    assert not by["hee-linear"].has_band  # a straight line
    assert by["persistence"].mase == pytest.approx(1.0) and not by["persistence"].skill
    # the area's own trend is the process itself: no error at all
    assert by["trend-local"].error == pytest.approx(0.0, abs=1e-9)
    assert by["trend-local"].skill and by["hee-linear"].skill
    assert record.centre is not None and record.centre.method == "trend-local"
    assert record.skill_statement.startswith(
        "HEE linear (LLR 2017 rates) has shown skill over \u201cno change\u201d at 1 year"
    )
    assert f"{100 * (1 - hee):.0f}% smaller" in record.skill_statement


def test_too_few_years_checked_is_said_not_judged() -> None:
    build_world()
    cache.clear()
    _load(0.10, range(2016, 2023))
    # three years ahead: only origins 2018 and 2019 reach a published year (2021, 2022)
    record = track_record("03W", "hee-linear", horizon=3)
    assert record is not None and record.horizon == 3
    assert all(m.origins == 2 and not m.skill for m in record.methods)
    assert not any(m.coverage_judged for m in record.methods)
    assert any(m.has_band for m in record.methods)
    # one year ahead from origins 2018-2021: four starting years, the coverage is judged
    one = track_record("03W", "hee-linear", horizon=1)
    assert one is not None
    assert (
        {m.method for m in one.methods if m.coverage_judged}
        == {m.method for m in one.methods if m.has_band}
        != set()
    )
    assert record.skill_statement == (
        "Too few forecasts to judge skill at 3 years ahead here: GPW history allows"
        " 2 starting years (at least 3 needed)."
    )
    # a horizon beyond what the history can check is compared at the longest it can
    assert track_record("03W", "hee-linear", horizon=10).horizon == 4


def test_a_method_without_skill_is_centred_on_the_best_evaluated() -> None:
    build_world()
    cache.clear()
    _load(-0.10, range(2016, 2023))  # falling 10% a year: HEE linear's rise is worse than no change
    record = track_record("03W", "hee-linear", horizon=1)
    assert record is not None
    by = {m.method: m for m in record.methods}
    assert by["hee-linear"].mase > 1 and not by["hee-linear"].skill
    assert record.centre is not None and record.centre.method == "trend-local"
    assert "has not shown skill" in record.skill_statement
    # the tables show the scenario's own central line: the record says which forecast would be
    # the better centre, and never that this one was moved
    assert (
        "the area's own trend has shown skill here and would be the better central line"
        in record.skill_statement
    )
    assert "centred on" not in record.skill_statement
    # the verdict pools every horizon checked, and says so (the skill statement is at one):
    # origins 2018-2021 against Years to 2022 give 4 + 3 + 2 + 1 forecasts at 1 to 4 years
    assert record.verdict.startswith("Over 10 past forecasts (1 to 4 years ahead together)")


def test_scenario_horizon_read_from_the_document() -> None:
    from gpworkforce.web.track_record import scenario_horizon

    assert scenario_horizon({"hee_linear": {"years": 3}}, "hee-linear") == 3
    assert scenario_horizon({"cohort": {"years": 10}}, "cohort") == 10
    assert scenario_horizon({"cohort": {}}, "cohort") is None
    assert scenario_horizon(None, "cohort") is None
