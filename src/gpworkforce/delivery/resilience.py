"""The practice resilience watch list: a documented, configurable score per practice.

Each indicator is turned into points between 0 and 1 by a straight line between two values the
ICB sets: at ``starts`` or better it scores 0, at ``full`` or worse it scores 1 (for a "lower is
worse" indicator such as the GP WTE trend, ``full`` is below ``starts``). Yes/no indicators score
1 when true. The score is the weighted sum of the points as a percentage of the sum of all the
weights, so a practice that scored full points on everything would score 100. An indicator the
data do not have for a practice scores 0 and is listed as missing, so a missing figure never
raises a practice up the list by itself (a missing or queried return is an indicator of its own).

The default values are a starting point for an ICB to review, not evidence-based thresholds; the
documentation (docs/delivery.md) says where each comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DEFAULT_RESILIENCE",
    "Indicator",
    "IndicatorRule",
    "PracticeMeasures",
    "PracticeScore",
    "ResilienceConfig",
    "score_practice",
    "watch_list",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Indicator(StrEnum):
    OVER55_SHARE = "over55_share"
    LOCUM_RELIANCE = "locum_reliance"
    GP_VACANCIES = "gp_vacant_wte"
    PATIENTS_PER_GP = "patients_per_gp_wte"
    GP_WTE_CHANGE = "gp_wte_change"
    SINGLE_HANDED = "single_handed"
    RETURN_PROBLEM = "return_problem"


LABELS = {
    Indicator.OVER55_SHARE: "share of GP WTE aged 55 or over",
    Indicator.LOCUM_RELIANCE: "GP locum WTE as a share of all GP WTE",
    Indicator.GP_VACANCIES: "vacant GP WTE",
    Indicator.PATIENTS_PER_GP: "registered patients per GP WTE",
    Indicator.GP_WTE_CHANGE: "change in GP WTE over the last year",
    Indicator.SINGLE_HANDED: "single-handed practice",
    Indicator.RETURN_PROBLEM: "workforce return missing or queried",
}

YES_NO = {Indicator.SINGLE_HANDED, Indicator.RETURN_PROBLEM}


class IndicatorRule(_Model):
    weight: float = Field(ge=0, allow_inf_nan=False, description="Weight in the score.")
    starts: float = Field(0.0, allow_inf_nan=False, description="Value scoring 0 points.")
    full: float = Field(1.0, allow_inf_nan=False, description="Value scoring full points.")

    @model_validator(mode="after")
    def _distinct(self) -> IndicatorRule:
        if self.starts == self.full:
            raise ValueError("'starts' and 'full' must differ")
        return self

    def points(self, value: float) -> float:
        frac = (value - self.starts) / (self.full - self.starts)
        return min(1.0, max(0.0, frac))


class ResilienceConfig(_Model):
    rules: Mapping[Indicator, IndicatorRule]
    watch_threshold: float = Field(
        40.0, ge=0, le=100, description="Practices scoring this or more are on the watch list."
    )

    @model_validator(mode="after")
    def _weights(self) -> ResilienceConfig:
        if sum(r.weight for r in self.rules.values()) <= 0:
            raise ValueError("at least one indicator must have a positive weight")
        return self


DEFAULT_RESILIENCE = ResilienceConfig(
    rules={
        Indicator.OVER55_SHARE: IndicatorRule(weight=2, starts=0.2, full=0.5),
        Indicator.LOCUM_RELIANCE: IndicatorRule(weight=1.5, starts=0.1, full=0.3),
        Indicator.GP_VACANCIES: IndicatorRule(weight=1.5, starts=0, full=2),
        Indicator.PATIENTS_PER_GP: IndicatorRule(weight=2, starts=2000, full=3000),
        Indicator.GP_WTE_CHANGE: IndicatorRule(weight=1.5, starts=0.0, full=-0.2),
        Indicator.SINGLE_HANDED: IndicatorRule(weight=1, starts=0, full=1),
        Indicator.RETURN_PROBLEM: IndicatorRule(weight=0.5, starts=0, full=1),
    },
    watch_threshold=40.0,
)


class PracticeMeasures(_Model):
    """One practice's inputs; ``None`` where the data do not have the figure."""

    code: str = Field(min_length=1)
    name: str = ""
    values: Mapping[Indicator, float | bool | None]


class Contribution(_Model):
    indicator: Indicator
    value: float | bool
    points: float
    weighted: float

    @property
    def reason(self) -> str:
        if self.indicator in YES_NO:
            return LABELS[self.indicator]
        v = self.value
        if self.indicator in _SHARES:
            shown = f"{v:.0%}"
        elif self.indicator is Indicator.GP_VACANCIES:
            shown = f"{v:,.1f}"
        else:
            shown = f"{v:,.0f}"
        return f"{LABELS[self.indicator]}: {shown}"


_SHARES = {Indicator.OVER55_SHARE, Indicator.LOCUM_RELIANCE, Indicator.GP_WTE_CHANGE}


class PracticeScore(_Model):
    code: str
    name: str
    score: float = Field(description="0-100.")
    contributions: tuple[Contribution, ...] = Field(
        description="Indicators scoring, largest first."
    )
    missing: tuple[Indicator, ...]
    rank: int = 0
    watch: bool = False

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(c.reason for c in self.contributions)


def score_practice(
    m: PracticeMeasures, config: ResilienceConfig = DEFAULT_RESILIENCE
) -> PracticeScore:
    total_weight = sum(r.weight for r in config.rules.values())
    parts = []
    missing = []
    for indicator, rule in config.rules.items():
        value = m.values.get(indicator)
        if value is None:
            missing.append(indicator)
            continue
        pts = (1.0 if value else 0.0) if indicator in YES_NO else rule.points(float(value))
        if pts > 0 and rule.weight > 0:
            parts.append(
                Contribution(
                    indicator=indicator, value=value, points=pts, weighted=pts * rule.weight
                )
            )
    parts.sort(key=lambda c: (-c.weighted, c.indicator.value))
    score = 100.0 * sum(c.weighted for c in parts) / total_weight
    return PracticeScore(
        code=m.code,
        name=m.name,
        score=score,
        contributions=tuple(parts),
        missing=tuple(missing),
        watch=score >= config.watch_threshold,
    )


def watch_list(
    practices: Iterable[PracticeMeasures], config: ResilienceConfig = DEFAULT_RESILIENCE
) -> tuple[PracticeScore, ...]:
    """Every practice scored and ranked (1 = least resilient); ties share the code order."""
    scored = sorted(
        (score_practice(p, config) for p in practices), key=lambda s: (-s.score, s.code)
    )
    return tuple(s.model_copy(update={"rank": i}) for i, s in enumerate(scored, start=1))
