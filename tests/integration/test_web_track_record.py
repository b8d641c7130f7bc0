"""The track record shown beside a forecast: the rolling-origin evaluation of one organisation
from the GPW figures loaded into the web app (issue 15, item 1). Expected values by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from gpworkforce.web.models import ReferenceWorkforce
from gpworkforce.web.testing import build_world
from gpworkforce.web.track_record import track_record

pytestmark = pytest.mark.django_db

# LLR 2017 Scenario 1 per year: over-55 losses 87 x 15% = 13.05, sessions 541 x 3% = 16.23,
# trainees retained 153 / 3 x 70% = 35.7: net +6.42 on 541 = +1.18669% a year, a straight line.
HEE_SLOPE = 6.42 / 541


def _load(rate: float, years: range) -> None:
    for code, start in (("C82001", 10.0), ("C82002", 6.0)):
        for k, fy in enumerate(years):
            v = start * (1 + rate) ** k
            ReferenceWorkforce.objects.create(
                practice_code=code,
                period=dt.date(fy - 1, 9, 30),  # GPW Year fy = September of fy - 1
                node="GP_QUALIFIED",
                headcount=v,
                fte=v,
                source_id="test",
            )


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
