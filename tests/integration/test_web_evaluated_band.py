"""Web forecasts take the evaluated band when an evaluation of the loaded data exists (issue 15,
item 1; decision 0156): the evaluation is a task of the loaded GPW figures; a run of an ICB's or
a sub-ICB location's scenario applies its band exactly as ``gpworkforce forecast --band
evaluated`` does with the same file; the page and the run record say which band it is, or that
there is none yet and the band shown is the model's own, with a caution."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.web.models import ReferenceWorkforce
from gpworkforce.web.scenarios import actions
from gpworkforce.web.scenarios.bands import evaluate_loaded_data, request_evaluation
from gpworkforce.web.scenarios.models import BandEvaluation, Run
from gpworkforce.web.scenarios.tasks import run_scenario
from gpworkforce.web.testing import build_world
from scenario_support import gpw_year_gps, llr, queued_run

pytestmark = pytest.mark.django_db

PRACTICES = {"C82001": 10.0, "C82002": 6.0, "C82003": 8.0, "Y00001": 5.0}
# each GPW Year's growth, per practice (made up, uneven so that every method misses)
GROWTH = [0.03, -0.02, 0.05, 0.01, -0.04, 0.06, 0.02, -0.01, 0.04, 0.00]


def _load() -> None:
    for k, (code, start) in enumerate(PRACTICES.items()):
        v = start
        for i, fy in enumerate(range(2015, 2025)):
            v *= 1 + GROWTH[(i + k) % len(GROWTH)]
            gpw_year_gps(code, fy, v, "nhs-digital:gpw-practice:2024-09-30:2024-11-28:abc")


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    w = build_world()
    cache.clear()
    _load()
    return w


def _evaluate() -> BandEvaluation:
    with TestCase.captureOnCommitCallbacks(execute=True):
        request_evaluation()  # the test settings' task backend runs it at once
    row = BandEvaluation.objects.get()
    assert row.status == "done", row.error
    return row


def _run(world, org: str, file: str = "scenario-1.toml", draws: int = 0) -> Run:  # type: ignore[no-untyped-def]
    row = actions.create_scenario(world.users["analyst"], org, llr(file))
    run = queued_run(row, draws)
    assert run_scenario.call(run.pk) == "done"
    return Run.objects.get(pk=run.pk)


def _page(world, user: str, run: Run) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.users[user])
    response = client.get(reverse("scenario-run-detail", args=[run.pk]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_evaluation_is_a_task_of_the_loaded_data(world) -> None:  # type: ignore[no-untyped-def]
    row = _evaluate()
    frame = list(csv.DictReader(io.StringIO(row.bands_csv)))
    assert {r["Level"] for r in frame} == {"ICB", "sub-ICB location"}
    assert "HEE linear (LLR 2017 rates)" in {r["Method"] for r in frame}
    assert row.areas == {"icb": 2, "sub-icb": 3}
    # the world's figures start in GPW Year 2015: no change and HEE linear are forecast from it,
    # the other methods two years of growth later (decision 0155)
    assert row.origins and min(row.origins) == 2015
    assert row.data_sources == ["nhs-digital:gpw-practice:2024-09-30:2024-11-28:abc"]
    # asked again for the same data version: nothing new is queued
    with TestCase.captureOnCommitCallbacks(execute=True):
        request_evaluation()
    assert BandEvaluation.objects.count() == 1
    assert evaluate_loaded_data.call(row.data_version) == "not queued"


def test_the_web_and_the_cli_give_the_same_band(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    row = _evaluate()
    run = _run(world, "QK1")
    band = run.results["band"]
    assert band["kind"] == "evaluated" and band["level"] == "icb"
    # the CLI on the run's own TOML with the same evaluation file
    (tmp_path / "s.toml").write_text(run.scenario_toml, encoding="utf-8")
    (tmp_path / "evaluation_bands.csv").write_text(row.bands_csv, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["forecast", str(tmp_path / "s.toml"), "--out", str(tmp_path / "out"), "--band",
         "evaluated", "--evaluation", str(tmp_path), "--band-level", "icb"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with (tmp_path / "out" / "evaluated_band.csv").open(encoding="utf-8-sig") as fh:
        cli = list(csv.DictReader(fh))
    assert len(cli) == len(band["rows"]) == 3
    for c, w in zip(cli, band["rows"], strict=True):
        for q in ("central", "p10", "p50", "p90"):
            if c[q] == "":
                assert w[q] is None
            else:
                assert float(c[q]) == pytest.approx(w[q], abs=0.05)  # the CSV: 1 decimal
    judged = [r for r in band["rows"] if r["p10"] is not None]
    assert judged and all(r["p10"] < r["central"] * 1.0001 < r["p90"] * 1.0001 for r in judged)
    # the run record names the calibration and the data it came from
    record = run.record["band"]
    assert record["kind"] == "evaluated" and record["level"] == "icb"
    assert record["method"] == "hee-linear" and record["sha256"] == row.sha256
    assert record["data"]["data_sources"] == row.data_sources
    assert record["data"]["starting_years"] == row.origins
    assert "fully qualified GPs" in record["measure"]


@pytest.mark.parametrize("user", ["analyst", "board"])
def test_the_page_shows_the_evaluated_band(world, user: str) -> None:  # type: ignore[no-untyped-def]
    _evaluate()
    run = _run(world, "03W")  # a sub-ICB location: its level's band
    assert run.results["band"]["level"] == "sub-icb"
    page = _page(world, user, run)
    assert "The range shown is the evaluated band" in page
    assert "HEE linear (LLR 2017 rates) forecasts of each sub-ICB location" in page
    assert "It applies to the total only" in page
    assert "The evaluated band, year by year" in page
    assert re.search(
        r"Evaluated band: sub-ICB location, HEE linear \(LLR 2017 rates\), from \d+ starting years",
        page,
    )
    assert "NHS Digital" in page or "GPW" in page  # the data it was evaluated from, in words
    assert "No evaluated band" not in page
    # where the band's median is 1% or more off the central case, the page says which way
    target = run.results["band"]["target"]
    shift = target["p50"] / target["central"] - 1
    said = f"Its median is {abs(shift):.1%} {'below' if shift < 0 else 'above'} the central case"
    assert (said in page) == (abs(shift) >= 0.01)
    assert f"chance of reaching the target is {target['chance_text']}" in page


@pytest.mark.parametrize("user", ["analyst", "board"])
def test_without_an_evaluation_the_page_cautions_that_the_band_is_the_models_own(
    world, user: str
) -> None:  # type: ignore[no-untyped-def]
    run = _run(world, "QK1", "scenario-2-uncertain.toml", draws=50)
    assert run.results["band"]["kind"] == "draws"
    assert run.record["band"] == {
        "kind": "draws",
        "why_not_evaluated": "no evaluation of the loaded data exists yet",
        "measure": "FTE of fully qualified GPs (excluding trainees and locums)",
    }
    page = _page(world, user, run)
    assert "No evaluated band" in page
    assert "No evaluation of the loaded data exists yet." in page
    assert "This band is the model&#39;s own" in page and "read it with caution" in page
    assert "model&#39;s own band P10 to P90" in page
    assert "The model's own (uncalibrated)" in page


def test_a_scenario_of_another_measure_keeps_the_models_band_and_says_why(world) -> None:  # type: ignore[no-untyped-def]
    _evaluate()
    run = _run(world, "QK1", "scenario-3.toml")
    band = run.results["band"]
    assert band["kind"] == "draws"
    assert "adds substitutes (Pharmacist, Advanced nurse practitioner)" in band["why"]
    assert "evaluated_band.csv" not in run.record["outputs"]
    page = _page(world, "analyst", run)
    assert "No evaluated band" in page and "another measure" in page


def test_an_accepted_return_does_not_call_for_a_new_evaluation_a_gpw_load_does(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    from gpworkforce.web.jobs.models import bump
    from gpworkforce.web.scenarios.bands import data_key

    before = data_key()
    with transaction.atomic():
        bump(practice_code="C82001")  # what accepting a practice's return does
    assert data_key() == before
    ReferenceWorkforce.objects.create(
        practice_code="C82001", period=dt.date(2024, 9, 30), node="GP_QUALIFIED",
        headcount=1.0, fte=1.0, source_id="another",
    )  # fmt: skip
    assert data_key() != before


def test_a_changed_band_rule_calls_for_a_new_evaluation(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # an upgrade that changes how the band is made (decision 0173 after 0158) must not keep
    # showing the band the old code evaluated for the same data
    from gpworkforce.forecast import evaluation
    from gpworkforce.web.scenarios.bands import data_key

    before = data_key()
    assert before.endswith(f".b{evaluation.BAND_RULE}")
    monkeypatch.setattr(evaluation, "BAND_RULE", "0158")
    assert data_key() != before
    assert len(before) <= 40  # BandEvaluation.data_version's length


def test_the_scenario_page_says_which_band_a_run_now_would_get(world) -> None:  # type: ignore[no-untyped-def]
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    client = Client()
    client.force_login(world.users["analyst"])
    url = reverse("scenario-detail", args=[row.pk])
    with TestCase.captureOnCommitCallbacks(execute=False):  # queued, its task not yet run
        first = " ".join(client.get(url).content.decode().split())
    assert BandEvaluation.objects.get().status == "queued"
    assert (
        "A run now shows the model&#39;s own band: the evaluation of the loaded data is still"
        " being worked out." in first
    )
    assert evaluate_loaded_data.call(BandEvaluation.objects.get().data_version) == "done"
    later = " ".join(client.get(url).content.decode().split())
    assert "A run now takes the evaluated band of the loaded data (starting years" in later


def test_a_practices_scenario_keeps_the_models_band(world) -> None:  # type: ignore[no-untyped-def]
    _evaluate()
    run = _run(world, "C82001")
    band = run.results["band"]
    assert band["kind"] == "draws"
    assert band["why"] == (
        "bands were evaluated for ICBs and sub-ICB locations; this scenario's organisation is"
        " a practice"
    )
