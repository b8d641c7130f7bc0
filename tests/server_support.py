"""The web app under gunicorn (``gunicorn.conf.py``) for tests: a temporary SQLite database seeded
with the small world of :mod:`gpworkforce.web.testing`, a free port, and a small HTTP client with
its own cookies (standard library only). Used by the production-settings and upload tests."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# What the reverse proxy in front of production sets: the request came in over HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# The world every test server starts with (the same as tests/integration/test_web_access.py):
# build_world(), the own practice's return and the other ICB's practice's return submitted.
SEED = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    from gpworkforce.web.actions.returns import submit_version
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.testing import OTHER_PRACTICE, OWN_PRACTICE, build_world, sample_return
    w = build_world()
    own = PracticeReturnRecord.objects.get(round=w.round, practice_id=OWN_PRACTICE)
    other = PracticeReturnRecord.objects.get(round=w.other_round, practice_id=OTHER_PRACTICE)
    submit_version(actor=w.users["submitter"], record_id=own.pk, data=sample_return(),
                   channel="form", sha256="0" * 64)
    submit_version(actor=w.users["other_submitter"], record_id=other.pk,
                   data=sample_return(OTHER_PRACTICE), channel="form", sha256="1" * 64)
    draft = PracticeReturnRecord.objects.get(round=w.round, practice_id="C82002")
    from gpworkforce.forecast.scenario_io import load_scenario
    from gpworkforce.web.scenarios.actions import create_scenario, request_run
    scenario = create_scenario(w.users["analyst"], "QK1",
                               load_scenario("scenarios/llr-2017/scenario-1.toml").scenario)
    run = request_run(w.users["analyst"], scenario.pk, 0)
    print(json.dumps({
        "round": w.round.pk, "other_round": w.other_round.pk, "return": own.pk,
        "other_return": other.pk, "draft_return": draft.pk,
        "user": w.users["submitter"].pk, "other_user": w.users["other_submitter"].pk,
        "scenario": scenario.pk, "run": run.pk,
    }))
    """
)


# The small world alone (every return a draft), for the browser tests.
WORLD = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.testing import OTHER_PRACTICE, OWN_PRACTICE, build_world
    w = build_world()
    own = PracticeReturnRecord.objects.get(round=w.round, practice_id=OWN_PRACTICE)
    other = PracticeReturnRecord.objects.get(round=w.other_round, practice_id=OTHER_PRACTICE)
    print(json.dumps({
        "own": own.pk, "other": other.pk, "round": w.round.pk,
        "users": {name: u.pk for name, u in w.users.items()},
    }))
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any Django/database/gunicorn setting, plus ``extra``."""
    prefixes = ("DJANGO_", "DATABASE_URL", "GPWORKFORCE_", "GUNICORN_", "WEB_CONCURRENCY")
    base = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**base, **extra}


def seed(env: Mapping[str, str], script: str = SEED) -> dict[str, Any]:
    """Run a seeding script (prints its ids as JSON on its last line) against ``env``'s database."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding the test world failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Server:
    """gunicorn with ``gunicorn.conf.py`` on a free loopback port; stop() ends it and waits."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, env: Mapping[str, str], log: Path, *args: str) -> Server:
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *args],
                env=dict(env),
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = cls(port, process, log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{server.log_text()[-4000:]}")
            try:
                status, _, _ = Client(port).request("GET", "/healthz")
                if status == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.2)
        server.stop()
        raise RuntimeError(f"gunicorn did not answer within 120 s:\n{server.log_text()[-4000:]}")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Client:
    """One browser-like session: cookies, CSRF token, the proxy's headers."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 120

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = {"Host": f"127.0.0.1:{self.port}", **self.headers}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if body is not None:
                headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
                scheme = self.headers.get("X-Forwarded-Proto", "http")
                headers["Origin"] = f"{scheme}://127.0.0.1:{self.port}"
                headers["Referer"] = f"{scheme}://127.0.0.1:{self.port}{path}"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def csrf_token(self, page: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise AssertionError("no CSRF token on the page")
        return found.group(1).decode()

    def post_form(self, path: str, page: bytes, fields: Mapping[str, str]) -> tuple[int, str]:
        data = {"csrfmiddlewaretoken": self.csrf_token(page), **fields}
        status, headers, _ = self.request("POST", path, urlencode(data).encode())
        return status, headers.get("location", "")

    def post_file(
        self, path: str, page: bytes, field_name: str, file_name: str, content: bytes
    ) -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        token = self.csrf_token(page)
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{field_name}"; filename="{file_name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, headers, _ = self.request(
            "POST", path, body, f"multipart/form-data; boundary={boundary}"
        )
        return status, headers.get("location", "")

    def login(self, username: str, password: str) -> None:
        status, _, page = self.get("/accounts/login/")
        assert status == 200, status
        status, location = self.post_form(
            "/accounts/login/", page, {"username": username, "password": password}
        )
        assert status == 302 and urlsplit(location).path == "/", (username, status, location)


@dataclass
class App:
    """A running test server as the browser tests see it: its address, the seeded ids, its
    database (read directly for what no page shows)."""

    url: str
    ids: dict[str, Any]
    db: Path

    def __str__(self) -> str:
        return self.url

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


@contextlib.contextmanager
def served_app(tmp_path: Path, world: str = WORLD, **settings: str) -> Iterator[App]:
    """The app under gunicorn with the test settings on a fresh SQLite database in ``tmp_path``
    seeded by ``world`` (``settings``: more environment, e.g. ``GPWORKFORCE_TEST_AXES="1"``);
    stopped afterwards."""
    db = tmp_path / "web.sqlite3"
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.test",
            "DATABASE_URL": f"sqlite:///{db}",
            **settings,
        }
    )
    ids = seed(env, world)
    server = Server.start(env, tmp_path / "gunicorn.log")
    try:
        yield App(f"http://127.0.0.1:{server.port}", ids, db)
    finally:
        server.stop()


@contextlib.contextmanager
def app_with_worker(
    tmp_path: Path, world: str = WORLD, interval: str | None = "0.2"
) -> Iterator[App]:
    """The app under gunicorn with the development settings' database task backend and one
    task worker (``db_worker``) beside it, as deployed (the test settings would run tasks inside
    the request), on a fresh SQLite database seeded by ``world``; both stopped afterwards."""
    db = tmp_path / "web.sqlite3"
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
            "DATABASE_URL": f"sqlite:///{db}",
            "GPWORKFORCE_TASK_BACKEND": "database",
        }
    )
    ids = seed(env, world)
    server = Server.start(env, tmp_path / "gunicorn.log")
    command = [sys.executable, "-m", "gpworkforce.web", "db_worker", "--no-reload"]
    if interval is not None:
        command += ["--interval", interval]
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield App(f"http://127.0.0.1:{server.port}", ids, db)
    finally:
        worker.terminate()
        server.stop()
        worker.wait(timeout=30)


def run_with_gunicorn_conf(script: str, env: Mapping[str, str]) -> dict[str, Any]:
    """Run ``script`` in a fresh Python with ``gunicorn.conf.py``'s path as its argument (so it can
    call the config's hooks as gunicorn would) and return the JSON object it prints last."""
    out = subprocess.run(
        [sys.executable, "-c", script, str(REPO / "gunicorn.conf.py")],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
