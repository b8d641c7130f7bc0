"""Committee papers from the web: asked for by a form, built by the task queue with its progress
on the job's page, downloaded as PDF, Word and Excel when done (issue 14, item 7)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from gpworkforce import labels
from gpworkforce.web.actions.returns import transition
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.papers.models import PaperJob
from gpworkforce.web.testing import (
    CENSUS,
    PASSWORD,
    approve_own_return,
    build_world,
)
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db


def _accept_own(world) -> None:  # type: ignore[no-untyped-def]
    rec_id = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec_id, name=TransitionName.ACCEPT)


def _client(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def _request_paper(client: Client, capture) -> HttpResponse:  # type: ignore[no-untyped-def]
    """The paper for QK1's census date and the LLR board's meeting, built by the task (immediate
    backend: it runs when the request's transaction commits)."""
    with capture(execute=True):
        return client.post(
            reverse("paper-org", args=["QK1"]),
            {
                "census_date": CENSUS.isoformat(),
                "meeting": "LLR GP Programme Board",
                "meeting_date": "25/10/2017",
            },
        )


def test_a_board_viewer_builds_a_paper_and_downloads_it(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    _accept_own(build_world())
    board = _client("board")
    form = board.get(reverse("paper-org", args=["QK1"]))
    assert form.status_code == 200 and "Build the paper" in form.content.decode()
    r = _request_paper(board, django_capture_on_commit_callbacks)
    job = PaperJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("paper-job", args=["QK1", job.pk])
    assert job.status == "done" and job.progress == 100 and job.pages and job.pages >= 3
    assert AuditEvent.objects.filter(action="paper.request", object_id=str(job.pk)).exists()
    page = board.get(r["Location"]).content.decode()
    assert f"{job.pages} pages" in page and "Download the paper as PDF" in page
    pdf = board.get(reverse("paper-download", args=["QK1", job.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="paper-qk1-{CENSUS}.pdf"'
    docx = board.get(reverse("paper-download", args=["QK1", job.pk, "docx"])).content
    text = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "LLR GP Programme Board" in text
    words = re.sub(r"<[^>]+>", " ", text)  # the document's text without its XML
    assert labels.internal_keys_in(words) == []
    assert labels.internal_keys_in(page) == []
    xlsx = board.get(reverse("paper-download", args=["QK1", job.pk, "xlsx"])).content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames[:2] == ["Cover", "Notes"]
    cells = "\n".join(
        str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c
    )
    assert labels.internal_keys_in(cells) == []


def _paper_job(status: str, progress: int, stage: str) -> PaperJob:
    """A QK1 paper job the analyst asked for, in the given state (no task runs)."""
    world = build_world()
    from django.utils import timezone

    from gpworkforce.web.models import Organisation

    return PaperJob.objects.create(
        organisation=Organisation.objects.get(code="QK1"),
        census_date=CENSUS,
        meeting="Board",
        meeting_date=CENSUS,
        requested_by=world.users["analyst"],
        requested_at=timezone.now(),
        status=status,
        progress=progress,
        stage=stage,
    )


def test_progress_is_shown_while_the_paper_is_built() -> None:
    job = _paper_job("running", 45, "Laying out the PDF")
    page = _client("analyst").get(reverse("paper-job", args=["QK1", job.pk])).content.decode()
    assert "Being built</strong>: Laying out the PDF (45% done)" in page
    url = reverse("paper-job", args=["QK1", job.pk])
    # polls after 1 s, then 2 s, then every 5 s (issue 14: it polled every second)
    assert f'hx-get="{url}?poll=1" hx-trigger="load delay:1s"' in page
    client = _client("analyst")
    asks = [
        client.get(f"{url}?poll={n}", headers={"HX-Request": "true"}).content.decode()
        for n in ("1", "2", "3", "x", "²")
    ]
    assert [re.search(r'poll=(\d+)" hx-trigger="load delay:(\d)s"', a).groups() for a in asks] == [
        ("2", "2"),
        ("3", "5"),
        ("3", "5"),
        ("1", "1"),  # not a number: from the start
        ("1", "1"),
    ]
    assert "<html" not in asks[0]  # htmx gets the part, not the page
    assert 'value="45"' in page
    # without JavaScript the browser reloads the page itself (read only when scripts are off)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    missing = _client("analyst").get(reverse("paper-download", args=["QK1", job.pk, "pdf"]))
    assert missing.status_code == 404  # nothing to download until it is ready


def test_a_bad_form_names_the_field_and_queues_nothing() -> None:
    build_world()
    r = _client("analyst").post(
        reverse("paper-org", args=["QK1"]),
        {"census_date": CENSUS.isoformat(), "meeting": "", "meeting_date": "next Tuesday"},
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "Enter the meeting the paper goes to" in text
    assert "Enter the date of the meeting as a date, like 25/10/2017" in text
    assert not PaperJob.objects.exists()


def _scenarios_and_delivery(world: Any) -> None:
    from tests.runs_support import finished_run

    from gpworkforce.web.delivery.seed import seed_delivery

    finished_run("QK1", "Scenario 3")  # ends on 31 March 2018 at 11.0 WTE, P10 9.8, P90 12.2
    counts = seed_delivery("QK1")
    assert counts["risks"] > 0 and counts["workstreams"] > 0


def _shows_scenarios_delivery_risks_and_the_change(
    job: PaperJob, document: Any, headings: list[str], text: str
) -> None:
    """Beside the baseline, the web's paper shows the organisation's scenarios (latest finished
    run), its implementation plan and its risk register, as the CLI's paper does from files."""
    assert any("Scenarios" in h for h in headings), headings
    assert any("risks" in h.lower() for h in headings), headings
    assert any("implementation plan" in h.lower() for h in headings), headings
    rows = [
        [c.text for c in r.cells]
        for t in document.tables
        if t.rows[0].cells[0].text == "Scenario"
        for r in t.rows[1:]
    ]
    assert rows[0][:5] == ["Scenario 3", "Mar 2018", "11", "10", "12"]
    # the world has no return for the quarter before: the paper says so instead of comparing
    assert "Change since 30 June" in text and "not available" in text
    assert labels.internal_keys_in(text) == []


def _finance(world: Any) -> None:
    from gpworkforce.web.finance.seed import seed_llr_finance

    seed_llr_finance("QK1")


def _shows_finance_in_real_and_cash_terms(
    job: PaperJob, document: Any, headings: list[str], text: str
) -> None:
    """The organisation's costed scenarios and allocations (the finance pages' data) make the
    paper's finance chapter, as ``gpworkforce paper --finance --allocations`` from files: each
    scenario's cost at its end in real terms (price base year stated) and cash terms, and LLR's
    Table 17 against the thresholds."""
    assert any(h.endswith("Finance") for h in headings), headings
    # Scenario 2 ends 9 WTE short of 639: 9 x GBP 112,000 (the LLR cost model has no uplift)
    assert (
        "Scenario 2: international recruitment and retention: closing the remaining gap of 9.0"
        " WTE by Sep 2020 would cost £1.0 million a year with substantive staff" in text
    )
    header = ["Scenario", "By", "Cost a year", "Real terms (£, 2017/18 prices)", "Cash terms (£)"]
    costs = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == header)
    cells = [[c.text for c in r.cells] for r in costs.rows[1:]]
    scenarios = list(dict.fromkeys(r[0] for r in cells))
    assert len(scenarios) == 4 and scenarios[0] == "Scenario 1: base position"  # their titles
    gap = next(
        r for r in cells
        if r[0].startswith("Scenario 2: international") and r[2].endswith("substantive staff")
    )  # fmt: skip
    assert gap[3:] == ["1,008,000", "1,008,000"]  # 9 WTE x GBP 112,000, no uplift in the model
    assert "Price base year 2017/18" in document.element.xml  # the table's note
    allocations = next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "Organisation"
        and "Share of allocation %" in [c.text for c in t.rows[0].cells]
    )
    assert len(allocations.rows) > 15  # three CCGs and LLR over five years
    # the latest year across LLR against the thresholds set on the finance pages
    assert (
        "In 2020/21, primary care spend was 11.31% of the allocation across all organisations"
        in text
    )
    book = openpyxl.load_workbook(io.BytesIO(bytes(job.xlsx)))
    assert any(n.startswith("Cost a year") for n in book.sheetnames), book.sheetnames
    assert labels.internal_keys_in(text) == []


def _adopted_plan_and_gpw(world: Any) -> None:
    from gpworkforce.web.plans.actions import adopt, create_plan
    from gpworkforce.web.plans.testing import tiny_plan
    from plans_support import Y2017, Y2018, load_gpw_fte

    load_gpw_fte(
        {(code, on): 3.0 for code in ("C82001", "C82002", "C82003") for on in (Y2017, Y2018)}
    )
    adopt(actor=None, plan_id=create_plan(actor=None, org_code="QK1", document=tiny_plan()).pk)


def _scores_the_plan_against_gpw(
    job: PaperJob, document: Any, headings: list[str], text: str
) -> None:
    """The organisation's adopted plan, scored against GPW as its score page does, makes the
    paper's chapter "The plan against what happened" (``gpworkforce paper --plan`` from files):
    a plan of 10 then 12 WTE GPs against GPW's 3 practices x 3.0 FTE = 9.0 on both dates."""
    assert any(h.endswith("The plan against what happened") for h in headings), headings
    assert (
        "The target of 12.0 WTE (on the same definition) for 30 September 2018 was missed by"
        " 3.0 WTE: the actual was 9.0." in text
    ), text
    score = next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "Scenario"
        and "Actual WTE" in [c.text for c in t.rows[0].cells]
    )
    header = [c.text for c in score.rows[0].cells]
    row = [c.text for c in score.rows[1].cells]
    assert row[header.index("Actual WTE")] == "9.0" and row[header.index("Plan WTE")] == "12.0"
    assert "This paper does not cover" not in text or "plan against actuals" not in text


@pytest.mark.parametrize(
    ("arrange", "check"),
    [
        pytest.param(
            _scenarios_and_delivery,
            _shows_scenarios_delivery_risks_and_the_change,
            id="scenarios-delivery-risks-change",
        ),
        pytest.param(_finance, _shows_finance_in_real_and_cash_terms, id="finance"),
        pytest.param(_adopted_plan_and_gpw, _scores_the_plan_against_gpw, id="plan-against-gpw"),
    ],
)
def test_the_web_paper_has_the_chapter_of_the_organisations_data(
    arrange: Callable[[Any], None],
    check: Callable[[PaperJob, Any, list[str], str], None],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """The organisation's own data (arranged after its return is accepted) makes a chapter of
    the paper a board viewer asks for; ``check`` (each case's docstring) says which."""
    import docx

    world = build_world()
    _accept_own(world)
    arrange(world)
    _request_paper(_client("board"), django_capture_on_commit_callbacks)
    job = PaperJob.objects.get()
    assert job.status == "done", job.error
    document = docx.Document(io.BytesIO(bytes(job.docx)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    text = "\n".join(p.text for p in document.paragraphs)
    check(job, document, headings, text)


def test_every_practice_and_the_full_appendices_in_the_same_bytes_as_one_process(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """Issue 14, item 7 (decision 0154): the form asks for every practice as a row and the full
    appendices, as ``gpworkforce paper --rows practice --full-appendices`` does; the task lays
    the PDF's parts out in two forked processes, and its three files are the same bytes as the
    same paper built in one process, one part after the other (the same builder as the CLI's)."""
    import docx

    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.web.dashboards import _inputs
    from gpworkforce.web.jobs.models import current
    from gpworkforce.web.papers.compute import build
    from gpworkforce.web.papers.sources import web_parts

    world = build_world()
    _accept_own(world)
    _scenarios_and_delivery(world)
    with django_capture_on_commit_callbacks(execute=True):
        r = _client("analyst").post(
            reverse("paper-org", args=["QK1"]),
            {
                "census_date": CENSUS.isoformat(),
                "meeting": "LLR GP Programme Board",
                "meeting_date": "25/10/2017",
                "rows": "practice",
                "full_appendices": "on",
            },
        )
    assert r.status_code == 302
    job = PaperJob.objects.get()
    assert job.status == "done", job.error
    assert job.rows == "practice" and job.full_appendices
    document = docx.Document(io.BytesIO(bytes(job.docx)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    staff = next(t for t in document.tables if t.rows[0].cells[0].text == "Organisation")
    assert [c.text for c in staff.columns[0].cells][1:] == [  # each practice, then the total
        "Alpha Surgery",
        "Beta Medical Centre",
        "Gamma Health Centre",
        "Leicester, Leicestershire and Rutland",
    ]
    assert any(h.endswith("Each scenario year by year") for h in headings), headings
    assert any(h.endswith("The risk register in full") for h in headings), headings
    stages: list[tuple[int, str]] = []
    alone = build(
        _inputs(current()).data,
        "QK1",
        job.organisation.name,
        CENSUS,
        job.meeting,
        job.meeting_date,
        progress=lambda p, s: stages.append((p, s)),
        parts=web_parts("QK1", job.meeting_date),
        rows=OrgType.PRACTICE,
        full_appendices=True,
        pool=None,
    )
    assert alone.pdf == bytes(job.pdf) and alone.pages == job.pages
    assert alone.docx == bytes(job.docx) and alone.xlsx == bytes(job.xlsx)
    # the page's stages in order, Word and Excel written while the PDF is laid out
    said = [s for _p, s in stages]
    assert said[-4:] == [
        "Laying out the PDF",
        "Writing the Word document while the PDF is laid out",
        "Writing the Excel data pack while the PDF is laid out",
        "Laying out the PDF and joining its parts",
    ], said
    assert [p for p, _s in stages] == sorted(p for p, _s in stages)


def test_a_finished_paper_page_does_not_reload_itself() -> None:
    job = _paper_job("done", 100, "Ready")
    page = _client("analyst").get(reverse("paper-job", args=["QK1", job.pk])).content.decode()
    assert "http-equiv" not in page and "updates itself" not in page


def test_the_areas_offered_are_those_below_the_organisation() -> None:
    build_world()
    client = _client("analyst")
    icb = client.get(reverse("paper-org", args=["QK1"])).content.decode()
    # the default names the level it stands for
    assert '<option value="" selected>Sub-ICB areas (the level below, default)</option>' in icb
    assert ">Sub-ICB areas</option>" in icb and ">Practices</option>" in icb
    assert "Print the full appendices" in icb
    sub = client.get(reverse("paper-org", args=["03W"])).content.decode()
    assert '<option value="" selected>Practices (the level below, default)</option>' in sub
    assert ">Practices</option>" in sub and ">Sub-ICB areas</option>" not in sub
    r = client.post(
        reverse("paper-org", args=["03W"]),
        {
            "census_date": CENSUS.isoformat(),
            "meeting": "Board",
            "meeting_date": "25/10/2017",
            "rows": "sub_icb",
        },
    )
    assert r.status_code == 400
    assert "Choose the areas the tables list from the list" in r.content.decode()
    assert not PaperJob.objects.exists()
