"""The production configuration serves: collectstatic into a temporary directory (manifest
storage), DEBUG off, a secret from the environment, gunicorn with ``gunicorn.conf.py`` on a free
port, a temporary SQLite database seeded with the small world. Each role signs in and fetches
every page of the access table (test_web_access.TABLE), with the status the table expects for
its own organisation's objects (200, or 403 where its role may not; 302 where a page redirects),
and pages that do not exist for it (404); the 500 page is rendered while the database is gone. Every
``<link>``, ``<script>`` and ``<img>`` on those pages, and every file the CSS names, answers 200.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from test_web_access import SIGNED_IN, TABLE, url_for

from gpworkforce.web.testing import PASSWORD
from server_support import PROXY_HEADERS, REPO, Client, Server, clean_env, seed

SECRET = "x9!" + "k" * 60 + "Qz#-production-like-secret-for-the-test"
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg|png|ico|json|map)$")


class Assets(HTMLParser):
    """The URLs of the page's stylesheets, icons, scripts and images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        url = {"link": a.get("href"), "script": a.get("src"), "img": a.get("src")}.get(tag)
        if url:
            self.urls.append(url)


def asset_urls(page: bytes) -> list[str]:
    parser = Assets()
    parser.feed(page.decode())
    return parser.urls


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, int], Path]]:
    tmp = tmp_path_factory.mktemp("prod")
    db = tmp / "web.sqlite3"
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.production",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{db}",
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "WEB_CONCURRENCY": "2",
        }
    )
    collected = subprocess.run(
        [sys.executable, "-m", "gpworkforce.web", "collectstatic", "--no-input", "-v0"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collected.returncode == 0, collected.stderr[-4000:]
    assert (tmp / "static" / "staticfiles.json").exists()
    ids = seed(env)
    server = Server.start(env, tmp / "gunicorn.log")
    # the production topology: gunicorn and a task worker that computes the dashboards
    with (tmp / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gpworkforce.web",
                "db_worker",
                "--no-reload",
                "--interval",
                "0.2",
            ],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield server, ids, db
    finally:
        worker.terminate()
        server.stop()
        worker.wait(timeout=30)


def _get_computed(client: Client, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``path``; a download answered 503 (its dashboard's task is still running) is asked
    again until the task worker has computed it (a minute at most)."""
    deadline = time.monotonic() + 60
    while True:
        status, headers, page = client.get(path)
        if status != 503 or time.monotonic() > deadline:
            return status, headers, page
        time.sleep(0.5)


def _get_ok_with_assets(client: Client, path: str, checked: set[str]) -> None:
    status, _, page = client.get(path)
    assert status == 200, (path, status)
    _check_assets(client, path, page, checked)


def _check_assets(client: Client, path: str, page: bytes, checked: set[str]) -> None:
    urls = asset_urls(page)
    assert any(u.endswith(".css") for u in urls), f"{path}: no stylesheet"
    for url in urls:
        assert url.startswith("/static/"), (path, url)
        assert HASHED.search(url), f"{path}: {url} is not a manifest (hashed) name"
        if url in checked:
            continue
        status, _, body = client.get(url)
        assert status == 200, (path, url, status)
        checked.add(url)
        if url.endswith(".css"):
            # what the stylesheet itself names (icons next to it, source map)
            named = re.findall(rb"url\([\"']?([^)\"']+)|sourceMappingURL=(\S+?)\s*\*/", body)
            for found in (a or b for a, b in named):
                target = found.decode()
                if target.startswith(("http:", "https:", "data:")):
                    continue
                full = urljoin(url, target)
                if full not in checked:
                    assert client.get(full)[0] == 200, (url, target)
                    checked.add(full)


def _signed_in(server: Server, role: str) -> Client:
    client = Client(server.port, headers=dict(PROXY_HEADERS))
    if role != "anonymous":
        client.login(role, PASSWORD)
    return client


def test_collected_css_names_its_icons_by_hashed_names(
    prod: tuple[Server, dict[str, int], Path],
) -> None:
    server, _, _ = prod
    client = Client(server.port, headers=dict(PROXY_HEADERS))
    _, _, page = client.get("/accounts/login/")
    css = next(u for u in asset_urls(page) if "nhsuk-frontend" in u)
    body = client.get(css)[2].decode()
    icons = re.findall(r"url\(\"?(assets/images/[^)\"]+)", body)
    assert icons, "the NHS.UK stylesheet names no icons next to it"
    assert all(HASHED.search(i) for i in icons), icons


@pytest.mark.parametrize("role", ["anonymous", *SIGNED_IN])
def test_every_page_a_role_may_see_is_served_with_its_assets(
    prod: tuple[Server, dict[str, int], Path], role: str
) -> None:
    server, ids, _ = prod
    own = {
        "rounds": {"own": ids["round"]},
        "returns": {"own": ids["return"]},
        "users": {"own": ids["user"]},
        "scenarios": {"scenarios": {"own": ids["scenario"]}, "runs": {"own": ids["run"]}},
    }
    client = _signed_in(server, role)
    checked: set[str] = set()
    if role == "anonymous":
        _get_ok_with_assets(client, "/accounts/login/", checked)
    seen = 0
    for route, entry in TABLE.items():
        if route == "healthz":  # not a page
            continue
        expected = entry.policy("GET")[role]["own"]
        try:
            path = url_for(route, entry.args(own, "own"))
        except KeyError:  # an object this world lacks (the delivery registers': test_web_access)
            continue
        status, headers, page = _get_computed(client, path)
        assert status == expected, (role, path, status, expected)
        if status == 200 and headers.get("content-type", "").startswith("text/html"):
            _check_assets(client, path, page, checked)
            seen += 1
    assert seen >= (1 if role == "anonymous" else 3), f"{role}: only {seen} pages fetched"
    assert checked, "no asset fetched"


def test_forbidden_and_not_found_pages_render(
    prod: tuple[Server, dict[str, int], Path],
) -> None:
    server, ids, _ = prod
    board = _signed_in(server, "board")
    checked: set[str] = set()
    status, _, page = board.get(reverse("round-list"))
    assert status == 403
    assert "You do not have permission to see this page" in page.decode()
    _check_assets(board, "403", page, checked)
    submitter = _signed_in(server, "submitter")
    for path in (reverse("return-detail", args=[ids["other_return"]]), "/no/such/page/"):
        status, _, page = submitter.get(path)
        assert status == 404, path
        assert "Page not found" in page.decode()
        _check_assets(submitter, path, page, checked)


def test_plain_http_is_redirected_to_https(prod: tuple[Server, dict[str, int], Path]) -> None:
    server, _, _ = prod
    status, headers, _ = Client(server.port).get("/accounts/login/")
    assert status == 301
    assert headers["location"] == f"https://127.0.0.1:{server.port}/accounts/login/"


def test_server_error_page_renders_while_the_database_is_gone(
    prod: tuple[Server, dict[str, int], Path], tmp_path: Path
) -> None:
    """Last in this module: it moves the database away (and back)."""
    server, _, db = prod
    client = _signed_in(server, "analyst")
    assert client.get("/")[0] == 200
    files = [db.with_name(db.name + suffix) for suffix in ("", "-wal", "-shm")]
    away = tmp_path / "away"
    away.mkdir()
    for f in files:
        if f.exists():
            f.rename(away / f.name)
    try:
        status, _, page = client.get("/")
    finally:
        for f in files:
            f.unlink(missing_ok=True)  # the empty database SQLite created on connecting
            if (away / f.name).exists():
                (away / f.name).rename(f)
    assert status == 500, page[:500]
    text = page.decode()
    assert "Sorry, there is a problem with the service" in text
    assert "Traceback" not in text and "no such table" not in text
    _check_assets(client, "500", page, set())
    assert client.get("/")[0] == 200  # and back once the database is
