"""Method ``cohort`` behind the method interface: the stock-and-flow cohort engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from gpworkforce.forecast.cohort import CohortForecast, run_cohort
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.io import CohortData
from gpworkforce.forecast.methods._draws import request_values
from gpworkforce.forecast.methods.base import Capability, Forecast, RunRequest
from gpworkforce.forecast.scenario import CostConfig, uncertain_fields


@dataclass(frozen=True)
class CohortSpec:
    """A scenario's ``[cohort]`` section, its data (stocks, patients, population) and costs."""

    config: CohortConfig
    data: CohortData
    costs: CostConfig = field(default_factory=CostConfig)

    def distributions(self) -> dict[str, object]:
        dists = {f"cohort.{k}": v for k, v in uncertain_fields(self.config).items()}
        dists |= {f"costs.{k}": v for k, v in uncertain_fields(self.costs).items()}
        return dists


class CohortMethod:
    """Supply is GP-equivalent WTE (``CohortForecast.supply_gp_equiv``); ``detail`` the rest."""

    name = "cohort"
    supports: frozenset[Capability] = frozenset(
        {"draws", "compound-rates", "inflows", "age-bands", "organisations", "demand"}
    )

    def run(self, spec: CohortSpec, request: RunRequest) -> Forecast:
        values, drawn = request_values(spec.distributions(), request)
        fc: CohortForecast = run_cohort(
            spec.config,
            spec.data.stocks,
            patients=spec.data.patients,
            population_index=spec.data.population_index,
            costs=spec.costs,
            values=values,
            options=request.options,
        )
        return Forecast(
            method=self.name,
            dates=fc.dates,
            orgs=fc.orgs,
            supply=fc.supply_gp_equiv,
            drawn=drawn,
            detail=fc,
        )
