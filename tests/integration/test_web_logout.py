"""Logging out is CSRF-protected like every other form: the header links to a confirmation page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web.testing import PASSWORD, build_world


@pytest.mark.django_db
def test_logout_needs_the_csrf_token() -> None:
    build_world()
    c = Client(enforce_csrf_checks=True)
    assert c.login(username="submitter", password=PASSWORD)
    page = c.get(reverse("logout"))
    assert page.status_code == 200
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, "the confirmation form must carry a CSRF token"
    # a cross-site POST without the token is refused and the user stays logged in
    forged = c.post(reverse("logout"))
    assert forged.status_code == 403
    assert c.get(reverse("home")).status_code == 200
    # the real form logs out
    done = c.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert done.status_code == 302 and done.url == reverse("login")
    assert c.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_header_links_to_the_logout_page_instead_of_posting() -> None:
    build_world()
    c = Client()
    assert c.login(username="submitter", password=PASSWORD)
    html = c.get(reverse("home")).content.decode()
    assert f'href="{reverse("logout")}"' in html
    assert "nhsuk-header__account-form" not in html
