"""The GPW "Individual Level" CSV and the sub-ICB report it reaches (issue 10, item 7).

No such file is in ../shared/data: the sample is **synthetic** (made-up people in three real LLR
practices and one Lincolnshire sub-ICB location) written in the published layout (the 19 columns
of the September 2025 file, in order, with the published staff-group and staff-role labels). The
same people are also written as the high-level practice file of that month: summed to sub-ICB
location and staff group, both files must give the same WTE, and both must equal the sums taken
here from the people."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

MONTH = "September 2025"
INDIVIDUAL = f"General Practice – {MONTH} Individual Level.csv"
HIGH = f"General Practice – {MONTH} Practice Level - High level.csv"
HEADER = (
    "YEAR,Month,COMM_REGION_CODE,COMM_REGION_NAME,ICB_CODE,ICB_NAME,SUB_ICB_CODE,SUB_ICB_NAME,"
    "DATA_SOURCE,UNIQUE_IDENTIFIER,STAFF_GROUP,DETAILED_STAFF_ROLE,STAFF_ROLE,"
    "COUNTRY_QUALIFICATION_AREA,COUNTRY_QUALIFICATION_GROUP,AGE_BAND,AGE_YEARS,GENDER,FTE"
)
PLACE = {"C82001": ("03W", "QK1"), "C82002": ("03W", "QK1"), "C82003": ("04V", "QK1"),
         "C83001": ("71E", "QJM")}  # fmt: skip
# person, practice, staff group, detailed role, staff role, FTE
PEOPLE = [
    (101, "C82001", "GP", "Partner/Provider", "GP Partners", 0.9),
    (102, "C82001", "GP", "Salaried By Practice", "Salaried GPs", 0.6),
    (103, "C82001", "GP", "GP in Training Grade ST3", "GPs in Training Grades", 1.0),
    (104, "C82001", "Nurses", "Practice Nurse", "Nurses", 0.8),
    (105, "C82001", "Admin/Non-Clinical", "Receptionist", "Admin", 0.64),
    (106, "C82002", "GP", "Partner/Provider", "GP Partners", 1.0),
    (107, "C82002", "Direct Patient Care", "Healthcare Assistant", "Direct Patient Care", 0.5),
    (108, "C82002", "Nurses", "Advanced Nurse Practitioner", "Nurses", 0.72),
    (109, "C82003", "GP", "Partner/Provider", "GP Partners", 0.7),
    (110, "C82003", "Admin/Non-Clinical", "Practice Manager", "Admin", 1.0),
    (110, "C82003", "Admin/Non-Clinical", "Receptionist", "Admin", 0.13),  # two roles, one person
    (111, "C83001", "Nurses", "Practice Nurse", "Nurses", 0.6),
]
GROUP_NODE = {"Nurses": "Nurses", "Direct Patient Care": "Direct patient care",
              "Admin/Non-Clinical": "Admin/non-clinical"}  # fmt: skip
GROUP_COLUMN = {"Nurses": "Nurses", "Direct Patient Care": "Other clinical (DPC)",
                "Admin/Non-Clinical": "Admin/non-clinical"}  # fmt: skip


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def individual_file(folder: Path, extra: list[str] | None = None) -> Path:
    lines = [HEADER]
    for person, practice, group, detailed, role, fte in PEOPLE:
        sub_icb, icb = PLACE[practice]
        region = "Y60" if icb == "QK1" else "Y61"
        lines.append(
            f"2025,9,{region},Region,{icb},ICB {icb},{sub_icb},Sub-ICB {sub_icb},Collected,"
            f"{person},{group},{detailed},{role},UK,UK,45-49,47,Female,{fte}"
        )
    path = folder / INDIVIDUAL
    path.write_text("\n".join([*lines, *(extra or [])]) + "\n", encoding="utf-8")
    return path


def high_level_file(folder: Path) -> Path:
    totals: dict[tuple[str, str, str], float] = {}
    for _, practice, group, detailed, _, fte in PEOPLE:
        for role in (detailed, "Total"):
            key = (practice, group, role)
            totals[key] = totals.get(key, 0.0) + fte
    lines = ["PRAC_CODE,PRAC_NAME,STAFF_GROUP,DETAILED_STAFF_ROLE,MEASURE,VALUE"]
    lines += [f"{p},P,{g},{r},FTE,{v:.2f}" for (p, g, r), v in totals.items() if p != "C83001"]
    path = folder / HIGH
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def people_sums(sub_icb: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for _, practice, group, _, _, fte in PEOPLE:
        if PLACE[practice][0] == sub_icb:
            out[group] = round(out.get(group, 0.0) + fte, 2)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_individual_and_practice_files_agree_by_sub_icb_and_staff_group(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ws = tmp_path / "ws"
    loaded = run("load", "gpw-individual", individual_file(tmp_path / "a"), "--data", ws)
    assert loaded.exit_code == 0, loaded.output
    loaded = run("load", "gpw-detailed", high_level_file(tmp_path / "b"), "--data", ws)
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "sub-icb"
    result = run("sub-icb-baseline", "--org", "QK1", "--period", "2025-09-30", "--data", ws,
                 "--format", "csv", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Headline: NHS Leicester, Leicestershire and Rutland Integrated Care Board" in (
        result.stdout
    )
    (table,) = list(out.glob("*.csv"))
    by_unit = {r["Sub-ICB location"]: r for r in read_csv(table)}
    assert set(by_unit) == {
        "NHS East Leicestershire and Rutland CCG",
        "NHS West Leicestershire CCG",
        "Total",
    }  # fmt: skip  (the Lincolnshire person is not in LLR)
    # the practice-level baseline of the same people, by sub-ICB location
    base = tmp_path / "baseline"
    result = run("baseline", "--org", "QK1", "--period", "2025-09-30", "--source", "gpw",
                 "--data", ws, "--format", "csv", "--out", base)  # fmt: skip
    assert result.exit_code == 0, result.output
    practice_rows = {r["org_code"]: r for r in read_csv(base / "staff_by_group.csv")}
    for code, unit in (("03W", "NHS East Leicestershire and Rutland CCG"),
                       ("04V", "NHS West Leicestershire CCG")):  # fmt: skip
        sums = people_sums(code)
        for group, label in GROUP_COLUMN.items():
            individual = float(by_unit[unit].get(f"{GROUP_NODE[group]} WTE") or 0.0)
            practice = practice_rows[code][f"{label} WTE"]
            expected = round(sums.get(group, 0.0), 1)
            assert round(individual, 1) == expected, (code, group)
            assert (float(practice) if practice else 0.0) == expected, (code, group)
        assert float(by_unit[unit]["GPs WTE"]) == round(sums["GP"], 1)
    assert float(by_unit["Total"]["GP partner WTE"]) == 2.6  # 0.9 + 1.0 + 0.7
    assert float(by_unit["Total"]["GP registrar (trainee) WTE"]) == 1.0


def test_a_person_in_two_roles_counts_once_in_the_headcount(tmp_path: Path) -> None:
    from gpworkforce.loaders.gpw_individual import load_gpw_individual

    loaded, places = load_gpw_individual(individual_file(tmp_path))
    wf = loaded.workforce.set_index(["practice_code", "node"])
    assert wf.loc[("04V", "ADMIN"), "headcount"] == 1  # person 110, two admin roles
    assert round(float(wf.loc[("04V", "ADMIN"), "fte"]), 2) == 1.13
    assert dict(zip(places["practice_code"], places["icb_code"], strict=True))["71E"] == "QJM"
    assert "Admin/Non-Clinical / Admin (1.8 FTE)" in " ".join(
        loaded.warnings
    )  # counted in its group only


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2025,9,Y60,R,QK1,I,03W,S,Collected,120,GP,Partner/Provider,GP Partners,UK,UK,"
         "45-49,47,Female,\"0,5\"", "column 'FTE': must use a decimal point"),
        ("2025,9,Y60,R,QK1,I,03W,S,Collected,120,Doctors,Partner,GP Partners,UK,UK,"
         "45-49,47,Female,0.5", "column 'STAFF_GROUP': must be one of GP"),
        ("2025,9,Y60,R,QK1,I,03W,S,Collected,120,GP,Partner/Provider,GP Partners,UK,UK,"
         "45-49,47,Female,", "column 'FTE'"),
        ("2025,9,Y60,R,QK1,I,03W,S,Collected,120,GP,Partner/Provider,GP Partners,UK,UK,"
         "45-49,47,Female,-0.5", "column 'FTE'"),
    ],
)  # fmt: skip
def test_bad_input_names_file_row_and_column_and_changes_nothing(
    tmp_path: Path, row: str, expected: str
) -> None:
    ws = tmp_path / "ws"
    path = individual_file(tmp_path, [row])
    last = len(path.read_text(encoding="utf-8").splitlines())
    result = run("load", "gpw-individual", path, "--data", ws)
    assert result.exit_code != 0
    said = " ".join(result.stderr.split())
    assert f"{INDIVIDUAL}, row {last}, {expected}" in said, said
    assert not (ws / "manifest.json").exists()


def test_the_individual_file_given_as_a_practice_file_is_refused_with_the_kind(
    tmp_path: Path,
) -> None:
    result = run("load", "gpw-detailed", individual_file(tmp_path), "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "load it as 'gpw-individual'" in " ".join(result.stderr.split())
    assert not (tmp_path / "ws" / "manifest.json").exists()


def test_two_census_months_in_one_file_are_refused(tmp_path: Path) -> None:
    row = ("2025,8,Y60,R,QK1,I,03W,S,Collected,120,GP,Partner/Provider,GP Partners,UK,UK,"
           "45-49,47,Female,0.5")  # fmt: skip
    result = run("load", "gpw-individual", individual_file(tmp_path, [row]), "--data",
                 tmp_path / "ws")  # fmt: skip
    assert result.exit_code != 0
    assert "give one census year and month" in " ".join(result.stderr.split())


def test_validate_counts_sub_icb_locations_not_practices(tmp_path: Path) -> None:
    result = run("validate", individual_file(tmp_path), "--kind", "gpw-individual")
    assert result.exit_code == 0, result.output
    assert "3 sub-ICB locations, census date 30 September 2025" in result.stdout
