"""The cheapest mix of levers that meets task demand in the target year: a linear programme solved
with HiGHS (``highspy``). Pure computation: a problem and a catalogue in, a result out.

Variables (all >= 0): WTE recruited by role ``r_k``; WTE upskilled along each path ``u_p``; GP WTE
covered by each workload-release initiative ``w_i``; locum WTE converted ``c``; tasks of each type
done at each able level ``x_t,l``. Minimise the yearly cost

    sum_k cost_k r_k + sum_p cost_p u_p + sum_i cost_i w_i - saving c

subject to (one row each, named in the result):

    demand_t:      sum_l x_t,l >= tasks_t in the target year
    hours_l:       task and supervision hours at l - recruits, upskilled and released hours <= hours in post
    supervision_l: supervision hours given by l <= supervision_share x hours at l (in post + levers)
    training:      sum_p u_p / cohorts_p <= training places a year
    upskill_from_a: sum over paths from role a of u_p <= WTE of a in post
    release_i:     w_i - GP recruits <= GP WTE in post
    min_gp:        GP recruits (+ upskilled into GP roles) >= min per 1,000 x patients - GP in post
    budget:        the yearly cost <= budget

A row's dual value is the change in the optimal cost per unit more of its right-hand side; the
result turns each binding one into a sentence ("one more training place a year is worth GBP X").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import highspy
import numpy as np

from gpworkforce.domain.taxonomy import SkillLevel, Taxonomy
from gpworkforce.errors import UserError
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.mix import MINUTES, supply_hours, task_demand
from gpworkforce.skillmix.problem import Problem

INF = highspy.kHighsInf
TOL = 1e-7


class Infeasible(UserError):
    """No mix of the levers meets the demand within the constraints."""

    exit_code = 6


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint of the solved programme: how much room is left and what more of it is worth."""

    key: str
    label: str
    binding: bool
    dual: float  # change in optimal GBP a year per unit more of the right-hand side
    slack: float
    explanation: str


@dataclass(frozen=True, slots=True)
class Solution:
    problem: str
    cost: float
    recruits: Mapping[str, float]
    upskills: Mapping[str, float]
    releases: Mapping[str, float]
    locums_converted: float
    allocation: Mapping[str, Mapping[SkillLevel, float]]  # tasks a year by task and level
    demand: Mapping[str, float]
    constraints: tuple[Constraint, ...]
    demand_basis: str = ""

    def binding(self) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.binding)


class _Model:
    """Columns and rows of a HiGHS model with names, built up then solved once."""

    def __init__(self) -> None:
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.cols: dict[str, int] = {}
        self.costs: list[float] = []
        self.rows: list[tuple[str, str, float, float]] = []  # key, label, lower, upper

    def var(self, key: str, cost: float, upper: float = INF) -> int:
        index = len(self.cols)
        self.h.addVar(0.0, upper)
        self.h.changeColCost(index, cost)
        self.cols[key] = index
        self.costs.append(cost)
        return index

    def row(
        self, key: str, label: str, terms: Mapping[int, float], lower: float, upper: float
    ) -> None:
        items = [(i, v) for i, v in terms.items() if v != 0.0]
        idx = np.array([i for i, _ in items], dtype=np.int32)
        val = np.array([v for _, v in items], dtype=np.float64)
        self.h.addRow(lower, upper, len(items), idx, val)
        self.rows.append((key, label, lower, upper))


def _add(terms: dict[int, float], col: int, value: float) -> None:
    terms[col] = terms.get(col, 0.0) + value


@dataclass(frozen=True, slots=True)
class Built:
    """The programme of a problem before solving, with the columns of each kind of lever."""

    model: _Model
    recruit: Mapping[str, int]
    upskill: Mapping[str, int]
    release: Mapping[str, int]
    locum: int | None
    tasks: Mapping[tuple[str, SkillLevel], int]
    demand: Mapping[str, float]

    @property
    def lp(self) -> highspy.HighsLp:
        """The HiGHS model (costs, bounds, rows, column-wise matrix) e.g. for another solver."""
        return self.model.h.getLp()


def solve(problem: Problem, catalogue: Catalogue, taxonomy: Taxonomy) -> Solution:
    """Solve ``problem`` (recruit costs already in GBP) for ``catalogue``; raises :class:`Infeasible`."""
    built = build(problem, catalogue, taxonomy)
    m, x = built.model, built.tasks
    recruit, upskill, release, locum = built.recruit, built.upskill, built.release, built.locum
    demand = built.demand
    m.h.run()
    status = m.h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise Infeasible(
            f"{problem.name}: no mix of the levers meets the task demand of {problem.target_year}"
            f" within the constraints (HiGHS: {m.h.modelStatusToString(status)}); allow more"
            " recruitment, training places, budget or supervision, or lower the minimum GP cover"
        )
    sol = m.h.getSolution()
    value = list(sol.col_value)
    cost = float(m.h.getInfo().objective_function_value)
    constraints = tuple(
        _explain(key, label, lower, upper, float(act), float(dual), problem, catalogue)
        for (key, label, lower, upper), act, dual in zip(
            m.rows, sol.row_value, sol.row_dual, strict=True
        )
    )
    return Solution(
        problem=problem.name,
        cost=cost,
        recruits={code: value[col] for code, col in recruit.items()},
        upskills={name: value[col] for name, col in upskill.items()},
        releases={name: value[col] for name, col in release.items()},
        locums_converted=0.0 if locum is None else value[locum],
        allocation={
            task.key: {level: value[x[task.key, level]] for level in task.minutes}
            for task in catalogue.tasks
        },
        demand=demand,
        constraints=constraints + _bounds(problem, m, value, list(sol.col_dual)),
        demand_basis=problem.demand_factor()[1],
    )


def build(problem: Problem, catalogue: Catalogue, taxonomy: Taxonomy) -> Built:
    """The linear programme of ``problem`` (see the module docstring), not yet solved."""
    gp_roles = {
        code
        for code in catalogue.roles
        if any(leaf.gp_target for leaf in taxonomy.leaves.values() if leaf.role == code)
    }
    levels = [lv.code for lv in catalogue.levels]
    in_post = supply_hours(catalogue, problem.staff)
    factor, _ = problem.demand_factor()
    demand = task_demand(catalogue, problem.patients * factor)
    gp_in_post = sum(wte for code, wte in problem.staff.items() if code in gp_roles)
    m = _Model()

    recruit = {}
    for code, r in problem.recruit.items():
        if not isinstance(r.cost, float | int):
            raise ValueError(f"recruit.{code}.cost must be resolved to GBP before solving")
        recruit[code] = m.var(
            f"recruit:{code}", float(r.cost), INF if r.max_wte is None else r.max_wte
        )
    upskill = {}
    for name, u in problem.upskill.items():
        cap = 0.0 if problem.cohorts(u) == 0 else (INF if u.max_wte is None else u.max_wte)
        upskill[name] = m.var(f"upskill:{name}", u.cost, cap)
    release = {
        name: m.var(f"release:{name}", r.cost_per_gp_wte) for name, r in problem.release.items()
    }
    locum = None
    if problem.locum_conversion is not None:
        lc = problem.locum_conversion
        locum = m.var("locum_conversion", -lc.saving_per_wte, lc.locum_wte)
    x: dict[tuple[str, SkillLevel], int] = {}
    for task in catalogue.tasks:
        for level in task.minutes:
            x[task.key, level] = m.var(f"task:{task.key}:{level.value}", 0.0)

    # demand
    for task in catalogue.tasks:
        terms = {x[task.key, level]: 1.0 for level in task.minutes}
        m.row(f"demand:{task.key}", task.name, terms, demand[task.key], INF)
    # hours and supervision by level
    for level in levels:
        terms: dict[int, float] = {}
        sup: dict[int, float] = {}
        for task in catalogue.tasks:
            if level in task.minutes:
                _add(terms, x[task.key, level], task.minutes[level] / MINUTES)
            if task.supervised_by == level:
                for lower, minutes in task.supervision.items():
                    _add(terms, x[task.key, lower], minutes / MINUTES)
                    _add(sup, x[task.key, lower], minutes / MINUTES)
        added: dict[int, float] = {}  # hours the levers add at this level
        for code, col in recruit.items():
            if catalogue.roles[code].level == level:
                _add(added, col, catalogue.roles[code].productive_hours)
        for name, u in problem.upskill.items():
            to, frm = catalogue.roles[u.to_role], catalogue.roles[u.from_role]
            if to.level == level:
                _add(added, upskill[name], to.productive_hours)
            if frm.level == level:
                _add(added, upskill[name], -frm.productive_hours)
        for col, hours in added.items():
            _add(terms, col, -hours)
        if level == SkillLevel.AUTONOMOUS:
            for name, r in problem.release.items():
                _add(terms, release[name], -r.hours_per_gp_wte)
        m.row(f"hours:{level.value}", f"{level.value} hours", terms, -INF, in_post[level])
        if sup:
            share = problem.supervision_share
            for col, hours in added.items():
                _add(sup, col, -share * hours)
            cap = share * in_post[level]
            m.row(f"supervision:{level.value}", f"{level.value} supervision", sup, -INF, cap)
    # training places
    if upskill:
        terms = {
            upskill[name]: 1.0 / problem.cohorts(u)
            for name, u in problem.upskill.items()
            if problem.cohorts(u) > 0
        }
        m.row("training", "Training places a year", terms, -INF, problem.training_places)
    for source in sorted({u.from_role for u in problem.upskill.values()}):
        terms = {upskill[n]: 1.0 for n, u in problem.upskill.items() if u.from_role == source}
        label = f"{catalogue.roles[source].name} WTE available to train"
        m.row(f"upskill_from:{source}", label, terms, -INF, problem.staff.get(source, 0.0))
    # workload release covers at most the GPs in post and recruited
    gp_recruits = {col: -1.0 for code, col in recruit.items() if code in gp_roles}
    for name in problem.release:
        terms = {release[name]: 1.0, **gp_recruits}
        m.row(f"release:{name}", f"GP WTE covered by {name}", terms, -INF, gp_in_post)
    # minimum GP cover in the target year
    if problem.min_gp_per_1000 > 0:
        patients_y = problem.patients * factor
        terms = {col: 1.0 for code, col in recruit.items() if code in gp_roles}
        for name, u in problem.upskill.items():
            _add(terms, upskill[name], (u.to_role in gp_roles) - (u.from_role in gp_roles))
        need = problem.min_gp_per_1000 * patients_y / 1000.0 - gp_in_post
        m.row("min_gp", "Minimum GP WTE per 1,000 patients", terms, need, INF)
    if problem.budget is not None:
        m.row("budget", "Budget", dict(enumerate(m.costs)), -INF, problem.budget)

    return Built(m, recruit, upskill, release, locum, x, demand)


def _gbp(value: float) -> str:
    return f"£{abs(value):,.0f}"


def _explain(
    key: str,
    label: str,
    lower: float,
    upper: float,
    activity: float,
    dual: float,
    problem: Problem,
    catalogue: Catalogue,
) -> Constraint:
    slack = min(upper - activity, activity - lower)
    binding = abs(dual) > TOL and slack < 1e-6 * max(1.0, abs(upper if upper < INF else lower))
    kind, _, name = key.partition(":")
    if not binding:
        text = f"{label}: not binding (room left {slack:,.2f})."
    elif kind == "demand":
        text = f"One more '{label}' task a year costs {_gbp(dual)} a year at the margin."
    elif kind == "hours":
        per_wte = -dual * catalogue.productive_hours
        text = (
            f"One more WTE at the {name} level ({catalogue.productive_hours:,.1f} hours on tasks)"
            f" is worth {_gbp(per_wte)} a year."
        )
    elif kind == "supervision":
        text = f"One more hour a year of {name} supervision capacity is worth {_gbp(dual)} a year."
    elif kind == "training":
        text = f"One more training place a year is worth {_gbp(dual)} a year."
    elif kind == "upskill_from":
        text = f"One more WTE of {label.removesuffix(' WTE available to train')} able to train is worth {_gbp(dual)} a year."
    elif kind == "release":
        text = f"Covering one more GP WTE with {name} is worth {_gbp(dual)} a year."
    elif kind == "min_gp":
        per_step = dual * 0.01 * problem.patients * problem.demand_factor()[0] / 1000
        text = (
            f"The minimum GP cover binds: each GP WTE it requires costs {_gbp(dual)} a year more than"
            f" the cheapest alternative; 0.01 WTE per 1,000 patients more costs {_gbp(per_step)} a year."
        )
    else:  # budget
        text = f"The budget binds: GBP 1 more a year lowers the cost by {_gbp(dual)}."
    return Constraint(key, label, binding, dual, slack, text)


def _bounds(
    problem: Problem, m: _Model, value: list[float], col_dual: list[float]
) -> tuple[Constraint, ...]:
    """Caps on single levers (most WTE to recruit, to upskill, locums to convert) that bind."""
    out = []
    caps: list[tuple[str, str, float | None]] = [
        (f"recruit:{c}", f"Most {c} WTE that can be recruited", r.max_wte)
        for c, r in problem.recruit.items()
    ]
    caps += [(f"upskill:{n}", f"Most WTE on {n}", u.max_wte) for n, u in problem.upskill.items()]
    if problem.locum_conversion is not None:
        caps.append(
            ("locum_conversion", "Locum WTE able to convert", problem.locum_conversion.locum_wte)
        )
    for key, label, cap in caps:
        if cap is None:
            continue
        col = m.cols[key]
        dual = col_dual[col]
        binding = dual < -TOL and abs(value[col] - cap) < 1e-9 * max(1.0, cap)
        text = (
            f"{label} ({cap:,.2f}) binds: one more WTE would be worth {_gbp(dual)} a year."
            if binding
            else f"{label}: not binding."
        )
        out.append(Constraint(key, label, binding, dual, cap - value[col], text))
    return tuple(out)
