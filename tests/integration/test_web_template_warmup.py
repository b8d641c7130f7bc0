"""Server processes compile every template at start-up, so no request pays for compiling one."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.template import engines
from django.test import Client
from django.urls import reverse

from gpworkforce.web.jinja import warm_templates
from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD, build_world

pytestmark = pytest.mark.django_db


def test_after_warm_up_pages_render_without_compiling_a_template(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = engines["jinja2"].env
    names = env.list_templates(filter_func=lambda n: n.endswith(".jinja"))
    assert warm_templates() == len(names) > 50  # ours and the NHS.UK macros
    compiled: list[str] = []
    original = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(str(name))
        return original(source, name, filename, raw, defer_init)

    monkeypatch.setattr(env, "compile", counting)
    caches["local"].clear()  # rendered pages of earlier tests
    build_world()
    analyst = Client()
    assert analyst.login(username="analyst", password=PASSWORD)
    for url in (
        reverse("home"),
        reverse("round-list"),
        reverse("dashboard", args=["QK1"]),
        reverse("dashboard", args=[OWN_PRACTICE]),
    ):
        assert analyst.get(url).status_code == 200
    assert compiled == []
    # the check can fail: without the warm-up a fresh environment compiles on first use
    env.cache.clear()
    assert analyst.get(reverse("home")).status_code == 200
    assert "web/base.jinja" in compiled
