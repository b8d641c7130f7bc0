"""The finance pages through the web (Django test client, real database): Table 17 from the
demo's file, editing an allocation (audited, refused with the field named), thresholds, the
funding register, a scenario's cost in real and cash terms, and safe downloads."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web.finance.models import (
    AllocationRecord,
    FundingRecord,
    SpendRecord,
    Thresholds,
)
from gpworkforce.web.finance.seed import seed_llr_finance
from gpworkforce.web.finance.testing import finance_world
from gpworkforce.web.models import AuditEvent, User
from gpworkforce.web.testing import World, build_world

pytestmark = pytest.mark.django_db
LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"


@pytest.fixture
def world(db: None) -> World:
    w = build_world()
    seed_llr_finance("QK1")
    return w


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _row(organisation: str, year: str) -> AllocationRecord:
    return AllocationRecord.objects.get(
        owner_id="QK1", organisation=organisation, financial_year=year
    )


def _post_row(c: Client, rec: AllocationRecord, **changes: str):
    data = {
        "organisation": rec.organisation,
        "financial_year": rec.financial_year,
        "allocation": f"{rec.allocation:g}",
        "delegated": f"{rec.delegated:g}",
        "discretionary": f"{rec.discretionary:g}",
        "other": "",
        "reported_total": "",
        "reported_delegated_pct": "",
        "reported_spend_pct": "",
        **changes,
    }
    return c.post(reverse("finance-allocation-edit", args=["QK1", rec.pk]), data)


def test_table_17_shows_with_the_thresholds_and_who_is_below(world: World) -> None:
    page = client(world.users["board"]).get(reverse("finance-allocations", args=["QK1"]))
    assert page.status_code == 200
    html = html_lib.unescape(page.content.decode())
    assert "minimum of\n10.9% and an aspiration of 11.3%" in html
    # West Leicestershire 2016/17: 49,740 / 457,845 = 10.864%, printed 10.9% in the paper
    assert "Below the minimum: West Leicestershire 2016/17; West Leicestershire 2017/18." in html
    assert "10.86" in html and "meets the 10.9% minimum only after rounding" in html
    assert "All organisations" in html
    # headroom in WTE of each role of the cost model beside the scenarios
    assert "Salaried GP" in html and "Locum GP" in html
    assert "Change<span" not in html  # a board viewer reads, does not edit


def test_an_analyst_edits_an_allocation_and_it_is_audited(world: World) -> None:
    c = client(world.users["analyst"])
    rec = _row("West Leicestershire", "2017/18")
    response = _post_row(c, rec, discretionary="5,000")  # 50,956 / 466,838 = 10.915%
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.discretionary == 5000
    event = AuditEvent.objects.filter(action="finance.allocation_saved").get()
    assert event.actor_username == "analyst" and event.organisation_code == "QK1"
    assert event.before["discretionary"] == 4750 and event.after["discretionary"] == 5000
    html = c.get(reverse("finance-allocations", args=["QK1"])).content.decode()
    assert "Below the minimum: West Leicestershire 2016/17." in html
    assert "10.92" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"allocation": "-5"}, "Allocation (GBP thousands) must be greater than 0, got -5"),
        ({"delegated": "lots"}, "Delegated primary care funding (GBP thousands) must be a number"),
        ({"financial_year": ""}, "Enter financial year"),
        ({"financial_year": "2017"}, "Financial year must be a financial year like"),
        ({"discretionary": "-1"}, "Discretionary spend (GBP thousands) must be greater than or"),
        ({"other": "GP retention = -3"}, "must be at least 0"),
        ({"other": "no amount"}, "Other funding by scheme must be one 'scheme = amount' a line"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    world: World, changes: dict[str, str], message: str
) -> None:
    c = client(world.users["analyst"])
    rec = _row("Leicester City", "2018/19")
    before = AllocationRecord.objects.values().get(pk=rec.pk)
    response = _post_row(c, rec, **changes)
    assert response.status_code == 400
    assert message in html_lib.unescape(response.content.decode())
    assert AllocationRecord.objects.values().get(pk=rec.pk) == before
    assert not AuditEvent.objects.filter(action="finance.allocation_saved").exists()


def test_a_second_row_for_the_same_organisation_and_year_is_refused(world: World) -> None:
    c = client(world.users["analyst"])
    rec = _row("Leicester City", "2018/19")
    response = _post_row(c, rec, financial_year="2019/20")
    assert response.status_code == 400
    assert "Leicester City already has a row for 2019/20" in html_lib.unescape(
        response.content.decode()
    )


def test_thresholds_change_the_verdicts(world: World) -> None:
    c = client(world.users["analyst"])
    url = reverse("finance-thresholds", args=["QK1"])
    bad = c.post(url, {"minimum_pct": "12", "aspiration_pct": "11"})
    assert bad.status_code == 400
    assert "Aspiration (%) must be at least the minimum (12), got 11" in html_lib.unescape(
        bad.content.decode()
    )
    bad = c.post(url, {"minimum_pct": "300", "aspiration_pct": "11"})
    assert "Minimum share of allocation (%) must be above 0 and below 100, got 300" in (
        html_lib.unescape(bad.content.decode())
    )
    assert c.post(url, {"minimum_pct": "10.8", "aspiration_pct": "11.5"}).status_code == 302
    assert Thresholds.objects.get(owner_id="QK1").minimum_pct == 10.8
    html = c.get(reverse("finance-allocations", args=["QK1"])).content.decode()
    assert "Every organisation meets the minimum in every year." in html
    assert AuditEvent.objects.filter(action="finance.thresholds_saved").count() == 2  # seed + here


def test_upload_replaces_matching_rows_and_refuses_a_bad_file(world: World) -> None:
    c = client(world.users["analyst"])
    url = reverse("finance-allocation-upload", args=["QK1"])
    text = (LLR / "allocations.csv").read_text(encoding="utf-8")
    changed = text.replace("466838", "470000")  # West Leicestershire 2017/18's allocation
    upload = io.BytesIO(changed.encode())
    upload.name = "table17.csv"
    response = c.post(url, {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("finance-allocations", args=["QK1"])
    said = html_lib.unescape(response.content.decode())
    assert "Loaded 15 rows from table17.csv: 0 added, 1 changed." in said
    assert _row("West Leicestershire", "2017/18").allocation == 470000
    assert AllocationRecord.objects.filter(owner_id="QK1").count() == 15
    bad = io.BytesIO(changed.replace("470000", "-4").encode())
    bad.name = "table17.csv"
    response = c.post(url, {"file": bad})
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert "table17.csv, row 7, column 'allocation_gbp_thousands': must be greater than 0" in html
    assert _row("West Leicestershire", "2017/18").allocation == 470000  # nothing written
    empty = c.post(url, {})
    assert empty.status_code == 400
    assert "Select an allocations file to upload (.xlsx or .csv)" in empty.content.decode()


def test_funding_register_and_its_share_of_a_scenarios_cost(world: World) -> None:
    c = client(world.users["board"])
    html = c.get(reverse("finance-funding", args=["QK1"]) + "?scenario=scenario-2").content
    text = html.decode()
    assert "GP5YFV practice workforce development" in text
    assert "Active signposting and correspondence management pilots" in text
    # 190,000 of Scenario 2's added cost of 3,322,667 in 2018/19 (docs/finance.md)
    assert "3,322,667" in text and "5.7" in text
    analyst = client(world.users["analyst"])
    response = analyst.post(
        reverse("finance-funding-new", args=["QK1"]),
        {"scheme": "HEE bid", "financial_year": "2018/19", "amount_gbp": "-5", "status": "bid"},
    )
    assert response.status_code == 400
    assert "Amount (GBP) must be greater than or equal to 0, got -5" in html_lib.unescape(
        response.content.decode()
    )
    response = analyst.post(
        reverse("finance-funding-new", args=["QK1"]),
        {
            "scheme": "HEE bid",
            "financial_year": "2018/19",
            "amount_gbp": "",
            "status": "bid",
            "rag": "amber",
            "pays_for": "GP fellowships",
        },
    )
    assert response.status_code == 302
    entry = FundingRecord.objects.get(scheme="HEE bid")
    assert entry.amount_gbp is None and entry.rag == "amber"  # not known, never zero
    assert AuditEvent.objects.filter(action="finance.funding_added", object_id=str(entry.pk))


def test_a_scenarios_cost_in_real_and_cash_terms(world: World) -> None:
    c = client(world.users["board"])
    url = reverse("finance-scenario", args=["QK1", "scenario-1"])
    html = c.get(url).content.decode()
    assert "real terms at 2017/18 prices" in html and "Price base year 2017/18" in html
    assert "GBP 10,976,000" in html  # 98 WTE x GBP 112,000 at September 2017
    assert "GBP 15,386,000" in html  # the same gap filled by locums
    assert "<svg" in html
    cash = c.get(url + "?terms=cash").content.decode()
    assert "cash terms (with the pay uplift)" in cash
    html = c.get(reverse("finance-scenario", args=["QK1", "scenario-2-uncertain"])).content
    assert b"P10 to P90 over 1,000 draws" in html


def test_downloads_are_safe_from_formula_injection(world: World) -> None:
    c = client(world.users["analyst"])
    rec = _row("Leicester City", "2018/19")
    assert _post_row(c, rec, organisation='=HYPERLINK("http://x")').status_code == 302
    body = c.get(reverse("finance-download", args=["QK1", "allocations", "csv"])).content
    cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert any("HYPERLINK" in cell for cell in cells)
    book = c.get(reverse("finance-download", args=["QK1", "allocations", "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(book)).worksheets[0]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert not any(v.startswith("=") for v in values)
    cost = c.get(
        reverse("finance-scenario-download", args=["QK1", "scenario-1", "costs_by_year", "csv"])
        + "?terms=cash"
    )
    assert cost.status_code == 200 and b"10976000" in cost.content


def test_another_organisations_rows_are_not_found_under_ones_own(world: World) -> None:
    ids = finance_world("QXX")
    c = client(world.users["analyst"])
    url = reverse("finance-allocation-edit", args=["QK1", ids["QXX"]["allocation"]])
    assert c.get(url).status_code == 404
    url = reverse("finance-funding-edit", args=["QK1", ids["QXX"]["funding"]])
    assert c.get(url).status_code == 404


SPEND = b"""practice,quarter_end,locum_gbp,agency_gbp
C82001,2017-12-31,"20,000",5000
C82002,2017-12-31,15000,
C82001,2018-03-31,18000,4000
"""


def test_spend_is_loaded_and_tracked_against_the_plan(world: World) -> None:
    analyst = client(world.users["analyst"])
    url = reverse("finance-spend-upload", args=["QK1"])
    bad = io.BytesIO(SPEND + b"C82002,2018-03-30,-1,\n")
    bad.name = "spend.csv"
    response = analyst.post(url, {"file": bad})
    assert response.status_code == 400
    text = html_lib.unescape(response.content.decode())
    assert "spend.csv, row 5, column 'quarter_end'" in text
    assert "spend.csv, row 5, column 'locum_gbp': must be greater than or equal to 0" in text
    assert not SpendRecord.objects.exists()  # nothing half-written
    good = io.BytesIO(SPEND)
    good.name = "spend.csv"
    loaded = analyst.post(url, {"file": good}, follow=True)
    assert loaded.redirect_chain[-1][0] == reverse("finance-spend", args=["QK1"])
    said = html_lib.unescape(loaded.content.decode())
    assert "Loaded 3 rows from spend.csv: 3 added, 0 changed." in said
    assert SpendRecord.objects.filter(owner_id="QK1").count() == 3
    empty = analyst.post(url, {})
    assert empty.status_code == 400
    assert "Select a spend file to upload (.xlsx or .csv)" in empty.content.decode()
    assert AuditEvent.objects.filter(action="finance.spend_loaded").count() == 1
    board = client(world.users["board"])
    page = board.get(reverse("finance-spend", args=["QK1"]) + "?scenario=scenario-3")
    text = html_lib.unescape(page.content.decode())
    # Scenario 3 prices 39.44 locum WTE at GBP 157,000 a year: 1,548,020 a quarter
    assert "2017/18 Q3" in text and "40,000" in text and "1,548,020" in text
    assert "-1,508,020" in text
    assert board.get(url).status_code == 403


def test_a_scenario_that_cannot_be_costed_says_why(world: World) -> None:
    from gpworkforce.web.finance.models import CostedScenario

    CostedScenario.objects.create(
        owner_id="QK1", key="gone", title="A removed file", scenario_file="llr-2017/gone.toml"
    )
    c = client(world.users["board"])
    page = c.get(reverse("finance-scenario", args=["QK1", "gone"]))
    assert page.status_code == 422 and b"A removed file cannot be costed" in page.content
    download = c.get(
        reverse("finance-scenario-download", args=["QK1", "gone", "costs_by_year", "csv"])
    )
    assert download.status_code == 422


def test_pages_and_downloads_show_no_internal_key(world: World) -> None:
    from gpworkforce import labels

    c = client(world.users["analyst"])
    urls = [
        reverse("finance-org", args=["QK1"]),
        reverse("finance-allocations", args=["QK1"]),
        reverse("finance-funding", args=["QK1"]),
        reverse("finance-spend", args=["QK1"]),
        reverse("finance-scenario", args=["QK1", "scenario-3"]),
        reverse("finance-scenario", args=["QK1", "scenario-2-uncertain"]) + "?terms=cash",
        reverse("finance-download", args=["QK1", "allocations", "csv"]),
        reverse("finance-download", args=["QK1", "funding_register", "csv"]),
        reverse("finance-scenario-download", args=["QK1", "scenario-3", "costs_by_group", "csv"]),
    ]
    for url in urls:
        page = c.get(url)
        assert page.status_code == 200, url
        text = html_lib.unescape(page.content.decode("utf-8-sig"))
        assert labels.internal_keys_in(text) == [], url
    # Scenario 3's substitutes are named, not coded
    html = c.get(reverse("finance-scenario", args=["QK1", "scenario-3"])).content.decode()
    assert "DPC_PHARMACIST" not in html


def test_a_stored_scenario_run_is_costed_and_links_to_its_page(world: World) -> None:
    from django.utils import timezone

    import scenario_support
    from gpworkforce.web.scenarios import actions as scenario_actions
    from gpworkforce.web.scenarios.models import Run

    row = scenario_actions.create_scenario(world.users["analyst"], "QK1", scenario_support.llr())
    queued = scenario_support.queued_run(row)
    done = Run.objects.create(
        scenario=row,
        organisation_id="QK1",
        scenario_version=row.version,
        scenario_name=row.name,
        scenario_toml=row.toml,
        scenario_hash=row.scenario_hash,
        method=row.method,
        seed=int(row.document.get("seed", 0)),
        draws=0,
        status="done",
        requested_at=timezone.now(),
        finished_at=timezone.now(),
        results={"quarterly": []},
        record={},
    )
    c = client(world.users["board"])
    html = html_lib.unescape(c.get(reverse("finance-run", args=["QK1", done.pk])).content.decode())
    assert "GBP 10,976,000" in html  # Scenario 1: 98 WTE x GBP 112,000 at September 2017
    assert reverse("scenario-run-detail", args=[done.pk]) in html
    page = c.get(reverse("finance-run", args=["QK1", queued.pk]))
    assert page.status_code == 200 and b"has not finished" in page.content
    overview = c.get(reverse("finance-org", args=["QK1"])).content.decode()
    assert reverse("finance-run", args=["QK1", done.pk]) in overview
    assert c.get(reverse("finance-run", args=["QXX", done.pk])).status_code == 404


def _cohort_run(world: World, draws: int, correlation: str = "shared"):  # type: ignore[no-untyped-def]
    """A finished run of the LLR cohort scenario in the scenarios app (its exact TOML)."""
    from django.utils import timezone

    from gpworkforce.forecast.scenario_io import load_scenario
    from gpworkforce.web.scenarios.actions import create_scenario
    from gpworkforce.web.scenarios.models import Run

    row = create_scenario(
        world.users["analyst"], "QK1", load_scenario(LLR / "cohort.toml").scenario,
        source="test", action="scenario.import",
    )  # fmt: skip
    return Run.objects.create(
        scenario=row, organisation_id="QK1", scenario_version=row.version,
        scenario_name=row.name, scenario_toml=_with_correlation(row.toml, correlation), scenario_hash=row.scenario_hash,
        method="cohort", seed=int(row.document.get("seed", 0)), draws=draws, status="done",
        requested_at=timezone.now(), finished_at=timezone.now(), results={"quarterly": []},
        record={},
    )  # fmt: skip


def _with_correlation(toml: str, mode: str) -> str:
    import tomllib

    if mode == "shared":
        return toml
    assert tomllib.loads(toml)["correlation"]["draws"] == "shared"
    text = re.sub(r'(\[correlation\][^\[]*?draws = )"shared"', rf'\1"{mode}"', toml)
    assert tomllib.loads(text)["correlation"]["draws"] == mode
    return text


def test_a_cohort_run_is_costed_by_the_task_queue_then_shown(
    world: World, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cohort run's WTE per staff group and draw needs the engine: the page queues the task
    and says it is costing, asks again every 2 seconds (204 while pending), and reloads when
    the costs are ready. The costs are those of ``gpworkforce cost`` on the same TOML and
    draws; by hand, the plan's 39.44 locum WTE (Table 10) at GBP 157,000 in 2017/18."""
    from django.core.cache import cache
    from django.test import override_settings
    from django_tasks import default_task_backend

    from gpworkforce.finance.costing import ALL
    from gpworkforce.finance.runner import cost_scenario
    from gpworkforce.web.finance import compute
    from gpworkforce.web.finance.tasks import cost_cohort_run

    cache.clear()
    run = _cohort_run(world, draws=8)
    c = client(world.users["board"])
    url = reverse("finance-run", args=["QK1", run.pk])
    dummy = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    with override_settings(TASKS=dummy):  # a queue that holds the task until a worker runs it
        page = c.get(url)
        assert page.status_code == 200 and b"Costing this run" in page.content
        assert b'hx-trigger="every 2s"' in page.content
        assert b'<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.content
        assert c.get(url, headers={"HX-Request": "true"}).status_code == 204
        c.get(url)
        queued = [r for r in default_task_backend.results if r.task.name == "cost_cohort_run"]
        assert len(queued) == 1  # queued once, not at every look
        cost_cohort_run.call(*queued[0].args)  # the worker
        default_task_backend.clear()
    ready = c.get(url, headers={"HX-Request": "true"})
    assert ready.headers.get("HX-Refresh") == "true"
    html = html_lib.unescape(c.get(url).content.decode())
    assert "Costing this run" not in html and "GP locum" in html and "http-equiv" not in html
    # the cohort model's classes (ANP, PHARMACIST) by the roles they stand for, never coded
    assert "Advanced nurse practitioner" in html and ">ANP<" not in html
    from gpworkforce.labels import internal_keys_in

    assert internal_keys_in(re.sub(r"<[^>]+>", " ", html)) == []
    costed = compute.cost_stored_run(run, "QK1")
    assert costed.workforce.draws == 9  # central + 8 draws
    cli = cost_scenario(LLR / "cohort.toml", draws=8)
    for key in ("workforce", "gap_substantive"):
        assert costed.rows.get(key, ALL, ALL, "cash") == pytest.approx(
            cli.rows.get(key, ALL, ALL, "cash")
        ), key
    locum = costed.rows.get("workforce", "GP_LOCUM", "Practice", "cash")
    assert locum[0, 0] == pytest.approx(39.44 * 157_000)
    assert f"{round(39.44 * 157_000):,}" in html
    overview = c.get(reverse("finance-org", args=["QK1"])).content.decode()
    assert url in overview  # cohort runs are listed for costing too


def test_a_cohort_run_with_each_practices_own_draws_is_costed(
    world: World, shared_data: Path
) -> None:
    """Draws not shared by organisations (independent): costed, each draw the whole system's
    cost in that draw, the same per-draw WTE the forecast's own run of that scenario keeps."""
    from django.core.cache import cache

    from gpworkforce.finance.runs import run_workforce
    from gpworkforce.forecast.runner import run_scenario
    from gpworkforce.web.finance import compute
    from gpworkforce.web.finance.cohort_runs import toml_file

    cache.clear()
    run = _cohort_run(world, draws=4, correlation="independent")
    page = client(world.users["board"]).get(reverse("finance-run", args=["QK1", run.pk]))
    html = html_lib.unescape(page.content.decode())
    assert page.status_code == 200, html
    assert "cannot be costed" not in html and "GP locum" in html
    costed = compute.cost_stored_run(run, "QK1")
    assert costed.workforce.draws == 5  # central + 4 draws
    with toml_file(run.scenario_toml) as path:
        forecast = run_workforce(run_scenario(path, draws=4))
    np.testing.assert_allclose(costed.workforce.wte, forecast.wte, rtol=1e-9, atol=1e-6)
