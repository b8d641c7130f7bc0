"""Properties of the raw GPW loader on synthetic files of the full current layout."""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpworkforce.errors import UserError
from gpworkforce.loaders import load_gpw_detailed
from gpworkforce.loaders.gpw_layouts import current_layout_columns
from gpworkforce.loaders.synthetic_gpw import synthetic_detailed, synthetic_detailed_csv

SEP = dt.date(2024, 9, 30)


def _load_text(text: str) -> object:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "gpw.csv"
        path.write_text(text, encoding="utf-8")
        return load_gpw_detailed(path, period=SEP)


def test_full_current_layout_is_entirely_recognised() -> None:
    loaded = _load_text(synthetic_detailed_csv(20, seed=1))
    assert loaded.warnings == ()  # every published column is known
    assert len(current_layout_columns()) > 350


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30))
def test_fte_totals_equal_the_file_columns(seed: int, n: int) -> None:
    """The long table is a lossless reshaping: each node's FTE sums to its file column(s)."""
    frame = synthetic_detailed(n, seed)
    loaded = _load_text(frame.to_csv(index=False, na_rep="NA", float_format="%g"))
    wf = loaded.workforce.set_index(["practice_code", "node"])["fte"]
    for col, node in (
        ("TOTAL_GP_FTE", "GP"),
        ("TOTAL_NURSES_FTE", "NURSE"),
        ("TOTAL_ADMIN_RECEPT_FTE", "ADMIN_RECEPTION"),
    ):
        expected = frame.set_index("PRAC_CODE")[col].dropna()
        got = wf.xs(node, level="node").dropna().astype(float)
        assert sorted(got.index) == sorted(expected.index)
        np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy())
    pharm = frame["TOTAL_DPC_PHARMA_FTE"] + frame["TOTAL_DPC_ADV_PHARMA_PRAC_FTE"]
    got = wf.xs("DPC_PHARMACIST", level="node").astype(float)
    assert got.sum() == pd.Series(pharm.to_numpy()).dropna().sum() or np.isclose(
        got.sum(), pharm.dropna().sum()
    )


@cache
def _base() -> pd.DataFrame:
    return synthetic_detailed(3, seed=7).astype(object)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    junk=st.sampled_from(
        ["x", "-1", "1e400", "", "NA", "1,5", '"', "\x00", "é", "3.5.1", "nan", " 2 "]
    ),
)
def test_corrupted_cells_never_crash(data: st.DataObject, junk: str) -> None:
    """Any single corrupted cell: the file loads or is rejected with a user error, never a crash."""
    frame = _base().copy()
    row = data.draw(st.integers(0, 2))
    col = data.draw(st.integers(0, frame.shape[1] - 1))
    frame.iat[row, col] = junk
    text = frame.to_csv(index=False, na_rep="NA")
    try:
        _load_text(text)
    except UserError as exc:
        assert str(exc)  # a message, and it names the file
        assert "gpw.csv" in str(exc)
