"""Database connections: closed after each request unless configured, and a clear error otherwise."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from gpworkforce.web.settings.base import database_from_env

URL = "postgres://postgres@127.0.0.1:5432/test"


def test_connections_are_pooled_not_kept_per_thread_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.delenv("GPWORKFORCE_DB_CONN_MAX_AGE", raising=False)
    db = database_from_env(None)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_MAX_AGE"] == 0 and db["CONN_HEALTH_CHECKS"] is False
    # shared by the threads; 4 opened when a worker starts (psycopg_pool's default minimum)
    assert db["OPTIONS"]["pool"] == {"min_size": 4, "max_size": 10, "timeout": 30}


def test_the_pool_can_be_sized_or_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.delenv("GPWORKFORCE_DB_CONN_MAX_AGE", raising=False)
    monkeypatch.setenv("GPWORKFORCE_DB_POOL", "4")
    assert database_from_env(None)["OPTIONS"]["pool"]["max_size"] == 4
    monkeypatch.setenv("GPWORKFORCE_DB_POOL", "2")  # below psycopg's default minimum of 4: all
    assert database_from_env(None)["OPTIONS"]["pool"] == {
        "min_size": 2,
        "max_size": 2,
        "timeout": 30,
    }
    monkeypatch.setenv("GPWORKFORCE_DB_POOL", "0")
    assert "pool" not in database_from_env(None).get("OPTIONS", {})
    monkeypatch.setenv("GPWORKFORCE_DB_POOL", "many")
    with pytest.raises(ImproperlyConfigured, match="GPWORKFORCE_DB_POOL"):
        database_from_env(None)


def test_a_pooled_server_may_keep_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("GPWORKFORCE_DB_CONN_MAX_AGE", "60")
    db = database_from_env(None)
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in db.get("OPTIONS", {})  # Django allows one or the other


@pytest.mark.parametrize("bad", ["sixty", "-1", "1.5"])
def test_a_bad_age_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("GPWORKFORCE_DB_CONN_MAX_AGE", bad)
    with pytest.raises(ImproperlyConfigured, match=r"GPWORKFORCE_DB_CONN_MAX_AGE.*whole number"):
        database_from_env(None)
