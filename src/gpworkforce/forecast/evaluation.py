"""Rolling-origin evaluation: how well has each forecasting method done before, here?

Every method forecasts qualified GP FTE for every area (ICB or sub-ICB) from every *origin* the
GPW practice-year series allows, using only what was known at the origin, and each forecast is
scored against what GPW later showed at horizons 1 to :data:`MAX_HORIZON` years (a later
publication's Years after the series' last are scored too, chain-linked: :func:`chain_linked`). The same cases
are scored twice:

``model``      the method's own Monte Carlo band (its parameter and shock uncertainty);
``conformal``  the method's central path with a band made from its own *past* errors: the log
               errors ``log(actual / central)`` of every earlier forecast of the same method and
               level whose target year was already published at the origin (so nothing after the
               origin is used). Errors of the same horizon are used when there are at least
               :data:`MIN_RESIDUALS` of them; otherwise the one-year errors scaled by ``sqrt(h)``
               (the random-walk scaling, an assumption stated in every run record). With no past
               error at all the case has no conformal band and is counted as such.
``recalibrated`` the method's own draws read at recalibrated quantile levels (quantile
               recalibration, Kuleshov et al. 2018): the probability integral transform (PIT:
               where the actual fell in the draws, read from the draws' log-normal fit so that
               an actual beyond every draw still ranks) of every earlier forecast whose target
               was already published gives the empirical distribution ``G`` of past PITs, and
               the band's ``tau`` quantile is the fit's ``G^-1(tau)`` quantile. PITs are free of
               scale, so all horizons' PITs are pooled when one horizon has fewer than
               :data:`MIN_RESIDUALS`.
``recent``     the method's central path with a band from the *latest* published year's errors,
               recentred: the one-year log errors of every area whose target year is the latest
               one published at the origin, less their median (past biases changed sign after
               2021, so an old bias is not carried forward: the centre stays the method's), and
               scaled to horizon ``h`` by how much wider ``h``-year errors were than one-year
               errors from the same earlier origins (ratio of their P10-P90 ranges); beyond the
               longest horizon already scored, that ratio is extended by ``sqrt(h / h_known)``,
               and with none scored yet, ``sqrt(h)``. Nothing after the origin is read.
``leave-out``  the method's central path with a band from its errors at the same level and
               horizon from every *other* origin (leave one origin out: a forecast is never scored
               against a band made from its own errors, nor from those of the other areas of its
               origin). Each error keeps its origin's national shift (unlike ``recent``, which
               recentres one year's errors and so drops the shift all areas share): the band is
               centred on the mean of the other origins' shifts (their median log errors), the
               shifts' deviations from it widened for their small number
               (:func:`shift_widening`), and each tail read from the errors' own deviations
               from it (not symmetrised: a shift distribution skewed to one side keeps its
               long tail there; decision 0158), each tail's level moved out by ``n / (n + 1)``
               for the errors' effective number ``n`` (:func:`finite_sample_levels`; the areas
               of one origin move together, so they count for less; decision 0173). The
               band for a forecast made now (:func:`current_bands`) is the same construction on
               every origin's errors. It uses later origins than the one scored, so it is a
               cross-validated
               measure of how a band calibrated on all published errors would do, not a
               real-time one; the areas' errors of one origin move together, so coverage is
               judged only at horizons with at least :data:`MIN_ORIGINS_FOR_COVERAGE` origins.

Methods (:data:`METHODS`), all through the :class:`~gpworkforce.forecast.methods.ForecastMethod`
interface:

``persistence``     no change, with the pooled yearly shocks: the benchmark ("no change").
``trend-local``     the area's own mean net FTE growth since the first year of the series.
``trend-national``  the mean net growth of all areas.
``hee-linear``      the HEE linear arithmetic as the LLR planners used it in 2017 (their Scenario 1
                    rates: 16% of GPs over 55 losing 15% a year, 3% of sessions lost a year,
                    trainees qualifying at 153 per 541 WTE over three years of whom 70% stay),
                    scaled to each area's start; a straight line, no band of its own.
``cohort``          the cohort engine with pooled calibrated joiner, leaver and participation rates
                    (:mod:`.backtest_cohort`; an assumed 16% aged 55+).
``ensemble``        the equal mixture of persistence, trend-local, trend-national and cohort.

Scores per case: error of the central path (percentage, absolute and signed), whether the actual
fell inside P10-P90 and P2.5-P97.5 and in which tail, the band's width, pinball losses at the
band's quantiles and the continuous ranked probability score (CRPS) of the draws. The summary
per method, level and horizon gives MAPE, the MASE against persistence (the method's summed
absolute error over persistence's on the same cases; below 1 = better than "no change"), bias,
coverage and tails, width and CRPS; :func:`skill` adds a bootstrap interval of the MASE over
areas and names the method to offer as the default central forecast.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce.forecast import backtest as bt
from gpworkforce.forecast import backtest_cohort as btc
from gpworkforce.forecast.calibration import Calibration, calibrate_many
from gpworkforce.forecast.evaluation_labels import METHOD_LABELS
from gpworkforce.forecast.methods import HEE_LINEAR, HeeSpec, RunRequest
from gpworkforce.forecast.scenario import HeeLinearConfig

MAX_HORIZON = 6
# years of growth needed before an origin for the methods' own draws: the pooled year-to-year
# spreads (shocks, rates) are variances within areas, so they need two years of growth
MIN_INTERVALS = 2
# years of growth a method needs before an origin. No change and HEE linear (a fixed line on the
# start) read nothing of the history for their central path: it is the same function of the
# start from every origin, so they are forecast from every GPW Year (their own draws, which need
# the pooled spreads, from MIN_INTERVALS on). The trends and the cohort engine estimate their
# rates and those rates' uncertainty from the history; with one year of growth only a degraded
# central path could be made, unlike the method run from any later origin (decision 0155).
HISTORY_NEEDED: Mapping[str, int] = {
    "persistence": 0,
    "hee-linear": 0,
    "trend-local": MIN_INTERVALS,
    "trend-national": MIN_INTERVALS,
    "cohort": MIN_INTERVALS,
    "ensemble": MIN_INTERVALS,
}
MIN_RESIDUALS = 30  # past errors of one horizon needed to calibrate by that horizon alone
QUANTILES: tuple[float, ...] = (0.025, 0.1, 0.5, 0.9, 0.975)
CALIBRATIONS: tuple[str, ...] = ("model", "conformal", "recalibrated", "recent", "leave-out")
MIN_RECENT = 20  # areas with a latest one-year error needed for a recent band
# origins (years forecast from) needed before a horizon's coverage or skill is judged: errors of
# areas from one origin share that year's national shift, so fewer origins say little
MIN_ORIGINS_TO_JUDGE = 3
# origins needed before a horizon's band coverage is judged: each left-out origin's band then
# comes from at least three other origins' national shifts
MIN_ORIGINS_FOR_COVERAGE = 4
LEAVE_OUT_SAMPLES = 400  # evenly spaced quantiles kept of a leave-out band's distribution
# the decision whose leave-out band this module makes: an evaluation kept under another rule
# (the web's, keyed by it) is made again rather than shown as this one
BAND_RULE = "0173"

METHODS: tuple[str, ...] = tuple(METHOD_LABELS)
ENSEMBLE_OF: tuple[str, ...] = ("persistence", "trend-local", "trend-national", "cohort")

# LLR GP Workforce Plan 2017, Table 11 and Scenario 1 (scenarios/llr-2017/scenario-1-*.toml).
LLR_BASE = 541.0
LLR_S1 = HeeLinearConfig(
    baseline_wte=LLR_BASE,
    years=3,
    over55_wte=87,
    over55_loss_rate=0.15,
    session_loss_rate=0.03,
    trainees_qualifying=153,
    trainee_retention=0.70,
    rounding="none",
)


@dataclass(frozen=True)
class Origin:
    """What was known at one origin for one level: starts, calibrations and pooled spreads."""

    fy: int
    horizon: int
    start_fte: Mapping[str, float]
    start_hc: Mapping[str, float]
    cals: Mapping[str, Calibration]
    shock_sd: float  # NaN with fewer than MIN_INTERVALS years of growth: central paths only
    national: float  # NaN with no year of growth
    national_se: float

    @property
    def drawn(self) -> bool:
        """Whether the methods' own draws can be made (the pooled spreads are known)."""
        return math.isfinite(self.shock_sd)

    def runs(self, draws: int) -> int:
        """The draws a method makes at this origin: none before the spreads are known."""
        return draws if self.drawn else 0


Paths = dict[str, np.ndarray]  # org -> (runs, horizon + 1) FTE, run 0 the central path
MethodFn = Callable[[Origin, int, int], Paths]


def _persistence(o: Origin, draws: int, seed: int) -> Paths:
    sd = o.shock_sd if o.drawn else 0.0
    return {
        org: bt.persistence_runs(org, o.start_fte[org], sd, o.horizon, o.runs(draws), seed)
        for org in o.cals
    }


def _trend_local(o: Origin, draws: int, seed: int) -> Paths:
    return {
        org: bt.calibrated_runs(org, o.start_fte[org], cal, o.shock_sd, o.horizon, draws, seed)
        for org, cal in o.cals.items()
    }


def _trend_national(o: Origin, draws: int, seed: int) -> Paths:
    return {
        org: bt.trend_runs(
            org, o.start_fte[org], o.national, o.national_se, o.shock_sd, o.horizon, draws, seed
        )
        for org in o.cals
    }


def hee_linear_ratio(years: int) -> np.ndarray:
    """``(years + 1,)`` FTE relative to the start along the LLR Scenario 1 straight line: the
    plan's yearly losses and its trainees at the plan's pace (153 over three years), so that the
    line's slope does not depend on how far it is drawn."""
    cfg = LLR_S1.model_copy(
        update={"years": years, "trainees_qualifying": LLR_S1.trainees_qualifying * years / 3}
    )
    supply = HEE_LINEAR.run(HeeSpec(cfg), RunRequest()).supply
    end = float(supply[0, -1, 0]) / LLR_BASE
    return 1.0 + (end - 1.0) * np.arange(years + 1) / years


def _hee_linear(o: Origin, draws: int, seed: int) -> Paths:
    ratio = hee_linear_ratio(o.horizon)
    return {org: (o.start_fte[org] * ratio)[None, :] for org in o.cals}


def _cohort(o: Origin, draws: int, seed: int) -> Paths:
    models = btc.rate_models(o.cals, "pooled")
    out: Paths = {}
    for org, area in models.items():
        drawn = btc.draw_rates(area, o.horizon, draws, seed)
        _, fte = btc.simulate(org, o.start_hc[org], o.start_fte[org], drawn)
        # the engine starts from the practices with both measures; rescale to the area's FTE
        out[org] = fte * (o.start_fte[org] / fte[0, 0]) if fte[0, 0] > 0 else fte
    return out


BASE_METHODS: Mapping[str, MethodFn] = {
    "persistence": _persistence,
    "trend-local": _trend_local,
    "trend-national": _trend_national,
    "hee-linear": _hee_linear,
    "cohort": _cohort,
}


def ensemble(members: Sequence[Paths]) -> Paths:
    """Equal mixture: the mean of the members' central paths and all their draws pooled."""
    out: Paths = {}
    for org in members[0]:
        runs = [m[org] for m in members]
        central = np.mean([r[0] for r in runs], axis=0)
        draws = [r[1:] for r in runs if r.shape[0] > 1]
        out[org] = np.vstack([central[None, :], *draws])
    return out


def origin_state(
    full: Mapping[str, Calibration],
    stocks: pd.DataFrame,  # the origin's starting stocks by area (backtest_cohort.start_stocks)
    actuals: pd.DataFrame,
    fy: int,
    *,
    last_fy: int,
    max_horizon: int = MAX_HORIZON,
    min_intervals: int = MIN_INTERVALS,
) -> Origin:
    """What was known at ``fy``: each area's calibration cut to the intervals ending by ``fy``
    (an interval depends only on its two years, so nothing after the origin is used), for the
    areas with at least ``min_intervals`` of them. With fewer than :data:`MIN_INTERVALS` the
    pooled spreads are unknown (``shock_sd`` NaN: central paths only), with none the national
    trend too."""
    keep: dict[str, Calibration] = {}
    for org, cal in full.items():
        ivs = tuple(iv for iv in cal.intervals if iv.end_fy <= fy)
        if (
            len(ivs) >= min_intervals
            and org in actuals.index
            and fy in actuals.columns
            and not math.isnan(actuals.at[org, fy])
            and org in stocks.index
            and all(min(iv.hc_start, iv.hc_end, iv.fte_start, iv.fte_end) > 0 for iv in ivs)
        ):
            keep[org] = Calibration(org=cal.org, node=cal.node, intervals=ivs)
    if not keep:
        raise ValueError(f"no area has {min_intervals} years of growth before GPW Year {fy}")
    n_all = sum(len(c.intervals) for c in keep.values())
    spread = any(len(c.intervals) > 1 for c in keep.values())
    sd = bt.pooled_shock_sd(keep) if spread else math.nan
    grown = all(c.intervals for c in keep.values())
    return Origin(
        fy=fy,
        horizon=min(max_horizon, last_fy - fy),
        start_fte={org: float(actuals.at[org, fy]) for org in keep},
        start_hc={org: float(stocks.at[org, "headcount"]) for org in keep},
        cals=keep,
        shock_sd=sd,
        national=float(np.mean([c.net_rate_fte for c in keep.values()])) if grown else math.nan,
        national_se=sd / math.sqrt(n_all) if spread else math.nan,
    )


# ---------------------------------------------------------------------------------------------
# Scoring predictive distributions (draws) against actuals: pure arithmetic, one row per case.


def crps(samples: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """CRPS of each row's empirical distribution: ``E|X - y| - E|X - X'| / 2``.

    ``samples`` is ``(cases, draws)``, ``actual`` ``(cases,)``.
    """
    x = np.sort(np.asarray(samples, dtype=np.float64), axis=1)
    n = x.shape[1]
    first = np.mean(np.abs(x - np.asarray(actual)[:, None]), axis=1)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    pair = 2.0 * (x @ weights) / (n * n)  # E|X - X'| over all ordered pairs
    return first - pair / 2.0


def pinball(q: np.ndarray, actual: np.ndarray, tau: float) -> np.ndarray:
    """Quantile (pinball) loss of the ``tau`` quantiles ``q``."""
    diff = np.asarray(actual) - np.asarray(q)
    return np.maximum(tau * diff, (tau - 1.0) * diff)


BAND_COLUMNS = (
    "below_p10",
    "above_p90",
    "inside_80",
    "below_p2_5",
    "above_p97_5",
    "inside_95",
    "width_80_pct",
    "width_95_pct",
    "pinball",
    "crps",
    "crps_pct",
)


def score_block(
    central: np.ndarray, samples: np.ndarray | None, actual: np.ndarray
) -> dict[str, np.ndarray]:
    """Scores of ``cases`` forecasts: ``central`` and ``actual`` ``(cases,)``, ``samples``
    ``(cases, draws)`` or None. Band scores are NaN for a case whose samples have no spread."""
    central = np.asarray(central, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    err = central - actual
    out: dict[str, np.ndarray] = {
        "central": central,
        "actual": actual,
        "error": err,
        "abs_error": np.abs(err),
        "pct_error": err / actual * 100.0,
        "ape": np.abs(err) / actual * 100.0,
    }
    n = central.shape[0]
    if samples is None or samples.shape[1] < 2:
        for t in QUANTILES:
            out[f"q{t:g}"] = np.full(n, np.nan)
        for c in BAND_COLUMNS:
            out[c] = np.full(n, np.nan)
        return out
    q = np.quantile(samples, QUANTILES, axis=1)  # (quantiles, cases)
    for t, row in zip(QUANTILES, q, strict=True):
        out[f"q{t:g}"] = row
    p2, p10, _, p90, p97 = q
    flat = np.ptp(samples, axis=1) == 0.0

    def share(flag: np.ndarray) -> np.ndarray:
        return np.where(flat, np.nan, flag.astype(np.float64))

    c = crps(samples, actual)
    out |= {
        "below_p10": share(actual < p10),
        "above_p90": share(actual > p90),
        "inside_80": share((p10 <= actual) & (actual <= p90)),
        "below_p2_5": share(actual < p2),
        "above_p97_5": share(actual > p97),
        "inside_95": share((p2 <= actual) & (actual <= p97)),
        "width_80_pct": np.where(flat, np.nan, (p90 - p10) / actual * 100.0),
        "width_95_pct": np.where(flat, np.nan, (p97 - p2) / actual * 100.0),
        "pinball": np.where(
            flat,
            np.nan,
            np.mean([pinball(v, actual, t) for t, v in zip(QUANTILES, q, strict=True)], axis=0),
        ),
        "crps": np.where(flat, np.nan, c),
        "crps_pct": np.where(flat, np.nan, c / actual * 100.0),
    }
    return out


def conformal_samples(
    central: np.ndarray, horizon: int, past: Mapping[int, np.ndarray], min_n: int = MIN_RESIDUALS
) -> tuple[np.ndarray | None, str]:
    """``(cases, errors)`` band samples ``central * exp(r)`` from past log errors ``past[h]``,
    and how they were made."""
    central = np.asarray(central, dtype=np.float64)
    same = past.get(horizon)
    if same is not None and same.size >= min_n:
        return central[:, None] * np.exp(same)[None, :], f"horizon {horizon} errors (n={same.size})"
    one = past.get(1)
    if one is not None and one.size >= min_n:
        scaled = one * math.sqrt(horizon)
        how = f"1-year errors x sqrt({horizon}) (n={one.size})"
        return central[:, None] * np.exp(scaled)[None, :], how
    return None, "no earlier errors"


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _log_moments(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    logs = np.log(np.clip(np.asarray(draws, dtype=np.float64), 1e-9, None))
    return logs.mean(axis=1), logs.std(axis=1)


def normal_score(draws: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Where each actual fell under its row of draws, as a normal score: ``(log y - m) / s``
    with ``m`` and ``s`` the mean and spread of the log draws (their log-normal fit), so that
    an actual beyond every draw still ranks. NaN where the draws have no spread."""
    mu, sd = _log_moments(draws)
    return np.divide(
        np.log(np.asarray(actual, dtype=np.float64)) - mu,
        sd,
        out=np.full(mu.shape, np.nan),
        where=sd > 0,
    )


def pit(draws: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Probability integral transform of each actual under its draws' log-normal fit."""
    return 0.5 * (1.0 + _erf(normal_score(draws, actual) / math.sqrt(2.0)))


def recalibrated_samples(
    draws: np.ndarray | None,
    horizon: int,
    past: Mapping[int, np.ndarray],
    min_n: int = MIN_RESIDUALS,
) -> tuple[np.ndarray | None, str]:
    """Quantile recalibration: each row's log-normal fit read at the levels where earlier
    actuals fell (``past[h]``: their normal scores, see :func:`normal_score`), i.e. samples
    ``exp(m + s z_j)``. Returns ``(cases, past scores)`` samples and how they were made."""
    if draws is None or draws.shape[1] < 2:
        return None, "the method has no draws"
    same = past.get(horizon)
    same = same[np.isfinite(same)] if same is not None else None
    if same is not None and same.size >= min_n:
        z, how = same, f"horizon {horizon} PITs (n={same.size})"
    else:
        pooled = np.concatenate(list(past.values())) if past else np.empty(0)
        pooled = pooled[np.isfinite(pooled)]
        if pooled.size < min_n:
            return None, "no earlier forecasts"
        z, how = pooled, f"all horizons' PITs (n={pooled.size})"
    mu, sd = _log_moments(draws)
    return np.exp(mu[:, None] + sd[:, None] * z[None, :]), how


def _p10_p90_range(values: np.ndarray) -> float:
    lo, hi = np.quantile(values, [0.1, 0.9])
    return float(hi - lo)


def horizon_spread_ratio(
    errors: Mapping[tuple[int, int], np.ndarray], horizon: int
) -> tuple[float, str]:
    """How much wider ``horizon``-year log errors were than one-year errors from the same earlier
    origins (``errors[(origin, h)]``: the areas' log errors of the forecasts from ``origin``
    ``h`` years ahead): the ratio of their P10-P90 ranges. Beyond the longest horizon scored the
    ratio is extended by ``sqrt(h / h_known)``; with no longer horizon scored, ``sqrt(h)``."""
    if horizon == 1:
        return 1.0, "1 year"
    longer = sorted({h for (_, h) in errors if 1 < h <= horizon})
    if not longer:
        return math.sqrt(horizon), f"sqrt({horizon}) (no longer forecast scored yet)"
    known = longer[-1]
    origins = sorted(o for (o, h) in errors if h == known and (o, 1) in errors)
    if not origins:
        return math.sqrt(horizon), f"sqrt({horizon}) (no longer forecast scored yet)"
    wide = np.concatenate([errors[(o, known)] for o in origins])
    one = np.concatenate([errors[(o, 1)] for o in origins])
    base = _p10_p90_range(one)
    if base <= 0:
        return math.sqrt(horizon), f"sqrt({horizon}) (one-year errors without spread)"
    ratio = _p10_p90_range(wide) / base
    if known == horizon:
        return (
            ratio,
            f"{horizon}-year / 1-year spread {ratio:.2f} (origins {origins[0]}-{origins[-1]})",
        )
    ratio *= math.sqrt(horizon / known)
    return ratio, f"{known}-year / 1-year spread x sqrt({horizon}/{known}) = {ratio:.2f}"


def recent_samples(
    central: np.ndarray,
    horizon: int,
    errors: Mapping[tuple[int, int], np.ndarray],
    min_n: int = MIN_RECENT,
) -> tuple[np.ndarray | None, str]:
    """``(cases, areas)`` band samples ``central * exp(k_h (r - median r))`` with ``r`` the
    one-year log errors of the latest origin whose one-year target is published
    (``errors[(origin, 1)]``) and ``k_h`` from :func:`horizon_spread_ratio`; and how they were
    made. None when fewer than ``min_n`` such errors exist."""
    ones = sorted(o for (o, h) in errors if h == 1)
    if not ones:
        return None, "no earlier errors"
    latest = ones[-1]
    r = np.asarray(errors[(latest, 1)], dtype=np.float64)
    r = r[np.isfinite(r)]
    if r.size < min_n:
        return None, f"too few latest errors (n={r.size})"
    k, why = horizon_spread_ratio(errors, horizon)
    spread = (r - np.median(r)) * k
    how = f"1-year errors of GPW Year {latest + 1} (n={r.size}), recentred; {why}"
    return np.asarray(central, dtype=np.float64)[:, None] * np.exp(spread)[None, :], how


def shift_widening(n_shifts: int) -> float:
    """How much wider the spread of ``n`` origins' national shifts about their mean must be
    drawn to be the spread of a *new* origin's shift about that mean: the new shift's deviation
    has variance ``sigma^2 (1 + 1/n)``, the ``n`` known shifts' deviations from their own mean
    ``sigma^2 (n - 1) / n`` on average, so the ratio of spreads is ``sqrt((n + 1) / (n - 1))``
    (1.41 with 3 shifts, 1.29 with 4, 1.22 with 5). 1 with a single shift (no spread known)."""
    return math.sqrt((n_shifts + 1) / (n_shifts - 1)) if n_shifts > 1 else 1.0


def effective_errors(errors: Mapping[int, np.ndarray]) -> float:
    """How many independent errors the origins' errors are worth (Kish's design effect): ``N /
    (1 + (m - 1) rho)`` for ``N`` errors, ``m`` per origin on average and ``rho`` the share of
    their variance that is the origins' shifts (the variance of the origins' medians over that
    plus the variance of the errors about their origin's median). The areas of one origin move
    together, so 4 origins of 42 ICBs are worth about 10 errors when the shifts make 38% of the
    variance, and about all 168 when they make none. ``N`` with one origin (no shift variance)."""
    errs = [np.asarray(e, dtype=np.float64) for e in errors.values()]
    n_all = sum(e.size for e in errs)
    if len(errs) < 2:
        return float(n_all)
    shifts = np.array([np.median(e) for e in errs])
    between = float(np.var(shifts, ddof=1))
    total = between + float(np.var(np.concatenate([e - np.median(e) for e in errs])))
    rho = between / total if total > 0 else 0.0
    return n_all / (1.0 + (n_all / len(errs) - 1.0) * rho)


def finite_sample_levels(levels: np.ndarray, n: float, tail: float = 0.1) -> np.ndarray:
    """``levels`` (in [0, 1]) moved out for a band read from ``n`` effective errors: each tail
    probability up to ``tail`` times ``n / (n + 1)`` (the ``n + 1`` of a finite sample's
    quantile: a new value falls below the ``k``-th of ``n`` with chance ``k / (n + 1)``), the
    levels between ``tail`` and the median in a straight line to the median, which stays
    (decision 0173). P10 of 10 effective errors is read at 0.0909, P2.5 at 0.0227."""
    f = n / (n + 1.0)
    knots = np.array([0.0, tail, 0.5, 1.0 - tail, 1.0])
    moved = np.array([0.0, tail * f, 0.5, 1.0 - tail * f, 1.0])
    return np.interp(np.asarray(levels, dtype=np.float64), knots, moved)


def leave_out_samples(
    central: np.ndarray,
    others: Mapping[int, np.ndarray],
    n_samples: int = LEAVE_OUT_SAMPLES,
    *,
    which: str = "the other origins",
    symmetric: bool = False,
    finite_sample: bool = True,
) -> tuple[np.ndarray | None, str]:
    """``(cases, n_samples)`` band samples ``central * exp(m + k (s_o - m) + (r - s_o))`` from
    the log errors ``r`` of the *other* origins at the same level and horizon
    (``others[origin]``: its areas' errors), with ``s_o`` each origin's national shift (its
    median error), ``m`` the mean of those shifts and ``k`` :func:`shift_widening` of their
    number: each error is kept with its origin's shift, the shifts' deviations from ``m``
    widened by ``k`` (a new origin's shift is further from ``m`` than the known ones are), and
    each tail is read from these deviations as they are (decision 0158), or with ``symmetric``
    from the deviations and their mirror images about ``m`` (decision 0143's band). The
    distribution is read at ``n_samples`` evenly spaced quantiles, with ``finite_sample``
    moved out by :func:`finite_sample_levels` for the errors' effective number
    (:func:`effective_errors`; decision 0173). None without another origin's errors."""
    errs = {o: np.asarray(e, dtype=np.float64) for o, e in others.items()}
    errs = {o: e[np.isfinite(e)] for o, e in errs.items()}
    errs = {o: e for o, e in errs.items() if e.size}
    if not errs:
        return None, "no other origin's errors at this horizon"
    shifts = {o: float(np.median(e)) for o, e in errs.items()}
    centre = float(np.mean(list(shifts.values())))
    k = shift_widening(len(errs))
    dev = np.concatenate([k * (shifts[o] - centre) + (e - shifts[o]) for o, e in errs.items()])
    levels = (np.arange(n_samples) + 0.5) / n_samples
    n_eff = effective_errors(errs)
    if finite_sample:
        levels = finite_sample_levels(levels, n_eff)
    r = centre + np.quantile(np.concatenate([dev, -dev]) if symmetric else dev, levels)
    widened = (
        f"shifts' spread x {k:.2f}"
        if len(errs) > 1
        else "one national shift, its spread unknown and not widened"
    )
    tails = f", tails read for {n_eff:.0f} effective errors" if finite_sample else ""
    how = (
        f"errors of {which} {', '.join(str(o) for o in sorted(errs))} (n={dev.size},"
        f" {len(errs)} national shifts, centre {centre * 100:+.1f}%, {widened}"
        f"{', symmetrised' if symmetric else ''}{tails})"
    )
    return np.asarray(central, dtype=np.float64)[:, None] * np.exp(r)[None, :], how


# ---------------------------------------------------------------------------------------------
# The evaluation.


@dataclass(frozen=True)
class Evaluation:
    cases: pd.DataFrame  # one row per method, calibration, level, area, origin and horizon
    origins: tuple[int, ...]
    levels: tuple[str, ...]
    draws: int
    seed: int


def _known(history: Sequence[tuple[int, int, np.ndarray]], origin: int) -> dict[int, np.ndarray]:
    """Values of earlier forecasts by horizon, only those whose target was known at ``origin``."""
    by_h: dict[int, list[np.ndarray]] = {}
    for target, h, values in history:
        if target <= origin:
            by_h.setdefault(h, []).append(values)
    return {h: np.concatenate(v) for h, v in by_h.items()}


def _by_origin(
    history: Sequence[tuple[int, int, np.ndarray]], origin: int
) -> dict[tuple[int, int], np.ndarray]:
    """Earlier forecasts' values by (their origin, horizon), only those known at ``origin``."""
    return {(target - h, h): values for target, h, values in history if target <= origin}


def chain_linked(actuals: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """``actuals`` (areas x GPW Years) extended by the Years of a newer publication ``later``
    (same layout) after ``actuals``' last Year, chain-linked: ``actual[y] = actual[last] x
    later[y] / later[last]``, so only the newer file's *growth* is used and its revisions of
    the overlapping Years (up to 0.4% nationally) do not enter as a change. An area without
    both Years in ``later`` gets NaN for the added Years."""
    last = int(max(actuals.columns))
    added = [y for y in sorted(later.columns) if int(y) > last]
    if not added or last not in later.columns:
        return actuals
    base = later[last].reindex(actuals.index)
    base = base.where(base > 0)
    out = actuals.copy()
    for y in added:
        out[y] = actuals[last] * later[y].reindex(actuals.index) / base
    return out


def evaluate_level(
    panel: pd.DataFrame,
    practice_org: Mapping[str, str],
    level: str,
    *,
    origins: Sequence[int] | None = None,
    methods: Sequence[str] = METHODS,
    max_horizon: int = MAX_HORIZON,
    draws: int = 500,
    seed: int = 20170930,
    ensemble_of: Sequence[str] = ENSEMBLE_OF,
    later: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every method from every origin for every area of ``practice_org``: the case table.
    ``ensemble_of``: the methods the ensemble mixes (one area alone has no national trend).
    ``later``: a newer publication's practice-year panel whose Years after ``panel``'s last are
    scored as targets (chain-linked, :func:`chain_linked`); forecasts still start only from
    ``panel``'s Years and read nothing of ``later`` but those targets."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"methods must be among {', '.join(METHODS)}, got {', '.join(unknown)}")
    first_fy, last_fy = int(panel["fy"].min()), int(panel["fy"].max())
    actuals = bt.actual_fte(panel, practice_org)
    full = calibrate_many(
        panel, practice_org, first_fy=first_fy, last_fy=last_fy, skip_unusable=True
    )
    if later is not None and len(later):
        actuals = chain_linked(actuals, bt.actual_fte(later, practice_org))
        last_fy = int(max(actuals.columns))
    history = {m: HISTORY_NEEDED[m] for m in methods}
    if "ensemble" in methods:
        history["ensemble"] = max(HISTORY_NEEDED[m] for m in ensemble_of)
    if origins is None:
        origins = range(first_fy + min(history.values()), last_fy)
    frames: list[pd.DataFrame] = []
    # past log errors and PITs per method, as (target year, horizon, values of all areas)
    past_err: dict[str, list[tuple[int, int, np.ndarray]]] = {m: [] for m in methods}
    past_pit: dict[str, list[tuple[int, int, np.ndarray]]] = {m: [] for m in methods}
    # each (method, horizon)'s forecasts by origin, for the leave-one-origin-out band
    blocks: dict[tuple[str, int], dict[int, tuple[dict, np.ndarray, np.ndarray]]] = {}
    for fy in sorted(origins):
        known = fy - first_fy  # years of growth before the origin
        here = [m for m in methods if history[m] <= known]
        if not here:
            continue
        need = set(here) | (set(ensemble_of) if "ensemble" in here else set())
        stocks = btc.start_stocks(panel, practice_org, fy)
        state = origin_state(
            full,
            stocks,
            actuals,
            fy,
            last_fy=last_fy,
            max_horizon=max_horizon,
            min_intervals=min(known, MIN_INTERVALS),
        )
        paths = {m: fn(state, draws, seed) for m, fn in BASE_METHODS.items() if m in need}
        if "ensemble" in here:
            paths["ensemble"] = ensemble([paths[m] for m in ensemble_of])
        orgs = list(state.cals)
        for method in here:
            known_err = _known(past_err[method], fy)
            known_pit = _known(past_pit[method], fy)
            stacked = np.stack([paths[method][org] for org in orgs])  # (orgs, runs, years + 1)
            for h in range(1, state.horizon + 1):
                target = fy + h
                actual = actuals.loc[orgs, target].to_numpy(dtype=np.float64)
                ok = ~np.isnan(actual) & (actual > 0)
                if not ok.any():
                    continue
                central = stacked[ok, 0, h]
                act = actual[ok]
                draws_h = stacked[ok, 1:, h] if stacked.shape[1] > 1 else None
                base = {
                    "method": method,
                    "level": level,
                    "org": np.asarray(orgs)[ok],
                    "origin": fy,
                    "horizon": h,
                    "target": target,
                }
                conf, conf_how = conformal_samples(central, h, known_err)
                recal, recal_how = recalibrated_samples(draws_h, h, known_pit)
                rec, rec_how = recent_samples(central, h, _by_origin(past_err[method], fy))
                for calibration, samples, how in (
                    ("model", draws_h, "the method's draws"),
                    ("conformal", conf, conf_how),
                    ("recalibrated", recal, recal_how),
                    ("recent", rec, rec_how),
                ):
                    scores = score_block(central, samples, act)
                    frames.append(
                        pd.DataFrame(base | {"calibration": calibration, "band_from": how} | scores)
                    )
                good = central > 0
                past_err[method].append((target, h, np.log(act[good] / central[good])))
                blocks.setdefault((method, h), {})[fy] = (base, central, act)
                if draws_h is not None:
                    past_pit[method].append((target, h, normal_score(draws_h, act)))
    for by_origin in blocks.values():
        errors = {
            fy: np.log(act[central > 0] / central[central > 0])
            for fy, (_, central, act) in by_origin.items()
        }
        for fy, (base, central, act) in by_origin.items():
            samples, how = leave_out_samples(central, {o: e for o, e in errors.items() if o != fy})
            scores = score_block(central, samples, act)
            frames.append(
                pd.DataFrame(base | {"calibration": "leave-out", "band_from": how} | scores)
            )
    return pd.concat(frames, ignore_index=True)


def evaluate(
    panel: pd.DataFrame,
    maps: Mapping[str, Mapping[str, str]],
    *,
    origins: Sequence[int] | None = None,
    methods: Sequence[str] = METHODS,
    max_horizon: int = MAX_HORIZON,
    draws: int = 500,
    seed: int = 20170930,
    later: pd.DataFrame | None = None,
) -> Evaluation:
    """:func:`evaluate_level` for each level of ``maps`` (level name -> practice -> area)."""
    frames = [
        evaluate_level(
            panel,
            m,
            level,
            origins=origins,
            methods=methods,
            max_horizon=max_horizon,
            draws=draws,
            seed=seed,
            later=later,
        )
        for level, m in maps.items()
    ]
    cases = pd.concat(frames, ignore_index=True)
    return Evaluation(
        cases=cases,
        origins=tuple(sorted(int(o) for o in cases["origin"].unique())),
        levels=tuple(maps),
        draws=draws,
        seed=seed,
    )


SUMMARY_KEYS = ("level", "method", "calibration", "horizon")


def summary(cases: pd.DataFrame) -> pd.DataFrame:
    """Per level, method, calibration and horizon: the scores over the cases that have them."""
    pers = cases.loc[
        (cases["method"] == "persistence") & (cases["calibration"] == "model"),
        ["level", "org", "origin", "horizon", "abs_error"],
    ].rename(columns={"abs_error": "persistence_abs_error"})
    merged = cases.merge(pers, on=["level", "org", "origin", "horizon"], how="left")
    out = []
    for key, g in merged.groupby(list(SUMMARY_KEYS), sort=True):
        banded = g.loc[g["inside_80"].notna()]
        row = dict(zip(SUMMARY_KEYS, key, strict=True))
        row |= {
            "cases": len(g),
            "areas": g["org"].nunique(),
            "origins": g["origin"].nunique(),
            "mape": float(g["ape"].mean()),
            "mase": float(g["abs_error"].sum() / g["persistence_abs_error"].sum())
            if g["persistence_abs_error"].sum() > 0
            else math.nan,
            "bias_pct": float(g["pct_error"].mean()),
            "cases_with_band": len(banded),
            "coverage_judged": bool(
                len(banded) and banded["origin"].nunique() >= MIN_ORIGINS_FOR_COVERAGE
            ),
        }
        if len(banded):
            row |= {
                "coverage_80": float(banded["inside_80"].mean() * 100),
                "below_p10": float(banded["below_p10"].mean() * 100),
                "above_p90": float(banded["above_p90"].mean() * 100),
                "coverage_95": float(banded["inside_95"].mean() * 100),
                "below_p2_5": float(banded["below_p2_5"].mean() * 100),
                "above_p97_5": float(banded["above_p97_5"].mean() * 100),
                "width_80_pct": float(banded["width_80_pct"].mean()),
                "crps_pct": float(banded["crps_pct"].mean()),
            }
        out.append(row)
    return pd.DataFrame(out)


def current_bands(cases: pd.DataFrame, summary_frame: pd.DataFrame) -> pd.DataFrame:
    """The calibrated band for a forecast made now, per level, method and horizon: the same
    construction as the ``leave-out`` band (:func:`leave_out_samples`), from the errors of
    *every* scored origin, as the ratio of each of :data:`QUANTILES` to the method's central
    forecast; beside it how that construction covered the actuals when each origin was left
    out (the evaluation of this band) and whether enough origins were scored to judge it."""
    model = cases.loc[cases["calibration"] == "model"]
    model = model.loc[(model["central"] > 0) & (model["actual"] > 0)]
    judged = summary_frame.loc[summary_frame["calibration"] == "leave-out"].set_index(
        ["level", "method", "horizon"]
    )
    rows = []
    for (level, method, h), g in model.groupby(["level", "method", "horizon"], sort=True):
        errors = {
            int(o): np.log(gg["actual"].to_numpy() / gg["central"].to_numpy())
            for o, gg in g.groupby("origin")
        }
        samples, how = leave_out_samples(np.array([1.0]), errors, which="every origin")
        if samples is None:
            continue
        q = np.quantile(samples[0], QUANTILES)
        row = {"level": level, "method": method, "horizon": int(h), "origins": len(errors)}
        row |= {f"q{t:g}": float(v) for t, v in zip(QUANTILES, q, strict=True)}
        ev_row = judged.loc[(level, method, h)] if (level, method, h) in judged.index else None
        is_judged = bool(ev_row is not None and ev_row["coverage_judged"])
        row |= {
            "coverage_judged": is_judged,
            # None: too few origins to say either way
            "target_met": bool(calibration_ok(ev_row.to_dict())) if is_judged else None,
            "coverage_80": float(ev_row["coverage_80"]) if ev_row is not None else math.nan,
            "coverage_95": float(ev_row["coverage_95"]) if ev_row is not None else math.nan,
            "band_from": how,
        }
        rows.append(row)
    return pd.DataFrame(rows)


def calibration_ok(row: Mapping[str, float], *, tol: float = 5.0, tail_tol: float = 3.0) -> bool:
    """The issue's test of a calibrated band: 80% and 95% coverage within ``tol`` points of
    nominal and each tail within ``tail_tol`` points of its nominal share."""
    vals = [row.get(k, math.nan) for k in ("coverage_80", "coverage_95")]
    if any(isinstance(v, float) and math.isnan(v) for v in vals):
        return False
    return (
        abs(row["coverage_80"] - 80) <= tol
        and abs(row["coverage_95"] - 95) <= tol
        and abs(row["below_p10"] - 10) <= tail_tol
        and abs(row["above_p90"] - 10) <= tail_tol
        and abs(row["below_p2_5"] - 2.5) <= tail_tol
        and abs(row["above_p97_5"] - 2.5) <= tail_tol
    )


def bootstrap_mase(
    abs_err: np.ndarray,
    ref_abs_err: np.ndarray,
    clusters: np.ndarray,
    *,
    reps: int = 2000,
    seed: int = 20170930,
) -> tuple[float, float, float]:
    """MASE (summed absolute error over the reference's) and its 95% bootstrap interval,
    resampling whole areas (``clusters``) so that an area's cases move together."""
    keys, inv = np.unique(clusters, return_inverse=True)
    num = np.bincount(inv, weights=abs_err, minlength=len(keys))
    den = np.bincount(inv, weights=ref_abs_err, minlength=len(keys))
    point = float(num.sum() / den.sum()) if den.sum() > 0 else math.nan
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(keys), size=(reps, len(keys)))
    n_b, d_b = num[pick].sum(axis=1), den[pick].sum(axis=1)
    ratios = np.divide(n_b, d_b, out=np.full(reps, np.nan), where=d_b > 0)
    lo, hi = np.nanquantile(ratios, [0.025, 0.975])
    return point, float(lo), float(hi)


def shared_origins(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases whose origin every method of their level and horizon was scored from."""
    keys = ["level", "horizon"]
    per_method = cases.groupby([*keys, "origin"])["method"].nunique().rename("scored")
    methods = cases.groupby(keys)["method"].nunique().rename("methods")
    full = per_method.reset_index().merge(methods.reset_index(), on=keys)
    full = full.loc[full["scored"] == full["methods"], [*keys, "origin"]]
    return cases.merge(full, on=[*keys, "origin"], how="inner")


def skill(cases: pd.DataFrame, *, reps: int = 2000, seed: int = 20170930) -> pd.DataFrame:
    """Per level, horizon and method: MASE with its bootstrap interval, whether the method has
    skill over persistence (interval entirely below 1, from at least
    :data:`MIN_ORIGINS_TO_JUDGE` origins), and the default central method. Methods are compared
    on the same forecasts: only origins from which every method was scored at that level and
    horizon (:func:`shared_origins`; no change and HEE linear reach one origin further back)."""
    model = shared_origins(cases.loc[cases["calibration"] == "model"])
    pers = model.loc[
        model["method"] == "persistence", ["level", "org", "origin", "horizon", "abs_error"]
    ]
    pers = pers.rename(columns={"abs_error": "ref"})
    rows = []
    for (level, h, method), g in model.groupby(["level", "horizon", "method"], sort=True):
        if method == "persistence":
            continue
        m = g.merge(pers, on=["level", "org", "origin", "horizon"], how="inner")
        point, lo, hi = bootstrap_mase(
            m["abs_error"].to_numpy(),
            m["ref"].to_numpy(),
            m["org"].to_numpy(),
            reps=reps,
            seed=seed,
        )
        rows.append(
            {
                "level": level,
                "horizon": h,
                "method": method,
                "cases": len(m),
                "origins": int(m["origin"].nunique()),
                "mase": point,
                "mase_low": lo,
                "mase_high": hi,
                # the areas of one origin share its national shift: one origin's luck is not
                # skill, however many areas it has
                "skill": bool(hi < 1.0 and m["origin"].nunique() >= MIN_ORIGINS_TO_JUDGE),
            }
        )
    table = pd.DataFrame(rows)
    defaults = []
    for (level, h), g in table.groupby(["level", "horizon"], sort=True):
        skilled = g.loc[g["skill"]]
        if len(skilled):
            best = str(skilled.sort_values("mase").iloc[0]["method"])
            why = "shows skill over no change (its MASE interval lies below 1)"
        else:
            lowest = g.sort_values("mase").iloc[0]
            best = str(lowest["method"]) if lowest["mase"] < 1.0 else "persistence"
            few = int(g["origins"].max())
            why = (
                (
                    f"only {few} starting year{'' if few == 1 else 's'} scored, too few to judge"
                    f" skill (at least {MIN_ORIGINS_TO_JUDGE}); centred on the best-evaluated method"
                )
                if few < MIN_ORIGINS_TO_JUDGE
                else (
                    "no method has shown skill over no change here; centred on the best-evaluated"
                    " method, whose advantage is within the bootstrap interval"
                )
            )
        defaults.append({"level": level, "horizon": h, "default": best, "reason": why})
    return table.merge(pd.DataFrame(defaults), on=["level", "horizon"], how="left")


# ---------------------------------------------------------------------------------------------
# Charts (Altair; rendered to SVG by the CLI).

BAND_LABELS: Mapping[str, str] = {
    "model": "Method's own draws",
    "conformal": "Past errors (conformal)",
    "recalibrated": "Recalibrated draws",
    "recent": "Latest errors, recentred",
    "leave-out": "Other years' errors (leave one out)",
}


def mase_chart(summary_frame: pd.DataFrame, level: str, level_label: str) -> object:
    """Error relative to no change by years ahead, one line per method, the no-change line at 1."""
    import altair as alt

    rows = summary_frame.loc[
        (summary_frame["level"] == level) & (summary_frame["calibration"] == "model")
    ].assign(Method=lambda f: f["method"].map(METHOD_LABELS))
    rows = rows.rename(columns={"horizon": "Years ahead", "mase": "Error relative to no change"})
    x = alt.X("Years ahead:O", title="Years ahead")
    lines = (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "Error relative to no change:Q",
                title="Error relative to no change (MASE)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color("Method:N", title="Method", legend=alt.Legend(labelLimit=320)),
            tooltip=[
                "Method",
                "Years ahead",
                alt.Tooltip("Error relative to no change:Q", format=".2f"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"y": [1.0]}))
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(y="y:Q")
    )
    label = (
        alt.Chart(pd.DataFrame({"y": [1.0], "text": ["No change = 1"]}))
        .mark_text(align="left", dx=4, dy=-6)
        .encode(y="y:Q", text="text:N")
    )
    from gpworkforce.reports.charts import heading

    title = f"{level_label}s: which methods beat assuming no change (below 1 = better)"
    finding = ""
    scored = rows.dropna(subset=["Error relative to no change"])
    if len(scored):
        far = scored.loc[scored["Years ahead"] == scored["Years ahead"].max()]
        best = far.loc[far["Error relative to no change"].idxmin()]
        finding = (
            f"{best['Years ahead']} years ahead, {best['Method']} has the lowest error: "
            f"{best['Error relative to no change']:.2f} times assuming no change"
        )
    return (lines + rule + label).properties(
        title=heading(finding, title) if finding else title, width=520, height=300
    )


def coverage_chart(summary_frame: pd.DataFrame, level: str, level_label: str) -> object:
    """Share of actuals inside P10-P90 by years ahead, per method and band, against the 80%."""
    import altair as alt

    rows = summary_frame.loc[
        (summary_frame["level"] == level) & summary_frame["coverage_80"].notna()
    ].assign(
        Method=lambda f: f["method"].map(METHOD_LABELS),
        Band=lambda f: f["calibration"].map(BAND_LABELS),
    )
    rows = rows.rename(columns={"horizon": "Years ahead", "coverage_80": "Inside P10-P90 (%)"})
    base = alt.Chart().encode(x=alt.X("Years ahead:O", title="Years ahead"))
    lines = base.mark_line(point=True).encode(
        y=alt.Y(
            "Inside P10-P90 (%):Q",
            title="Actuals inside P10-P90 (%)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        color=alt.Color("Band:N", title="Band", legend=alt.Legend(labelLimit=320)),
        tooltip=[
            "Method",
            "Band",
            "Years ahead",
            alt.Tooltip("Inside P10-P90 (%):Q", format=".0f"),
        ],
    )
    rule = alt.Chart().mark_rule(strokeDash=[4, 3], color="black").encode(y=alt.datum(80))
    return (
        alt.layer(lines, rule, data=rows)
        .properties(width=170, height=160)
        .facet(facet=alt.Facet("Method:N", title=None), columns=3)
        .properties(title=_coverage_heading(rows, level_label))
    )


def _coverage_heading(rows: pd.DataFrame, level_label: str) -> object:
    from gpworkforce.reports.charts import heading

    label = f"{level_label}s: how often the 80% band held the actual (dashed: 80%)"
    held = rows.dropna(subset=["Inside P10-P90 (%)"])
    if held.empty:
        return label
    far = held.loc[held["Years ahead"] == held["Years ahead"].max()]
    ok = int((far["Inside P10-P90 (%)"] >= 80).sum())
    return heading(
        f"{far['Years ahead'].iloc[0]} years ahead, {ok} of {len(far)} bands held the actual "
        "80% of the time or more",
        label,
    )
