"""How well has this forecasting method done here before? (issue 15: shown next to every forecast)

The web app's side of :mod:`gpworkforce.forecast.track_record` (the one implementation, shared
with ``gpworkforce paper``): the organisation's practice-year panel from the GPW figures loaded
into the web app (``ReferenceWorkforce``, fully qualified GPs), its scored forecasts computed once
per organisation and data version (all methods at once) and kept in Django's cache.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.core.cache import cache

from gpworkforce.forecast.calibration import PANEL_COLUMNS, panel_from_workforce
from gpworkforce.forecast.track_record import (
    GP_NODE,
    HorizonRecord,
    MethodRecord,
    TrackRecord,
    method_of,
    record,
    scenario_horizon,
    scored_cases,
    yearly,
)
from gpworkforce.web.jobs.models import current as data_version
from gpworkforce.web.models import Organisation, ReferenceWorkforce, descendant_codes

__all__ = [
    "GP_NODE",
    "HorizonRecord",
    "MethodRecord",
    "TrackRecord",
    "panel",
    "scenario_horizon",
    "track_record",
    "yearly_panel",
]

CACHE_SECONDS = 24 * 3600


def panel(org_code: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The practice-year panel of fully qualified GPs under ``org_code`` (mean of the loaded
    snapshots in each GPW Year) and the practice -> organisation map."""
    codes = descendant_codes(org_code, dt.date.today())
    practices = list(
        Organisation.objects.filter(code__in=codes, type="practice").values_list("code", flat=True)
    )
    return yearly_panel(practices), dict.fromkeys(practices, org_code)


def yearly_panel(practices: list[str] | None = None) -> pd.DataFrame:
    """The practice-year panel of fully qualified GPs of ``practices`` (None: every practice
    loaded): the mean of the loaded snapshots in each GPW Year (the evaluation's series)."""
    rows_of = ReferenceWorkforce.objects.filter(node=GP_NODE)
    if practices is not None:
        rows_of = rows_of.filter(practice_code__in=practices)
    rows = list(rows_of.values_list("practice_code", "period", "node", "headcount", "fte"))
    frame = pd.DataFrame(rows, columns=["practice_code", "period", "node", "headcount", "fte"])
    if frame.empty:
        return pd.DataFrame(columns=list(PANEL_COLUMNS))
    return yearly(panel_from_workforce(frame, GP_NODE))  # GPW Year of each snapshot, NA kept


def track_record(
    org_code: str, scenario_method: str, horizon: int | None = None
) -> TrackRecord | None:
    """The record of the method a scenario of ``scenario_method`` uses, beside every other
    evaluated method at ``horizon`` years (the scenario's; capped at the longest horizon the
    history can check), or None when the organisation's loaded history is too short to score
    any forecast (four GPW Years)."""
    if method_of(scenario_method) is None:
        return None
    key = f"track-record:all-methods:{org_code}:{data_version()}"
    model = cache.get(key)
    if model is None:
        model = scored_cases(*panel(org_code))
        cache.set(key, model if model is not None else False, CACHE_SECONDS)
    if model is None or model is False:
        return None
    org = Organisation.objects.filter(code=org_code).values_list("name", flat=True).first()
    return record(org or org_code, scenario_method, model, horizon)
