"""Back-test of the cohort engine itself: every area from September 2017, scored on Years 2019-2024.

For each area (every ICB, LLR = ``QK1`` among them) the forecast

1. starts from the area's actual fully qualified GPs in GPW Year 2018 (30 September 2017):
   headcount and FTE summed over the practices with both measures. The practice-year file has no
   age bands, so the stock is split by an *assumed* share over 55 (:data:`OVER55_SHARE`, the LLR
   plan's 87 of 541 WTE, Table 11) into two bands, under 55 and 55+;
2. takes annual net joiner, leaver and participation rates from :mod:`.calibration` estimated on
   Years 2016-2018 only (what was known in September 2017: no look-ahead);
3. runs the cohort engine (:mod:`.engine`) monthly, one GPW year at a time, the stocks of each
   year starting the next (the engine's starting stocks carry the draws axis), with Monte Carlo
   draws of every rate from one master seed (run 0 central);
4. scores qualified GP FTE against Years 2019-2024 with :func:`.backtest.score` (MAPE of the
   median, bias, P10-P90 coverage).

The engine's flows for one area and year (``dt = 1/12``, 12 steps):

* leavers at the calibrated leaver rate ``l``, split by band so that the 55+ band leaves
  :data:`RETIREMENT_RATIO` times as often as the under-55s and the start's mix leaves ``l``;
* ageing from under 55 to 55+ at ``1 / UNDER55_WIDTH_YEARS`` a year;
* participation (FTE per head) changing by the calibrated ``p`` a year;
* joiners ``j x`` headcount at the start of the year, spread evenly over its months, into the
  under-55 band at the area's FTE per head at the start of the year.

Rates as distributions. Each rate ``r`` of run ``d`` in forecast year ``h`` is
``mean + u_d + e_dh``: a persistent deviation ``u ~ normal(0, persistent_sd)`` (how far the
area's rate may sit from the estimate) plus a yearly shock ``e ~ normal(0, yearly_sd)`` (GPW
years differ). Two calibrations (:func:`rate_models`):

``pooled`` (default)  every area takes the mean over all areas of their 2016-2018 rates;
                      ``persistent_sd`` = the spread between areas' mean rates net of the yearly
                      noise in them (an area is not the average); ``yearly_sd`` = the
                      year-to-year spread within areas, pooled over areas.
``area``              each area its own mean over its two intervals; ``persistent_sd`` =
                      ``yearly_sd / sqrt(2)`` (the standard error of a two-year mean); the pooled
                      ``yearly_sd``.

Two years of history give two intervals per area: an area's own rates are mostly noise (see
docs/model.md), which is why the pooled calibration is the default.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from gpworkforce.forecast.backtest import (
    END_FY,
    HISTORY_FROM_FY,
    START_FY,
    BacktestResult,
    Band,
    actual_fte,
    score,
)
from gpworkforce.forecast.calibration import Calibration, calibrate_many
from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream, run
from gpworkforce.forecast.uncertainty import Dist, draw_parameters

OVER55_SHARE = 87 / 541  # LLR plan Table 11: 87 of 541 GP WTE aged 55 or over (assumption)
RETIREMENT_RATIO = 3.0  # 55+ leave 3x as often as under-55s (assumption)
UNDER55_WIDTH_YEARS = 25.0  # qualified GPs spend about 25 years under 55 (from ~30; assumption)
RATES: tuple[str, ...] = ("joiner_rate", "leaver_rate", "participation_change")
Mode = Literal["pooled", "area"]
MODES: tuple[str, ...] = ("pooled", "area")
STEPS_PER_YEAR = 12


@dataclass(frozen=True, slots=True)
class RateModel:
    """One annual rate: ``mean + normal(0, persistent_sd) + normal(0, yearly_sd)`` per year."""

    mean: float
    persistent_sd: float
    yearly_sd: float


@dataclass(frozen=True)
class AreaRates:
    """The three calibrated rates an area's forecast uses."""

    org: str
    mode: str
    rates: Mapping[str, RateModel]


def pooled_within_sd(cals: Mapping[str, Calibration], name: str) -> float:
    """Year-to-year spread of rate ``name`` within areas, variances pooled over areas."""
    num = den = 0.0
    for cal in cals.values():
        vals = np.array([getattr(iv, name) for iv in cal.intervals])
        if len(vals) > 1:
            num += float(((vals - vals.mean()) ** 2).sum())
            den += len(vals) - 1
    if den == 0:
        raise ValueError("pooling a spread needs an area with two or more years")
    return math.sqrt(num / den)


def rate_models(cals: Mapping[str, Calibration], mode: Mode) -> dict[str, AreaRates]:
    """Per area, the rate models of ``mode`` (see the module docstring)."""
    if mode not in MODES:
        raise ValueError(f"calibration mode must be one of {MODES}, got {mode!r}")
    out: dict[str, dict[str, RateModel]] = {org: {} for org in cals}
    for name in RATES:
        yearly = pooled_within_sd(cals, name)
        means = {
            org: float(np.mean([getattr(iv, name) for iv in c.intervals]))
            for org, c in cals.items()
        }
        n = np.array([len(c.intervals) for c in cals.values()], dtype=float)
        if mode == "pooled":
            centre = float(np.mean(list(means.values())))
            spread = float(np.var(list(means.values()), ddof=1)) if len(means) > 1 else 0.0
            between = math.sqrt(max(spread - yearly**2 * float(np.mean(1 / n)), 0.0))
            for org in cals:
                out[org][name] = RateModel(centre, between, yearly)
        else:
            for org, cal in cals.items():
                se = yearly / math.sqrt(len(cal.intervals))
                out[org][name] = RateModel(means[org], se, yearly)
    return {org: AreaRates(org, mode, rates) for org, rates in out.items()}


def draw_rates(area: AreaRates, years: int, n_draws: int, seed: int) -> dict[str, np.ndarray]:
    """Per rate, ``(runs, years)`` values; run 0 is every rate at its mean."""
    dists: dict[str, Dist] = {}
    for name, model in area.rates.items():
        dists[f"{area.org}.{name}.persistent"] = Dist.normal(0.0, model.persistent_sd)
        for h in range(1, years + 1):
            dists[f"{area.org}.{name}.year{h}"] = Dist.normal(0.0, model.yearly_sd)
    draws = draw_parameters(dists, n_draws, seed)
    out = {}
    for name, model in area.rates.items():
        persistent = draws.column(f"{area.org}.{name}.persistent")[:, None]
        yearly = np.column_stack(
            [draws.column(f"{area.org}.{name}.year{h}") for h in range(1, years + 1)]
        )
        out[name] = model.mean + persistent + yearly
    return out


def band_leave_rates(leaver_rate: np.ndarray) -> np.ndarray:
    """``[D, 2]`` annual leaving probabilities (under 55, 55+) whose start-mix average is ``l``."""
    s = OVER55_SHARE
    under = np.clip(leaver_rate, 0.0, None) / (1.0 - s + RETIREMENT_RATIO * s)
    return np.clip(np.column_stack([under, RETIREMENT_RATIO * under]), 0.0, 1.0)


def simulate(
    org: str, headcount: float, fte: float, rates: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Headcount and FTE ``(runs, years + 1)`` of one area through the cohort engine.

    ``rates[name]`` is ``(runs, years)`` annual values (see :func:`draw_rates`).
    """
    n_runs, years = rates["leaver_rate"].shape
    split = np.array([1.0 - OVER55_SHARE, OVER55_SHARE])
    H = np.broadcast_to(headcount * split, (n_runs, 1, 1, 2)).copy()
    F = np.broadcast_to(fte * split, (n_runs, 1, 1, 2)).copy()
    hc_path = np.empty((n_runs, years + 1))
    fte_path = np.empty((n_runs, years + 1))
    hc_path[:, 0], fte_path[:, 0] = headcount, fte
    per_step = max(headcount, 1e-12) / STEPS_PER_YEAR  # joiners' schedule; scaled per run below
    stream = InflowStream("joiners", np.full((STEPS_PER_YEAR, 1), per_step), np.array([[1.0, 0.0]]))
    for h in range(years):
        hc_start = H.sum(axis=(1, 2, 3))
        fte_start = F.sum(axis=(1, 2, 3))
        fph = np.divide(fte_start, hc_start, out=np.zeros(n_runs), where=hc_start > 0)
        joiners = np.clip(rates["joiner_rate"][:, h], 0.0, None) * hc_start  # a year
        params = EngineParams(
            leave_rate=band_leave_rates(rates["leaver_rate"][:, h])[:, None, :],
            transition_rate=np.zeros((1, 1)),
            band_width_years=np.array([UNDER55_WIDTH_YEARS, math.inf]),
            participation_rate=np.clip(rates["participation_change"][:, h], -0.99, None)[:, None],
            inflow_multiplier=(joiners / (per_step * STEPS_PER_YEAR))[:, None],
            inflow_fte_per_head=fph[:, None],
        )
        inputs = EngineInputs(
            orgs=(org,),
            classes=("GP_QUALIFIED",),
            bands=("under55", "55+"),
            headcount=H,
            fte=F,
            steps_per_year=STEPS_PER_YEAR,
            n_steps=STEPS_PER_YEAR,
            inflows=(stream,),
        )
        res = run(inputs, params)
        H, F = res.headcount[:, -1], res.fte[:, -1]
        hc_path[:, h + 1] = H.sum(axis=(1, 2, 3))
        fte_path[:, h + 1] = F.sum(axis=(1, 2, 3))
    return hc_path, fte_path


def start_stocks(panel: pd.DataFrame, practice_org: Mapping[str, str], fy: int) -> pd.DataFrame:
    """Headcount and FTE per area in ``fy`` over practices with both measures available."""
    rows = panel.loc[(panel["fy"] == fy) & panel["headcount"].notna() & panel["fte"].notna()]
    rows = rows.assign(org=rows["practice_code"].map(practice_org)).dropna(subset=["org"])
    return rows.groupby("org")[["headcount", "fte"]].sum()


@dataclass(frozen=True)
class CohortBacktest:
    """Scores and bands of the engine back-test (``result``) and the rates each area used."""

    result: BacktestResult
    rates: pd.DataFrame  # org, mode, rate, mean, persistent_sd, yearly_sd
    mode: str

    @property
    def method(self) -> str:
        return f"cohort-{self.mode}"


def backtest_cohort(
    panel: pd.DataFrame,
    practice_org: Mapping[str, str],
    *,
    mode: Mode = "pooled",
    start_fy: int = START_FY,
    end_fy: int = END_FY,
    history_from: int = HISTORY_FROM_FY,
    n_draws: int = 1000,
    seed: int = 20170930,
    orgs: Sequence[str] | None = None,
) -> CohortBacktest:
    """The cohort engine, calibrated on ``history_from``..``start_fy``, for every area of the map."""
    history = panel.loc[panel["fy"] <= start_fy]  # nothing after the start is looked at
    cals = calibrate_many(history, practice_org, first_fy=history_from, last_fy=start_fy)
    if not cals:
        raise ValueError("no organisation has data for the calibration years")
    models = rate_models(cals, mode)  # pooled over every area, even if only some are scored
    if orgs is not None:
        models = {k: v for k, v in models.items() if k in set(orgs)}
    stocks = start_stocks(panel, practice_org, start_fy)
    actuals = actual_fte(panel, practice_org)
    fys = tuple(range(start_fy, end_fy + 1))
    method = f"cohort-{mode}"
    bands, scores, rate_rows = [], [], []
    for org, area in models.items():
        drawn = draw_rates(area, len(fys) - 1, n_draws, seed)
        hc0, fte0 = (float(v) for v in stocks.loc[org, ["headcount", "fte"]])
        _, fte_runs = simulate(org, hc0, fte0, drawn)
        band = Band.from_runs(org, method, fys, fte_runs)
        bands.append(band)
        scores.append(score(band, actuals.loc[org].to_dict(), start_fy))
        for name, m in area.rates.items():
            rate_rows.append(
                {
                    "org": org,
                    "mode": mode,
                    "rate": name,
                    "mean": m.mean,
                    "persistent_sd": m.persistent_sd,
                    "yearly_sd": m.yearly_sd,
                }
            )
    result = BacktestResult(tuple(bands), tuple(scores), actuals, math.nan, seed, n_draws)
    return CohortBacktest(result, pd.DataFrame(rate_rows), mode)
