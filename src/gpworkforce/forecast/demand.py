"""GP demand in WTE: patients over time under a chosen rule.

Patients at step ``t`` are the start's patients times a growth index ``I(t)``:

* ``list_growth``: ``I(t) = (1 + g) ** (t * dt)`` for an annual list growth ``g``;
* ``population``: ``I(t) = W(y0 + t * dt) / W(y0)`` where ``W(y) = sum_age,sex pop(y) x w(age, sex)``
  is the ONS projected population of the chosen areas weighted by relative consultation rates,
  linearly interpolated between projection years (``y0`` = the scenario's base year).

Weighted (Carr-Hill) patients grow with the same index. Demand rules (WTE GPs):

* ``per_1000_target``:   ``D = per_1000 x registered / 1000``
* ``per_1000_weighted``: ``D = per_1000 x weighted / 1000``
* ``base_ratio``:        ``D = supply_0 x registered(t) / registered_0``: the start's patients per
  GP-equivalent WTE held constant (NHS England Long Term Workforce Plan 2023).

Pure functions on arrays and frames; :func:`read_population` is the only I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.forecast.cohort_config import AgeWeight

Array = NDArray[np.float64]
POPULATION_COLUMNS = ("area_code", "year", "age", "sex", "population")


def read_population(path: Path) -> pd.DataFrame:
    """Read an ONS single-year-of-age projection CSV (area_code,area_name,year,age,sex,population)."""
    try:
        frame = pd.read_csv(path, dtype={"area_code": "string", "sex": "string"})
    except FileNotFoundError:
        raise InputFileError(f"{path}: population file must exist, not found") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(f"{path}: must be a readable CSV, got {exc}") from None
    missing = [c for c in POPULATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=path.name),
                    f"have columns {list(POPULATION_COLUMNS)}",
                    f"missing {missing}",
                )
            ],
            summary=f"population file {path.name} is invalid",
        )
    issues = []
    for col in ("year", "age", "population"):
        bad = pd.to_numeric(frame[col], errors="coerce").isna()
        for row in np.flatnonzero(bad.to_numpy())[:5]:
            issues.append(
                Issue(
                    Location(file=path.name, row=int(row) + 2, column=col),
                    "be a number",
                    repr(frame[col].iloc[row]),
                )
            )
    if issues:
        raise ValidationFailed(issues=issues, summary=f"population file {path.name} is invalid")
    for col in ("year", "age", "population"):
        frame[col] = pd.to_numeric(frame[col])
    return frame


def weighted_population(
    pop: pd.DataFrame, area_codes: Sequence[str], weights: Sequence[AgeWeight]
) -> pd.Series:
    """Consultation-weighted population by projection year, for the chosen areas."""
    rows = pop[pop["area_code"].isin(list(area_codes))]
    if rows.empty:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(field="cohort.demand.population.area_codes"),
                    "match rows of the file",
                    repr(list(area_codes)),
                )
            ],
            summary="population projection has no rows for the chosen areas",
        )
    w = np.zeros((2, 101))  # [female, male] x age
    for aw in weights:
        sexes = [0, 1] if aw.sex is None else [0 if aw.sex == "F" else 1]
        for sx in sexes:
            w[sx, aw.from_age : aw.to_age + 1] = aw.weight
    ages = rows["age"].clip(0, 100).astype(int).to_numpy()
    sex = rows["sex"].astype(str).str.strip().str.upper().str[:1].map({"F": 0, "M": 1})
    if sex.isna().any():
        bad = rows["sex"][sex.isna()].iloc[0]
        raise ValidationFailed(
            issues=[Issue(Location(column="sex"), "be f or m", repr(bad))],
            summary="population projection has an unknown sex",
        )
    contrib = rows["population"].to_numpy(dtype=np.float64) * w[sex.to_numpy(dtype=int), ages]
    return pd.Series(contrib, index=rows["year"].to_numpy()).groupby(level=0).sum().sort_index()


def population_index(weighted: pd.Series, base_year: int, years_after: Array) -> Array:
    """``W(base_year + t) / W(base_year)`` for each ``t`` in ``years_after``, interpolated."""
    years = weighted.index.to_numpy(dtype=np.float64)
    values = weighted.to_numpy(dtype=np.float64)
    if base_year < years.min() or base_year + years_after.max() > years.max():
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(field="cohort.demand.population.base_year"),
                    f"leave the horizon within the projection's years {int(years.min())}-{int(years.max())}",
                    f"{base_year} + {years_after.max():g} years",
                )
            ],
            summary="population projection does not cover the forecast",
        )
    base = float(np.interp(base_year, years, values))
    return np.interp(base_year + years_after, years, values) / base


def growth_index(rate: Array, years_after: Array) -> Array:
    """``(1 + g) ** t``, ``[D, R]`` for rates ``[D]`` and times ``[R]`` (years)."""
    return (1.0 + rate[:, None]) ** years_after[None, :]


def demand_index(
    driver: str,
    steps: NDArray[np.int64],
    steps_per_year: int,
    draws: int,
    population_index: Sequence[float] | NDArray[np.float64] | None,
    growth_rate: Array | None,
) -> Array:
    """The list-size index ``[D, steps]`` that scales base-year patients: the population
    projection's index at each step for the ``population`` driver, else ``(1 + g) ** years``
    with ``g`` the list growth rate per draw (the one place both cohort runners take it from)."""
    if driver == "population":
        if population_index is None:
            raise ValueError("driver 'population' needs population_index")
        return np.broadcast_to(np.asarray(population_index)[steps][None, :], (draws, len(steps)))
    if growth_rate is None:
        raise ValueError("a list growth rate is needed unless the driver is 'population'")
    years = steps.astype(np.float64) / steps_per_year
    return np.broadcast_to(growth_index(growth_rate, years), (draws, len(steps)))


def demand_wte(
    rule: str,
    per_1000: Array | None,
    registered: Array,
    weighted: Array | None,
    base_supply: Array,
) -> Array:
    """Demand ``[D, R, O]`` from patients ``[D, R, O]``; ``per_1000`` is ``[D]``, ``base_supply``
    (GP-equivalent WTE at the start) ``[D, O]``."""
    if rule == "per_1000_target":
        assert per_1000 is not None
        return per_1000[:, None, None] * registered / 1000.0
    if rule == "per_1000_weighted":
        assert per_1000 is not None and weighted is not None
        return per_1000[:, None, None] * weighted / 1000.0
    if rule == "base_ratio":
        ratio = base_supply / registered[:, 0, :]
        return ratio[:, None, :] * registered
    raise ValueError(f"unknown demand rule {rule!r}")
