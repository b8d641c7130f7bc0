"""``gpworkforce cost`` and ``gpworkforce finance ...`` end to end through the command line."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from gpworkforce.cli import app

ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_cost_prints_a_headline_and_writes_csv(tmp_path: Path) -> None:
    code, out, err = invoke("cost", str(LLR / "scenario-1.toml"), "--out", str(tmp_path))
    assert code == 0, err
    assert "Cost of the gap to target, filled by substantive staff: Sep 2017 10,976,000" in out
    assert "2017/18 prices" in out
    assert {p.name for p in tmp_path.iterdir()} == {
        "costs.csv",
        "cost_per_wte.csv",
        "wte.csv",
        "README.txt",
    }
    rows = _rows(tmp_path / "costs.csv")
    total_2020 = [
        r
        for r in rows
        if r["measure"] == "Cost of the gap to target, filled by locums"
        and r["group"] == "All"
        and r["terms"] == "cash"
        and r["financial_year"] == "2020/21"
    ]
    assert [float(r["central"]) for r in total_2020] == [78 * 157_000]


def test_cost_with_draws_and_xlsx_keeps_numbers_as_numbers(tmp_path: Path) -> None:
    code, out, err = invoke(
        "cost",
        str(LLR / "scenario-2-uncertain.toml"),
        "--draws",
        "40",
        "--xlsx",
        "--out",
        str(tmp_path),
    )
    assert code == 0, err
    assert "P10-P90" in out
    book = openpyxl.load_workbook(tmp_path / "costs.xlsx")
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if "central" in r)  # below the title and notes
    header = list(rows[at])
    assert {"central", "p10", "p50", "p90"} <= set(header)
    values = [r[header.index("p90")] for r in rows[at + 1 :] if r[header.index("financial_year")]]
    assert len(values) > 50 and all(isinstance(v, int | float) for v in values)


def test_a_bad_cost_model_gives_a_message_and_exit_4(tmp_path: Path) -> None:
    for name in ("scenario-1.toml", "scenario-2.toml"):
        shutil.copy(LLR / name, tmp_path / name)
    text = (
        (LLR / "costs.toml").read_text().replace("pay_per_session = 10000", "pay_per_session = -1")
    )
    (tmp_path / "costs.toml").write_text(text)
    code, _out, err = invoke(
        "cost", str(tmp_path / "scenario-2.toml"), "--out", str(tmp_path / "o")
    )
    assert code == 4
    assert "roles[0].pay_per_session" in err and "costs.toml:" in err and "at least 0" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_a_scenario_without_a_cost_model_says_how_to_give_one(tmp_path: Path) -> None:
    shutil.copy(LLR / "scenario-1.toml", tmp_path / "scenario-1.toml")
    code, _, err = invoke("cost", str(tmp_path / "scenario-1.toml"))
    assert code == 3 and "--costs FILE" in err
