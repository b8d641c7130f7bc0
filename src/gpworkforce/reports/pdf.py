"""PDF from the HTML report (WeasyPrint; print styles live in the report's stylesheet)."""

from __future__ import annotations

import logging

import weasyprint

from gpworkforce.reports.html import render_html
from gpworkforce.reports.model import Report


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML to PDF bytes. No network access is attempted."""
    # WeasyPrint logs font and CSS notices at WARNING; they are not errors for our own template.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))  # never the network or disk
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


# Columns per printed table part (after the repeated leading text columns) on landscape A4.
PRINT_COLUMNS = 10


def render_pdf(report: Report) -> bytes:
    """The report as PDF; tables wider than :data:`PRINT_COLUMNS` are split into parts."""
    return html_to_pdf(render_html(report, max_columns=PRINT_COLUMNS))
