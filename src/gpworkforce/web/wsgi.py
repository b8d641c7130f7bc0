"""WSGI entry point (``gunicorn gpworkforce.web.wsgi``); production settings unless told otherwise."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.production")
application = get_wsgi_application()

from gpworkforce.web.warmup import warm_process  # noqa: E402 - needs the configured Django

# Imports only: a pre-loading server (gunicorn --preload) imports this module before it forks,
# and vl-convert's engine must start in the worker (call warm_process() in a post-fork hook).
warm_process(charts=False)
