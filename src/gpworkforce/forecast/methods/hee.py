"""Method ``hee-linear`` behind the method interface: the HEE arithmetic (LLR Tables 12-14)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from gpworkforce.forecast.hee_linear import PREFIX, HeeTable, hee_table, position
from gpworkforce.forecast.methods._draws import request_values
from gpworkforce.forecast.methods.base import Capability, Forecast, RunRequest
from gpworkforce.forecast.scenario import HeeLinearConfig, uncertain_fields


@dataclass(frozen=True)
class HeeSpec:
    """A scenario's ``[hee_linear]`` section and the scenario's name (for the table's title)."""

    config: HeeLinearConfig
    name: str = "scenario"


@dataclass(frozen=True)
class HeeDetail:
    table: HeeTable  # central values, as the plan prints it
    positions: np.ndarray | None  # end position per run (None without draws)


class HeeLinearMethod:
    """End position = baseline + truncated line items; the path is a straight line a year."""

    name = "hee-linear"
    supports: frozenset[Capability] = frozenset({"draws", "linear-rates", "inflows"})

    def run(self, spec: HeeSpec, request: RunRequest) -> Forecast:
        cfg = spec.config
        dists = {f"{PREFIX}.{k}": v for k, v in uncertain_fields(cfg).items()}
        values, drawn = request_values(dists, request)
        table = hee_table(cfg, spec.name)
        positions = None
        if values is not None:
            positions = np.atleast_1d(np.asarray(position(cfg, values), dtype=np.float64))
            base = np.asarray(values.get(f"{PREFIX}.baseline_wte", table.baseline), dtype=float)
            ends = positions
        else:
            base = np.array(table.baseline)
            ends = np.array([table.position])
        base = np.broadcast_to(base, ends.shape)
        frac = np.arange(cfg.years + 1) / cfg.years
        supply = base[:, None] + (ends - base)[:, None] * frac[None, :]
        supply[:, -1] = ends  # exactly the position, not base + (end - base) x 1.0
        start = cfg.baseline_date
        dates: tuple[dt.date, ...] | tuple[int, ...] = (
            tuple(start.replace(year=start.year + i) for i in range(cfg.years + 1))
            if isinstance(start, dt.date)
            else tuple(range(cfg.years + 1))
        )
        return Forecast(
            method=self.name,
            dates=dates,
            orgs=("ALL",),
            supply=supply[:, :, None],
            drawn=drawn,
            detail=HeeDetail(table, positions),
        )
