"""A small threaded WSGI server for loopback use (demo, load tests): deep listen backlog and
optional worker processes sharing the port (SO_REUSEPORT). Production should use a real WSGI
server (e.g. gunicorn) in front of ``gpworkforce.web.wsgi``."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand
from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run

from gpworkforce.web.intake import looks_like_upload, upload_slot
from gpworkforce.web.jinja import warm_templates
from gpworkforce.web.warmup import warm_process


class BacklogWSGIServer(WSGIServer):
    request_queue_size = 1024
    allow_reuse_port = True

    def finish_request(self, request: Any, client_address: Any) -> None:  # in the request's thread
        # An upload waits for its slot before any of it is parsed: a burst of uploads then
        # queues as blocked threads instead of competing with page views for the interpreter.
        if looks_like_upload(request):
            with upload_slot():
                super().finish_request(request, client_address)
        else:
            super().finish_request(request, client_address)


class Command(BaseCommand):
    help = "Serve the app with a threaded WSGI server (loopback by default), optionally forked."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="processes sharing the port")

    def handle(self, *args: Any, **opts: Any) -> None:
        handler = get_internal_wsgi_application()
        compiled = warm_templates()  # before the fork: every worker inherits them compiled
        for _ in range(max(opts["workers"], 1) - 1):
            if os.fork() == 0:
                break
        warm_process()  # in each worker, after the fork
        self.stdout.write(
            f"serving on http://{opts['host']}:{opts['port']}/ (pid {os.getpid()}; "
            f"{compiled} templates compiled)"
        )
        run(opts["host"], opts["port"], handler, threading=True, server_cls=BacklogWSGIServer)
