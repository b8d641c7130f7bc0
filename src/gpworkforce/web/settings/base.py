"""Settings shared by every environment. Environment-specific modules import and override these."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

WEB_DIR = Path(__file__).resolve().parent.parent

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gpworkforce.web.apps.WebConfig",
    "gpworkforce.web.jobs.apps.JobsConfig",
    "gpworkforce.web.finance.apps.FinanceConfig",
    "gpworkforce.web.plans.apps.PlansConfig",
    "gpworkforce.web.delivery.apps.DeliveryConfig",
    "gpworkforce.web.papers.apps.PapersConfig",
    "gpworkforce.web.scenarios.apps.ScenariosConfig",
    "gpworkforce.web.skillmix.apps.SkillMixConfig",
]

MIDDLEWARE = [
    "gpworkforce.web.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gpworkforce.web.limits.RequestSizeLimitMiddleware",
    "gpworkforce.web.permissions.DenyByDefaultMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # after messages and htmx: ends idle or old sessions; holds back a password to be changed
    "gpworkforce.web.signin.SessionLifetimeMiddleware",
    "gpworkforce.web.signin.PasswordChangeRequiredMiddleware",
    # last: turns a refused sign-in of a locked-out account or address into the lockout page
    "axes.middleware.AxesMiddleware",
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
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
# Any request body larger than this is refused (413) before it is read: the largest return plus
# room for the multipart envelope and the form's other fields (limits.RequestSizeLimitMiddleware).
MAX_REQUEST_BYTES = RETURN_UPLOAD_MAX_BYTES + 64 * 1024

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"


def _whole_number(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip() or str(default)
    if not text.isdigit() or int(text) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, got {text!r}")
    return int(text)


# Content-Security-Policy (django-csp 4): scripts only from this site and with the page's nonce,
# no inline script or style, no eval, nothing framed (docs/decisions/0040).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # the NHS.UK frontend CSS loads the Frutiger font from the NHS assets site
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

# -- sign-in and sessions (docs/decisions/0040) ----------------------------------------------------
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request and, whatever the activity,
# SESSION_ABSOLUTE_LIFETIME seconds after sign-in (gpworkforce.web.signin.SessionLifetimeMiddleware);
# the cookie lasts no longer than the absolute lifetime and not beyond the browser's session.
SESSION_IDLE_TIMEOUT = 60 * _whole_number("GPWORKFORCE_SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_LIFETIME = 3600 * _whole_number("GPWORKFORCE_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: after AXES_FAILURE_LIMIT failed sign-ins for one username, or from one address, that
# account or address is locked for AXES_COOLOFF_TIME hours (an administrator can unlock an account
# sooner). Failures are counted per username and per address, never reset by a success elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _whole_number("GPWORKFORCE_SIGNIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = _whole_number("GPWORKFORCE_SIGNIN_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "gpworkforce.web.views.accounts.locked_out"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind GPWORKFORCE_TRUSTED_PROXIES reverse proxies the
# address those proxies append to X-Forwarded-For (a client cannot forge it).
_PROXIES = os.environ.get("GPWORKFORCE_TRUSTED_PROXIES", "0").strip() or "0"
if not _PROXIES.isdigit():
    raise ImproperlyConfigured(
        f"GPWORKFORCE_TRUSTED_PROXIES must be a whole number of proxies (0: none), got {_PROXIES!r}"
    )
if int(_PROXIES):
    AXES_IPWARE_PROXY_COUNT = int(_PROXIES)
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


# SQLite with several threads and processes writing: a writer waits up to 30 s for the lock (not
# "database is locked" at once), takes it when its transaction starts, and readers do not block
# writers (WAL).
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL;",
}


POOL_MIN_SIZE = 4  # psycopg_pool's default; a smaller pool is opened whole


def database_from_env(default_sqlite: Path | None) -> dict[str, object]:
    """PostgreSQL (or any URL) when ``DATABASE_URL`` is set, else the given SQLite file.

    Connections close at the end of each request unless ``GPWORKFORCE_DB_CONN_MAX_AGE`` (seconds)
    says otherwise (gunicorn's gthread workers have a fixed pool of threads, so each may keep
    one; mind PostgreSQL's ``max_connections`` against processes x threads). With
    PostgreSQL and no maximum age, each process keeps a pool of ``GPWORKFORCE_DB_POOL``
    connections (default 10; 0 turns the pool off) shared by its threads, at least
    :data:`POOL_MIN_SIZE` of them kept open.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        text = os.environ.get("GPWORKFORCE_DB_CONN_MAX_AGE", "0").strip() or "0"
        if not text.isdigit():
            raise ImproperlyConfigured(
                f"GPWORKFORCE_DB_CONN_MAX_AGE must be a whole number of seconds, got {text!r}"
            )
        age = int(text)
        db = dict(dj_database_url.parse(url, conn_max_age=age, conn_health_checks=age > 0))
        if db["ENGINE"] == "django.db.backends.sqlite3":
            # as for the default file below: concurrent writers wait instead of failing
            db["OPTIONS"] = {**db.get("OPTIONS", {}), **SQLITE_OPTIONS}
        pool = os.environ.get("GPWORKFORCE_DB_POOL", "10").strip() or "0"
        if not pool.isdigit():
            raise ImproperlyConfigured(
                f"GPWORKFORCE_DB_POOL must be a whole number of connections (0: none), got {pool!r}"
            )
        if db["ENGINE"] == "django.db.backends.postgresql" and int(pool) > 0 and age == 0:
            # one pool of connections per process, shared by its threads (psycopg_pool): no
            # connection set-up per request; requests beyond the pool wait (30 s at most). At
            # least psycopg's default of 4 (or all, if fewer) are made when a gunicorn worker
            # starts, before its first request (gunicorn.conf.py, web/db_pool.py).
            size = int(pool)
            db["OPTIONS"] = {
                **db.get("OPTIONS", {}),
                "pool": {"min_size": min(POOL_MIN_SIZE, size), "max_size": size, "timeout": 30},
            }
        return db
    if default_sqlite is None:
        raise RuntimeError("DATABASE_URL must be set")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


CACHE_TABLE = "gpw_cache"  # created by `createcachetable` (scripts/web-demo.sh, docs/deploy.md)
CACHE_SECONDS = 7 * 24 * 3600  # an entry is keyed by data version: old ones only take space


def caches_for(redis_url: str) -> dict[str, dict[str, object]]:
    """Django's cache framework: ``default`` shared by every process, ``local`` per process.

    ``default`` holds the computed dashboards (figures and tables HTML) and their tasks' state,
    keyed by data version: Django's ``RedisCache`` at ``redis_url`` (``REDIS_URL``) if given,
    else the database cache (table :data:`CACHE_TABLE`), so a deployment needs no extra service.
    ``local`` (memory of one process) holds rendered pages, cheap to rebuild.
    """
    url = redis_url.strip()
    if url:
        shared: dict[str, object] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
        }
    else:
        shared = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
        }
    shared["TIMEOUT"] = CACHE_SECONDS
    return {
        "default": shared,
        "local": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gpworkforce-pages",
            "OPTIONS": {"MAX_ENTRIES": 128},  # a dashboard's figures and HTML: 0.3-1 MB each
        },
    }


TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def tasks_for(name: str, redis_url: str) -> tuple[dict[str, object], list[str], dict[str, object]]:
    """Django's Tasks (the ``django-tasks`` backport): ``TASKS``, the extra installed apps and
    ``RQ_QUEUES`` for the backend ``name`` (``GPWORKFORCE_TASK_BACKEND``; empty: database).

    ``database`` (default): tasks are rows in this project's database, run by
    ``python -m gpworkforce.web db_worker``. ``rq``: tasks are RQ jobs in the Redis at
    ``REDIS_URL``, run by ``python -m gpworkforce.web rqworker --job-class django_tasks_rq.Job``
    (deployments with several hosts). ``immediate``: run in the enqueuing process (tests).
    """
    name = name.strip() or "database"
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"GPWORKFORCE_TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, got {name!r}"
        )
    tasks: dict[str, object] = {"default": {"BACKEND": TASK_BACKENDS[name], "QUEUES": ["default"]}}
    if name != "rq":
        return tasks, [], {}
    url = redis_url.strip()
    if not url:
        raise ImproperlyConfigured("GPWORKFORCE_TASK_BACKEND=rq needs REDIS_URL, got nothing")
    queues = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    return tasks, ["django_rq", "django_tasks_rq"], queues


_REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = caches_for(_REDIS_URL)
TASKS, _task_apps, RQ_QUEUES = tasks_for(os.environ.get("GPWORKFORCE_TASK_BACKEND", ""), _REDIS_URL)
INSTALLED_APPS += _task_apps
