"""The tool's own measures as maturity evidence (issue 13 item 5): a practice offers one of the
baseline measures for a dimension; the page shows the practice's own figure at the latest census
on or before the assessment's period end, read from the data, never typed in; audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from test_delivery_measures import GP_WTE, PATIENTS, _gpw

from gpworkforce.delivery.maturity import load_template
from gpworkforce.web.delivery import actions
from gpworkforce.web.delivery.models import MaturityAssessmentRecord
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.testing import CENSUS, OWN_PRACTICE, build_world

pytestmark = pytest.mark.django_db


def _assessment(world, period_end: dt.date) -> MaturityAssessmentRecord:  # type: ignore[no-untyped-def]
    matrix = load_template("primary-care-five-pillars")
    return actions.submit_assessment(
        actor=world.users["manager"],
        matrix=matrix,
        org_code=OWN_PRACTICE,
        period_end=period_end,
        levels={d.key: matrix.levels[1] for d in matrix.dimensions},
        evidence={},
    )


def test_a_measure_is_offered_as_evidence_and_shows_the_practices_own_figure() -> None:
    world = build_world()
    _gpw()
    a = _assessment(world, CENSUS + dt.timedelta(days=60))
    dim = next(iter(a.levels))
    manager = Client()
    manager.force_login(world.users["manager"])
    url = f"/maturity/{a.pk}/measure/"
    r = manager.post(url, {"measure_dimension": dim, "measure": "gp-wte-per-1000"})
    assert r.status_code == 302, r.content.decode()[-2000:]
    a.refresh_from_db()
    assert a.measures == {dim: ["gp-wte-per-1000"]}
    event = AuditEvent.objects.get(action="maturity.evidence_measure")
    assert event.actor_username == "manager" and event.after["measures"] == ["gp-wte-per-1000"]
    # the practice's own figure: its GP WTE per 1,000 of its own registered patients
    expected = 1000 * GP_WTE[OWN_PRACTICE] / PATIENTS[OWN_PRACTICE]
    page = manager.get(f"/maturity/{a.pk}/").content.decode()
    assert "GP WTE per 1,000 registered patients" in page
    assert f"{expected:,.2f}" in page and CENSUS.strftime("%-d %B %Y") in page
    # refused: the same measure again, an unknown measure, no dimension; nothing changed
    for data, message in (
        ({"measure_dimension": dim, "measure": "gp-wte-per-1000"}, "already evidence"),
        ({"measure_dimension": dim, "measure": "made-up"}, "Choose one of the tool"),
        ({"measure_dimension": "", "measure": "gp-wte"}, "Choose the dimension"),
    ):
        r = manager.post(url, data)
        assert r.status_code == 400 and message in r.content.decode(), data
    a.refresh_from_db()
    assert a.measures == {dim: ["gp-wte-per-1000"]}
    # a board viewer reads it but adds nothing
    board = Client()
    board.force_login(world.users["board"])
    assert board.post(url, {"measure_dimension": dim, "measure": "gp-wte"}).status_code == 403
    assert f"{expected:,.2f}" in board.get(f"/maturity/{a.pk}/").content.decode()


def test_an_assessment_before_any_census_says_there_is_no_figure_yet() -> None:
    world = build_world()
    _gpw()
    a = _assessment(world, CENSUS - dt.timedelta(days=1))
    dim = next(iter(a.levels))
    actions.add_evidence_measure(
        actor=world.users["manager"], assessment_id=a.pk, dimension=dim, measure="gp-wte"
    )
    manager = Client()
    manager.force_login(world.users["manager"])
    page = manager.get(f"/maturity/{a.pk}/").content.decode()
    assert "no figure on or before" in page
    assert f"{GP_WTE[OWN_PRACTICE]:,.2f}" not in page
