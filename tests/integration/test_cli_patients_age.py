"""`gpworkforce load patients-age-sex` and the baseline's registered-patients-by-age table.

The workforce side is real: the 04C (Leicester City) rows of Year 2018 (September 2017) taken
from the real GPW practice-year file in ../shared/data and written to a temporary file. The age
file is SYNTHETIC (made here, made-up counts) in NHS Digital's published five-year layout
(gp-reg-pat-prac-quin-age.csv), since no real age file is in ../shared/data. Oracles: the counts
written here and TOTAL_PATIENTS read from the raw CSV with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.cli.workspace import read_manifest
from gpworkforce.domain.orgs import OrgType
from gpworkforce.loaders import build_registry

pytestmark = pytest.mark.integration
runner = CliRunner()
CENSUS = dt.date(2017, 9, 30)
QUIN = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n"


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def leicester_city(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The 04C practices' Year 2018 rows of the real file, and their TOTAL_PATIENTS."""
    members = {
        p
        for p, ccg in build_registry().practice_map(CENSUS, OrgType.SUB_ICB).items()
        if ccg == "04C"
    }
    src = shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv"
    out = tmp_path_factory.mktemp("gpw") / "gpw_practice_fy2016_2024_gp_admin.csv"
    totals: dict[str, float] = {}
    with src.open(newline="", encoding="utf-8-sig") as fh, out.open("w", newline="") as dst:
        reader = csv.reader(fh)
        writer = csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        for row in reader:
            if row[1] == "2018" and row[0] in members:
                writer.writerow(row)
                totals[row[0]] = float(row[2])
    return out, totals


def quinary(rows: list[tuple[str, str, str, int]]) -> str:
    return (
        QUIN
        + "".join(
            f"GP_PRAC_PAT_LIST,01OCT2017,GP,{code},E38000097,,{sex},{band},{n}\n"
            for code, sex, band, n in rows
        )
        + "GP_PRAC_PAT_LIST,01OCT2017,SUB_ICB_LOCATION,04C,E38000097,,ALL,ALL,999999\n"
    )


def test_the_baseline_shows_older_patients_and_reconciles_the_list(leicester_city, tmp_path):
    gpw, totals = leicester_city
    a, b = sorted(totals)[:2]  # the other practices of the area have no age rows
    ws = tmp_path / "ws"
    assert run("load", "gpw-practice-year", gpw, "--data", ws).exit_code == 0
    rows = [
        (a, "FEMALE", "0_4", 1000),
        (a, "FEMALE", "65_69", 300),
        (a, "MALE", "75_79", 200),
        (a, "MALE", "95+", 50),
        (b, "FEMALE", "20_24", 2000),
        (b, "MALE", "70_74", 400),
        ("A81001", "FEMALE", "80_84", 77),  # a practice elsewhere: not in 04C's table
    ]
    ages = tmp_path / "gp-reg-pat-prac-quin-age.csv"
    ages.write_text(quinary(rows), encoding="utf-8")
    loaded = run("load", "patients-age-sex", ages, "--data", ws)
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "csv"
    result = run(
        "baseline", "--org", "04C", "--period", "2017-09-30", "--source", "gpw",
        "--data", ws, "--format", "csv", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "registered_by_age.csv")
    total = table.iloc[-1]
    registered = 1000 + 300 + 200 + 50 + 2000 + 400
    assert total["Registered patients"] == registered
    assert total["Aged 65+ %"] == pytest.approx(100 * (300 + 200 + 50 + 400) / registered, abs=0.05)
    assert total["Aged 75+ %"] == pytest.approx(100 * (200 + 50) / registered, abs=0.05)
    gpw_list = totals[a] + totals[b]
    assert total["GPW registered list"] == pytest.approx(gpw_list)
    assert total["Difference (age file - GPW)"] == pytest.approx(registered - gpw_list)
    assert total["Practices with ages"] == 2
    assert total["practices"] >= len(totals) > 2  # the area counts practices with no GPW row too
    text = (out / "registered_by_age.csv").read_text() + result.output
    assert "A81001" not in text


def test_a_bad_age_file_is_refused_and_the_workspace_unchanged(tmp_path):
    ws = tmp_path / "ws"
    good = tmp_path / "good.csv"
    good.write_text(quinary([("C82001", "FEMALE", "0_4", 5)]), encoding="utf-8")
    assert run("load", "patients-age-sex", good, "--data", ws).exit_code == 0
    before = read_manifest(ws)
    bad = tmp_path / "bad.csv"
    bad.write_text(quinary([("C82001", "FEMALE", "0_4", 5), ("C82002", "MALE", "5_9", -1)]))
    result = run("load", "patients-age-sex", bad, "--data", ws)
    assert result.exit_code != 0
    assert "bad.csv, row 3, column 'NUMBER_OF_PATIENTS'" in result.output
    assert "Traceback" not in result.output
    assert read_manifest(ws) == before
