"""The GPW "Practice Level - High level" CSV (issue 10, item 7).

No such file is in ../shared/data: the samples here are **synthetic** (made-up figures for three
real LLR practices) written in the published layout (``PRAC_CODE, PRAC_NAME, STAFF_GROUP,
DETAILED_STAFF_ROLE, MEASURE, VALUE``, the published staff-group, role and measure labels, ``NA``
for not available) under the published file name. The same figures are also written in the
detailed layout: both must give the same staff-group WTE in a baseline, and both must equal the
sums taken here from the sample rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.loaders.gpw_high_level import load_gpw_high_level

pytestmark = pytest.mark.integration

NAME = "General Practice – January 2023 Practice Level - High level.csv"
HEADER = "PRAC_CODE,PRAC_NAME,STAFF_GROUP,DETAILED_STAFF_ROLE,MEASURE,VALUE"
GROUP_LABEL = {"Nurses": "Nurses", "Direct Patient Care": "Other clinical (DPC)",
               "Admin/Non-Clinical": "Admin/non-clinical"}  # fmt: skip
# practice -> group -> role -> (headcount, FTE); "Total" is each group's published total
FIGURES: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "C82001": {
        "GP": {
            "Partner/Provider": ("8", "6.5"),
            "Salaried By Practice": ("5", "3.25"),
            "GP in Training Grade ST3": ("2", "2.0"),
            "Total": ("15", "11.75"),
        },
        "Nurses": {
            "Practice Nurse": ("5", "4.2"),
            "Advanced Nurse Practitioner": ("1", "0.8"),
            "Total": ("6", "5.0"),
        },
        "Direct Patient Care": {"Healthcare Assistant": ("3", "2.4"), "Total": ("3", "2.4")},
        "Admin/Non-Clinical": {"Receptionist": ("14", "9.5"), "Total": ("25", "20.5")},
    },
    "C82002": {
        "GP": {"Partner/Provider": ("3", "2.8"), "Total": ("3", "2.8")},
        "Nurses": {"Practice Nurse": ("2", "1.6"), "Total": ("2", "1.6")},
        "Direct Patient Care": {"Total": ("NA", "NA")},
        "Admin/Non-Clinical": {"Total": ("9", "7.25")},
    },
    "C82003": {
        "GP": {"Partner/Provider": ("4", "3.5"), "Total": ("4", "3.5")},
        "Nurses": {"Practice Nurse": ("3", "2.53"), "Total": ("3", "2.53")},
        "Direct Patient Care": {"Total": ("1", "0.6")},
        "Admin/Non-Clinical": {"Total": ("10", "8.1")},
    },
}
DETAILED_STEM = {"GP": "GP", "Nurses": "NURSES", "Direct Patient Care": "DPC",
                 "Admin/Non-Clinical": "ADMIN"}  # fmt: skip


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def high_level(folder: Path, rows: list[str] | None = None) -> Path:
    lines = [HEADER]
    for code, groups in FIGURES.items():
        for group, roles in groups.items():
            for role, (hc, fte) in roles.items():
                lines.append(f"{code},PRACTICE {code},{group},{role},Headcount,{hc}")
                lines.append(f"{code},PRACTICE {code},{group},{role},FTE,{fte}")
    path = folder / NAME
    path.write_text("\n".join([*lines, *(rows or [])]) + "\n", encoding="utf-8")
    return path


def detailed(folder: Path) -> Path:
    """The same group totals in the detailed layout (qualified GPs given as partners only)."""
    cols = ["PRAC_CODE", "SUB_ICB_CODE", "ICB_CODE", "TOTAL_PATIENTS", "TOTAL_GP_EXTGL_HC",
            "TOTAL_GP_EXTGL_FTE"]  # fmt: skip
    cols += [f"TOTAL_{s}_{m}" for s in DETAILED_STEM.values() for m in ("HC", "FTE")]
    lines = [",".join(cols)]
    for code, groups in FIGURES.items():
        cells = [code, "04V" if code == "C82003" else "03W", "QK1", "10000", "NA", "NA"]
        for group in DETAILED_STEM:
            cells += list(groups[group]["Total"])
        lines.append(",".join(cells))
    path = folder / "General Practice – January 2023 Practice Level - Detailed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample_sums() -> dict[str, float]:
    out: dict[str, float] = {}
    for groups in FIGURES.values():
        for group, roles in groups.items():
            fte = roles["Total"][1]
            if group in GROUP_LABEL and fte != "NA":
                out[group] = out.get(group, 0.0) + float(fte)
    return {g: round(v, 1) for g, v in out.items()}


def group_wte(ws: Path, out: Path) -> dict[str, float]:
    result = run("baseline", "--org", "QK1", "--period", "2023-01-31", "--source", "gpw",
                 "--data", ws, "--format", "csv", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "staff_by_group.csv").open(encoding="utf-8-sig", newline="") as fh:
        (total,) = [r for r in csv.DictReader(fh) if r["row"] == "total"]
    return {g: float(total[f"{label} WTE"]) for g, label in GROUP_LABEL.items()}


def test_high_level_and_detailed_layouts_give_the_same_baseline(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ws_high, ws_detailed = tmp_path / "ws-high", tmp_path / "ws-detailed"
    loaded = run("load", "gpw-detailed", high_level(tmp_path / "a"), "--data", ws_high)
    assert loaded.exit_code == 0, loaded.output
    # read as the high-level layout of 31 January 2023 (said in words)
    said = " ".join(loaded.stdout.split())
    assert "practice level (high level), 31 January 2023; file id" in said
    loaded = run("load", "gpw-detailed", detailed(tmp_path / "b"), "--data", ws_detailed)
    assert loaded.exit_code == 0, loaded.output
    high = group_wte(ws_high, tmp_path / "out-high")
    assert high == group_wte(ws_detailed, tmp_path / "out-detailed")
    assert high == sample_sums()  # Nurses 9.1, DPC 3.0, admin 35.9
    with (tmp_path / "out-high" / "staff_by_role.csv").open(encoding="utf-8-sig") as fh:
        (total,) = [r for r in csv.DictReader(fh) if r["row"] == "total"]
    assert float(total["Advanced nurse practitioner WTE"]) == 0.8


def test_roles_without_a_taxonomy_role_and_totals_that_do_not_add_up_are_warned(
    tmp_path: Path,
) -> None:
    loaded = load_gpw_high_level(high_level(tmp_path))
    said = " ".join(loaded.warnings)
    assert "GP in Training" not in said  # counted as GPs in training, not left in the total only
    assert "Direct Patient Care / Healthcare Assistant (2.4 FTE)" in said
    # C82001 admin: the receptionists (9.5) are not the whole published total (20.5)
    assert "C82001 Admin/Non-Clinical: roles 9.50, total 20.50" in said
    nodes = set(loaded.workforce["node"])
    assert {"GP", "NURSE", "DPC", "ADMIN", "GP_PARTNER_PROVIDER", "NURSE_ANP"} <= nodes
    c82002 = loaded.workforce[loaded.workforce["practice_code"] == "C82002"]
    assert "DPC" not in set(c82002["node"])  # NA, not zero: no row


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ('C82003,P,Nurses,Total,FTE,"1,5"', "column 'VALUE': must use a decimal point"),
        ("C82003,P,Doctors,Total,FTE,1.5", "column 'STAFF_GROUP': must be one of GP"),
        ("C82003,P,Nurses,Total,Hours,1.5", "column 'MEASURE'"),
        ("C82003,P,Nurses,Total,FTE,inf", "column 'VALUE'"),
        ("C82003,P,Nurses,Total,FTE,-1", "column 'VALUE'"),
        ("XX1,P,Nurses,Total,FTE,1", "column 'PRAC_CODE'"),
        ("C82003,P,Nurses,Total,FTE,2.53", "column 'DETAILED_STAFF_ROLE'"),  # given twice
    ],
)
def test_bad_input_names_file_row_and_column_and_changes_nothing(
    tmp_path: Path, row: str, expected: str
) -> None:
    ws = tmp_path / "ws"
    path = high_level(tmp_path, [row])
    last = len(path.read_text(encoding="utf-8").splitlines())  # the bad row, as numbered
    result = run("load", "gpw-detailed", path, "--data", ws)
    assert result.exit_code != 0
    said = " ".join(result.stderr.split())
    assert f"{NAME}, row {last}, {expected}" in said, said
    assert "Traceback" not in result.output
    assert not (ws / "manifest.json").exists()


def test_a_file_without_its_month_needs_the_census_date(tmp_path: Path) -> None:
    path = high_level(tmp_path)
    plain = path.rename(tmp_path / "high_level.csv")
    result = run("load", "gpw-detailed", plain, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "--period 2023-01-31" in result.stderr
    result = run("load", "gpw-detailed", plain, "--data", tmp_path / "ws", "--period",
                 "2023-01-31")  # fmt: skip
    assert result.exit_code == 0, result.output


def test_each_reviewed_role_feeds_its_own_taxonomy_role() -> None:
    """The loader takes one published value per practice and taxonomy role: two published roles
    mapped to one taxonomy role would lose one of them."""
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.loaders.gpw_high_level import ROLE_NODES

    assert len(set(ROLE_NODES.values())) == len(ROLE_NODES)
    assert set(ROLE_NODES.values()) <= set(load_taxonomy().leaves)


def gp_figures(workforce: pd.DataFrame, node: str) -> dict[str, tuple[float | None, ...]]:
    rows = workforce[workforce["node"] == node]

    def num(v: object) -> float | None:
        return None if pd.isna(v) else round(float(v), 6)  # type: ignore[arg-type]

    return {
        str(p): (num(hc), num(fte))
        for p, hc, fte in zip(rows["practice_code"], rows["headcount"], rows["fte"], strict=True)
    }


def test_gps_excluding_trainees_are_the_gp_total_less_the_training_grades(tmp_path: Path) -> None:
    """By hand from FIGURES: C82001 15 GPs (11.75 FTE) of whom 2 (2.0 FTE) in training grade ST3
    -> 13 (9.75 FTE); C82002 and C82003 list no training grade -> their totals."""
    loaded = load_gpw_high_level(high_level(tmp_path))
    assert gp_figures(loaded.workforce, "GP_EXCL_REGISTRARS") == {
        "C82001": (13.0, 9.75),
        "C82002": (3.0, 2.8),
        "C82003": (4.0, 3.5),
    }
    assert gp_figures(loaded.workforce, "GP_REGISTRAR")["C82001"] == (2.0, 2.0)
    assert not any("excluding trainees is not available" in w for w in loaded.warnings)


def test_a_training_grade_not_available_leaves_gps_excluding_trainees_not_available(
    tmp_path: Path,
) -> None:
    extra = ["C82002,P,GP,GP in Training Grade ST1/2,FTE,NA",
             "C82002,P,GP,GP in Training Grade ST1/2,Headcount,1"]  # fmt: skip
    loaded = load_gpw_high_level(high_level(tmp_path, extra))
    got = gp_figures(loaded.workforce, "GP_EXCL_REGISTRARS")
    assert got["C82002"] == (2.0, None)  # 3 GPs less 1 in training; FTE unknown, not 2.8
    assert any(
        "1 practice with GP rows whose WTE of GPs excluding trainees is not available" in w
        and w.endswith(": C82002")
        for w in loaded.warnings
    ), loaded.warnings
    assert got["C82001"] == (13.0, 9.75)


def test_the_baseline_reports_gps_excluding_trainees_from_the_high_level_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "a").mkdir()
    ws = tmp_path / "ws"
    assert run("load", "gpw-detailed", high_level(tmp_path / "a"), "--data", ws).exit_code == 0
    result = run("baseline", "--org", "QK1", "--period", "2023-01-31", "--source", "gpw",
                 "--data", ws, "--format", "csv", "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    with (tmp_path / "out" / "staff_by_group.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["org_code"]: r for r in csv.DictReader(fh)}
    # 9.75 + 2.8 (03W) and 3.5 (04V); 13 + 3 and 4 people
    assert float(rows["03W"]["GPs excl. registrars WTE"]) == pytest.approx(12.55, abs=0.051)
    assert float(rows["04V"]["GPs excl. registrars WTE"]) == 3.5
    assert float(rows["QK1"]["GPs excl. registrars WTE"]) == pytest.approx(16.05, abs=0.051)
    assert rows["QK1"]["GPs excl. registrars HC"] == "20"
