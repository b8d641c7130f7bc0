"""Where computed dashboards are kept: a per-process LRU in front of a store shared by processes.

- **First level** (:class:`Memo`): a small thread-safe LRU in this process, so a repeated view
  costs a dictionary look-up.
- **Second level**: Django's cache alias :data:`ALIAS` (``CACHES["dashboards"]``), shared by
  every server process on the host (a ``FileBasedCache`` directory by default, see the
  settings) or by every host (Redis, Memcached), so a dashboard is computed once per data
  version, not once per process. Values are pickled by the backend: frozen dataclasses,
  DataFrames and strings. Keys are hashed, so organisation names with spaces are fine for any
  backend.
- **In-flight markers** (:meth:`DashStore.claim`): ``cache.add`` with a timeout. The process
  that adds the marker computes; the others serve the previous figures (marked) or poll for the
  result. A crashed computer's marker expires after :data:`FLIGHT_SECONDS`. Markers only avoid
  duplicate work: computing twice gives the same figures, so a lost race costs time, never
  correctness.
- **Failures of the shared cache are misses**: an entry that cannot be read (written by another
  version of the code, a damaged file, a backend that is down) is logged and computed again; a
  write that fails leaves the value in this process only. A viewer never gets an error from it.
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from types import MappingProxyType
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

log = logging.getLogger(__name__)
ALIAS = "dashboards"
SCHEMA = "1"  # part of every key: change it when the stored values' layout changes
FLIGHT_SECONDS = 30  # a computation takes about 1 s; a marker older than this is a crashed one
POLL_SECONDS = 0.05  # how often a waiting download looks for another process's result
_TOKEN = f"{os.getpid()}-{uuid.uuid4().hex}"  # whose marker it is (this process)


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _mapping_proxy, (dict(proxy),)


# ReportTable keeps its decimals in a read-only mapping, which pickle does not know how to copy
copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)


class Memo:
    """A small thread-safe LRU (per process)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            return None

    def set(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _hashed(key: str) -> str:
    return "gpw:" + hashlib.sha256(f"{SCHEMA}:{key}".encode()).hexdigest()[:40]


class DashStore:
    """The local LRU ``local`` in front of the shared cache ``alias`` (see the module notes)."""

    def __init__(self, local: Memo, alias: str = ALIAS) -> None:
        self.local = local
        self.alias = alias
        self.token = _TOKEN

    @property
    def shared(self) -> BaseCache:
        return caches[self.alias]

    def get(self, key: str) -> Any:
        """The value from this process's LRU, else from the shared cache (then kept locally)."""
        hit = self.local.get(key)
        if hit is None:
            hit = self.get_shared(key)
            if hit is not None:
                self.local.set(key, hit)
        return hit

    def get_shared(self, key: str) -> Any:
        try:
            return self.shared.get(_hashed(key))
        except Exception:  # unreadable entry or backend down: a miss (see the module notes)
            log.warning("dashboards cache: cannot read %s", key, exc_info=True)
            return None

    def set(self, key: str, value: Any) -> None:
        """Keep ``value`` here and share it (until culled or the backend's timeout)."""
        self.local.set(key, value)
        self.set_shared(key, value)

    def set_shared(self, key: str, value: Any, *, timeout: float | None = None) -> None:
        """Share ``value`` only (``timeout`` seconds; None: the backend's default)."""
        try:
            if timeout is None:
                self.shared.set(_hashed(key), value)
            else:
                self.shared.set(_hashed(key), value, timeout=timeout)
        except Exception:  # disk full, backend down: kept in this process only
            log.warning("dashboards cache: cannot write %s", key, exc_info=True)

    def claim(self, key: str) -> bool:
        """Mark ``key`` as being computed by this process; False if someone else marked it
        (True if the shared cache fails: then this process computes)."""
        try:
            marker = _hashed(f"flight:{key}")
            return bool(self.shared.add(marker, self.token, timeout=FLIGHT_SECONDS))
        except Exception:
            log.warning("dashboards cache: cannot mark %s", key, exc_info=True)
            return True

    def in_flight(self, key: str) -> bool:
        return self.get_shared(f"flight:{key}") is not None

    def release(self, key: str) -> None:
        """Remove this process's marker (a marker taken over by another process is left)."""
        if self.get_shared(f"flight:{key}") == self.token:
            try:
                self.shared.delete(_hashed(f"flight:{key}"))
            except Exception:  # it expires anyway
                log.warning("dashboards cache: cannot unmark %s", key, exc_info=True)

    def wait_for(self, key: str, *, timeout: float = FLIGHT_SECONDS + 5) -> Any:
        """Poll the shared cache for ``key`` while another process's marker is on it.

        The value once it appears; None when the marker is gone without one (the computer
        failed or crashed: the caller computes) or after ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while True:
            hit = self.get(key)
            if hit is not None:
                return hit
            if not self.in_flight(key):  # finished (the value is set before the marker goes)
                return self.get(key)
            if time.monotonic() > deadline:
                return None
            time.sleep(POLL_SECONDS)

    def clear(self) -> None:
        """Forget everything, here and shared (tests, cold benchmarks)."""
        with self.local.lock:
            self.local.items.clear()
        self.shared.clear()
