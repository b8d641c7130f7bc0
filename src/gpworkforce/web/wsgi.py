"""WSGI entry point (``gunicorn gpworkforce.web.wsgi``); production settings unless told otherwise."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.production")
application = get_wsgi_application()
