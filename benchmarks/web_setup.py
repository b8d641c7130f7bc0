"""Set-up shared by the web benchmarks that run the app as ``scripts/web-demo.sh`` does: a fresh
SQLite database with the development settings and the database task backend, one task worker
(``db_worker``) on its own, and a process's CPU time read from ``/proc``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def web_env(db: Path) -> dict[str, str]:
    """This process's environment for a child running the web app on the SQLite file ``db``: the
    development settings and the database task backend; no other ``DJANGO_`` or ``GPWORKFORCE_``
    setting and no ``DATABASE_URL`` leak in, except the public data directory when one is named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GPWORKFORCE_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="gpworkforce.web.settings.dev",
        GPWORKFORCE_WEB_DB=str(db),
        GPWORKFORCE_TASK_BACKEND="database",
    )
    if os.environ.get("GPWORKFORCE_DATA_DIR"):
        env["GPWORKFORCE_DATA_DIR"] = os.environ["GPWORKFORCE_DATA_DIR"]
    return env


def start_worker(
    env: dict[str, str], log: Path, interval: str = "0.2", script: str | None = None
) -> subprocess.Popen[bytes]:
    """One task worker, ``python -m gpworkforce.web db_worker --interval INTERVAL`` as
    ``scripts/web-demo.sh`` starts it, its output in ``log``; ``script`` (Python source that ends
    by calling ``gpworkforce.web.__main__.main()``) replaces ``-m gpworkforce.web`` when given."""
    entry = ["-c", script] if script is not None else ["-m", "gpworkforce.web"]
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, *entry, "db_worker", "--no-reload", "--interval", interval],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """A process's CPU time (user + system) from ``/proc``; with ``children``, also that of its
    children it has waited for (a worker's layout processes, once joined)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    last = 15 if children else 13
    return sum(int(f) for f in fields[11:last]) / os.sysconf("SC_CLK_TCK")
