"""The return form for people and what reviewers see (issue 14, items 4 and 5).

One person per line (alike people added up before the library's validator), roles by staff
group with GP roles named as GP roles, errors in plain words linked to their field, a running
WTE total, "Save as draft", "Start from the last return"; the review page's totals, change,
GPW difference and plausibility flags; the round page's grouping, deadline and audited
reminders.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.errors import UserError
from gpworkforce.web.actions.returns import import_accepted
from gpworkforce.web.actions.rounds import open_round, remind_outstanding
from gpworkforce.web.actions.users import system_account
from gpworkforce.web.models import (
    AuditEvent,
    CollectionRound,
    PracticeReturnRecord,
    ReferencePatients,
    ReturnVersion,
    User,
)
from gpworkforce.web.payload import from_payload
from gpworkforce.web.testing import OWN_PRACTICE, PASSWORD, World, build_world, sample_return

pytestmark = pytest.mark.django_db
EARLIER = dt.date(2017, 6, 30)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def own_record(world: World) -> PracticeReturnRecord:
    return PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)


def post_lines(staff: list[dict[str, str]], **extra: str) -> dict[str, str]:
    data = {}
    for prefix, n in (("staff", len(staff)), ("vacancies", 0), ("locums", 0), ("spend", 0)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(n),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1" if prefix == "spend" else "200",
        }
    for i, line in enumerate(staff):
        data |= {f"staff-{i}-{k}": v for k, v in line.items()}
    return data | extra


def person(role: str, amount: str, *, sessions: bool = False, age: str = "45-49", **kw: str):
    return {
        "role_code": role,
        "headcount": kw.get("headcount", "1"),
        "hours_per_week": "" if sessions else amount,
        "sessions_per_week": amount if sessions else "",
        "age_band": age,
        "sex": kw.get("sex", "F"),
        "contract_type": kw.get("contract", "salaried"),
    }


PEOPLE = [
    person("GP_PARTNER_PROVIDER", "8", sessions=True, contract="partner"),
    person("GP_PARTNER_PROVIDER", "6", sessions=True, contract="partner"),  # alike: one line
    person("GP_SALARIED_BY_PRACTICE", "6", sessions=True, age="35-39"),
    person("NURSE_PRACTICE", "37.5"),
    person("ADMIN_RECEPTION", "20", age="30-34"),
    person("ADMIN_RECEPTION", "25", age="30-34"),  # alike: one line
    person("ADMIN_MANAGER", "37.5", age="50-54"),
]


def test_one_person_per_line_is_added_up_into_the_returns_lines(world: World) -> None:
    rec = own_record(world)
    r = client_for("submitter").post(
        reverse("return-form", args=[rec.pk]), post_lines(PEOPLE, action="submit")
    )
    assert r.status_code == 302, html_lib.unescape(r.content.decode())[-3000:]
    ret = from_payload(ReturnVersion.objects.get(practice_return=rec).payload)
    lines = {(s.role, s.age_band.value): s for s in ret.staff}
    assert len(ret.staff) == 5
    partners = lines[("GP_PARTNER_PROVIDER", "45-49")]
    assert (partners.headcount, partners.sessions_per_week) == (2, 14.0)
    reception = lines[("ADMIN_RECEPTION", "30-34")]
    assert (reception.headcount, reception.hours_per_week) == (2, 45.0)


def test_an_error_points_at_the_form_line_the_person_was_typed_on(world: World) -> None:
    rec = own_record(world)
    bad = [*PEOPLE[:6], person("ADMIN_MANAGER", "95", age="50-54")]  # 7th person, 6th line
    r = client_for("submitter").post(
        reverse("return-form", args=[rec.pk]), post_lines(bad, action="submit")
    )
    assert r.status_code == 400
    page = html_lib.unescape(r.content.decode())
    assert 'href="#id_staff-6-hours_per_week"' in page
    assert 'id="id_staff-6-hours_per_week-error"' in page
    assert "Hours a week on staff line 7 must be at most 80 hours a week per head" in page
    assert ReturnVersion.objects.count() == 0


def test_roles_are_chosen_by_staff_group_with_gp_roles_named_as_gp_roles(world: World) -> None:
    page = client_for("submitter").get(reverse("return-form", args=[own_record(world).pk]))
    text = html_lib.unescape(page.content.decode())
    select = text.split('id="id_staff-0-role_code"')[1].split("</select>")[0]
    groups = [g.split('"')[0] for g in select.split('<optgroup label="')[1:]]
    assert groups == ["GPs", "Nurses", "Other clinical (DPC)", "Admin/non-clinical"]
    gp_group = select.split('<optgroup label="GPs">')[1].split("</optgroup>")[0]
    names = [o.split(">")[1].split("<")[0] for o in gp_group.split("<option")[1:]]
    assert names[:2] == ["GP senior partner", "GP partner/provider"]
    assert names.index("Salaried GP employed by practice") < names.index("GP registrar ST3/4")
    assert all("GP" in n or "Foundation doctor" in n for n in names)
    assert "GP_SALARIED" not in select.split('value="')[0]  # codes only as values
    assert ">GP_" not in select


def test_save_as_draft_keeps_unchecked_lines_and_shows_the_running_total(world: World) -> None:
    rec = own_record(world)
    submitter = client_for("submitter")
    url = reverse("return-form", args=[rec.pk])
    half = [PEOPLE[0], PEOPLE[3], person("ADMIN_RECEPTION", "lots")]  # not yet valid
    r = submitter.post(url, post_lines(half, action="save"))
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.state == "draft" and rec.current_version is None
    assert [row["role_code"] for row in rec.draft_form["Staff"]] == [
        "GP_PARTNER_PROVIDER",
        "NURSE_PRACTICE",
        "ADMIN_RECEPTION",
    ]
    event = AuditEvent.objects.get(action="return.save_draft")
    assert event.actor_username == "submitter" and event.after["Staff"] == 3
    page = html_lib.unescape(submitter.get(url).content.decode())
    assert 'value="lots"' in page and "Draft last saved on" in page
    totals = page.split('id="wte-totals"')[1].split("</dl>")[0]
    assert 'data-total-group="GPs">0.9<' in totals  # 8 sessions / 9
    assert 'data-total-group="Nurses">1.0<' in totals  # 37.5 hours / 37.5
    assert 'data-total-group="Admin/non-clinical">0.0<' in totals  # "lots" counts nothing
    # submitting clears the draft
    r = submitter.post(url, post_lines(PEOPLE, action="submit"))
    rec.refresh_from_db()
    assert rec.state == "submitted" and rec.draft_form is None


def test_board_viewer_cannot_save_a_draft(world: World) -> None:
    rec = own_record(world)
    r = client_for("board").post(
        reverse("return-form", args=[rec.pk]), post_lines(PEOPLE, action="save")
    )
    assert r.status_code in (403, 404)
    rec.refresh_from_db()
    assert rec.draft_form is None and not AuditEvent.objects.filter(action="return.save_draft")


def _accepted_earlier_return(world: World, ret: PracticeReturn) -> None:
    rnd = open_round(actor=world.users["analyst"], census_date=EARLIER, org_code="QK1")
    rec = PracticeReturnRecord.objects.get(round=rnd, practice_id=OWN_PRACTICE)
    importer = system_account(username="importer")
    import_accepted(importer=importer, record_id=rec.pk, data=ret, sha256="e" * 64, file_name="x")


def test_start_from_last_quarters_accepted_return(world: World) -> None:
    _accepted_earlier_return(world, sample_return(census=EARLIER))
    rec = own_record(world)
    submitter = client_for("submitter")
    url = reverse("return-form", args=[rec.pk])
    page = submitter.get(url).content.decode()
    assert "Start from the 30 June 2017 return" in page
    r = submitter.post(url, {"action": "copy"})
    text = html_lib.unescape(r.content.decode())
    assert r.status_code == 200 and "Started from your accepted return for 30 June 2017" in text
    assert 'name="staff-0-role_code"' in text
    first = text.split('id="id_staff-0-role_code"')[1].split("</select>")[0]
    assert 'value="GP_PARTNER_PROVIDER" data-group="GPs" selected' in first
    assert 'id="id_staff-0-sessions_per_week"' in text and 'value="36"' in text
    rec.refresh_from_db()
    assert rec.draft_form is None and ReturnVersion.objects.filter(practice_return=rec).count() == 0


def test_review_page_shows_totals_change_gpw_and_flags_with_reasons(world: World) -> None:
    _accepted_earlier_return(world, sample_return(census=EARLIER, gp_sessions=36.0))
    ReferencePatients.objects.create(
        practice_code=OWN_PRACTICE,
        period=dt.date(2017, 10, 1),
        registered=15_000,
        weighted=15_000,
        source_id="patients:test",
    )
    rec = own_record(world)
    client_for("submitter").post(
        reverse("return-form", args=[rec.pk]),
        post_lines(
            [
                person(
                    "GP_PARTNER_PROVIDER", "27", sessions=True, contract="partner", headcount="3"
                ),
                person("NURSE_PRACTICE", "60", headcount="2", age="55-59"),
                person("ADMIN_RECEPTION", "150", headcount="5", age="30-34"),
            ],
            action="submit",
        ),
    )
    page = html_lib.unescape(
        client_for("analyst").get(reverse("return-detail", args=[rec.pk])).content.decode()
    )
    totals = page.split('id="review-totals"')[1].split("</table>")[0]
    assert "Change since 30 June 2017" in totals
    gps = totals.split("Fully qualified GPs</th>")[1].split("</tr>")[0]
    cells = [c.split(">")[-1].strip() for c in gps.split("</td>")[:-1]]
    assert cells[:3] == ["3", "3.0", "-1.0"]  # 36 sessions (4.0 WTE) then, 27 (3.0) now
    flags = page.split('id="plausibility-flags"')[1].split("</div>")[0]
    assert "5,000 patients per GP" in flags
    assert "15,000 registered patients for 3.0 fully qualified GP WTE" in flags
    assert "GP_" not in page.split("<main")[1]  # role names, never codes


def test_round_page_groups_by_sub_icb_shows_deadline_and_distinct_status_colours(
    world: World,
) -> None:
    page = html_lib.unescape(
        client_for("analyst").get(reverse("round-detail", args=[world.round.pk])).content.decode()
    )
    assert "East Leicestershire and Rutland (03W): 0 of 2 practices returned" in page
    assert "Leicester City (04C): 0 of 1 practice returned" in page
    assert "Not in a PCN on the census date" in page
    assert "11 November 2017 (six weeks after the census date)" in page
    # a 2017 round seen today closed when the next quarter's census came (31 December 2017):
    # its missing returns are missing, not thousands of days overdue, and nobody is chased
    assert "Closed on 31 December 2017: 3 practices did not return" in page
    assert "Overdue by" not in page and "Send and record a reminder" not in page
    colours = {"nhsuk-tag--grey", "nhsuk-tag--blue", "nhsuk-tag--red", "nhsuk-tag--purple"}
    assert all(c in page for c in colours | {"nhsuk-tag--yellow", "nhsuk-tag--green"})


def test_an_open_round_past_its_deadline_is_overdue_and_a_closed_one_cannot_be_chased(
    world: World,
) -> None:
    url = reverse("round-detail", args=[world.round.pk])
    with pytest.raises(UserError, match="closed on 31 December 2017"):
        remind_outstanding(actor=world.users["analyst"], round_id=world.round.pk)
    late = dt.date.today() - dt.timedelta(days=5)
    CollectionRound.objects.filter(pk=world.round.pk).update(
        census_date=late - dt.timedelta(days=10), deadline=late
    )
    page = html_lib.unescape(client_for("analyst").get(url).content.decode())
    assert "Overdue by 5 days" in page and "Closed on" not in page
    assert "Send and record a reminder" in page


def test_reminders_email_the_outstanding_practices_and_are_audited(world: World) -> None:
    User.objects.filter(username="submitter").update(email="alpha@example.nhs.uk")
    due = dt.date.today() + dt.timedelta(days=7)  # an open round (the 2017 one has closed)
    CollectionRound.objects.filter(pk=world.round.pk).update(deadline=due)
    url = reverse("round-detail", args=[world.round.pk])
    board = client_for("board")
    board.post(url, {"note": "please"})
    assert not AuditEvent.objects.filter(action="round.remind").exists()  # may not chase
    r = client_for("analyst").post(url, {"note": "Call us if stuck."})
    assert r.status_code == 302
    event = AuditEvent.objects.get(action="round.remind")
    assert event.actor_username == "analyst"
    assert event.after["practices"] == ["C82001", "C82002", "C82003"]
    assert event.after["emails_sent"] == 1
    [message] = mail.outbox
    assert message.to == ["alpha@example.nhs.uk"]
    assert f"due on {due:%d %B %Y}" in message.body and "Call us if stuck." in message.body
    page = html_lib.unescape(client_for("analyst").get(url).content.decode())
    assert "by analyst, 3 practices, 1 email sent" in page
    assert CollectionRound.objects.get(pk=world.round.pk).due_date == due
