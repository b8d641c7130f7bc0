"""The committee paper draws a stored web run (issue 11: "static SVG in reports"): the web
paper reads the organisation's latest finished run (``web.papers.sources.web_parts``), its
quarterly trajectory with the P10-P90 fan and its target, and the paper's scenarios chapter draws
it as a static SVG (the drawing the PDF embeds and Word gets as PNG)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from gpworkforce.papers.build import _scenario_section
from gpworkforce.papers.render import paper_chart
from gpworkforce.reports.svg import chart_svg
from gpworkforce.web.papers.sources import web_parts
from gpworkforce.web.scenarios.models import Run
from gpworkforce.web.testing import build_world
from runs_support import QUARTERS, finished_run

pytestmark = pytest.mark.django_db


def test_a_stored_web_run_is_drawn_as_a_static_svg_fan_chart_in_the_paper() -> None:
    build_world()
    run = finished_run("QK1", name="Recruitment and retention")
    target = {"label": "NHSE target", "date": "2018-03-31", "wte": 12.5, "probability": 0.1}
    Run.objects.filter(pk=run.pk).update(results={**run.results, "target": target})

    (result,) = web_parts("QK1", dt.date(2018, 3, 31)).scenarios
    assert result.name == "Recruitment and retention" and result.draws == 100
    assert result.target_wte == 12.5 and result.probability == 0.1
    got = [(r.date, r.central, r.p10, r.p90) for r in result.series.itertuples(index=False)]
    assert got == list(QUARTERS)

    section = _scenario_section(SimpleNamespace(scenarios=[result]))  # type: ignore[arg-type]
    assert section is not None
    (chart,) = section.charts
    layers = chart.spec["layer"]
    assert [layer["mark"]["type"] for layer in layers][:2] == ["area", "line"]  # fan, then line
    svg = chart_svg(paper_chart(chart))
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    for text in ("Recruitment and retention", "the target of 12.5", "Date"):
        assert text in svg
