"""The NHS.UK pagination's parameters (views.common.pagination): the first, last and nearby pages
numbered, gaps as an ellipsis, previous/next, the filters kept in every link (issue 14)."""

from __future__ import annotations

from django.core.paginator import Paginator

from gpworkforce.web.views.common import pagination


def _numbers(params: dict) -> list[object]:
    return ["..." if i.get("ellipsis") else i["number"] for i in params["items"]]


def test_one_page_needs_no_pagination() -> None:
    assert pagination(Paginator(list(range(25)), 25).get_page(1), {}) == {}


def test_pages_around_the_current_one_with_the_filters_kept() -> None:
    pages = Paginator(list(range(115)), 25)  # 5 pages
    first = pagination(pages.get_page(1), {"group": "Admin/non-clinical", "page": "1"})
    assert _numbers(first) == [1, 2, "...", 5]
    assert "previous" not in first
    assert first["next"]["href"] == "?group=Admin%2Fnon-clinical&page=2"
    assert [i["current"] for i in first["items"] if "number" in i] == [True, False, False]
    middle = pagination(pages.get_page(3), {})
    assert _numbers(middle) == [1, 2, 3, 4, 5]
    assert middle["previous"]["href"] == "?page=2" and middle["next"]["href"] == "?page=4"
    last = pagination(Paginator(list(range(250)), 25).get_page(10), {"show": "all"})
    assert _numbers(last) == [1, "...", 9, 10]
    assert "next" not in last and last["previous"]["href"] == "?show=all&page=9"
