"""Key performance indicators and their computed RAG status.

A KPI is bound to a measure: one the tool computes (a baseline measure, a plan's variance, a
collection round's response rate, a spend line) or, where nothing computes it, values entered each
quarter with their source. Its RAG is **computed** by :func:`kpi_rag` from the latest value on or
before the day asked, the target, the amber tolerance and the initiative's milestones:

1. no value yet: *not reported* (grey);
2. the value meets the target: green; misses it by no more than the amber tolerance: amber;
   misses it by more: red;
3. a value older than ``stale_after_days``: green becomes amber ("out of date");
4. a milestone past its due date and not done: green becomes amber; one overdue by more than
   ``red_after_days``: red.

A person may override the computed RAG with a reason and an expiry date; the override shows only
from the day it was set to its expiry inclusive, and the computed RAG is always kept beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gpworkforce.labels import plural

__all__ = [
    "Direction",
    "Kpi",
    "KpiValue",
    "MeasureRef",
    "Milestone",
    "Override",
    "Rag",
    "RagResult",
    "kpi_rag",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NOT_REPORTED = "not reported"


RAG_ORDER = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


def _worse(a: Rag, b: Rag) -> Rag:
    return a if RAG_ORDER[a] >= RAG_ORDER[b] else b


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class MeasureRef(_Model):
    """What a KPI's values come from."""

    kind: Literal["baseline", "plan-variance", "response-rate", "spend", "entered"] = Field(
        description="A measure the tool computes, or 'entered' for values typed in each quarter."
    )
    measure: str = Field("", description="The measure's name in the labels catalogue.")
    organisation: str = Field("", description="Organisation code the measure is taken for.")
    staff_group: str = Field("", description="Staff group, where the measure has one.")


class Milestone(_Model):
    name: str = Field(min_length=1)
    due: dt.date
    done: dt.date | None = None

    def days_overdue(self, today: dt.date) -> int:
        if self.done is not None and self.done <= today:
            return 0
        return max(0, (today - self.due).days)


class KpiValue(_Model):
    period_end: dt.date = Field(description="Last day of the period the value describes.")
    value: float = Field(allow_inf_nan=False)
    source: str = Field(min_length=1, description="Where the value comes from.")


class Kpi(_Model):
    ref: str = Field(min_length=1, description="KPI reference, e.g. '3a'.")
    name: str = Field(min_length=1, description="What is measured, in words.")
    initiative: str = Field("", description="Reference of the initiative it belongs to.")
    measure: MeasureRef
    unit: str = Field("", description="Unit of the values, e.g. 'WTE' or '%'.")
    direction: Direction = Direction.HIGHER_IS_BETTER
    target: float = Field(allow_inf_nan=False)
    amber_tolerance: float = Field(
        ge=0, allow_inf_nan=False, description="How far short of target still counts as amber."
    )
    stale_after_days: int = Field(
        120, ge=1, description="A latest value older than this is out of date."
    )
    red_after_days: int = Field(
        90, ge=0, description="A milestone overdue by more than this many days makes the KPI red."
    )


class Override(_Model):
    rag: Literal[Rag.RED, Rag.AMBER, Rag.GREEN]
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1)
    set_on: dt.date
    expires: dt.date

    @model_validator(mode="after")
    def _expiry(self) -> Override:
        if self.expires < self.set_on:
            raise ValueError(f"expiry {self.expires} must not be before {self.set_on}")
        return self

    def active(self, today: dt.date) -> bool:
        return self.set_on <= today <= self.expires


class RagResult(_Model):
    rag: Rag = Field(description="The RAG shown: the override while it is active, else computed.")
    computed: Rag
    reasons: tuple[str, ...]
    value: KpiValue | None
    override: Override | None = Field(None, description="The override applied, if any.")


def amount(value: float, unit: str) -> str:
    """A KPI's value as people read it, with its unit: ``11.3%``, ``58.8 WTE``, ``0.483 WTE per
    1,000``; one decimal from 1 up, three significant figures below."""
    shown = f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3g}"
    if unit == "%":
        return f"{shown}%"
    return f"{shown} {unit}" if unit else shown


def _shortfall(kpi: Kpi, value: float) -> float:
    if kpi.direction is Direction.HIGHER_IS_BETTER:
        return kpi.target - value
    return value - kpi.target


def kpi_rag(
    kpi: Kpi,
    values: Sequence[KpiValue],
    today: dt.date,
    milestones: Sequence[Milestone] = (),
    override: Override | None = None,
) -> RagResult:
    """The KPI's RAG on ``today`` (see the module docstring for the rules)."""
    known = [v for v in values if v.period_end <= today]
    latest = max(known, key=lambda v: v.period_end) if known else None
    reasons: list[str] = []
    if latest is None:
        computed = Rag.NOT_REPORTED
        reasons.append("no value reported yet")
    else:
        gap = _shortfall(kpi, latest.value)
        value, target = amount(latest.value, kpi.unit), amount(kpi.target, kpi.unit)
        if gap <= 0:
            computed = Rag.GREEN
            reasons.append(f"{value} meets the target of {target}")
        elif gap <= kpi.amber_tolerance:
            computed = Rag.AMBER
            reasons.append(f"{value} is {amount(gap, kpi.unit)} short of the target of {target}")
        else:
            computed = Rag.RED
            reasons.append(f"{value} is {amount(gap, kpi.unit)} short of the target of {target}")
        age = (today - latest.period_end).days
        if age > kpi.stale_after_days:
            reasons.append(f"latest value is {plural(age, 'day')} old")
            computed = _worse(computed, Rag.AMBER)
    for m in milestones:
        late = m.days_overdue(today)
        if late <= 0:
            continue
        reasons.append(f"milestone '{m.name}' is {plural(late, 'day')} overdue")
        level = Rag.RED if late > kpi.red_after_days else Rag.AMBER
        computed = level if computed is Rag.NOT_REPORTED else _worse(computed, level)
    shown = override.rag if override is not None and override.active(today) else computed
    applied = override if override is not None and override.active(today) else None
    return RagResult(
        rag=Rag(shown), computed=computed, reasons=tuple(reasons), value=latest, override=applied
    )
