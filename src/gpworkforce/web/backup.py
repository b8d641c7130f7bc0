"""Backing up and restoring the web app's database, with the standard tools of each engine.

- PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot while the service runs) and
  ``pg_restore --clean --if-exists --single-transaction`` (all or nothing);
- SQLite: Python's ``sqlite3.Connection.backup`` (SQLite's online backup API: a consistent copy
  while the service runs, WAL included), checked with ``PRAGMA integrity_check``; restoring copies
  the backup into the database file the same way.

Used by the ``backup`` and ``restore`` management commands (docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from gpworkforce.errors import UserError


class BackupError(UserError):
    """A backup or restore that could not be done (nothing was changed)."""


def _engine(db: dict[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"database engine must be PostgreSQL or SQLite, got {engine}")


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the settings' database (the password never on a command line)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} must be installed (PostgreSQL client tools, e.g. the postgresql-client "
            "package, of the server's major version or newer), found none on PATH"
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(db: dict[str, Any], target: Path) -> None:
    """Write a backup of the database to ``target`` (a new file; an existing one is refused)."""
    if target.exists():
        raise BackupError(f"backup file must not exist yet, found {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        if _engine(db) == "postgresql":
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)],
                _pg_env(db),
            )
        else:
            source = Path(str(db["NAME"]))
            if not source.is_file():
                raise BackupError(f"SQLite database file must exist, found none at {source}")
            with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
                src.backup(dst)
            _check_sqlite(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _check_sqlite(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            [result] = conn.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} must be an SQLite database, got: {exc}") from None
    if result != "ok":
        raise BackupError(f"SQLite integrity check of {path} must say ok, got {result!r}")


def restore(db: dict[str, Any], source: Path) -> None:
    """Replace the database's contents by the backup in ``source`` (all or nothing)."""
    if not source.is_file():
        raise BackupError(f"backup file must exist, found none at {source}")
    if _engine(db) == "postgresql":
        env = _pg_env(db)
        _run([_tool("pg_restore"), "--list", str(source)], env)  # a readable archive first
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                str(db["NAME"]),
                str(source),
            ],
            env,
        )
        return
    _check_sqlite(source)
    target = Path(str(db["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
