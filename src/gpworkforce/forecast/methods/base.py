"""The one interface every forecasting method implements (decision record 0044).

A *method* turns a method-specific specification (``spec``: a scenario section, or the inputs of
a back-test's trend model) and a :class:`RunRequest` (how many Monte Carlo draws, the master seed,
or parameter values fixed by the caller) into a :class:`Forecast`: GP supply per draw, date and
organisation, draw 0 the central case. Callers (the runner behind ``gpworkforce forecast``, the
sensitivity analysis and the back-tests) see only this interface; what a method can represent is
stated by its :attr:`ForecastMethod.supports` (the spec tests run every shared table against every
method claiming the capability it needs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

Capability = Literal[
    "draws",  # Monte Carlo draws in one call (run 0 central)
    "compound-rates",  # a rate r a year over n years keeps (1 - r) ** n
    "linear-rates",  # a rate r a year over n years loses r x n (the HEE arithmetic)
    "inflows",  # people joining (trainees, recruits)
    "age-bands",  # stocks by age band, ageing between bands
    "organisations",  # several organisations in one run
    "demand",  # demand, gap and cost per organisation
    "trend",  # a net growth trend with yearly shocks
]

SpecT_contra = TypeVar("SpecT_contra", contravariant=True)


@dataclass(frozen=True)
class RunRequest:
    """How to run: ``draws`` Monte Carlo draws besides the central case from ``seed``.

    ``values`` (field path -> array of runs, row 0 central) replaces the method's own drawing:
    the sensitivity analysis passes P10/P90 settings this way. ``options`` is method-specific
    (for ``cohort``: :class:`~gpworkforce.forecast.engine.EngineOptions`).
    """

    draws: int = 0
    seed: int = 20170930
    values: Mapping[str, Any] | None = None
    options: Any = None


@dataclass(frozen=True)
class Forecast:
    """What every method returns.

    ``supply`` is GP supply in WTE (GP-equivalent where the method counts substitutes),
    ``[runs, dates, orgs]`` with run 0 the central case; ``drawn`` names the parameters drawn;
    ``detail`` is the method's own result (``CohortForecast``, ``HeeTable``, ...) for outputs that
    only it has.
    """

    method: str
    dates: tuple[dt.date, ...] | tuple[int, ...]
    orgs: tuple[str, ...]
    supply: Array
    drawn: tuple[str, ...] = ()
    detail: Any = field(default=None, compare=False)

    @property
    def runs(self) -> int:
        return int(self.supply.shape[0])


class ForecastMethod(Protocol[SpecT_contra]):
    """A forecasting method: ``name``, what it ``supports``, and ``run``."""

    @property
    def name(self) -> str: ...

    @property
    def supports(self) -> frozenset[Capability]: ...

    def run(self, spec: SpecT_contra, request: RunRequest) -> Forecast:
        """Forecast ``spec``; run 0 is the central case, runs 1..draws the Monte Carlo draws."""
        ...
