"""Opening a process's pool of PostgreSQL connections before it takes requests (decision 0133).

With PostgreSQL each web process keeps a pool of connections (psycopg's ``ConnectionPool``
through Django's ``OPTIONS["pool"]``, ``GPWORKFORCE_DB_POOL``). Django opens it on the first query,
so the first requests of a new process (after a deployment, a worker recycled by
``max_requests``, or one gunicorn starts in place of a worker that died) waited for the pool's
connections to be made: a PostgreSQL server process started and authenticated for each, on the
cores the page views need. gunicorn's ``post_worker_init`` hook (``gunicorn.conf.py``) calls
:func:`open_pool` in each new worker, after the fork and before its first request: the worker
takes requests with ``min_size`` connections open (the other workers serve meanwhile).

Never called in gunicorn's arbiter: connections made before the fork would be shared by every
worker.
"""

from __future__ import annotations

import logging

from django.db import connections

log = logging.getLogger(__name__)

OPEN_TIMEOUT = 10.0  # seconds to wait for the pool's first connections (gunicorn's timeout is 60 s)


def open_pool(alias: str = "default", timeout: float = OPEN_TIMEOUT) -> int:
    """Open the connection pool of database ``alias`` and wait until it holds its minimum number
    of connections; how many are ready (0: the database has no pool, e.g. SQLite). A pool that
    cannot be filled in ``timeout`` seconds is left to fill itself meanwhile: the worker starts
    anyway, and its first requests wait for a connection as they would have."""
    pool = getattr(connections[alias], "pool", None)
    if pool is None:
        return 0
    pool.open()
    try:
        pool.wait(timeout=timeout)
    except Exception:  # psycopg_pool.PoolTimeout, or the server refusing: logged, not fatal
        log.warning("the database pool did not fill in %s s", timeout, exc_info=True)
    return int(pool.get_stats().get("pool_available", 0))
