"""A plan written as a plan file (the web app's `plan.toml` download) reads back to an equal plan,
and a plan's quarterly table (the `plan_quarterly` download) reads back as its trajectory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.errors import InputFileError
from gpworkforce.plans.io import dump_plan, load_plan, read_quarterly
from gpworkforce.plans.model import Plan, StaffGroup


def a_plan() -> Plan:
    return Plan.model_validate(
        {
            "name": "Round trip",
            "organisation": "QK1",
            "level": "icb",
            "start": dt.date(2024, 6, 30),
            "end": dt.date(2025, 3, 31),
            "adopted": "Central",
            "direction": "increase",
            "comparison": {"mode": "relative", "baseline_value": 400.0, "note": "n"},
            "scenarios": [
                {
                    "scenario": "Central",
                    "staff_group": "gp",
                    "source": "BLMK Table 1",
                    "points": [
                        {
                            "date": dt.date(2024, 6, 30),
                            "central": 400.0,
                            "p10": 390.0,
                            "p90": 410.0,
                        },
                        {
                            "date": dt.date(2025, 3, 31),
                            "central": 420.5,
                            "p10": 400.0,
                            "p90": 440.0,
                        },
                    ],
                },
                {
                    "scenario": "Central",
                    "staff_group": "nurses",
                    "source": "BLMK Table 1",
                    "points": [
                        {"date": dt.date(2024, 6, 30), "central": 150.0},
                        {"date": dt.date(2025, 3, 31), "central": 160.0},
                    ],
                },
            ],
            "targets": [
                {
                    "staff_group": "gp",
                    "date": dt.date(2025, 3, 31),
                    "per_1000": 0.58,
                    "registered": 700000.0,
                    "label": "0.58 per 1,000",
                    "source": "NHSE",
                }
            ],
            "revisions": [
                {"version": 1, "date": dt.date(2024, 5, 1), "reason": "as made"},
                {"version": 2, "date": dt.date(2024, 9, 1), "reason": "re-baselined", "by": "a"},
            ],
            "spc": {"baseline_points": 4, "recalculations": [[dt.date(2024, 12, 31), "ARRS"]]},
            "alerts": {"unreachable_below": 0.3},
            "source": "BLMK plan",
        }
    )


def test_a_plan_file_reads_back_to_the_same_plan(tmp_path: Path) -> None:
    plan = a_plan()
    path = tmp_path / "plan.toml"
    path.write_text(dump_plan(plan), encoding="utf-8")
    assert load_plan(path) == plan


def test_the_quarterly_layout_reads_back() -> None:
    frame = pd.DataFrame(
        {
            "staff group": ["GPs", "GPs", "GPs", "GPs", "Nurses", "Nurses"],
            "measure": ["Actual WTE", "Plan WTE", "P10 WTE", "P90 WTE", "Plan WTE", "Variance"],
            "2024/25 Q1": [398.0, 400.0, 390.0, 410.0, 150.0, 1.0],
            "2024/25 Q4": [None, 420.5, 400.0, 440.0, 160.0, None],
        }
    )
    table = read_quarterly(frame)
    gp = table.points[StaffGroup.GP]
    # 2024/25 Q1 ends 30 June 2024, Q4 ends 31 March 2025
    assert [(p.date, p.central, p.p10, p.p90) for p in gp] == [
        (dt.date(2024, 6, 30), 400.0, 390.0, 410.0),
        (dt.date(2025, 3, 31), 420.5, 400.0, 440.0),
    ]
    assert [p.central for p in table.points[StaffGroup.NURSES]] == [150.0, 160.0]
    assert table.targets == {}


def test_a_band_without_its_other_side_names_the_quarter() -> None:
    frame = pd.DataFrame(
        {
            "staff group": ["GPs", "GPs"],
            "measure": ["Plan WTE", "P10 WTE"],
            "2024/25 Q1": [400.0, 390.0],
            "2024/25 Q2": [405.0, None],
        }
    )
    with pytest.raises(InputFileError, match="quarter ending 30 Jun 2024: give both p10 and p90"):
        read_quarterly(frame, "plan.xlsx")


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("GPs", StaffGroup.GP),
        ("nurses", StaffGroup.NURSES),
        ("Direct patient care", StaffGroup.DPC),
        ("Other clinical (DPC)", StaffGroup.DPC),
        ("Admin and non-clinical", StaffGroup.ADMIN),
        ("Admin/non-clinical", StaffGroup.ADMIN),
    ],
)
def test_staff_groups_by_the_names_people_use(name: str, group: StaffGroup) -> None:
    frame = pd.DataFrame(
        {"staff group": [name], "measure": ["Plan WTE"], "2024/25 Q1": [1.0], "2024/25 Q2": [2.0]}
    )
    assert list(read_quarterly(frame).points) == [group]
