"""The ONS subnational projection loads into a workspace as ONS publishes it (wide: a column
per year; issue 10, item 7): the real LLR projection pivoted into that layout gives the same
populations, and the same per-1,000 denominators, as the long file it came from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders.ons import load_ons_population

pytestmark = pytest.mark.integration

LONG = "ons/llr_population_single_year_of_age_snpp2018_principal.csv"


def published(long: pd.DataFrame, sex: str) -> pd.DataFrame:
    """``long`` as the SNPP's published table for one sex (ages 90-100 folded into 90+)."""
    rows = long[long["sex"] == sex].assign(
        AGE_GROUP=lambda f: np.where(f["age"] >= 90, "90 and over", f["age"].astype(str)),
        SEX={"f": "females", "m": "males"}[sex],
    )
    wide = rows.pivot_table(
        index=["area_code", "area_name", "SEX", "AGE_GROUP"],
        columns="year",
        values="population",
        aggfunc="sum",
    ).reset_index()
    wide.insert(2, "COMPONENT", "Population")
    return wide.rename(columns={"area_code": "AREA_CODE", "area_name": "AREA_NAME"})


@pytest.fixture
def snpp_files(shared_data: Path, tmp_path: Path) -> tuple[pd.DataFrame, list[Path]]:
    long = pd.read_csv(shared_data / LONG)
    paths = []
    for sex, word in (("f", "females"), ("m", "males")):
        path = tmp_path / f"2018 SNPP Population {word}.csv"
        published(long, sex).to_csv(path, index=False)
        paths.append(path)
    return long, paths


def test_the_published_layout_gives_the_long_files_populations(
    snpp_files: tuple[pd.DataFrame, list[Path]],
) -> None:
    long, paths = snpp_files
    frame = pd.concat([load_ons_population(p).frame for p in paths], ignore_index=True)
    # totals by area and year equal the long file's (the 90+ ages folded into one row)
    got = frame.groupby(["area_code", "year"])["population"].sum()
    want = long.groupby(["area_code", "year"])["population"].sum()
    got.index = got.index.set_levels(got.index.levels[0].astype(object), level=0)
    pd.testing.assert_series_equal(
        got.sort_index(), want.sort_index().astype(float), check_names=False
    )
    assert set(frame["area_name"]) == set(long["area_name"])
    assert frame["age"].max() == 90 and set(frame["sex"]) == {"f", "m"}


def test_per_1000_denominators_agree_with_the_long_file(
    shared_data: Path, tmp_path: Path, snpp_files: tuple[pd.DataFrame, list[Path]]
) -> None:
    _, paths = snpp_files
    runner = CliRunner()
    staff = shared_data / "nhs" / "gpw_practice_fy2023_2025_staff_groups.csv"
    outputs = []
    for name, files in (("long", [shared_data / LONG]), ("wide", paths)):
        ws = tmp_path / name
        for kind, path in [("gpw-practice-year", staff), *[("ons-population", f) for f in files]]:
            result = runner.invoke(app, ["load", kind, str(path), "--data", str(ws)])
            assert result.exit_code == 0, result.output
        out = tmp_path / f"{name}-out"
        result = runner.invoke(app, ["baseline", "--org", "QK1", "--period", "2024-03-31",
                                     "--source", "gpw", "--data", str(ws), "--format", "csv",
                                     "--out", str(out), "--ons-area",
                                     "QK1=E06000016,E06000017,E10000018"])  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append((out / "per_thousand.csv").read_text(encoding="utf-8-sig"))
    assert outputs[0] == outputs[1]


def test_bad_cells_of_the_published_layout_are_named(tmp_path: Path) -> None:
    head = '"AREA_CODE","AREA_NAME","COMPONENT","SEX","AGE_GROUP","2018","2019"\n'
    cases = {
        '"E06000016","Leicester","Population","females","0","1,5","10"\n': (
            "row 2, column '2018'",
            "1,5",
        ),
        '"E06000016","Leicester","Population","persons","0","15","10"\n': ("SEX", "persons"),
        '"E06000016","Leicester","Population","females","0","inf","10"\n': (
            "row 2, column '2018'",
            "inf",
        ),
    }
    for i, (row, (where, found)) in enumerate(cases.items()):
        path = tmp_path / f"bad{i}.csv"
        path.write_text(head + row, encoding="utf-8")
        with pytest.raises(ValidationFailed) as err:
            load_ons_population(path)
        message = str(err.value)
        assert where in message and found in message, message
