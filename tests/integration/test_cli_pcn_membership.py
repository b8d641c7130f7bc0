"""``gpworkforce load pcn-membership`` (the ODS ePCN workbook) through to the reports (issue 10,
items 1 and 7; decision 0153).

The ePCN sample is the committed **synthetic** workbook ``tests/data/epcn/ePCN.xlsx`` (real LLR
practices and PCNs, made-up dates: C82002 moves from U71931 to U30213 on 1 October 2023). The
staff figures are **synthetic** GPW high-level files written here for September and December
2023 (made-up WTE for four real LLR practices)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).parents[1] / "data" / "epcn" / "ePCN.xlsx"
HEADER = "PRAC_CODE,PRAC_NAME,STAFF_GROUP,DETAILED_STAFF_ROLE,MEASURE,VALUE"
GROUPS = ("GP", "Nurses", "Direct Patient Care", "Admin/Non-Clinical")
# month -> practice -> each staff group's total WTE (C82001, C82022 in U30213 all along)
WTE = {
    "September": {"C82001": 4.5, "C82002": 2.0, "C82022": 3.0},
    "December": {"C82001": 4.5, "C82002": 2.1, "C82022": 3.0},
}


WTE_COL = "GPs excl. registrars WTE"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _high_level(folder: Path, month: str) -> Path:
    lines = [HEADER]
    for code, fte in WTE[month].items():
        for group in GROUPS:
            lines += [f"{code},PRACTICE {code},{group},Total,FTE,{fte}",
                      f"{code},PRACTICE {code},{group},Total,Headcount,5"]  # fmt: skip
    path = folder / f"General Practice – {month} 2023 Practice Level - High level.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("epcn")
    ws = tmp / "ws"
    loaded = run("load", "pcn-membership", SAMPLE, "--period", "2024-06-30",
                 "--published", "2024-07-04", "--data", ws)  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    staff = run("load", "gpw-detailed", _high_level(tmp, "September"),
                _high_level(tmp, "December"), "--data", ws)  # fmt: skip
    assert staff.exit_code == 0, staff.output
    return ws


def _gp_wte(ws: Path, org: str, period: str, out: Path) -> dict[str, float]:
    result = run("baseline", "--org", org, "--period", period, "--source", "gpw",
                 "--data", ws, "--format", "csv", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "staff_by_group.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # practices with no figure in these files (the PCN's other members) are left out
    return {r["org_code"]: float(r[WTE_COL]) for r in rows if r[WTE_COL]}


def test_load_records_the_vintage_and_warns_where_the_map_disagrees(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = run("load", "pcn-membership", SAMPLE, "--period", "2024-06-30",
                 "--published", "2024-07-04", "--data", ws, "--verbose")  # fmt: skip
    assert result.exit_code == 0, result.output
    # the file read as the ePCN of 30 June 2024, published 4 July 2024 (said in words)
    said = " ".join(result.stdout.split())
    assert "(ePCN), 30 June 2024 (published or received 4 July 2024); file id" in said
    assert "on 1 January 2022 the practice map puts 1 practice in another PCN" in result.stderr
    assert "C82005 (map U05796, ePCN U05642)" in result.stderr
    (entry,) = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))["entries"]
    assert (entry["kind"], entry["period"], entry["vintage"]) == (
        "pcn-membership", "2024-06-30", "2024-07-04")  # fmt: skip
    assert any("C82005 (map U05796, ePCN U05642)" in w for w in entry["warnings"])
    listed = run("data", "list", "--data", ws)
    assert listed.exit_code == 0, listed.output
    (line,) = [ln for ln in listed.stdout.splitlines() if "pcn-membership" in ln]
    assert "2024-06-30" in line and "published 2024-07-04" in line and "ePCN.xlsx" in line


def test_load_without_the_extract_date_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = run("load", "pcn-membership", SAMPLE, "--data", ws)
    assert result.exit_code == 4, result.output
    assert (
        "ePCN.xlsx: must be loaded with --period giving the extract date of the ePCN workbook"
        in result.output
    )
    assert "nothing was loaded" in result.output
    assert not (ws / "manifest.json").exists()


def test_a_bad_workbook_is_refused_with_sheet_row_and_column_and_nothing_loaded(
    tmp_path: Path,
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(SAMPLE)
    book["PCN Core Partner Details"]["I5"] = "20191301"
    bad = tmp_path / "ePCN.xlsx"
    book.save(bad)
    ws = tmp_path / "ws"
    result = run("load", "pcn-membership", bad, "--period", "2024-06-30", "--data", ws)
    assert result.exit_code == 4, result.output
    assert (
        "ePCN.xlsx, sheet 'PCN Core Partner Details', row 5, column 'Practice to PCN "
        "Relationship Start Date': must be a date (YYYYMMDD, as ODS writes it, or a date cell), "
        "got '20191301'"
    ) in result.output
    assert not (ws / "manifest.json").exists()


def test_a_pcn_baseline_counts_the_moved_practice_in_its_pcn_on_each_side_of_the_date(
    workspace: Path, tmp_path: Path
) -> None:
    sep = _gp_wte(workspace, "U30213", "2023-09-30", tmp_path / "sep")
    dec = _gp_wte(workspace, "U30213", "2023-12-31", tmp_path / "dec")
    assert "C82002" not in sep and sep["U30213"] == 7.5  # C82001 4.5 + C82022 3.0
    assert dec["C82002"] == 2.1 and dec["U30213"] == 9.6  # + C82002 from 1 October
    old = _gp_wte(workspace, "U71931", "2023-09-30", tmp_path / "old")
    assert old["C82002"] == 2.0 and old["U71931"] == 2.0
    # the sub-ICB location (03W) holds the practice either side, in the PCN of the day
    sub = _gp_wte(workspace, "03W", "2023-12-31", tmp_path / "sub")
    assert sub["U30213"] == 9.6 and "U71931" not in sub


def test_reports_name_the_epcn_among_the_registry_files(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    result = run("baseline", "--org", "U30213", "--period", "2023-12-31", "--source", "gpw",
                 "--data", workspace, "--format", "html", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert (
        "ePCN workbooks loaded in the workspace: ePCN.xlsx (pcn-membership of 2024-06-30)" in text
    )
