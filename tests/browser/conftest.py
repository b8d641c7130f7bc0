"""The browser tests' Chromium and server.

- ``browser``: Debian's Chromium (Playwright, headless), one per test module.
- ``app``: the app under gunicorn (``gunicorn.conf.py``, test settings) on a free port, with a
  temporary SQLite database holding the small world of ``web.testing``; one per test, stopped
  after it (``server_support.served_app``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from server_support import App, served_app

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
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
