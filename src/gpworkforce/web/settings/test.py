"""pytest settings: fast password hashing, SQLite (in memory via pytest-django) unless DATABASE_URL."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gpworkforce.web.settings.base import *  # noqa: F403
from gpworkforce.web.settings.base import caches_for, database_from_env

DEBUG = False
SECRET_KEY = "test-only-insecure-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    "default": database_from_env(Path(tempfile.gettempdir()) / "gpworkforce-web-test.sqlite3")
}
# A test database kept in a file between runs (with pytest's --reuse-db) when this names one: mutation
# testing (scripts/mutation.py) runs pytest once per mutant and would otherwise migrate every time.
if os.environ.get("GPWORKFORCE_TEST_DB_FILE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["GPWORKFORCE_TEST_DB_FILE"]}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# serve static files from the source folders (no collectstatic): the test servers under gunicorn
# (tests/browser/conftest.py) otherwise answer 404 for every script and stylesheet
WHITENOISE_USE_FINDERS = True
# django-axes needs the request in authenticate(), which Django's test Client.login() does not
# pass; the sign-in tests turn it on for themselves (in process: the settings fixture; a test
# server under gunicorn: GPWORKFORCE_TEST_AXES=1).
AXES_ENABLED = os.environ.get("GPWORKFORCE_TEST_AXES", "") == "1"
# the database cache (in each test's transaction) whatever REDIS_URL says; tasks run when
# enqueued, in the test's process (tests of the database and RQ backends choose theirs)
CACHES = caches_for("")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
# dashboard view counts stay in the process until a test adds them (jobs.figures.flush_views): no
# background thread writing to the test database
DASHBOARD_VIEWS_FLUSH_SECONDS = 0
