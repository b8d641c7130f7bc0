"""PCN individual-level, NHS Payments and ONS projection loaders on the real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce import tables
from gpworkforce.domain.provenance import sha256_of_file
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.loaders import load_ons_population, load_payments, load_pcn_individual
from gpworkforce.loaders.pcn_roles import PCN_ROLE_MAP

PCN_FILE = "pcn_workforce_individual_2022-09_cp1252.csv"
PAYMENTS = "nhs_payments_to_general_practice_2017-18.csv"
ONS = "llr_population_single_year_of_age_snpp2018_principal.csv"


@pytest.fixture(scope="module")
def raw_pcn(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(
        shared_data / "nhs" / PCN_FILE, encoding="cp1252", dtype={"UNIQUE_IDENTIFIER": str}
    )


def test_every_real_pcn_role_is_reviewed(raw_pcn: pd.DataFrame) -> None:
    roles = set(
        raw_pcn[["STAFF_GROUP", "STAFF_ROLE", "DETAILED_STAFF_ROLE"]].itertuples(
            index=False, name=None
        )
    )
    assert roles <= set(PCN_ROLE_MAP)
    tax = load_taxonomy()
    assert all(leaf is None or tax.is_leaf(leaf) for leaf in PCN_ROLE_MAP.values())


def test_pcn_fte_is_conserved_and_headcount_distinct(
    shared_data: Path, raw_pcn: pd.DataFrame
) -> None:
    loaded = load_pcn_individual(shared_data / "nhs" / PCN_FILE)
    assert loaded.source.sha256 == sha256_of_file(shared_data / "nhs" / PCN_FILE)
    assert loaded.periods == [dt.date(2022, 9, 30)]
    wf = loaded.workforce
    pd.testing.assert_frame_equal(wf, tables.conform(wf, tables.WORKFORCE))
    non_directors = raw_pcn[raw_pcn["STAFF_GROUP"] != "Directors"]
    groups = wf[wf["node"].isin(["DPC", "ADMIN"])]
    assert float(groups["fte"].sum()) == pytest.approx(non_directors["FTE"].sum())
    leaves = wf[~wf["node"].isin(["DPC", "ADMIN"])]
    assert float(leaves["fte"].sum()) == pytest.approx(non_directors["FTE"].sum())
    # one PCN's pharmacists, counted by hand from the raw rows
    pcn = non_directors[(non_directors["PCN_CODE"] == "U02454")]
    pharm = pcn[pcn["STAFF_ROLE"].isin(["Pharmacists", "Advanced Pharmacist Practitioners"])]
    row = wf[(wf["practice_code"] == "U02454") & (wf["node"] == "DPC_PHARMACIST")].iloc[0]
    assert float(row["fte"]) == pytest.approx(pharm["FTE"].sum())
    if pharm["UNIQUE_IDENTIFIER"].notna().all():
        assert row["headcount"] == pharm["UNIQUE_IDENTIFIER"].nunique()
    else:
        assert pd.isna(row["headcount"])
    assert any("Directors" in w and "left out" in w for w in loaded.warnings)
    assert any("negative WTE figure" in w for w in loaded.warnings)


def test_payments_list_sizes(shared_data: Path) -> None:
    loaded = load_payments(shared_data / "nhs" / PAYMENTS)
    p = loaded.patients.set_index("practice_code")
    assert loaded.periods == [dt.date(2018, 3, 31)]
    assert float(p.loc["A81001", "registered"]) == 4114
    assert float(p.loc["A81001", "weighted"]) == pytest.approx(4703.5)
    attrs = loaded.attributes.set_index("practice_code")
    assert attrs.loc["A81001", "contract_type"] == "GMS"
    assert not attrs.loc["A81001", "dispensing"]
    assert set(attrs["rurality"].dropna()) == {"Urban", "Rural"}
    # practices with no known patients publish 0: not available, not zero
    none_known = attrs.index[attrs["patient_quarter"] == "NO KNOWN PATIENTS"]
    assert len(none_known) > 0 and p.loc[none_known, "registered"].isna().all()
    assert (p["registered"].dropna() > 0).all()


def test_ons_projection(shared_data: Path) -> None:
    loaded = load_ons_population(shared_data / "ons" / ONS)
    f = loaded.frame
    assert set(f["area_code"]) == {"E06000016", "E06000017", "E10000018"}
    assert (f["year"].min(), f["year"].max()) == (2018, 2043)
    assert (f["age"].min(), f["age"].max()) == (0, 100)
    assert set(f["sex"]) == {"f", "m"}
    raw = pd.read_csv(shared_data / "ons" / ONS)
    assert f["population"].sum() == pytest.approx(raw["population"].sum())
    assert loaded.source.publisher == "ONS"
