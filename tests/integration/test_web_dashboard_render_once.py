"""Viewers arriving together at a dashboard page that is not in their process's memory (after a
data change, or in a newly started process) get it rendered once: one thread renders it, the
others wait for it and serve it (decision 0110). Without that, every one of them rendered the
same page at the same moment, each slowing the others down."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from gpworkforce.web.testing import PASSWORD, build_world
from gpworkforce.web.views import dashboards

pytestmark = pytest.mark.django_db(transaction=True)
VIEWERS = 6


def analyst() -> Client:
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    return c


def test_viewers_arriving_together_at_a_page_not_in_memory_get_it_rendered_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caches["local"].clear()
    cache.clear()
    build_world()
    url = reverse("dashboard", args=["03W"])
    first = analyst().get(url)  # computed (immediate task backend) and rendered
    assert first.status_code == 200
    clients = [analyst() for _ in range(VIEWERS)]
    caches["local"].clear()  # as in a new process: pages and figures not in memory

    rendered: list[str] = []
    original = dashboards._render

    def slow_render(*args: Any, **kwargs: Any) -> object:
        rendered.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for every viewer to arrive meanwhile
        return original(*args, **kwargs)

    monkeypatch.setattr(dashboards, "_render", slow_render)
    start = threading.Barrier(VIEWERS)
    pages: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def view(c: Client) -> None:
        try:
            start.wait()
            page = c.get(url)
            with lock:
                pages.append((page.status_code, page.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=view, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in pages] == [200] * VIEWERS
    assert len(rendered) == 1
    # the same page for the same user, each response with its own CSP nonce
    without_nonces = {re.sub(rb'nonce="[^"]+"', b"", content) for _, content in pages}
    assert len(without_nonces) == 1
    assert len({re.search(rb'nonce="([^"]+)"', c).group(1) for _, c in pages}) == VIEWERS  # type: ignore[union-attr]
    assert b"<title>Dashboard: " in pages[0][1]
