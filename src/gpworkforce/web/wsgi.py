"""WSGI entry point (``gunicorn gpworkforce.web.wsgi``); production settings unless told otherwise."""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.production")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402 - needs the configured Django

from gpworkforce.web.jinja import warm_templates  # noqa: E402

# Done once in gunicorn's arbiter (preload_app), shared by its workers after the fork: every view
# module imported (pandas, the returns validator), the URL patterns compiled for reversing too
# (the first reverse() would), and every template compiled, so no first request pays for them.
# Dashboards are computed by the task worker, never here.
get_resolver().reverse_dict  # noqa: B018
warm_templates()

# Everything loaded so far lives as long as the process: keep it out of the garbage collector's
# reach (gc.freeze). Otherwise each full collection in a worker walks all of it (about 230,000
# objects: 0.1 s of CPU holding the interpreter's lock, every thread of the process stopped),
# and does so every few dozen dashboard views that read figures, at the moments many requests
# arrive together (decision 0110). Frozen in the arbiter, before the fork, as Python's gc
# documentation advises for a forking server; collected first, so no garbage is kept forever.
gc.collect()
gc.freeze()
