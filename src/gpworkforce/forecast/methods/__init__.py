"""Forecasting methods behind one interface (decision record 0044).

``base``    the interface: :class:`ForecastMethod` (``name``, ``supports``, ``run``),
            :class:`RunRequest`, :class:`Forecast` (supply ``[runs, dates, orgs]``, run 0 central).
``cohort``  the cohort engine (:class:`CohortMethod`, spec :class:`CohortSpec`).
``hee``     the HEE linear arithmetic (:class:`HeeLinearMethod`, spec :class:`HeeSpec`).
``trend``   the back-tests' trend and persistence models (:class:`TrendMethod`, :class:`TrendSpec`).

:data:`SCENARIO_METHODS` maps a scenario's ``method`` to its implementation; the runner, the
sensitivity analysis and the back-tests call methods only through ``run``.
"""

from __future__ import annotations

from gpworkforce.forecast.methods.base import Capability, Forecast, ForecastMethod, RunRequest
from gpworkforce.forecast.methods.cohort import CohortMethod, CohortSpec
from gpworkforce.forecast.methods.hee import HeeDetail, HeeLinearMethod, HeeSpec
from gpworkforce.forecast.methods.trend import TrendMethod, TrendSpec

COHORT = CohortMethod()
HEE_LINEAR = HeeLinearMethod()
TREND = TrendMethod("trend")
PERSISTENCE = TrendMethod("persistence")

SCENARIO_METHODS: dict[str, ForecastMethod[CohortSpec] | ForecastMethod[HeeSpec]] = {
    COHORT.name: COHORT,
    HEE_LINEAR.name: HEE_LINEAR,
}

__all__ = [
    "COHORT",
    "HEE_LINEAR",
    "PERSISTENCE",
    "SCENARIO_METHODS",
    "TREND",
    "Capability",
    "CohortMethod",
    "CohortSpec",
    "Forecast",
    "ForecastMethod",
    "HeeDetail",
    "HeeLinearMethod",
    "HeeSpec",
    "RunRequest",
    "TrendMethod",
    "TrendSpec",
]
