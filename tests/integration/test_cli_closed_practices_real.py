"""England on 31 March 2025 counts the practices the real files say were open then (decision
0168): the practices of the January 2022 practice map (the latest full list here) and those the
staff-groups file itself places, not every practice open in the December 2019 ODS extract.

The oracle counts practice codes in the raw CSV files with the csv module, not the loaders."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

FILE = "nhs/gpw_practice_fy2023_2025_staff_groups.csv"
MAP = "nhs/gp_reg_pat_prac_map_2022-01.csv"
FIGURES = ("TOTAL_GP_EXTGL_FTE", "TOTAL_LOCUUM_TRN_FTE", "TOTAL_NURSES_FTE", "TOTAL_DPC_FTE",
           "TOTAL_ADMIN_FTE")  # fmt: skip


def _value(cell: str) -> float | None:
    return None if cell in ("", "NA") else float(cell)


def raw_counts(data: Path) -> dict[str, float]:
    """From the raw files: practices of Year 2025 (with any figure; with a GP figure, and GP WTE
    per 1,000 of their patients) and the practices of the 2022 map or of the file."""
    with (data / MAP).open(encoding="utf-8-sig", newline="") as fh:
        mapped = {row["PRACTICE_CODE"].strip() for row in csv.DictReader(fh)}
    listed: set[str] = set()  # every practice the file places (its row names the ICB)
    in_file: set[str] = set()
    gp: set[str] = set()
    gp_wte = gp_patients = 0.0
    with (data / FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Year"] != "2025":
                continue
            code = row["Practice.Code"].strip()
            listed.add(code)
            if any(_value(row[c]) is not None for c in FIGURES):
                in_file.add(code)
            wte = _value(row["TOTAL_GP_EXTGL_FTE"])
            if wte is not None:
                gp.add(code)
                gp_wte += wte
                gp_patients += _value(row["TOTAL_PATIENTS"]) or 0.0
    return {
        "in_file": len(in_file),
        "with_gp": len(gp),
        "listed": len(listed),
        "counted": len(mapped | listed),
        "per_1000": gp_wte / gp_patients * 1000,
    }


def test_england_2025_counts_the_practices_open_then(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "eng"
    result, rows = _england(shared_data / FILE, "2025-03-31", tmp_path)
    want = raw_counts(shared_data)
    assert (want["listed"], want["in_file"], want["with_gp"]) == (6293, 6267, 6225)
    assert want["counted"] == 6550
    # 7,172 before: every practice open in the 2019 extract, 623 of them "Not assigned"
    assert int(rows["ENG"]["practices"]) == want["counted"]
    assert int(rows.get("UNASSIGNED", {"practices": "0"})["practices"]) <= 1
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert (
        f"{want['with_gp']:.0f} of {want['counted']:.0f} practices in ENG have a figure" in readme
    )
    placed = f"All {want['in_file']:,.0f} practices with workforce figures on 31 March 2025"
    assert placed in result.output
    # per 1,000: GP WTE over the patients of the practices with a GP figure only
    with (out / "target_gap.csv").open(encoding="utf-8-sig", newline="") as fh:
        (total,) = [r for r in csv.DictReader(fh) if r["org_code"] == "ENG"]
    assert float(total["WTE per 1,000"]) == round(want["per_1000"], 3)


GP_ADMIN = "nhs/gpw_practice_fy2016_2024_gp_admin.csv"


def raw_national_sums(data: Path, year: str) -> dict[str, float]:
    """The GP-and-admin practice-year file's own national sums for ``year`` (its rows dated
    31 March of that year), from the raw CSV."""
    sums = {"TOTAL_GP_EXTGL_FTE": 0.0, "TOTAL_ADMIN_FTE": 0.0}
    with (data / GP_ADMIN).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Year"] != year:
                continue
            for column in sums:
                sums[column] += _value(row[column]) or 0.0
    return sums


def test_england_from_the_gp_admin_file_counts_practices_closed_by_a_later_map(
    shared_data: Path, tmp_path: Path
) -> None:
    # 80 practices with figures for the year to 31 March 2022 (238.0 GP WTE) are missing from
    # the January 2022 map, so closed by decision 0168 on 31 December 2021: the national
    # report still counts them, in "Not assigned", so England is the file's own sum
    result, rows = _england(shared_data / GP_ADMIN, "2022-03-31", tmp_path)
    want = raw_national_sums(shared_data, "2022")
    gp = "Fully qualified GPs (excluding trainees and locums) WTE"
    assert float(rows["ENG"][gp]) == round(want["TOTAL_GP_EXTGL_FTE"], 1)
    assert float(rows["ENG"]["Admin/non-clinical WTE"]) == round(want["TOTAL_ADMIN_FTE"], 1)
    # the only practices left unplaced are a few the registry names only later, with no WTE
    unplaced = [line for line in result.output.splitlines() if "could not be placed" in line]
    assert unplaced and all("(0.0 WTE: all staff groups)" in line for line in unplaced)


def _england(file: Path, period: str, tmp_path: Path) -> tuple[Any, dict[str, dict[str, str]]]:
    """``file`` loaded into a new workspace and England's baseline on ``period`` as CSV (in
    ``tmp_path / "eng"``): the command's result and staff_by_group's rows by organisation."""
    ws, out = tmp_path / "ws", tmp_path / "eng"
    loaded = CliRunner().invoke(app, ["load", "gpw-practice-year", str(file), "--data", str(ws)])
    assert loaded.exit_code == 0, loaded.output
    result = CliRunner().invoke(app, ["baseline", "--org", "ENG", "--period", period,
                                      "--source", "gpw", "--data", str(ws), "--format", "csv",
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "staff_by_group.csv").open(encoding="utf-8-sig", newline="") as fh:
        return result, {r["org_code"]: r for r in csv.DictReader(fh)}
