"""NHS Payments to General Practice, the 2015-16 and 2016-17 layouts (names without spaces,
Windows-1252 text).

The samples in tests/data/payments_2015_2017 are SYNTHETIC in the published layout (made-up
figures; names, file names and encoding from public code reading the published files, cited in
that folder's README). The expected figures are worked by hand from the sample's rows (README),
not taken from the loader.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import load_payments

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "payments_2015_2017"
Y1516 = SAMPLES / "nhspaymentsgp-15-16-csv.csv"
Y1617 = SAMPLES / "nhspaymentsgp-16-17-csv.csv"


def test_2015_16_loads_as_published() -> None:
    loaded = load_payments(Y1516)
    assert loaded.periods == [dt.date(2016, 3, 31)]  # from the published name
    p = loaded.patients.set_index("practice_code")
    assert p["registered"].to_dict() == {"C82001": 8123, "C82002": 4000, "C82003": 6210}
    assert p["weighted"].to_dict() == {"C82001": 9001.25, "C82002": 3900.5, "C82003": 6500.75}
    assert float(p["registered"].sum()) == 18333
    assert float(p["weighted"].sum()) == 19402.5
    a = loaded.attributes.set_index("practice_code")
    assert a["contract_type"].to_dict() == {"C82001": "GMS", "C82002": "PMS", "C82003": "APMS"}
    assert a["dispensing"].tolist() == [False, True, False]
    assert a["ccg_code"].tolist() == ["03W", "04C", "04V"]
    assert "rurality" not in a  # not published in 2015-16
    # Windows-1252 text is decoded, not replaced: no "invalid byte" warning
    assert loaded.encoding == "cp1252"
    assert a.loc["C82001", "practice_name"] == "The Café Surgery"
    assert not any("invalid byte" in w for w in loaded.warnings), loaded.warnings


def test_2016_17_loads_as_published() -> None:
    loaded = load_payments(Y1617)
    assert loaded.periods == [dt.date(2017, 3, 31)]
    p = loaded.patients.set_index("practice_code")
    assert p["registered"].to_dict() == {"C82001": 8200, "C82002": 4100, "C82003": 6300}
    assert float(p["registered"].sum()) == 18600
    assert float(p["weighted"].sum()) == 19650.75
    a = loaded.attributes.set_index("practice_code")
    assert a["rurality"].tolist() == ["Urban", "Rural", "Urban"]
    assert pd.isna(a.loc["C82002", "dispensing"])  # UNKNOWN: not known, not False
    assert a.loc["C82001", "patient_quarter"] == "Q4"
    assert not loaded.warnings


def _edited(tmp_path: Path, source: Path, old: bytes, new: bytes) -> Path:
    path = tmp_path / source.name
    shutil.copyfile(source, path)
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    return path


def test_a_missing_list_size_column_is_named(tmp_path: Path) -> None:
    path = _edited(tmp_path, Y1617, b"NumberofWeightedPatientsLastKnownFigure", b"WeightedPatients")
    with pytest.raises(ValidationFailed) as info:
        load_payments(path)
    assert "NumberofWeightedPatientsLastKnownFigure" in {
        i.location.column for i in info.value.issues
    }


@pytest.mark.parametrize(
    ("old", "new", "row", "column", "expected"),
    [
        pytest.param(
            b",4000,3900.5,",
            b",4000,-3900.5,",
            3,
            "NumberOfWeightedPatientsLastKnownFigure",
            None,
            id="a negative list size",
        ),
        pytest.param(
            b",6210,6500.75,",
            b",   ,6500.75,",
            4,
            "NumberOfRegisteredPatientsLastKnownFigure",
            "be a number, or left empty or NA when not available",
            id="a cell of spaces, named as not available",
        ),
    ],
)
def test_a_bad_list_size_is_refused_once_with_row_and_column(
    tmp_path: Path, old: bytes, new: bytes, row: int, column: str, expected: str | None
) -> None:
    path = _edited(tmp_path, Y1516, old, new)
    with pytest.raises(ValidationFailed) as info:
        load_payments(path)
    [issue] = info.value.issues
    assert (issue.location.row, issue.location.column) == (row, column)
    assert expected is None or issue.expected == expected


def test_a_decimal_comma_in_a_list_size_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, Y1516, b",8123,9001.25,", b',8123,"9001,25",')
    with pytest.raises(ValidationFailed) as info:
        load_payments(path)
    assert any(
        i.location.row == 2 and i.location.column == "NumberOfWeightedPatientsLastKnownFigure"
        for i in info.value.issues
    )
