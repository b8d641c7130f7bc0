"""One BLAS thread for the engine's small matrix products.

The engine's products are small (``[draws, basis] @ [basis, organisations]``); on a busy machine
BLAS threads only spin, so the forecast runs them on one thread. ``threadpoolctl`` finds the
process's BLAS libraries by walking every loaded shared library, which costs about a millisecond
each time a limit is set. A BLAS library is loaded only by importing a module (NumPy's, then
SciPy's own copy, ...), so the scan is kept while no module has been imported since, and done
again when one has: a library loaded later is limited too.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager

from threadpoolctl import ThreadpoolController

_scanned: tuple[int, ThreadpoolController] | None = None


def _controller() -> ThreadpoolController:
    global _scanned
    modules = len(sys.modules)
    if _scanned is None or _scanned[0] != modules:
        _scanned = (modules, ThreadpoolController())
    return _scanned[1]


def one_blas_thread() -> AbstractContextManager[object]:
    """A context in which every loaded BLAS library uses one thread (restored on exit)."""
    return _controller().limit(limits=1, user_api="blas")
