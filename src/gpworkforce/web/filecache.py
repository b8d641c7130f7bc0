"""Django's file-based cache with an ``add`` that is atomic between processes.

Django's ``FileBasedCache.add`` checks for the file and then writes it, so two processes can both
"add" the same key. The dashboards' in-flight markers (:mod:`gpworkforce.web.dashstore`) need
one winner, so here the entry is written to a temporary file and hard-linked into place: the link
fails if the file exists, whoever else is trying. An expired entry is removed and the link tried
once more. Everything else (atomic ``set`` by rename, culling at ``MAX_ENTRIES``) is Django's.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class AtomicAddFileCache(FileBasedCache):
    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,  # type: ignore[assignment]
        version: int | None = None,
    ) -> bool:
        fname = self._key_to_file(key, version)
        self._createdir()
        for _ in range(2):
            fd, tmp = tempfile.mkstemp(dir=self._dir)
            try:
                with open(fd, "wb") as f:
                    self._write_content(f, timeout, value)
                try:
                    os.link(tmp, fname)
                    return True
                except FileExistsError:
                    pass
            finally:
                os.remove(tmp)
            if self.has_key(key, version):  # has_key deletes an expired entry: then try again
                return False
        return False
