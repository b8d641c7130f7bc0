"""Method ``cohort``: run the engine for a scenario and derive supply, demand, gap and cost.

Per draw ``d``, recorded step ``r`` and organisation ``o`` (all arrays ``[D, R, O]``):

* ``supply_hc``       headcount of GP classes that count towards supply (``gp_equivalent > 0``)
* ``supply_fte``      WTE of GP classes times their ``gp_equivalent`` (registrars at 0 drop out)
* ``supply_gp_equiv`` every class's FTE x (gp_equivalent - supervision_gp_fte): GP supply with
  substitutes counted at their ratio, net of the GP time spent supervising them
* ``registered``      patients grown by the demand driver's index
* ``demand``          WTE GPs demanded under the scenario's rule
* ``gap``             ``demand - supply_gp_equiv`` (positive = shortfall)
* ``per_1000``        ``supply_gp_equiv / registered x 1000``
* ``cost_salaried`` / ``cost_locum``  annual cost of filling the gap (:mod:`.costs`)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.forecast.build import _Values, build_assumptions, compile_inputs, is_gp_class
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.costs import gap_costs
from gpworkforce.forecast.demand import demand_wte, need_index, patient_index
from gpworkforce.forecast.engine import (
    EngineInputs,
    EngineOptions,
    EngineResult,
    recorded_steps,
    run,
)
from gpworkforce.forecast.scenario import CostConfig

Array = NDArray[np.float64]


@dataclass(frozen=True)
class CohortForecast:
    """Outputs per draw, recorded date and organisation (see module docstring)."""

    dates: tuple[dt.date, ...]
    orgs: tuple[str, ...]
    engine: EngineResult
    supply_hc: Array
    supply_fte: Array
    supply_gp_equiv: Array
    registered: Array | None
    demand: Array | None
    gap: Array | None
    per_1000: Array | None
    cost_salaried: Array | None
    cost_locum: Array | None

    @property
    def draws(self) -> int:
        return int(self.supply_fte.shape[0])

    def measures(self) -> dict[str, Array]:
        """Every output that exists, by name."""
        names = (
            "supply_hc",
            "supply_fte",
            "supply_gp_equiv",
            "registered",
            "demand",
            "gap",
            "per_1000",
            "cost_salaried",
            "cost_locum",
        )
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def step_dates(
    start: dt.date, steps: NDArray[np.int64], steps_per_year: int
) -> tuple[dt.date, ...]:
    """Date of each recorded step: month ends after ``start`` (a month end stays one)."""
    months = steps * (12 // steps_per_year)
    base = pd.Timestamp(start)
    at_end = base.is_month_end
    out = []
    for m in months:
        stamp = (
            base + pd.offsets.MonthEnd(int(m)) if at_end else base + pd.DateOffset(months=int(m))
        )
        out.append(stamp.date())
    return tuple(out)


def _patients(
    cfg: CohortConfig, orgs: tuple[str, ...], frame: pd.DataFrame
) -> tuple[Array, Array | None]:
    by_org = frame.set_index("org")
    missing = [o for o in orgs if o not in by_org.index]
    if missing:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(field="cohort.demand.patients"),
                    "give patients for every organisation with stocks",
                    f"none for {missing[:10]}",
                )
            ],
            summary="demand cannot be computed",
        )
    reg = by_org.loc[list(orgs), "registered"].to_numpy(dtype=np.float64)
    weighted = None
    if "weighted" in by_org.columns and by_org.loc[list(orgs), "weighted"].notna().all():
        weighted = by_org.loc[list(orgs), "weighted"].to_numpy(dtype=np.float64)
    return reg, weighted


MAX_BATCH_BYTES = 512 * 2**20  # engine output kept per batch of draws


def _batches(draws: int, inputs: EngineInputs, options: EngineOptions | None) -> list[slice]:
    """Split the draws so one batch's stocks (and flows) stay under :data:`MAX_BATCH_BYTES`."""
    opts = options or EngineOptions()
    n_rec = len(recorded_steps(inputs.n_steps, opts.record_every))
    orgs = 1 if opts.sum_orgs else len(inputs.orgs)
    cells = orgs * len(inputs.classes) * len(inputs.bands)
    per_draw = 2 * 8 * cells * (n_rec + (13 * inputs.n_steps if opts.record_flows else 0))
    size = max(1, MAX_BATCH_BYTES // max(per_draw, 1))
    return [slice(i, min(i + size, draws)) for i in range(0, draws, size)]


def _supply(
    res: EngineResult, eq: Array, sup: Array, gp: NDArray[np.bool_]
) -> tuple[Array, Array, Array]:
    """GP headcount, GP WTE and GP-equivalent WTE ``[D, R, O]`` from the engine's stocks."""
    fte_k = res.fte.sum(axis=4)  # [D, R, O, K]
    hc_k = res.headcount.sum(axis=4)
    counts = gp[None, :] & (eq > 0)
    supply_hc = (hc_k * counts[:, None, None, :]).sum(axis=3)
    supply_fte = (fte_k * (eq * gp[None, :])[:, None, None, :]).sum(axis=3)
    supply_eq = (fte_k * (eq - sup)[:, None, None, :]).sum(axis=3)
    return supply_hc, supply_fte, supply_eq


def run_cohort(
    cfg: CohortConfig,
    stocks: pd.DataFrame,
    *,
    patients: pd.DataFrame | None = None,
    population_index: Array | None = None,
    costs: CostConfig | None = None,
    values: Mapping[str, Any] | None = None,
    options: EngineOptions | None = None,
    org_inflows: Mapping[int, pd.DataFrame] | None = None,
) -> CohortForecast:
    """Run the cohort method. ``values`` maps field paths to draws (``D`` each); without it the
    run is the central case (``D = 1``). ``population_index`` is the projection by weight row
    at every step 0..T (:func:`~gpworkforce.forecast.demand.patient_index`)."""
    tax = load_taxonomy()
    costs = costs or CostConfig()
    inputs = compile_inputs(cfg, stocks, tax, org_inflows)
    gp = np.array([is_gp_class(c.role, tax) for c in cfg.classes])
    v = _Values(values)
    supplies: list[tuple[Array, Array, Array]] = []
    result: EngineResult | None = None
    for batch in _batches(v.draws, inputs, options):
        sliced = None if values is None else {k: a[batch] for k, a in v.values.items()}
        assume = build_assumptions(cfg, sliced)
        res = run(inputs, assume.engine, options)
        if result is None:  # the first batch holds run 0, the central case
            result = res
        supplies.append(_supply(res, assume.gp_equivalent, assume.supervision, gp))
    assert result is not None
    supply_hc, supply_fte, supply_eq = (
        np.concatenate(x, axis=0) for x in zip(*supplies, strict=True)
    )
    steps = result.steps
    D = supply_eq.shape[0]
    dates = step_dates(cfg.start, steps, cfg.steps_per_year)
    registered = demand = gap = per_1000 = cost_s = cost_l = None
    d = cfg.demand
    if d is not None and patients is not None:
        index = patient_index(
            d, v.get, steps, cfg.steps_per_year, D, population_index, cfg.start.year
        )
        need = need_index(d, v.get, steps, cfg.steps_per_year, D, cfg.start.year)
        reg0, w0 = _patients(
            cfg, result.orgs if not (options and options.sum_orgs) else inputs.orgs, patients
        )
        if options is not None and options.sum_orgs:
            reg0 = np.array([reg0.sum()])
            w0 = None if w0 is None else np.array([w0.sum()])
        registered = index[:, :, None] * reg0[None, None, :]
        weighted = None if w0 is None else index[:, :, None] * w0[None, None, :]
        per = None if d.per_1000 is None else v.get("cohort.demand.per_1000", d.per_1000)
        base_supply = np.broadcast_to(supply_eq[:, 0, :], (D, supply_eq.shape[2]))
        demand = demand_wte(d.rule, per, registered, weighted, base_supply) * need[:, :, None]
        gap = demand - supply_eq
        per_1000 = supply_eq / registered * 1000.0
        cost_s, cost_l = gap_costs(
            gap,
            v.get("costs.salaried_gp_cost", costs.salaried_gp_cost),
            v.get("costs.locum_premium", costs.locum_premium),
        )
    return CohortForecast(
        dates=dates,
        orgs=result.orgs,
        engine=result,
        supply_hc=supply_hc,
        supply_fte=supply_fte,
        supply_gp_equiv=supply_eq,
        registered=registered,
        demand=demand,
        gap=gap,
        per_1000=per_1000,
        cost_salaried=cost_s,
        cost_locum=cost_l,
    )
