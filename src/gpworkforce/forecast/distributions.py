"""Uncertain numbers in scenarios: a plain number or a distribution with a ``kind``.

Every numeric assumption in a scenario is a :data:`Num`: either a float or one of the
distributions below, chosen in TOML by its ``kind``::

    leave_rate = 0.105
    leave_rate = { kind = "triangular", low = 0.08, mode = 0.105, high = 0.13 }

Each distribution has a ``.central`` value: the figure a deterministic run (and Monte Carlo run 0)
uses. This module only *describes* distributions; drawing from them is the uncertainty module's job
(``gpworkforce.forecast.uncertainty``). Lognormal is given by its median and 90th percentile (both
in the quantity's own units, easier to elicit than moments of the log); its central value is the
median. ``interval80`` is an 80% interval (P10, P90) read as a normal distribution.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# z-score of the 90th percentile of the standard normal distribution.
Z90 = 1.2815515655446004


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def central(self) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    @property
    def lower_bound(self) -> float:
        """A lower bound for validation (the smallest value a draw can plausibly take)."""
        raise NotImplementedError  # pragma: no cover

    @property
    def upper_bound(self) -> float:
        """An upper bound for validation (the largest value a draw can plausibly take)."""
        raise NotImplementedError  # pragma: no cover


class _MeanSd(_Dist):
    """A normal distribution given by its ``mean`` and ``sd`` (fields or properties of the
    subclass): central value the mean, plausible draws within 3 standard deviations of it."""

    @property
    def central(self) -> float:
        return self.mean

    @property
    def lower_bound(self) -> float:
        return self.mean - 3 * self.sd

    @property
    def upper_bound(self) -> float:
        return self.mean + 3 * self.sd


class Normal(_MeanSd):
    """Normal distribution. Central value: the mean."""

    kind: Literal["normal"] = Field(description="Distribution kind: 'normal'.")
    mean: float = Field(description="Mean (also the central value).")
    sd: float = Field(ge=0, description="Standard deviation, same units as the mean.")


class Triangular(_Dist):
    """Triangular distribution. Central value: the mode (the most likely value)."""

    kind: Literal["triangular"] = Field(description="Distribution kind: 'triangular'.")
    low: float = Field(description="Smallest possible value.")
    mode: float = Field(description="Most likely value (also the central value).")
    high: float = Field(description="Largest possible value.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"triangular needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    @property
    def central(self) -> float:
        return self.mode

    @property
    def lower_bound(self) -> float:
        return self.low

    @property
    def upper_bound(self) -> float:
        return self.high


class Uniform(_Dist):
    """Uniform distribution. Central value: the midpoint."""

    kind: Literal["uniform"] = Field(description="Distribution kind: 'uniform'.")
    low: float = Field(description="Smallest value.")
    high: float = Field(description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low <= self.high:
            raise ValueError(f"uniform needs low <= high, got {self.low}, {self.high}")
        return self

    @property
    def central(self) -> float:
        return (self.low + self.high) / 2

    @property
    def lower_bound(self) -> float:
        return self.low

    @property
    def upper_bound(self) -> float:
        return self.high


class LogNormal(_Dist):
    """Lognormal distribution given by its median and 90th percentile. Central value: the median.

    In terms of the log: ``mu = ln(median)``, ``sigma = ln(p90 / median) / 1.2816``.
    """

    kind: Literal["lognormal"] = Field(description="Distribution kind: 'lognormal'.")
    median: float = Field(gt=0, description="Median (also the central value); must be > 0.")
    p90: float = Field(gt=0, description="90th percentile; must be >= the median.")

    @model_validator(mode="after")
    def _ordered(self) -> LogNormal:
        if self.p90 < self.median:
            raise ValueError(f"lognormal needs p90 >= median, got {self.p90} < {self.median}")
        return self

    @property
    def mu(self) -> float:
        return math.log(self.median)

    @property
    def sigma(self) -> float:
        return math.log(self.p90 / self.median) / Z90

    @property
    def central(self) -> float:
        return self.median

    @property
    def lower_bound(self) -> float:
        return 0.0

    @property
    def upper_bound(self) -> float:
        return math.exp(self.mu + 3 * self.sigma)


class Interval80(_MeanSd):
    """An 80% interval (P10, P90), read as a normal distribution. Central value: the midpoint."""

    kind: Literal["interval80"] = Field(description="Distribution kind: 'interval80'.")
    p10: float = Field(description="10th percentile: 1 in 10 chance of a lower value.")
    p90: float = Field(description="90th percentile: 1 in 10 chance of a higher value.")

    @model_validator(mode="after")
    def _ordered(self) -> Interval80:
        if self.p10 > self.p90:
            raise ValueError(f"interval80 needs p10 <= p90, got {self.p10} > {self.p90}")
        return self

    @property
    def mean(self) -> float:
        return (self.p10 + self.p90) / 2

    @property
    def sd(self) -> float:
        return (self.p90 - self.p10) / (2 * Z90)


Distribution = Annotated[
    Normal | Triangular | Uniform | LogNormal | Interval80, Field(discriminator="kind")
]
"""Any distribution, chosen by its ``kind``."""

Num = float | Distribution
"""A numeric assumption: a plain number or a distribution."""

DISTRIBUTIONS: tuple[type[_Dist], ...] = (Normal, Triangular, Uniform, LogNormal, Interval80)


def central(value: float | _Dist) -> float:
    """The central value of a plain number (itself) or a distribution."""
    return value.central if isinstance(value, _Dist) else float(value)


def is_distribution(value: object) -> bool:
    return isinstance(value, _Dist)
