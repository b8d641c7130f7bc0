"""GP demand in WTE: patients over time under a chosen rule.

Patients at step ``t`` are the start's patients times a growth index ``I(t)``:

* ``list_growth``: ``I(t) = (1 + g) ** (t * dt)`` for an annual list growth ``g``;
* ``population``: ``I(t) = W(y0 + t * dt) / W(y0)`` where ``W(y) = sum_age,sex pop(y) x w(age, sex)``
  is the ONS projected population of the chosen areas weighted by relative consultation rates,
  linearly interpolated between projection years (``y0`` = the scenario's base year);
* ``projection``: ``I(t) = P(y0 + t * dt) / P(y0)`` for published totals ``P`` given in the
  scenario (``y0`` = the start's year), compounded evenly between the years given (log-linear),
  so "+4.2% over 15 years" is 0.275% a year, not list inflation.

Need per patient: ``(1 + n) ** years`` for the need trend ``n``, times the density target's path
when one is set: ``(p0 + (pT - p0) x min(years / (Y - y0), 1)) / p0`` for ``per_1000 = p0`` at
the start and ``target_per_1000 = pT`` reached in year ``Y`` (``target_year``).

Weighted (Carr-Hill) patients grow with the same index. Demand rules (WTE GPs):

* ``per_1000_target``:   ``D = per_1000 x registered / 1000``
* ``per_1000_weighted``: ``D = per_1000 x weighted / 1000``
* ``base_ratio``:        ``D = supply_0 x registered(t) / registered_0``: the start's patients per
  GP-equivalent WTE held constant (NHS England Long Term Workforce Plan 2023).

Pure functions on arrays and frames; the files are read by :func:`gpworkforce.loaders.ons.read_projection`
 .
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.forecast.cohort_config import AgeWeight, DemandConfig
from gpworkforce.forecast.distributions import central
from gpworkforce.loaders.ons import SEX_WORDS

Array = NDArray[np.float64]


def population_parts(
    pop: pd.DataFrame, area_codes: Sequence[str], weights: Sequence[AgeWeight]
) -> pd.DataFrame:
    """The population each weight row applies to, by projection year (columns = weight rows).

    Each (sex, age) cell belongs to the last weight row covering it (later rows override); cells
    no row covers weigh 0. The consultation-weighted population is then
    ``W(y) = sum_i weight_i x parts[y, i]``, linear in the weights, so a run can draw the
    weights without re-reading the file. Persons rows (no sex) need the same owner for both
    sexes at their age."""
    rows = pop if not area_codes else pop[pop["area_code"].isin(list(area_codes))]
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
    owner = np.full((2, 111), -1)  # [female, male] x age -> weight row
    for i, aw in enumerate(weights):
        for sx in [0, 1] if aw.sex is None else [0 if aw.sex == "F" else 1]:
            owner[sx, aw.from_age : min(aw.to_age, 100) + 1] = i
    owner[:, 101:] = owner[:, 100:101]  # ages above 100 take the weight of 100
    ages = rows["age"].clip(0, 110).astype(int).to_numpy()
    sex_words = rows["sex"].astype(str).str.strip().str.lower().map(SEX_WORDS)
    if sex_words.isna().any():
        bad = rows["sex"][sex_words.isna()].iloc[0]
        raise ValidationFailed(
            issues=[Issue(Location(column="sex"), "be female/male/persons (f, m)", repr(bad))],
            summary="population projection has an unknown sex",
        )
    sex = sex_words.to_numpy()
    persons = sex == "p"
    if persons.any() and np.any(owner[0, ages[persons]] != owner[1, ages[persons]]):
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(field="cohort.demand.population.weights"),
                    "not depend on sex when the file gives persons only",
                    "weights by sex",
                )
            ],
            summary="population projection cannot be weighted by sex",
        )
    row = owner[np.where(sex == "m", 1, 0), ages]
    frame = pd.DataFrame(
        {
            "year": rows["year"].to_numpy(dtype=int),
            "row": row,
            "pop": rows["population"].to_numpy(dtype=np.float64),
        }
    )
    frame = frame[frame["row"] >= 0]
    table = frame.pivot_table(
        index="year", columns="row", values="pop", aggfunc="sum", fill_value=0.0
    )
    return table.reindex(columns=range(len(weights)), fill_value=0.0).sort_index()


def weighted_population(
    pop: pd.DataFrame, area_codes: Sequence[str], weights: Sequence[AgeWeight]
) -> pd.Series:
    """Consultation-weighted population by projection year (central weights), for the areas."""
    parts = population_parts(pop, area_codes, weights)
    w = np.asarray([central(aw.weight) for aw in weights], dtype=np.float64)
    return pd.Series(parts.to_numpy() @ w, index=parts.index)


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


def parts_at(parts: pd.DataFrame, base_year: int, years_after: Array) -> Array:
    """Each weight row's population ``[R, N]`` at ``base_year + t`` for ``t`` in
    ``years_after``, interpolated between projection years (the horizon must lie inside)."""
    values = parts.to_numpy(dtype=np.float64)
    total = pd.Series(values.sum(axis=1), index=parts.index)
    population_index(total, base_year, years_after)  # refuses a horizon outside the projection
    years = parts.index.to_numpy(dtype=np.float64)
    at = base_year + np.asarray(years_after, dtype=np.float64)
    return np.stack([np.interp(at, years, values[:, r]) for r in range(values.shape[1])])


Getter = Callable[[str, object], Array]
"""``get(field path, scenario value)``: the value per draw ``[D]`` (drawn or central)."""

PREFIX = "cohort.demand"


def patient_index(
    d: DemandConfig,
    get: Getter,
    steps: NDArray[np.int64],
    steps_per_year: int,
    draws: int,
    population: Array | None,
    start_year: int = 0,
) -> Array:
    """Registered patients at each recorded step relative to the start's lists, ``[D, S]``.

    ``population`` is the projection by weight row at every step 0..T, ``[R, T + 1]``
    (:func:`parts_at`), or an already weighted index ``[T + 1]``. Per draw::

        I(t) = f x (1 + s x (W(t) / W(0) - 1)),   W(t) = sum_i w_i x parts_i(t)

    for the ``population`` driver (``w`` the drawn consultation weights, ``s`` the growth
    scale), or ``f x (1 + g) ** years`` for list growth ``g``; ``f`` is the list factor."""
    years = steps.astype(np.float64) / steps_per_year
    factor = np.clip(get(f"{PREFIX}.list_factor", d.list_factor), 0.0, None)
    if d.driver == "population":
        if population is None or d.population is None:
            raise ValueError("driver 'population' needs the population projection")
        pop = np.asarray(population, dtype=np.float64)
        if pop.ndim == 1:
            ratio = np.broadcast_to(pop[steps][None, :], (draws, len(steps)))
        else:
            w = np.stack(
                [
                    np.clip(get(f"{PREFIX}.population.weights[{i}].weight", aw.weight), 0.0, None)
                    for i, aw in enumerate(d.population.weights)
                ],
                axis=1,
            )  # [D, R]
            w = np.broadcast_to(w, (draws, pop.shape[0]))
            ratio = (w @ pop[:, steps]) / (w @ pop[:, 0])[:, None]
        scale = get(f"{PREFIX}.population.growth_scale", d.population.growth_scale)
        index = 1.0 + scale[:, None] * (ratio - 1.0)
    elif d.driver == "projection":
        index = np.broadcast_to(
            projection_index(d, start_year, years)[None, :], (draws, len(steps))
        )
    else:
        rate = np.clip(get(f"{PREFIX}.list_growth_rate", d.list_growth_rate), -0.99, None)
        index = growth_index(rate, years)
    return np.broadcast_to(factor[:, None] * index, (draws, len(steps)))


def projection_index(d: DemandConfig, start_year: int, years_after: Array) -> Array:
    """``P(y0 + t) / P(y0)`` from the scenario's published totals, log-linear between them."""
    if len(d.projection) < 2:
        raise ValueError("driver 'projection' needs two or more years of population")
    at = np.array([p.year for p in d.projection], dtype=np.float64)
    log_p = np.log([p.people for p in d.projection])
    base = np.interp(float(start_year), at, log_p)
    return np.exp(np.interp(start_year + years_after, at, log_p) - base)


def need_index(
    d: DemandConfig,
    get: Getter,
    steps: NDArray[np.int64],
    steps_per_year: int,
    draws: int,
    start_year: int = 0,
) -> Array:
    """GP time each patient needs relative to the start, ``[D, S]``: ``(1 + n) ** years``, times
    the density target's path when ``target_per_1000`` is set (module docstring)."""
    years = steps.astype(np.float64) / steps_per_year
    n = np.clip(get(f"{PREFIX}.need_trend", d.need_trend), -0.99, None)
    index = growth_index(n, years)
    if d.target_per_1000 is not None and d.target_year is not None and d.per_1000 is not None:
        p0 = np.asarray(get(f"{PREFIX}.per_1000", d.per_1000), dtype=np.float64)
        p_t = np.asarray(get(f"{PREFIX}.target_per_1000", d.target_per_1000), dtype=np.float64)
        share = np.clip(years / (d.target_year - start_year), 0.0, 1.0)
        index = index * (1.0 + (p_t / p0 - 1.0)[:, None] * share[None, :])
    return np.broadcast_to(index, (draws, len(steps)))


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
