"""``gpworkforce template`` refuses codes that are not open practices and dates that are not
quarter ends (issue 10, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

runner = CliRunner()


@pytest.mark.parametrize(
    ("practice", "census", "message"),
    [
        (
            "QK1",
            "2017-09-30",
            "--practice must be the ODS code of a practice, got QK1, which is an ICB",
        ),
        ("03W", "2017-09-30", "which is a sub-ICB location"),
        ("C82001", "2017-09-29", "--census-date must be a quarter end"),
        ("C82001", "2017-08-31", "got 2017-08-31"),
        # an open practice, a quarter end, but years ahead (decision 0168's session, item 4)
        ("C82001", "2031-03-31", "--census-date must be no later than"),
        ("C82001", "2031-03-31", "the next quarter end after today"),
    ],
)
def test_template_refuses(tmp_path: Path, practice: str, census: str, message: str) -> None:
    out = tmp_path / "t.xlsx"
    result = runner.invoke(
        app, ["template", "--practice", practice, "--census-date", census, "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not out.exists()


def test_template_for_an_open_practice_on_a_quarter_end(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = runner.invoke(
        app, ["template", "--practice", "C82001", "--census-date", "2017-09-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
