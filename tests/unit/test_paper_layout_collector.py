"""Laying a document out runs with Python's cyclic garbage collector off and leaves it as it found
it (gpworkforce.papers.pdf.collector_paused, decision 0162); the charts' engine can be started in a
thread of its own before the first chart (gpworkforce.reports.svg.start_engine)."""

from __future__ import annotations

import gc

import pytest

from gpworkforce.papers import pdf


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_off_inside_and_as_it_was_after(collector, enabled):
    gc.enable() if enabled else gc.disable()
    with pdf.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


def test_the_collector_is_restored_when_the_layout_fails(collector):
    gc.enable()
    with pytest.raises(RuntimeError, match="broken"), pdf.collector_paused():
        raise RuntimeError("broken")
    assert gc.isenabled()


def test_a_document_is_laid_out_with_the_collector_off(collector, monkeypatch):
    seen = []
    monkeypatch.setattr(pdf, "_lay_out", lambda html: seen.append(gc.isenabled()) or html)
    gc.enable()
    assert pdf.lay_out("<p>x</p>") == "<p>x</p>"
    assert seen == [False] and gc.isenabled()


def test_a_real_document_laid_out_with_the_collector_off_has_its_pages():
    laid = pdf.lay_out("<html><body><p>one</p><p style='break-before: page'>two</p></body></html>")
    assert laid.pages == 2 and laid.pdf.startswith(b"%PDF")


def test_the_charts_engine_starts_in_a_thread_and_draws_after():
    from gpworkforce.reports import svg

    thread = svg.start_engine()
    assert thread.daemon and thread.name == "vl-convert start"
    thread.join(timeout=120)
    assert not thread.is_alive()
    drawn = svg.vegalite_svg(
        {"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a"}}}
    )
    assert "<svg" in drawn
