"""Production: every secret and host comes from the environment, with NO default.

Required: ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` (comma separated), ``DATABASE_URL``.
Optional: ``DJANGO_CSRF_TRUSTED_ORIGINS`` (comma separated), ``DJANGO_SECURE_SSL_REDIRECT``
("0" behind a proxy that already redirects). A missing required variable stops start-up with a
message naming it. ``python -m gpworkforce.web check --deploy`` passes with these settings.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from gpworkforce.web.settings.base import *  # noqa: F403
from gpworkforce.web.settings.base import WEB_DIR, database_from_env


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"environment variable {name} must be set for production settings, got nothing"
        )
    return value


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
_required("DATABASE_URL")
DATABASES = {"default": database_from_env(None)}
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") != "0"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# the load balancer's or orchestrator's health check may come over plain HTTP
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
STATIC_ROOT = os.environ.get(
    "DJANGO_STATIC_ROOT", str(WEB_DIR.parent.parent.parent / "var" / "static")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
