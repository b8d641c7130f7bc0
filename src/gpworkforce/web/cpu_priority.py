"""The CPU priority of the processes whose work nobody is waiting for at that instant (decision 0110).

When the cores are busy, a page view waits for one behind everything else that is runnable. Two
kinds of process do work that can wait a little: the **upload group**'s gunicorn workers (parsing
workbooks, decision 0072) and the **task workers** (dashboards' figures, scenario runs). Each
lowers its own priority when it starts, set by an environment variable:

- ``idle``: Linux's ``SCHED_IDLE`` class. The process runs only when no process of the normal
  class wants the core, and gives the core up as soon as one wakes (a page view's thread coming
  back from a database read does not wait for the end of the other's time slice, as it would
  behind a merely niced process). The upload group's setting (``GUNICORN_CPU_PRIORITY=idle``).
- a whole number 0-19: the nice value (the normal class, a smaller share of the cores). The task
  workers' default is 10 (``GPWORKFORCE_TASK_CPU_PRIORITY``): they must still keep the dashboards
  current under a busy host, which the idle class would not promise.

A priority is only ever lowered: a process started at a lower one already (``nice -n 15 ...``,
systemd's ``Nice=`` or ``CPUSchedulingPolicy=idle``) keeps it. Linux keeps the class and the nice
value per thread and a new thread inherits its creator's, so this is applied while the process has
one thread (gunicorn's ``post_fork``, the task worker's start), before it starts any other.
"""

from __future__ import annotations

import os
from typing import Literal

Priority = Literal["idle"] | int
IDLE: Literal["idle"] = "idle"
MAX_NICE = 19


def parse(name: str, text: str, default: Priority) -> Priority:
    """The priority in environment variable ``name`` (its value ``text``; empty: ``default``)."""
    value = text.strip().lower()
    if not value:
        return default
    if value == IDLE:
        return IDLE
    if value.isdigit() and int(value) <= MAX_NICE:
        return int(value)
    raise ValueError(
        f"{name} must be 'idle' or a nice value from 0 to {MAX_NICE}, got {text.strip()!r}"
    )


def from_env(name: str, default: Priority) -> Priority:
    return parse(name, os.environ.get(name, ""), default)


def lower(priority: Priority) -> None:
    """Put the calling thread (and the threads it starts afterwards) at ``priority``, unless it
    is at a lower one already."""
    if priority == IDLE:
        if os.sched_getscheduler(0) != os.SCHED_IDLE:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    if os.getpriority(os.PRIO_PROCESS, 0) < priority:
        os.setpriority(os.PRIO_PROCESS, 0, priority)


def describe() -> str:
    """The calling thread's priority, as a log line says it."""
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    if os.sched_getscheduler(0) == os.SCHED_IDLE:
        return f"idle (SCHED_IDLE, nice {nice})"
    return f"nice {nice}"
