"""Uploads under gunicorn (``gunicorn.conf.py``) are not held back by slow or idle clients.

Ten slow-loris connections are opened first (five send nothing, five send an upload's request
line and headers a byte a second and never finish), then twenty practices upload their return
at once: every upload is stored, while the slow connections are still open. A client that stops
sending in the middle of its headers is disconnected after the read timeout. And the bound is the
worker model: with one process of four threads, five trickling clients do hold an upload back
until they are gone (the control that shows the first test can fail).
"""

from __future__ import annotations

import socket
import sqlite3
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from gpworkforce.returns import return_xlsx_bytes
from gpworkforce.web.testing import CENSUS, PASSWORD, sample_return
from server_support import Client, Server, clean_env

PRACTICES = 20
READ_TIMEOUT = 4  # seconds (GUNICORN_READ_TIMEOUT) for these servers

SEED = textwrap.dedent(
    f"""
    import datetime as dt, json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
    from gpworkforce.web.actions.registry import load_registry
    from gpworkforce.web.actions.rounds import open_round
    from gpworkforce.web.actions.users import create_user
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.roles import Role
    codes = [f"C8{{2100 + i}}" for i in range({PRACTICES})]
    orgs = [Organisation("QK1", "Test ICB", OrgType.ICB),
            Organisation("03W", "Test sub-ICB", OrgType.SUB_ICB)]
    orgs += [Organisation(c, f"Practice {{c}}", OrgType.PRACTICE, dt.date(1990, 1, 1))
             for c in codes]
    links = [ParentLink("03W", "QK1")] + [ParentLink(c, "03W") for c in codes]
    load_registry(OrgRegistry.build(orgs, links), actor=None, source="tests")
    for c in codes:
        create_user(actor=None, username=f"sub-{{c}}", password={PASSWORD!r},
                    role=Role.PRACTICE_SUBMITTER, org_code=c)
    rnd = open_round(actor=None, census_date=dt.date({CENSUS.year}, {CENSUS.month},
                     {CENSUS.day}), org_code="QK1")
    ids = {{r.practice_id: r.pk for r in PracticeReturnRecord.objects.filter(round=rnd)}}
    print(json.dumps(ids))
    """
)


def _start(tmp: Path, **env: str) -> tuple[Server, dict[str, int], Path]:
    import json
    import subprocess
    import sys

    from server_support import REPO

    db = tmp / "web.sqlite3"
    full = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.test",
            "DATABASE_URL": f"sqlite:///{db}",
            "GUNICORN_READ_TIMEOUT": str(READ_TIMEOUT),
            **env,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", SEED],
        env=full,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ids = json.loads(done.stdout.strip().splitlines()[-1])
    return Server.start(full, tmp / "gunicorn.log"), ids, db


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Server, dict[str, int], Path]]:
    srv, ids, db = _start(tmp_path_factory.mktemp("uploads"), WEB_CONCURRENCY="2")
    try:
        yield srv, ids, db
    finally:
        srv.stop()


@contextmanager
def slow_loris(port: int, idle: int, trickling: int, path: str) -> Iterator[list[str]]:
    """``idle`` connections that send nothing and ``trickling`` ones that send an upload's headers
    a byte a second, never finishing; yields the trickling ones' errors (none while open)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
        "boundary=x\r\nContent-Length: 100000\r\nX-Padding: " + "a" * 4000
    ).encode()
    stop = threading.Event()
    errors: list[str] = []
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(idle)]

    def trickle() -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                for i in range(len(head)):
                    if stop.wait(1.0):
                        return
                    s.sendall(head[i : i + 1])
        except OSError as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(trickling)]
    for t in threads:
        t.start()
    try:
        time.sleep(2.5)  # every slow connection is accepted and has sent its first bytes
        yield errors
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        for s in socks:
            s.close()


def _upload(port: int, code: str, record: int, timeout: float) -> tuple[str, int, float]:
    start = time.monotonic()
    client = Client(port, timeout=timeout)
    client.login(f"sub-{code}", PASSWORD)
    path = f"/returns/{record}/upload/"
    status, _, page = client.get(path)
    assert status == 200, (code, status)
    content = return_xlsx_bytes(sample_return(code, CENSUS))
    status, location = client.post_file(path, page, "file", f"{code}.xlsx", content)
    assert status == 302 and location.endswith(f"/returns/{record}/"), (code, status, location)
    return code, status, time.monotonic() - start


def _versions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM web_returnversion").fetchone()[0])


def test_twenty_uploads_succeed_while_ten_slow_clients_are_connected(
    server: tuple[Server, dict[str, int], Path],
) -> None:
    srv, ids, db = server
    codes = sorted(ids)[:PRACTICES]
    with slow_loris(srv.port, idle=5, trickling=5, path=f"/returns/{ids[codes[0]]}/upload/") as e:
        # 60 s per upload at most: on a shared 2-core machine one takes a few seconds; the
        # failure this guards against is an upload that never finishes
        with ThreadPoolExecutor(max_workers=PRACTICES) as pool:
            done = list(pool.map(lambda c: _upload(srv.port, c, ids[c], 60), codes))
        assert e == [], "a slow connection was dropped while the uploads ran"
    assert [c for c, _, _ in done] == codes
    assert _versions(db) == PRACTICES


def test_a_client_that_stops_sending_is_disconnected_after_the_read_timeout(
    server: tuple[Server, dict[str, int], Path],
) -> None:
    srv, _, _ = server
    with socket.create_connection(("127.0.0.1", srv.port), timeout=READ_TIMEOUT * 5) as s:
        s.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        start = time.monotonic()
        assert s.recv(1024) == b""  # closed by the server, without an answer
        waited = time.monotonic() - start
    assert READ_TIMEOUT - 1 <= waited < READ_TIMEOUT * 4, waited


def test_the_bound_is_the_worker_model(tmp_path: Path) -> None:
    """One process with four threads: five trickling clients hold every thread, so an upload
    waits until they are gone (the first test's protection is threads to spare)."""
    srv, ids, db = _start(tmp_path, WEB_CONCURRENCY="1", GUNICORN_THREADS="4")
    try:
        code = sorted(ids)[0]
        client = Client(srv.port, timeout=READ_TIMEOUT * 10)
        client.login(f"sub-{code}", PASSWORD)
        path = f"/returns/{ids[code]}/upload/"
        _, _, page = client.get(path)
        with slow_loris(srv.port, idle=0, trickling=5, path=path):
            blocked = Client(srv.port, timeout=1.0, cookies=dict(client.cookies))
            with pytest.raises(TimeoutError):
                blocked.get(path)
        content = return_xlsx_bytes(sample_return(code, CENSUS))
        status, _ = client.post_file(path, page, "file", f"{code}.xlsx", content)
        assert status == 302
        assert _versions(db) == 1
    finally:
        srv.stop()
