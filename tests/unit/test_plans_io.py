"""Plan files: trajectories from a table (CSV, XLSX), from a forecast scenario, and bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.plans.io import load_plan

ROOT = Path(__file__).resolve().parents[2]
HEADER = """
name = "BLMK GP trajectory"
organisation = "QHG"
level = "icb"
start = 2018-03-31
end = 2020-09-30
adopted = "Trajectory 01/05/2018"
[[revisions]]
version = 1
date = 2018-05-01
reason = "agreed"
"""
# BLMK Table 1 (seed 002): the GP trajectory of 01/05/2018
BLMK = [
    ("2018-03-31", 424.3),
    ("2018-06-30", 426.3),
    ("2018-09-30", 428.0),
    ("2018-12-31", 438.7),
    ("2019-03-31", 450.6),
    ("2020-09-30", 537.8),
]


def write_plan(tmp_path: Path, scenario: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(HEADER + scenario, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_trajectory_imported_from_a_table(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame(BLMK, columns=["date", "central"])
    table = tmp_path / f"blmk{suffix}"
    if suffix == ".csv":
        frame.to_csv(table, index=False)
    else:
        frame.to_excel(table, index=False, sheet_name="GPs")
    sheet = 'sheet = "GPs"\n' if suffix == ".xlsx" else ""
    plan = load_plan(
        write_plan(
            tmp_path,
            f'[[scenarios]]\nname = "Trajectory 01/05/2018"\nstaff_group = "gp"\n'
            f'table = "{table.name}"\n{sheet}',
        )
    )
    (traj,) = plan.scenarios
    assert [(p.date.isoformat(), p.central) for p in traj.points] == BLMK
    assert traj.source == f"table {table.name}"


def test_bad_table_cell_names_file_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("date,central\n2018-03-31,424.3\n2018-06-30,lots\n")
    path = write_plan(
        tmp_path,
        '[[scenarios]]\nname = "Trajectory 01/05/2018"\nstaff_group = "gp"\ntable = "t.csv"\n',
    )
    with pytest.raises(InputFileError, match=r"t\.csv, row 3, column central: must be a number"):
        load_plan(path)


def test_table_without_the_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("when,wte\n2018-03-31,424.3\n")
    path = write_plan(
        tmp_path,
        '[[scenarios]]\nname = "Trajectory 01/05/2018"\nstaff_group = "gp"\ntable = "t.csv"\n',
    )
    with pytest.raises(InputFileError, match="must have columns date and central"):
        load_plan(path)


def test_a_scenario_needs_exactly_one_source(tmp_path: Path) -> None:
    path = write_plan(
        tmp_path,
        '[[scenarios]]\nname = "Trajectory 01/05/2018"\nstaff_group = "gp"\n'
        'table = "a.csv"\nscenario_file = "b.toml"\n',
    )
    with pytest.raises(ValidationFailed, match="exactly one of scenario_file, table or points"):
        load_plan(path)


def test_trajectory_from_a_hee_linear_scenario_has_its_fan(tmp_path: Path) -> None:
    # scenario-2-uncertain: 541 -> central 630 in Sep 2020 (LLR Table 13), drawn P10 < 630 < P90
    scenario = ROOT / "scenarios" / "llr-2017" / "scenario-2-uncertain.toml"
    path = tmp_path / "plan.toml"
    path.write_text(
        HEADER.replace("2018-03-31", "2017-09-30").replace('"Trajectory 01/05/2018"', '"S2"')
        + f'[[scenarios]]\nname = "S2"\nstaff_group = "gp"\nscenario_file = "{scenario}"\n'
        "draws = 200\n",
        encoding="utf-8",
    )
    (traj,) = load_plan(path).scenarios
    assert traj.points[0].date == dt.date(2017, 9, 30) and traj.points[0].central == 541
    last = traj.points[-1]
    assert last.date == dt.date(2020, 9, 30) and last.central == pytest.approx(630)
    assert last.p10 is not None and last.p90 is not None
    assert last.p10 < 630 < last.p90
    assert "200 draws" in traj.source


def test_a_scenario_without_dates_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "undated.toml"
    scenario.write_text(
        'name = "undated"\nmethod = "hee-linear"\n[hee_linear]\nbaseline_wte = 541\nyears = 3\n'
        "over55_wte = 87\nover55_loss_rate = 0.15\nsession_loss_rate = 0.03\n"
        "trainees_qualifying = 153\ntrainee_retention = 0.7\n",
        encoding="utf-8",
    )
    path = write_plan(
        tmp_path,
        '[[scenarios]]\nname = "Trajectory 01/05/2018"\nstaff_group = "gp"\n'
        'scenario_file = "undated.toml"\n',
    )
    with pytest.raises(InputFileError, match="must give a dated trajectory"):
        load_plan(path)
