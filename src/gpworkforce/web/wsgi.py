"""WSGI entry point (``gunicorn gpworkforce.web.wsgi``); production settings unless told otherwise."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.production")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402 - needs the configured Django

from gpworkforce.web.jinja import warm_templates  # noqa: E402

# Done once in gunicorn's arbiter (preload_app), shared by its workers after the fork: every view
# module imported (pandas, the returns validator) and every template compiled, so no first
# request pays for them. Dashboards are computed by the task worker, never here.
get_resolver().url_patterns  # noqa: B018
warm_templates()
