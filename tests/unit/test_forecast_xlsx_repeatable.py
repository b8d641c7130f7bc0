"""Workbooks are repeatable: the creation date is fixed (or the caller's), never the clock's."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.exports import XLSX_CREATED, xlsx_bytes

TABLE = ReportTable("gap", "Gap", pd.DataFrame({"org": ["QK1"], "gap": [12.5]}))


def _core(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("docProps/core.xml").decode()


def test_same_tables_give_the_same_bytes_with_a_fixed_creation_date() -> None:
    first, second = xlsx_bytes([TABLE]), xlsx_bytes([TABLE])
    assert first == second
    assert XLSX_CREATED.strftime("%Y-%m-%dT%H:%M:%SZ") in _core(first)
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert today not in _core(first)


def test_the_caller_may_give_the_creation_date() -> None:
    when = dt.datetime(2017, 9, 30, tzinfo=dt.UTC)
    data = xlsx_bytes([TABLE], created=when)
    assert "2017-09-30T00:00:00Z" in _core(data)
    assert data == xlsx_bytes([TABLE], created=when)
    assert data != xlsx_bytes([TABLE])
