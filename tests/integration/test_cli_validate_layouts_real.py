"""`gpworkforce validate` on the real registry files as published (issue 10, item 7): an ODS
extract can be checked (its extract date given, as `load` needs it) and a practice map says what
it maps. Expected counts are taken here from the raw files with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

pytestmark = pytest.mark.integration

ODS = "nhs/epraccur_2019-12_headerless.csv"
MAP = "nhs/gp_reg_pat_prac_map_2022-01.csv"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_an_ods_extract_is_validated_with_its_extract_date(shared_data: Path) -> None:
    listed = open_on = 0
    with (shared_data / ODS).open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.reader(fh):
            if row[25].strip() != "4":  # prescribing setting 4: a GP practice
                continue
            listed += 1
            opened, closed = row[10].strip(), row[11].strip()
            open_on += (not opened or opened <= "20191231") and (not closed or closed >= "20191231")
    result = run("validate", shared_data / ODS, "--kind", "ods-practices", "--period", "2019-12-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        f"  {listed:,} GP practices listed, {open_on:,} open on 31 December 2019"
    )
    assert (listed, open_on) == (8204, 7131)
    refused = run("validate", shared_data / ODS, "--kind", "ods-practices")
    assert refused.exit_code != 0
    assert "must be loaded with --period giving the extract date of the ODS file" in refused.stderr


def test_a_practice_map_says_how_many_practices_and_pcns_it_maps(shared_data: Path) -> None:
    with (shared_data / MAP).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    practices = {r["PRACTICE_CODE"].strip() for r in rows}
    pcns = {r["PCN_CODE"].strip() for r in rows} - {"U", ""}
    result = run("validate", shared_data / MAP, "--kind", "practice-map")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        f"  {len(practices):,} practices mapped, {len(pcns):,} PCNs"
    )
    assert "0 practices" not in result.stdout
