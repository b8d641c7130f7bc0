"""One process per host that computes the dashboards, so request threads never do.

The first server process to warm up starts it (:func:`ensure_compute_process`, from
:func:`gpworkforce.web.precompute.warm_start`; the others find it starting or running), when the
dashboards' cache is shared between processes (not the per-process memory of the tests) and
``GPWORKFORCE_COMPUTE_PROCESS`` is not ``0``. It runs at a lower CPU priority (``nice`` :data:`NICE`), watches the data version and the dashboards viewed
in any server process (:mod:`gpworkforce.web.precompute`), computes each target dashboard's
figures and tables HTML for every new data version, and writes them to the store shared with
the server processes (:mod:`gpworkforce.web.dashstore`). It announces itself with a heartbeat;
while the heartbeat is fresh, server processes compute nothing in the background and page views
show the previous figures, marked, until the new ones are there. If it dies, the heartbeat
expires, the server processes compute in the background again as without it, and the next one
to look starts a new one. It exits when the server process that started it does.

``python -m gpworkforce.web.compute [PARENT_PID]`` runs it in the foreground.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time

log = logging.getLogger(__name__)
NICE = 10  # the operating system runs the request processes first when the CPU is busy
_child: dict[str, subprocess.Popen[bytes] | None] = {"proc": None}


def wanted() -> bool:
    """A compute process makes sense: the store is shared between processes, and not opted out."""
    from django.core.cache.backends.locmem import LocMemCache

    from gpworkforce.web.dashboards import store

    if os.environ.get("GPWORKFORCE_COMPUTE_PROCESS", "1").strip() == "0":
        return False
    try:
        return not isinstance(store.shared, LocMemCache)
    except Exception:  # a cache that cannot be set up: the server processes compute themselves
        log.warning("dashboards cache unavailable: no compute process", exc_info=True)
        return False


def ensure_compute_process() -> bool:
    """Start the compute process from this server process unless one is running or being
    started by another process (an in-flight marker decides who); whether this one started it."""
    from gpworkforce.web import precompute
    from gpworkforce.web.dashboards import store

    proc = _child["proc"]
    if proc is not None and proc.poll() is None:
        return False  # ours, running or starting
    if not wanted() or precompute.compute_process_alive():
        return False
    if not store.claim("gpw-web:compute-process"):  # another server process is starting one
        return False
    _child["proc"] = start_compute_process()
    log.info("started the dashboards' compute process (pid %s)", _child["proc"].pid)
    return True


def start_compute_process() -> subprocess.Popen[bytes]:
    """Start a compute process, child of this process.

    It inherits the environment (settings module, database, dashboards cache location) and the
    process group, so stopping the server's group stops it too; it also exits on its own when
    this process ends.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.dev")
    return subprocess.Popen(
        [sys.executable, "-m", "gpworkforce.web.compute", str(os.getpid())],
        stdin=subprocess.DEVNULL,
    )


def run(
    parent_pid: int | None = None, *, max_passes: int | None = None, own_connection: bool = True
) -> int:
    """Heartbeat, watch and compute until the parent process ends (or ``max_passes`` passes were
    tried); how many passes succeeded. Django must be set up. ``own_connection``: close stale
    database connections between looks and after a failure (False: the connection is the
    caller's, e.g. a test's transaction)."""
    from django.db import close_old_connections, connection

    from gpworkforce.web import precompute
    from gpworkforce.web.dashboards import data_version

    tried = done = 0
    seen: tuple[str, list[object]] | None = None
    while parent_pid is None or os.getppid() == parent_pid:
        precompute.heartbeat()
        if own_connection:
            close_old_connections()
        try:
            now = (data_version(), list(precompute._shared_recent()))
            if now != seen:
                tried += 1
                precompute.precompute(follow=False, on_progress=precompute.heartbeat)
                precompute.record_done(now[0])
                seen = now  # read before the pass: a change during it gives one more pass
                done += 1
        except Exception:  # keep serving later versions; the server processes fall back anyway
            log.exception("computing dashboards failed")
            if own_connection:
                connection.close()
        if max_passes is not None and tried >= max_passes:
            break
        time.sleep(precompute.POLL_SECONDS)
    return done


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    parent = int(args[0]) if args else None
    os.nice(NICE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.dev")
    import django

    django.setup()
    from django.urls import get_resolver

    from gpworkforce.web import precompute
    from gpworkforce.web.warmup import warm_charts

    precompute.heartbeat()  # starting: the server processes need not start another one

    get_resolver().url_patterns  # noqa: B018 - the views and templates, as a server has them
    warm_charts()
    with contextlib.suppress(KeyboardInterrupt):
        run(parent)


if __name__ == "__main__":
    main()
