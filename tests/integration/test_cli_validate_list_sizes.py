"""`gpworkforce validate` of files with no staff rows says what they hold (issue 10, item 4):
NHS Payments list sizes, ONS population, registered patients by age, instead of "0 practices,
no census date ... 0 workforce rows".

Oracles: the payments sample's list sizes summed by hand (tests/data/payments_2015_2017/README),
the real 2017-18 payments file and ONS file summed here with the csv module, and the age
sample's counts written here."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "payments_2015_2017"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_payments_sample_gives_its_practices_and_list_sizes() -> None:
    result = run("validate", SAMPLES / "nhspaymentsgp-15-16-csv.csv", "--kind", "payments")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:4] == [
        "  3 practices, list sizes for 31 March 2016",
        "  Registered patients: 18,333 (3 practices with a list size)",  # 8,123 + 4,000 + 6,210
        "  Weighted patients: 19,402.5 (3 practices with a list size)",
    ]
    assert "3 list-size rows; cp1252)" in result.stdout


def test_the_real_payments_file(shared_data: Path) -> None:
    path = shared_data / "nhs" / "nhs_payments_to_general_practice_2017-18.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    column = "Number of Registered Patients (Last Known Figure)"
    known = [r for r in rows if r["Quarter used for patient data"].strip() != "NO KNOWN PATIENTS"]
    registered = sum(float(r[column]) for r in known)
    result = run("validate", path, "--kind", "payments")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:3] == [
        f"  {len({r['Practice Code'] for r in rows}):,} practices, list sizes for 31 March 2018",
        f"  Registered patients: {registered:,.0f} ({len(known):,} practices with a list size)",
    ]


def test_the_real_ons_projection(shared_data: Path) -> None:
    path = shared_data / "ons" / "llr_population_single_year_of_age_snpp2018_principal.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    first = sum(float(r["population"]) for r in rows if r["year"] == "2018")
    result = run("validate", path, "--kind", "ons-population")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:3] == [
        "  3 areas, years 2018 to 2043",
        f"  Population in 2018: {first:,.0f}",
    ]


def test_registered_patients_by_age(tmp_path: Path) -> None:
    path = tmp_path / "gp-reg-pat-prac-quin-age.csv"
    path.write_text(
        "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
        "NUMBER_OF_PATIENTS\n"
        "GP_PRAC_PAT_LIST,01OCT2017,GP,C82001,E38000097,,FEMALE,0_4,120\n"
        "GP_PRAC_PAT_LIST,01OCT2017,GP,C82001,E38000097,,MALE,85_89,30\n"
        "GP_PRAC_PAT_LIST,01OCT2017,GP,C82002,E38000097,,FEMALE,95+,5\n",
        encoding="utf-8",
    )
    result = run("validate", path, "--kind", "patients-age-sex")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "  2 practices, census date 1 October 2017"
    assert lines[2] == "  Registered patients: 155"  # 120 + 30 + 5
