"""The quarterly return workflow through the web (Django test client, real database).

Submission by form and by upload use the library's validation; versions are immutable and keep
their checksum; each write records an audit event in the same transaction; the state machine's
rules hold at the HTTP edge (the submitter cannot approve or accept).
"""

from __future__ import annotations

import hashlib
import html as html_lib

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.returns import return_rows, return_xlsx_bytes
from gpworkforce.web.actions import audit as audit_module
from gpworkforce.web.actions.returns import submit_version
from gpworkforce.web.models import (
    AuditEvent,
    ImmutableRecord,
    Organisation,
    PracticeReturnRecord,
    ReturnVersion,
    User,
)
from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD, World, build_world, sample_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def own_record(world: World) -> PracticeReturnRecord:
    return PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)


def submit_sample(world: World, rec: PracticeReturnRecord) -> ReturnVersion:
    """The sample return submitted on the form by the practice's submitter."""
    return submit_version(
        actor=world.users["submitter"],
        record_id=rec.pk,
        data=sample_return(),
        channel="form",
        sha256="a" * 64,
    )


def form_post(ret: PracticeReturn, **overrides: str) -> dict[str, str]:
    """POST data for the return form holding ``ret``'s lines (``overrides`` replace cells)."""
    rows = return_rows(ret)
    data: dict[str, str] = {}
    for prefix, sheet in (("staff", "Staff"), ("vacancies", "Vacancies"), ("locums", "Locums")):
        lines = rows[sheet]
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(lines)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "200",
            }
        )
        for i, line in enumerate(lines):
            for key, value in line.items():
                data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    data.update(overrides)
    return data


def test_form_with_errors_shows_every_problem_per_field_and_writes_nothing(world: World) -> None:
    rec = own_record(world)
    events_before = AuditEvent.objects.count()
    data = form_post(
        sample_return(), **{"staff-0-headcount": "-3", "staff-1-role_code": "NOT_A_ROLE"}
    )
    response = client_for("submitter").post(reverse("return-form", args=[rec.pk]), data)
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert "There is a problem" in html
    assert 'href="#id_staff-0-headcount"' in html
    assert 'id="id_staff-1-role_code-error"' in html
    # plain words naming the field as the form shows it, not spreadsheet cells
    assert "People on staff line 1 must be 0 or more; you entered -3" in html
    assert "Role on staff line 2 must be a role code from the list" in html
    summary = html.split("nhsuk-error-summary__list")[1].split("</ul>")[0]
    assert "row 1" not in summary and "column" not in summary and "Lists sheet" not in summary
    rec.refresh_from_db()
    assert rec.state == "draft" and rec.current_version is None
    assert ReturnVersion.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_full_workflow_form_query_upload_approve_accept(world: World) -> None:
    rec = own_record(world)
    submitter, manager, analyst = (client_for(n) for n in ("submitter", "manager", "analyst"))

    r = submitter.post(reverse("return-form", args=[rec.pk]), form_post(sample_return()))
    assert r.status_code == 302
    rec.refresh_from_db()
    assert (rec.state, rec.current_version, rec.submitted_by.username) == (
        "submitted",
        1,
        "submitter",
    )
    v1 = ReturnVersion.objects.get(practice_return=rec, number=1)
    assert v1.channel == "form" and len(v1.sha256) == 64
    assert "spend" not in v1.payload  # a form posted without the optional section

    # The submitter may not approve, nor accept; the analyst may not accept before approval.
    assert submitter.post(reverse("return-transition", args=[rec.pk, "approve"])).status_code == 403
    assert submitter.post(reverse("return-transition", args=[rec.pk, "accept"])).status_code == 403
    analyst.post(reverse("return-transition", args=[rec.pk, "accept"]))
    rec.refresh_from_db()
    assert rec.state == "submitted"

    # The analyst queries; the practice resubmits by uploading the XLSX template.
    analyst.post(
        reverse("return-transition", args=[rec.pk, "query"]), {"note": "GP sessions look low"}
    )
    rec.refresh_from_db()
    assert (rec.state, rec.query_note) == ("queried", "GP sessions look low")
    content = return_xlsx_bytes(sample_return(gp_sessions=40.0))
    upload = _upload(content, "alpha.xlsx")
    r = submitter.post(reverse("return-upload", args=[rec.pk]), {"file": upload})
    assert r.status_code == 302, r.content.decode()[:2000]
    rec.refresh_from_db()
    assert (rec.state, rec.current_version) == ("resubmitted", 2)
    v2 = ReturnVersion.objects.get(practice_return=rec, number=2)
    assert v2.sha256 == hashlib.sha256(content).hexdigest()
    assert v2.file_name == "alpha.xlsx"
    assert v2.payload["staff"][0]["sessions_per_week"] == 40.0

    # Earlier versions stay viewable and unchanged.
    page = submitter.get(reverse("version-detail", args=[rec.pk, 1])).content.decode()
    assert v1.sha256 in page and ">36.0<" in page and ">40.0<" not in page

    manager.post(reverse("return-transition", args=[rec.pk, "approve"]))
    rec.refresh_from_db()
    assert rec.state == "approved" and rec.approved_by.username == "manager"
    analyst.post(reverse("return-transition", args=[rec.pk, "accept"]))
    rec.refresh_from_db()
    assert rec.state == "accepted" and rec.accepted_by.username == "analyst"

    actions = list(
        AuditEvent.objects.filter(organisation_code=OWN_PRACTICE, action__startswith="return.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "return.submit",
        "return.query",
        "return.resubmit",
        "return.approve",
        "return.accept",
    ]
    accept = AuditEvent.objects.get(action="return.accept")
    assert accept.before["state"] == "approved" and accept.after["state"] == "accepted"
    assert accept.actor_username == "analyst"


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_upload_for_another_practice_is_rejected_with_its_location(world: World) -> None:
    rec = own_record(world)
    content = return_xlsx_bytes(sample_return(practice_code="C82002"))
    r = client_for("submitter").post(
        reverse("return-upload", args=[rec.pk]), {"file": _upload(content, "x.xlsx")}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "sheet &#39;Practice&#39;" in html or "sheet 'Practice'" in html
    assert "C82002" in html
    assert ReturnVersion.objects.count() == 0


def test_versions_and_audit_events_are_immutable(world: World) -> None:
    rec = own_record(world)
    v = submit_sample(world, rec)
    v.sha256 = "b" * 64
    with pytest.raises(ImmutableRecord):
        v.save()
    with pytest.raises(ImmutableRecord):
        v.delete()
    event = AuditEvent.objects.first()
    with pytest.raises(ImmutableRecord):
        event.save()


def test_paired_fields_are_enforced_by_the_database(world: World) -> None:
    rec = own_record(world)
    submit_sample(world, rec)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeReturnRecord.objects.filter(pk=rec.pk).update(submitted_by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeReturnRecord.objects.filter(pk=rec.pk).update(state="accepted")


def test_a_failing_audit_write_rolls_back_the_action(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = own_record(world)

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit_module, "record", broken)
    with pytest.raises(RuntimeError):
        submit_sample(world, rec)
    rec.refresh_from_db()
    assert rec.state == "draft" and ReturnVersion.objects.count() == 0


def test_round_shows_response_rate_and_outstanding_practices(world: World) -> None:
    rec = own_record(world)
    submit_sample(world, rec)
    html = (
        client_for("analyst").get(reverse("round-detail", args=[world.round.pk])).content.decode()
    )
    assert "33%: 1 of 3 practices" in html
    outstanding = html.split('id="outstanding-list"')[1].split("</ul>")[0]
    names = dict(Organisation.objects.values_list("code", "name"))
    assert names["C82002"] in outstanding and names["C82003"] in outstanding
    assert names[OWN_PRACTICE] not in outstanding


def test_analyst_opens_a_round_through_the_form(world: World) -> None:
    analyst = client_for("analyst")
    r = analyst.post(
        reverse("round-open"),
        {
            "organisation": "03W",
            "census_date_day": "31",
            "census_date_month": "12",
            "census_date_year": "2017",
        },
    )
    assert r.status_code == 302
    r = analyst.post(
        reverse("round-open"),
        {
            "organisation": "03W",
            "census_date_day": "15",
            "census_date_month": "12",
            "census_date_year": "2017",
        },
    )
    assert r.status_code == 400 and "quarter end" in r.content.decode()
    r = analyst.post(
        reverse("round-open"),
        {
            "organisation": "03W",
            "census_date_day": "31",
            "census_date_month": "3",
            "census_date_year": "2031",
        },
    )  # a quarter end years ahead: no staff to count yet
    assert r.status_code == 400 and "the next quarter end after today" in r.content.decode()
    r = analyst.post(
        reverse("round-open"),
        {
            "organisation": "QXX",
            "census_date_day": "31",
            "census_date_month": "3",
            "census_date_year": "2018",
        },
    )
    assert r.status_code == 400  # not one of the analyst's organisations
    r = analyst.post(
        reverse("round-open"),
        {
            "organisation": "04C",
            "census_date_day": "30",
            "census_date_month": "9",
            "census_date_year": "2017",
        },
    )
    assert r.status_code == 400 and "already have a return" in r.content.decode()  # QK1's round


def _open(client: Client, census: tuple[str, str, str], **deadline: str):
    """Post the form as the browser does: the NHS.UK date input names its boxes ``x[day]``."""
    return client.post(
        reverse("round-open"),
        {
            "organisation": "03W",
            "census_date[day]": census[0],
            "census_date[month]": census[1],
            "census_date[year]": census[2],
            **{f"deadline[{k}]": v for k, v in deadline.items()},
        },
    )


def test_the_open_round_form_asks_for_the_deadline_and_the_round_page_shows_it(
    world: World,
) -> None:
    import datetime as dt

    from gpworkforce.web.models import CollectionRound

    analyst = client_for("analyst")
    form = analyst.get(reverse("round-open")).content.decode()
    assert 'name="deadline[day]"' in form and 'name="census_date[day]"' in form
    # bad deadlines: a form error naming the field, no round opened
    for bad, message in (
        ({"day": "11", "month": "", "year": "2018"}, "Enter the deadline as day, month and year"),
        ({"day": "31", "month": "2", "year": "2018"}, "Deadline must be a real date"),
        ({"day": "1", "month": "12", "year": "2017"}, "Deadline must be after the census date"),
    ):
        r = _open(analyst, ("31", "12", "2017"), **bad)
        text = html_lib.unescape(r.content.decode())
        assert r.status_code == 400 and message in text, text
        assert 'href="#deadline-day"' in text
        assert not CollectionRound.objects.filter(census_date=dt.date(2017, 12, 31)).exists()
    # a deadline given: stored and shown on the round page
    r = _open(analyst, ("31", "12", "2017"), day="2", month="2", year="2018")
    assert r.status_code == 302
    rnd = CollectionRound.objects.get(census_date=dt.date(2017, 12, 31), organisation_id="03W")
    assert rnd.deadline == dt.date(2018, 2, 2)
    page = html_lib.unescape(analyst.get(r["Location"]).content.decode())
    assert "2 February 2018" in page and "six weeks after the census date" not in page
    # left blank: six weeks (42 days) after the census date, said so on the page
    r = _open(analyst, ("31", "3", "2018"))
    rnd = CollectionRound.objects.get(census_date=dt.date(2018, 3, 31), organisation_id="03W")
    assert rnd.deadline is None
    page = html_lib.unescape(analyst.get(r["Location"]).content.decode())
    due = dt.date(2018, 3, 31) + dt.timedelta(weeks=6)
    assert f"{due:%d %B %Y} (six weeks after the census date)" in page


def test_template_download_is_prefilled_and_an_empty_one_is_rejected_on_upload(
    world: World,
) -> None:
    import io

    import openpyxl

    rec = own_record(world)
    submitter = client_for("submitter")
    r = submitter.get(reverse("return-template", args=[rec.pk]))
    assert r.status_code == 200 and f"{OWN_PRACTICE}-2017-09-30.xlsx" in r["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    cells = [c.value for row in book["Practice"].iter_rows() for c in row]
    assert OWN_PRACTICE in cells
    back = submitter.post(
        reverse("return-upload", args=[rec.pk]), {"file": _upload(r.content, "blank.xlsx")}
    )
    assert back.status_code == 400
    assert "list at least one staff line" in back.content.decode()
    assert ReturnVersion.objects.count() == 0


def test_administrator_creates_an_account_within_their_organisations(world: World) -> None:
    admin = client_for("admin")
    ok = {
        "username": "new-manager",
        "email": "new-manager@example.nhs.uk",
        "role": "practice_manager",
        "organisation": "C82002",
        "password": "a-long-enough-pass-42",
    }
    assert admin.post(reverse("user-new"), ok).status_code == 302
    event = AuditEvent.objects.get(
        action="user.create", object_id=str(User.objects.get(username="new-manager").pk)
    )
    assert event.actor_username == "admin" and event.after["role"] == "practice_manager"
    assert "password" not in str(event.after)
    # Outside the administrator's organisations, a wrong tier for the role, a weak password.
    bad_org = admin.post(reverse("user-new"), {**ok, "username": "x-1", "organisation": "Y00001"})
    assert (
        bad_org.status_code == 400
        and "Select an organisation you are responsible for" in bad_org.content.decode()
    )
    bad_tier = admin.post(reverse("user-new"), {**ok, "username": "x-2", "organisation": "03W"})
    assert bad_tier.status_code == 400 and "must belong to a practice" in bad_tier.content.decode()
    weak = admin.post(reverse("user-new"), {**ok, "username": "x-3", "password": "123"})
    assert weak.status_code == 400
    assert not User.objects.filter(username__startswith="x-").exists()
    assert "new-manager" in admin.get(reverse("user-list")).content.decode()


def test_the_optional_spend_section_is_validated_kept_and_feeds_spend_tracking(
    world: World,
) -> None:
    """Issue 12 item 4: the form's spend section refuses bad figures with the field named and
    writes nothing; a good one is kept in the version, and once the return is accepted its spend
    is what the finance spend page tracks for the ICB (with no spend file loaded)."""

    from gpworkforce.web.finance.seed import seed_llr_finance

    seed_llr_finance("QK1")
    rec = own_record(world)
    submitter = client_for("submitter")
    url = reverse("return-form", args=[rec.pk])
    spend = {
        "spend-TOTAL_FORMS": "1",
        "spend-INITIAL_FORMS": "0",
        "spend-MIN_NUM_FORMS": "0",
        "spend-MAX_NUM_FORMS": "1",
    }
    bad = (
        form_post(sample_return())
        | spend
        | {
            "spend-0-locum_spend_gbp": "-40",
            "spend-0-agency_spend_gbp": "lots",
        }
    )
    response = submitter.post(url, bad)
    assert response.status_code == 400
    text = html_lib.unescape(response.content.decode())
    assert (
        "Locum spend (£) on the spend section must be 0 or more (pounds spent); you entered '-40'"
        in text
    )
    assert 'href="#id_spend-0-locum_spend_gbp"' in text
    assert 'id="id_spend-0-agency_spend_gbp-error"' in text
    assert ReturnVersion.objects.count() == 0

    good = (
        form_post(sample_return())
        | spend
        | {
            "spend-0-locum_spend_gbp": "£12,500",
            "spend-0-agency_spend_gbp": "",
        }
    )
    assert submitter.post(url, good).status_code == 302
    version = ReturnVersion.objects.get(practice_return=rec, number=1)
    assert version.payload["spend"] == {"locum_gbp": 12500.0, "agency_gbp": None}
    page = submitter.get(reverse("return-detail", args=[rec.pk])).content.decode()
    assert "£12,500.00" in page and "Not given" in page

    analyst = client_for("analyst")
    spend_url = reverse("finance-spend", args=["QK1"]) + "?scenario=scenario-3"
    assert "No spend has been reported or loaded yet" in analyst.get(spend_url).content.decode()
    client_for("manager").post(reverse("return-transition", args=[rec.pk, "approve"]))
    analyst.post(reverse("return-transition", args=[rec.pk, "accept"]))
    text = html_lib.unescape(analyst.get(spend_url).content.decode())
    assert "(1 practice quarter so far)" in text
    # Scenario 3 prices 39.44 locum WTE at GBP 157,000 a year: 1,548,020 a quarter (2017/18 Q2)
    assert "2017/18 Q2" in text and "12,500" in text and "1,548,020" in text
    assert "-1,535,520" in text
