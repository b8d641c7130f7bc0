"""How well has a scenario's forecasting method done here before? (issue 15, decision 0166)

The rolling-origin evaluation (:mod:`gpworkforce.forecast.evaluation`) of one organisation from
its practices' fully qualified GPs in GPW: every origin its history allows, each forecast scored
against what GPW later showed, for **every** evaluated method and for "no change" on the same
forecasts. At the scenario's horizon each method's average error, its error relative to no change
(MASE) with a 95% bootstrap interval that resamples the years forecast from (one organisation has
no other areas to resample), and how often the actual fell inside its own 80% range; and whether
the scenario's method has shown skill over no change here, or which method a forecast should be
centred on instead. One organisation alone gives no spread between areas, so the method's pooled
spreads are its own; the national comparison across every ICB and sub-ICB location is
``gpworkforce evaluate`` (docs/model.md).

The one implementation behind the scenario page, the web's committee paper and
``gpworkforce paper``: the callers only say where the panel comes from (the web app's loaded GPW
figures, or a GPW practice-year file or workspace) and keep it or not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from gpworkforce.forecast import evaluation as ev
from gpworkforce.forecast.calibration import DEFAULT_NODE

GP_NODE = DEFAULT_NODE
DRAWS = 200
SCENARIO_METHOD = {"hee-linear": "hee-linear", "cohort": "cohort"}
# one organisation alone has no national trend (it would be its own trend again): the methods
# checked here, and the ensemble of those of them that have a band
METHODS = tuple(m for m in ev.METHODS if m != "trend-national")
ENSEMBLE = tuple(m for m in ev.ENSEMBLE_OF if m != "trend-national")


@dataclass(frozen=True)
class HorizonRecord:
    horizon: int
    forecasts: int
    method_error: float  # mean absolute % error of the method's central forecasts
    no_change_error: float  # of "no change" on the same forecasts
    bias: float  # mean signed % error of the method


@dataclass(frozen=True)
class MethodRecord:
    """One method's record at one horizon for one organisation."""

    method: str
    label: str
    forecasts: int
    origins: int  # years forecast from
    error: float  # mean absolute % error
    mase: float  # summed absolute error over no change's on the same forecasts (1 for it)
    mase_low: float  # 95% bootstrap interval over the years forecast from
    mase_high: float
    coverage_80: float  # % of actuals inside the method's own P10-P90; NaN without a band

    @property
    def has_band(self) -> bool:
        return not math.isnan(self.coverage_80)

    @property
    def coverage_judged(self) -> bool:
        """Enough starting years checked for the range's coverage to say anything (the
        evaluation's rule: a share from fewer rests on too few years' luck)."""
        return self.has_band and self.origins >= ev.MIN_ORIGINS_FOR_COVERAGE

    @property
    def skill(self) -> bool:
        """Shown skill over no change: enough years checked and the whole interval below 1."""
        return (
            self.method != "persistence"
            and self.origins >= ev.MIN_ORIGINS_TO_JUDGE
            and self.mase_high < 1.0
        )


@dataclass(frozen=True)
class TrackRecord:
    org_name: str
    method: str
    method_label: str
    first_origin: int
    last_origin: int
    rows: tuple[HorizonRecord, ...]
    mase: float  # summed absolute error over no change's, all horizons
    horizon: int = 0  # the horizon of the methods table (the scenario's, or the longest checked)
    asked: int = 0  # the scenario's horizon
    methods: tuple[MethodRecord, ...] = ()

    @property
    def min_coverage_origins(self) -> int:
        return ev.MIN_ORIGINS_FOR_COVERAGE

    @property
    def mine(self) -> MethodRecord | None:
        return next((m for m in self.methods if m.method == self.method), None)

    @property
    def centre(self) -> MethodRecord | None:
        """The method to centre a forecast on at :attr:`horizon`: the skilled method with the
        smallest MASE; without one, the lowest MASE below 1; otherwise no change."""
        skilled = [m for m in self.methods if m.skill]
        if skilled:
            return min(skilled, key=lambda m: m.mase)
        better = [m for m in self.methods if m.method != "persistence" and m.mase < 1.0]
        if better:
            return min(better, key=lambda m: m.mase)
        return next((m for m in self.methods if m.method == "persistence"), None)

    @property
    def skill_statement(self) -> str:
        """Plain English: has the scenario's method shown skill over no change at the horizon
        here, and if not, what the forecast should be centred on."""
        mine, centre = self.mine, self.centre
        if mine is None or centre is None:
            return ""
        years = _years(self.horizon)
        if mine.origins < ev.MIN_ORIGINS_TO_JUDGE:
            return (
                f"Too few forecasts to judge skill at {years} here: GPW history allows"
                f" {_count(mine.origins, 'starting year')} (at least"
                f" {ev.MIN_ORIGINS_TO_JUDGE} needed)."
            )
        if mine.skill:
            return (
                f"{_cap(_the(mine.label))} has shown skill over \u201cno change\u201d at {years}"
                f" here: its errors were {100 * (1 - mine.mase):.0f}% smaller, and the 95%"
                f" interval ({mine.mase_low:.2f} to {mine.mase_high:.2f}) stays below 1."
            )
        head = (
            f"{_cap(_the(mine.label))} has not shown skill over \u201cno change\u201d at"
            f" {years} here (errors relative to no change {mine.mase:.2f}, 95% interval"
            f" {mine.mase_low:.2f} to {mine.mase_high:.2f})"
        )
        if centre.method == self.method:
            return head + (
                "; it is still the best-evaluated method here, by a margin within chance,"
                " so its central line is kept."
            )
        # the scenario's own central line is what the tables show: say which forecast the
        # evaluation would centre on, not that this one has been moved
        if centre.skill:
            return head + (
                f"; {_the(centre.label)} has shown skill here and would be the better central line."
            )
        if centre.method == "persistence":
            return head + (
                "; \u201cno change\u201d has been the best-evaluated forecast here, so read this"
                " central line against today's figure."
            )
        return head + (
            f"; {_the(centre.label)} has been the best-evaluated forecast here (no method has"
            " shown skill) and would be the better central line."
        )

    @property
    def _horizons(self) -> str:
        """The horizons the verdict pools, in words ('1 to 6 years ahead together')."""
        hs = sorted({r.horizon for r in self.rows if r.forecasts})
        if not hs:
            return "no horizon"
        if len(hs) == 1:
            return _years(hs[0])
        return f"{hs[0]} to {_years(hs[-1])} together"

    @property
    def verdict(self) -> str:
        n = sum(r.forecasts for r in self.rows)
        if math.isnan(self.mase):
            return "Not enough history to judge this method here."
        if self.mase < 1.0:
            return (
                f"Over {n} past forecasts ({self._horizons}) its errors were"
                f" {100 * (1 - self.mase):.0f}% smaller than assuming no change."
            )
        return (
            f"Over {n} past forecasts ({self._horizons}) its errors were"
            f" {100 * (self.mase - 1):.0f}% larger than assuming no change: treat its central"
            " line with caution."
        )


def _years(n: int) -> str:
    return f"{n} year ahead" if n == 1 else f"{n} years ahead"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _the(label: str) -> str:
    """'Cohort engine' -> 'the cohort engine'; a name led by an acronym (HEE linear) as it is."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() else "the " + label[:1].lower() + label[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def yearly(panel: pd.DataFrame) -> pd.DataFrame:
    """A practice-year panel (one row per practice and GPW snapshot) as the evaluation's series:
    the mean of each practice's snapshots in each GPW Year."""
    if panel.empty:
        return panel
    return panel.groupby(["practice_code", "fy"], as_index=False)[["headcount", "fte"]].mean()


def scored_cases(panel: pd.DataFrame, practice_org: Mapping[str, str]) -> pd.DataFrame | None:
    """The organisation's forecasts scored by every method (the methods' own bands only), from
    the yearly ``panel`` of the practices ``practice_org`` maps to it; None when its history is
    too short to score any forecast."""
    if panel.empty or panel["fy"].nunique() < ev.MIN_INTERVALS + 2:
        return None
    try:
        cases = ev.evaluate_level(
            panel, practice_org, "area", methods=METHODS, draws=DRAWS, ensemble_of=ENSEMBLE
        )
    except ValueError:
        return None
    keep = ["method", "origin", "horizon", "abs_error", "ape", "pct_error", "inside_80"]
    # every method beside no change on the same starting years: no change and HEE linear are
    # also forecast from the Years before the others can start (decision 0155), left out here
    model = cases.loc[cases["calibration"] == "model"]
    first = model.groupby("method")["origin"].min().max()
    return model.loc[model["origin"] >= first, keep].reset_index(drop=True)


def method_of(scenario_method: str) -> str | None:
    """The evaluated method a scenario of ``scenario_method`` forecasts with (None: not one)."""
    return SCENARIO_METHOD.get(scenario_method)


def scenario_horizon(document: object, method: str) -> int | None:
    """The years a scenario document forecasts (``[hee_linear]`` or ``[cohort]`` ``years``)."""
    if not isinstance(document, dict):
        return None
    section = document.get(method.replace("-", "_"))
    years = section.get("years") if isinstance(section, dict) else None
    return int(years) if isinstance(years, int | float) and years >= 1 else None


def _methods_at(model: pd.DataFrame, horizon: int) -> tuple[MethodRecord, ...]:
    at = model.loc[model["horizon"] == horizon]
    ref = at.loc[at["method"] == "persistence", ["origin", "abs_error"]].rename(
        columns={"abs_error": "ref"}
    )
    out = []
    for method in METHODS:
        g = at.loc[at["method"] == method].merge(ref, on="origin", how="inner")
        if g.empty:
            continue
        point, lo, hi = ev.bootstrap_mase(
            g["abs_error"].to_numpy(), g["ref"].to_numpy(), g["origin"].to_numpy()
        )
        band = g["inside_80"].dropna()
        out.append(
            MethodRecord(
                method=method,
                label=ev.METHOD_LABELS[method],
                forecasts=len(g),
                origins=int(g["origin"].nunique()),
                error=float(g["ape"].mean()),
                mase=point,
                mase_low=lo,
                mase_high=hi,
                coverage_80=float(band.mean() * 100) if len(band) else math.nan,
            )
        )
    return tuple(out)


def record(
    org_name: str, scenario_method: str, model: pd.DataFrame | None, asked: int | None = None
) -> TrackRecord | None:
    """The record of the method a scenario of ``scenario_method`` uses, beside every other
    evaluated method at ``asked`` years (the scenario's; capped at the longest horizon the
    history can check), from :func:`scored_cases`; None for a method not evaluated or without
    scored forecasts."""
    method = method_of(scenario_method)
    if method is None or model is None or model.empty:
        return None
    mine = model.loc[model["method"] == method]
    base = model.loc[model["method"] == "persistence"]
    rows = []
    for h, g in mine.groupby("horizon"):
        ref = base.loc[base["horizon"] == h]
        rows.append(
            HorizonRecord(
                horizon=int(h),
                forecasts=len(g),
                method_error=float(g["ape"].mean()),
                no_change_error=float(ref["ape"].mean()),
                bias=float(g["pct_error"].mean()),
            )
        )
    ref_total = float(base["abs_error"].sum())
    longest = int(model["horizon"].max())
    horizon = min(asked or longest, longest)
    return TrackRecord(
        org_name=org_name,
        method=method,
        method_label=ev.METHOD_LABELS[method],
        first_origin=int(mine["origin"].min()),
        last_origin=int(mine["origin"].max()),
        rows=tuple(rows),
        mase=float(mine["abs_error"].sum()) / ref_total if ref_total > 0 else math.nan,
        horizon=horizon,
        asked=asked or horizon,
        methods=_methods_at(model, horizon),
    )


def paper_sentences(scenario_name: str, found: TrackRecord | None) -> tuple[str, ...]:
    """The committee paper's sentences (web and ``gpworkforce paper``) on how well the scenario's
    method has done before: what was checked, the verdict and the skill statement; empty
    without a record."""
    if found is None:
        return ()
    head = (
        f"{scenario_name}: how well has {_the(found.method_label)} done here before? It forecast"
        f" {found.org_name}'s fully qualified GPs from every GPW year {found.first_origin} to"
        f" {found.last_origin} it could, each checked against what GPW later showed."
    )
    return tuple(t for t in (head, found.verdict, found.skill_statement) if t)
