"""Shared helpers for benchmarks: timing with repeats and peak memory."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: float | None = None
    lower_is_better: bool = True
    note: str = ""

    @property
    def met(self) -> bool:
        if self.target is None:
            return True
        return self.value <= self.target if self.lower_is_better else self.value >= self.target

    def __str__(self) -> str:
        goal = ""
        if self.target is not None:
            op = "<=" if self.lower_is_better else ">="
            goal = f" (target {op} {self.target:g} {self.unit}: {'met' if self.met else 'MISSED'})"
        note = f" - {self.note}" if self.note else ""
        return f"{self.name}: {self.value:.4g} {self.unit}{goal}{note}"


def best_of(fn: Callable[[], Any], repeats: int = 5) -> tuple[float, Any]:
    """Best wall-clock seconds over ``repeats`` calls, and the last call's result."""
    best = float("inf")
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    """The machine's load average now, for a figure's note (the machine is shared)."""
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min), {five:.1f} (5 min)"
