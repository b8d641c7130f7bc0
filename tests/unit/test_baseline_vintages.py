"""Which vintage the baseline reads (decision 0047): the latest publication, then the latest load.

Checksums are never compared: each case is run with the digests both ways round, so a rule that
compared them would fail one of the two.
"""

from __future__ import annotations

import pandas as pd
import pytest

from gpworkforce import tables
from gpworkforce.baseline.data import SourceKind, select_patients, select_sources

pytestmark = pytest.mark.unit

HIGH, LOW = "ffffffffffff", "000000000000"


def _wf(*rows: tuple[str, float]) -> pd.DataFrame:
    return tables.conform(
        pd.DataFrame(
            [
                {
                    "practice_code": "C82001",
                    "period": pd.Timestamp("2024-03-31"),
                    "node": "GP_QUALIFIED",
                    "headcount": 1.0,
                    "fte": fte,
                    "source_id": sid,
                }
                for sid, fte in rows
            ]
        ),
        tables.WORKFORCE,
    )


def _sid(vintage: str, digest: str, dataset: str = "gpw-practice-year") -> str:
    return f"{dataset}:FY2024:{vintage}:{digest}"


@pytest.mark.parametrize(("first", "second"), [(HIGH, LOW), (LOW, HIGH)])
def test_later_publication_wins_whatever_the_load_order(first: str, second: str) -> None:
    revised, original = _sid("2025-06-01", first), _sid("2024-06-01", second)
    # the revision was loaded first: publication date still decides
    frame = _wf((revised, 2.0), (original, 1.0))
    order = {revised: 0, original: 1}
    picked = select_sources(frame, SourceKind.GPW, order)
    assert picked["fte"].tolist() == [2.0]


@pytest.mark.parametrize(("first", "second"), [(HIGH, LOW), (LOW, HIGH)])
def test_same_publication_the_latest_load_wins(first: str, second: str) -> None:
    v1, v2 = (
        _sid("unknown-vintage", first, "practice-return"),
        _sid("unknown-vintage", second, "practice-return"),
    )
    frame = _wf((v2, 2.0), (v1, 1.0))  # rows in any order
    picked = select_sources(frame, SourceKind.RETURNS, {v1: 0, v2: 1})
    assert picked["fte"].tolist() == [2.0]
    picked = select_sources(frame, SourceKind.RETURNS, {v1: 1, v2: 0})
    assert picked["fte"].tolist() == [1.0]


@pytest.mark.parametrize(("first", "second"), [(HIGH, LOW), (LOW, HIGH)])
def test_without_an_order_the_later_appearance_wins(first: str, second: str) -> None:
    a, b = _sid("unknown-vintage", first), _sid("unknown-vintage", second)
    assert select_sources(_wf((a, 1.0), (b, 2.0)), None)["fte"].tolist() == [2.0]
    assert select_sources(_wf((b, 2.0), (a, 1.0)), None)["fte"].tolist() == [1.0]


@pytest.mark.parametrize(("first", "second"), [(HIGH, LOW), (LOW, HIGH)])
def test_patients_follow_the_same_rule(first: str, second: str) -> None:
    a, b = _sid("unknown-vintage", first), _sid("unknown-vintage", second)
    frame = tables.conform(
        pd.DataFrame(
            {
                "practice_code": ["C82001", "C82001"],
                "period": [pd.Timestamp("2024-03-31")] * 2,
                "registered": [100.0, 200.0],
                "weighted": [pd.NA, pd.NA],
                "source_id": [a, b],
            }
        ),
        tables.PATIENTS,
    )
    got = select_patients(frame, pd.Timestamp("2024-03-31").date(), source_order={a: 1, b: 0})
    assert got["registered"].tolist() == [100.0]
    got = select_patients(frame, pd.Timestamp("2024-03-31").date(), source_order={a: 0, b: 1})
    assert got["registered"].tolist() == [200.0]
