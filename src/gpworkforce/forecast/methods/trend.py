"""Methods ``trend`` and ``persistence``: net FTE growth with yearly shocks (the back-tests).

``FTE_h = FTE_0 x prod_{y <= h} (1 + g + e_y)``: a persistent trend ``g ~ normal(trend,
trend_se)`` fixed per run and a yearly shock ``e_y ~ normal(0, shock_sd)``, one step a year. The
persistence (random-walk) model is the same with no trend: its central path is "no change", the
naive benchmark any model should beat. Draws are keyed ``<org>.trend`` and ``<org>.shock.<h>``
(:mod:`gpworkforce.forecast.uncertainty`), so every model of an organisation sees the same shocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gpworkforce.forecast.methods._draws import request_values
from gpworkforce.forecast.methods.base import Capability, Forecast, RunRequest
from gpworkforce.forecast.uncertainty import Dist


@dataclass(frozen=True)
class TrendSpec:
    """One organisation's start (FTE), annual trend, its standard error and the shock spread."""

    org: str
    start: float
    trend: float
    trend_se: float
    shock_sd: float
    years: int

    @classmethod
    def persistence(cls, org: str, start: float, shock_sd: float, years: int) -> TrendSpec:
        """No trend, only the yearly shocks (random walk)."""
        return cls(org, start, 0.0, 0.0, shock_sd, years)

    def distributions(self) -> dict[str, Dist]:
        dists = {f"{self.org}.trend": Dist.normal(self.trend, self.trend_se)}
        for h in range(1, self.years + 1):
            dists[f"{self.org}.shock.{h}"] = Dist.normal(0.0, self.shock_sd)
        return dists


class TrendMethod:
    """Compounded net growth; ``persistence`` is the same model used with a zero trend (its specs
    come from :meth:`TrendSpec.persistence`), so it claims no rates of its own."""

    def __init__(self, name: str = "trend"):
        self.name = name
        self.supports: frozenset[Capability] = (
            frozenset({"draws"})
            if name == "persistence"
            else frozenset({"draws", "compound-rates", "trend"})
        )

    def run(self, spec: TrendSpec, request: RunRequest) -> Forecast:
        values, drawn = request_values(spec.distributions(), request)
        if values is None:  # central: the trend, no shocks
            g = np.array([[spec.trend]])
            shocks = np.zeros((1, spec.years))
        else:
            g = np.asarray(values[f"{spec.org}.trend"], dtype=np.float64)[:, None]
            shocks = np.column_stack(
                [values[f"{spec.org}.shock.{h}"] for h in range(1, spec.years + 1)]
            ).reshape(g.shape[0], spec.years)
        growth = np.cumprod(1.0 + g + shocks, axis=1)
        runs = np.column_stack([np.full(g.shape[0], spec.start), spec.start * growth])
        return Forecast(
            method=self.name,
            dates=tuple(range(spec.years + 1)),
            orgs=(spec.org,),
            supply=runs[:, :, None],
            drawn=drawn,
        )
