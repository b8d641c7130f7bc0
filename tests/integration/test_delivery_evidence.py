"""Evidence files of a maturity self-assessment: added by those who assess the organisation,
checked for kind and size, kept in the database under a cleaned name, downloaded only as an
attachment by those who see the assessment, and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gpworkforce.delivery.maturity import load_template
from gpworkforce.web.delivery import actions
from gpworkforce.web.delivery.models import EvidenceFile
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.testing import OWN_PRACTICE, build_world

pytestmark = pytest.mark.django_db


def test_an_evidence_file_is_added_downloaded_and_refused_when_unsafe() -> None:
    world = build_world()
    matrix = load_template("primary-care-five-pillars")
    a = actions.submit_assessment(
        actor=world.users["manager"],
        matrix=matrix,
        org_code=OWN_PRACTICE,
        period_end=dt.date(2017, 9, 30),
        levels={d.key: matrix.levels[1] for d in matrix.dimensions},
        evidence={},
    )
    dim = matrix.dimensions[0].key
    manager = Client()
    manager.force_login(world.users["manager"])
    url = f"/maturity/{a.pk}/evidence/"

    def post(name: str, data: bytes, dimension: str = dim):  # type: ignore[no-untyped-def]
        return manager.post(url, {"dimension": dimension, "file": SimpleUploadedFile(name, data)})

    ok = post("../../etc/Board minutes <2017>.pdf", b"%PDF-1.4 minutes")
    assert ok.status_code == 302
    kept = EvidenceFile.objects.get()
    assert kept.name == "Board minutes _2017_.pdf" and bytes(kept.data) == b"%PDF-1.4 minutes"
    event = AuditEvent.objects.get(action="maturity.evidence")
    assert event.actor_username == "manager" and event.after["size"] == 16
    # refused: a kind not taken, an empty file, too big, no dimension; nothing kept
    for name, data, dimension, message in (
        ("run.exe", b"MZ", dim, "The file must be one of"),
        ("empty.txt", b"", dim, "The file is empty"),
        ("big.csv", b"x" * (actions.EVIDENCE_MAX_BYTES + 1), dim, "at most 5 MB"),
        ("note.txt", b"hello", "", "Choose the dimension"),
    ):
        r = post(name, data, dimension)
        assert r.status_code == 400 and message in r.content.decode(), name
    assert EvidenceFile.objects.count() == 1
    # the page links it; a board viewer downloads it as an attachment but cannot add one
    page = manager.get(f"/maturity/{a.pk}/").content.decode()
    assert f"/maturity/evidence/{kept.pk}/" in page and "Add an evidence file" in page
    board = Client()
    board.force_login(world.users["board"])
    got = board.get(f"/maturity/evidence/{kept.pk}/")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 minutes"
    assert got["Content-Disposition"] == 'attachment; filename="Board minutes _2017_.pdf"'
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert "Add an evidence file" not in board.get(f"/maturity/{a.pk}/").content.decode()
    r = board.post(url, {"dimension": dim, "file": SimpleUploadedFile("a.txt", b"x")})
    assert r.status_code == 403
