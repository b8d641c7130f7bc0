"""Local development: DEBUG on, a fixed development secret, SQLite in ``var/`` unless DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

from gpworkforce.web.settings.base import *  # noqa: F403
from gpworkforce.web.settings.base import database_from_env

DEBUG = True
SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

_DB_FILE = Path(
    os.environ.get("GPWORKFORCE_WEB_DB", Path.cwd() / "var" / "gpworkforce-web.sqlite3")
)
_DB_FILE.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database_from_env(_DB_FILE)}
