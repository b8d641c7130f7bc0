"""Generate the synthetic part of the LLR 2017 demo: staff, locums, registrars and vacancies.

Pure computation: from the real practice facts, the recipe and a seed, build one
:class:`~gpworkforce.domain.returns.PracticeReturn` per practice. The procedure (documented step
by step in ``docs/demo.md``):

1. For each staff group and CCG, split the CCG's headcount between roles by the recipe's shares
   and its units (sessions or hours) by share x typical units per head (largest remainder).
2. For each role, the units aged 55+ are fixed at LLR level (Table 9 share x role units, rounded
   to a unit) and spread over the CCGs by largest remainder; each CCG-role becomes two pools
   (55+ and under 55) with a feasible headcount each.
3. Each pool's units are split between its people within the role's bounds (e.g. GPs 4-9
   sessions) around a seeded random draw, exactly summing to the pool.
4. People go to practices: each practice gets a headcount proportional to its real signal
   (qualified GP FTE, admin FTE or list size, from GPW), senior partners at distinct practices.
5. Age band (within 55+ or under 55) and sex are drawn per person; people with the same role,
   band, sex and contract in a practice become one staff line.
Totals are exact by construction, because every amount is an integer number of units.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gpworkforce.demo import recipe as R
from gpworkforce.demo.allocate import bounded_split, largest_remainder
from gpworkforce.demo.paper import CCGS, LOCUM_TYPES, TABLE10
from gpworkforce.demo.real import CENSUS, RealPractice
from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.returns import LocumLine, PracticeReturn, StaffLine, VacancyLine


@dataclass(frozen=True, slots=True)
class Person:
    practice: str
    role: str
    units: int
    age_band: AgeBand
    sex: Sex
    contract: ContractType


@dataclass(frozen=True, slots=True)
class Pool:
    """People of one role in one CCG, all aged 55+ or all under 55, sharing ``units``."""

    ccg: str
    role: R.RoleRecipe
    over55: bool
    heads: int
    units: int


def practice_signal(practices: Sequence[RealPractice], signal: str) -> dict[str, float]:
    """Each practice's weight for ``signal``; a practice without a figure gets its CCG's smallest
    positive figure (documented fallback for the cost centres missing from GPW)."""
    raw: dict[str, float | None] = {}
    for p in practices:
        value = getattr(p, signal)
        if signal == "list_size" and value is None:
            value = p.registered
        raw[p.code] = value
    out: dict[str, float] = {}
    for ccg in CCGS:
        members = [p for p in practices if p.ccg == ccg]
        known = [raw[p.code] for p in members if raw[p.code]]
        floor = min(known) if known else 1.0  # type: ignore[type-var]
        for p in members:
            value = raw[p.code]
            out[p.code] = float(value) if value else float(floor)  # type: ignore[arg-type]
    return out


def feasible_heads(heads: int, units: int, over: int, lo: int, hi: int) -> int:
    """Headcount of the 55+ pool: near proportional, and both pools able to hold their units."""
    if heads == 0:
        return 0
    under = units - over
    want = round(heads * over / units) if units else 0
    low = max(math.ceil(over / hi) if over else 0, heads - (under // lo if lo else heads))
    high = min(over // lo if lo else heads, heads - (math.ceil(under / hi) if under else 0))
    if over > 0:
        low = max(low, 1)
    if under > 0:
        high = min(high, heads - 1)
    if low > high:
        raise ValueError(f"no feasible split of {heads} heads / {units} units with {over} aged 55+")
    return min(max(want, low), high)


def plan_pools(group: str) -> list[Pool]:
    """Steps 1-2: the 55+ and under-55 pools of every role of ``group`` in every CCG."""
    roles = R.ROLES[group]
    per_ccg: dict[str, list[tuple[int, int]]] = {}
    for ccg in CCGS:
        target = R.GROUP_TARGETS[group][ccg]
        heads = largest_remainder([r.share for r in roles], target.headcount)
        units = largest_remainder(
            [h * r.mean for h, r in zip(heads, roles, strict=True)], target.units
        )
        per_ccg[ccg] = list(zip(heads, units, strict=True))
    pools: list[Pool] = []
    for i, role in enumerate(roles):
        role_units = [per_ccg[c][i][1] for c in CCGS]
        over_total = round(role.over55 * sum(role_units))
        overs = largest_remainder(role_units, over_total)
        for ccg, over in zip(CCGS, overs, strict=True):
            heads, units = per_ccg[ccg][i]
            h_over = feasible_heads(heads, units, over, role.lo, role.hi)
            pools.append(Pool(ccg, role, True, h_over, over))
            pools.append(Pool(ccg, role, False, heads - h_over, units - over))
    return pools


def _band(rng: np.random.Generator, bands: Sequence[AgeBand], weights: Sequence[float]) -> AgeBand:
    w = np.asarray(weights, dtype=float)
    return bands[int(rng.choice(len(bands), p=w / w.sum()))]


def _sex(rng: np.random.Generator, female: float) -> Sex:
    return Sex.FEMALE if rng.random() < female else Sex.MALE


def pool_people(rng: np.random.Generator, pool: Pool) -> list[tuple[int, AgeBand, Sex]]:
    """Step 3 and 5: units, age band and sex of each person in a pool (practice not yet known)."""
    if pool.heads == 0:
        return []
    role = pool.role
    avg = pool.units / pool.heads
    desired = np.clip(rng.normal(avg, 0.25 * avg, pool.heads), role.lo, role.hi)
    units = bounded_split(list(desired), pool.units, role.lo, role.hi)
    bands, weights = (
        (R.OVER_BANDS, role.over_bands) if pool.over55 else (R.UNDER_BANDS, role.under_bands)
    )
    return [(u, _band(rng, bands, weights), _sex(rng, role.female)) for u in units]


def place(
    rng: np.random.Generator,
    people: list[tuple[str, int, AgeBand, Sex, ContractType]],
    slots: Mapping[str, int],
    weights: Mapping[str, float],
    distinct_role: str | None,
) -> list[Person]:
    """Step 4: fill each practice's slots; people of ``distinct_role`` go to distinct practices."""
    codes = sorted(slots)
    firsts = [p for p in people if p[0] == distinct_role]
    others = [p for p in people if p[0] != distinct_role]
    free = dict(slots)
    placed: list[Person] = []
    if firsts:
        eligible = [c for c in codes if free[c] > 0]
        w = np.asarray([weights[c] for c in eligible], dtype=float)
        chosen = rng.choice(len(eligible), size=len(firsts), replace=False, p=w / w.sum())
        for person, idx in zip(firsts, chosen, strict=True):
            code = eligible[int(idx)]
            free[code] -= 1
            placed.append(Person(code, *person))
    order = rng.permutation(len(others))
    seats = [c for c in codes for _ in range(free[c])]
    if len(seats) != len(others):
        raise ValueError(f"{len(others)} people for {len(seats)} seats")
    for seat, idx in zip(seats, order, strict=True):
        placed.append(Person(seat, *others[int(idx)]))
    return placed


def staff_people(rng: np.random.Generator, practices: Sequence[RealPractice]) -> list[Person]:
    """Every staff member (not locums, not registrars) of every practice."""
    out: list[Person] = []
    for group in R.ROLES:
        signal = practice_signal(practices, R.GROUP_SIGNAL[group])
        pools = plan_pools(group)
        for ccg in CCGS:
            members = sorted(p.code for p in practices if p.ccg == ccg)
            target = R.GROUP_TARGETS[group][ccg]
            heads = largest_remainder(
                [signal[c] for c in members], target.headcount, R.GROUP_MIN_PER_PRACTICE[group]
            )
            people = [
                (pool.role.code, u, band, sex, pool.role.contract)
                for pool in pools
                if pool.ccg == ccg
                for (u, band, sex) in pool_people(rng, pool)
            ]
            distinct = "GP_SENIOR_PARTNER" if group == "GP" else None
            out += place(rng, people, dict(zip(members, heads, strict=True)), signal, distinct)
    return out


def registrar_people(rng: np.random.Generator, practices: Sequence[RealPractice]) -> list[Person]:
    signal = practice_signal(practices, "gp_fte")
    out: list[Person] = []
    for ccg in CCGS:
        members = sorted(p.code for p in practices if p.ccg == ccg)
        counts = R.REGISTRARS[ccg]
        n = sum(counts.values())
        w = np.asarray([signal[c] for c in members])
        chosen = rng.choice(len(members), size=n, replace=False, p=w / w.sum())
        roles = [role for role, k in counts.items() for _ in range(k)]
        for role, idx in zip(roles, chosen, strict=True):
            band = _band(rng, R.REGISTRAR_BANDS, R.REGISTRAR_BAND_WEIGHTS)
            units = int(R.REGISTRAR_SESSIONS / R.HALF_SESSION)
            sex = _sex(rng, R.REGISTRAR_FEMALE)
            out.append(Person(members[int(idx)], role, units, band, sex, ContractType.TRAINEE))
    return out


def locum_people(rng: np.random.Generator, practices: Sequence[RealPractice]) -> list[Person]:
    """Table 10 exactly: headcount and WTE x 900 hundredths of a session per CCG and type."""
    signal = practice_signal(practices, "gp_fte")
    out: list[Person] = []
    for ltype in LOCUM_TYPES:
        units = [int(TABLE10[c][ltype].wte * 900) for c in CCGS]
        overs = largest_remainder(units, round(R.LOCUM_OVER55[ltype] * sum(units)))
        for ccg, total, over in zip(CCGS, units, overs, strict=True):
            heads = TABLE10[ccg][ltype].headcount
            members = sorted(p.code for p in practices if p.ccg == ccg)
            w = np.asarray([signal[c] for c in members])
            lo = R.LOCUM_LO if total else 0
            h_over = feasible_heads(heads, total, over, lo, R.LOCUM_HI)
            for is_over, h, u in ((True, h_over, over), (False, heads - h_over, total - over)):
                if h == 0:
                    continue
                desired = rng.gamma(2.0, 1.0, h)
                split = bounded_split(list(desired), u, lo, R.LOCUM_HI) if u else [0] * h
                bands = (R.OVER_BANDS, R.LOCUM_OVER) if is_over else (R.UNDER_BANDS, R.LOCUM_UNDER)
                for amount in split:
                    code = members[int(rng.choice(len(members), p=w / w.sum()))]
                    band = _band(rng, *bands)
                    sex = _sex(rng, R.LOCUM_FEMALE)
                    out.append(Person(code, ltype, amount, band, sex, ContractType.LOCUM))
    return out


def vacancies(
    rng: np.random.Generator, practices: Sequence[RealPractice]
) -> dict[str, list[VacancyLine]]:
    out: dict[str, list[VacancyLine]] = defaultdict(list)
    for p in sorted(practices, key=lambda p: p.code):
        for role, (prob, choices, months) in R.VACANCY_RULES.items():
            if role.startswith("GP_"):
                prob *= R.VACANCY_GP_MULTIPLIER[p.ccg]
            if rng.random() < prob:
                wte = float(choices[int(rng.integers(len(choices)))])
                out[p.code].append(VacancyLine(role, wte, int(rng.integers(1, months + 1))))
    return out


def _staff_lines(people: Sequence[Person]) -> tuple[StaffLine, ...]:
    agg: dict[tuple[str, AgeBand, Sex, ContractType], list[int]] = defaultdict(lambda: [0, 0])
    for person in people:
        key = (person.role, person.age_band, person.sex, person.contract)
        agg[key][0] += 1
        agg[key][1] += person.units
    lines = []
    for (role, band, sex, contract), (heads, units) in sorted(agg.items()):
        if role.startswith("GP_"):
            lines.append(
                StaffLine(
                    role, heads, band, sex, contract, sessions_per_week=units * R.HALF_SESSION
                )
            )
        else:
            lines.append(
                StaffLine(role, heads, band, sex, contract, hours_per_week=units * R.HALF_HOUR)
            )
    return tuple(lines)


def _locum_lines(people: Sequence[Person]) -> tuple[LocumLine, ...]:
    agg: dict[tuple[str, AgeBand, Sex], list[int]] = defaultdict(lambda: [0, 0])
    for person in people:
        key = (person.role, person.age_band, person.sex)
        agg[key][0] += 1
        agg[key][1] += person.units
    return tuple(
        LocumLine(ltype, heads, round(units * R.LOCUM_UNIT, 2), band, sex)
        for (ltype, band, sex), (heads, units) in sorted(agg.items())
    )


def generate_returns(
    practices: Sequence[RealPractice], seed: int = R.DEFAULT_SEED, census: dt.date = CENSUS
) -> tuple[PracticeReturn, ...]:
    """One synthetic return per practice, deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    staff = staff_people(rng, practices) + registrar_people(rng, practices)
    locums = locum_people(rng, practices)
    vacs = vacancies(rng, practices)
    by_practice: dict[str, list[Person]] = defaultdict(list)
    for person in staff:
        by_practice[person.practice].append(person)
    locums_by: dict[str, list[Person]] = defaultdict(list)
    for person in locums:
        locums_by[person.practice].append(person)
    out = []
    for p in sorted(practices, key=lambda p: p.code):
        source = Source(
            publisher=f"{p.code} (synthetic demo return, seed {seed})",
            dataset="practice-return",
            period=census.isoformat(),
            file_name=f"{p.code}_{census.isoformat()}.xlsx",
        )
        out.append(
            PracticeReturn(
                practice_code=p.code,
                census_date=census,
                staff=_staff_lines(by_practice[p.code]),
                vacancies=tuple(vacs.get(p.code, ())),
                locums=_locum_lines(locums_by[p.code]),
                source=source,
            )
        )
    return tuple(out)
