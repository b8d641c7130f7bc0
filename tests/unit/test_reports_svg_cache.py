"""Charts are laid out once per distinct specification (the cache is keyed by the specification's
content), and Word's PNG is drawn from the same SVG the PDF shows."""

from __future__ import annotations

import vl_convert

from gpworkforce.reports import svg


def _spec(value: int) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"x": "a", "y": value}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "nominal"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }


def test_a_specification_is_laid_out_once_and_a_changed_one_again(monkeypatch):
    calls: list[str] = []
    real = vl_convert.vegalite_to_svg

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(svg.vl_convert, "vegalite_to_svg", counting)
    svg._svg_of.cache_clear()
    first = svg.vegalite_svg(_spec(1))
    again = svg.vegalite_svg(_spec(1))  # an equal specification, a different object
    assert again == first and len(calls) == 1
    other = svg.vegalite_svg(_spec(2))
    assert len(calls) == 2 and other != first
    assert svg.vegalite_svg(svg.json.dumps(_spec(2))) == other  # its JSON text: the same chart
    svg._svg_of.cache_clear()


def test_png_is_the_svg_drawn_as_an_image():
    drawing = svg.vegalite_svg(_spec(3))
    png = svg.svg_png(drawing, scale=1.0)
    assert png.startswith(b"\x89PNG")
    assert png == bytes(vl_convert.svg_to_png(drawing, scale=1.0))
