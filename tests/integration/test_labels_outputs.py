"""No page, chart or export shows an unlabelled internal key (issue 14, item 2).

Every page of the access matrix (tests/integration/test_web_access.py), fetched as each role
allowed to see it, is read for internal keys, counts like "1 practices", raw None/nan and
timestamps (tests/page_checks.py); its width at 1,280 px is measured in the browser test
tests/browser/test_web_pages_fit_browser.py.

Renders what people open: the CLI's baseline report as HTML (tables and chart SVGs) and XLSX for
the LLR demo, and the web dashboard page with its CSV and Excel downloads; then scans every text
for the keys the labels catalogue knows to be internal (taxonomy codes such as ``GP_SALARIED``,
column keys such as ``org_code``, source ids, scenario field paths). The scanner is checked on a
page that does show keys, so a scanner that finds nothing cannot pass the test.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import test_web_access as access
from django.db import transaction
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

import page_checks
from gpworkforce import labels
from gpworkforce.cli import app
from gpworkforce.web.actions.returns import transition
from gpworkforce.web.testing import (
    CENSUS,
    PASSWORD,
    approve_own_return,
    build_world,
)
from gpworkforce.web.workflow import TransitionName

RAW = "<th>org_code</th><th>row</th><td>GP_SALARIED</td><li>practice-return:2017-09-30:unknown-vintage:nochecksum</li>"


def _workbook_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c
    )


def test_the_scanner_finds_the_keys_the_issue_reported() -> None:
    assert labels.internal_keys_in(RAW) == [
        "GP_SALARIED",
        "org_code",
        "practice-return:2017-09-30:unknown-vintage:",
    ]


def test_cli_baseline_report_html_and_xlsx_show_no_internal_key(tmp_path: Path) -> None:
    runner = CliRunner()
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    for fmt, out in (("html", html), ("xlsx", xlsx)):
        result = runner.invoke(
            app,
            [
                "baseline",
                "--org",
                "QK1",
                "--period",
                "2017-09-30",
                "--format",
                fmt,
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
    page = html.read_text()
    assert page.count("<svg") >= 4  # the charts are part of what is scanned
    # the headline comes first (issue 14, item 1), before the statements about the data
    assert page.index("Current GP WTE (GPs excluding registrars): 542.0 WTE") < page.index(
        "About these figures"
    )
    assert labels.internal_keys_in(page) == []
    book = _workbook_text(xlsx.read_bytes())
    assert "Organisation" in book and "(total)" in book
    assert labels.internal_keys_in(book) == []
    # the default format: the tables printed to the terminal
    text = runner.invoke(app, ["baseline", "--org", "QK1", "--period", "2017-09-30"])
    assert text.exit_code == 0, text.output
    assert "Organisation" in text.stdout and "(total)" in text.stdout
    assert labels.internal_keys_in(text.stdout) == []


@pytest.mark.django_db
def test_web_dashboard_and_its_downloads_show_no_internal_key() -> None:
    world = build_world()
    rec_id = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec_id, name=TransitionName.ACCEPT)
    client = Client()
    assert client.login(username="analyst", password=PASSWORD)
    page = client.get(reverse("dashboard", args=["QK1"]) + f"?period={CENSUS}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Where these figures come from" in text
    assert labels.internal_keys_in(text) == []
    for key in ("staff_by_group", "per_thousand", "vacancies", "imputation"):
        for fmt in ("csv", "xlsx"):
            url = reverse("dashboard-download", args=["QK1", key, fmt]) + f"?period={CENSUS}"
            r = client.get(url)
            if r.status_code == 404:  # a table the small world's figures do not support
                continue
            assert r.status_code == 200, (key, fmt)
            body = r.content.decode("utf-8-sig") if fmt == "csv" else _workbook_text(r.content)
            assert labels.internal_keys_in(body) == [], (key, fmt)


# ---- every page of the access matrix, as each role allowed to see it -----------------------------
def test_the_page_checks_find_what_the_issue_reported() -> None:
    page = (
        "<p>Vacancies known for 1 of 1 practices</p><select><option>None</option></select>"
        "<td>nan</td><td>GP_SALARIED</td><p>at 2017-10-01T09:00:00</p>"
        "<script>var x = 'GP_SALARIED'; var y = '1 practices';</script>"
        "<p>1 of 3 practices; 1 practice; None sent; Q1 is late</p>"
        "<h2>Staff by group: LLR (QK1), 2017-09-30</h2><p>22 row(s) kept</p>"
        "<p>30 September 2017; file gpw_2017-09-30.csv; id x:2017-09-30:y</p>"
    )
    assert page_checks.page_problems(page) == [
        "internal key 'GP_SALARIED'",
        "count '1 practices'",
        "raw value 'None'",
        "raw value 'nan'",
        "timestamp '2017-10-01T09:00'",
        "raw date '2017-09-30'",
        "count 'row(s)'",
    ]


# The access matrix's world (a module fixture, committed; flushed after this module's last test,
# which is the only one that asks for it).
world_ids = access.world_ids
PAGE_ROLES = ("submitter", "manager", "analyst", "board", "admin", "programme")


@pytest.mark.django_db
def test_every_page_of_the_access_matrix_reads_as_words(world_ids: dict[str, Any]) -> None:
    """Each page a role may open (GET, own organisation, 200, HTML) shows no internal key, no
    '1 practices', no raw None/nan and no raw timestamp; the figures are computed for real."""
    wrong: list[str] = []
    seen = 0
    for route, entry in access.TABLE.items():
        if route == "healthz" or "GET" not in " ".join(entry.methods):
            continue
        url = access.url_for(route, entry.args(world_ids, "own"))
        for role in PAGE_ROLES:
            if entry.policy("GET")[role]["own"] != 200:
                continue
            with transaction.atomic():
                response = access.client_for(role, world_ids).get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith(
                "text/html"
            ):
                continue
            seen += 1
            problems = page_checks.page_problems(response.content.decode())
            wrong += [f"{role} {url}: {p}" for p in problems]
    assert seen >= 150, f"only {seen} pages read"
    assert not wrong, "\n".join(wrong)
