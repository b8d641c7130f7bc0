"""Every loader warning reaches the user (load and validate) and the manifest (issue 10, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.cli.workspace import read_manifest

pytestmark = pytest.mark.integration

runner = CliRunner()
PCN = "pcn_workforce_individual_2022-09_cp1252.csv"


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def test_load_prints_a_summary_and_records_every_warning(shared_data: Path, tmp_path: Path) -> None:
    result = run("load", "pcn-individual", shared_data / "nhs" / PCN, "--data", tmp_path)
    assert result.exit_code == 0, result.output
    assert "; cp1252)" in result.stdout
    assert f"{PCN}: 2 warnings" in result.stderr
    assert "1 negative WTE figure kept as published (rows 15683)" in result.stderr
    assert "889 rows (251.0 WTE) left out, mapped to no role the service knows" in result.stderr
    assert "--verbose shows every warning in full" in result.stderr
    (entry,) = read_manifest(tmp_path).entries
    assert entry.encoding == "cp1252"
    assert len(entry.warnings) == 2
    long = next(w for w in entry.warnings if "889 rows" in w)
    assert long not in result.stderr  # shortened in the summary
    assert "Clinical Director \u2013 DPC" in long


def test_verbose_prints_every_warning_in_full(shared_data: Path) -> None:
    result = run("validate", shared_data / "nhs" / PCN, "--kind", "pcn-individual", "--verbose")
    assert result.exit_code == 0, result.output
    assert "889 rows (251.0 WTE)" in result.stderr
    assert "Clinical Director \u2013 Nurse" in result.stderr
    assert "--verbose shows" not in result.stderr


def test_mixed_encoding_file_is_refused_and_nothing_loaded(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    bad = tmp_path / "mixed.csv"
    bad.write_bytes(
        b"ccg,icb\n" + "A \u2013 B".encode() + b",x\n" + "C \u2013 D".encode("cp1252") + b",y\n"
    )
    result = run("load", "ons-population", bad, "--data", ws)
    assert result.exit_code != 0
    assert "must use one encoding throughout" in result.stderr
    assert not (ws / "manifest.json").exists()
