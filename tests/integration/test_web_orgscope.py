"""The organisation a URL names (``web/orgscope.py``): the one check every organisation page makes."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from gpworkforce.web.orgscope import looks_like_code, org_loader, organisation_named
from gpworkforce.web.testing import OWN_PRACTICE, build_world


@pytest.mark.parametrize("code", ["QK1", "c82001", "E54000015"])
def test_codes_of_letters_and_digits_up_to_16_characters_look_like_codes(code: str) -> None:
    assert looks_like_code(code)


@pytest.mark.parametrize(
    "code", ["", "QK1'", "Q K1", "QK1/..", "ＱＫ1", "A" * 17, "C82001;DROP", "é1"]
)
def test_anything_else_is_not_a_code(code: str) -> None:
    assert not looks_like_code(code)


def test_sixteen_characters_is_the_longest_code() -> None:
    assert looks_like_code("A" * 16)


@pytest.mark.django_db
def test_a_practice_is_found_in_any_case_only_where_practices_are_allowed() -> None:
    build_world()
    assert organisation_named(OWN_PRACTICE.lower(), practices=True).code == OWN_PRACTICE
    with pytest.raises(Http404):
        organisation_named(OWN_PRACTICE, practices=False)
    assert organisation_named("qk1", practices=False).code == "QK1"
    assert organisation_named("QK1", practices=True).code == "QK1"


@pytest.mark.django_db
def test_an_unknown_or_malformed_code_is_not_found_and_the_loader_scopes_to_the_code() -> None:
    build_world()
    request = RequestFactory().get("/")
    for practices in (True, False):
        load = org_loader(practices=practices)
        with pytest.raises(Http404):
            load(request, org_code="ZZZ999")
        with pytest.raises(Http404):
            load(request, org_code="QK1'--")
    scope = org_loader(practices=True)(request, org_code=OWN_PRACTICE.lower())
    assert scope.obj.code == OWN_PRACTICE
    assert scope.org_code == OWN_PRACTICE
