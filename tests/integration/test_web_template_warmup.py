"""Server processes compile every template and the URL patterns at start-up, so no request pays
for compiling one, and freeze what they loaded out of the garbage collector's reach."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


WSGI_START = """
import gc, json
from django.urls import get_resolver
import gpworkforce.web.wsgi  # what gunicorn's arbiter loads before forking (preload_app)
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "reverse_ready": bool(get_resolver()._populated),
}))
"""


def test_the_wsgi_start_up_freezes_what_it_loaded_and_compiles_reversing(tmp_path: Path) -> None:
    """After the WSGI module is loaded (in the arbiter, before the fork) the garbage collector
    has next to nothing left to walk in a full collection (the loaded modules and templates are
    frozen, decision 0110), and URLs can be reversed without compiling the URL patterns."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GPWORKFORCE_"))}
    env["DJANGO_SETTINGS_MODULE"] = "gpworkforce.web.settings.test"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", WSGI_START],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["frozen"] > 100_000  # Django, pandas, the app and its templates
    assert seen["tracked"] < seen["frozen"] / 20  # what a full collection still walks
    assert seen["reverse_ready"] is True
