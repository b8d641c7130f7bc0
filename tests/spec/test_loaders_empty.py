"""Spec: a file holding only its header is not a dataset, whatever its kind (issue 10, item 5).

Each sample is the header line of the real published file in ../shared/data (or of the
synthetic national GPW file in the published layout)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import (
    load_gpw_detailed,
    load_ons_population,
    load_payments,
    load_pcn_individual,
)
from gpworkforce.loaders.registry_files import read_practice_map
from gpworkforce.loaders.synthetic_gpw import synthetic_detailed_csv

pytestmark = pytest.mark.spec


def _header(source: Path, out: Path, encoding: str = "utf-8") -> Path:
    with source.open(encoding=encoding, errors="replace") as fh:
        out.write_text(fh.readline(), encoding=encoding)
    return out


CASES: list[tuple[str, str, Callable[[Path], object], str]] = [
    ("ons/llr_population_single_year_of_age_snpp2018_principal.csv", "ons.csv",
     load_ons_population, "area, year, age and sex row"),
    ("nhs/nhs_payments_to_general_practice_2017-18.csv",
     "nhs_payments_to_general_practice_2017-18.csv", load_payments, "practice row"),
    ("nhs/pcn_workforce_individual_2022-09_cp1252.csv", "pcn.csv", load_pcn_individual,
     "staff row"),
    ("nhs/gp_reg_pat_prac_map_2022-01.csv", "map.csv", read_practice_map, "practice row"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "out", "loader", "what"), CASES)
def test_a_header_only_file_is_refused(
    shared_data: Path, tmp_path: Path, name: str, out: str, loader: Callable[[Path], object],
    what: str,
) -> None:  # fmt: skip
    encoding = "cp1252" if "cp1252" in name else "utf-8"
    path = _header(shared_data / name, tmp_path / out, encoding)
    with pytest.raises(ValidationFailed) as caught:
        loader(path)
    assert caught.value.summary == f"{out}: an empty dataset"
    (issue,) = caught.value.issues
    assert issue.location.row == 2
    assert issue.expected == f"hold at least one {what}"
    assert issue.found == "none (a header only)"


def test_a_header_only_gpw_detailed_file_is_refused(tmp_path: Path) -> None:
    header = synthetic_detailed_csv(3).splitlines()[0]
    path = tmp_path / "gpw.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_gpw_detailed(path, period=dt.date(2024, 3, 31))
    assert caught.value.summary == "gpw.csv: an empty dataset"
