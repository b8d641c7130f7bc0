"""The data page shows every published file loaded for the dashboards with its loader's warnings
(issue 10, item 4): a file with an FTE above twice its headcount is loaded through the real
command, and the page names the file and the warning the loader gave."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gpworkforce.web.testing import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

HEADER = (
    "Practice.Code,Year,TOTAL_PATIENTS,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE,TOTAL_ADMIN_FTE,"
    "TOTAL_ADMIN_MANAGER_FTE,TOTAL_ADMIN_RECEPT_FTE,TOTAL_ADMIN_TELEPH_FTE,IMD"
)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_no_file_loaded_says_so(world: World) -> None:
    page = signed_in("analyst").get(reverse("data-sources"))
    assert page.status_code == 200
    assert "No published file has been loaded yet" in page.content.decode()


def test_a_loaded_file_and_its_warnings_are_shown(world: World, tmp_path: Path) -> None:
    path = tmp_path / "gp_admin_2018.csv"
    # 1 GP by head but 3.5 FTE: kept as published, with a warning
    path.write_text(HEADER + "\nC82001,2018,9000,1,3.5,10,1,6,3,20.1\n", encoding="utf-8")
    call_command("load_gpw", str(path), "--layout", "gp-admin")
    html = signed_in("board").get(reverse("data-sources")).content.decode()
    assert "1 published file" in html and "gp_admin_2018.csv" in html
    assert "NHS Digital GPW, practice level (GPs and admin, by year)" in html
    assert "1 warning" in html
    # in words: the role's label from the catalogue, not the file's column names; "1 practice-year"
    assert (
        "1 practice-year where the WTE of fully qualified GPs is more than 2 times their "
        "headcount (kept as published)" in html
    )
    assert "TOTAL_GP_EXTGL" not in html and "(s)" not in html
