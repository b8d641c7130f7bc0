"""The maturity register with its evidence (issue 13 items 5 and 7): the tool's measures offered
as evidence travel in the register's file, and the evidence files in a ZIP beside it; export,
import into an empty register and export again give the same bytes; a ZIP with a problem is
refused whole, every problem located."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from gpworkforce.delivery.maturity import load_template
from gpworkforce.errors import ValidationFailed
from gpworkforce.web.delivery import actions, registers_io
from gpworkforce.web.delivery.models import EvidenceFile, MaturityAssessmentRecord
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.testing import OWN_PRACTICE, build_world

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2017, 9, 30)


def _fill(world) -> MaturityAssessmentRecord:  # type: ignore[no-untyped-def]
    matrix = load_template("primary-care-five-pillars")
    a = actions.submit_assessment(
        actor=world.users["manager"],
        matrix=matrix,
        org_code=OWN_PRACTICE,
        period_end=PERIOD,
        levels={d.key: matrix.levels[1] for d in matrix.dimensions},
        evidence={matrix.dimensions[0].key: "minutes of the practice meeting"},
    )
    first, second = matrix.dimensions[0].key, matrix.dimensions[1].key
    for dim, measure in ((first, "gp-wte-per-1000"), (first, "locum-share"), (second, "gp-wte")):
        actions.add_evidence_measure(
            actor=world.users["manager"], assessment_id=a.pk, dimension=dim, measure=measure
        )
    for dim, name, data in (
        (first, "Board minutes.pdf", b"%PDF-1.4 minutes"),
        (first, "rota.csv", b"day,sessions\nMon,9\n"),
        (second, "plan.txt", b"our plan"),
    ):
        actions.add_evidence_file(
            actor=world.users["manager"], assessment_id=a.pk, dimension=dim, name=name, data=data
        )
    return a


def _wipe() -> None:
    EvidenceFile.objects.all().delete()
    MaturityAssessmentRecord.objects.all().delete()


def test_the_register_and_its_evidence_round_trip_through_a_zip() -> None:
    world = build_world()
    _fill(world)
    before = registers_io.export_bytes("maturity", "QK1", "zip")
    with zipfile.ZipFile(io.BytesIO(before)) as z:
        names = sorted(z.namelist())
        sheet = z.read("maturity.csv").decode("utf-8-sig")
    dims = [d.key for d in load_template("primary-care-five-pillars").dimensions]
    prefix = f"evidence/{OWN_PRACTICE}/primary-care-five-pillars/2017-09-30/"
    assert names == sorted(
        [
            "maturity.csv",
            f"{prefix}{dims[0]}/Board minutes.pdf",
            f"{prefix}{dims[0]}/rota.csv",
            f"{prefix}{dims[1]}/plan.txt",
        ]
    )
    assert "GP WTE per 1,000 registered patients\nLocum share of GP WTE" in sheet
    assert "Board minutes.pdf\nrota.csv" in sheet
    _wipe()
    result = registers_io.import_register(
        world.users["programme"], "maturity", "QK1", "maturity-QK1.zip", before
    )
    assert result.added == 1
    kept = {f.name: bytes(f.data) for f in EvidenceFile.objects.all()}
    assert kept == {
        "Board minutes.pdf": b"%PDF-1.4 minutes",
        "rota.csv": b"day,sessions\nMon,9\n",
        "plan.txt": b"our plan",
    }
    assert (
        AuditEvent.objects.filter(action="maturity.evidence", actor_username="programme").count()
        == 3
    )
    assert registers_io.export_bytes("maturity", "QK1", "zip") == before
    # the same ZIP again changes nothing and adds no file
    again = registers_io.import_register(
        world.users["programme"], "maturity", "QK1", "maturity-QK1.zip", before
    )
    assert (again.added, again.updated) == (0, 0) and EvidenceFile.objects.count() == 3
    # the register's CSV alone (no files) still imports: the files it names are held
    csv_only = registers_io.export_bytes("maturity", "QK1", "csv")
    ok = registers_io.import_register(
        world.users["programme"], "maturity", "QK1", "m.csv", csv_only
    )
    assert (ok.added, ok.updated) == (0, 0)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_zip_with_a_problem_is_refused_whole_every_problem_located() -> None:
    world = build_world()
    _fill(world)
    good = registers_io.export_bytes("maturity", "QK1", "zip")
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    _wipe()
    pdf = next(n for n in entries if n.endswith(".pdf"))
    txt = next(n for n in entries if n.endswith("plan.txt"))
    bad = dict(entries)
    del bad[pdf]  # named by a row, not in the ZIP and not held
    bad[txt] = b""  # empty
    bad["evidence/stray/file.txt"] = b"not named by any row"
    sheet = (
        bad["maturity.csv"].decode("utf-8-sig").replace("Locum share of GP WTE", "Made-up measure")
    )
    bad["maturity.csv"] = sheet.encode("utf-8")
    with pytest.raises(ValidationFailed) as exc:
        registers_io.import_register(
            world.users["programme"], "maturity", "QK1", "m.zip", _zip(bad)
        )
    said = [str(i) for i in exc.value.issues]
    assert any("Board minutes.pdf" in s and "Evidence files" in s for s in said), said
    assert any("empty file" in s for s in said), said
    assert any("evidence/stray/file.txt" in s for s in said), said
    assert any("Made-up measure" in s and "Evidence measures" in s for s in said), said
    assert not MaturityAssessmentRecord.objects.exists() and not EvidenceFile.objects.exists()
    # not a ZIP at all, and a ZIP without the register: a clear message, nothing written
    from gpworkforce.errors import InputFileError

    with pytest.raises(InputFileError, match="must be a ZIP file"):
        registers_io.import_register(world.users["programme"], "maturity", "QK1", "m.zip", b"nope")
    with pytest.raises(InputFileError, match=r"maturity\.csv"):
        registers_io.import_register(
            world.users["programme"], "maturity", "QK1", "m.zip", _zip({"x.txt": b"x"})
        )
    assert not MaturityAssessmentRecord.objects.exists()


def test_the_zip_downloads_from_the_registers_page_for_maturity_only() -> None:
    from django.test import Client

    world = build_world()
    _fill(world)
    c = Client()
    c.force_login(world.users["programme"])
    assert "ZIP with the evidence files" in c.get("/delivery/registers/").content.decode()
    r = c.get("/delivery/registers/maturity.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert r.content == registers_io.export_bytes("maturity", "QK1", "zip")
    assert c.get("/delivery/registers/risks.zip").status_code == 404
