"""Data types of the cohort engine's API: inputs, parameters, options, flows and results.

Re-exported by :mod:`gpworkforce.forecast.engine` (import them from there); see its docstring and
``gpworkforce.forecast.__init__`` for the equations and conventions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class InflowStream:
    """People arriving: per step and organisation, before the stream's multiplier.

    ``schedule`` is ``[T, O]`` headcount arriving in each step (already spread over time, e.g.
    trainees completing convolved with a joining profile); ``share`` is ``[K, A]`` (sums to 1):
    which class and age band they join.
    """

    name: str
    schedule: Array
    share: Array
    # optional: schedule == outer(pattern [T], allocation [O]) as the builder made it, which the
    # linear kernel uses instead of checking the schedule's rank
    factors: tuple[Array, Array] | None = None


@dataclass(frozen=True)
class EngineInputs:
    """What the engine starts from: labels, initial stocks, time grid and inflow schedules."""

    orgs: tuple[str, ...]
    classes: tuple[str, ...]
    bands: tuple[str, ...]
    headcount: Array  # [O, K, A], or [D, O, K, A] when each draw starts elsewhere (chained runs)
    fte: Array  # same shape as headcount
    steps_per_year: int
    n_steps: int
    inflows: tuple[InflowStream, ...] = ()

    @property
    def dt(self) -> float:
        return 1.0 / self.steps_per_year

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self.orgs), len(self.classes), len(self.bands))


@dataclass(frozen=True)
class EngineParams:
    """Rates, all *annual*; each may have a leading draws axis ``D``.

    leave_rate          [D?, K, A]  probability of leaving within a year (all causes)
    transition_rate     [D?, K, K]  probability a year of moving from class k to class j (diag 0)
    band_width_years    [D?, A]     years spent in each age band (``inf`` for the last)
    participation_rate  [D?, K]     proportional change a year in FTE per head (-0.03 = -3%),
                        or [D, K, A] by age band (the draws axis required, D = 1 for one
                        draw): applied to the band a person is in after ageing in the step
    inflow_multiplier   [D?, S]     scales stream s (retention, 1 - attrition, ...)
    inflow_fte_per_head [D?, S]     FTE per head of people arriving in stream s
    changes             ((step, EngineParams), ...): from step ``step`` on (0 < step < T,
                        increasing) the given parameters apply instead, e.g. rates that vary by
                        year; a change's own ``changes`` must be empty
    scheme              "sequential" (default): the rates above are annual probabilities
                        (participation an annual proportional change), compounded to the step
                        and applied one after another; "euler": they are continuous rates a year
                        (flow = stock x rate), every flow evaluated on the stocks at the start
                        of the step and ``stock + dt x net flow`` (Vensim/PySD integration)
    """

    leave_rate: ArrayLike
    transition_rate: ArrayLike
    band_width_years: ArrayLike
    participation_rate: ArrayLike
    inflow_multiplier: ArrayLike
    inflow_fte_per_head: ArrayLike
    changes: tuple[tuple[int, EngineParams], ...] = ()
    scheme: str = "sequential"


@dataclass(frozen=True)
class EngineOptions:
    """How to run and what to keep.

    record_every   keep stocks at steps 0, n, 2n, ... and the last step
    sum_orgs       keep only the total over organisations (orgs becomes ``("ALL",)``)
    record_flows   keep every flow of every step (needs ``record_every == 1``)
    org_chunk      organisations per chunk (smaller chunks stay in CPU cache); None = all
    threads        worker threads for chunks (NumPy releases the GIL)
    """

    record_every: int = 1
    sum_orgs: bool = False
    record_flows: bool = False
    org_chunk: int | None = None
    threads: int = 1


@dataclass(frozen=True)
class Flows:
    """Every flow of every step, ``[D, T, O, K, A]`` (headcount ``_hc`` and FTE ``_fte``)."""

    inflow_hc: Array
    inflow_fte: Array
    leavers_hc: Array
    leavers_fte: Array
    transfer_in_hc: Array
    transfer_out_hc: Array
    transfer_in_fte: Array
    transfer_out_fte: Array
    aged_in_hc: Array
    aged_out_hc: Array
    aged_in_fte: Array
    aged_out_fte: Array
    participation_fte: Array

    def net_hc(self) -> Array:
        return (
            self.inflow_hc
            - self.leavers_hc
            + self.transfer_in_hc
            - self.transfer_out_hc
            + self.aged_in_hc
            - self.aged_out_hc
        )

    def net_fte(self) -> Array:
        return (
            self.inflow_fte
            - self.leavers_fte
            + self.transfer_in_fte
            - self.transfer_out_fte
            + self.aged_in_fte
            - self.aged_out_fte
            + self.participation_fte
        )


FLOW_NAMES = tuple(Flows.__dataclass_fields__)


@dataclass(frozen=True)
class EngineResult:
    """Stocks at the recorded steps, ``[D, R, O, K, A]``, and optionally every flow."""

    orgs: tuple[str, ...]
    classes: tuple[str, ...]
    bands: tuple[str, ...]
    steps: NDArray[np.int64]  # recorded step indices, 0 = start
    steps_per_year: int
    headcount: Array
    fte: Array
    flows: Flows | None = field(default=None)

    @property
    def draws(self) -> int:
        return int(self.headcount.shape[0])

    def class_index(self, codes: list[str] | tuple[str, ...]) -> list[int]:
        return [self.classes.index(c) for c in codes]
