"""Plan versus actual in the web app, worked by hand: actuals from GPW, then from an accepted
return (others imputed from GPW), variance, variance %, percentile in the plan's band and the gap
to the target; and the practice's share.

The world: QK1's practices C82001, C82002, C82003 with GPW fully qualified GP FTE
  30 Sep 2017: 4.0 + 3.0 + 3.0 = 10.0          30 Sep 2018: 5.0 + 3.0 + 3.5 = 11.5
The plan (absolute, GPs): 10 on 30 Sep 2017 and 12 on 30 Sep 2018, band central -/+ 1, target 12
WTE by 30 Sep 2018. The fan is a two-piece normal: sd = 1 / 1.281552 = 0.780304 each side.

  2018/19 Q2 from GPW:     variance 11.5 - 12 = -0.5; -0.5 / 12 = -4.1667 %;
                           z = -0.5 / 0.780304 = -0.640776, Phi(z) = 26.08 %
  after C82001's return (54 sessions / 9 = 6.0 WTE), C82002 and C82003 from GPW (3.0, 3.5):
                           actual 12.5; variance +0.5; +4.1667 %; Phi(+0.640776) = 73.92 %
"""

from __future__ import annotations

import pytest

from gpworkforce.web.models import Organisation
from gpworkforce.web.plans.tracking import practice_tracking, tracked
from gpworkforce.web.testing import build_world
from plans_support import Y2018, accept_own_return, load_gpw, the_plan

pytestmark = pytest.mark.django_db


def rows(plan_id: int) -> dict[str, object]:
    from gpworkforce.web.plans.models import Plan

    result = tracked(Plan.objects.get(pk=plan_id)).tracking
    assert result is not None
    return {r.period: r for r in result.groups[0].rows}


# period -> (actual, plan, variance, variance %, percentile, inside band, gap to target, from)
FROM_GPW = {
    "2017/18 Q2": (10.0, 10.0, 0.0, 0.0, 50.0, True, -2.0, "GPW Year 2018 (September 2017)"),
    "2018/19 Q2": (11.5, 12.0, -0.5, -4.1667, 26.08, True, -0.5, "GPW Year 2019 (September 2018)"),
}
AFTER_RETURN = {
    **FROM_GPW,
    "2018/19 Q2": (
        12.5,
        12.0,
        0.5,
        4.1667,
        73.92,
        True,
        0.5,
        "Accepted returns: 1 of 3 practices returned; 0 carried forward, 2 from GPW, 0 missing",
    ),
}


def check(got: dict[str, object], want: dict[str, tuple[object, ...]]) -> None:
    assert set(got) == set(want)
    for period, (actual, plan, var, pct, pctl, inside, gap, source) in want.items():
        r = got[period]
        assert r.actual == pytest.approx(actual), period  # type: ignore[attr-defined]
        assert r.plan == pytest.approx(plan), period  # type: ignore[attr-defined]
        assert r.variance == pytest.approx(var), period  # type: ignore[attr-defined]
        assert r.variance_pct == pytest.approx(pct, abs=1e-4), period  # type: ignore[attr-defined]
        assert r.percentile == pytest.approx(pctl, abs=0.01), period  # type: ignore[attr-defined]
        assert r.inside_band is inside, period  # type: ignore[attr-defined]
        assert r.gap_to_target == pytest.approx(gap), period  # type: ignore[attr-defined]
        assert r.actual_from == source, period  # type: ignore[attr-defined]


def test_actuals_from_gpw_then_from_an_accepted_return() -> None:
    world = build_world()
    load_gpw()
    plan_id = the_plan()
    check(rows(plan_id), FROM_GPW)
    accept_own_return(world, Y2018, sessions=54.0)
    check(rows(plan_id), AFTER_RETURN)


def test_a_practice_sees_its_share_of_the_plan() -> None:
    """C82001 had 4.0 of QK1's 10.0 at the plan's start: share 0.4, so its plan is 4.0 then 4.8
    (band -/+ 0.4) and its actual 5.0 in Sep 2018: variance +0.2, +4.1667 %."""
    build_world()
    load_gpw()
    plan_id = the_plan()
    from gpworkforce.web.plans.models import Plan

    mine = practice_tracking(Plan.objects.get(pk=plan_id), Organisation.objects.get(code="C82001"))
    assert mine.tracking is not None
    got = {r.period: r for r in mine.tracking.groups[0].rows}
    assert got["2017/18 Q2"].plan == pytest.approx(4.0)
    assert got["2018/19 Q2"].plan == pytest.approx(4.8)
    assert got["2018/19 Q2"].p90 == pytest.approx(5.2)
    assert got["2018/19 Q2"].actual == pytest.approx(5.0)
    assert got["2018/19 Q2"].variance == pytest.approx(0.2)
    assert got["2018/19 Q2"].variance_pct == pytest.approx(4.1667, abs=1e-4)
    assert got["2018/19 Q2"].target == pytest.approx(4.8)
