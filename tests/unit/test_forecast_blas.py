"""The forecast's one-BLAS-thread context: limits BLAS inside, restores it after, and reuses one
scan of the process's libraries."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from gpworkforce.forecast import blas


def _blas_threads() -> list[int]:
    return [int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]


def test_one_thread_inside_and_restored_after() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # BLAS loaded
    before = _blas_threads()
    if not before:
        pytest.skip("NumPy here is linked to no BLAS library threadpoolctl can see")
    with blas.one_blas_thread():
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before


def test_the_library_scan_is_done_once_per_process() -> None:
    with blas.one_blas_thread():
        pass
    first = blas._controller()
    with blas.one_blas_thread():
        pass
    assert blas._controller() is first
