"""Back-tests, calibration and the evaluation take their GPW panel through the loaders and the
workspace (issue 9, item 6): ``gpworkforce.cli.sources.gpw_panel`` reads a workspace's parsed
store, a CSV through the loader, or the shared copy; the forecast modules open no file."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.cli.sources import gpw_panel
from gpworkforce.errors import UserError
from gpworkforce.loaders.practice_year import load_practice_year_gp_admin

GP_ADMIN = "gpw_practice_fy2016_2024_gp_admin.csv"
SRC = Path(__file__).resolve().parents[2] / "src" / "gpworkforce"


def _sorted(panel: pd.DataFrame) -> pd.DataFrame:
    return panel.sort_values(["practice_code", "fy"]).reset_index(drop=True)


def test_workspace_panel_equals_the_loaders(tmp_path: Path, shared_data: Path) -> None:
    path = shared_data / "nhs" / GP_ADMIN
    ws = tmp_path / "ws"
    loaded = CliRunner().invoke(app, ["load", "gpw-practice-year", str(path), "--data", str(ws)])
    assert loaded.exit_code == 0, loaded.output
    from_ws, where = gpw_panel(ws)
    assert where == "the workspace ws"
    # the oracle: the loader's own rows, filtered to qualified GPs without the panel code
    rows = load_practice_year_gp_admin(path).workforce
    rows = rows.loc[(rows["node"] == "GP_QUALIFIED")]
    assert len(from_ws) == len(rows) > 50_000
    assert from_ws["headcount"].sum() == pytest.approx(rows["headcount"].astype(float).sum())
    from_file, where_file = gpw_panel(path)
    assert where_file == str(path)
    pd.testing.assert_frame_equal(_sorted(from_ws), _sorted(from_file))


def test_a_workspace_without_enough_years_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "ws"
    empty.mkdir()
    with pytest.raises(UserError):
        gpw_panel(empty)
    with pytest.raises(UserError, match="GPW practice-year CSV or a workspace directory"):
        gpw_panel(tmp_path / "nothing.csv")


def test_forecast_modules_pick_no_data_file() -> None:
    """No forecast module chooses a data file (the shared NHS or ONS copies): they take frames,
    or the files a scenario names (scenario_io.py resolves its ``shared:`` paths; io.py reads
    them)."""
    offenders = []
    for py in sorted((SRC / "forecast").rglob("*.py")):
        if py.name == "scenario_io.py":
            continue
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.alias):
                name = node.name.split(".")[-1]
            if name in {"nhs_file", "ons_file", "shared_data_dir"}:
                offenders.append(f"{py.relative_to(SRC)}: {name}")
    assert offenders == []
