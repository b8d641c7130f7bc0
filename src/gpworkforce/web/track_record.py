"""How well has this forecasting method done here before? (issue 15: shown next to every forecast)

The rolling-origin evaluation (:mod:`gpworkforce.forecast.evaluation`) of one organisation, from
the GPW figures loaded into the web app (``ReferenceWorkforce``, fully qualified GPs): every origin
its history allows, each forecast scored against what GPW later showed, for the method a scenario
uses and for "no change" on the same forecasts. One organisation alone gives no spread between
areas, so the method's pooled spreads are its own; the national comparison across every ICB and
sub-ICB location is ``gpworkforce evaluate`` (docs/model.md).

Computed once per organisation, method and data version, and kept in Django's cache.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache

from gpworkforce.forecast import evaluation as ev
from gpworkforce.forecast.calibration import DEFAULT_NODE, PANEL_COLUMNS, panel_from_workforce
from gpworkforce.web.jobs.models import current as data_version
from gpworkforce.web.models import Organisation, ReferenceWorkforce, descendant_codes

GP_NODE = DEFAULT_NODE
DRAWS = 200
SCENARIO_METHOD = {"hee-linear": "hee-linear", "cohort": "cohort"}
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class HorizonRecord:
    horizon: int
    forecasts: int
    method_error: float  # mean absolute % error of the method's central forecasts
    no_change_error: float  # of "no change" on the same forecasts
    bias: float  # mean signed % error of the method


@dataclass(frozen=True)
class TrackRecord:
    org_name: str
    method: str
    method_label: str
    first_origin: int
    last_origin: int
    rows: tuple[HorizonRecord, ...]
    mase: float  # summed absolute error over no change's, all horizons

    @property
    def verdict(self) -> str:
        n = sum(r.forecasts for r in self.rows)
        if math.isnan(self.mase):
            return "Not enough history to judge this method here."
        if self.mase < 1.0:
            return (
                f"Over {n} past forecasts its errors were {100 * (1 - self.mase):.0f}% smaller"
                " than assuming no change."
            )
        return (
            f"Over {n} past forecasts its errors were {100 * (self.mase - 1):.0f}% larger than"
            " assuming no change: treat its central line with caution."
        )


def panel(org_code: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The practice-year panel of fully qualified GPs under ``org_code`` (mean of the loaded
    snapshots in each GPW Year) and the practice -> organisation map."""
    codes = descendant_codes(org_code, dt.date.today())
    practices = list(
        Organisation.objects.filter(code__in=codes, type="practice").values_list("code", flat=True)
    )
    rows = list(
        ReferenceWorkforce.objects.filter(practice_code__in=practices, node=GP_NODE).values_list(
            "practice_code", "period", "node", "headcount", "fte"
        )
    )
    frame = pd.DataFrame(rows, columns=["practice_code", "period", "node", "headcount", "fte"])
    if frame.empty:
        return pd.DataFrame(columns=list(PANEL_COLUMNS)), {}
    panel = panel_from_workforce(frame, GP_NODE)  # GPW Year of each snapshot, NA kept as NA
    yearly = panel.groupby(["practice_code", "fy"], as_index=False)[["headcount", "fte"]].mean()
    return yearly, dict.fromkeys(practices, org_code)


def track_record(org_code: str, scenario_method: str) -> TrackRecord | None:
    """The record of the method a scenario of ``scenario_method`` uses, or None when the
    organisation's loaded history is too short to score any forecast (four GPW Years)."""
    method = SCENARIO_METHOD.get(scenario_method)
    if method is None:
        return None
    key = f"track-record:{org_code}:{method}:{data_version()}"
    hit = cache.get(key)
    if hit is not None:
        return hit or None  # False caches "no record"
    record = _compute(org_code, method)
    cache.set(key, record or False, CACHE_SECONDS)
    return record


def _compute(org_code: str, method: str) -> TrackRecord | None:
    frame, mapping = panel(org_code)
    if frame.empty or frame["fy"].nunique() < ev.MIN_INTERVALS + 2:
        return None
    try:
        cases = ev.evaluate_level(
            frame, mapping, "area", methods=("persistence", method), draws=DRAWS
        )
    except ValueError:
        return None
    model = cases.loc[cases["calibration"] == "model"]
    if model.empty:
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
    org = Organisation.objects.filter(code=org_code).values_list("name", flat=True).first()
    return TrackRecord(
        org_name=org or org_code,
        method=method,
        method_label=ev.METHOD_LABELS[method],
        first_origin=int(mine["origin"].min()),
        last_origin=int(mine["origin"].max()),
        rows=tuple(rows),
        mase=float(mine["abs_error"].sum()) / ref_total if ref_total > 0 else math.nan,
    )
