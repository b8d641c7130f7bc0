"""Static SVG from chart specifications (vl-convert: Vega-Lite rendered without a browser)."""

from __future__ import annotations

import html
import json
import re
import threading
from functools import lru_cache

import vl_convert

from gpworkforce.reports.model import ReportChart

_SVG_OPEN = re.compile(r"<svg\b([^>]*)>", re.IGNORECASE)


@lru_cache(maxsize=128)
def _svg_of(text: str) -> str:
    return vl_convert.vegalite_to_svg(text)


def vegalite_svg(spec: object) -> str:
    """vl-convert's SVG for ``spec`` (a specification or its JSON text), laid out once per
    distinct specification: the cache is keyed by the JSON text (the chart's content), so a chart
    drawn for the PDF is not laid out again for Word's PNG, nor a scenario's trajectory again when
    the same scenario is run a second time (costed, or scored in a plan) in the same process."""
    return _svg_of(spec if isinstance(spec, str) else json.dumps(spec))


# the smallest chart: drawing it starts vl-convert's JavaScript engine
_NOTHING = '{"data": {"values": []}, "mark": "point"}'


def start_engine() -> threading.Thread:
    """Start vl-convert's JavaScript engine now, in a thread of its own: the first chart a process
    draws otherwise waits while the engine starts (about 0.4 s of CPU). vl-convert gives up the
    GIL while it works, so the caller goes on meanwhile (reading data, say). Start it after any
    fork the caller makes: the engine does not survive a fork."""
    thread = threading.Thread(
        target=_svg_of, args=(_NOTHING,), name="vl-convert start", daemon=True
    )
    thread.start()
    return thread


def svg_png(svg: str, scale: float = 2.0) -> bytes:
    """An SVG drawn by :func:`vegalite_svg` as PNG (resvg), without laying the chart out again."""
    return bytes(vl_convert.svg_to_png(svg, scale=scale))


def chart_svg(chart: ReportChart) -> str:
    """The chart as an inline SVG element marked up as an image with a title and description."""
    raw = vegalite_svg(dict(chart.spec))
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
