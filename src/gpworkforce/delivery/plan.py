"""The delivery plan (LLR Figure 13) and its implementation timeline (LLR Figure 14).

The delivery plan is a list of deliverables (workstreams) with their position, actions, owner,
period, success measures and KPIs as the board wrote them. The implementation timeline gives each
deliverable a status per month or quarter: Planned, Complete, Critical Milestone or Issue. Each
Critical Milestone cell is a milestone due at the end of its period; one whose period has ended
before "today" (it would have been marked Complete when met) is overdue.

Period labels are read as the LLR plan prints them: ``Jul-17`` is July 2017; ``Q1 18-20`` to
``Q4 18-20`` are read as the quarters of financial year 2018/19 (Q1 = April to June 2018), the
first year of the "18-20" period the plan names (the paper does not say more).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gpworkforce import tomlfiles
from gpworkforce.delivery.kpis import Milestone
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.labels import plural

__all__ = [
    "CellStatus",
    "Deliverable",
    "DeliveryPlan",
    "TimelineCell",
    "milestones",
    "overdue_milestones",
    "parse_period",
    "read_delivery_plan",
    "read_timeline",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Deliverable(_Model):
    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    position: str = Field(description="Where it stands, e.g. 'Commenced'.")
    owner: str = Field(description="Action owner (organisation or board).")
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    actions: tuple[str, ...] = ()
    success_measures: tuple[str, ...] = ()
    kpis: tuple[str, ...] = ()


class DeliveryPlan(_Model):
    source: str = ""
    deliverable: tuple[Deliverable, ...]


def read_delivery_plan(path: str | Path) -> DeliveryPlan:
    path = Path(path)
    data, _ = tomlfiles.read_toml(path, "delivery plan file")
    try:
        return DeliveryPlan.model_validate(data)
    except ValidationError as exc:
        issues = [
            Issue(
                Location(file=str(path), field=".".join(str(p) for p in err["loc"])),
                "be valid",
                err["msg"],
            )
            for err in exc.errors()
        ]
        raise ValidationFailed(issues, summary=f"{path}: invalid delivery plan") from None


class CellStatus(StrEnum):
    PLANNED = "Planned"
    COMPLETE = "Complete"
    CRITICAL = "Critical Milestone"
    ISSUE = "Issue"


class TimelineCell(_Model):
    number: int
    detail: str
    period: str = Field(description="The period label as printed.")
    start: dt.date
    end: dt.date
    status: CellStatus


_MONTH = re.compile(r"^([A-Z][a-z]{2})-(\d{2})$")
_QUARTER = re.compile(r"^Q([1-4]) (\d{2})-(\d{2})$")
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


def parse_period(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period label (``Jul-17``, ``Q1 18-20``); ValueError otherwise."""
    m = _MONTH.match(label)
    if m and m.group(1) in _MONTHS:
        year, month = 2000 + int(m.group(2)), _MONTHS[m.group(1)]
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    q = _QUARTER.match(label)
    if q:
        quarter, fy = int(q.group(1)), 2000 + int(q.group(2))
        first_month = 4 + 3 * (quarter - 1)
        year = fy + (first_month - 1) // 12
        month = (first_month - 1) % 12 + 1
        last_month = month + 2
        return dt.date(year, month, 1), dt.date(
            year, last_month, calendar.monthrange(year, last_month)[1]
        )
    raise ValueError(f"must be a month like 'Jul-17' or a quarter like 'Q1 18-20', got {label!r}")


def read_timeline(path: str | Path) -> tuple[TimelineCell, ...]:
    """The implementation plan grid: a row per deliverable, a column per period."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: must be UTF-8 text, got a bad byte at {exc.start}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0][:2] != ["Number", "Detail"]:
        raise ValidationFailed(
            [
                Issue(
                    Location(file=str(path), row=1),
                    "start with columns Number, Detail",
                    repr(rows[0][:2] if rows else []),
                )
            ],
            summary=f"{path}: not an implementation plan",
        )
    issues: list[Issue] = []
    periods = []
    for col, label in enumerate(rows[0][2:], start=3):
        try:
            periods.append((label, *parse_period(label)))
        except ValueError as exc:
            issues.append(
                Issue(
                    Location(file=str(path), row=1, column=label or f"#{col}"),
                    str(exc).removeprefix("must "),
                    "that",
                )
            )
    cells = []
    statuses = {s.value.casefold(): s for s in CellStatus}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        number = row[0].strip()
        if not number.isdigit():
            issues.append(
                Issue(
                    Location(file=str(path), row=n, column="Number"),
                    "be a whole number",
                    repr(number),
                )
            )
            continue
        if len(row) != len(rows[0]):
            issues.append(
                Issue(Location(file=str(path), row=n), f"have {len(rows[0])} cells", str(len(row)))
            )
            continue
        for (label, start, end), value in zip(periods, row[2:], strict=False):
            value = value.strip()
            if not value:
                continue
            status = statuses.get(value.casefold())
            if status is None:
                issues.append(
                    Issue(
                        Location(file=str(path), row=n, column=label),
                        "be " + ", ".join(s.value for s in CellStatus) + " or empty",
                        repr(value),
                    )
                )
                continue
            cells.append(
                TimelineCell(
                    number=int(number),
                    detail=row[1].strip(),
                    period=label,
                    start=start,
                    end=end,
                    status=status,
                )
            )
    if issues:
        raise ValidationFailed(
            issues, summary=f"{path}: {plural(len(issues), 'problem')} in the implementation plan"
        )
    return tuple(cells)


def milestones(cells: Sequence[TimelineCell]) -> dict[int, tuple[Milestone, ...]]:
    """Each row's critical milestones still to be met, due at the end of their period.

    A milestone that has been met is marked Complete in the grid, so it is no longer a Critical
    Milestone cell; one still shown as Critical Milestone after its period ended is overdue.
    """
    out: dict[int, list[Milestone]] = {}
    for c in cells:
        if c.status is CellStatus.CRITICAL:
            out.setdefault(c.number, []).append(
                Milestone(name=f"{c.detail} ({c.period})", due=c.end)
            )
    return {k: tuple(v) for k, v in out.items()}


def overdue_milestones(
    cells: Sequence[TimelineCell], today: dt.date
) -> tuple[tuple[int, Milestone], ...]:
    return tuple(
        (number, m)
        for number, ms in sorted(milestones(cells).items())
        for m in ms
        if m.days_overdue(today) > 0
    )
