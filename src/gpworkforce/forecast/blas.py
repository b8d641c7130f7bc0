"""One BLAS thread for the engine's small matrix products.

The engine's products are small (``[draws, basis] @ [basis, organisations]``); on a busy machine
BLAS threads only spin, so the forecast runs them on one thread. ``threadpoolctl`` finds the
process's BLAS libraries by walking every loaded shared library, which costs about a millisecond
each time a limit is set; the libraries do not change once NumPy is loaded, so the controller is
built once per process and each limit reuses it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[object]:
    """A context in which BLAS uses one thread (restored on exit)."""
    return _controller().limit(limits=1, user_api="blas")
