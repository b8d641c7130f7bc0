"""A dashboard page is rendered once per kind of viewer and data version; each viewer still sees
their own name in the header and only the drill-down links their role and organisation allow."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from gpworkforce.web.actions.users import create_user
from gpworkforce.web.roles import Role
from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD, build_world
from gpworkforce.web.views import dashboards as views

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_each_viewer_sees_their_own_name_on_a_shared_page(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    caches["local"].clear()  # rendered pages of earlier tests
    world = build_world()
    create_user(
        actor=None,
        username="second<analyst>&co",
        password=PASSWORD,
        role=Role.ICB_ANALYST,
        org_code="QK1",
    )
    renders: list[str] = []
    original = views.render

    def counting(request, template, *args, **kwargs):  # type: ignore[no-untyped-def]
        renders.append(template)
        return original(request, template, *args, **kwargs)

    monkeypatch.setattr(views, "render", counting)
    url = reverse("dashboard", args=["QK1"])
    first_response = _client("analyst").get(url)
    second_response = _client("second<analyst>&co").get(url)
    first, second = first_response.content.decode(), second_response.content.decode()
    # each response has its own CSP nonce, in its header and on its scripts, cached page or not
    nonces = []
    for response, html in ((first_response, first), (second_response, second)):
        [nonce] = set(re.findall(r'nonce="([^"]+)"', html))
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and views.NONCE_MARK not in first + second
    first, second = first.replace(nonces[0], "N"), second.replace(nonces[1], "N")
    assert renders == ["web/dashboard.jinja"]  # the second analyst's page came from the cache
    assert "analyst (" in first and "second&lt;analyst&gt;&amp;co (" in second
    assert "second&lt;analyst" not in first and "second<analyst>" not in second
    assert views.ACCOUNT_MARK not in first + second
    # the body (tables, figures) is the same; only the header's name differs
    assert first.replace("analyst (", "X (") == second.replace(
        "second&lt;analyst&gt;&amp;co (", "X ("
    )
    # another kind of viewer (a board viewer of the same ICB) gets a page of their own
    board = _client("board").get(url).content.decode()
    assert renders == ["web/dashboard.jinja", "web/dashboard.jinja"]
    assert "board (" in board and "analyst (" not in board
    # a practice user is refused the ICB page, whatever is cached
    assert _client("submitter").get(url).status_code in (403, 404)
    assert world.users["submitter"].organisation_id == OWN_PRACTICE
