"""The workspace: every loader kind on the real files, manifest integrity, all-or-nothing loads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.cli.choices import Kind
from gpworkforce.cli.workspace import (
    LoadOptions,
    Manifest,
    combine,
    load_into,
    read_file,
    read_manifest,
    read_workspace,
)
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.errors import InputFileError, UserError, ValidationFailed
from gpworkforce.loaders import build_registry

REAL_FILES = {
    Kind.GPW_PRACTICE_YEAR: "nhs/gpw_practice_fy2023_2025_staff_groups.csv",
    Kind.PAYMENTS: "nhs/nhs_payments_to_general_practice_2017-18.csv",
    Kind.PCN_INDIVIDUAL: "nhs/pcn_workforce_individual_2022-09_cp1252.csv",
    Kind.ONS_POPULATION: "ons/llr_population_single_year_of_age_snpp2018_principal.csv",
}


@pytest.fixture(scope="module")
def registry(shared_data: Path) -> OrgRegistry:
    return build_registry(shared_data)


@pytest.mark.parametrize("kind", list(REAL_FILES))
def test_every_real_file_loads_and_reloads_identically(
    kind: Kind, shared_data: Path, registry: OrgRegistry, tmp_path: Path
) -> None:
    original = shared_data / REAL_FILES[kind]
    outcome = load_into(tmp_path, kind, [original], registry)
    [entry] = outcome.added
    assert (tmp_path / entry.file).read_bytes() == original.read_bytes()
    [reloaded] = read_workspace(tmp_path, registry)
    direct = read_file(kind, original, registry)
    assert reloaded.source.source_id == direct.source.source_id == entry.source_id
    assert reloaded.workforce.equals(direct.workforce)
    assert reloaded.patients.equals(direct.patients)


def test_combined_tables_keep_every_source(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path
) -> None:
    for kind in (Kind.GPW_PRACTICE_YEAR, Kind.PAYMENTS):
        load_into(tmp_path, kind, [shared_data / REAL_FILES[kind]], registry)
    combined = combine(read_workspace(tmp_path, registry))
    sources = set(combined.patients["source_id"])
    assert {e.source_id for e in read_manifest(tmp_path).entries} <= sources | set(
        combined.workforce["source_id"]
    )
    assert combined.patients["weighted"].notna().any()  # from NHS Payments
    assert combined.workforce["fte"].notna().any()  # from GPW


def test_options_are_recorded_and_used_on_reload(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path
) -> None:
    census = dt.date(2018, 3, 31)
    original = shared_data / REAL_FILES[Kind.PAYMENTS]
    [entry] = load_into(tmp_path, Kind.PAYMENTS, [original], registry, LoadOptions(census)).added
    assert read_manifest(tmp_path).entries[0].option_period == census
    [reloaded] = read_workspace(tmp_path, registry)
    assert reloaded.source.source_id == entry.source_id
    assert set(reloaded.patients["period"]) == {pd.Timestamp(census)}


def test_a_bad_file_rejects_the_batch_and_changes_nothing(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path
) -> None:
    good = shared_data / REAL_FILES[Kind.GPW_PRACTICE_YEAR]
    load_into(tmp_path, Kind.GPW_PRACTICE_YEAR, [good], registry)
    before = (tmp_path / "manifest.json").read_bytes()
    files_before = sorted(tmp_path.rglob("*"))
    bad = tmp_path.parent / "broken.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage,,,\n1,2\n")
    with pytest.raises(ValidationFailed) as caught:
        load_into(tmp_path, Kind.GPW_PRACTICE_YEAR, [bad, good], registry)
    assert "nothing was loaded" in caught.value.summary
    assert all(issue.location.file for issue in caught.value.issues)
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert sorted(tmp_path.rglob("*")) == files_before


def test_corrupt_manifest_is_a_user_error(tmp_path: Path, registry: OrgRegistry) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(InputFileError, match="manifest"):
        read_workspace(tmp_path, registry)


def test_missing_workspace_and_empty_workspace(tmp_path: Path, registry: OrgRegistry) -> None:
    with pytest.raises(InputFileError, match="missing"):
        read_workspace(tmp_path / "nope", registry)
    assert read_manifest(tmp_path) == Manifest()
    with pytest.raises(UserError, match="holds no data"):
        read_workspace(tmp_path, registry)


def test_missing_input_file(tmp_path: Path, registry: OrgRegistry) -> None:
    with pytest.raises(InputFileError, match="must be an existing file"):
        read_file(Kind.RETURNS, tmp_path / "none.xlsx", registry)


def test_concurrent_loads_both_land_in_the_manifest(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    kinds = (Kind.PAYMENTS, Kind.ONS_POPULATION)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(load_into, tmp_path, kind, [shared_data / REAL_FILES[kind]], registry)
            for kind in kinds
        ]
        outcomes = [f.result() for f in futures]
    assert all(len(o.added) == 1 for o in outcomes)
    assert {e.kind for e in read_manifest(tmp_path).entries} == set(kinds)
