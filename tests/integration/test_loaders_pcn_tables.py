"""NHS Digital's PCN workforce bulletin tables (PCN-level sheets 4a and 4b) as a loadable kind
feeding the PCN baseline (issue 10, item 7).

No such workbook is in ../shared/data. Two samples in the published layout (see
tests/data/pcn_bulletin/README.md for where it comes from):

* the committed synthetic sample (made-up figures for four real PCNs), whose expected figures
  are worked out by hand below;
* a workbook written here from the real PCN individual-level file of September 2022 (the
  bulletin tables are its sums by PCN and role), whose PCN baseline must equal the one the
  individual-level file itself gives.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from pcn_tables_support import COLUMNS, column, with_area_totals, write_bulletin

pytestmark = pytest.mark.integration

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "pcn_bulletin"
SAMPLE = SAMPLE_DIR / "PCNW September 2022 - Bulletin tables.xlsx"
PCN_FILE = "nhs/pcn_workforce_individual_2022-09_cp1252.csv"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def pcn_baseline(ws: Path, out: Path, org: str = "QK1") -> dict[str, dict[str, str]]:
    result = run("pcn-baseline", "--org", org, "--period", "2022-09-30", "--data", ws,
                 "--format", "csv", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    return {r["PCN"]: r for r in rows_of(out)}


def test_the_sample_gives_the_pcn_baseline_worked_out_by_hand(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    loaded = run("load", "pcn-tables", SAMPLE, "--data", ws)
    assert loaded.exit_code == 0, loaded.output
    table = pcn_baseline(ws, tmp_path / "qk1.csv")
    # PCN names as the registry shows them (ODS capitals in title case, decision 0170's names)
    # Oadby and Wigston: pharmacists 3.2 + advanced pharmacist practitioners 0.8; social
    # prescribers 1.5 (non-mental health) + 0.5 (mental health); care coordinators 2.0;
    # paramedics 1.0; manager 1.0 -> 10.0 (the clinical director and the community mental
    # health nurse have no taxonomy role: left out)
    oadby = table["Oadby & Wigston PCN"]
    assert float(oadby["Pharmacist WTE"]) == 4.0
    assert float(oadby["Social prescribing link worker WTE"]) == 2.0
    assert float(oadby["Total WTE"]) == 10.0
    # Aegis: 4.0 + 2.0 + 1.0 DPC, a PCN-employed salaried GP 1.5, a receptionist 0.8 -> 9.3
    aegis = table["Aegis Healthcare PCN"]
    assert float(aegis["Salaried GP employed by another organisation WTE"]) == 1.5
    assert float(aegis["Total WTE"]) == 9.3
    # Soar Valley: 2.5 + 1.6 + 1.0 (mental health and wellbeing practitioner) + 0.5 admin -> 5.6
    assert float(table["Soar Valley PCN"]["Mental health practitioner WTE"]) == 1.0
    assert float(table["Soar Valley PCN"]["Total WTE"]) == 5.6
    # the ICB: three PCNs (Solas is Lincolnshire's), 24.9 WTE, pharmacists 4.0 + 4.0 + 2.5
    assert set(table) == {"Oadby & Wigston PCN", "Aegis Healthcare PCN", "Soar Valley PCN",
                          "Total"}  # fmt: skip
    assert float(table["Total"]["Total WTE"]) == 24.9
    assert float(table["Total"]["Pharmacist WTE"]) == 10.5
    shown = run("pcn-baseline", "--org", "QK1", "--period", "2022-09-30", "--data", ws)
    said = " ".join(shown.stdout.split())
    assert "Rutland Integrated Care Board by the registry's PCN ->" in said
    assert "on 30 September 2022 (the files place no PCN themselves)" in said
    assert "its own sub-ICB" not in said  # the workbook names no PCN's sub-ICB location


def test_left_out_roles_are_warned_at_load_and_kept_in_the_manifest(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    loaded = run("load", "pcn-tables", SAMPLE, "--data", ws, "--verbose")
    assert loaded.exit_code == 0, loaded.output
    said = " ".join(loaded.output.split())
    assert "Directors / Medical Clinical Director (GP) (0.4 FTE)" in said
    assert "Other Nurses / Community Mental Health Nurses (Mental Health Practitioners)" in said
    (entry,) = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))["entries"]
    assert entry["kind"] == "pcn-tables"
    assert entry["period"] == "2022-09-30"
    assert any("Medical Clinical Director (GP) (0.4 FTE)" in w for w in entry["warnings"])
    checked = run("validate", SAMPLE, "--kind", "pcn-tables")
    assert checked.exit_code == 0, checked.output
    assert "valid pcn-tables file" in checked.stdout


def _bulletin_from_individual(shared: Path, folder: Path) -> Path:
    """The real individual-level file summed as the bulletin tables publish it: FTE (staff and
    contracted services) and distinct staff by PCN and role, each 2022 role in the column of its
    2024 name (a role later split by mental-health work in its non-mental-health column)."""
    renamed = {
        "Clinical Director (DPC)": "Clinical Director (Direct Patient Care)",
        "Other Direct Patient Care": "Other",
        "Other Admin/Non-clinical": "Other Admin/Non-Clinical",
    }
    split = {"Social Prescribing Link Workers", "Therapists",
             "Advanced Occupational Therapist Practitioners"}  # fmt: skip
    fte: dict[tuple[str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    people: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    with (shared / PCN_FILE).open(encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh):
            role = renamed.get(row["STAFF_ROLE"], row["STAFF_ROLE"])
            if role in split:
                role += " (Non-Mental Health Practitioners)"
            j = column(row["STAFF_GROUP"], role)
            pcn = (row["SUB_ICB_CODE"].strip(), row["PCN_CODE"].strip())
            fte[pcn][j] += float(row["FTE"])
            if row["UNIQUE_IDENTIFIER"].strip() not in ("", "NULL"):
                people[pcn][j].add(row["UNIQUE_IDENTIFIER"].strip())
    areas: dict[str, str] = {}
    with (shared / PCN_FILE).open(encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh):
            areas[row["SUB_ICB_CODE"].strip()] = f"{row['COMM_REGION_CODE']}/{row['ICB_CODE']}"
    pcns = sorted(fte)
    return write_bulletin(
        folder / "PCNW September 2022 - Bulletin tables.xlsx",
        with_area_totals([(s, p, f"PCN {p}", dict(fte[(s, p)])) for s, p in pcns], areas),
        with_area_totals(
            [(s, p, f"PCN {p}", {j: float(len(v)) for j, v in people[(s, p)].items()})
             for s, p in pcns],
            areas,
        ),
    )  # fmt: skip


def test_tables_made_from_the_real_individual_file_give_its_pcn_baseline(
    shared_data: Path, tmp_path: Path
) -> None:
    workbook = _bulletin_from_individual(shared_data, tmp_path)
    by_tables, by_people = tmp_path / "ws-tables", tmp_path / "ws-individual"
    loaded = run("load", "pcn-tables", workbook, "--data", by_tables)
    assert loaded.exit_code == 0, loaded.output
    assert "England figure is not the sum" not in loaded.output
    # the individual file's one negative FTE (a contracted-services adjustment), as published
    assert "1 negative WTE figure kept as published" in loaded.output
    loaded = run("load", "pcn-individual", shared_data / PCN_FILE, "--data", by_people)
    assert loaded.exit_code == 0, loaded.output
    tables = pcn_baseline(by_tables, tmp_path / "tables.csv")
    individual = pcn_baseline(by_people, tmp_path / "individual.csv")
    assert len(individual) == 22  # 21 LLR PCNs and the total
    assert {k: float(v["Total WTE"]) for k, v in tables.items() if k != "Total"} == {
        k: float(v["Total WTE"]) for k, v in individual.items() if k != "Total"
    }
    assert float(tables["Total"]["Total WTE"]) == float(individual["Total"]["Total WTE"]) == 246.7
    assert tables["Total"] == individual["Total"]  # every role column, to the decimal shown


def _sample_with(tmp_path: Path, sheet: str, row: int, col: int, value: object) -> Path:
    book = openpyxl.load_workbook(SAMPLE)
    book[sheet].cell(row=row, column=col, value=value)
    path = tmp_path / SAMPLE.name
    book.save(path)
    return path


PHARMACISTS = column("Other Direct Patient Care staff", "Pharmacists") + 3  # 1-based column


@pytest.mark.parametrize(
    ("sheet", "value", "expected"),
    [
        ("Table 4a", "1,5", "column 'Pharmacists': must use a decimal point, not a comma"),
        ("Table 4b", -2, "column 'Pharmacists': must be zero or more (a number of people), got -2"),
        ("Table 4b", "three", "column 'Pharmacists': must be a number"),
        ("Table 4a", "inf", "column 'Pharmacists': must be a finite number"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column_and_changes_nothing(
    tmp_path: Path, sheet: str, value: object, expected: str
) -> None:
    # row 10 of each sheet: the first PCN (England, region, ICB and sub-ICB rows above it)
    path = _sample_with(tmp_path, sheet, 10, PHARMACISTS, value)
    ws = tmp_path / "ws"
    result = run("load", "pcn-tables", path, "--data", ws)
    assert result.exit_code != 0
    said = " ".join(result.stderr.split())
    assert f"{SAMPLE.name}, sheet '{sheet}', row 10, {expected}" in said, said
    assert "Traceback" not in result.output
    assert not (ws / "manifest.json").exists()


def test_a_pcn_given_twice_is_refused(tmp_path: Path) -> None:
    path = _sample_with(tmp_path, "Table 4a", 10, 1, "U00147")  # row 10 holds U08229; 15 U00147
    result = run("load", "pcn-tables", path, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert (
        "row 15, column 'code': must appear once (one row per PCN), got U00147 again (first in row 10)"
        in " ".join(result.stderr.split())
    )


def test_a_workbook_without_its_sheets_or_not_a_workbook_is_refused(tmp_path: Path) -> None:
    fte = with_area_totals([("03W", "U09521", "P", {0: 1.0})], {"03W": "Y60/QK1"})
    partial = write_bulletin(tmp_path / "PCNW September 2022 - Bulletin tables.xlsx", fte, fte,
                             omit_sheet="Table 4b")  # fmt: skip
    result = run("load", "pcn-tables", partial, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "sheet 'Table 4b': must be present" in " ".join(result.stderr.split())
    fake = tmp_path / "PCNW October 2024 - Bulletin tables.xlsx"
    fake.write_text("PCN_CODE,FTE\nU00147,1\n", encoding="utf-8")
    result = run("load", "pcn-tables", fake, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "must be NHS Digital's PCN workforce bulletin tables as published" in result.stderr
    assert not (tmp_path / "ws" / "manifest.json").exists()


def test_no_pcn_rows_is_an_empty_dataset(tmp_path: Path) -> None:
    only_england: list = [("England", None, {0: 1.0})]
    path = write_bulletin(tmp_path / SAMPLE.name, only_england, only_england)
    result = run("load", "pcn-tables", path, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "must hold at least one PCN row (a code like U12345" in " ".join(result.stderr.split())


def test_the_census_date_comes_from_the_name_or_must_be_given(tmp_path: Path) -> None:
    plain = tmp_path / "bulletin.xlsx"
    plain.write_bytes(SAMPLE.read_bytes())
    result = run("load", "pcn-tables", plain, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "--period 2024-10-31" in " ".join(result.stderr.split())
    result = run("load", "pcn-tables", plain, "--data", tmp_path / "ws", "--period", "2022-09-30")
    assert result.exit_code == 0, result.output
    checked = run("validate", plain, "--kind", "pcn-tables", "--period", "2022-09-30")
    assert checked.exit_code == 0, checked.output
    assert "4 PCNs, census date 30 September 2022" in checked.stdout  # 10.0 + 9.3 + 5.6 + 8.0
    assert "Staff in post on 30 September 2022: 32.9 WTE in total" in checked.stdout


def test_an_england_row_that_is_not_the_sum_of_the_pcns_is_warned(tmp_path: Path) -> None:
    path = _sample_with(tmp_path, "Table 4a", 6, PHARMACISTS, 99.0)  # England: 14.7
    result = run("load", "pcn-tables", path, "--data", tmp_path / "ws", "--verbose")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "1 role whose England figure is not the sum of the PCN rows" in said
    assert "Pharmacists: England 99.0, PCNs 14.7" in said


def test_every_published_role_heading_is_reviewed() -> None:
    """Each heading of the October 2024 tables maps to a taxonomy role, or is deliberately left
    out (directors) or named here as having none."""
    from gpworkforce.loaders.pcn_roles import PCN_TABLE_ROLE_MAP
    from gpworkforce.loaders.pcn_tables import base_role, role_label

    known = {(g.casefold(), r.casefold()) for g, r in PCN_TABLE_ROLE_MAP}
    unmapped = {
        (g, base_role(role_label(r)))
        for g, r in COLUMNS
        if (g.casefold(), base_role(role_label(r))) not in known
    }
    assert unmapped == {
        ("Other Nurses", "community mental health nurses"),
        ("Other Nurses", "other nurses"),
        ("Other Direct Patient Care staff", "apprentices"),
    }
