"""The browser tests' server: the app under gunicorn (``gunicorn.conf.py``, test settings) on a
free port, with a temporary SQLite database holding the small world of ``web.testing``; one per
test, stopped after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server_support import WORLD, App, Server, clean_env, seed


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    db = tmp_path / "web.sqlite3"
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.test",
            "DATABASE_URL": f"sqlite:///{db}",
        }
    )
    ids = seed(env, WORLD)
    server = Server.start(env, tmp_path / "gunicorn.log")
    try:
        yield App(f"http://127.0.0.1:{server.port}", ids, db)
    finally:
        server.stop()
