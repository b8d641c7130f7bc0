"""The forecast's one-BLAS-thread context: limits every loaded BLAS library inside, restores them
after, reuses one scan of the process's libraries while nothing new is imported, and scans again
when a module (which may bring its own BLAS, as SciPy does) has been imported since."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from gpworkforce.forecast import blas


def _blas_threads() -> list[int]:
    return [int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]


def test_one_thread_inside_and_restored_after() -> None:
    import scipy.linalg  # noqa: F401  (SciPy's own BLAS, when it has one, is limited too)

    np.ones((2, 2)) @ np.ones((2, 2))  # BLAS loaded
    before = _blas_threads()
    if not before:
        pytest.skip("NumPy here is linked to no BLAS library threadpoolctl can see")
    with blas.one_blas_thread():
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before


def test_the_scan_is_kept_until_a_module_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    with blas.one_blas_thread():
        pass
    first = blas._controller()
    with blas.one_blas_thread():
        pass
    assert blas._controller() is first
    monkeypatch.setitem(sys.modules, "gpw_test_new_module", types.ModuleType("gpw_test_new_module"))
    assert blas._controller() is not first
