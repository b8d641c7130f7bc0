"""Task demand, capacity by skill level and the skill-mix view (pure arithmetic, no I/O).

Equations (docs/skillmix.md)::

    tasks_t          = per_1000_t x weighted patients / 1000 x growth ** years
    hours_l (supply) = sum over roles r at level l of WTE_r x productive_hours_r
    hours_l (need)   = sum over tasks t done at level l of tasks_t x minutes_t,l / 60
                       + sum over tasks t supervised by l of tasks_t x supervision_t,k / 60
    WTE-equivalent_l = hours_l / standard productive hours of a WTE

The *optimum* mix does every task at the least skilled level able to do it (SWiPe: work at the
lowest level with the skills for it); the mix *after N years* is the optimum for the demand grown
by ``growth`` a year (Lakeside Surgery's third bar, LLR GP Workforce Plan Graph 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gpworkforce.domain.taxonomy import SkillLevel
from gpworkforce.skillmix.catalogue import Catalogue

MINUTES = 60.0


def weighted_patients(
    population: Mapping[tuple[str, str], float], weights: Mapping[tuple[str, str], float]
) -> float:
    """Registered patients weighted by age band and sex: sum of count x weight.

    A weight of 1 for every band gives the unweighted list size. Raises ``ValueError`` naming
    the first (band, sex) with patients but no weight.
    """
    total = 0.0
    for key, count in population.items():
        if key not in weights:
            band, sex = key
            raise ValueError(f"weights: must give a weight for age band {band!r}, sex {sex!r}")
        total += count * weights[key]
    return total


def task_demand(
    catalogue: Catalogue, patients: float, *, growth: float = 1.0, years: int = 0
) -> dict[str, float]:
    """Tasks a year by task key for ``patients`` (weighted) registered patients."""
    if patients < 0 or growth <= 0 or years < 0:
        raise ValueError("patients and years must be at least 0 and growth above 0")
    factor = patients / 1000.0 * growth**years
    return {t.key: t.per_1000 * factor for t in catalogue.tasks}


def supply_hours(catalogue: Catalogue, wte_by_role: Mapping[str, float]) -> dict[SkillLevel, float]:
    """Hours a year available for tasks at each level, from WTE by taxonomy role code."""
    out = {lv.code: 0.0 for lv in catalogue.levels}
    for code, wte in wte_by_role.items():
        role = catalogue.roles.get(code)
        if role is None:
            raise ValueError(f"{code}: must be a role of the staff taxonomy")
        out[role.level] += wte * role.productive_hours
    return out


def wte_by_level(catalogue: Catalogue, wte_by_role: Mapping[str, float]) -> dict[SkillLevel, float]:
    """WTE (as employed, whatever their productive hours) at each level."""
    out = {lv.code: 0.0 for lv in catalogue.levels}
    for code, wte in wte_by_role.items():
        out[catalogue.roles[code].level] += wte
    return out


def need_hours_lowest(catalogue: Catalogue, demand: Mapping[str, float]) -> dict[SkillLevel, float]:
    """Hours a year each level needs when every task is done at the lowest level able."""
    out = {lv.code: 0.0 for lv in catalogue.levels}
    for task in catalogue.tasks:
        n = demand.get(task.key, 0.0)
        level = catalogue.lowest_level(task)
        out[level] += n * task.minutes[level] / MINUTES
        out[task.supervised_by] += n * task.supervision.get(level, 0.0) / MINUTES
    return out


def task_capacity(catalogue: Catalogue, hours: Mapping[SkillLevel, float], key: str) -> float:
    """How many tasks ``key`` a year the hours by level could do if they did nothing else.

    Every able level but the supervising one works full time on the task; the supervising level
    gives the supervision those tasks cost first and does the task with the rest of its hours.
    When its hours cannot cover all that supervision, the supervised levels do only as many tasks
    as can be supervised (scaled down together) and the supervising level does none itself.
    """
    task = catalogue.task(key)
    sup = task.supervised_by
    sup_minutes = hours.get(sup, 0.0) * MINUTES
    supervised = {
        level: hours.get(level, 0.0) * MINUTES / minutes
        for level, minutes in task.minutes.items()
        if level != sup
    }
    needed = sum(n * task.supervision.get(level, 0.0) for level, n in supervised.items())
    scale = 1.0 if needed <= sup_minutes else sup_minutes / needed
    done = scale * sum(supervised.values())
    if sup in task.minutes:
        done += max(sup_minutes - scale * needed, 0.0) / task.minutes[sup]
    return done


def gp_equivalent_wte(
    catalogue: Catalogue, hours: Mapping[SkillLevel, float], key: str, gp_hours: float
) -> float:
    """Task capacity expressed as the WTE of Autonomous staff (``gp_hours`` a year each) doing it."""
    task = catalogue.task(key)
    per_gp = gp_hours * MINUTES / task.minutes[SkillLevel.AUTONOMOUS]
    return task_capacity(catalogue, hours, key) / per_gp


def flat_ratio_gp_equivalent(
    gps: float, substitutes: float, ratio: float, supervision_gp_fte: float = 0.0
) -> float:
    """The flat role-substitution arithmetic (LLR plan Table 11): GPs + substitutes / ratio,
    less the GP WTE their supervision takes (``supervision_gp_fte`` per substitute WTE)."""
    return gps + substitutes * (1.0 / ratio - supervision_gp_fte)


@dataclass(frozen=True, slots=True)
class SkillMixView:
    """Current mix, optimum mix and the mix after ``years`` of growth, by level (hours a year)."""

    levels: tuple[SkillLevel, ...]
    wte: Mapping[SkillLevel, float]  # as employed
    supply: Mapping[SkillLevel, float]  # hours on tasks
    optimum: Mapping[SkillLevel, float]  # hours needed, tasks at the lowest able level
    future: Mapping[SkillLevel, float]  # the same after `years` of growth
    demand: Mapping[str, float]
    future_demand: Mapping[str, float]
    patients: float
    years: int
    growth: float
    standard_hours: float
    unknown: frozenset[SkillLevel] = frozenset()  # levels with a role whose WTE is not available

    def wte_equivalent(self, hours: Mapping[SkillLevel, float]) -> dict[SkillLevel, float]:
        return {lv: hours[lv] / self.standard_hours for lv in self.levels}


def skill_mix_view(
    catalogue: Catalogue,
    wte_by_role: Mapping[str, float],
    patients: float,
    *,
    years: int = 5,
    growth: float = 1.0,
    unavailable: tuple[str, ...] = (),
) -> SkillMixView:
    """The three bars of Lakeside Surgery's Graph 1 for one practice, PCN or ICB.

    ``unavailable``: roles whose WTE is not available; their levels' current figures are unknown
    (shown as not available, never as the sum of the other roles).
    """
    demand = task_demand(catalogue, patients)
    future_demand = task_demand(catalogue, patients, growth=growth, years=years)
    return SkillMixView(
        levels=tuple(lv.code for lv in catalogue.levels),
        wte=wte_by_level(catalogue, wte_by_role),
        supply=supply_hours(catalogue, wte_by_role),
        optimum=need_hours_lowest(catalogue, demand),
        future=need_hours_lowest(catalogue, future_demand),
        demand=demand,
        future_demand=future_demand,
        patients=patients,
        years=years,
        growth=growth,
        standard_hours=catalogue.productive_hours,
        unknown=frozenset(catalogue.roles[code].level for code in unavailable),
    )
