"""Reports say which practices they could not place; placing none, or a period without figures,
is an error (issue 10, items 1 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

runner = CliRunner()
HEADER = (
    "Practice.Code,Year,ICB_NAME,TOTAL_PATIENTS,TOTAL_GP_EXTGL_FTE,TOTAL_LOCUUM_TRN_FTE,"
    "TOTAL_NURSES_FTE,TOTAL_DPC_FTE,TOTAL_ADMIN_FTE,TOTAL_GP_EXTGL_HC,TOTAL_LOCUUM_TRN_HC,"
    "TOTAL_NURSES_HC,TOTAL_DPC_HC,TOTAL_ADMIN_HC"
)


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def _workspace(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "staff_groups.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    result = run("load", "gpw-practice-year", path, "--data", ws)
    assert result.exit_code == 0, result.output
    return ws


KNOWN = "C82001,2024,LLR,24000,11.1,1.3,8.4,6.7,37.7,13,2,11,10,50"
UNKNOWN = "Y99998,2024,LLR,5000,2.0,0.5,1.0,1.0,4.0,2,1,1,1,5"


def test_report_names_the_practices_it_could_not_place(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, [KNOWN, UNKNOWN])
    out = tmp_path / "r.html"
    result = run("baseline", "--org", "QK1", "--period", "2024-03-31", "--source", "gpw",
                 "--data", ws, "--format", "html", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert (
        "1 of the 2 practices with workforce figures on 31 March 2024 could not be placed" in html
    )
    assert "(8.5 WTE: all staff groups)" in html and "Y99998" in html


def test_a_report_that_places_none_fails(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, [UNKNOWN])
    for org in ("ENG", "QK1"):
        result = run("baseline", "--org", org, "--period", "2024-03-31", "--source", "gpw",
                     "--data", ws)  # fmt: skip
        assert result.exit_code == 2, result.output
        assert "must hold at least one practice with gpw figures on 31 March 2024" in result.stderr
        assert "1 in no" in result.stderr


def test_a_period_without_figures_lists_those_with(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, [KNOWN])
    result = run("baseline", "--org", "QK1", "--period", "2019-03-31", "--source", "gpw",
                 "--data", ws)  # fmt: skip
    assert result.exit_code == 2
    assert "got 2019-03-31 (periods with figures: 2024-03-31)" in result.stderr
