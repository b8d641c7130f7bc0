"""The RQ backend (``GPWORKFORCE_TASK_BACKEND=rq``) against the local Redis, end to end.

In child processes with the development settings on a fresh SQLite file: ``migrate``, then a
world whose data changes enqueue the top dashboards as RQ jobs (on commit), then RQ's worker in
burst mode; the figures must then be in Django's ``RedisCache`` (``REDIS_URL``), read by a third
process. Skipped, saying why, only when no Redis answers at ``GPWORKFORCE_TEST_REDIS_URL``
(default ``redis://127.0.0.1:6379/1``); the Redis database it names is emptied first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REDIS_URL = os.environ.get("GPWORKFORCE_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
REPO = Path(__file__).resolve().parents[2]

SEED = textwrap.dedent(
    """
    import django
    django.setup()
    from gpworkforce.web.actions.returns import transition
    from gpworkforce.web.testing import approve_own_return, build_world
    from gpworkforce.web.workflow import TransitionName
    world = build_world()
    rec = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec, name=TransitionName.ACCEPT)
    """
)
CHECK = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django_tasks import task_backends
    from gpworkforce.web.jobs import figures, tasks
    from gpworkforce.web.jobs.models import current
    codes, census = tasks.top_dashboards()
    print(json.dumps({
        "cache": settings.CACHES["default"]["BACKEND"],
        "tasks": type(task_backends["default"]).__name__,
        "ready": {
            c: (p := figures.pointer(c, census)) is not None
            and p.current_for == current()
            and figures.get(c, census, p.figures) is not None
            for c in codes
        },
    }))
    """
)


def _redis_or_skip() -> None:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {REDIS_URL} ({type(exc).__name__}: {exc})")
    client.flushdb()


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def test_rq_backend_runs_the_dashboards_and_redis_caches_them(tmp_path: Path) -> None:
    _redis_or_skip()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
        "GPWORKFORCE_WEB_DB": str(tmp_path / "web.sqlite3"),
        "GPWORKFORCE_TASK_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
    }
    env.pop("DATABASE_URL", None)
    _run(env, "-m", "gpworkforce.web", "migrate", "-v0")
    _run(env, "-c", SEED)
    before = json.loads(_run(env, "-c", CHECK).splitlines()[-1])
    assert before["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert before["tasks"] == "RQBackend"
    assert before["ready"] and not any(before["ready"].values())  # enqueued, not yet run
    _run(env, "-m", "gpworkforce.web", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job")
    after = json.loads(_run(env, "-c", CHECK).splitlines()[-1])
    assert after["ready"] == dict.fromkeys(before["ready"], True)
