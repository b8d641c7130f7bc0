"""The evaluated band everywhere a forecast is shown (issue 15, items 1 and 2; decision 0166):
the compare page, a plan adopted from a run and the committee paper (web and `gpworkforce
paper`) show the band the run's own page shows, say which band it is, or that it is the model's
own with a caution; the CLI paper given the web's evaluation gives the web paper's figures."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.forecast.runner import RunOptions, run_scenario
from gpworkforce.papers.build import _scenario_section, scenario_result
from gpworkforce.web.papers.sources import scenario_from_run
from gpworkforce.web.plans.runs import document_from_run
from gpworkforce.web.scenarios import actions
from gpworkforce.web.scenarios.bands import request_evaluation
from gpworkforce.web.scenarios.models import BandEvaluation, Run
from gpworkforce.web.scenarios.tasks import run_scenario as run_task
from gpworkforce.web.testing import build_world
from scenario_support import gpw_year_gps, llr, queued_run

pytestmark = pytest.mark.django_db

PRACTICES = {"C82001": 10.0, "C82002": 6.0, "C82003": 8.0, "Y00001": 5.0}
GROWTH = [0.03, -0.02, 0.05, 0.01, -0.04, 0.06, 0.02, -0.01, 0.04, 0.00]


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    w = build_world()
    cache.clear()
    for k, (code, start) in enumerate(PRACTICES.items()):
        v = start
        for i, fy in enumerate(range(2015, 2025)):
            v *= 1 + GROWTH[(i + k) % len(GROWTH)]
            gpw_year_gps(code, fy, v, "nhs-digital:gpw-practice:2024-09-30:2024-11-28:abc")
    return w


def _evaluate() -> BandEvaluation:
    with TestCase.captureOnCommitCallbacks(execute=True):
        request_evaluation()
    row = BandEvaluation.objects.get()
    assert row.status == "done", row.error
    return row


def _run(world, file: str, draws: int = 0, org: str = "QK1", name: str = "") -> Run:  # type: ignore[no-untyped-def]
    scenario = llr(file)
    if name:
        scenario = scenario.model_copy(update={"name": name})
    row = actions.create_scenario(world.users["analyst"], org, scenario)
    run = queued_run(row, draws)
    assert run_task.call(run.pk) == "done"
    return Run.objects.get(pk=run.pk)


def _flat(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_compare_page_shows_each_runs_own_band(world) -> None:  # type: ignore[no-untyped-def]
    model = _run(world, "scenario-2-uncertain.toml", draws=50)  # before any evaluation
    _evaluate()
    evaluated = _run(world, "scenario-2-uncertain.toml", draws=50, name="Evaluated")
    assert evaluated.results["band"]["kind"] == "evaluated"
    assert model.results["band"]["kind"] == "draws" and model.results["uncertain"]
    client = Client()
    client.force_login(world.users["board"])
    page = _flat(client.get(reverse("scenario-compare", args=["QK1"])))
    at = evaluated.results["band"]["target"]
    assert f"{at['p10']:,.1f} to {at['p90']:,.1f}" in page
    assert re.search(r"evaluated band \(ICB, 20\d\d to 20\d\d\)", page)
    assert f"{at['chance_text']}, read from the evaluated band" in page
    own = model.results["target"]
    assert f"{own['supply_p10']:,.1f} to {own['supply_p90']:,.1f}" in page
    assert "model&#39;s own band" in page and "P10 to P90, evaluated band or the model" in page
    assert "Read the model's own bands with caution" in page
    # the evaluated run's own draws (the same scenario's: the same range as the other run's)
    # are shown once, for the run without an evaluated band
    mine = evaluated.results["target"]
    assert (mine["supply_p10"], mine["supply_p90"]) == (own["supply_p10"], own["supply_p90"])
    assert (mine["supply_p10"], mine["supply_p90"]) != (at["p10"], at["p90"])
    assert page.count(f"{mine['supply_p10']:,.1f} to {mine['supply_p90']:,.1f}") == 1


def test_a_plan_adopted_from_a_run_takes_its_evaluated_band(world) -> None:  # type: ignore[no-untyped-def]
    _evaluate()
    run = _run(world, "scenario-1.toml", draws=20)
    rows = {r["date"]: r for r in run.results["band"]["rows"] if r["p10"] is not None}
    plan = document_from_run(run, name="Plan", reason="adopted", today=dt.date(2024, 1, 1))
    (scenario,) = plan.scenarios
    points = {p.date.isoformat(): p for p in scenario.points}
    assert rows and set(rows) <= set(points)
    for date, r in rows.items():  # at the band's whole years: its own P10/P90
        assert points[date].p10 == pytest.approx(min(r["p10"], r["central"]), abs=1e-4)
        assert points[date].p90 == pytest.approx(max(r["p90"], r["central"]), abs=1e-4)
    assert "the evaluated band (ICB, HEE linear (LLR 2017 rates)" in scenario.source


def test_the_cli_paper_and_the_web_paper_give_the_same_band(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    row = _evaluate()
    run = _run(world, "scenario-1.toml", draws=20)
    web = scenario_from_run(run)
    assert web is not None and web.band == "evaluated"
    (tmp_path / "s.toml").write_text(run.scenario_toml, encoding="utf-8")
    (tmp_path / "evaluation_bands.csv").write_text(row.bands_csv, encoding="utf-8")
    from gpworkforce.cli.paper import paper_band
    from gpworkforce.domain.orgs import OrgType

    cli_run = run_scenario(tmp_path / "s.toml", 20, options=RunOptions(charts=False))
    cli_run, why = paper_band(cli_run, tmp_path / "evaluation_bands.csv", OrgType.ICB)
    assert why == ""
    cli = scenario_result(cli_run)
    assert cli.band == "evaluated" and cli.band_note == web.band_note
    assert cli.chance_text == web.chance_text == run.results["band"]["target"]["chance_text"]

    def table(result):  # type: ignore[no-untyped-def]
        section = _scenario_section(SimpleNamespace(scenarios=[result]))  # type: ignore[arg-type]
        return section.tables[0].frame.iloc[0].to_dict(), section.paragraphs

    (w, w_text), (c, c_text) = table(web), table(cli)
    for col in ("By", "GP WTE (central)", "P10", "P90", "Band", "Chance of meeting the target"):
        assert w[col] == (pytest.approx(c[col], abs=1e-4) if isinstance(c[col], float) else c[col])
    assert w["Band"] == "evaluated" and w["P10"] is not None
    last = [r for r in run.results["band"]["rows"] if r["p10"] is not None][-1]
    assert w["P10"] == pytest.approx(last["p10"], abs=1e-4)  # the band's own figure
    assert w_text == c_text
    assert any("P10 to P90 is the evaluated band (ICB, HEE linear" in p for p in w_text)


def test_the_cli_paper_command_prints_the_evaluated_band(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    row = _evaluate()
    run = _run(world, "scenario-1.toml")
    (tmp_path / "evaluation_bands.csv").write_text(row.bands_csv, encoding="utf-8")
    (tmp_path / "s.toml").write_text(run.scenario_toml, encoding="utf-8")
    args = ["paper", "--org", "QK1", "--period", "2017-09-30", "--format", "docx",
            "--scenario", str(tmp_path / "s.toml")]  # fmt: skip
    with_band = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "a"), "--evaluation", str(tmp_path)]
    )
    assert with_band.exit_code == 0, with_band.stderr
    without = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert without.exit_code == 0, without.stderr
    import docx

    def text(folder: str) -> str:
        (path,) = (tmp_path / folder).glob("*.docx")
        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return " ".join([p.text for p in document.paragraphs] + cells)

    a, b = text("a"), text("b")
    assert "P10 to P90 is the evaluated band (ICB, HEE linear" in a
    assert run.results["band"]["target"]["chance_text"] in a
    assert "P10 to P90 is the evaluated band" not in b
    assert "read from its evaluated band" in a and "read from its evaluated band" not in b
    missing = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "c"), "--evaluation", str(tmp_path / "none")]
    )
    assert missing.exit_code == 2 and "expected the output directory" in missing.stderr
    assert not (tmp_path / "c").exists()


def test_a_run_with_draws_but_no_band_paper_says_the_models_own_with_caution(world) -> None:  # type: ignore[no-untyped-def]
    run = _run(world, "scenario-2-uncertain.toml", draws=30)  # no evaluation yet
    web = scenario_from_run(run)
    assert web is not None and web.band == "model"
    assert "the model's own band" in web.band_note and "read it with caution" in web.band_note
    assert "no evaluation of the loaded data exists yet" in web.band_note
    assert web.probability == run.results["target"]["probability"]


def test_the_web_paper_gives_the_track_record_next_to_the_forecast(world) -> None:  # type: ignore[no-untyped-def]
    from gpworkforce.web.papers.sources import web_parts

    _evaluate()
    _run(world, "scenario-1.toml", draws=20)
    (result,) = web_parts("QK1", dt.date(2017, 9, 30)).scenarios
    section = _scenario_section(SimpleNamespace(scenarios=[result]))  # type: ignore[arg-type]
    text = " ".join(section.paragraphs)
    assert "how well has HEE linear (LLR 2017 rates) done here before?" in text
    assert re.search(
        r"Leicester, Leicestershire and Rutland's fully qualified GPs from every GPW year 20\d\d to 20\d\d",
        text,
    )
    assert re.search(r"past forecasts \([^)]*years ahead[^)]*\) its errors were", text)  # verdict
    assert "skill over \u201cno change\u201d" in text or "Too few forecasts to judge" in text
