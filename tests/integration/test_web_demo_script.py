"""`scripts/web-demo.sh`, the README's one command for the web demo: it starts gunicorn and the
task worker, the worker computes the dashboards (``/healthz`` reports them ready), and Ctrl-C
(SIGINT to the script's process group, as a terminal sends it) stops every process it started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from server_support import REPO, free_port

pytestmark = pytest.mark.integration


def _health(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return json.loads(r.read())
    except OSError:
        return None


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_starts_web_and_worker_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "GPWORKFORCE_WEB_DB": str(tmp_path / "demo.sqlite3")}
    for name in ("DATABASE_URL", "REDIS_URL", "GPWORKFORCE_TASK_BACKEND", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    with (tmp_path / "demo.log").open("wb") as log:
        demo = subprocess.Popen(
            ["bash", "scripts/web-demo.sh"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's foreground job
        )
    try:
        deadline = time.monotonic() + 600
        health = None
        while time.monotonic() < deadline and demo.poll() is None:
            health = _health(port)
            if health is not None and health.get("dashboards_ready") is True:
                break
            time.sleep(1)
        text = (tmp_path / "demo.log").read_text(errors="replace")
        assert health == {"status": "ok", "dashboards_ready": True}, text[-3000:]
        assert "refresh_dashboard" in text and "state=SUCCESSFUL" in text  # the worker ran them
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C
        assert demo.wait(timeout=60) != 0
        deadline = time.monotonic() + 30
        while _group_alive(demo.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_alive(demo.pid), "a process of the demo is still running"
        assert _health(port) is None
    finally:
        if _group_alive(demo.pid):
            os.killpg(demo.pid, signal.SIGKILL)
