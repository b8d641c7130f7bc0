"""A new gunicorn worker opens its PostgreSQL connections before its first request (decision 0133):
``gunicorn.conf.py``'s ``post_worker_init`` hook, run as gunicorn runs it, in a fresh process
whose pool nothing has opened yet."""

from __future__ import annotations

import os
import textwrap

import pytest
from django.db import connection

from gpworkforce.web.db_pool import open_pool
from server_support import run_with_gunicorn_conf

WORKER = textwrap.dedent(
    """
    import json, logging, runpy, sys
    import django
    django.setup()
    from django.db import connection
    conf = runpy.run_path(sys.argv[1])  # gunicorn.conf.py, as gunicorn reads it
    pool = connection.pool
    before = {"closed": pool.closed, "made": pool.get_stats().get("connections_num", 0)}

    class Worker:  # what the hook uses of gunicorn's worker
        pid = 0
        log = logging.getLogger("gunicorn")

    conf["post_worker_init"](Worker())
    stats = pool.get_stats()
    print(json.dumps({"before": before, "closed": pool.closed,
                      "made": stats.get("connections_num", 0),
                      "ready": stats.get("pool_available", 0), "min": pool.min_size}))
    pool.close()
    """
)


def test_a_new_worker_opens_its_pool_before_its_first_request(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("connection pools are PostgreSQL's (run with GPWORKFORCE_TEST_DATABASE_URL)")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
        "DATABASE_URL": url,
        "GPWORKFORCE_DB_POOL": "6",
    }
    env.pop("GPWORKFORCE_DB_CONN_MAX_AGE", None)
    found = run_with_gunicorn_conf(WORKER, env)
    assert found["before"] == {"closed": True, "made": 0}  # Django opens it on the first query
    assert found["closed"] is False
    # made by the hook and ready, before any request asked for one
    assert found["min"] == 4 and found["made"] >= 4 and found["ready"] >= 4


def test_without_a_pool_opening_does_nothing(db: None) -> None:
    if connection.vendor == "postgresql" and connection.pool is not None:
        pytest.skip("this database has a pool (the test above)")
    assert open_pool() == 0
