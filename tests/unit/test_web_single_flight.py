"""Viewers asking for the same dashboard at once wait for one computation (per key)."""

from __future__ import annotations

import threading
import time

from gpworkforce.web import dashboards


def test_one_holder_per_key_and_keys_independent() -> None:
    inside: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}
    guard = threading.Lock()
    both_keys_at_once = threading.Event()

    def work(key: str) -> None:
        with dashboards._flight(key):
            with guard:
                inside[key] += 1
                most[key] = max(most[key], inside[key])
                if inside["a"] and inside["b"]:
                    both_keys_at_once.set()
            time.sleep(0.02)
            with guard:
                inside[key] -= 1

    threads = [threading.Thread(target=work, args=(k,)) for k in "abababab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == {"a": 1, "b": 1}
    assert both_keys_at_once.is_set()  # different dashboards do not wait for each other
    assert dashboards._flights == {}  # nothing left behind


def test_a_failing_computation_releases_the_key() -> None:
    try:
        with dashboards._flight("x"):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert dashboards._flights == {}
    acquired = threading.Event()

    def again() -> None:
        with dashboards._flight("x"):
            acquired.set()

    t = threading.Thread(target=again)
    t.start()
    t.join(timeout=5)
    assert acquired.is_set()
