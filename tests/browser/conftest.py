"""The browser tests' Chromium and server.

- ``browser``: Debian's Chromium (Playwright, headless), one per test module (every module's).
- ``app``: the app under gunicorn (``gunicorn.conf.py``, test settings) on a free port, with a
  temporary SQLite database holding the small world of ``web.testing``; one per test, stopped
  after it (``server_support.served_app``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from server_support import App, served_app

VENDOR = Path(__file__).resolve().parents[2] / "src" / "gpworkforce" / "web" / "static" / "vendor"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for the module's tests, once the front-end assets are there; Django may be
    called from a test while Playwright's event loop runs (the tests read the database)."""
    if not (VENDOR / "nhsuk" / "nhsuk-frontend.min.css").exists():
        pytest.fail("front-end assets missing: run scripts/web-assets.sh (make setup)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield b
        b.close()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with served_app(tmp_path) as running:
        yield running
