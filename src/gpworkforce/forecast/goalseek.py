"""Goal seeking: how much must one assumption change to meet the target with a given probability?

"What trainee retention (or international recruitment, or participation change) is needed to reach
the target by its date with probability p?" The parameter (a field path such as
``cohort.inflows[0].retention``) is shifted by ``delta`` in every Monte Carlo draw (its
uncertainty kept), every other assumption keeps its draws (common random numbers: the same draws
for every trial, so the probability moves only with ``delta``), and the probability that total
GP-equivalent supply reaches the target at its date is found as a function of ``delta``. The
smallest ``delta`` in ``[low, high]`` with probability >= p is found by bisection (the probability
is a step function of ``delta``, rising when more of the parameter means more supply; a falling
one is handled by the sign). The answer is reported with the probability reached, its Monte Carlo
standard error ``sqrt(p (1 - p) / N)`` and the supply band at the target date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from pydantic import BaseModel

from gpworkforce.errors import UserError
from gpworkforce.forecast.cohort_mc import SummaryOptions, run_cohort_summary, target_rows
from gpworkforce.forecast.distributions import DISTRIBUTIONS, central
from gpworkforce.forecast.methods import CohortSpec, RunRequest
from gpworkforce.forecast.methods._draws import request_values
from gpworkforce.forecast.scenario import TargetConfig

# the assumptions the builder reads per draw (gpworkforce.forecast.build.build_assumptions and
# run_cohort): only these can be shifted draw by draw
DRAWN = frozenset(
    {
        "annual_rate",
        "annual_change",
        "volume_factor",
        "retention",
        "attrition",
        "fte_per_head",
        "gp_equivalent",
        "supervision_gp_fte",
        "list_growth_rate",
        "need_trend",
        "list_factor",
        "growth_scale",
        "completion",
        "count",
        "per_1000",
        "salaried_gp_cost",
        "locum_premium",
    }
)


def numeric_fields(model: BaseModel, prefix: str) -> dict[str, Any]:
    """Every assumption the model can vary by draw (number or distribution), by field path."""
    out: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, DISTRIBUTIONS) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            if path.rsplit(".", 1)[-1] in DRAWN:
                out[path] = value
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(model, prefix)
    return out


@dataclass(frozen=True)
class GoalResult:
    parameter: str
    delta: float  # added to the parameter in every draw
    central_value: float  # the parameter's central value with delta
    probability: float  # of meeting the target with delta
    standard_error: float  # Monte Carlo standard error of that probability
    wanted: float  # probability asked
    supply_p10: float
    supply_p50: float
    supply_p90: float
    target_wte: float
    iterations: int
    draws: int


def _probability(
    spec: CohortSpec,
    target: TargetConfig,
    values: dict[str, np.ndarray],
    options: SummaryOptions | None = None,
) -> tuple[float, dict[str, float]]:
    summary = run_cohort_summary(
        spec.config,
        spec.data.stocks,
        patients=spec.data.patients,
        population_index=spec.data.population_index,
        costs=spec.costs,
        values=values,
        options=replace(options or SummaryOptions(), org_measures=(), every_step=(), threads=1),
        org_inflows=spec.data.org_inflows,
    )
    rows = target_rows(summary, target)
    if rows is None:
        raise UserError("goal seeking needs a [target] the forecast can be compared with")
    total = rows.iloc[-1]
    return float(total["probability_meeting_target"]), {
        k: float(total[k]) for k in ("supply_p10", "supply_p50", "supply_p90", "target_wte")
    }


def goal_seek(
    spec: CohortSpec,
    target: TargetConfig | None,
    parameter: str,
    probability: float,
    low: float,
    high: float,
    *,
    draws: int = 200,
    seed: int = 20170930,
    tolerance: float = 1e-4,
    max_iterations: int = 60,
    options: SummaryOptions | None = None,
) -> GoalResult:
    """The smallest shift of ``parameter`` in ``[low, high]`` that meets the target with at
    least ``probability`` (see the module docstring); ``options`` carries the scenario's
    correlation of draws (and groups) into every trial."""
    if target is None:
        raise UserError("goal seeking needs a [target] section in the scenario")
    if not 0 < probability < 1:
        raise UserError(f"--probability must be between 0 and 1, got {probability}")
    if not low < high:
        raise UserError(f"--low must be below --high, got {low} and {high}")
    fields = numeric_fields(spec.config, "cohort") | numeric_fields(spec.costs, "costs")
    if parameter not in fields:
        near = sorted(f for f in fields if f.split(".")[-1] == parameter.split(".")[-1])
        hint = f"; did you mean one of {near[:8]}" if near else ""
        raise UserError(
            f"--parameter must name a numeric field of the scenario, got {parameter!r}{hint}"
        )
    values, _ = request_values(spec.distributions(), RunRequest(draws=draws, seed=seed))
    values = dict(values or {})
    n_runs = len(next(iter(values.values()))) if values else draws + 1
    base = np.asarray(
        values.get(parameter, np.full(n_runs, central(fields[parameter]))), dtype=np.float64
    )

    def at(delta: float) -> tuple[float, dict[str, float]]:
        return _probability(spec, target, values | {parameter: base + delta}, options)

    p_low, _ = at(low)
    p_high, _ = at(high)
    rising = p_high >= p_low
    lo, hi = (low, high) if rising else (high, low)
    if max(p_low, p_high) < probability:
        raise UserError(
            f"even at {parameter} shifted by {high if rising else low:g} the probability is"
            f" {max(p_low, p_high):.3f}, below {probability}: widen --low/--high"
        )
    iterations = 0
    if min(p_low, p_high) >= probability:
        hi = lo  # already met at the bound nearest no change
    while abs(hi - lo) > tolerance and iterations < max_iterations:
        mid = 0.5 * (lo + hi)
        p_mid, _ = at(mid)
        if p_mid >= probability:
            hi = mid
        else:
            lo = mid
        iterations += 1
    p, band = at(hi)
    n = max(n_runs - 1, 1)
    return GoalResult(
        parameter=parameter,
        delta=hi,
        central_value=float(base[0] + hi),
        probability=p,
        standard_error=float(np.sqrt(p * (1 - p) / n)),
        wanted=probability,
        supply_p10=band["supply_p10"],
        supply_p50=band["supply_p50"],
        supply_p90=band["supply_p90"],
        target_wte=band["target_wte"],
        iterations=iterations,
        draws=n,
    )
