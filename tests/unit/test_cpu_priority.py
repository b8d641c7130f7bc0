"""The CPU priority a background process lowers itself to (decision 0110): parsed from its
environment variable with a clear message, applied to the calling thread and inherited by the
threads it starts afterwards, and never raised. Each case runs in a forked child, so this test
process keeps its own priority."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

from gpworkforce.web import cpu_priority


def test_parse_accepts_idle_and_nice_values_and_defaults_when_empty() -> None:
    assert cpu_priority.parse("X", "idle", 0) == "idle"
    assert cpu_priority.parse("X", " IDLE ", 0) == "idle"
    assert cpu_priority.parse("X", "0", "idle") == 0
    assert cpu_priority.parse("X", "19", 0) == 19
    assert cpu_priority.parse("X", "", 10) == 10
    assert cpu_priority.parse("X", "  ", "idle") == "idle"


@pytest.mark.parametrize("text", ["20", "-5", "low", "1.5", "batch"])
def test_parse_refuses_anything_else_naming_the_variable_and_the_value(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        cpu_priority.parse("GUNICORN_CPU_PRIORITY", text, 0)
    message = str(caught.value)
    assert "GUNICORN_CPU_PRIORITY" in message
    assert "'idle' or a nice value from 0 to 19" in message
    assert repr(text) in message


def _in_child(check: Callable[[], bool]) -> bool:
    """``check()`` in a forked child process (its priority changes stay there)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        ok = False
        try:
            ok = check()
        finally:
            os.write(write, b"1" if ok else b"0")
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    return answer == b"1"


def _thread_started_after() -> tuple[int, int]:
    """(scheduling class, nice value) of a thread started now."""
    seen: list[tuple[int, int]] = []

    def look() -> None:
        seen.append((os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0)))

    t = threading.Thread(target=look)
    t.start()
    t.join()
    return seen[0]


def test_idle_puts_the_process_in_the_idle_class_and_its_later_threads_too() -> None:
    def check() -> bool:
        before = os.sched_getscheduler(0)
        cpu_priority.lower("idle")
        return (
            before != os.SCHED_IDLE
            and os.sched_getscheduler(0) == os.SCHED_IDLE
            and _thread_started_after()[0] == os.SCHED_IDLE
            and cpu_priority.describe().startswith("idle")
        )

    assert _in_child(check)


def test_a_nice_value_is_applied_to_the_process_and_its_later_threads() -> None:
    start = os.getpriority(os.PRIO_PROCESS, 0)
    if start >= 18:
        pytest.skip("this test process already runs at nice 18 or more")
    target = start + 1

    def check() -> bool:
        cpu_priority.lower(target)
        return (
            os.getpriority(os.PRIO_PROCESS, 0) == target
            and _thread_started_after() == (os.SCHED_OTHER, target)
            and cpu_priority.describe() == f"nice {target}"
        )

    assert _in_child(check)


def test_a_priority_is_never_raised() -> None:
    def check() -> bool:
        os.setpriority(os.PRIO_PROCESS, 0, 19)
        cpu_priority.lower(10)  # already lower: kept
        return os.getpriority(os.PRIO_PROCESS, 0) == 19

    assert _in_child(check)
