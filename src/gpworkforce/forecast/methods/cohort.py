"""Method ``cohort`` behind the method interface: the stock-and-flow cohort engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from gpworkforce.forecast.cohort import CohortForecast, run_cohort
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.cohort_mc import SummaryOptions, run_cohort_summary
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
        """With ``request.options`` a :class:`SummaryOptions`, the run is streamed (quantiles
        only, nothing of size draws x organisations x steps kept): ``supply`` is then per group
        and TOTAL, ``[runs, steps, groups]``, and ``detail`` the :class:`CohortSummary`."""
        values, drawn = request_values(spec.distributions(), request)
        # the engine's inputs, the same for a streamed run and a full one
        inputs = {
            "patients": spec.data.patients,
            "population_index": spec.data.population_index,
            "costs": spec.costs,
            "values": values,
            "org_inflows": spec.data.org_inflows,
        }
        if isinstance(request.options, SummaryOptions):
            summary = run_cohort_summary(
                spec.config, spec.data.stocks, options=request.options, **inputs
            )
            return Forecast(
                method=self.name,
                dates=summary.dates,
                orgs=summary.groups,
                supply=summary.group_paths["supply_gp_equiv"],
                drawn=drawn,
                detail=summary,
            )
        fc: CohortForecast = run_cohort(
            spec.config, spec.data.stocks, options=request.options, **inputs
        )
        return Forecast(
            method=self.name,
            dates=fc.dates,
            orgs=fc.orgs,
            supply=fc.supply_gp_equiv,
            drawn=drawn,
            detail=fc,
        )
