"""A user's ODS extracts and practice maps as workspace kinds (issue 10, item 1).

The samples are made from the real files in ../shared/data: the January 2022 practice map
rewritten in the layout NHS Digital has published since ICBs replaced CCGs (sub-ICB location and
ICB columns) with a later extract date and one new practice, and the December 2019 ODS extract
with one practice closed since. The real map also loads unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.cli.workspace import read_manifest, workspace_registry
from gpworkforce.domain.orgs import OrgType

pytestmark = pytest.mark.integration

runner = CliRunner()
HEADER = (
    "Practice.Code,Year,ICB_NAME,TOTAL_PATIENTS,TOTAL_GP_EXTGL_FTE,TOTAL_LOCUUM_TRN_FTE,"
    "TOTAL_NURSES_FTE,TOTAL_DPC_FTE,TOTAL_ADMIN_FTE,TOTAL_GP_EXTGL_HC,TOTAL_LOCUUM_TRN_HC,"
    "TOTAL_NURSES_HC,TOTAL_DPC_HC,TOTAL_ADMIN_HC"
)
KNOWN = "C82001,2024,LLR,24000,11.1,1.3,8.4,6.7,37.7,13,2,11,10,50"
NEW = "Y99998,2024,LLR,5000,2.0,0.5,1.0,1.0,4.0,2,1,1,1,5"
NEW_LAYOUT = (
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,"
    "ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME"
)


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def _later_map(shared: Path, out: Path, sub_icb: str = "03W") -> Path:
    """The real January 2022 map in the post-2022 layout, dated 1 January 2024, plus Y99998
    (in ``sub_icb`` of LLR)."""
    with (shared / "nhs/gp_reg_pat_prac_map_2022-01.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(NEW_LAYOUT.split(","))
    for r in rows:
        writer.writerow(
            ["GP_PRAC_PAT_LIST", "01Jan2024", r["PRACTICE_CODE"], r["PRACTICE_NAME"],
             r["PRACTICE_POSTCODE"], r["PCN_CODE"], r["PCN_NAME"], r["ONS_CCG_CODE"],
             r["CCG_CODE"], r["CCG_NAME"], r["ONS_STP_CODE"], r["STP_CODE"], r["STP_NAME"],
             r["ONS_COMM_REGION_CODE"], r["COMM_REGION_CODE"], r["COMM_REGION_NAME"], "EMIS"]
        )  # fmt: skip
    writer.writerow(
        ["GP_PRAC_PAT_LIST", "01Jan2024", "Y99998", "NEW PRACTICE", "LE1 1AA", "U30213",
         "CROSS COUNTIES PCN", "E38000051", sub_icb, f"NHS LLR ICB - {sub_icb}", "E54000015", "QK1",
         "NHS Leicester, Leicestershire and Rutland ICB", "E40000008", "Y60", "Midlands", "EMIS"]
    )  # fmt: skip
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def _workspace(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "staff_groups.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    result = run("load", "gpw-practice-year", path, "--data", ws)
    assert result.exit_code == 0, result.output
    return ws


def _baseline_html(ws: Path, out: Path) -> str:
    result = run("baseline", "--org", "QK1", "--period", "2024-03-31", "--source", "gpw",
                 "--data", ws, "--format", "html", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_a_later_map_places_a_practice_opened_since(shared_data: Path, tmp_path: Path) -> None:
    ws = _workspace(tmp_path, [KNOWN, NEW])
    before = _baseline_html(ws, tmp_path / "before.html")
    assert (
        "1 of the 2 practices with workforce figures on 31 March 2024 could not be placed" in before
    )
    later = _later_map(shared_data, tmp_path / "gp-reg-pat-prac-map.csv")
    result = run("load", "practice-map", later, "--data", ws, "--published", "2024-01-11")
    assert result.exit_code == 0, result.output
    entry = read_manifest(ws).entries[-1]
    assert (entry.kind.value, entry.period, entry.vintage) == (
        "practice-map", "2024-01-01", "2024-01-11"
    )  # fmt: skip
    registry = workspace_registry(ws, read_manifest(ws).entries)
    on = dt.date(2024, 3, 31)
    assert registry.parent_of_type("Y99998", OrgType.ICB, on).code == "QK1"
    assert registry.parent_of_type("Y99998", OrgType.SUB_ICB, on).code == "03W"
    assert registry.parent_of_type("Y99998", OrgType.PCN, on).code == "U30213"
    # before the new map's date the practice was nowhere, and the shared maps still hold
    assert registry.parent_of_type("Y99998", OrgType.ICB, dt.date(2023, 12, 31)) is None
    assert registry.parent_of_type("C82001", OrgType.SUB_ICB, dt.date(2021, 3, 31)).code == "03W"
    after = _baseline_html(ws, tmp_path / "after.html")
    assert "could not be placed" not in after
    assert "gp-reg-pat-prac-map.csv (practice-map of 2024-01-01)" in after
    # a return template for the new practice: known only with the workspace's map
    args = ("template", "--practice", "Y99998", "--census-date", "2024-03-31", "--format", "csv")
    assert run(*args, "--out", tmp_path / "t.csv").exit_code == 5  # unknown organisation
    result = run(*args, "--out", tmp_path / "t.csv", "--data", ws)
    assert result.exit_code == 0, result.output
    assert "Y99998" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")


def test_a_later_ods_extract_closes_a_practice(shared_data: Path, tmp_path: Path) -> None:
    raw = (shared_data / "nhs/epraccur_2019-12_headerless.csv").read_text(encoding="utf-8")
    lines = raw.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith('"C82001"')]
    fields = next(csv.reader([lines[at]]))
    fields[11], fields[12] = "20230630", "C"  # close date, status
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="").writerow(fields)
    lines[at] = buf.getvalue()
    later = tmp_path / "epraccur.csv"
    later.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = _workspace(tmp_path, [KNOWN, NEW])
    result = run("load", "ods-practices", later, "--data", ws)
    assert result.exit_code == 4  # a file that cannot be loaded as given (nothing written)
    assert (
        "epraccur.csv: must be loaded with --period giving the extract date of the ODS file"
        in result.stderr
    )
    result = run("load", "ods-practices", later, "--data", ws, "--period", "2024-01-05")
    assert result.exit_code == 0, result.output
    registry = workspace_registry(ws, read_manifest(ws).entries)
    assert registry.get("C82001").closed == dt.date(2023, 6, 30)
    result = run("baseline", "--org", "QK1", "--period", "2024-03-31", "--source", "gpw",
                 "--data", ws)  # fmt: skip
    assert result.exit_code == 2  # its only practice with figures has closed: nothing placed
    assert "2 in no" in result.stderr


def test_of_two_maps_of_one_date_the_later_publication_wins(
    shared_data: Path, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _later_map(shared_data, tmp_path / "a" / "map.csv", "03W")
    second = _later_map(shared_data, tmp_path / "b" / "map.csv", "04C")
    # the 03W map was published later but loaded first: publication decides, then load order
    for path, published in ((first, "2024-02-01"), (second, "2024-01-15")):
        result = run("load", "practice-map", path, "--data", ws, "--published", published)
        assert result.exit_code == 0, result.output
    on = dt.date(2024, 3, 31)
    registry = workspace_registry(ws, read_manifest(ws).entries)
    assert registry.parent_of_type("Y99998", OrgType.SUB_ICB, on).code == "03W"
    # with one publication date, the later load wins
    ws2 = tmp_path / "ws2"
    for path in (first, second):
        assert run("load", "practice-map", path, "--data", ws2).exit_code == 0
    registry = workspace_registry(ws2, read_manifest(ws2).entries)
    assert registry.parent_of_type("Y99998", OrgType.SUB_ICB, on).code == "04C"


def test_the_real_map_loads_as_published(shared_data: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    path = shared_data / "nhs/gp_reg_pat_prac_map_2022-01.csv"
    result = run("load", "practice-map", path, "--data", ws)
    assert result.exit_code == 0, result.output
    entry = read_manifest(ws).entries[0]
    assert entry.period == "2022-01-01"
    result = run("load", "practice-map", path, "--data", tmp_path / "ws2", "--period", "2022-02-01")
    assert result.exit_code == 4
    assert "with --period the map's own extract date 2022-01-01" in result.stderr
