"""The committee paper's track record (issue 15; decision 0171): ``gpworkforce paper`` gives each
scenario the sentences the web's paper gives, from one implementation
(:mod:`gpworkforce.forecast.track_record`), when both read the same GPW figures: the web from its
loaded figures, the command from a GPW practice-year file of the same numbers."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from django.core.cache import cache
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.web.papers.sources import web_parts
from gpworkforce.web.scenarios import actions
from gpworkforce.web.scenarios.models import Run
from gpworkforce.web.scenarios.tasks import run_scenario as run_task
from gpworkforce.web.testing import build_world
from scenario_support import gpw_year_gps, llr, queued_run

pytestmark = pytest.mark.django_db

# QK1's practices in the web's test world, which are QK1's in the built-in demo's registry too;
# fully qualified GPs by GPW Year, an uneven path so that the methods' records differ
PRACTICES = {"C82001": 10.0, "C82002": 6.0, "C82003": 8.0}
GROWTH = [0.03, -0.02, 0.05, 0.01, -0.04, 0.06, 0.02, -0.01, 0.04, 0.00]
YEARS = range(2016, 2026)
WEB_NAME = "Leicester, Leicestershire and Rutland"
DEMO_NAME = "NHS Leicester, Leicestershire and Rutland Integrated Care Board"


def _figures() -> dict[tuple[str, int], float]:
    out = {}
    for k, (code, start) in enumerate(PRACTICES.items()):
        v = start
        for i, fy in enumerate(YEARS):
            v *= 1 + GROWTH[(i + k) % len(GROWTH)]
            out[code, fy] = round(v, 3)
    return out


def _practice_year_csv(path: Path, figures: dict[tuple[str, int], float]) -> Path:
    lines = [
        '"Practice.Code","Year","TOTAL_PATIENTS","TOTAL_GP_EXTGL_HC","TOTAL_GP_EXTGL_FTE","TOTAL_ADMIN_FTE"'
    ]
    lines += [f'"{c}","{fy}",10000,{v},{v},5' for (c, fy), v in sorted(figures.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _web_sentences(file: str) -> tuple[str, str, tuple[str, ...]]:
    world = build_world()
    cache.clear()
    for (code, fy), v in _figures().items():
        gpw_year_gps(code, fy, v)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr(file))
    run = queued_run(row, 0)
    assert run_task.call(run.pk) == "done"
    run = Run.objects.get(pk=run.pk)
    (result,) = web_parts("QK1", run.requested_at.date()).scenarios
    return run.scenario_name, run.scenario_toml, result.track_record


def _docx_text(folder: Path) -> str:
    (path,) = folder.glob("*.docx")
    return " ".join(p.text for p in docx.Document(str(path)).paragraphs)


@pytest.mark.parametrize("file", ["scenario-1.toml", "cohort.toml"])
def test_the_cli_paper_gives_the_web_papers_track_record(file: str, tmp_path: Path) -> None:
    name, toml, web = _web_sentences(file)
    assert len(web) == 3 and web[0].startswith(f"{name}: how well has ")
    assert re.search(
        r"Over \d+ past forecasts \([^)]*\) its errors were \d+% (smaller|larger)", web[1]
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text(toml, encoding="utf-8")
    history = _practice_year_csv(tmp_path / "gpw.csv", _figures())
    result = CliRunner().invoke(
        app,
        ["paper", "--org", "QK1", "--period", "2017-09-30", "--format", "docx",
         "--scenario", str(scenario), "--history", str(history), "--out", str(tmp_path / "p")],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = _docx_text(tmp_path / "p")
    for sentence in web:  # the same words and figures; only each side's name for QK1 differs
        assert sentence.replace(WEB_NAME, DEMO_NAME) in text
    assert "Track record: each scenario's method" in text  # the methods appendix explains it


def test_the_cli_paper_reads_the_horizon_of_a_scenario_that_extends_another(tmp_path: Path) -> None:
    """LLR's Scenario 2 sets only what differs from Scenario 1 (``extends``); its 3 years come
    from Scenario 1: the record is at 3 years ahead, as the web's (which stores the scenario
    resolved), not at the longest horizon the history checks."""
    history = _practice_year_csv(tmp_path / "gpw.csv", _figures())
    result = CliRunner().invoke(
        app,
        ["paper", "--org", "QK1", "--period", "2017-09-30", "--format", "docx",
         "--scenario", str(Path("scenarios/llr-2017/scenario-2.toml")),
         "--history", str(history), "--out", str(tmp_path / "p")],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = _docx_text(tmp_path / "p")
    assert "Scenario 2: International recruitment and improved retention: how well has" in text
    assert "at 3 years ahead here" in text


def test_the_cli_paper_without_enough_history_says_so_and_has_no_track_record(
    tmp_path: Path,
) -> None:
    short = {k: v for k, v in _figures().items() if k[1] >= 2023}
    history = _practice_year_csv(tmp_path / "gpw.csv", short)
    args = ["paper", "--org", "QK1", "--period", "2017-09-30", "--format", "docx",
            "--scenario", str(Path("scenarios/llr-2017/scenario-1.toml")), "--out"]  # fmt: skip
    result = CliRunner().invoke(app, [*args, str(tmp_path / "p"), "--history", str(history)])
    assert result.exit_code == 0, result.stderr
    assert "no track record" in result.stderr and "3 GPW years of QK1's practices" in result.stderr
    assert "done here before?" not in _docx_text(tmp_path / "p")
    assert "Track record:" not in _docx_text(tmp_path / "p")
    missing = CliRunner().invoke(
        app, [*args, str(tmp_path / "q"), "--history", str(tmp_path / "none.csv")]
    )
    assert missing.exit_code != 0
    assert "--history must be a GPW practice-year CSV or a workspace directory" in missing.stderr
    assert not (tmp_path / "q").exists()
    (tmp_path / "bad.csv").write_text('"Practice.Code","Year"\n"C82001","2017"\n', encoding="utf-8")
    bad = CliRunner().invoke(
        app, [*args, str(tmp_path / "r"), "--history", str(tmp_path / "bad.csv")]
    )
    assert bad.exit_code != 0 and "bad.csv" in bad.stderr and "TOTAL_GP_EXTGL_FTE" in bad.stderr
    assert not (tmp_path / "r").exists()
