"""Sensitivity: which assumptions move the gap most (tornado), and rank correlations from draws.

An *outcome* is a function from parameter values to one number per run: it takes a mapping of
field paths (``hee_linear.over55_loss_rate``, ``cohort.leaving[0].rate``) to arrays of length
``D`` and returns an array of length ``D``. Both forecast methods accept such mappings, so one
call evaluates every run at once.

Tornado (one at a time): every uncertain parameter is set in turn to its P10 and its P90 while all
others stay at their central values; the *swing* is the absolute difference of the two outcomes.
Bars are ranked by swing. Run 0 of the same call is the central case, so all bars share a centre.

Rank correlation (optional): Spearman's rho between each parameter's Monte Carlo draws and the
outcome over the same draws; it shows association when everything varies together.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.forecast.uncertainty import ParameterDraws, as_dist, draw_parameters

Values = Mapping[str, np.ndarray]
OutcomeFn = Callable[[Values], np.ndarray]


@dataclass(frozen=True, slots=True)
class TornadoBar:
    parameter: str
    low_value: float  # the parameter's P10
    high_value: float  # its P90
    outcome_low: float  # outcome with the parameter at P10 (others central)
    outcome_high: float
    central_outcome: float

    @property
    def swing(self) -> float:
        return abs(self.outcome_high - self.outcome_low)


def tornado(outcome: OutcomeFn, distributions: Mapping[str, Any]) -> list[TornadoBar]:
    """One-at-a-time P10/P90 swings of ``outcome``, largest first (one vectorised call)."""
    names = sorted(distributions)
    dists = {n: as_dist(distributions[n]) for n in names}
    runs = 1 + 2 * len(names)
    values = {n: np.full(runs, dists[n].central) for n in names}
    for j, n in enumerate(names):
        values[n][1 + 2 * j] = dists[n].quantile(0.1)
        values[n][2 + 2 * j] = dists[n].quantile(0.9)
    y = np.broadcast_to(np.asarray(outcome(values), dtype=float), (runs,))
    bars = [
        TornadoBar(
            parameter=n,
            low_value=float(values[n][1 + 2 * j]),
            high_value=float(values[n][2 + 2 * j]),
            outcome_low=float(y[1 + 2 * j]),
            outcome_high=float(y[2 + 2 * j]),
            central_outcome=float(y[0]),
        )
        for j, n in enumerate(names)
    ]
    return sorted(bars, key=lambda b: (-b.swing, b.parameter))


def tornado_frame(bars: list[TornadoBar]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": range(1, len(bars) + 1),
            "parameter": [b.parameter for b in bars],
            "p10_value": [b.low_value for b in bars],
            "p90_value": [b.high_value for b in bars],
            "outcome_at_p10": [b.outcome_low for b in bars],
            "outcome_at_p90": [b.outcome_high for b in bars],
            "central_outcome": [b.central_outcome for b in bars],
            "swing": [b.swing for b in bars],
        }
    )


def monte_carlo(
    outcome: OutcomeFn, distributions: Mapping[str, Any], n_draws: int, seed: int
) -> tuple[ParameterDraws, np.ndarray]:
    """Draw every parameter up front (run 0 central) and evaluate all runs in one call."""
    draws = draw_parameters(distributions, n_draws, seed)
    values = {n: draws.column(n) for n in draws.names}
    y = np.broadcast_to(np.asarray(outcome(values), dtype=float), (draws.n_runs,))
    return draws, np.array(y)


def _ranks(x: np.ndarray) -> np.ndarray:
    return pd.Series(x).rank(method="average").to_numpy()


def rank_correlations(draws: ParameterDraws, outcome: np.ndarray) -> pd.DataFrame:
    """Spearman's rho of each parameter with the outcome over draws 1..N, strongest first."""
    y = _ranks(outcome[1:])
    rows = []
    for name in draws.names:
        x = draws.column(name)[1:]
        rho = math.nan
        if np.ptp(x) > 0 and np.ptp(y) > 0:
            rho = float(np.corrcoef(_ranks(x), y)[0, 1])
        rows.append({"parameter": name, "spearman_rho": rho})
    frame = pd.DataFrame(rows)
    order = frame["spearman_rho"].abs().fillna(-1).sort_values(ascending=False).index
    return frame.loc[order].reset_index(drop=True)


# -- outcomes of scenarios ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioOutcome:
    """A scenario's outcome function and what it measures."""

    fn: OutcomeFn
    label: str
    distributions: Mapping[str, Any]


def _nearest_index(dates: tuple[dt.date, ...], when: dt.date) -> int:
    return int(np.argmin([abs((d - when).days) for d in dates]))


def scenario_outcome(loaded: Any, year: int = 2030) -> ScenarioOutcome:
    """The gap a scenario forecasts, as an outcome of its uncertain assumptions.

    ``hee-linear``: target WTE minus the end position (the position itself, negated so that larger
    is worse, when the scenario has no absolute target). ``cohort``: the gap summed over the
    scenario's organisations at the recorded date nearest 30 September of ``year`` (the horizon's
    last date if it ends earlier).
    """
    from gpworkforce.forecast.scenario import uncertain_fields

    scenario = loaded.scenario
    dists = uncertain_fields(scenario)
    from gpworkforce.forecast.methods import COHORT, HEE_LINEAR, RunRequest

    if scenario.method == "hee-linear":
        from gpworkforce.forecast.methods import HeeSpec

        cfg = scenario.hee_linear
        spec = HeeSpec(cfg, scenario.name)
        target = scenario.target.wte if scenario.target is not None else None
        end_year = (cfg.baseline_date.year if cfg.baseline_date else 0) + cfg.years

        def hee_fn(values: Values) -> np.ndarray:
            pos = HEE_LINEAR.run(spec, RunRequest(values=values)).supply[:, -1, 0]
            return (target - pos) if target is not None else -pos

        what = "gap (target - position)" if target is not None else "minus the position"
        label = f"WTE GP {what} in {end_year or 'the last year'}"
        return ScenarioOutcome(hee_fn, label, dists)
    from gpworkforce.forecast.engine import EngineOptions
    from gpworkforce.forecast.io import load_cohort_data
    from gpworkforce.forecast.methods import CohortSpec

    cohort_spec = CohortSpec(scenario.cohort, load_cohort_data(loaded), scenario.costs)

    def forecast(values: Values | None) -> Any:
        request = RunRequest(values=values or None, options=EngineOptions(sum_orgs=True))
        return COHORT.run(cohort_spec, request).detail

    central_run = forecast(None)
    r = _nearest_index(central_run.dates, dt.date(year, 9, 30))
    has_gap = central_run.gap is not None

    def cohort_fn(values: Values) -> np.ndarray:
        fc = forecast(values)
        measure = fc.gap if has_gap else -fc.supply_gp_equiv
        return measure[:, r, :].sum(axis=-1)

    what = "WTE GP gap (demand - supply)" if has_gap else "minus GP-equivalent WTE supply"
    return ScenarioOutcome(cohort_fn, f"{what} on {labels.date_text(central_run.dates[r])}", dists)


# -- chart -----------------------------------------------------------------------------------------


def tornado_chart(bars: list[TornadoBar], title: str, outcome_label: str) -> Any:
    """Altair chart: one horizontal bar per parameter from its P10 to its P90 outcome."""
    import altair as alt

    frame = pd.DataFrame(
        {
            "parameter": [labels.lever(b.parameter) for b in bars],
            "low": [min(b.outcome_low, b.outcome_high) for b in bars],
            "high": [max(b.outcome_low, b.outcome_high) for b in bars],
            "at": [
                "P10 lowers the outcome" if b.outcome_low <= b.outcome_high else "P10 raises it"
                for b in bars
            ],
        }
    )
    order = list(frame["parameter"])
    centre = bars[0].central_outcome if bars else 0.0
    base = alt.Chart(frame).encode(
        y=alt.Y("parameter:N", sort=order, title=None, axis=alt.Axis(labelLimit=420))
    )
    spans = base.mark_bar().encode(
        x=alt.X("low:Q", title=outcome_label, scale=alt.Scale(zero=False)),
        x2="high:Q",
        color=alt.Color("at:N", title="Direction"),
        tooltip=[
            alt.Tooltip("parameter:N", title="Assumption"),
            alt.Tooltip("low:Q", title="Lowest result", format=",.1f"),
            alt.Tooltip("high:Q", title="Highest result", format=",.1f"),
        ],
    )
    rule = alt.Chart(pd.DataFrame({"x": [centre]})).mark_rule(color="black").encode(x="x:Q")
    label = (
        alt.Chart(pd.DataFrame({"x": [centre], "text": [f"Central case: {centre:,.1f}"]}))
        .mark_text(align="left", dx=4, dy=-4, color="black", y=0)
        .encode(x="x:Q", text="text:N")
    )
    from gpworkforce.reports.charts import FONT, heading

    finding = ""
    if bars:
        top = max(bars, key=lambda b: abs(b.outcome_high - b.outcome_low))
        lo, hi = sorted((top.outcome_low, top.outcome_high))
        finding = f"{labels.lever(top.parameter)} moves it most: from {lo:,.1f} to {hi:,.1f}"
    return (
        (spans + rule + label)
        .properties(
            title=heading(finding, title) if finding else title,
            width=520,
            height=max(60, 26 * len(bars)),
        )
        .configure(font=FONT)  # the font the labels were measured in is the one drawn
        .configure_legend(labelLimit=400)
    )


def write_svg(chart: Any, path: Path) -> Path:
    """Render an Altair chart to static SVG with vl-convert, written atomically."""
    import vl_convert as vlc

    from gpworkforce.exports import atomic_write_text

    svg = vlc.vegalite_to_svg(chart.to_json())
    return atomic_write_text(path, svg)
