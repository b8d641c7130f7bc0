"""Real data: the PCN workforce file as a PCN-level baseline, and ONS population as the
per-1,000 denominator (issue 10, item 4). Expected figures are computed here from the raw
published files with the csv module, not with the code under test."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

runner = CliRunner()
PCN_FILE = "nhs/pcn_workforce_individual_2022-09_cp1252.csv"
ONS_FILE = "ons/llr_population_single_year_of_age_snpp2018_principal.csv"
LLR_AREAS = ("E06000016", "E06000017", "E10000018")


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def _raw_pcn_fte(shared: Path, icb: str | None) -> tuple[float, set[str]]:
    """FTE of the file's rows in ``icb`` (None: all), PCN directors left out as the role map
    does (they are counted in their practices)."""
    total, pcns = 0.0, set()
    with (shared / PCN_FILE).open(encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["STAFF_GROUP"] == "Directors" or (icb and row["ICB_CODE"].strip() != icb):
                continue
            total += float(row["FTE"])
            pcns.add(row["PCN_CODE"].strip())
    return total, pcns


@pytest.fixture(scope="module")
def pcn_ws(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("pcn") / "ws"
    result = run("load", "pcn-individual", shared_data / PCN_FILE, "--data", ws)
    assert result.exit_code == 0, result.output
    return ws


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_llr_pcns_match_the_file_own_icb(shared_data: Path, pcn_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "llr.csv"
    result = run("pcn-baseline", "--org", "QK1", "--period", "2022-09-30", "--data", pcn_ws,
                 "--format", "csv", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    expected, pcns = _raw_pcn_fte(shared_data, "QK1")
    assert len(rows) == len(pcns) + 1 == 22  # 21 PCNs and the total
    # the headline first, on stdout whatever the format: PCNs and total WTE, from the raw file
    from gpworkforce.loaders import build_registry

    name = build_registry().get("QK1").name
    assert result.stdout.splitlines()[0] == (
        f"Headline: {name}, 30 September 2022: {len(pcns)} PCNs with {expected:,.1f} WTE in "
        "total (NHS Digital PCN workforce)"
    )
    assert result.stdout.splitlines()[1].startswith("  Largest roles: ")
    assert rows[-1]["PCN"] == "Total"
    assert float(rows[-1]["Total WTE"]) == round(expected, 1) == 246.7
    roles = [c for c in rows[0] if c.endswith(" WTE") and c != "Total WTE"]
    for row in rows:  # each total is the sum of its roles, up to the rounding of what is shown
        assert sum(float(row[c]) for c in roles) == pytest.approx(
            float(row["Total WTE"]), abs=0.05 * (len(roles) + 1)
        )


def test_england_holds_every_pcn_of_the_file(
    shared_data: Path, pcn_ws: Path, tmp_path: Path
) -> None:
    out = tmp_path / "eng.html"
    result = run("pcn-baseline", "--org", "ENG", "--period", "2022-09-30", "--data", pcn_ws,
                 "--format", "csv", "--out", tmp_path / "eng.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    placed = float(_rows(tmp_path / "eng.csv")[-1]["Total WTE"])
    expected, _ = _raw_pcn_fte(shared_data, None)
    assert placed == round(expected, 1) == 13898.3
    result = run("pcn-baseline", "--org", "ENG", "--period", "2022-09-30", "--data", pcn_ws,
                 "--format", "html", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Every PCN with figures on 30 September 2022 was placed." in html
    assert "Every PCN with figures on 30 September 2022 was placed." in result.stderr
    # PCNs formed after the January 2022 practice map are unknown to the registry: the file's
    # own codes place them, and the report names them (87.2 WTE)
    assert "9 PCNs are placed by the file where the registry places them elsewhere" in html
    assert "U05679 (file: ENG; registry: none)" in html


def test_a_pcn_period_without_figures_lists_those_with(pcn_ws: Path) -> None:
    result = run("pcn-baseline", "--org", "QK1", "--period", "2023-09-30", "--data", pcn_ws)
    assert result.exit_code == 2
    assert "got 2023-09-30 (periods with figures: 2022-09-30)" in result.stderr


def test_a_workspace_without_pcn_files_is_refused(tmp_path: Path, shared_data: Path) -> None:
    ws = tmp_path / "ws"
    assert run("load", "ons-population", shared_data / ONS_FILE, "--data", ws).exit_code == 0
    result = run("pcn-baseline", "--org", "QK1", "--period", "2022-09-30", "--data", ws)
    assert result.exit_code == 2
    assert "--data must hold a PCN workforce file, got none" in result.stderr


def test_ons_population_divides_the_icb_per_1000(shared_data: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    for kind, name in (
        ("gpw-practice-year", "nhs/gpw_practice_fy2023_2025_staff_groups.csv"),
        ("ons-population", ONS_FILE),
    ):
        result = run("load", kind, shared_data / name, "--data", ws)
        assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    result = run("baseline", "--org", "QK1", "--period", "2024-03-31", "--source", "gpw",
                 "--data", ws, "--format", "csv", "--out", out,
                 "--ons-area", "QK1=" + ",".join(LLR_AREAS))  # fmt: skip
    assert result.exit_code == 0, result.output
    with (shared_data / ONS_FILE).open(encoding="utf-8", newline="") as fh:
        people = sum(
            float(r["population"])
            for r in csv.DictReader(fh)
            if r["year"] == "2024" and r["area_code"] in LLR_AREAS
        )
    rows = {r["org_code"]: r for r in _rows(out / "per_thousand.csv")}
    total = rows["QK1"]
    assert float(total["Registered patients"]) == round(people)
    gp = "Fully qualified GPs (excluding trainees and locums)"
    expected = float(total[f"{gp} WTE"]) / people * 1000
    assert float(total[f"{gp} per 1,000 registered"]) == round(expected, 2)
    # the sub-ICBs were given no population: they keep their practices' list sizes
    children = [r for r in rows.values() if r["row"] == "child"]
    # the three sub-ICB locations, and C83653: the file places it in LLR, the registry's maps
    # in Lincolnshire, so it counts in the ICB but in none of its sub-ICB locations
    assert sorted(r["org_code"] for r in children) == ["03W", "04C", "04V", "UNASSIGNED"]
    assert rows["UNASSIGNED"]["practices"] == "1"
    assert sum(float(r["Registered patients"]) for r in children) != float(
        total["Registered patients"]
    )
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "ONS population projection, mid-2024: QK1 = Leicester (E06000016)" in readme


def test_ons_area_needs_a_workspace() -> None:
    result = run("baseline", "--org", "QK1", "--period", "2017-09-30",
                 "--ons-area", "QK1=E06000016")  # fmt: skip
    assert result.exit_code == 2
    assert "--ons-area needs --data" in result.stderr
