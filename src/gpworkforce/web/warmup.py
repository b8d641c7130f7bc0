"""Start-up work a server process does once, so the first dashboard view does not pay for it.

A fresh process otherwise spends about a second on its first dashboard before computing anything:
importing the URL configuration and every view module (pandas, the returns validator, Altair),
and vl-convert's first conversion (it starts its JavaScript engine). :func:`warm_process` does
both at start-up, turns on eager recomputation after data changes and starts a background pass
that computes the ICB and sub-ICB dashboards for the current data version
(:mod:`gpworkforce.web.precompute`), so the first viewers find them ready.
Call it in each worker process after any fork (vl-convert's engine does not survive a fork).
"""

from __future__ import annotations

import pandas as pd
from django.urls import get_resolver

from gpworkforce.reports.charts import grouped_bars
from gpworkforce.reports.svg import chart_svg
from gpworkforce.web import jinja, precompute


def warm_process(*, charts: bool = True) -> None:
    """Import every view (through the URL resolver) and render one tiny chart with vl-convert.

    ``charts=False`` skips vl-convert: for code that may run before a fork (a pre-loading server).
    """
    get_resolver().url_patterns  # noqa: B018 - imports the URL conf and the views it names
    jinja.warm_templates()  # compiled once, not by the first requests (fork-safe)
    precompute.enable()  # a server process: recompute dashboards right after data changes
    if not charts:
        return
    warm_charts()
    precompute.warm_start()  # the ICB and sub-ICB dashboards, in the background


def warm_charts() -> None:
    """Render one tiny chart, so vl-convert's engine is started before the first dashboard."""
    frame = pd.DataFrame({"Area": ["A"], "X WTE": pd.array([1.0], dtype="Float64")})
    chart = grouped_bars(
        frame,
        key="warmup",
        title="warm-up",
        category="Area",
        series={"X WTE": "X"},
        value_title="WTE",
        description="A chart drawn once at start-up.",
    )
    svg = chart_svg(chart)
    if "<svg" not in svg:  # vl-convert would have raised; this keeps the result used
        raise RuntimeError("vl-convert returned no SVG at start-up")
