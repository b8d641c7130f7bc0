"""Adopting a scenario run (``/scenarios/``, :class:`gpworkforce.web.scenarios.models.Run`) as a
plan's trajectory: its quarterly trajectory per staff group, with the run's P10-P90 fan where it
was drawn, becomes a plan's single scenario (a new draft plan, or a new version of an existing
plan of the same organisation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gpworkforce.errors import UserError
from gpworkforce.plans.model import Plan as LibraryPlan
from gpworkforce.web.scenarios.models import Run


def document_from_run(
    run: Run,
    *,
    name: str,
    reason: str,
    today: dt.date,
    by: str = "",
    base: LibraryPlan | None = None,
) -> LibraryPlan:
    """A plan whose adopted scenario is ``run``'s trajectory (targets, comparison and SPC settings
    kept from ``base`` when given; a new plan takes the target of the run's scenario)."""
    if run.status != "done":
        raise UserError(f"only a finished run can be adopted, this one is {run.status}")
    scenarios: list[dict[str, Any]] = []
    source = (
        f"run {run.pk} of scenario '{run.scenario_name}' (version {run.scenario_version},"
        f" hash {run.scenario_hash[:12]}, seed {run.seed}, {run.draws} draws,"
        f" {run.code_version}; {_band_words(run)})"
    )
    for group in run.staff_groups():
        points = []
        for p in run.quarterly_trajectory(group):
            points.append(
                {
                    "date": p.date,
                    "central": max(p.central, 0.0),
                    # a drawn fan can sit beside a central path that is not its median
                    "p10": max(min(p.p10, p.central), 0.0) if p.has_band else None,
                    "p90": max(p.p90, p.central) if p.has_band else None,
                }
            )
        if len(points) >= 2:
            scenarios.append(
                {
                    "scenario": run.scenario_name,
                    "staff_group": group,
                    "points": points,
                    "source": source,
                }
            )
    if not scenarios:
        raise UserError("the run must have a trajectory of at least two quarters, got none")
    dates = [pt["date"] for s in scenarios for pt in s["points"]]
    data: dict[str, Any] = {
        "name": name,
        "organisation": run.organisation_id,
        "level": "icb",
        "start": min(dates),
        "end": max(dates),
        "adopted": run.scenario_name,
        "scenarios": scenarios,
        "revisions": [{"version": 1, "date": today, "reason": reason, "by": by}],
        "source": source,
    }
    if base is None:
        data["targets"] = _run_target(run)
    else:
        data |= {
            "targets": [t.model_dump() for t in base.targets],
            "direction": base.direction,
            "spc": base.spc.model_dump(),
            "alerts": base.alerts.model_dump(),
        }
    try:
        return LibraryPlan.model_validate(data)
    except ValueError as exc:
        raise UserError(f"the run's trajectory must make a valid plan: {exc}") from None


def _run_target(run: Run) -> list[dict[str, Any]]:
    """The run's scenario target as the plan's GP target (in WTE at its date: a per-1,000 target
    as the run worked it out for its registered patients), with where it comes from."""
    target = (run.results or {}).get("target")
    if not target or target.get("wte") is None:
        return []
    on = dt.date.fromisoformat(target["date"])
    per_1000 = target.get("per_1000")
    how = f" ({per_1000:g} WTE per 1,000 patients)" if per_1000 else ""
    return [
        {
            "staff_group": "gp",
            "date": on,
            "wte": float(target["wte"]),
            "label": target.get("label")
            or f"Target: {float(target['wte']):,.0f} WTE by {on:%B %Y}",
            "source": f"the target of scenario '{run.scenario_name}' (version"
            f" {run.scenario_version}){how}, run {run.pk}",
        }
    ]


def _band_words(run: Run) -> str:
    """Which band the adopted P10-P90 is (decision 0166), for the plan's source."""
    results = run.results or {}
    band = results.get("band") or {}
    if band.get("kind") == "evaluated":
        years = band.get("starting_years") or []
        span = f", from the starting years {years[0]} to {years[-1]}" if years else ""
        return (
            f"P10-P90: the evaluated band ({band.get('level_label', '')},"
            f" {band.get('method_label', '')}{span})"
        )
    if run.varied_draws:
        return "P10-P90: the model's own band, not checked against what happened"
    return "no P10-P90"
