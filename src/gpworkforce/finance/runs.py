"""From a forecast run to a :class:`~gpworkforce.finance.costing.Workforce` (WTE by group, gap).

Consumes the forecast's public results only (``ForecastRun``, ``HeeTable``, ``CohortForecast``,
``CohortSummary``):

* **hee-linear**: the plan's straight line from the baseline to the position, one point a year
  from ``baseline_date``. Group ``GP`` is the GP WTE (position without the role-substitution
  line); each substitute role (e.g. ``DPC_PHARMACIST``) is a group whose headcount grows linearly
  to the scenario's number (1 head = 1 WTE, as the plan counts them). With draws, every line is
  recomputed per draw with the same draws the forecast used (same seed, same parameter names).
  The gap is ``target.wte - GP-equivalent position`` (the plan's 639 - 541 = 98 at the baseline).
* **cohort**: every draw of the forecast at whole years from the start, through the forecast's
  method interface (``COHORT.run``, ``CohortSummary``): WTE per class from one organisation
  holding every organisation's stocks, and the gap (``demand - GP-equivalent supply`` clipped at
  0 per organisation, then summed) from the streamed summary priced at GBP 1 a WTE
  (:func:`cohort_workforce`). When organisations do not share draws (``[correlation] draws =
  'independent'`` or ``'hierarchical'``) both come from the summary, which sums each
  organisation in its own run of each draw, so a draw's cost is the whole system's in that draw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from gpworkforce.errors import Issue, Location, UserError, ValidationFailed
from gpworkforce.finance.costing import Workforce
from gpworkforce.forecast.cohort import CohortForecast
from gpworkforce.forecast.cohort_mc import TOTAL, CohortSummary, SummaryOptions
from gpworkforce.forecast.distributions import central
from gpworkforce.forecast.engine import EngineOptions
from gpworkforce.forecast.hee_linear import position
from gpworkforce.forecast.io import load_cohort_data
from gpworkforce.forecast.methods import COHORT, CohortSpec, RunRequest
from gpworkforce.forecast.outputs import yearly
from gpworkforce.forecast.runner import MAX_DRAWS, ForecastRun, RunOptions, run_scenario
from gpworkforce.forecast.scenario import CostConfig, uncertain_fields
from gpworkforce.forecast.scenario_io import LoadedScenario, load_scenario
from gpworkforce.forecast.uncertainty import draw_parameters


def _hee_values(run: ForecastRun) -> dict[str, Any] | None:
    s = run.loaded.scenario
    dists = uncertain_fields(s)
    if run.draws <= 0 or not dists:
        return None
    drawn = draw_parameters(dists, run.draws, s.seed)
    return {n: drawn.column(n) for n in drawn.names}


def _draws(values: dict[str, Any] | None, key: str, value: Any, n: int) -> np.ndarray:
    if values is not None and key in values:
        return np.asarray(values[key], dtype=np.float64)
    return np.full(n, central(value))


def hee_workforce(run: ForecastRun) -> Workforce:
    s = run.loaded.scenario
    cfg = s.hee_linear
    assert cfg is not None
    if cfg.baseline_date is None:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=str(run.loaded.path), field="hee_linear.baseline_date"),
                    "be given to cost the scenario year by year",
                    "nothing",
                )
            ],
            summary="scenario cannot be costed",
        )
    values = _hee_values(run)
    n = run.draws + 1 if values is not None else 1
    pos_all = np.broadcast_to(np.asarray(position(cfg, values), dtype=np.float64), (n,))
    pos_gp = np.broadcast_to(
        np.asarray(position(cfg.model_copy(update={"substitutes": []}), values), np.float64), (n,)
    )
    base = _draws(values, "hee_linear.baseline_wte", cfg.baseline_wte, n)
    years = cfg.years
    frac = np.arange(years + 1, dtype=np.float64) / years  # [Y]
    start = cfg.baseline_date
    dates = tuple(start.replace(year=start.year + i) for i in range(years + 1))
    gp = base[:, None] + (pos_gp - base)[:, None] * frac[None, :]
    equiv = base[:, None] + (pos_all - base)[:, None] * frac[None, :]
    groups = ["GP"]
    cols = [gp]
    for i, sub in enumerate(cfg.substitutes):
        head = _draws(values, f"hee_linear.substitutes[{i}].headcount", sub.headcount, n)
        if sub.role in groups:
            cols[groups.index(sub.role)] = cols[groups.index(sub.role)] + head[:, None] * frac
        else:
            groups.append(sub.role)
            cols.append(head[:, None] * frac[None, :])
    gap = None
    t = s.target
    if t is not None and t.wte is not None:
        gap = t.wte - equiv
    return Workforce(
        scenario=s.name,
        dates=dates,
        groups=tuple(groups),
        wte=np.stack(cols, axis=2),
        gap=gap,
        gap_label=f"Gap to {t.label}" if t is not None else "Gap to target",
    )


def _cohort_values(spec: CohortSpec, draws: int, seed: int) -> dict[str, Any] | None:
    """The forecast's draws: the same distributions, master seed and parameter names
    (``draw_parameters`` keys each parameter's stream by its name), row 0 the central case."""
    dists = spec.distributions()
    if draws <= 0 or not dists:
        return None
    drawn = draw_parameters(dists, draws, seed)
    return {n: drawn.column(n) for n in drawn.names}


def cohort_workforce(loaded: LoadedScenario, draws: int) -> Workforce:
    """WTE per class ``[D, Y, K]`` and the gap ``[D, Y]`` of a cohort run, every draw, at whole
    years from the start, in two runs through the forecast's method interface:

    * **WTE per class**: the engine on one organisation holding the sum of every organisation's
      starting stocks. The engine is linear in the stocks and inflows and its rates do not depend
      on the organisation, and inflows shared over organisations sum to the stream, so the total
      of the organisations' paths is the path of their total (tested against the full run).
    * **gap**: the forecast's streamed Monte Carlo summary priced at GBP 1 per WTE with no locum
      premium, whose whole-year ``cost_salaried`` for ``TOTAL`` is the sum over organisations of
      ``max(gap, 0)`` per draw (one organisation's surplus does not fill another's gap).

    Both use the forecast's own draws (same seed and parameter names); the scenario's own
    ``[costs]`` draws are left out of the gap run so the unit price stays 1.
    """
    s = loaded.scenario
    assert s.cohort is not None
    data = load_cohort_data(loaded)
    spec = CohortSpec(s.cohort, data, s.costs)
    values = _cohort_values(spec, draws, s.seed)
    if values is not None and s.correlation.draws != "shared":
        return _own_draws_workforce(loaded, data, values)
    stocks = data.stocks
    total = (
        stocks.groupby(["class", "band"], as_index=False, sort=False)[["headcount", "fte"]]
        .sum()
        .assign(org="ALL")
        .loc[:, list(stocks.columns)]
    )
    one = CohortSpec(s.cohort, replace(data, stocks=total, patients=None), s.costs)
    options = EngineOptions(record_every=s.cohort.steps_per_year)
    fc: CohortForecast = COHORT.run(one, RunRequest(values=values, options=options)).detail
    idx = yearly(fc)
    fte = fc.engine.fte[:, idx].sum(axis=(2, 4))  # [D, Y, K]
    dates: tuple[dt.date, ...] = tuple(fc.dates[i] for i in idx)
    gap = None
    if s.cohort.demand is not None and data.patients is not None:
        unit = CohortSpec(s.cohort, data, CostConfig(salaried_gp_cost=1.0, locum_premium=0.0))
        kept = (
            None
            if values is None
            else {k: v for k, v in values.items() if not k.startswith("costs.")}
        )
        summary_options = SummaryOptions(org_measures=(), every_step=())
        summary: CohortSummary = COHORT.run(
            unit, RunRequest(values=kept, options=summary_options)
        ).detail
        gap = summary.group_paths["cost_salaried"][:, :, summary.groups.index(TOTAL)]
        if gap.shape != fte.shape[:2]:
            raise RuntimeError(f"gap {gap.shape} and WTE {fte.shape} runs or years differ")
    label = s.target.label if s.target is not None else "demand"
    return Workforce(
        scenario=s.name,
        dates=dates,
        groups=tuple(fc.engine.classes),
        wte=np.ascontiguousarray(fte, dtype=np.float64),
        gap=None if gap is None else np.ascontiguousarray(gap, dtype=np.float64),
        gap_label=f"Gap to demand ({label})",
    )


def _own_draws_workforce(loaded: LoadedScenario, data: Any, values: dict[str, Any]) -> Workforce:
    """WTE per class and the gap of a cohort run whose organisations do not share draws
    (``[correlation] draws = 'independent'`` or ``'hierarchical'``): one streamed summary, with
    the forecast's own orders of the runs (same seed, groups and share), which sums each
    organisation in its own run per draw (:func:`~gpworkforce.forecast.cohort_mc.summarise_cohort`),
    priced at GBP 1 a WTE so that its ``TOTAL`` cost is the summed ``max(gap, 0)``."""
    s = loaded.scenario
    assert s.cohort is not None
    groups = None
    if s.output.groups == "icb":
        from gpworkforce.forecast.calibration import icb_map

        groups = icb_map()
    unit = CohortSpec(s.cohort, data, CostConfig(salaried_gp_cost=1.0, locum_premium=0.0))
    kept = {k: v for k, v in values.items() if not k.startswith("costs.")}
    options = SummaryOptions(
        org_measures=(),
        every_step=(),
        groups=groups,
        correlation=s.correlation.draws,
        group_share=s.correlation.group_share,
        seed=s.seed,
    )
    summary: CohortSummary = COHORT.run(unit, RunRequest(values=kept, options=options)).detail
    return _from_summary(loaded, summary)


def _from_summary(loaded: LoadedScenario, summary: CohortSummary | None) -> Workforce:
    s = loaded.scenario
    if summary is None or summary.class_fte is None:
        raise UserError(f"{loaded.path}: the run kept no per-draw staff groups to cost")
    dates: tuple[dt.date, ...] = tuple(summary.dates[i] for i in summary.yearly)
    gap = None
    if summary.shortfall is not None:
        gap = summary.shortfall[:, :, summary.groups.index(TOTAL)]
    label = s.target.label if s.target is not None else "demand"
    return Workforce(
        scenario=s.name,
        dates=dates,
        groups=summary.classes,
        wte=np.ascontiguousarray(summary.class_fte, dtype=np.float64),
        gap=None if gap is None else np.ascontiguousarray(gap, dtype=np.float64),
        gap_label=f"Gap to demand ({label})",
    )


def summary_workforce(run: ForecastRun) -> Workforce:
    """WTE per class ``[D, Y, K]`` and the gap ``[D, Y]`` of a cohort run the forecast has
    already made (its streamed Monte Carlo summary keeps, per draw, the FTE of each class over
    all organisations and the sum over organisations of ``max(gap, 0)`` at whole years): no
    second run. Gives what :func:`cohort_workforce` gives for the same scenario and draws. With
    organisations' own draws (independent, hierarchical) both are summed organisation by
    organisation in the run each organisation's draws were, so each draw's cost is the whole
    system's in that draw."""
    return _from_summary(run.loaded, run.summary)


def run_workforce(run: ForecastRun) -> Workforce:
    """The WTE by year and staff group and the gap, per draw, of a forecast run already made
    (``gpworkforce forecast`` costs its own run this way)."""
    if run.hee is not None:
        return hee_workforce(run)
    return summary_workforce(run)


def workforce_of(
    path: str | Path, draws: int = 0, progress: Callable[[str], None] | None = None
) -> tuple[LoadedScenario, Workforce]:
    """Run the scenario and give its WTE by year and staff group and its gap, per draw (draw 0 =
    central)."""
    say = progress or (lambda _m: None)
    if not 0 <= draws <= MAX_DRAWS:
        raise UserError(f"--draws must be between 0 and {MAX_DRAWS}, got {draws}")
    loaded = load_scenario(path)
    method = loaded.scenario.method
    say(f"scenario {loaded.scenario.name!r} ({method}), {draws} draws")
    if method == "hee-linear":
        run = run_scenario(path, draws=draws, options=RunOptions(charts=False))
        return loaded, hee_workforce(run)
    if method == "cohort":
        say("running the cohort engine (WTE per class; gap from the streamed summary)")
        return loaded, cohort_workforce(loaded, draws)
    raise UserError(
        f"{path}: method must be 'hee-linear' or 'cohort' to be costed (staff groups by year),"
        f" got {method!r}"
    )
