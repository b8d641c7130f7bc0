"""The data-quality queries page: returns against GPW, queries only by default, filters by staff
group and shows every comparison on request (issue 14, item 1)."""

from __future__ import annotations

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce import labels
from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.actions.returns import transition
from gpworkforce.web.testing import (
    CENSUS,
    OWN_PRACTICE,
    PASSWORD,
    approve_own_return,
    build_world,
)
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
    rec_id = approve_own_return(world)
    transition(actor=world.users["analyst"], record_id=rec_id, name=TransitionName.ACCEPT)


def _rows(html: str) -> list[str]:
    table = html.split('id="queries"')[1].split("</table>")[0]
    return table.split("<tr")[2:]


def test_queries_only_by_default_then_every_comparison_and_by_group() -> None:
    _world_with_a_query()
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    url = reverse("quality-queries", args=["QK1"])
    page = c.get(url + f"?period={CENSUS}").content.decode()
    assert (
        "1 query in 2 comparisons across Leicester, Leicestershire and Rutland." in page
        and "Showing 1 row." in page
    )
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


def test_filters_by_sub_area_and_practice_and_pages_with_a_show_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: the page filters by sub-area and by a practice's name or code, states the count,
    and shows a page of rows at a time (NHS.UK pagination, keeping the filters) or every row."""
    from gpworkforce.web.views import queries

    _world_with_a_query()
    monkeypatch.setattr(queries, "PER_PAGE", 1)  # two comparisons: two pages of one row
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    url = reverse("quality-queries", args=["QK1"]) + f"?period={CENSUS}&show=all"
    first = c.get(url).content.decode()
    assert "Showing rows 1 to 1 of 2." in first and len(_rows(first)) == 1
    assert 'class="nhsuk-pagination' in first
    # the next page's link keeps the filters (the HTML escapes "&")
    assert f"?period={CENSUS}&amp;show=all&amp;page=2" in first
    second = c.get(url + "&page=2").content.decode()
    assert "Showing rows 2 to 2 of 2." in second and len(_rows(second)) == 1
    assert _rows(first) != _rows(second)
    assert f"?period={CENSUS}&amp;show=all&amp;rows=all" in first  # "Show all rows"
    every = c.get(url + "&rows=all").content.decode()
    assert "Showing 2 rows." in every and len(_rows(every)) == 2
    assert 'class="nhsuk-pagination' not in every
    # sub-areas: the practice is in 03W, not in 04C; the choices name them
    assert ">East Leicestershire and Rutland</option>" in first
    assert len(_rows(c.get(url + "&rows=all&area=03W").content.decode())) == 2
    none = c.get(url + "&area=04C").content.decode()
    assert "No row matches these filters." in none and 'id="queries"' not in none
    # a practice by part of its name (any case) or its code
    assert len(_rows(c.get(url + "&rows=all&practice=alpha").content.decode())) == 2
    assert len(_rows(c.get(url + f"&rows=all&practice={OWN_PRACTICE}").content.decode())) == 2
    assert "No row matches" in c.get(url + "&practice=Zeta").content.decode()


def _summary(html: str) -> str:
    return html.split('id="queries-summary">')[1].split("</p>")[0]


def test_the_counts_follow_the_filters_and_say_what_they_count() -> None:
    """Issue 14 (page review): the summary counted the whole organisation while the table was
    filtered; it now counts what the filters select, names the filters, and gives the whole
    organisation's counts beside."""
    _world_with_a_query()
    c = Client()
    assert c.login(username="analyst", password=PASSWORD)
    url = reverse("quality-queries", args=["QK1"]) + f"?period={CENSUS}"
    whole = _summary(c.get(url).content.decode())
    assert whole.startswith("1 query in 2 comparisons across ") and "filters" not in whole
    admin = _summary(c.get(url + "&group=Admin/non-clinical").content.decode())
    assert admin.startswith(
        "0 queries in 1 comparison with these filters (staff group Admin/non-clinical), of 1 query"
        " in 2 comparisons across "
    ), admin
    gps = _summary(c.get(url + "&group=Fully qualified GPs&show=all").content.decode())
    assert gps.startswith("1 query in 1 comparison with these filters (staff group Fully"), gps
    # a sub-area without the practice: nothing selected, still said so
    none = _summary(c.get(url + "&area=04C").content.decode())
    assert none.startswith("0 queries in 0 comparisons with these filters (sub-area "), none
    practice = _summary(c.get(url + f"&practice={OWN_PRACTICE.lower()}").content.decode())
    assert f"practices matching \u201c{OWN_PRACTICE.lower()}\u201d" in practice, practice
    assert practice.startswith("1 query in 2 comparisons with these filters"), practice
