"""gunicorn settings for the web app: ``gunicorn -c gunicorn.conf.py`` (see docs/deploy.md, docs/web.md).

The demo (``scripts/web-demo.sh``), the production-settings test and the load benchmark all start
the app with this file; a deployment does too, behind a reverse proxy that buffers requests.
Every value can be overridden on the command line (``--bind``, ``--workers``, ...) or with
``GUNICORN_CMD_ARGS``; the environment variables below are the usual knobs.

Worker model: ``WEB_CONCURRENCY`` processes (default 2), each with ``GUNICORN_THREADS`` threads
(default 100). A request holds a thread while it is read and answered, so at most processes x
threads requests are in progress; one that finds every thread busy waits in the process's queue,
behind whatever arrived before it. 100 threads let a whole ICB's practices (about 140) upload at
once next to the page views without a page waiting behind the uploads; at most
``GPWORKFORCE_UPLOAD_CONCURRENCY`` uploads per process are parsed at a time, the others wait
holding a thread but no CPU or database connection (``web/intake.py``, decision 0058); a client that connects and sends nothing is handed back to the
process's poller after 5 seconds (gunicorn's gthread worker) and holds no thread. A client that
sends a request very slowly holds its thread until ``GUNICORN_READ_TIMEOUT`` seconds pass with
nothing received, then it is disconnected. In production the reverse proxy receives each request
in full before passing it on, so slow clients never reach gunicorn at all.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
from typing import Any

from gunicorn.glogging import Logger

from gpworkforce.web import cpu_priority


def _int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip() or str(default)
    if not text.isdigit():
        raise SystemExit(f"gunicorn.conf.py: {name} must be a whole number, got {text!r}")
    return int(text)


wsgi_app = "gpworkforce.web.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 100)
# Import Django, the app and its templates once in the arbiter; the workers share them (fork).
preload_app = True
# A worker whose main loop has not reported for this long is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle each worker after about this many requests (guards against slow leaks).
max_requests = 5000
max_requests_jitter = 500
backlog = 2048

# Request line and headers: gunicorn's own limits (a request beyond them gets a 400 and no
# thread time). The body size limit is Django's (``MAX_REQUEST_BYTES``, ``DATA_UPLOAD_MAX_*``).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Receiving: seconds with nothing received from a client mid-request before it is disconnected
# (a per-read timeout on each connection, set on the listening sockets and inherited by every
# accepted connection on Linux).
READ_TIMEOUT = _int("GUNICORN_READ_TIMEOUT", 20)

# CPU priority of this group's workers (decision 0110): normal for the page group; the upload
# group (decision 0072) runs with GUNICORN_CPU_PRIORITY=idle, so that parsing a workbook only ever
# uses a core no page view wants. "idle" or a nice value 0-19 (see web/cpu_priority.py).
try:
    CPU_PRIORITY = cpu_priority.from_env("GUNICORN_CPU_PRIORITY", 0)
except ValueError as exc:
    raise SystemExit(f"gunicorn.conf.py: {exc}") from None

# Seconds between a worker's looks for dashboards the task worker has newly computed (decision
# 0149): their figures are read into the worker's memory by a thread of its own, not by the first
# viewers after a data change. 0 turns it off.
WARM_SECONDS = _int("GPWORKFORCE_WARM_SECONDS", 1)

# The proxy in front sets X-Forwarded-For/-Proto; only trust them from the proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# client, time, request line, status, bytes, milliseconds (no query strings: they can hold names)
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
proc_name = "gpworkforce-web"
# no control socket (gunicornc): it would be one shared path in the home directory
control_socket_disable = True


class ServerLogger(Logger):
    """gunicorn's logger, with a read timeout logged as one line instead of a traceback."""

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if isinstance(sys.exc_info()[1], BlockingIOError):  # SO_RCVTIMEO ran out
            self.info("a client sent nothing for %s s mid-request: disconnected", READ_TIMEOUT)
            return
        super().exception(msg, *args, **kwargs)


logger_class = ServerLogger


def _set_read_timeout(sockets: list[Any]) -> None:
    packed = struct.pack("ll", READ_TIMEOUT, 0)  # struct timeval: seconds, microseconds
    for s in sockets:
        sock = getattr(s, "sock", s)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, packed)


def when_ready(server: Any) -> None:
    _set_read_timeout(server.LISTENERS)


def post_fork(server: Any, worker: Any) -> None:
    # in the new worker, before it starts its threads (they inherit the priority)
    cpu_priority.lower(CPU_PRIORITY)
    server.log.info("worker %s at CPU priority %s", worker.pid, cpu_priority.describe())


def post_worker_init(worker: Any) -> None:
    # in the new worker, the app loaded, before its first request (decision 0133): with
    # PostgreSQL, the pool's connections are made now, not by the requests that find it empty;
    # the most viewed dashboards' figures, census dates and hierarchy are read into its memory,
    # not by the viewers who would otherwise all wait for the first of them to read them
    from django.db import close_old_connections

    from gpworkforce.web.db_pool import open_pool
    from gpworkforce.web.jobs.tasks import keep_warm, warm_process

    opened = open_pool()
    try:
        read = warm_process()
    except Exception:  # the worker serves anyway; its first views read what they need
        worker.log.exception("worker %s could not read the dashboards before serving", worker.pid)
        read = 0
    finally:
        close_old_connections()  # the connection back to the pool (or closed), as a request's
    keep_warm(WARM_SECONDS)  # and again whenever the task worker has computed new figures
    worker.log.info(
        "worker %s ready: %s database connections open, %s dashboards read",
        worker.pid,
        opened,
        read,
    )
