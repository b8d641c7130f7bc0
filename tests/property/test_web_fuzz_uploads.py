"""Thousands of corrupted uploads through the web (Django test client): form errors, never a 500,
and nothing written for a rejected file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpworkforce.returns import return_csv_text, return_xlsx_bytes
from gpworkforce.web.models import AuditEvent, PracticeReturnRecord, ReturnVersion
from gpworkforce.web.testing import OWN_PRACTICE, build_world, sample_return

VALID_XLSX = return_xlsx_bytes(sample_return())
VALID_CSV = return_csv_text(sample_return()).encode()


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[str, bytes]:
    base, name = draw(st.sampled_from([(VALID_XLSX, "r.xlsx"), (VALID_CSV, "r.csv")]))
    data = bytearray(base)
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "random", "splice"]))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 12))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif kind == "insert":
        i = draw(st.integers(0, len(data)))
        data[i:i] = draw(st.binary(min_size=1, max_size=64))
    elif kind == "random":
        data = bytearray(draw(st.binary(max_size=2048)))
    else:
        text = base.decode("latin-1")
        i = draw(st.integers(0, len(text)))
        junk = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
        data = bytearray((text[:i] + junk + text[i:]).encode("utf-8", "surrogatepass"))
    name = draw(st.sampled_from([name, "r.xlsx", "r.csv", "r.xls", "noext", "../../etc/passwd"]))
    return name, bytes(data)


@pytest.mark.django_db
def test_corrupted_uploads_never_crash_and_never_write(django_db_blocker: object) -> None:
    world = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    url = reverse("return-upload", args=[rec.pk])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["submitter"])
    statuses: set[int] = set()

    @settings(
        max_examples=2000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
        derandomize=True,
    )
    @given(corrupted())
    def run(upload: tuple[str, bytes]) -> None:
        name, content = upload
        before = (ReturnVersion.objects.count(), AuditEvent.objects.count())
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code in (302, 400), response.status_code
        statuses.add(response.status_code)
        if response.status_code == 400:
            assert "There is a problem" in response.content.decode()
            assert (ReturnVersion.objects.count(), AuditEvent.objects.count()) == before
        else:  # a mutation that left a valid return: accepted as version 1, then no more edits
            rec.refresh_from_db()
            assert rec.state == "submitted"

    run()
    assert 400 in statuses
