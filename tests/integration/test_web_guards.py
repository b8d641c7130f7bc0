"""Deny by default, upload size limits, and docs that stay true (every command documented)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from gpworkforce.web.models import PracticeReturnRecord, ReturnVersion
from gpworkforce.web.permissions import DenyByDefaultMiddleware, public
from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD, World, build_world

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"
COMMANDS = (
    Path(__file__).resolve().parents[2] / "src" / "gpworkforce" / "web" / "management" / "commands"
)


def test_a_view_without_an_access_rule_is_refused() -> None:
    def undeclared(request: HttpRequest) -> HttpResponse:
        return HttpResponse("secret")

    middleware = DenyByDefaultMiddleware(lambda r: HttpResponse())
    request = RequestFactory().get("/x")
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared, (), {})
    assert middleware.process_view(request, public(undeclared), (), {}) is None


@pytest.mark.django_db
def test_oversized_upload_is_refused_with_a_message_and_nothing_written() -> None:
    world: World = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    c = Client()
    assert c.login(username="submitter", password=PASSWORD)
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 10))
    r = c.post(reverse("return-upload", args=[rec.pk]), {"file": big})
    assert r.status_code == 400
    assert "be at most 5,242,880 bytes" in r.content.decode()
    assert ReturnVersion.objects.count() == 0


def test_every_management_command_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    commands = sorted(p.stem for p in COMMANDS.glob("*.py") if not p.stem.startswith("_"))
    assert commands, "no commands found"
    missing = [c for c in commands if f"`{c}" not in text]
    assert not missing, f"commands not in docs/web.md: {missing}"


@pytest.mark.django_db
def test_a_far_too_large_upload_is_refused_before_it_is_read() -> None:
    world: World = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    c = Client()
    assert c.login(username="submitter", password=PASSWORD)
    huge = SimpleUploadedFile("huge.xlsx", b"0" * (6 * 1024 * 1024))
    r = c.post(reverse("return-upload", args=[rec.pk]), {"file": huge})
    assert r.status_code == 413
    assert "must be at most 5 MB" in r.content.decode()
    assert ReturnVersion.objects.count() == 0
