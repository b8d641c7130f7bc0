"""Statistical process control per NHS England's *Making Data Count* (MDC): the XmR chart.

Pure computation, no I/O. Given a series of values in time order (one per period label):

* **Segments.** Recalculation points (each with a reason) split the series; every segment gets its
  own limits. Within a segment the limits come from a stated *baseline*: its first
  ``baseline_points`` points (all of the segment's points when ``None``).
* **Limits.** ``MR_i = |x_i - x_(i-1)|`` within the baseline; ``mean`` = mean of the baseline
  values, ``mMR`` = mean of its moving ranges; process limits ``mean +/- 2.66 mMR``
  (2.66 = 3 / d2 with d2 = 1.128 for ranges of two points, so one sigma = ``2.66 / 3 mMR``).
  With ``screen_outliers`` a moving range above ``3.267 mMR`` (the upper range limit) is left out
  and ``mMR`` computed again once.
* **Special-cause rules** (evaluated within a segment, against its limits):

  ``outside_limits``  a point above the upper or below the lower process limit;
  ``shift``           ``shift_points`` (default 7) or more consecutive points on the same side of
                      the mean (a point exactly on the mean ends a run);
  ``trend``           ``trend_points`` (default 6) or more consecutive points each higher (or each
                      lower) than the one before; a repeated value ends the run;
  ``two_of_three``    two or three of three consecutive points beyond two sigma on the same side
                      of the mean (beyond three sigma counts too, MDC's rule since November 2023);
                      the points beyond two sigma are the ones flagged.

  Every point of a qualifying run is flagged, not only the one that completes it.
* **Point type.** A flagged point is an improvement when it lies on the better side of the mean
  (for a point flagged only by a trend: when the trend goes the better way), a concern otherwise;
  with no better direction it is ``special_cause_neither``.
* **Variation icon** = the type of the latest point. **Assurance icon** (needs a target and a
  direction): from the latest segment's limits, ``consistent_pass`` when every value inside the
  limits meets the target, ``consistent_fail`` when none does, ``hit_and_miss`` when the target
  lies between the limits (inclusive).

Sources and differences are set out in docs/plans.md ("Statistical process control").
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

LIMIT_FACTOR = 2.66  # 3 / 1.128
RANGE_LIMIT_FACTOR = 3.267  # D4 for n = 2: upper limit of the moving ranges


class Direction(StrEnum):
    """Which way is better for the measure."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEITHER = "special_cause_neither"


class Assurance(StrEnum):
    CONSISTENT_PASS = "consistent_pass"  # noqa: S105 (an icon name, not a password)
    CONSISTENT_FAIL = "consistent_fail"
    HIT_AND_MISS = "hit_and_miss"


VARIATION_LABELS = {
    PointType.COMMON_CAUSE: "Common cause variation",
    PointType.IMPROVEMENT: "Special cause variation: improvement",
    PointType.CONCERN: "Special cause variation: concern",
    PointType.NEITHER: "Special cause variation (no better direction)",
}
ASSURANCE_LABELS = {
    Assurance.CONSISTENT_PASS: "Consistently meets the target",
    Assurance.CONSISTENT_FAIL: "Consistently misses the target",
    Assurance.HIT_AND_MISS: "Hits and misses the target (target inside the limits)",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SpcRules(_Frozen):
    """Run lengths and options of the special-cause rules (MDC defaults)."""

    shift_points: int = Field(7, ge=2, description="Points in a row on one side of the mean.")
    trend_points: int = Field(6, ge=3, description="Points in a row each rising (or falling).")
    screen_outliers: bool = Field(
        False, description="Leave moving ranges above 3.267 mMR out of mMR (computed again once)."
    )


class Recalculation(_Frozen):
    """Limits are computed afresh from the point ``at`` (a period label) on, for ``reason``."""

    at: str = Field(min_length=1)
    reason: str = Field(min_length=1, description="Why the process changed (recorded).")


class Segment(_Frozen):
    start: str
    end: str
    baseline: tuple[str, ...]  # the labels the limits were computed from
    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    reason: str  # "initial baseline" for the first segment

    @property
    def sigma(self) -> float:
        return LIMIT_FACTOR / 3.0 * self.mean_moving_range


class SpcPoint(_Frozen):
    label: str
    value: float
    segment: int
    moving_range: float | None  # None for a segment's first point
    mean: float
    lower_limit: float
    upper_limit: float
    rules: tuple[Rule, ...]
    point_type: PointType

    @property
    def special_cause(self) -> bool:
        return bool(self.rules)


class SpcResult(_Frozen):
    points: tuple[SpcPoint, ...]
    segments: tuple[Segment, ...]
    direction: Direction
    target: float | None
    rules: SpcRules
    variation: PointType
    assurance: Assurance | None

    @model_validator(mode="after")
    def _non_empty(self) -> SpcResult:
        if not self.points:
            raise ValueError("an SPC result needs at least one point")
        return self


class SpcInputError(ValueError):
    """The series cannot be charted (too short, not finite, bad recalculation point)."""


def _moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(b - a) for a, b in itertools.pairwise(values)]


def _limits(base: Sequence[float], screen: bool) -> tuple[float, float]:
    mean = math.fsum(base) / len(base)
    mrs = _moving_ranges(base)
    mmr = math.fsum(mrs) / len(mrs)
    if screen:
        kept = [r for r in mrs if r <= RANGE_LIMIT_FACTOR * mmr]
        mmr = math.fsum(kept) / len(kept)
    return mean, mmr


def _runs(signs: Sequence[int], length: int) -> list[int]:
    """Per point: +1/-1 when it belongs to a run of ``length`` or more equal non-zero signs."""
    out = [0] * len(signs)
    i = 0
    while i < len(signs):
        j = i
        while j + 1 < len(signs) and signs[j + 1] == signs[i]:
            j += 1
        if signs[i] != 0 and j - i + 1 >= length:
            for k in range(i, j + 1):
                out[k] = signs[i]
        i = j + 1
    return out


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def shift_flags(values: Sequence[float], mean: float, length: int) -> list[int]:
    """+1/-1 for points in a run of ``length`` or more above/below ``mean``; else 0."""
    return _runs([_sign(v - mean) for v in values], length)


def trend_flags(values: Sequence[float], length: int) -> list[int]:
    """+1/-1 for points in a run of ``length`` or more points each rising/falling; else 0."""
    steps = [_sign(b - a) for a, b in itertools.pairwise(values)]
    # a run of n points is n - 1 steps of the same sign; its points are the steps' ends
    out = [0] * len(values)
    for k, s in enumerate(_runs(steps, length - 1)):
        if s:
            out[k] = out[k + 1] = s
    return out


def two_of_three_flags(beyond: Sequence[int]) -> list[int]:
    """``beyond``: +1/-1 where a point is beyond two sigma above/below the mean, else 0. Flags the
    beyond-points of any three consecutive points with two or more beyond on the same side."""
    out = [0] * len(beyond)
    for i in range(len(beyond) - 2):
        window = beyond[i : i + 3]
        for side in (1, -1):
            if sum(1 for b in window if b == side) >= 2:
                for k in range(i, i + 3):
                    if beyond[k] == side:
                        out[k] = side
    return out


def _point_type(
    rules: list[Rule], value: float, mean: float, trend_side: int, direction: Direction
) -> PointType:
    if not rules:
        return PointType.COMMON_CAUSE
    if direction is Direction.NEUTRAL:
        return PointType.NEITHER
    side = trend_side if rules == [Rule.TREND] else _sign(value - mean)
    better = 1 if direction is Direction.INCREASE else -1
    return PointType.IMPROVEMENT if side == better else PointType.CONCERN


def assurance(
    lower: float, upper: float, target: float | None, direction: Direction
) -> Assurance | None:
    """MDC assurance icon from process limits and a target (None without target or direction)."""
    if target is None or direction is Direction.NEUTRAL:
        return None
    if lower <= target <= upper:
        return Assurance.HIT_AND_MISS
    passes = lower > target if direction is Direction.INCREASE else upper < target
    return Assurance.CONSISTENT_PASS if passes else Assurance.CONSISTENT_FAIL


def _segment_bounds(labels: Sequence[str], recalcs: Sequence[Recalculation]) -> list[int]:
    index = {label: i for i, label in enumerate(labels)}
    starts = [0]
    for r in recalcs:
        if r.at not in index:
            raise SpcInputError(f"recalculation point must be one of the periods, got {r.at!r}")
        i = index[r.at]
        if i <= starts[-1]:
            raise SpcInputError(
                "recalculation points must be in time order, after the first period and"
                f" at least one period apart, got {r.at!r}"
            )
        starts.append(i)
    return starts


def xmr(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    direction: Direction = Direction.NEUTRAL,
    target: float | None = None,
    baseline_points: int | None = None,
    recalculations: Sequence[Recalculation] = (),
    rules: SpcRules | None = None,
) -> SpcResult:
    """The XmR chart of ``values`` (time order) with MDC's rules, icons and recalculations."""
    rules = rules or SpcRules()
    if len(labels) != len(values):
        raise SpcInputError(f"need one value per period, got {len(values)} for {len(labels)}")
    if len(set(labels)) != len(labels):
        raise SpcInputError("period labels must be unique")
    if len(values) < 2:
        raise SpcInputError(f"an XmR chart needs at least 2 points, got {len(values)}")
    if not all(math.isfinite(v) for v in values):
        raise SpcInputError("every value must be a finite number (leave missing periods out)")
    if baseline_points is not None and baseline_points < 2:
        raise SpcInputError(f"the baseline must have at least 2 points, got {baseline_points}")
    starts = _segment_bounds(labels, recalculations)
    ends = [*starts[1:], len(values)]
    reasons = ["initial baseline", *(r.reason for r in recalculations)]
    segments: list[Segment] = []
    points: list[SpcPoint] = []
    for s, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        vals = list(values[lo:hi])
        n_base = len(vals) if baseline_points is None else min(baseline_points, len(vals))
        if n_base < 2:
            raise SpcInputError(
                f"the segment from {labels[lo]} needs at least 2 points for its limits, got"
                f" {n_base}"
            )
        mean, mmr = _limits(vals[:n_base], rules.screen_outliers)
        half = LIMIT_FACTOR * mmr
        seg = Segment(
            start=labels[lo],
            end=labels[hi - 1],
            baseline=tuple(labels[lo : lo + n_base]),
            mean=mean,
            mean_moving_range=mmr,
            lower_limit=mean - half,
            upper_limit=mean + half,
            reason=reasons[s],
        )
        segments.append(seg)
        two_sigma = 2.0 * seg.sigma
        shift = shift_flags(vals, mean, rules.shift_points)
        trend = trend_flags(vals, rules.trend_points)
        beyond = [_sign(v - mean) if abs(v - mean) > two_sigma else 0 for v in vals]
        near = two_of_three_flags(beyond)
        mrs = [None, *_moving_ranges(vals)]
        for k, v in enumerate(vals):
            hit: list[Rule] = []
            if v > seg.upper_limit or v < seg.lower_limit:
                hit.append(Rule.OUTSIDE_LIMITS)
            if shift[k]:
                hit.append(Rule.SHIFT)
            if trend[k]:
                hit.append(Rule.TREND)
            if near[k]:
                hit.append(Rule.TWO_OF_THREE)
            points.append(
                SpcPoint(
                    label=labels[lo + k],
                    value=v,
                    segment=s,
                    moving_range=mrs[k],
                    mean=mean,
                    lower_limit=seg.lower_limit,
                    upper_limit=seg.upper_limit,
                    rules=tuple(hit),
                    point_type=_point_type(hit, v, mean, trend[k], direction),
                )
            )
    last = segments[-1]
    return SpcResult(
        points=tuple(points),
        segments=tuple(segments),
        direction=direction,
        target=target,
        rules=rules,
        variation=points[-1].point_type,
        assurance=assurance(last.lower_limit, last.upper_limit, target, direction),
    )
