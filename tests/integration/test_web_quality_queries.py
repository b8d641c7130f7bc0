"""The data-quality queries page: returns against GPW, queries only by default, filters by staff
group and shows every comparison on request (issue 14, item 1)."""

from __future__ import annotations

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce import labels
from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.actions.returns import submit_version, transition
from gpworkforce.web.models import PracticeReturnRecord
from gpworkforce.web.testing import CENSUS, OWN_PRACTICE, PASSWORD, build_world, sample_return
from gpworkforce.web.workflow import TransitionName

pytestmark = pytest.mark.django_db


def _world_with_a_query() -> None:
    world = build_world()
    # GPW says 8.0 WTE qualified GPs and 4.0 WTE admin; the return says 4.0 GPs (a query) and
    # 4.0 admin (no query)
    source = "gpw-practice-year:2017-09-30:2018-01-01:abcdefabcdef"
    wf = pd.DataFrame(
        {
            "practice_code": [OWN_PRACTICE, OWN_PRACTICE],
            "period": pd.to_datetime([CENSUS, CENSUS]),
            "node": ["GP_QUALIFIED", "ADMIN"],
            "headcount": [9.0, 5.0],
            "fte": [8.0, 4.0],
            "source_id": [source, source],
        }
    )
    pt = pd.DataFrame(columns=["practice_code", "period", "registered", "weighted", "source_id"])
    load_reference(actor=None, workforce=wf, patients=pt)
    rec = PracticeReturnRecord.objects.get(round=world.round, practice_id=OWN_PRACTICE)
    u = world.users
    submit_version(
        actor=u["submitter"],
        record_id=rec.pk,
        data=sample_return(),
        channel="form",
        sha256="c" * 64,
    )
    transition(actor=u["manager"], record_id=rec.pk, name=TransitionName.APPROVE)
    transition(actor=u["analyst"], record_id=rec.pk, name=TransitionName.ACCEPT)


def _rows(html: str) -> list[str]:
    table = html.split('id="queries"')[1].split("</table>")[0]
    return table.split("<tr")[2:]


def test_queries_only_by_default_then_every_comparison_and_by_group() -> None:
    _world_with_a_query()
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    url = reverse("quality-queries", args=["QK1"])
    page = c.get(url + f"?period={CENSUS}").content.decode()
    assert "1 query in 2 comparisons" in page and "Showing 1 row." in page
    (row,) = _rows(page)
    assert "Fully qualified GPs" in row and ">-4.0<" in row and "Query" in row
    assert labels.internal_keys_in(page) == []
    every = c.get(url + f"?period={CENSUS}&show=all").content.decode()
    assert len(_rows(every)) == 2 and "Showing 2 rows." in every
    admin = c.get(url + f"?period={CENSUS}&show=all&group=Admin/non-clinical").content.decode()
    (row,) = _rows(admin)
    assert "Admin/non-clinical" in row and "Query" not in row
    # the dashboard links to it from the comparison table
    board = c.get(reverse("dashboard", args=["QK1"]) + f"?period={CENSUS}").content.decode()
    assert url in board
