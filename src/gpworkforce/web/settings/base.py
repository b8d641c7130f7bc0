"""Settings shared by every environment. Environment-specific modules import and override these."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

WEB_DIR = Path(__file__).resolve().parent.parent

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "gpworkforce.web.apps.WebConfig",
]

MIDDLEWARE = [
    "gpworkforce.web.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gpworkforce.web.intake.UploadSlotMiddleware",
    "gpworkforce.web.permissions.DenyByDefaultMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gpworkforce.web.urls"
WSGI_APPLICATION = "gpworkforce.web.wsgi.application"
AUTH_USER_MODEL = "web.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "gpworkforce.web.jinja.environment"},
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploaded returns are parsed in memory, fully, before anything is written (see docs/web.md).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
RETURN_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"


def database_from_env(default_sqlite: Path | None) -> dict[str, object]:
    """PostgreSQL (or any URL) when ``DATABASE_URL`` is set, else the given SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if default_sqlite is None:
        raise RuntimeError("DATABASE_URL must be set")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }


def caches_for(
    dashboards_dir: Path | None, *, from_env: bool = True
) -> dict[str, dict[str, object]]:
    """Django's default cache (per process) and the dashboards' store shared by processes.

    ``dashboards_dir``: a ``FileBasedCache`` directory (the environment variable
    ``GPWORKFORCE_DASHBOARD_CACHE`` takes precedence unless ``from_env`` is False); None:
    per-process memory (tests). A
    deployment can point ``CACHES["dashboards"]`` at Redis or Memcached in its own settings.
    """
    configured = os.environ.get("GPWORKFORCE_DASHBOARD_CACHE", "").strip() if from_env else ""
    location = Path(configured) if configured else dashboards_dir
    if location is None:
        dashboards: dict[str, object] = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gpworkforce-dashboards",
        }
    else:
        dashboards = {
            "BACKEND": "gpworkforce.web.filecache.AtomicAddFileCache",
            "LOCATION": str(location),
        }
    # about 10 entries per dashboard and data version (figures, tables HTML, markers); culled by
    # a quarter when full; a week at most
    dashboards["TIMEOUT"] = 7 * 24 * 3600
    dashboards["OPTIONS"] = {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4}
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "dashboards": dashboards,
    }
