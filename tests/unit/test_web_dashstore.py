"""The dashboards' two-level store: per-process LRUs in front of one shared cache, in-flight
markers that one process wins and that expire, and the file cache's atomic add between real
processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest

from gpworkforce.domain.report import ReportTable
from gpworkforce.web import dashstore
from gpworkforce.web.dashstore import DashStore, Memo
from gpworkforce.web.filecache import AtomicAddFileCache


@pytest.fixture
def two_processes() -> Iterator[tuple[DashStore, DashStore]]:
    """Two stores as two server processes have them: own LRU and token, one shared cache."""
    a, b = DashStore(Memo(8)), DashStore(Memo(8))
    b.token = "another-process"
    a.clear()
    yield a, b
    a.clear()


def test_a_value_set_by_one_process_is_read_by_the_other(
    two_processes: tuple[DashStore, DashStore],
) -> None:
    a, b = two_processes
    table = ReportTable(
        key="t",
        title="A table",
        frame=pd.DataFrame({"WTE": [1.5, 2.0]}),
        decimals=MappingProxyType({"WTE": 1}),
    )
    assert b.get("k org with spaces") is None
    a.set("k org with spaces", table)
    got = b.get("k org with spaces")
    assert got is not table  # a copy through the shared cache, not this process's object
    assert got.title == "A table" and dict(got.decimals) == {"WTE": 1}
    pd.testing.assert_frame_equal(got.frame, table.frame)
    assert b.local.get("k org with spaces") is got  # kept in the reader's LRU from now on
    assert a.get("other key") is None


def test_only_one_process_holds_a_marker_and_only_its_holder_removes_it(
    two_processes: tuple[DashStore, DashStore],
) -> None:
    a, b = two_processes
    assert a.claim("dash") is True
    assert b.claim("dash") is False
    assert b.in_flight("dash")
    b.release("dash")  # not b's marker: left alone
    assert a.in_flight("dash")
    a.release("dash")
    assert not a.in_flight("dash")
    assert b.claim("dash") is True
    assert a.claim("other dash") is True  # markers are per key


def test_a_crashed_holders_marker_expires(
    two_processes: tuple[DashStore, DashStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_processes
    monkeypatch.setattr(dashstore, "FLIGHT_SECONDS", 1)
    assert a.claim("dash")  # and a never releases it
    assert not b.claim("dash")
    time.sleep(1.2)
    assert b.claim("dash")


def test_waiting_returns_the_other_process_result_or_none_when_it_gave_up(
    two_processes: tuple[DashStore, DashStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_processes
    assert a.claim("dash")
    polls: list[int] = []

    def other_process_finishes(_: float) -> None:  # while b polls, a stores its result
        polls.append(1)
        if len(polls) == 3:
            a.set("dash", "figures")
            a.release("dash")

    monkeypatch.setattr(dashstore.time, "sleep", other_process_finishes)
    assert b.wait_for("dash") == "figures"
    assert len(polls) == 3
    assert a.claim("dash2")
    a.release("dash2")  # finished without a value (it failed): the waiter stops waiting
    assert b.wait_for("dash2") is None


def test_the_local_lru_is_bounded() -> None:
    memo = Memo(2)
    for key in "abc":
        memo.set(key, key.upper())
    assert memo.get("a") is None and memo.get("c") == "C" and len(memo.items) == 2


RACE = textwrap.dedent(
    """
    import sys, time
    from gpworkforce.web.filecache import AtomicAddFileCache
    cache = AtomicAddFileCache(sys.argv[1], {})
    start = float(sys.argv[2])
    while time.time() < start:
        pass
    print(cache.add("marker", sys.argv[3], timeout=30))
    """
)


def test_file_cache_add_has_one_winner_among_real_processes(tmp_path: Path) -> None:
    start = time.time() + 2.0  # every process is started and spinning by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(tmp_path), str(start), f"p{i}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    results = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert sorted(results) == ["False"] * 5 + ["True"]
    winner = f"p{results.index('True')}"
    assert AtomicAddFileCache(str(tmp_path), {}).get("marker") == winner


def test_file_cache_add_replaces_an_expired_entry_only(tmp_path: Path) -> None:
    cache = AtomicAddFileCache(str(tmp_path), {})
    assert cache.add("m", "first", timeout=1)
    assert not cache.add("m", "second", timeout=1)
    time.sleep(1.1)
    assert cache.add("m", "third", timeout=30)
    assert cache.get("m") == "third"
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".djcache")] == []


class _FakeChild:
    pid = 4242

    def __init__(self) -> None:
        self.running = True

    def poll(self) -> int | None:
        return None if self.running else 0


def test_one_compute_process_is_started_per_shared_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test import override_settings

    from gpworkforce.web import compute, precompute

    started: list[_FakeChild] = []

    def fake_start() -> _FakeChild:
        started.append(_FakeChild())
        return started[-1]

    monkeypatch.setattr(compute, "start_compute_process", fake_start)
    monkeypatch.setitem(compute._child, "proc", None)
    assert compute.ensure_compute_process() is False  # per-process memory (tests): never
    shared = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "dashboards": {
            "BACKEND": "gpworkforce.web.filecache.AtomicAddFileCache",
            "LOCATION": str(tmp_path),
        },
    }
    with override_settings(CACHES=shared):
        monkeypatch.setenv("GPWORKFORCE_COMPUTE_PROCESS", "0")
        assert compute.ensure_compute_process() is False  # opted out
        monkeypatch.delenv("GPWORKFORCE_COMPUTE_PROCESS")
        assert compute.ensure_compute_process() is True
        assert compute.ensure_compute_process() is False  # ours is starting
        monkeypatch.setitem(compute._child, "proc", None)  # another server process asks
        assert compute.ensure_compute_process() is False  # the first one's marker
        assert len(started) == 1
        precompute.heartbeat()  # it is up; later it dies and its heartbeat and marker expire
        started[0].running = False
        assert compute.ensure_compute_process() is False
        monkeypatch.setattr(precompute, "compute_process_alive", lambda: False)
        DashStore(Memo(1)).shared.delete(dashstore._hashed("flight:gpw-web:compute-process"))
        assert compute.ensure_compute_process() is True
        assert len(started) == 2


def test_unreadable_entries_and_a_failing_cache_are_misses_never_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import override_settings

    files = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "dashboards": {
            "BACKEND": "gpworkforce.web.filecache.AtomicAddFileCache",
            "LOCATION": str(tmp_path),
        },
    }
    with override_settings(CACHES=files):
        store = DashStore(Memo(4))
        store.set_shared("dash", {"figures": 1})
        assert store.get_shared("dash") == {"figures": 1}
        (entry,) = tmp_path.glob("*.djcache")
        entry.write_bytes(entry.read_bytes()[:-5])  # damaged (or another code version's)
        assert store.get("dash") is None
        assert "cannot read dash" in caplog.text
    broken = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "dashboards": {  # a directory that cannot be created: every read and write fails
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/proc/gpw-cannot-exist",
        },
    }
    with override_settings(CACHES=broken):
        store = DashStore(Memo(4))
        store.set("dash", "figures")  # kept in this process only
        assert store.get("dash") == "figures"
        assert store.claim("dash") is True  # nobody to ask: this process computes
        assert store.in_flight("dash") is False
        store.release("dash")
        assert "cannot write dash" in caplog.text
