"""Small plans for tests and examples (no files needed)."""

from __future__ import annotations

import datetime as dt

from gpworkforce.plans.model import Plan as LibraryPlan


def tiny_plan(
    org_code: str = "QK1",
    *,
    points: tuple[tuple[dt.date, float], ...] = (
        (dt.date(2017, 9, 30), 10.0),
        (dt.date(2018, 9, 30), 12.0),
    ),
    target: float | None = 12.0,
    band: float | None = None,
    comparison: str = "absolute",
    name: str = "Test plan",
) -> LibraryPlan:
    """A one-scenario plan of GPs for ``org_code`` (``band``: P10/P90 at central -/+ band)."""
    pts = [
        {"date": d, "central": v} | ({"p10": v - band, "p90": v + band} if band is not None else {})
        for d, v in points
    ]
    data: dict[str, object] = {
        "name": name,
        "organisation": org_code,
        "level": "icb",
        "start": points[0][0],
        "end": points[-1][0],
        "adopted": "Adopted trajectory",
        "scenarios": [
            {"scenario": "Adopted trajectory", "staff_group": "gp", "points": pts, "source": "test"}
        ],
        "targets": (
            [
                {
                    "staff_group": "gp",
                    "date": points[-1][0],
                    "wte": target,
                    "label": "Target",
                    "source": "test",
                }
            ]
            if target is not None
            else []
        ),
        "revisions": [{"version": 1, "date": points[0][0], "reason": "as made"}],
    }
    if comparison == "relative":
        data["comparison"] = {"mode": "relative", "baseline_value": points[0][1]}
    return LibraryPlan.model_validate(data)
