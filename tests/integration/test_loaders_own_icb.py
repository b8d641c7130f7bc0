"""The staff-groups file's own ICB for each practice is compared with the registry's, and every
disagreement reported at load (issue 10, item 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.loaders import build_registry
from gpworkforce.loaders.own_orgs import icb_disagreements

pytestmark = pytest.mark.integration

LLR = "Leicester, Leicestershire and Rutland"


def test_disagreements_with_the_registry_are_named(shared_data: Path) -> None:
    attributes = pd.DataFrame(
        {
            "practice_code": ["C82001", "C83653", "Y99998"],
            "period": pd.to_datetime(["2024-03-31"] * 3),
            "icb_name": [LLR, LLR, LLR],
        }
    )
    elsewhere, nowhere = icb_disagreements(attributes, build_registry(shared_data), "f.csv")
    # C83653: GPW puts it in LLR, the registry's maps in Lincolnshire (issue 10)
    assert elsewhere.startswith("f.csv: 1 practice-year row with an ICB other than")
    assert (
        f"C83653 (file: {LLR}; registry: NHS Lincolnshire Integrated Care Board, 2024-03-31)"
        in elsewhere
    )
    assert "C82001" not in elsewhere + nowhere  # agrees (names compared without 'NHS ... ICB')
    assert nowhere.startswith("f.csv: 1 practice-year row with an ICB where the registry")
    assert f"Y99998 ({LLR}, 2024-03-31)" in nowhere


def test_the_real_file_reports_them_at_load(shared_data: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gpworkforce.cli import app
    from gpworkforce.cli.workspace import read_manifest

    path = shared_data / "nhs" / "gpw_practice_fy2023_2025_staff_groups.csv"
    result = CliRunner().invoke(
        app, ["load", "gpw-practice-year", str(path), "--data", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "101 practice-year rows with an ICB other than the registry's" in result.stderr
    (entry,) = read_manifest(tmp_path).entries
    assert any("C83653 (file: " + LLR in w for w in entry.warnings)
