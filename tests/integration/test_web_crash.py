"""A server killed mid-upload, or mid-write, leaves no partial data (real processes, SIGKILL).

Both run against a SQLite file so the state after the kill can be inspected: (1) a live server
receiving half an upload is killed; (2) a process is killed inside the action's transaction right
after the version row is written. Neither leaves a version, an audit event or a changed return.
Positive controls: the same harness without the kill stores the version, its audit event and the
submitted state, so "nothing stored" above is the kill's doing, not a broken endpoint.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gpworkforce.returns import return_xlsx_bytes
from gpworkforce.web.testing import PASSWORD, sample_return

SETUP = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from gpworkforce.web.testing import build_world
    build_world()
    """
)


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="gpworkforce.web.settings.dev", GPWORKFORCE_WEB_DB=str(db))
    return env


def _run(code: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _state(db: Path) -> tuple[int, int, list[str]]:
    with sqlite3.connect(db) as con:
        versions = con.execute("select count(*) from web_returnversion").fetchone()[0]
        events = con.execute(
            "select count(*) from web_auditevent where action like 'return.%'"
        ).fetchone()[0]
        states = sorted(
            r[0] for r in con.execute("select distinct state from web_practicereturnrecord")
        )
    return versions, events, states


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crash") / "template.sqlite3"
    result = _run(SETUP, db)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def db_file(template_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "crash.sqlite3"
    shutil.copyfile(template_db, db)
    return db


@pytest.mark.parametrize("kill", [True, False], ids=["killed", "control-not-killed"])
def test_process_killed_inside_the_write_transaction_leaves_nothing(
    db_file: Path, kill: bool
) -> None:
    code = f"KILL = {kill}\n" + textwrap.dedent(
        """
        import os, signal, django
        django.setup()
        from gpworkforce.web.models import PracticeReturnRecord, ReturnVersion
        from gpworkforce.web.actions.returns import submit_version
        from gpworkforce.web.models import User
        from gpworkforce.web.testing import sample_return
        original = ReturnVersion.save
        def save_then_die(self, *a, **k):
            original(self, *a, **k)  # the version row is written inside the open transaction...
            if KILL:
                os.kill(os.getpid(), signal.SIGKILL)  # ...and the server dies before commit
        ReturnVersion.save = save_then_die
        rec = PracticeReturnRecord.objects.get(practice_id="C82001")
        submit_version(actor=User.objects.get(username="submitter"), record_id=rec.pk,
                       data=sample_return(), channel="form", sha256="f" * 64)
        print("NOT KILLED")
        """
    )
    result = _run(code, db_file)
    if kill:
        assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
        assert _state(db_file) == (0, 0, ["draft"])
    else:
        assert result.returncode == 0 and "NOT KILLED" in result.stdout, result.stderr
        assert _state(db_file) == (1, 1, ["draft", "submitted"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cookies(resp: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in resp.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


@pytest.mark.parametrize("kill", [True, False], ids=["killed", "control-not-killed"])
def test_server_killed_mid_upload_leaves_no_partial_data(db_file: Path, kill: bool) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gpworkforce.web",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--nothreading",
        ],
        env=_env(db_file),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("server did not start")
                time.sleep(0.2)
        jar: dict[str, str] = {}
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        con.request("GET", "/accounts/login/")
        r = con.getresponse()
        page = r.read().decode()
        _cookies(r, jar)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        body = f"csrfmiddlewaretoken={token}&username=submitter&password={PASSWORD}"
        con.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": _cookie_header(jar),
            },
        )
        r = con.getresponse()
        r.read()
        _cookies(r, jar)
        assert r.status == 302
        con.request("GET", "/returns/1/upload/", headers={"Cookie": _cookie_header(jar)})
        r = con.getresponse()
        page = r.read().decode()
        _cookies(r, jar)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

        boundary = "----gpworkforce-crash-test"
        content = return_xlsx_bytes(sample_return())
        payload = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.xlsx"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        head = (
            f"POST /returns/1/upload/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: {_cookie_header(jar)}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        if kill:
            raw.sendall(head + payload[: len(payload) // 2])  # half the upload...
            time.sleep(0.5)
            server.send_signal(signal.SIGKILL)  # ...and the server dies
            server.wait(timeout=30)
        else:  # the whole upload, answered with the redirect to the submitted return
            raw.sendall(head + payload)
            answer = raw.makefile("rb").readline()
            assert answer.split()[1] == b"302", answer
        raw.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
    assert _state(db_file) == ((0, 0, ["draft"]) if kill else (1, 1, ["draft", "submitted"]))
