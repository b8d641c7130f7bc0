"""The parsed store's reading helpers (issue 10, item 6; decision 0135): ``tables.read_parquet``
gives the table ``pq.read_table`` gives without importing pyarrow's dataset layer, and
``tables.concat`` stacks frames exactly as conforming each one and concatenating did."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gpworkforce import tables


def _store(path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "practice_code": pd.Categorical(["C82001", "C82002", None, "C82001"]),
            "period": pd.to_datetime(["2024-09-30"] * 4),
            "node": pd.Categorical(["GP", "NURSE", "GP", "ADMIN"]),
            "headcount": pd.array([1.0, None, 2.0, 3.0], dtype="Float64"),
            "fte": pd.array([0.5, 1.0, None, 2.5], dtype="Float64"),
            "source_id": pd.Categorical(["gpw:2024-09-30:2024-11-01:ab"] * 4),
        }
    )
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def test_read_parquet_equals_read_table(tmp_path: Path) -> None:
    path = _store(tmp_path / "workforce.parquet")
    text = ["practice_code", "node", "source_id"]
    got = tables.read_parquet(path, text)
    want = pq.read_table(path, read_dictionary=text)
    assert got.equals(want)
    assert got.schema.equals(want.schema, check_metadata=True)
    assert got.to_pandas().equals(want.to_pandas())
    assert tables.read_parquet(path).equals(pq.read_table(path))


def test_read_parquet_does_not_import_the_dataset_layer(tmp_path: Path) -> None:
    """pq.read_table's first call imports pyarrow.dataset (0.1-0.25 s of a command's CPU)."""
    path = _store(tmp_path / "workforce.parquet")
    code = (
        "import sys; from gpworkforce import tables; "
        f"t = tables.read_parquet({str(path)!r}, ['node']); "
        "assert t.num_rows == 4; "
        "print('pyarrow.dataset' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_concat_equals_conforming_each_frame(tmp_path: Path) -> None:
    spec = tables.WORKFORCE
    stored = pd.read_parquet(_store(tmp_path / "w.parquet")).astype(
        {"practice_code": "string", "node": "string", "source_id": "string"}
    )
    assert tables.conforms(stored, spec)
    loose = pd.DataFrame(  # text as objects, columns in another order, an extra column
        {
            "node": ["GP"],
            "practice_code": ["C83001"],
            "period": ["2023-09-30"],
            "fte": [1.25],
            "headcount": [2],
            "source_id": ["returns"],
            "extra": [1],
        }
    )
    assert not tables.conforms(loose, spec)
    parts = [stored, tables.empty(spec), loose, stored.iloc[2:]]
    want = pd.concat([tables.conform(f, spec) for f in parts if len(f)], ignore_index=True)
    got = tables.concat(parts, spec)
    pd.testing.assert_frame_equal(got, want)
    assert got is not stored and not any(got[c] is stored[c] for c in spec)
    pd.testing.assert_frame_equal(tables.concat([], spec), tables.empty(spec))
