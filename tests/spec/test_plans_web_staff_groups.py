"""Nurses and direct patient care tracked from GPW in the web app, each staff group's series from
one GPW file (``gpworkforce.plans.actuals.GPW_DATASETS``), worked by hand.

The web app holds both GPW practice-year files for QK1's practices C82001-C82003:
  the 2016-2024 file (GPs and admin):       GPs 31 Mar 2023: 4 + 3 + 3 = 10.0,  31 Mar 2024: 11.0
  the 2023-2025 staff-groups file (later revision, every group):
                                            GPs 31 Mar 2023: 10.6, 2024: 11.6, 2025: 12.3
                                            nurses 31 Mar 2023: 2 + 1 + 1 = 4.0, 2024: 4.5, 2025: 5.0
                                            DPC 31 Mar 2024: 3.0 (C82001 alone)
A plan with GPs, nurses and DPC from 30 Sep 2022 to 31 Mar 2025 reads GPs from the 2016-2024 file
only (10.0, 11.0; never the revision's 10.6/11.6, and no 2025 point, which would join two files),
nurses and DPC from the staff-groups file; every period says it is GPW.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.plans.model import Plan as LibraryPlan
from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.plans.actions import adopt, create_plan
from gpworkforce.web.plans.models import Plan
from gpworkforce.web.plans.tracking import tracked
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db

M23, M24, M25 = dt.date(2023, 3, 31), dt.date(2024, 3, 31), dt.date(2025, 3, 31)
GP_ADMIN = "gpw-practice-year-gp-admin:FY2016-FY2024:unknown-vintage:000000000001"
STAFF = "gpw-practice-year-staff-groups:FY2023-FY2025:unknown-vintage:000000000002"
ROWS = [
    # (source, node, practice, date, fte)
    *[
        (GP_ADMIN, "GP_QUALIFIED", p, M23, v)
        for p, v in (("C82001", 4), ("C82002", 3), ("C82003", 3))
    ],
    *[
        (GP_ADMIN, "GP_QUALIFIED", p, M24, v)
        for p, v in (("C82001", 5), ("C82002", 3), ("C82003", 3))
    ],
    *[
        (STAFF, "GP_QUALIFIED", p, M23, v)
        for p, v in (("C82001", 4.2), ("C82002", 3.2), ("C82003", 3.2))
    ],
    *[
        (STAFF, "GP_QUALIFIED", p, M24, v)
        for p, v in (("C82001", 5.2), ("C82002", 3.2), ("C82003", 3.2))
    ],
    *[
        (STAFF, "GP_QUALIFIED", p, M25, v)
        for p, v in (("C82001", 5.5), ("C82002", 3.4), ("C82003", 3.4))
    ],
    *[(STAFF, "NURSE", p, M23, v) for p, v in (("C82001", 2), ("C82002", 1), ("C82003", 1))],
    *[(STAFF, "NURSE", p, M24, v) for p, v in (("C82001", 2.5), ("C82002", 1), ("C82003", 1))],
    *[(STAFF, "NURSE", p, M25, v) for p, v in (("C82001", 3), ("C82002", 1), ("C82003", 1))],
    (STAFF, "DPC", "C82001", M24, 3.0),
]


def load_both_files() -> None:
    wf = pd.DataFrame(
        [
            {"practice_code": p, "period": pd.Timestamp(d), "node": n, "headcount": None,
             "fte": float(v), "source_id": s}
            for s, n, p, d, v in ROWS
        ]
    )  # fmt: skip
    patients = pd.DataFrame(
        columns=["practice_code", "period", "registered", "weighted", "source_id"]
    )
    load_reference(actor=None, workforce=wf, patients=patients)


def three_group_plan() -> int:
    start, end = dt.date(2022, 9, 30), M25
    scenarios = [
        {
            "scenario": "Adopted trajectory",
            "staff_group": group,
            "points": [{"date": start, "central": a}, {"date": end, "central": b}],
            "source": "test",
        }
        for group, a, b in (("gp", 10.0, 12.0), ("nurses", 4.0, 5.0), ("dpc", 2.0, 4.0))
    ]
    doc = LibraryPlan.model_validate(
        {
            "name": "Three groups",
            "organisation": "QK1",
            "level": "icb",
            "start": start,
            "end": end,
            "adopted": "Adopted trajectory",
            "scenarios": scenarios,
            "targets": [],
            "revisions": [{"version": 1, "date": start, "reason": "as made"}],
        }
    )
    plan = create_plan(actor=None, org_code="QK1", document=doc)
    return adopt(actor=None, plan_id=plan.pk).pk


def test_each_staff_group_from_one_gpw_file() -> None:
    build_world()
    load_both_files()
    result = tracked(Plan.objects.get(pk=three_group_plan())).tracking
    assert result is not None
    got = {
        g.staff_group.value: {r.date: (r.actual, r.actual_from) for r in g.rows}
        for g in result.groups
    }
    assert got["gp"] == {
        M23: (pytest.approx(10.0), "GPW Year 2023 (mean of 2022/23)"),
        M24: (pytest.approx(11.0), "GPW Year 2024 (mean of 2023/24)"),
    }
    assert got["nurses"] == {
        M23: (pytest.approx(4.0), "GPW Year 2023 (mean of 2022/23)"),
        M24: (pytest.approx(4.5), "GPW Year 2024 (mean of 2023/24)"),
        M25: (pytest.approx(5.0), "GPW Year 2025 (mean of 2024/25)"),
    }
    assert got["dpc"] == {M24: (pytest.approx(3.0), "GPW Year 2024 (mean of 2023/24)")}
