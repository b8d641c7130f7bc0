"""Reports place practices where the staff-groups file itself places them on its dates (issue
10, item 1): England and LLR GP WTE for Year 2024 equal the file's own sums, computed here from
the raw CSV with the csv module (not the loaders)."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

FILE = "nhs/gpw_practice_fy2023_2025_staff_groups.csv"
GP = "Fully qualified GPs (excluding trainees and locums) WTE"


def file_sums(path: Path, year: str) -> tuple[float, float]:
    england = llr = 0.0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            value = row["TOTAL_GP_EXTGL_FTE"]
            if row["Year"] != year or value in ("", "NA"):
                continue
            england += float(value)
            if row["ICB_NAME"] == "Leicester, Leicestershire and Rutland":
                llr += float(value)
    return round(england, 1), round(llr, 1)


def gp_wte(ws: Path, org: str, out: Path) -> tuple[float, str]:
    result = CliRunner().invoke(app, ["baseline", "--org", org, "--period", "2024-03-31",
                                      "--source", "gpw", "--data", str(ws), "--format", "csv",
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "staff_by_group.csv").open(encoding="utf-8-sig", newline="") as fh:
        (total,) = [r for r in csv.DictReader(fh) if r["row"] == "total"]
    return float(total[GP]), (out / "README.txt").read_text(encoding="utf-8")


def test_england_and_llr_equal_the_files_own_sums(shared_data: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    loaded = CliRunner().invoke(app, ["load", "gpw-practice-year", str(shared_data / FILE),
                                      "--data", str(ws)])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    england, llr = file_sums(shared_data / FILE, "2024")
    got, _ = gp_wte(ws, "ENG", tmp_path / "eng")
    assert got == england  # 12.1 WTE short while the registry alone placed the practices
    got, _ = gp_wte(ws, "QK1", tmp_path / "qk1")
    assert got == llr  # with C83653, which the registry's 2022 map puts in Lincolnshire
    page = tmp_path / "qk1.html"
    result = CliRunner().invoke(app, ["baseline", "--org", "QK1", "--period", "2024-03-31",
                                      "--source", "gpw", "--data", str(ws), "--format", "html",
                                      "--out", str(page)])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(html.unescape(page.read_text(encoding="utf-8")).split())
    assert (
        "C83653 on 2024-03-31: NHS Lincolnshire Integrated Care Board -> NHS Leicester, "
        "Leicestershire and Rutland Integrated Care Board" in text
    )
    assert "Greater Manchester" not in text  # other ICBs' moves are not this report's


def test_the_gpw_headline_names_the_gps_it_counts(shared_data: Path, tmp_path: Path) -> None:
    """GPW practice files give qualified GPs and 'locums and trainees' as groups: the headline
    says so instead of 'GPs excluding registrars: not available WTE' (seen before the fix)."""
    ws = tmp_path / "ws"
    loaded = CliRunner().invoke(app, ["load", "gpw-practice-year", str(shared_data / FILE),
                                      "--data", str(ws)])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    result = CliRunner().invoke(app, ["baseline", "--org", "QK1", "--period", "2024-03-31",
                                      "--source", "gpw", "--data", str(ws)])  # fmt: skip
    assert result.exit_code == 0, result.output
    head = result.stdout.split("\n\n", 1)[0]
    _, llr = file_sums(shared_data / FILE, "2024")
    assert (
        f"Current GP WTE (fully qualified GPs, excluding trainees and locums): {llr:,.1f} WTE"
        in head
    )
    assert f"    Fully qualified GPs (excluding trainees and locums): {llr:,.1f} WTE" in head
    assert "    GP locums and trainees: 228.9 WTE" in head  # LLR's figure quoted in issue 10
    assert "not available WTE" not in head
