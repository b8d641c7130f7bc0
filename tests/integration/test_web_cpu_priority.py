"""The processes that can wait run at a lower CPU priority, as deployed (decision 0110).

gunicorn with ``gunicorn.conf.py`` and ``GUNICORN_CPU_PRIORITY=idle`` (the upload group) has every
thread of every worker in Linux's idle class, while a group without it (the page group) stays in
the normal class at the priority it was started with; a wrong value stops gunicorn at start-up with
a message. The task worker (``python -m gpworkforce.web db_worker``) runs at nice 10 by default and
in the idle class with ``GPWORKFORCE_TASK_CPU_PRIORITY=idle``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server_support import GUNICORN, REPO, clean_env, free_port


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        {
            "DJANGO_SETTINGS_MODULE": "gpworkforce.web.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
            "GPWORKFORCE_TASK_BACKEND": "database",
            **extra,
        }
    )


def _threads(pid: int) -> list[int]:
    return [int(t) for t in os.listdir(f"/proc/{pid}/task")]


def _workers(arbiter: int) -> list[int]:
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    return [int(c) for c in children]


def _classes(pid: int) -> set[tuple[int, int]]:
    """(scheduling class, nice value) of every thread of process ``pid``."""
    return {(os.sched_getscheduler(t), os.getpriority(os.PRIO_PROCESS, t)) for t in _threads(pid)}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cpu")
    subprocess.run(
        [sys.executable, "-m", "gpworkforce.web", "migrate", "--no-input", "-v0"],
        env=_env(tmp),
        cwd=REPO,
        check=True,
        timeout=300,
    )
    return tmp


def _gunicorn(world: Path, name: str, workers: int, **extra: str) -> subprocess.Popen[bytes]:
    """gunicorn with ``gunicorn.conf.py``, once each of its ``workers`` has logged its priority."""
    log = world / f"{name}.log"
    with log.open("wb") as out:
        command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{free_port()}"]
        server = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=_env(world, **extra),
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while log.read_text().count("at CPU priority") < workers:
        assert server.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return server


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=60)


def test_the_upload_group_runs_its_workers_in_the_idle_class(world: Path) -> None:
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    idle = _gunicorn(world, "idle", 2, GUNICORN_CPU_PRIORITY="idle")
    pages = _gunicorn(world, "pages", 1)
    try:
        workers = _workers(idle.pid)
        assert len(workers) == 2
        for pid in workers:
            # every thread (those started later inherit it: tests/unit/test_cpu_priority.py)
            assert _classes(pid) == {(os.SCHED_IDLE, ours)}, pid
        assert "at CPU priority idle (SCHED_IDLE" in (world / "idle.log").read_text()
        # the arbiter itself stays where it was started (it only forks and watches)
        assert os.sched_getscheduler(idle.pid) == os.SCHED_OTHER
        # the page group, without the setting: the normal class, its start priority
        (page,) = _workers(pages.pid)
        assert _classes(page) == {(os.SCHED_OTHER, ours)}
    finally:
        _stop(idle)
        _stop(pages)


def test_a_wrong_priority_stops_gunicorn_with_a_message(world: Path) -> None:
    done = subprocess.run(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{free_port()}"],
        env=_env(world, GUNICORN_CPU_PRIORITY="lowest"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "GUNICORN_CPU_PRIORITY must be 'idle' or a nice value from 0 to 19, got 'lowest'" in (
        done.stdout + done.stderr
    )


def _task_worker(world: Path, want: tuple[int, int], **extra: str) -> tuple[int, int]:
    """The (scheduling class, nice value) a task worker's process takes at start-up: ``want`` as
    soon as it has it, else what it has after 60 s. (An idle-class worker may take minutes to
    start Django on a busy machine: its class is read, not its start awaited.)"""
    command = [sys.executable, "-m", "gpworkforce.web", "db_worker", "--no-reload"]
    with (world / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            command, env=_env(world, **extra), cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            seen = (os.sched_getscheduler(worker.pid), os.getpriority(os.PRIO_PROCESS, worker.pid))
            if seen == want or time.monotonic() > deadline:
                return seen
            assert worker.poll() is None, (world / "worker.log").read_text()
            time.sleep(0.05)
    finally:
        worker.kill()  # an idle-class process on a busy machine may be slow to stop by itself
        worker.wait(timeout=60)


def test_the_task_worker_runs_at_nice_10_by_default_and_idle_when_told(world: Path) -> None:
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    niced = (os.SCHED_OTHER, max(ours, 10))
    assert _task_worker(world, niced) == niced
    idle = (os.SCHED_IDLE, ours)
    assert _task_worker(world, idle, GPWORKFORCE_TASK_CPU_PRIORITY="idle") == idle
