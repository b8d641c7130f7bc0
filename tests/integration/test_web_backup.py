"""Backup and restore (docs/deploy.md): a database with submitted returns and their audit trail is
backed up with the ``backup`` command, wiped (the SQLite file deleted; the PostgreSQL database
dropped and created empty), restored with ``restore --replace``, and every return version (with
its checksum and payload), every audit event and every account is found as it was. Each step
runs as the operator would run it: a separate process with the deployment's settings."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from server_support import REPO, clean_env, seed

pytestmark = pytest.mark.integration

SNAPSHOT = textwrap.dedent(
    """
    import hashlib, json
    import django
    django.setup()
    from gpworkforce.web.models import AuditEvent, ReturnVersion, User
    versions = [
        [v.practice_return_id, v.number, v.sha256, v.channel, v.submitted_by_id,
         v.submitted_at.isoformat(),
         hashlib.sha256(json.dumps(v.payload, sort_keys=True).encode()).hexdigest()]
        for v in ReturnVersion.objects.order_by("id")
    ]
    events = [
        [e.id, e.at.isoformat(), e.actor_username, e.action, e.object_type, e.object_id,
         e.organisation_code, e.before, e.after]
        for e in AuditEvent.objects.order_by("id")
    ]
    users = [[u.username, u.password, u.role, u.organisation_id, u.is_active]
             for u in User.objects.order_by("id")]
    print(json.dumps({"versions": versions, "events": events, "users": users}))
    """
)


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "gpworkforce.web", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed:\n{done.stderr[-3000:]}")
    return done


def snapshot(env: dict[str, str]) -> dict[str, list]:
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def round_trip(env: dict[str, str], tmp_path: Path, wipe: callable) -> None:
    seed(env)
    before = snapshot(env)
    assert len(before["versions"]) == 2 and len(before["events"]) > 10  # something to lose
    assert {v[2] for v in before["versions"]} == {"0" * 64, "1" * 64}
    target = tmp_path / "gpworkforce.backup"
    assert "backed up to" in manage(env, "backup", str(target)).stdout
    # a second backup to the same file is refused: nothing is overwritten
    again = manage(env, "backup", str(target), check=False)
    assert again.returncode != 0 and "must not exist yet" in again.stderr
    wipe()
    # restore without --replace changes nothing and says why
    refused = manage(env, "restore", str(target), check=False)
    assert refused.returncode != 0 and "--replace" in refused.stderr
    done = manage(env, "restore", str(target), "--replace")
    assert f"{len(before['versions'])} return versions" in done.stdout
    assert snapshot(env) == before
    # the restored database is the current schema: nothing left to migrate
    plan = manage(env, "migrate", "--plan").stdout
    assert "No planned migration operations" in plan


def test_sqlite_backup_wipe_restore(tmp_path: Path) -> None:
    db = tmp_path / "web.sqlite3"
    env = clean_env(
        {"DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev", "GPWORKFORCE_WEB_DB": str(db)}
    )

    def wipe() -> None:
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)

    round_trip(env, tmp_path, wipe)


def test_restoring_a_file_that_is_not_a_backup_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "web.sqlite3"
    env = clean_env(
        {"DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev", "GPWORKFORCE_WEB_DB": str(db)}
    )
    seed(env)
    before = snapshot(env)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database\n" * 100)
    done = manage(env, "restore", str(bogus), "--replace", check=False)
    assert done.returncode != 0 and "must be an SQLite database" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(env) == before


PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", PG_ADMIN, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def pg_database() -> Iterator[str]:
    name = f"auth_backup_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE DATABASE "{name}"')
    yield name
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_postgresql_backup_wipe_restore(tmp_path: Path, pg_database: str) -> None:
    env = clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{pg_database}",
        }
    )

    def wipe() -> None:
        _psql(f'DROP DATABASE "{pg_database}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{pg_database}"')

    round_trip(env, tmp_path, wipe)
