"""The baseline command says, whatever the format, which files and vintages it read and how many
practices of the source it could not place, with their WTE (issue 10, Deliver items 1 and 2):
the text tables, CSV and XLSX carry no statements, so the command prints them on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

HEADER = (
    '"Practice.Code","Year","TOTAL_PATIENTS","TOTAL_GP_EXTGL_HC","TOTAL_GP_EXTGL_FTE",'
    '"TOTAL_ADMIN_FTE","TOTAL_ADMIN_MANAGER_FTE","TOTAL_ADMIN_RECEPT_FTE",'
    '"TOTAL_ADMIN_TELEPH_FTE","IMD","IMD_quintile"'
)
ROWS = [
    '"C82001","2018",9421,4,4.5,11.7,1,5.4,0,6.74,"1"',
    '"C82002","2018",8000,3,2.5,8.25,1,5,0,6.74,"1"',
    # a practice no registry knows: 2 GP WTE + 4.9 admin WTE = 6.9 WTE placed nowhere
    '"Z91001","2018",4147,2,2,4.9,1,3.9,0,31.5,"4"',
]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    source = tmp_path / "gp_admin.csv"
    source.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    loaded = run("load", "gpw-practice-year", source, "--data", ws, "--published", "2018-03-01")
    assert loaded.exit_code == 0, loaded.output
    return ws


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_files_vintages_and_unplaced_practices_are_stated(
    workspace: Path, tmp_path: Path, fmt: str
) -> None:
    out = ["--out", tmp_path / "out"] if fmt == "csv" else []
    result = run("baseline", "--org", "QK1", "--period", "2017-09-30", "--source", "gpw",
                 "--data", workspace, "--format", fmt, *out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "gp_admin.csv (gpw-practice-year, published 2018-03-01)" in result.stderr
    assert (
        "1 of the 3 practices with workforce figures on 30 September 2017 could not be placed "
        "in any ICB on that date (6.9 WTE: all staff groups) and count in no area: Z91001."
    ) in result.stderr
