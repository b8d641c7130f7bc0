"""Management commands on the real public data: the LLR 2017 demo seed and the GPW loader."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gpworkforce.web.models import AuditEvent, PracticeReturnRecord, ReferenceWorkforce, User
from gpworkforce.web.roles import Role
from gpworkforce.web.scenarios.models import Run, Scenario

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_llr_2017_with_a_user_per_role(shared_data: Path) -> None:
    out = io.StringIO()
    call_command("seed_demo", password="demo-pass-123", stdout=out)
    text = out.getvalue()
    for username in (
        "demo-submitter",
        "demo-manager",
        "demo-analyst",
        "demo-board",
        "demo-admin",
        "demo-programme",
    ):
        assert username in text
    assert {u.role for u in User.objects.exclude(role="")} == {r.value for r in Role}
    states = list(PracticeReturnRecord.objects.values_list("state", flat=True))
    assert len(states) == 141  # practices open on 30 Sep 2017 under 03W, 04C, 04V
    assert states.count("accepted") == 140 and states.count("draft") == 1
    assert AuditEvent.objects.filter(action="return.import").count() == 140
    septembers = set(
        ReferenceWorkforce.objects.filter(period__month=9).values_list("period__year", flat=True)
    )
    assert {2015, 2016, 2017, 2018, 2019} <= septembers

    c = Client()
    assert c.login(username="demo-analyst", password="demo-pass-123")
    html = c.get(reverse("dashboard", args=["QK1"])).content.decode()
    assert 'id="table-staff_by_group"' in html and 'id="table-gpw_series"' in html
    assert "99.3" in html.split('id="table-response_rate"')[1].split("</table>")[0]  # 140 of 141

    # The LLR delivery registers (Figures 13-15, Table 16) for the ICB.
    from gpworkforce.web.delivery.models import Initiative, MilestoneRecord, RiskRecord, Workstream

    seeded = (Workstream, MilestoneRecord, Initiative, RiskRecord)
    counts = [m.objects.count() for m in seeded]
    assert counts == [13, 28, 21, 10]  # 28 Critical Milestone cells in Figure 14
    # The LLR 2017 scenarios (issue 11), each with a run queued for the task worker.
    scenarios = Scenario.objects.filter(organisation_id="QK1")
    assert scenarios.count() == 5 and Run.objects.filter(scenario__in=scenarios).count() == 5

    # Seeding again is harmless (idempotent).
    call_command("seed_demo", password="demo-pass-123", stdout=io.StringIO())
    assert PracticeReturnRecord.objects.filter(state="accepted").count() == 140
    assert [m.objects.count() for m in seeded] == counts
    assert Scenario.objects.count() == 5


def test_load_gpw_needs_a_known_org(shared_data: Path) -> None:
    with pytest.raises(CommandError, match="must be a known ODS code"):
        call_command(
            "load_gpw",
            str(shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv"),
            org="ZZZ",
        )
