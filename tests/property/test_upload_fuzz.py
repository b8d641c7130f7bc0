"""Hostile uploads at every layer: the library reader, the upload check the form uses, the upload
view and the web form. Only user errors (a located message, a 400 page) - never an exception or a
500 - and nothing written for a rejected file.

Each layer counts how many examples reached the XLSX or CSV parser and asserts that most did, so
the claim is about the parser, not about an early exit. The upload view gets a fresh draft return
for every example (a savepoint rolled back after it), so one accepted example does not turn every
later one into an "already submitted" redirect. The positive controls plant a crash on zip files
uploaded without an extension and show that the same fuzzers find it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.returns import check_return_bytes, return_csv_text, return_xlsx_bytes
from gpworkforce.web import intake
from gpworkforce.web.models import AuditEvent, PracticeReturnRecord, ReturnVersion
from gpworkforce.web.testing import CENSUS, OWN_PRACTICE, build_world, sample_return
from returns_support import REGISTRY, TAXONOMY, base_return
from upload_fuzz import ParserSpy, PlantedCrash, Upload, Valid, hostile_upload, parser_spy

LIB = Valid("library", return_xlsx_bytes(base_return()), return_csv_text(base_return()).encode())
WEB = Valid("web", return_xlsx_bytes(sample_return()), return_csv_text(sample_return()).encode())

# At least this share of the examples must reach a parser. The rest are the reader's deliberate
# early exits: non-zip bytes named .xlsx/.xlsm or .xls, refused before parsing with a message.
MIN_REACHED = 0.75
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def _assert_located(exc: UserError, name: str) -> None:
    assert isinstance(exc, ValidationFailed), f"rejection without issues: {exc!r}"
    assert exc.issues
    for issue in exc.issues:
        assert issue.location.file == name, str(issue)
        assert issue.expected and issue.found


def _assert_most_reached(spy: ParserSpy) -> None:
    print(spy.summary())  # the figure docs/testing.md quotes (pytest -s shows it)
    assert spy.examples > 0
    assert spy.reached >= MIN_REACHED * spy.examples, spy.summary()
    assert spy.xlsx >= 0.3 * spy.examples and spy.csv >= 0.2 * spy.examples, spy.summary()


# ---- layer 1: the library reader ------------------------------------------------------------
def read_one(spy: ParserSpy, name: str, data: bytes) -> None:
    try:
        result = check_return_bytes(data, name, REGISTRY, TAXONOMY)
    except UserError as exc:
        _assert_located(exc, name)
        spy.note("unreadable")
        return
    if result.ok:
        assert result.ret is not None
        spy.note("accepted")
    else:
        assert result.ret is None
        _assert_located(ValidationFailed(issues=result.issues), name)
        spy.note("rule breaches")


def run_reader_fuzz(spy: ParserSpy, max_examples: int, **extra: object) -> None:
    @settings(max_examples=max_examples, **SETTINGS, **extra)  # type: ignore[arg-type]
    @given(hostile_upload(LIB))
    def run(upload: Upload) -> None:
        read_one(spy, *upload)

    run()


def test_reader_turns_every_hostile_file_into_a_user_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with parser_spy(monkeypatch) as spy:
        run_reader_fuzz(spy, 1500)
    _assert_most_reached(spy)


def test_reader_fuzz_finds_a_planted_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    with parser_spy(monkeypatch, plant=True) as spy, pytest.raises(PlantedCrash):
        run_reader_fuzz(spy, 300, derandomize=True, database=None, phases=(Phase.generate,))


# ---- layer 2: the upload check behind the form ------------------------------------------------
def test_upload_check_returns_a_result_for_every_hostile_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``intake.check_upload`` (what the upload form's view calls) never raises."""
    with parser_spy(monkeypatch) as spy:

        @settings(max_examples=600, **SETTINGS)  # type: ignore[arg-type]
        @given(hostile_upload(WEB))
        def run(upload: Upload) -> None:
            name, data = upload
            validated, digest = intake.check_upload(data, name, OWN_PRACTICE, CENSUS)
            assert len(digest) == 64
            assert validated.ok == (validated.ret is not None)
            assert validated.ok or validated.issues
            spy.note("accepted" if validated.ok else "rejected")

        run()
    _assert_most_reached(spy)


# ---- layer 3: the upload view, a fresh return per example --------------------------------------
def upload_fuzz_through_view(
    spy: ParserSpy, max_examples: int, **extra: object
) -> Callable[[], None]:
    world = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    url = reverse("return-upload", args=[rec.pk])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["submitter"])

    @settings(max_examples=max_examples, **SETTINGS, **extra)  # type: ignore[arg-type]
    @given(hostile_upload(WEB))
    def run(upload: Upload) -> None:
        name, content = upload
        with transaction.atomic():
            fresh = PracticeReturnRecord.objects.get(pk=rec.pk)
            assert fresh.state == "draft" and not fresh.versions.exists()
            before = (ReturnVersion.objects.count(), AuditEvent.objects.count())
            response = client.post(url, {"file": SimpleUploadedFile(name, content)})
            assert response.status_code in (302, 400), (response.status_code, name)
            if response.status_code == 400:
                assert "There is a problem" in response.content.decode()
                assert (ReturnVersion.objects.count(), AuditEvent.objects.count()) == before
                spy.note("rejected")
            else:  # the damage left a valid return: accepted as version 1
                fresh.refresh_from_db()
                assert fresh.state == "submitted" and fresh.current_version == 1
                spy.note("accepted")
            transaction.set_rollback(True)  # the next example starts from the same draft

    return run


@pytest.mark.django_db
def test_upload_view_never_answers_500_and_writes_nothing_for_a_rejected_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with parser_spy(monkeypatch) as spy:
        upload_fuzz_through_view(spy, 600)()
    _assert_most_reached(spy)
    assert spy.outcomes.get("rejected", 0) > 0.5 * spy.examples, spy.summary()


@pytest.mark.django_db
def test_upload_view_fuzz_finds_a_planted_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The planted crash is answered with a 500, which the fuzzer must report."""
    with parser_spy(monkeypatch, plant=True) as spy:
        run = upload_fuzz_through_view(
            spy, 300, derandomize=True, database=None, phases=(Phase.generate,)
        )
        with pytest.raises(AssertionError, match="500"):
            run()
    assert spy.xlsx > 0


# ---- layer 4: the web form (every cell typed by hand), a fresh return per example ------------
FORM_ROWS = {
    "staff": [
        ["GP_PARTNER_PROVIDER", "4", "45-49", "F", "partner", "", "36"],
        ["NURSE_PRACTICE", "2", "55-59", "F", "salaried", "60", ""],
    ],
    "vacancies": [["GP_SALARIED_BY_PRACTICE", "1", "3"]],
    "locums": [["GP_LOCUM_ABSENCE", "1", "4"]],
}
HOSTILE_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["", "=1+1", "@SUM(A1)", "1e400", "nan", "-inf", "9" * 99, "\x00", "\u202e", "<b>", "0x10"]
    ),
)


@pytest.mark.django_db
def test_return_form_answers_every_hostile_entry_with_a_form_error_or_a_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gpworkforce.returns.schema import LOCUMS, STAFF, VACANCIES

    keys = {
        "staff": [f.key for f in STAFF.fields],
        "vacancies": [f.key for f in VACANCIES.fields],
        "locums": [f.key for f in LOCUMS.fields],
    }
    world = build_world()
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    url = reverse("return-form", args=[rec.pk])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["submitter"])
    validated = {"n": 0, "examples": 0}
    real = intake.validate_return_dict

    def counting(*args: object, **kwargs: object) -> object:
        validated["n"] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "validate_return_dict", counting)

    @settings(max_examples=300, **SETTINGS)  # type: ignore[arg-type]
    @given(
        edits=st.lists(
            st.tuples(st.sampled_from(sorted(keys)), st.integers(0, 2), st.integers(0, 9), HOSTILE_TEXT),
            min_size=1,
            max_size=5,
        ),
        tamper=st.sampled_from([None] * 12 + ["-1", "x", "999", ""]),
    )  # fmt: skip
    def run(edits: list[tuple[str, int, int, str]], tamper: str | None) -> None:
        data: dict[str, str] = {}
        for prefix, lines in FORM_ROWS.items():
            grid = [dict(zip(keys[prefix], line, strict=False)) for line in lines]
            for p, i, j, text in edits:
                if p == prefix:
                    grid[i % len(grid)][keys[p][j % len(keys[p])]] = text
            data |= {f"{prefix}-TOTAL_FORMS": str(len(grid)), f"{prefix}-INITIAL_FORMS": "0"}
            for i, line in enumerate(grid):
                data |= {f"{prefix}-{i}-{k}": v for k, v in line.items()}
        if tamper is not None:
            data["staff-TOTAL_FORMS"] = tamper
        validated["examples"] += 1
        with transaction.atomic():
            response = client.post(url, data)
            assert response.status_code in (302, 400), response.status_code
            if response.status_code == 400:
                assert "There is a problem" in response.content.decode()
                assert not ReturnVersion.objects.filter(practice_return=rec).exists()
            transaction.set_rollback(True)

    run()
    print(f"{validated['n']} of {validated['examples']} form examples reached the validator")
    assert validated["n"] >= 0.7 * validated["examples"], validated
