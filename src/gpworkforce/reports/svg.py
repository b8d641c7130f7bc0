"""Static SVG from chart specifications (vl-convert: Vega-Lite rendered without a browser)."""

from __future__ import annotations

import html
import json
import re

import vl_convert

from gpworkforce.reports.model import ReportChart

_SVG_OPEN = re.compile(r"<svg\b([^>]*)>", re.IGNORECASE)


def chart_svg(chart: ReportChart) -> str:
    """The chart as an inline SVG element marked up as an image with a title and description."""
    raw = vl_convert.vegalite_to_svg(json.dumps(dict(chart.spec)))
    start = raw.find("<svg")
    if start < 0:
        raise RuntimeError(f"vl-convert returned no SVG for chart {chart.key!r}")
    svg = raw[start:]
    title_id, desc_id = f"chart-{chart.key}-title", f"chart-{chart.key}-desc"
    match = _SVG_OPEN.match(svg)
    assert match is not None
    attrs = re.sub(r'\s(role|aria-[a-z]+)="[^"]*"', "", match.group(1))
    opening = (
        f'<svg{attrs} role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">'
        f'<title id="{title_id}">{html.escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{html.escape(chart.description)}</desc>'
    )
    return opening + svg[match.end() :]
