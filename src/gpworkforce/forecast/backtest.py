"""Back-testing: forecast from September 2017 and score against what GPW later showed.

For each area (every ICB, LLR among them) the forecast starts from the area's actual qualified GP
FTE in GPW Year 2018 (30 September 2017) and runs to Year 2024, one step per GPW year. Two kinds
of forecast are scored:

``calibrated``  the area's own net FTE growth over the two years before the start (Years 2016 to
                2018), with uncertainty: a persistent trend ``g ~ normal(mean, s / sqrt(n))`` and a
                yearly shock ``e_y ~ normal(0, s)``, where ``s`` is the year-to-year spread of
                annual growth rates pooled over every area; ``FTE_h = FTE_0 * prod(1 + g + e_y)``.
                Only data up to the start is used. Draws come from one master seed (see
                :mod:`gpworkforce.forecast.uncertainty`); run 0 is the central case.
``calibrated-national``, ``random-walk``  references: one national trend for every area, and no
                trend at all (central path "no change"), with the same yearly shocks.
``hee-linear``  the LLR plan's three 2017 scenarios (method ``hee-linear``): the straight line
                from the plan's baseline to its 2020 position, applied as a *relative* change to
                GPW's Year 2018 figure (like with like, see :func:`plan_comparison`).

Scores (:class:`Score`): MAPE of the median (P50) and of the central run against the actuals,
mean signed error (bias) and the coverage of the 80% interval: the share of actuals inside P10-P90.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce.forecast.calibration import Calibration, calibrate_many
from gpworkforce.forecast.distributions import central
from gpworkforce.forecast.methods import (
    HEE_LINEAR,
    PERSISTENCE,
    TREND,
    HeeSpec,
    RunRequest,
    TrendSpec,
)
from gpworkforce.forecast.scenario import HeeLinearConfig
from gpworkforce.forecast.uncertainty import QUANTILES

START_FY = 2018  # GPW Year 2018 = 30 September 2017
END_FY = 2024
HISTORY_FROM_FY = 2016
PLAN_YEARS = 3  # the LLR plan forecast Sep 2017 -> Sep 2020
PLAN_TARGET_FY = 2021  # nearest GPW figure to Sep 2020: the FY2020/21 mean


@dataclass(frozen=True)
class Band:
    """A forecast per GPW year: the central run and P10/P50/P90 over the draws."""

    org: str
    method: str
    fys: tuple[int, ...]
    central: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray

    @classmethod
    def from_runs(cls, org: str, method: str, fys: Sequence[int], runs: np.ndarray) -> Band:
        """``runs`` is (runs, years) with run 0 the central case."""
        draws = runs[1:] if runs.shape[0] > 1 else runs
        q = np.quantile(draws, QUANTILES, axis=0)
        return cls(org, method, tuple(fys), runs[0].copy(), q[0], q[1], q[2])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "org": self.org,
                "method": self.method,
                "fy": list(self.fys),
                "central": self.central,
                "p10": self.p10,
                "p50": self.p50,
                "p90": self.p90,
            }
        )


@dataclass(frozen=True, slots=True)
class Score:
    org: str
    method: str
    n: int  # years scored
    mape_p50: float  # mean absolute percentage error of the median, %
    mape_central: float  # of the central run, %
    bias: float  # mean signed percentage error of the median (forecast - actual), %
    coverage: float  # share of actuals inside P10-P90 (NaN when the band has no width)


def score(band: Band, actual: Mapping[int, float], after: int) -> Score:
    """Score ``band`` on the years after ``after`` with an actual figure."""
    idx = [
        i for i, y in enumerate(band.fys) if y > after and not math.isnan(actual.get(y, math.nan))
    ]
    if not idx:
        return Score(band.org, band.method, 0, math.nan, math.nan, math.nan, math.nan)
    act = np.array([actual[band.fys[i]] for i in idx])
    p50, central = band.p50[idx], band.central[idx]
    err = (p50 - act) / act
    inside = (band.p10[idx] <= act) & (act <= band.p90[idx])
    has_width = bool(np.any(band.p90[idx] > band.p10[idx]))
    return Score(
        org=band.org,
        method=band.method,
        n=len(idx),
        mape_p50=float(np.mean(np.abs(err)) * 100),
        mape_central=float(np.mean(np.abs((central - act) / act)) * 100),
        bias=float(np.mean(err) * 100),
        coverage=float(np.mean(inside)) if has_width else math.nan,
    )


def actual_fte(panel: pd.DataFrame, practice_org: Mapping[str, str]) -> pd.DataFrame:
    """Summed FTE per organisation (rows) and GPW year (columns); NaN where no practice has data."""
    orgs = panel["practice_code"].map(practice_org)
    kept = panel.assign(org=orgs).dropna(subset=["org", "fte"])
    return kept.pivot_table(index="org", columns="fy", values="fte", aggfunc="sum")


def pooled_shock_sd(calibrations: Mapping[str, Calibration]) -> float:
    """Year-to-year spread of annual FTE growth: within-area variances pooled over areas."""
    num = den = 0.0
    for cal in calibrations.values():
        rates = np.array([iv.net_rate_fte for iv in cal.intervals])
        if len(rates) > 1:
            num += float(((rates - rates.mean()) ** 2).sum())
            den += len(rates) - 1
    if den == 0:
        raise ValueError("pooling the shock spread needs an area with two or more years")
    return math.sqrt(num / den)


def trend_runs(
    org: str,
    start: float,
    trend: float,
    trend_se: float,
    shock_sd: float,
    horizon: int,
    n_draws: int,
    seed: int,
) -> np.ndarray:
    """(runs, horizon + 1) FTE paths: ``start * prod(1 + g + e_y)``, ``g ~ normal(trend,
    trend_se)`` fixed per run, ``e_y ~ normal(0, shock_sd)`` each year; run 0 central
    (method ``trend``, :mod:`gpworkforce.forecast.methods.trend`)."""
    spec = TrendSpec(org, start, trend, trend_se, shock_sd, horizon)
    return TREND.run(spec, RunRequest(draws=n_draws, seed=seed)).supply[:, :, 0]


def persistence_runs(
    org: str, start: float, shock_sd: float, horizon: int, n_draws: int, seed: int
) -> np.ndarray:
    """No trend, the same yearly shocks (method ``persistence``: the random walk)."""
    spec = TrendSpec.persistence(org, start, shock_sd, horizon)
    return PERSISTENCE.run(spec, RunRequest(draws=n_draws, seed=seed)).supply[:, :, 0]


def calibrated_runs(
    org: str,
    start: float,
    cal: Calibration,
    shock_sd: float,
    horizon: int,
    n_draws: int,
    seed: int,
) -> np.ndarray:
    """The area's own calibrated trend (mean net FTE growth, standard error s / sqrt(n))."""
    n = len(cal.intervals)
    return trend_runs(
        org, start, cal.net_rate_fte, shock_sd / math.sqrt(n), shock_sd, horizon, n_draws, seed
    )


METHODS: tuple[str, ...] = ("calibrated", "calibrated-national", "random-walk")
"""``calibrated``: the area's own trend; ``calibrated-national``: the mean trend of all areas (one
growth rate for every area); ``random-walk``: no trend, only the yearly shocks (its central path
is "no change", the naive benchmark any model should beat)."""


@dataclass(frozen=True)
class BacktestResult:
    bands: tuple[Band, ...]
    scores: tuple[Score, ...]
    actuals: pd.DataFrame  # org x fy
    shock_sd: float
    seed: int
    n_draws: int

    def bands_frame(self) -> pd.DataFrame:
        frame = pd.concat([b.to_frame() for b in self.bands], ignore_index=True)
        frame["actual"] = [
            self.actuals.at[o, y]
            if o in self.actuals.index and y in self.actuals.columns
            else math.nan
            for o, y in zip(frame["org"], frame["fy"], strict=True)
        ]
        frame["inside_p10_p90"] = (frame["p10"] <= frame["actual"]) & (
            frame["actual"] <= frame["p90"]
        )
        return frame

    def scores_frame(self) -> pd.DataFrame:
        return pd.DataFrame([_as_dict(s) for s in self.scores])


def _as_dict(s: Score) -> dict[str, object]:
    return {name: getattr(s, name) for name in Score.__slots__}


def backtest_calibrated(
    panel: pd.DataFrame,
    practice_org: Mapping[str, str],
    *,
    start_fy: int = START_FY,
    end_fy: int = END_FY,
    history_from: int = HISTORY_FROM_FY,
    n_draws: int = 1000,
    seed: int = 20170930,
    orgs: Sequence[str] | None = None,
) -> BacktestResult:
    """Forecasts from ``start_fy`` by every method of :data:`METHODS` for every organisation of
    the map, scored against the actuals. All methods share the master seed (same shocks)."""
    cals = calibrate_many(panel, practice_org, first_fy=history_from, last_fy=start_fy)
    if orgs is not None:
        cals = {k: v for k, v in cals.items() if k in set(orgs)}
    if not cals:
        raise ValueError("no organisation has data for the calibration years")
    sd = pooled_shock_sd(cals)
    n_all = sum(len(c.intervals) for c in cals.values())
    national = float(np.mean([c.net_rate_fte for c in cals.values()]))
    actuals = actual_fte(panel, practice_org)
    fys = tuple(range(start_fy, end_fy + 1))
    horizon = len(fys) - 1
    bands, scores = [], []
    for org, cal in cals.items():
        start = float(actuals.at[org, start_fy])
        runs_by_method = {
            "calibrated": calibrated_runs(org, start, cal, sd, horizon, n_draws, seed),
            "calibrated-national": trend_runs(
                org, start, national, sd / math.sqrt(n_all), sd, horizon, n_draws, seed
            ),
            "random-walk": persistence_runs(org, start, sd, horizon, n_draws, seed),
        }
        for method, runs in runs_by_method.items():
            band = Band.from_runs(org, method, fys, runs)
            bands.append(band)
            scores.append(score(band, actuals.loc[org].to_dict(), start_fy))
    return BacktestResult(tuple(bands), tuple(scores), actuals, sd, seed, n_draws)


def summarise(scores: Sequence[Score]) -> dict[str, float]:
    """Median MAPE and overall coverage over areas (coverage weighted by years scored)."""
    usable = [s for s in scores if s.n]
    mape = np.array([s.mape_p50 for s in usable])
    cov = [(s.coverage, s.n) for s in usable if not math.isnan(s.coverage)]
    return {
        "areas": float(len(usable)),
        "median_mape_p50": float(np.median(mape)) if len(mape) else math.nan,
        "mean_mape_p50": float(mape.mean()) if len(mape) else math.nan,
        "coverage": (sum(c * n for c, n in cov) / sum(n for _, n in cov)) if cov else math.nan,
    }


def plan_runs(cfg: HeeLinearConfig, n_draws: int, seed: int) -> np.ndarray:
    """(runs, PLAN_YEARS + 1) *ratios* to the plan's baseline along its straight line.

    ``cfg`` is a scenario's ``HeeLinearConfig``; any field given as a distribution is drawn
    (run 0 central). The ratio path is what carries over to GPW's figure (like with like).
    """
    result = HEE_LINEAR.run(HeeSpec(cfg), RunRequest(draws=n_draws, seed=seed))
    base, pos = result.supply[:, 0, 0], result.supply[:, -1, 0]
    steps = np.arange(cfg.years + 1) / cfg.years
    return 1.0 + ((pos - base) / base)[:, None] * steps[None, :]


@dataclass(frozen=True)
class PlanComparison:
    """How the LLR plan's scenarios compare with what GPW later showed (see docs/model.md)."""

    table: pd.DataFrame
    bands: tuple[Band, ...]
    scores: tuple[Score, ...]


def plan_comparison(
    actual: Mapping[int, float],
    scenarios: Sequence[tuple[str, HeeLinearConfig]],
    *,
    org: str = "QK1",
    start_fy: int = START_FY,
    compare_fy: int = PLAN_TARGET_FY,
    n_draws: int = 1000,
    seed: int = 20170930,
) -> PlanComparison:
    """Each (name, HeeLinearConfig): its 2020 position as a change on the plan's own baseline,
    carried onto GPW's qualified GP FTE for the same area at ``start_fy``, against the actual
    ``compare_fy`` figure (and every year of the plan's horizon)."""
    start = float(actual[start_fy])
    rows, bands, scores = [], [], []
    for name, cfg in scenarios:
        ratios = plan_runs(cfg, n_draws, seed)
        years = ratios.shape[1] - 1
        fys = tuple(range(start_fy, start_fy + years + 1))
        band = Band.from_runs(org, f"hee-linear: {name}", fys, start * ratios)
        bands.append(band)
        scores.append(score(band, actual, start_fy))
        base = central(cfg.baseline_wte)
        end_ratio = float(ratios[0, -1])
        # role substitutes are GP-equivalents, not GPs: GPW's GP count cannot show them
        no_subs = HeeSpec(cfg.model_copy(update={"substitutes": []}))
        gp_only = float(HEE_LINEAR.run(no_subs, RunRequest()).supply[0, -1, 0])
        gp_ratio = gp_only / base
        got = actual.get(compare_fy, math.nan)
        rows.append(
            {
                "scenario": name,
                "plan_baseline_wte": base,
                "plan_position_wte": base * end_ratio,
                "plan_change_pct": (end_ratio - 1) * 100,
                "gpw_fte_start": start,
                "gpw_equivalent_position": start * end_ratio,
                "gpw_equivalent_p10": float(band.p10[-1]),
                "gpw_equivalent_p90": float(band.p90[-1]),
                "actual_fte_compare_fy": got,
                "actual_change_pct": (got / start - 1) * 100,
                "error_pct": (start * end_ratio / got - 1) * 100,
                "plan_gp_only_position_wte": gp_only,
                "gpw_equivalent_gp_only": start * gp_ratio,
                "gp_only_error_pct": (start * gp_ratio / got - 1) * 100,
                "compare_fy": compare_fy,
            }
        )
    return PlanComparison(pd.DataFrame(rows), tuple(bands), tuple(scores))


def backtest_chart(bands: Sequence[Band], actual: Mapping[int, float], title: str) -> Any:
    """Altair chart: each band's P10-P90 area and P50 line by GPW year, and the actuals."""
    import altair as alt

    frame = pd.concat([b.to_frame() for b in bands], ignore_index=True)
    acts = pd.DataFrame({"fy": list(actual), "actual": list(actual.values())}).dropna()
    x = alt.X("fy:O", title="GPW year (2018 = Sep 2017; from 2021 financial-year means)")
    area = (
        alt.Chart(frame)
        .mark_area(opacity=0.2)
        .encode(
            x=x,
            y=alt.Y("p10:Q", title="Qualified GP FTE", scale=alt.Scale(zero=False)),
            y2="p90:Q",
            color="method:N",
        )
    )
    line = alt.Chart(frame).mark_line().encode(x=x, y="p50:Q", color="method:N")
    dots = (
        alt.Chart(acts)
        .mark_line(point=True, color="black", strokeDash=[4, 2])
        .encode(x=x, y="actual:Q", tooltip=["fy", "actual"])
    )
    from gpworkforce.reports.charts import heading

    label = title + "; black dots: the actual, bands: P10 to P90"
    finding = ""
    both = frame.merge(acts, on="fy")
    if len(both):
        last = both.loc[both["fy"] == both["fy"].max()]
        inside = int(((last["p10"] <= last["actual"]) & (last["actual"] <= last["p90"])).sum())
        finding = (
            f"The actual in {int(last['fy'].iloc[0])} ({float(last['actual'].iloc[0]):,.0f}) is "
            f"inside the P10-P90 band of {inside} of {len(last)} methods"
        )
    return (area + line + dots).properties(
        title=heading(finding, label) if finding else label, width=560, height=320
    )
