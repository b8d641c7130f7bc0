"""The home page and the navigation (issue 14): one card per part of the service the signed-in
role may open, the same parts the header navigation lists (Skill mix among them), each card
leading to a page that role can open (200), none to a page it cannot."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<a class="nhsuk-card__link" href="([^"]+)">\s*([^<]+?)\s*</a>')
NAV = re.compile(r'class="nhsuk-header__navigation-link" href="([^"]+)"[^>]*>\s*([^<]+?)\s*<')

# what each role's home page offers, in words (the role table in web/roles.py gives these)
EXPECTED = {
    "submitter": {"Workforce dashboard", "Skill mix", "Plans", "Delivery", "Published data loaded"},
    "manager": {"Workforce dashboard", "Skill mix", "Plans", "Delivery", "Published data loaded"},
    "analyst": {
        "Collection rounds",
        "Workforce dashboard",
        "Skill mix",
        "Finance",
        "Plans",
        "Delivery",
        "Committee papers",
        "Scenarios",
        "Published data loaded",
        "Audit log",
    },
    "board": {
        "Workforce dashboard",
        "Skill mix",
        "Finance",
        "Plans",
        "Delivery",
        "Committee papers",
        "Scenarios",
        "Published data loaded",
    },
    "admin": {
        "Collection rounds",
        "Workforce dashboard",
        "Skill mix",
        "Published data loaded",
        "Audit log",
        "Accounts",
    },
    "programme": {"Workforce dashboard", "Skill mix", "Delivery", "Published data loaded"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_home_cards_are_the_parts_the_role_can_open(role: str) -> None:
    world = build_world()
    client = Client()
    client.force_login(world.users[role])
    page = client.get("/").content.decode()
    cards = {name: href for href, name in CARD.findall(page)}
    assert set(cards) == EXPECTED[role]
    nav = {name: href for href, name in NAV.findall(page)}
    # the navigation lists the same parts (under its own shorter names), Skill mix included
    assert "Skill mix" in nav and nav["Skill mix"] == cards["Skill mix"]
    assert set(nav.values()) - {"/"} == set(cards.values()) - {cards["Published data loaded"]}
    for name, href in cards.items():
        response = client.get(href)
        assert response.status_code == 200, (role, name, href, response.status_code)
