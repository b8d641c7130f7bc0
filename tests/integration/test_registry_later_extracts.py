"""Organisation links from every loaded ODS extract, by date (issue 10, item 1; decision 0119).

Only the December 2019 extract is real. The later extract here is **synthetic**, written in the
published epraccur layout (headerless, the same 27 columns, quoted): the real 2019 rows with
each practice's commissioner, ICB ("high level health geography") and region ("national
grouping") taken from the real January 2022 practice map, practices the map does not list
written as closed on 31 December 2021 (an assumption of this file), and two changes of our own:
C82001 (East Leicestershire and Rutland, LLR) moved to Lincolnshire (sub-ICB 71E, ICB QJM) and
C82002 closed on 30 November 2022. Its extract date is 31 January 2023.

Expected figures come from the practice-year sample written here, not from the loaders."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.cli.workspace import read_manifest, workspace_registry
from gpworkforce.domain.orgs import OrgType

pytestmark = pytest.mark.integration

runner = CliRunner()
EXTRACT_ON = "2023-01-31"
GP = "Fully qualified GPs (excluding trainees and locums) WTE"
ADMIN = "Practice.Code,Year,TOTAL_PATIENTS,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE,TOTAL_ADMIN_FTE"
# C82001 moves, C82002 closes, C82003 (West Leicestershire) stays in LLR throughout
ADMIN_ROWS = [
    "C82001,2020,24000,12,10.5,30.0",  # census 2019-09-30
    "C82002,2020,9000,5,4.0,10.0",
    "C82003,2020,12000,6,5.5,14.0",
    "C82001,2023,24500,12,11.0,31.0",  # census 2023-03-31 (mean of the year, dated 31 March)
    "C82002,2023,9100,5,4.2,10.5",
    "C82003,2023,12100,6,5.25,14.5",
]
STAFF = (
    "Practice.Code,Year,ICB_NAME,TOTAL_PATIENTS,TOTAL_GP_EXTGL_FTE,TOTAL_LOCUUM_TRN_FTE,"
    "TOTAL_NURSES_FTE,TOTAL_DPC_FTE,TOTAL_ADMIN_FTE,TOTAL_GP_EXTGL_HC,TOTAL_LOCUUM_TRN_HC,"
    "TOTAL_NURSES_HC,TOTAL_DPC_HC,TOTAL_ADMIN_HC"
)
LLR_NAME = "Leicester, Leicestershire and Rutland"


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def synthetic_extract(shared: Path, out: Path) -> Path:
    """The synthetic January 2023 epraccur (see the module docs)."""
    with (shared / "nhs/gp_reg_pat_prac_map_2022-01.csv").open(encoding="utf-8-sig") as fh:
        placed = {
            r["PRACTICE_CODE"]: (r["CCG_CODE"], r["STP_CODE"], r["COMM_REGION_CODE"])
            for r in csv.DictReader(fh)
        }
    placed["C82001"] = ("71E", "QJM", "Y60")
    raw = (shared / "nhs/epraccur_2019-12_headerless.csv").read_text(encoding="utf-8")
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for fields in csv.reader(io.StringIO(raw)):
        code = fields[0]
        if fields[25] == "4" and code in placed:
            fields[14], fields[3], fields[2] = placed[code]
            fields[15] = "20220701" if code == "C82001" else fields[15]  # joined 71E
        elif fields[25] == "4" and not fields[11]:
            fields[11], fields[12], fields[16] = "20211231", "C", "20211231"
        if code == "C82002":
            fields[11], fields[12], fields[16] = "20221130", "C", "20221130"
        writer.writerow(fields)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def extract(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_extract(shared_data, tmp_path_factory.mktemp("ods") / "epraccur.csv")


def _load(ws: Path, kind: str, path: Path, *extra: str) -> Result:
    result = run("load", kind, path, "--data", ws, *extra)
    assert result.exit_code == 0, result.output
    return result


def _gp_wte(ws: Path, org: str, period: str, out: Path) -> tuple[float, str]:
    result = run("baseline", "--org", org, "--period", period, "--source", "gpw", "--data", ws,
                 "--format", "csv", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    with (out / "staff_by_group.csv").open(encoding="utf-8-sig", newline="") as fh:
        (total,) = [r for r in csv.DictReader(fh) if r["row"] == "total"]
    return float(total[GP]), (out / "README.txt").read_text(encoding="utf-8")


def test_the_extract_is_in_the_published_layout(extract: Path, shared_data: Path) -> None:
    real = (shared_data / "nhs/epraccur_2019-12_headerless.csv").read_text(encoding="utf-8")
    ours = extract.read_text(encoding="utf-8")
    assert len(ours.splitlines()) == len(real.splitlines())
    assert {len(r) for r in csv.reader(io.StringIO(ours))} == {27}
    assert not ours.startswith('"Organisation')  # headerless, as published


def test_links_follow_the_extract_in_force(extract: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    _load(ws, "ods-practices", extract, "--period", EXTRACT_ON)
    registry = workspace_registry(ws, read_manifest(ws).entries)
    before, after = dt.date(2019, 9, 30), dt.date(2023, 3, 31)
    assert registry.parent_of_type("C82001", OrgType.ICB, before).code == "QK1"
    assert registry.parent_of_type("C82001", OrgType.SUB_ICB, before).code == "03W"
    assert registry.parent_of_type("C82001", OrgType.ICB, after).code == "QJM"
    assert registry.parent_of_type("C82001", OrgType.SUB_ICB, after).code == "71E"
    assert registry.parent_of_type("C82001", OrgType.REGION, after).code == "Y60"
    # the day before the extract the January 2022 map still holds
    assert registry.parent_of_type("C82001", OrgType.ICB, dt.date(2023, 1, 30)).code == "QK1"
    # ODS names no PCN: a practice that moved leaves its LLR PCN; one that stayed keeps it
    assert registry.parent_of_type("C82001", OrgType.PCN, after) is None
    assert registry.parent_of_type("C82003", OrgType.PCN, after).code == "U63948"
    # closed since: not open, in no area's practices
    assert registry.get("C82002").closed == dt.date(2022, 11, 30)
    qk1 = {p for p, icb in registry.practice_map(after, OrgType.ICB).items() if icb == "QK1"}
    assert "C82002" not in qk1 and "C82001" not in qk1 and "C82003" in qk1
    assert "C82002" in registry.practices_under("QK1", before)


def test_reports_count_a_moved_practice_where_the_extract_in_force_puts_it(
    extract: Path, tmp_path: Path
) -> None:
    path = tmp_path / "gp_admin.csv"
    path.write_text("\n".join([ADMIN, *ADMIN_ROWS]) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    _load(ws, "ods-practices", extract, "--period", EXTRACT_ON)
    _load(ws, "gpw-practice-year", path)
    # 2019: all three in LLR (10.5 + 4.0 + 5.5); none in Lincolnshire's figures from our file
    got, _ = _gp_wte(ws, "QK1", "2019-09-30", tmp_path / "qk1-2019")
    assert got == 20.0
    # 2023: C82001 in Lincolnshire, C82002 closed: LLR has C82003 only
    got, _ = _gp_wte(ws, "QK1", "2023-03-31", tmp_path / "qk1-2023")
    assert got == 5.2  # 5.25 as the report rounds it
    got, _ = _gp_wte(ws, "QJM", "2023-03-31", tmp_path / "qjm-2023")
    assert got == 11.0  # C82001, the only practice of our file Lincolnshire has
    ws2 = tmp_path / "ws2"  # the same workforce file with the registry's shared files only
    _load(ws2, "gpw-practice-year", path)
    got, _ = _gp_wte(ws2, "QK1", "2023-03-31", tmp_path / "qk1-2023-shared")
    assert got == 20.4  # without the extract: all three still in LLR
    # the closed practice has figures for the year to 31 March 2023: England counts it, in
    # "Not assigned" (decision 0168, amended), so its total is the file's (11.0 + 4.2 + 5.25)
    got, _ = _gp_wte(ws, "ENG", "2023-03-31", tmp_path / "eng-2023")
    assert got == 20.4
    page = tmp_path / "eng.html"
    result = run("baseline", "--org", "ENG", "--period", "2023-03-31", "--source", "gpw",
                 "--data", ws, "--format", "html", "--out", page)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(html.unescape(page.read_text(encoding="utf-8")).split())
    assert "could not be placed" not in text
    assert "All 3 practices with workforce figures on 31 March 2023 are placed" in text


def test_a_file_naming_another_icb_wins_for_its_period_and_is_reported(
    extract: Path, tmp_path: Path
) -> None:
    path = tmp_path / "staff_groups.csv"
    rows = [
        f'C82001,2024,"{LLR_NAME}",24600,11.2,1.3,8.4,6.7,37.7,13,2,11,10,50',
        f'C82003,2024,"{LLR_NAME}",12200,5.0,0.5,3.0,2.0,15.0,6,1,4,3,20',
    ]
    path.write_text("\n".join([STAFF, *rows]) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    _load(ws, "ods-practices", extract, "--period", EXTRACT_ON)
    loaded = _load(ws, "gpw-practice-year", path, "--verbose")
    said = " ".join((loaded.stdout + loaded.stderr).split())
    assert "1 practice-year row with an ICB other than the registry's" in said
    assert "C82001 (file: Leicester, Leicestershire and Rutland; registry: NHS Lincolnshire" in said
    assert "the file's is used for its period" in said
    got, _ = _gp_wte(ws, "QK1", "2024-03-31", tmp_path / "qk1")
    assert got == 16.2  # 11.2 + 5.0: the file's own placement on its census date
    page = tmp_path / "qk1.html"
    result = run("baseline", "--org", "QK1", "--period", "2024-03-31", "--source", "gpw",
                 "--data", ws, "--format", "html", "--out", page)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(html.unescape(page.read_text(encoding="utf-8")).split())
    assert "counted where the workforce file places them, not where the registry does" in text
    assert "C82001 on 2024-03-31" in text
