"""A plan: an organisation's adopted trajectory per staff group, its targets and its revisions.

Pure data (pydantic v2, frozen). A plan file (``plan.toml``, read by :mod:`gpworkforce.plans.io`)
holds one or more *scenario trajectories*; ``adopted`` names the one the plan committed to (what
tracking compares against); scoring compares every one. A trajectory is a series of dated points,
each with the central value and, where the plan had a fan, P10 and P90; points are put on quarter
ends by :func:`quarterly` (linear between the plan's own dates).

Like with like: a plan made on another definition than the actuals (the LLR plan counted locums
at 9 sessions per WTE; GPW's qualified GPs exclude locums at 37.5 hours per FTE) is compared
``relative``: its change from ``baseline_value`` is applied to the actual at ``start``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gpworkforce import labels
from gpworkforce.plans.spc import Direction


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(StrEnum):
    ICB = "icb"
    SUB_ICB = "sub-icb"
    PCN = "pcn"
    PRACTICE = "practice"


class StaffGroup(StrEnum):
    GP = "gp"
    NURSES = "nurses"
    DPC = "dpc"
    ADMIN = "admin"


# the words for each group: the labels catalogue's (gpworkforce.labels)
STAFF_GROUP_LABELS = {g: labels.staff_group(g.value) for g in StaffGroup}
# the taxonomy node whose FTE is the actual for a staff group (GPs: fully qualified, excluding
# locums and registrars, like GPW's EXTGL)
STAFF_GROUP_NODES = {
    StaffGroup.GP: "GP_QUALIFIED",
    StaffGroup.NURSES: "NURSE",
    StaffGroup.DPC: "DPC",
    StaffGroup.ADMIN: "ADMIN",
}


class TrajectoryPoint(_Frozen):
    date: dt.date
    central: float = Field(ge=0)
    p10: float | None = Field(None, ge=0)
    p90: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _band(self) -> TrajectoryPoint:
        if (self.p10 is None) != (self.p90 is None):
            raise ValueError("give both p10 and p90, or neither")
        if (
            self.p10 is not None
            and self.p90 is not None
            and not self.p10 <= self.central <= self.p90
        ):
            raise ValueError(
                f"must have p10 <= central <= p90, got {self.p10}, {self.central}, {self.p90}"
            )
        return self

    @property
    def has_band(self) -> bool:
        return self.p10 is not None


class Trajectory(_Frozen):
    """One scenario's path for one staff group (WTE), in date order."""

    scenario: str = Field(min_length=1)
    staff_group: StaffGroup
    points: tuple[TrajectoryPoint, ...] = Field(min_length=2)
    source: str = Field(min_length=1, description="Where the figures come from.")

    @model_validator(mode="after")
    def _ordered(self) -> Trajectory:
        dates = [p.date for p in self.points]
        if any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValueError(f"points must be in strictly increasing date order, got {dates}")
        return self

    @property
    def start(self) -> dt.date:
        return self.points[0].date

    @property
    def end(self) -> dt.date:
        return self.points[-1].date

    def at(self, on: dt.date) -> TrajectoryPoint | None:
        """The point on ``on``, linear between the plan's dates; None outside its horizon."""
        if not self.start <= on <= self.end:
            return None
        for a, b in zip(self.points, self.points[1:], strict=False):
            if a.date <= on <= b.date:
                w = (on - a.date).days / (b.date - a.date).days
                return TrajectoryPoint(
                    date=on,
                    central=_lerp(a.central, b.central, w),
                    p10=_lerp(a.p10, b.p10, w) if a.p10 is not None and b.p10 is not None else None,
                    p90=_lerp(a.p90, b.p90, w) if a.p90 is not None and b.p90 is not None else None,
                )
        raise AssertionError("unreachable: on lies within the points")  # pragma: no cover


def _lerp(a: float, b: float, w: float) -> float:
    return a + (b - a) * w


def quarter_end(on: dt.date) -> dt.date:
    """The last day of ``on``'s calendar quarter."""
    month = ((on.month - 1) // 3 + 1) * 3
    nxt = dt.date(on.year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def quarter_label(on: dt.date) -> str:
    """Financial-year quarter label: 30 Sep 2017 -> '2017/18 Q2'."""
    fy_start = on.year if on.month >= 4 else on.year - 1
    q = ((on.month - 4) % 12) // 3 + 1
    return f"{fy_start}/{(fy_start + 1) % 100:02d} Q{q}"


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    out, q = [], quarter_end(start)
    while q <= end:
        out.append(q)
        q = quarter_end(q + dt.timedelta(days=1))
    return out


def quarterly(trajectory: Trajectory) -> tuple[TrajectoryPoint, ...]:
    """The trajectory on every quarter end within its horizon (linear between its dates)."""
    pts = [trajectory.at(q) for q in quarter_ends(trajectory.start, trajectory.end)]
    return tuple(p for p in pts if p is not None)


class Target(_Frozen):
    staff_group: StaffGroup
    date: dt.date
    wte: float | None = Field(None, gt=0, description="Absolute target, WTE.")
    per_1000: float | None = Field(None, gt=0, description="WTE per 1,000 registered patients.")
    registered: float | None = Field(
        None, gt=0, description="Registered patients the per-1,000 target applies to."
    )
    label: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        if (self.wte is None) == (self.per_1000 is None):
            raise ValueError("give exactly one of wte or per_1000")
        if self.per_1000 is not None and self.registered is None:
            raise ValueError("a per_1000 target needs registered (patients) to become WTE")
        return self

    @property
    def value(self) -> float:
        """The target in WTE."""
        if self.wte is not None:
            return self.wte
        assert self.per_1000 is not None and self.registered is not None
        return self.per_1000 * self.registered / 1000.0


class Revision(_Frozen):
    version: int = Field(ge=1)
    date: dt.date
    reason: str = Field(min_length=1)
    by: str = Field("", description="Who made the revision.")


class Comparison(_Frozen):
    """How the plan's figures relate to the actuals' definition."""

    mode: Literal["absolute", "relative"] = "absolute"
    baseline_value: float | None = Field(
        None, gt=0, description="relative: the plan's own figure at its start."
    )
    note: str = ""

    @model_validator(mode="after")
    def _baseline(self) -> Comparison:
        if self.mode == "relative" and self.baseline_value is None:
            raise ValueError("relative comparison needs baseline_value")
        return self


class SpcSettings(_Frozen):
    baseline_points: int | None = Field(None, ge=2)
    shift_points: int = Field(7, ge=2)
    trend_points: int = Field(6, ge=3)
    recalculations: tuple[tuple[dt.date, str], ...] = ()


class AlertSettings(_Frozen):
    unreachable_below: Annotated[float, Field(ge=0, le=1)] = 0.2


class Plan(_Frozen):
    name: str = Field(min_length=1)
    organisation: str = Field(min_length=1, description="ODS code of the organisation.")
    organisation_name: str = ""
    level: Level
    start: dt.date
    end: dt.date
    adopted: str = Field(min_length=1, description="Name of the adopted scenario.")
    direction: Direction = Direction.INCREASE
    comparison: Comparison = Comparison()
    scenarios: tuple[Trajectory, ...] = Field(min_length=1)
    targets: tuple[Target, ...] = ()
    revisions: tuple[Revision, ...] = Field(min_length=1)
    spc: SpcSettings = SpcSettings()
    alerts: AlertSettings = AlertSettings()
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        problems: list[str] = []
        if self.end <= self.start:
            problems.append(f"end must be after start, got {self.start} to {self.end}")
        names = {t.scenario for t in self.scenarios}
        if self.adopted not in names:
            problems.append(f"adopted must be one of {sorted(names)}, got {self.adopted!r}")
        keys = [(t.scenario, t.staff_group) for t in self.scenarios]
        if len(set(keys)) != len(keys):
            problems.append("each scenario may have one trajectory per staff group")
        versions = [r.version for r in self.revisions]
        if versions != list(range(1, len(versions) + 1)):
            problems.append(f"revisions must be numbered 1, 2, 3, ... in order, got {versions}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def version(self) -> int:
        return self.revisions[-1].version

    def trajectories(self, scenario: str | None = None) -> tuple[Trajectory, ...]:
        name = self.adopted if scenario is None else scenario
        return tuple(t for t in self.scenarios if t.scenario == name)

    def scenario_names(self) -> list[str]:
        return list(dict.fromkeys(t.scenario for t in self.scenarios))

    def target_for(self, group: StaffGroup) -> Target | None:
        return next((t for t in self.targets if t.staff_group is group), None)

    def revise(self, *, date: dt.date, reason: str, by: str = "", **changes: object) -> Plan:
        """A new version with ``changes`` and the reason recorded; this plan is left as it was."""
        rev = Revision(version=self.version + 1, date=date, reason=reason, by=by)
        data = self.model_dump()
        data.update(changes)
        data["revisions"] = [*self.model_dump()["revisions"], rev.model_dump()]
        return Plan.model_validate(data)


def scale(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def comparable(
    plan: Plan, point: TrajectoryPoint, actual_at_start: float | None
) -> TrajectoryPoint:
    """The plan point on the actuals' definition (relative mode: change applied to the actual)."""
    if plan.comparison.mode == "absolute":
        return point
    if actual_at_start is None or not math.isfinite(actual_at_start):
        raise ValueError("a relative comparison needs the actual at the plan's start")
    base = plan.comparison.baseline_value
    assert base is not None
    f = actual_at_start / base
    return TrajectoryPoint(
        date=point.date, central=point.central * f, p10=scale(point.p10, f), p90=scale(point.p90, f)
    )


def comparable_target(plan: Plan, target: Target, actual_at_start: float | None) -> float:
    if plan.comparison.mode == "absolute":
        return target.value
    base = plan.comparison.baseline_value
    assert base is not None and actual_at_start is not None
    return target.value * actual_at_start / base


def target_statement(plan: Plan, target: Target, goal: float | None) -> str:
    """What a target is, as every page states it: the figure tracking compares with (``goal``,
    from :func:`comparable_target`), by when, the plan's own wording and source, and how the
    plan's figure was put on the actuals' definition (one definition of "the target")."""
    when = labels.date_text(target.date)
    if goal is None:
        return (
            f"{target.label} (by {when}; source: {target.source}); not compared yet: there is no"
            " actual at the plan's start to put it on the actuals' definition."
        )
    if plan.comparison.mode == "absolute":
        return f"{goal:,.1f} WTE by {when}: {target.label} (source: {target.source})."
    base = plan.comparison.baseline_value
    assert base is not None
    start = goal * base / target.value
    return (
        f"{goal:,.1f} WTE by {when}, the figure every comparison here uses. It is the plan's "
        f"target, \u201c{target.label}\u201d (source: {target.source}), counted on the plan's "
        f"own definition and converted to the actuals' in proportion to the actual at the "
        f"plan's start: {target.value:,.1f} \u00d7 {start:,.1f} / {base:,.1f} WTE."
    )


def dates_of(points: Sequence[TrajectoryPoint]) -> list[dt.date]:
    return [p.date for p in points]


def practice_share(plan: Plan, practice: str, practice_name: str, share: float | None) -> Plan:
    """The plan's share for one of its organisation's practices.

    ``share``: the practice's part of the organisation's actual at the plan's start (0-1). An
    ``absolute`` plan has every trajectory point (central, P10, P90) and absolute target scaled
    by it (a per-1,000 target keeps its rate, its registered patients scaled); a ``relative``
    plan needs no share: it is applied to the practice's own actual at the start, which is the
    same thing (``share`` may be None)."""
    changes: dict[str, object] = {
        "organisation": practice,
        "organisation_name": practice_name,
        "level": Level.PRACTICE,
        "name": f"{plan.name}: share of {practice_name or practice}",
    }
    if plan.comparison.mode == "absolute":
        if share is None or not (math.isfinite(share) and share > 0):
            raise ValueError(f"an absolute plan needs the practice's share (> 0), got {share}")
        changes["scenarios"] = [
            t.model_copy(
                update={
                    "points": tuple(
                        TrajectoryPoint(
                            date=p.date,
                            central=p.central * share,
                            p10=scale(p.p10, share),
                            p90=scale(p.p90, share),
                        )
                        for p in t.points
                    )
                }
            )
            for t in plan.scenarios
        ]
        changes["targets"] = [
            t.model_copy(
                update={"wte": scale(t.wte, share), "registered": scale(t.registered, share)}
            )
            for t in plan.targets
        ]
    return plan.model_copy(update=changes)
