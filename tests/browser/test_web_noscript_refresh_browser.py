"""Pages that say they update themselves while work runs in the background do so with JavaScript
off too: the browser reloads them (a standard refresh inside <noscript>) until the work is done,
and stops then (issue 14). Debian's Chromium with scripts disabled, against gunicorn."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, expect
from signin_support import signed_in

from server_support import App


def test_the_paper_page_reloads_itself_without_javascript_until_the_paper_is_ready(
    browser: Browser, app: App
) -> None:
    analyst = app.query("SELECT id FROM web_user WHERE username = 'analyst'")[0][0]
    app.query(
        "INSERT INTO papers_paperjob (organisation_id, census_date, meeting, meeting_date, rows,"
        " full_appendices, requested_by_id, requested_at, status, progress, stage, error, title)"
        " VALUES ('QK1', '2017-09-30', 'Board', '2017-10-25', '', 0, ?, '2026-12-05 10:00:00',"
        " 'running', 40, 'Laying out the PDF', '', '')",
        analyst,
    )
    job = app.query("SELECT max(id) FROM papers_paperjob")[0][0]
    context, page = signed_in(browser, app.url, "analyst", scripts=False)
    page.goto(f"/papers/QK1/{job}/")
    status = page.locator("[role=status]").first
    expect(status).to_contain_text("Laying out the PDF (40% done). This page updates itself.")
    # the worker moves on: the page shows it with no click and no script
    app.query("UPDATE papers_paperjob SET progress = 80, stage = 'Writing the Word document'")
    expect(status).to_contain_text("Writing the Word document (80% done)", timeout=15_000)
    app.query(
        "UPDATE papers_paperjob SET status = 'done', progress = 100, stage = 'Ready',"
        " title = 'GP workforce paper', pages = 12, seconds = 3.5"
    )
    expect(page.locator("text=Download the paper as PDF")).to_be_visible(timeout=15_000)
    # done: it stops reloading (a reload would make a new document, without this mark)
    page.evaluate("document.body.dataset.same = 'yes'")
    time.sleep(5)
    assert page.evaluate("document.body.dataset.same") == "yes"
    context.close()
