"""Uploaded workbooks are parsed a bounded number at a time per server process (decision 0058):
a burst of uploads leaves page views the CPU they need. An upload that waits too long is told to
upload again, with nothing saved; a waiting upload holds no database connection."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse

from gpworkforce.returns import return_xlsx_bytes
from gpworkforce.web import intake
from gpworkforce.web.models import PracticeReturnRecord, ReturnVersion
from gpworkforce.web.testing import CENSUS, OWN_PRACTICE, PASSWORD, build_world, sample_return
from gpworkforce.web.views import returns as returns_views


def test_at_most_the_configured_number_of_uploads_are_parsed_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(intake, "_parsing", threading.BoundedSemaphore(2))
    busy = {"now": 0, "most": 0}
    lock = threading.Lock()
    real = intake._check

    def slow_check(*args: Any) -> Any:
        with lock:
            busy["now"] += 1
            busy["most"] = max(busy["most"], busy["now"])
        time.sleep(0.05)
        with lock:
            busy["now"] -= 1
        return real(*args)

    monkeypatch.setattr(intake, "_check", slow_check)
    content = return_xlsx_bytes(sample_return())
    results: list[bool] = []

    def upload() -> None:
        validated, _ = intake.check_upload(content, "r.xlsx", OWN_PRACTICE, CENSUS)
        results.append(validated.ok)

    threads = [threading.Thread(target=upload) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8
    assert busy["most"] == 2


@pytest.mark.django_db
def test_an_upload_that_waits_too_long_is_told_to_try_again_and_nothing_is_saved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    slot = threading.BoundedSemaphore(1)
    monkeypatch.setattr(intake, "_parsing", slot)
    monkeypatch.setattr(intake, "UPLOAD_WAIT_SECONDS", 0.2)
    client = Client()
    assert client.login(username="submitter", password=PASSWORD)
    content = return_xlsx_bytes(sample_return())
    url = reverse("return-upload", args=[rec.pk])
    assert slot.acquire()  # another upload is being parsed
    try:
        page = client.post(url, {"file": SimpleUploadedFile("r.xlsx", content)})
    finally:
        slot.release()
    assert page.status_code == 400
    assert "busy receiving other returns" in page.content.decode()
    assert "nothing was saved" in page.content.decode()
    assert ReturnVersion.objects.count() == 0
    rec.refresh_from_db()
    assert rec.state == "draft"
    again = client.post(url, {"file": SimpleUploadedFile("r.xlsx", content)})
    assert again.status_code == 302
    assert ReturnVersion.objects.filter(practice_return=rec).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("message", "answered"), [("database is locked", 400), ("disk I/O error", None)]
)
def test_an_upload_whose_database_stays_locked_is_told_to_try_again_and_nothing_is_saved(
    monkeypatch: pytest.MonkeyPatch, message: str, answered: int | None
) -> None:
    """SQLite's single writer lock not coming free within the connection's timeout (seen under a
    saturated upload burst, docs/performance.md) gives the busy page, with nothing saved, not a
    500; any other database error still fails the request."""
    world = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    real = returns_views.submit_version

    def locked(**kwargs: Any) -> Any:
        with transaction.atomic():
            real(**kwargs)  # written, then rolled back with the error
            raise OperationalError(message)

    monkeypatch.setattr(returns_views, "submit_version", locked)
    client = Client(raise_request_exception=False)
    assert client.login(username="submitter", password=PASSWORD)
    content = return_xlsx_bytes(sample_return())
    page = client.post(
        reverse("return-upload", args=[rec.pk]), {"file": SimpleUploadedFile("r.xlsx", content)}
    )
    assert page.status_code == (answered or 500)
    if answered:
        assert "busy receiving other returns, so nothing was saved" in page.content.decode()
    assert ReturnVersion.objects.count() == 0
    rec.refresh_from_db()
    assert rec.state == "draft"
