"""The cheapest levers year by year for every practice of an ICS: a linear programme over practices
j, plan years y = 1..Y, roles k, upskilling paths p, workload-release initiatives i, tasks t and
levels l, solved with HiGHS (``highspy``). Pure computation: a problem, its practices and a
catalogue in, a result out. Equations: docs/skillmix.md, "Several years and practices".

Variables (>= 0): WTE in post S[k,j,y]; recruited R[k,j,y]; retained (kept from leaving)
T[k,j,y]; trainees starting U[p,j,s]; GP WTE covered by release W[i,j,y]; tasks done X[t,l,j,y].

    minimise  sum_y d_y (sum_k cost_k S + retain_cost_k T + sum_p cost_p U + sum_i cost_i W)
              - the cost of the staff in post leaving without levers (a constant)
    stock:    S[k,y] = (1 - a_k) S[k,y-1] + R[k,y] + T[k,y] + arrivals U[p,y-d_p] (to k)
                       - the same U (from k)                        S[k,0] = WTE in post
    retain:   T[k,y] <= retain_share_k a_k S[k,y-1]
    demand:   sum_l X[t,l,j,y] >= per_1000_t patients_j / 1000 x factor_y
    hours:    task + supervision hours at l (tasks supervised, recruits in their first years)
              + study hours of trainees at l - released hours - sum_{k at l} h_k S[k,y] <= 0
    superv.:  supervision hours given by l <= share x sum_{k at l} h_k S[k,y]
    min GP:   sum_{GP roles} S[k,j,y] >= min per 1,000 x patients_j(y) / 1000
    release:  W[i,j,y] <= max_share_i x sum_{GP roles} S[k,j,y]
    ICS rows: training places (trainees on course in y), recruits a year by role, starts a year by
              path, budget a year (the lever cost of the year).

Rows are added as numpy blocks (one block = one kind of row for every practice and year), so the
programme for an ICS of ~140 practices over 10 years builds in a fraction of a second; it is solved
by the dual simplex warm-started from the practices' own optima (:func:`run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csc_matrix
from threadpoolctl import threadpool_limits

from gpworkforce.domain.taxonomy import SkillLevel, Taxonomy
from gpworkforce.forecast.distributions import central, is_distribution
from gpworkforce.forecast.uncertainty import draw_parameters
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.chance import SHORT, ChanceRows, chance_rows
from gpworkforce.skillmix.mix import MINUTES
from gpworkforce.skillmix.optimise import INF, TOL, Infeasible
from gpworkforce.skillmix.plan_problem import PlanProblem


@dataclass(frozen=True, slots=True)
class Practices:
    """Practices of the problem: codes, names, registered patients and WTE in post by role."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    patients: np.ndarray  # (J,)
    staff: Mapping[str, np.ndarray]  # role code -> (J,) WTE in post in the base year

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True, slots=True)
class Explained:
    """A kind of constraint that binds, with what one more of it is worth, in words."""

    kind: str
    year: int | None
    label: str
    binding: int  # rows of the kind (practices, or 1 for an ICS-wide row) that bind
    rows: int
    dual: float  # GBP over the plan per unit more (mean over binding rows for per-practice rows)
    explanation: str


@dataclass(frozen=True, slots=True)
class PlanSolution:
    problem: str
    years: tuple[int, ...]
    practices: Practices
    roles: tuple[str, ...]
    cost: float  # levers, discounted total over the plan, GBP
    cost_by_year: np.ndarray  # (Y,) levers, GBP in that year (undiscounted)
    stock: Mapping[str, np.ndarray]  # role -> (J, Y) WTE in post
    recruits: Mapping[str, np.ndarray]  # role -> (J, Y)
    retained: Mapping[str, np.ndarray]
    starts: Mapping[str, np.ndarray]  # path -> (J, Y) trainees starting in year y
    releases: Mapping[str, np.ndarray]  # initiative -> (J, Y) GP WTE covered
    level_hours: Mapping[SkillLevel, np.ndarray]  # (J, Y) task hours at each level
    demand_basis: str
    explained: tuple[Explained, ...]
    size: tuple[int, int] = (0, 0)  # columns, rows
    notes: tuple[str, ...] = field(default=())

    def binding(self) -> tuple[Explained, ...]:
        return tuple(e for e in self.explained if e.binding)


class _Builder:
    """Columns and rows as numpy blocks, then one HiGHS model."""

    def __init__(self) -> None:
        self.ncol = 0
        self.cost: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.nrow = 0
        self.lower_r: list[np.ndarray] = []
        self.upper_r: list[np.ndarray] = []
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.tags: list[
            tuple[str, ...]
        ] = []  # per add: the uncertain values its entries scale with
        self.parts: list[tuple[np.ndarray, np.ndarray, tuple[str, ...]]] = []  # tagged upper bounds
        self.blocks: list[tuple[str, str, np.ndarray]] = []  # kind, key, row indices

    def cols(self, shape: tuple[int, ...], cost: float | np.ndarray, upper: float = INF):
        n = int(np.prod(shape))
        idx = np.arange(self.ncol, self.ncol + n).reshape(shape)
        self.ncol += n
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), shape).ravel().copy())
        self.upper.append(np.full(n, upper))
        return idx

    def rows(self, kind: str, key: str, shape: tuple[int, ...], lower, upper) -> np.ndarray:
        n = int(np.prod(shape))
        idx = np.arange(self.nrow, self.nrow + n).reshape(shape)
        self.nrow += n
        self.lower_r.append(np.broadcast_to(np.asarray(lower, dtype=float), shape).ravel().copy())
        self.upper_r.append(np.broadcast_to(np.asarray(upper, dtype=float), shape).ravel().copy())
        self.blocks.append((kind, key, idx))
        return idx

    def add(
        self, rows: np.ndarray, cols: np.ndarray, value: float | np.ndarray, tag: tuple = ()
    ) -> None:
        rows, cols = np.broadcast_arrays(rows, cols)
        vals = np.broadcast_to(np.asarray(value, dtype=float), rows.shape)
        self.r.append(rows.ravel())
        self.c.append(cols.ravel())
        self.v.append(vals.ravel().copy())
        self.tags.append(tag)

    def part(self, rows: np.ndarray, value: np.ndarray, tag: tuple) -> None:
        """Record that ``value`` (at central values) of the rows' upper bound scales with ``tag``."""
        rows, vals = np.broadcast_arrays(rows, np.asarray(value, dtype=float))
        self.parts.append((rows.ravel(), vals.ravel().copy(), tag))

    def matrix(self, values: np.ndarray | None = None) -> csc_matrix:
        """The constraint matrix (rows x columns), duplicates summed."""
        v = np.concatenate(self.v) if values is None else values
        a = coo_matrix(
            (v, (np.concatenate(self.r), np.concatenate(self.c))),
            shape=(self.nrow, self.ncol),
        ).tocsc()
        a.sum_duplicates()
        return a

    def model(
        self, values: np.ndarray | None = None, row_upper: np.ndarray | None = None
    ) -> highspy.Highs:
        a = self.matrix(values)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.ncol, self.nrow
        lp.col_cost_ = np.concatenate(self.cost)
        lp.col_lower_ = np.zeros(self.ncol)
        lp.col_upper_ = np.concatenate(self.upper)
        lp.row_lower_ = np.concatenate(self.lower_r)
        lp.row_upper_ = np.concatenate(self.upper_r) if row_upper is None else row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        # the dual simplex ends at a vertex (its duals are the shadow prices); solve() starts it
        # from the practices' own optima (docs/skillmix.md, "Solver")
        h.setOptionValue("solver", "simplex")
        h.passModel(lp)
        return h

    def linking_rows(self) -> np.ndarray:
        """Rows that tie the practices together (ICS-wide: one a year), in row order."""
        parts = [idx for _, _, idx in self.blocks if idx.ndim == 1]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def gp_roles(catalogue: Catalogue, taxonomy: Taxonomy) -> set[str]:
    """Roles counted towards the GP target (partners, salaried, retainers, locums)."""
    return {
        code
        for code in catalogue.roles
        if any(leaf.gp_target for leaf in taxonomy.leaves.values() if leaf.role == code)
    }


@dataclass(frozen=True, slots=True)
class _Built:
    h: highspy.Highs
    b: _Builder
    roles: tuple[str, ...]
    S: Mapping[str, np.ndarray]
    R: Mapping[str, np.ndarray]
    T: Mapping[str, np.ndarray]
    U: Mapping[str, np.ndarray]
    W: Mapping[str, np.ndarray]
    task_hours: Mapping[SkillLevel, tuple[np.ndarray, list[tuple[np.ndarray, float, tuple]]]]
    implicit: Mapping[str, tuple[np.ndarray, np.ndarray]]  # role -> stock rows, their lower bound
    disc: np.ndarray
    baseline_by_year: np.ndarray
    cost_terms: tuple[tuple[np.ndarray, float | np.ndarray], ...]  # (J, Y) columns, GBP per unit
    demand_basis: str
    reference: np.ndarray | None = None  # columns at the staff in post, no levers (chance path)

    def yearly_cost(self, value: np.ndarray) -> np.ndarray:
        """(Y,) cost of the WTE in post and the levers in each year (undiscounted), GBP."""
        total = np.zeros_like(self.baseline_by_year)
        for cols, coef in self.cost_terms:
            total += coef * value[cols].sum(axis=0)
        return total


def build(
    problem: PlanProblem,
    practices: Practices,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    draws: Mapping[str, np.ndarray] | None = None,
) -> _Built:
    """The programme (see the module docstring), ready to solve; recruit costs already in GBP.

    ``draws`` (name -> (D,) values, :func:`parameter_draws`): the programme is built at central
    values with every coefficient and bound that an uncertain value scales tagged by its name, for
    the chance constraints of :func:`solve` ("Uncertain minutes and hours" in docs/skillmix.md)."""
    J, Y = len(practices), problem.years
    years = np.arange(1, Y + 1)
    uncertain = frozenset(draws or ())

    def tg(*names: str) -> tuple[str, ...]:
        return tuple(n for n in names if n in uncertain)

    def hk(code: str) -> tuple[str, ...]:
        return tg(f"roles.{code}.productive_hours")

    gps = gp_roles(catalogue, taxonomy)
    roles = tuple(
        sorted(
            set(problem.roles)
            | {p.from_role for p in problem.paths.values()}
            | {p.to_role for p in problem.paths.values()}
        )
    )  # roles with levers: WTE in post is a variable; other roles stay as they are
    fixed = tuple(sorted(set(practices.staff) - set(roles)))
    zero = np.zeros(J)
    staff0 = {k: np.asarray(practices.staff.get(k, zero), dtype=float) for k in roles + fixed}
    rate = {k: problem.roles[k].attrition if k in problem.roles else 0.0 for k in roles}
    pay = {k: problem.role_cost(k) for k in roles}  # (Y,) GBP a year per WTE
    disc = (1.0 + problem.discount_rate) ** -years.astype(float)  # (Y,)
    b = _Builder()

    S = {k: b.cols((J, Y), pay[k] * disc[None, :]) for k in roles}
    R: dict[str, np.ndarray] = {}
    implicit: dict[str, np.ndarray] = {}  # role -> its stock rows, when recruits are implicit
    T: dict[str, np.ndarray] = {}
    for k in roles:
        lever = problem.roles.get(k)
        if lever is None:
            continue
        recruited = lever.recruit_a_year is None or lever.recruit_a_year > 0
        # recruits that need supervision, or are capped across the ICS, are columns (the cap row
        # then has one entry a practice); others are the stock row's surplus (fewer columns)
        if recruited and (any(lever.supervision_hours) or lever.recruit_a_year is not None):
            R[k] = b.cols((J, Y), 0.0)
        elif recruited:
            implicit[k] = np.empty(0)
        if lever.retain_cost is not None and lever.retain_share > 0 and lever.attrition > 0:
            T[k] = b.cols((J, Y), lever.retain_cost * disc[None, :])
    U: dict[str, np.ndarray] = {}
    for name, p in problem.paths.items():
        # starts in years 1..Y-d arrive in the plan; later starts would only cost
        U[name] = b.cols((J, Y), p.cost * disc[None, :])
        late = years + p.delay_years > Y
        if late.any():
            b.upper[-1].reshape(J, Y)[:, late] = 0.0
    W = {
        name: b.cols((J, Y), r.cost_per_gp_wte * disc[None, :])
        for name, r in problem.release.items()
    }
    # tasks: one level -> fixed hours; two levels -> Z = tasks at the second level (the rest at
    # the first; a surplus never helps, so demand is met exactly); more -> X by level + a demand row
    factors, basis = problem.demand_factors()
    cap_factors = factors  # most tasks a lower level can take over
    if draws is not None:
        g_c = central(problem.growth)  # type: ignore[arg-type]
        factors = g_c ** years.astype(float)
        g_low = float(np.min(draws["growth"])) if "growth" in draws else g_c
        cap_factors = g_low ** years.astype(float)  # never more than the demand of any draw
    scale = practices.patients[:, None] / 1000.0 * factors[None, :]  # (J, Y)
    cap_scale = practices.patients[:, None] / 1000.0 * cap_factors[None, :]
    levels = [lv.code for lv in catalogue.levels]
    fixed_hours = {lv: np.zeros((J, Y)) for lv in levels}  # task and supervision hours
    terms: dict[SkillLevel, list[tuple[np.ndarray, float, tuple]]] = {lv: [] for lv in levels}
    sup_terms: dict[SkillLevel, list[tuple[object, float, tuple]]] = {lv: [] for lv in levels}
    sup_fixed = {lv: np.zeros((J, Y)) for lv in levels}
    # parts of the fixed hours (and of the hours of roles without levers) that uncertain values
    # scale, at central values: level -> [(J, Y) hours, tag]
    fixed_parts: dict[SkillLevel, list[tuple[np.ndarray, tuple]]] = {lv: [] for lv in levels}
    sup_parts: dict[SkillLevel, list[tuple[np.ndarray, tuple]]] = {lv: [] for lv in levels}
    supply_parts: dict[SkillLevel, list[tuple[np.ndarray, tuple]]] = {lv: [] for lv in levels}
    X: dict[tuple[str, SkillLevel], np.ndarray] = {}
    Z: dict[str, tuple[SkillLevel, SkillLevel, np.ndarray]] = {}
    for t in catalogue.tasks:
        demand = t.per_1000 * scale
        able = list(t.minutes)
        first = able[0]

        def mk(lv: SkillLevel, key: str = t.key) -> tuple[str, ...]:
            return tg(f"tasks.{key}.minutes.{lv.value}")

        def sk(lv: SkillLevel, key: str = t.key) -> tuple[str, ...]:
            return tg(f"tasks.{key}.supervision.{lv.value}")

        hours = demand * t.minutes[first] / MINUTES
        fixed_hours[first] += hours
        if mk(first) or tg("growth"):
            fixed_parts[first].append((hours, tg("growth") + mk(first)))
        if t.supervision.get(first):
            extra = demand * t.supervision[first] / MINUTES
            fixed_hours[t.supervised_by] += extra
            sup_fixed[t.supervised_by] += extra
            if sk(first) or tg("growth"):
                fixed_parts[t.supervised_by].append((extra, tg("growth") + sk(first)))
                sup_parts[t.supervised_by].append((extra, tg("growth") + sk(first)))
        others = able[1:]
        if len(able) == 2:
            z = b.cols((J, Y), 0.0)
            b.upper[-1][:] = (t.per_1000 * cap_scale).ravel()
            Z[t.key] = (first, able[1], z)
            cols_by_level = {able[1]: z}
        elif len(able) > 2:
            # the first level does the rest: demand - the others' tasks, kept >= 0 by this row
            rows = b.rows("demand", t.key, (J, Y), -INF, t.per_1000 * cap_scale)
            cols_by_level = {}
            for lv in others:
                X[t.key, lv] = cols_by_level[lv] = b.cols((J, Y), 0.0)
                b.add(rows, X[t.key, lv], 1.0)
        for lv, cols in cols_by_level.items() if len(able) > 1 else ():
            terms[first].append((cols, -t.minutes[first] / MINUTES, mk(first)))
            terms[lv].append((cols, t.minutes[lv] / MINUTES, mk(lv)))
            s_lv, s_first = t.supervision.get(lv, 0.0), t.supervision.get(first, 0.0)
            if draws is None:
                pieces = [((s_lv - s_first) / MINUTES, ())] if s_lv != s_first else []
            else:  # one entry per uncertain value (HiGHS sums duplicates)
                pieces = [(s / MINUTES, tag) for s, tag in ((s_lv, sk(lv)), (-s_first, sk(first)))]
                pieces = [(v, tag) for v, tag in pieces if v or tag]
            for value, tag in pieces:
                terms[t.supervised_by].append((cols, value, tag))
                sup_terms[t.supervised_by].append((cols, value, tag))
    supply_fixed = {lv: np.zeros((J, Y)) for lv in levels}  # hours of roles without levers
    for k in fixed:
        role = catalogue.roles[k]
        hours = np.broadcast_to(staff0[k][:, None] * role.productive_hours, (J, Y))
        supply_fixed[role.level] += hours
        if hk(k):
            supply_parts[role.level].append((hours, hk(k)))

    # stock: S[y] - (1-a) S[y-1] - R[y] - T[y] - arrivals + departures = (y==1) (1-a) S0
    stock_rhs: dict[str, np.ndarray] = {}
    for k in roles:
        a = rate[k]
        rhs = np.zeros((J, Y))
        rhs[:, 0] = (1 - a) * staff0[k]
        stock_rhs[k] = rhs
        # implicit recruits: S[y] - (1-a) S[y-1] - T - arrivals + departures >= rhs, the surplus
        # being the WTE recruited (the same programme as with recruit columns, 1 column fewer each)
        rows = b.rows("stock", k, (J, Y), rhs, INF if k in implicit else rhs)
        _flow(b, rows, k, a, S, T, U, problem, Y)
        if k in R:
            b.add(rows, R[k], -1.0)
        if k in implicit:
            implicit[k] = rows
        if k in T:
            share = problem.roles[k].retain_share * a
            upper = np.zeros((J, Y))
            upper[:, 0] = share * staff0[k]
            ret = b.rows("retain", k, (J, Y), -INF, upper)
            b.add(ret, T[k], 1.0)
            b.add(ret[:, 1:], S[k][:, :-1], -share)

    # hours and supervision by level: variable hours - hours in post <= - fixed hours
    for level in levels:
        rhs = supply_fixed[level] - fixed_hours[level]
        rows = b.rows("hours", level.value, (J, Y), -INF, rhs)
        for hours, tag in supply_parts[level]:
            b.part(rows, hours, tag)
        for hours, tag in fixed_parts[level]:
            b.part(rows, -hours, tag)
        for cols, value, tag in terms[level]:
            b.add(rows, cols, value, tag)
        recruit_sup: list[tuple[object, float, tuple]] = []
        if level == SkillLevel.AUTONOMOUS:
            for k, cols in R.items():
                for age, hours in enumerate(problem.roles[k].supervision_hours):
                    if hours and age < Y:
                        # recruits of year s are in their (age+1)th year in year s+age
                        recruit_sup.append(((cols, age), hours, ()))
            for name, r in problem.release.items():
                b.add(rows, W[name], -r.hours_per_gp_wte)
        for cols, value, tag in recruit_sup:
            _add_shifted(b, rows, cols, value, tag)
        for name, p in problem.paths.items():
            frm = catalogue.roles[p.from_role]
            if frm.level == level and p.study_share > 0:
                for lag in range(p.delay_years):
                    _add_shifted(
                        b,
                        rows,
                        (U[name], lag),
                        p.study_share * frm.productive_hours,
                        hk(p.from_role),
                    )
        in_level = [k for k in roles if catalogue.roles[k].level == level]
        for k in in_level:
            b.add(rows, S[k], -catalogue.roles[k].productive_hours, hk(k))
        given = sup_terms[level] + recruit_sup
        if given and problem.supervision_share < 1:
            share = problem.supervision_share
            cap = share * supply_fixed[level] - sup_fixed[level]
            srows = b.rows("supervision", level.value, (J, Y), -INF, cap)
            for hours, tag in supply_parts[level]:
                b.part(srows, share * hours, tag)
            for hours, tag in sup_parts[level]:
                b.part(srows, -hours, tag)
            for cols, value, tag in given:
                _add_shifted(b, srows, cols, value, tag)
            for k in in_level:
                b.add(srows, S[k], -share * catalogue.roles[k].productive_hours, hk(k))

    # minimum GP cover and workload release
    gp_stock = [S[k] for k in roles if k in gps]
    gp_fixed = sum((staff0[k] for k in fixed if k in gps), zero)[:, None]
    if problem.min_gp_per_1000 > 0:
        need = problem.min_gp_per_1000 * practices.patients[:, None] / 1000.0
        need = need * problem.patient_factors()[None, :] - gp_fixed
        rows = b.rows("min_gp", "", (J, Y), need, INF)
        for cols in gp_stock:
            b.add(rows, cols, 1.0)
    for name, r in problem.release.items():
        rows = b.rows("release", name, (J, Y), -INF, r.max_share * gp_fixed)
        b.add(rows, W[name], 1.0)
        for cols in gp_stock:
            b.add(rows, cols, -r.max_share)

    # ICS-wide rows
    places = problem.per_year("training_places")
    trained = {n: p for n, p in problem.paths.items() if p.training_place}
    if trained:
        rows = b.rows("training", "", (Y,), -INF, np.asarray(places))
        for name, p in trained.items():
            for lag in range(p.delay_years):
                # trainees who started in year s are on course in years s..s+d-1
                b.add(rows[lag:, None], U[name][:, : Y - lag].T, 1.0)
    for name, p in problem.paths.items():
        if p.max_a_year is not None:
            rows = b.rows("path_cap", name, (Y,), -INF, p.max_a_year)
            b.add(rows[:, None], U[name].T, 1.0)
    for k, cols in R.items():
        cap = problem.roles[k].recruit_a_year
        if cap is not None:
            rows = b.rows("recruit_cap", k, (Y,), -INF, cap)
            b.add(rows[:, None], cols.T, 1.0)
    for k in implicit:
        cap = problem.roles[k].recruit_a_year
        if cap is not None:
            rows = b.rows("recruit_cap", k, (Y,), -INF, cap + stock_rhs[k].sum(axis=0))
            _flow(b, np.broadcast_to(rows[None, :], (J, Y)), k, rate[k], S, T, U, problem, Y)
    baseline = np.array(
        [sum(pay[k][y - 1] * staff0[k].sum() * (1 - rate[k]) ** y for k in roles) for y in years]
    )
    # the cost of each year (undiscounted): a budget row when there is a budget
    cost_terms: list[tuple[np.ndarray, float | np.ndarray]] = [(S[k], pay[k]) for k in roles]
    cost_terms += [(T[k], float(problem.roles[k].retain_cost or 0.0)) for k in T]
    cost_terms += [(U[name], p.cost) for name, p in problem.paths.items()]
    cost_terms += [(W[name], r.cost_per_gp_wte) for name, r in problem.release.items()]
    budget = problem.per_year("budget")
    if budget is not None:
        rows = b.rows("budget", "", (Y,), -INF, baseline + np.asarray(budget))
        for cols, value in cost_terms:
            b.add(rows[:, None], cols.T, np.reshape(value, (-1, 1)) if np.ndim(value) else value)

    return _Built(
        b.model(),
        b,
        roles,
        S,
        R,
        T,
        U,
        W,
        {lv: (fixed_hours[lv], terms[lv]) for lv in levels},
        {k: (rows, stock_rhs[k]) for k, rows in implicit.items()},
        disc,
        baseline,
        tuple(cost_terms),
        basis,
        _reference(b.ncol, S, staff0) if draws is not None else None,
    )


def _reference(ncol: int, S: Mapping[str, np.ndarray], staff0: Mapping[str, np.ndarray]):
    """Columns at the staff in post every year and no levers: where the draws are first ranked."""
    x = np.zeros(ncol)
    for k, cols in S.items():
        x[cols] = staff0[k][:, None]
    return x


def _flow(
    b: _Builder,
    rows: np.ndarray,
    k: str,
    a: float,
    S: Mapping[str, np.ndarray],
    T: Mapping[str, np.ndarray],
    U: Mapping[str, np.ndarray],
    problem: PlanProblem,
    Y: int,
) -> None:
    """Add S[y] - (1-a) S[y-1] - T[y] - arrivals + departures of role k to ``rows`` (J, Y)."""
    b.add(rows, S[k], 1.0)
    b.add(rows[:, 1:], S[k][:, :-1], -(1 - a))
    if k in T:
        b.add(rows, T[k], -1.0)
    for name, p in problem.paths.items():
        d = p.delay_years
        sign = (p.to_role == k) - (p.from_role == k)
        if sign and d < Y:
            b.add(rows[:, d:], U[name][:, : Y - d], -float(sign))


def _add_shifted(b: _Builder, rows: np.ndarray, cols, value: float, tag: tuple = ()) -> None:
    """Add ``value`` x column (j, s) to row (j, s + lag): cols is an array or (array, lag)."""
    if isinstance(cols, tuple):
        cols, lag = cols
    else:
        lag = 0
    Y = rows.shape[1]
    if lag >= Y:
        return
    b.add(rows[:, lag:], cols[:, : Y - lag], value, tag)


_UNITS = {
    "training": "one more training place",
    "recruit_cap": "being able to recruit one more WTE",
    "path_cap": "one more trainee allowed to start",
    "budget": "GBP 1 more budget",
}


METHODS = ("warm", "simplex", "ipm")


def run(built: _Built, method: str = "warm") -> None:
    """Solve the built programme with HiGHS, ending at a vertex (basic duals).

    ``warm`` (the default): the dual simplex on the practices alone (the ICS-wide rows relaxed:
    a block-diagonal programme, cheap), then on the whole programme from that basis: it is
    already optimal for every practice, so only the ICS-wide rows remain to be met. ``simplex``:
    the dual simplex from scratch. ``ipm``: interior point with crossover. All three solve the
    same programme to the same optimum (docs/performance.md compares them).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    h = built.h
    if method == "ipm":
        h.setOptionValue("solver", "ipm")
        h.run()
        return
    h.setOptionValue("solver", "simplex")
    link = built.b.linking_rows().astype(np.int32)
    if method == "warm" and len(link):
        lower = np.concatenate(built.b.lower_r)[link]
        upper = np.concatenate(built.b.upper_r)[link]
        free = np.full(len(link), INF)
        h.changeRowsBounds(len(link), link, -free, free)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return  # the practices alone cannot be met: nor can the whole programme
        h.changeRowsBounds(len(link), link, lower, upper)
    h.run()


def solve(
    problem: PlanProblem,
    practices: Practices,
    catalogue: Catalogue,
    taxonomy: Taxonomy,
    *,
    method: str = "warm",
    draws: Mapping[str, np.ndarray] | None = None,
) -> PlanSolution:
    """Solve ``problem`` for ``practices``; raises :class:`Infeasible` when nothing meets it.
    ``method``: how HiGHS solves it (:func:`run`); the optimum is the same. ``draws``: (D,) values
    of the uncertain inputs by name (default :func:`parameter_draws`); with them (and a
    ``probability``) each level's hours are a chance constraint (:func:`_solve_chance`)."""
    if problem.probability is None:
        draws = None
    elif draws is None:
        draws = parameter_draws(problem, catalogue)
    built = build(problem, practices, catalogue, taxonomy, draws)
    if draws is not None:
        # the gaps are small matrix products, one a year and round: BLAS threads only contend
        with threadpool_limits(limits=1, user_api="blas"):
            built, basis = _solve_chance(built, draws, problem, catalogue, method)
        built = replace(built, demand_basis=basis or built.demand_basis)
    else:
        run(built, method)
    h = built.h
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise Infeasible(
            f"{problem.name}: no mix of the levers meets the task demand of every practice in every"
            f" plan year within the constraints (HiGHS: {h.modelStatusToString(status)}); allow"
            " more recruitment, training places, budget or supervision, or lower the minimum GP"
            " cover"
        )
    sol = h.getSolution()
    value = np.asarray(sol.col_value)
    activity = np.asarray(sol.row_value)
    dual = np.asarray(sol.row_dual)
    years = tuple(problem.plan_years)
    total = float(h.getInfo().objective_function_value) - float(
        (built.baseline_by_year * built.disc).sum()
    )
    by_year = built.yearly_cost(value) - built.baseline_by_year
    pick = lambda blocks: {k: value[v] for k, v in blocks.items()}  # noqa: E731
    hours = {
        level: const + sum((value[cols] * coef for cols, coef, _ in terms), np.zeros_like(const))
        for level, (const, terms) in built.task_hours.items()
    }
    explained = _explain(built, problem, practices, catalogue, activity, dual, years)
    return PlanSolution(
        problem=problem.name,
        years=years,
        practices=practices,
        roles=built.roles,
        cost=total,
        cost_by_year=by_year,
        stock=pick(built.S),
        recruits={
            k: (
                value[built.R[k]]
                if k in built.R
                else activity[built.implicit[k][0]] - built.implicit[k][1]
            )
            for k in built.roles
            if k in built.R or k in built.implicit
        },
        retained=pick(built.T),
        starts=pick(built.U),
        releases=pick(built.W),
        level_hours=hours,
        demand_basis=built.demand_basis,
        explained=explained,
        size=(built.b.ncol, built.b.nrow),
    )


def _gbp(value: float) -> str:
    return f"£{abs(value):,.0f}"


def _explain(
    built: _Built,
    problem: PlanProblem,
    practices: Practices,
    catalogue: Catalogue,
    activity: np.ndarray,
    dual: np.ndarray,
    years: tuple[int, ...],
) -> tuple[Explained, ...]:
    """Binding constraints in words. A row binds when its dual is non-zero (a change of its limit
    changes the optimal cost). Duals are GBP over the plan (discounted) per unit more of the limit.
    Per-practice rows are summarised by kind and year (how many practices, the mean value)."""
    out: list[Explained] = []
    lo = np.concatenate(built.b.lower_r)
    hi = np.concatenate(built.b.upper_r)
    if built.reference is not None:  # chance rows: their bounds at the draws imposed
        lp = built.h.getLp()
        hi = np.asarray(lp.row_upper_)[: built.b.nrow]
    for kind, key, idx in built.b.blocks:
        if kind in ("stock", "demand", "cost", "retain"):
            continue
        d = dual[idx]
        slack = np.minimum(hi[idx] - activity[idx], activity[idx] - lo[idx])
        bind = (np.abs(d) > TOL) & (slack < 1e-6 * np.maximum(1.0, np.abs(activity[idx])))
        if idx.ndim == 1:  # ICS-wide, one row a year
            for y, year in enumerate(years):
                label, text = _ics_words(kind, key, year, d[y], catalogue)
                if bind[y]:
                    out.append(Explained(kind, year, label, 1, 1, float(d[y]), text))
            continue
        for y, year in enumerate(years):
            n = int(bind[:, y].sum())
            if not n:
                continue
            mean = float(d[bind[:, y], y].mean())
            worst = int(np.argmax(np.where(bind[:, y], np.abs(d[:, y]), -1.0)))
            label, text = _practice_words(
                kind,
                key,
                year,
                n,
                len(practices),
                mean,
                d[worst, y],
                practices.names[worst],
                catalogue,
            )
            out.append(Explained(kind, year, label, n, len(practices), mean, text))
    # ICS-wide rows first (one place, one cap, one budget: each its own sentence), then the rows of
    # the practices summarised by kind and year
    return tuple(sorted(out, key=lambda e: (e.rows > 1, e.kind, e.year or 0)))


def _ics_words(kind: str, key: str, year: int, d: float, catalogue: Catalogue) -> tuple[str, str]:
    if kind == "training":
        return (
            f"Training places {year}",
            f"One more training place in {year} is worth {_gbp(d)} over the plan.",
        )
    if kind == "recruit_cap":
        name = catalogue.roles[key].name
        return (
            f"Most {name} WTE recruited in {year}",
            f"Being able to recruit one more {name} WTE in {year} is worth {_gbp(d)} over the"
            " plan.",
        )
    if kind == "path_cap":
        return (
            f"Most trainees starting {key} in {year}",
            f"One more trainee allowed to start {key} in {year} is worth {_gbp(d)} over the plan.",
        )
    return (
        f"Budget {year}",
        f"The budget of {year} binds: GBP 1 more that year lowers the plan's cost by {_gbp(d)}.",
    )


def _practice_words(
    kind: str,
    key: str,
    year: int,
    n: int,
    of: int,
    mean: float,
    worst: float,
    worst_name: str,
    catalogue: Catalogue,
) -> tuple[str, str]:
    where = f"in {n} of {of} practices in {year}" if of > 1 else f"in {year}"
    most = f"most at {worst_name}, {_gbp(worst)}"
    if kind == "hours":
        h = catalogue.productive_hours
        return (
            f"{key} hours {year}",
            f"{key} hours are all used {where}: one more WTE at the {key} level ({h:,.1f} hours"
            f" on tasks) is worth {_gbp(mean * h)} over the plan"
            + (f" on average (most at {worst_name}, {_gbp(worst * h)})." if of > 1 else "."),
        )
    if kind == "supervision":
        return (
            f"{key} supervision {year}",
            f"{key} supervision capacity binds {where}: one more hour a year is worth"
            f" {_gbp(mean)}" + (f" on average ({most})." if of > 1 else "."),
        )
    if kind == "min_gp":
        return (
            f"Minimum GP cover {year}",
            f"The minimum GP cover binds {where}: each GP WTE it requires costs {_gbp(mean)}"
            f" over the plan more than the cheapest alternative"
            + (f", on average ({most})." if of > 1 else "."),
        )
    return (
        f"GP WTE covered by {key} {year}",
        f"{key} covers every GP it can {where}: covering one more GP WTE is worth"
        f" {_gbp(mean)}" + (f" on average ({most})." if of > 1 else "."),
    )


# -- uncertain minutes and hours: chance constraints over the draws ---------------------------------

CHANCE_ROWS = ("hours", "supervision")
ROUNDS = 20


def parameter_draws(problem: PlanProblem, catalogue: Catalogue) -> dict[str, np.ndarray] | None:
    """(D,) draws of every uncertain value (growth, and the catalogue's uncertain minutes and hours)
    when the problem asks for a probability and the catalogue has uncertain values; else None
    (growth alone is handled by :meth:`PlanProblem.demand_factors`). Seeded as the forecast seeds
    its parameters: each value's draws depend only on the seed and its name."""
    if problem.probability is None or not catalogue.uncertain:
        return None
    dists = dict(catalogue.uncertain)
    if is_distribution(problem.growth):
        dists["growth"] = problem.growth
    runs = draw_parameters(dists, problem.draws, problem.seed)
    return {name: np.asarray(runs.column(name)[1:], dtype=float) for name in dists}


def _chance(
    built: _Built, draws: Mapping[str, np.ndarray], problem: PlanProblem, catalogue: Catalogue
) -> ChanceRows:
    """The programme's chance rows with the draw-to-central ratio of every uncertain value."""
    b = built.b
    ys = np.arange(1, problem.years + 1, dtype=float)
    ratios: dict[str, np.ndarray] = {}
    for name, values in draws.items():
        if name == "growth":
            g_c = central(problem.growth)  # type: ignore[arg-type]
            ratios[name] = (values[:, None] / g_c) ** ys[None, :]
        else:
            c = _central_of(catalogue, name)
            ratios[name] = np.repeat((values / c)[:, None], problem.years, axis=1)
    return chance_rows(
        b.blocks,
        list(zip(b.r, b.c, b.v, b.tags, strict=True)),
        b.parts,
        np.concatenate(b.upper_r),
        b.nrow,
        CHANCE_ROWS,
        ratios,
        float(problem.probability or 0.5),
    )


def _central_of(catalogue: Catalogue, name: str) -> float:
    value = catalogue.uncertain[name].central
    if not value > 0:
        raise ValueError(f"{name}: must have a central value above 0 to be drawn, got {value:g}")
    return value


def _at_draws(built: _Built, ch: ChanceRows, dstar: np.ndarray) -> highspy.Highs:
    """The programme with each chance row's coefficients and bound at its own draw."""
    b = built.b
    values, upper = ch.at_draws(np.concatenate(b.v), np.concatenate(b.upper_r), dstar)
    return b.model(values, upper)


def _solve_chance(
    built: _Built,
    draws: Mapping[str, np.ndarray],
    problem: PlanProblem,
    catalogue: Catalogue,
    method: str,
) -> tuple[_Built, str]:
    """Chance constraints: each level's hours (and supervision) of each practice and year are met
    in a share p of the draws. Every draw's row is linear in the columns, so at a given mix the
    row holds in a draw when its gap (hours needed minus hours available, all inputs of that draw
    together) is <= 0; the row is imposed at the draw whose gap is the p-quantile, ranked first at
    the staff in post, then at the optimum found; a row still met in fewer than a share p of the
    draws then gets, round by round, a copy at the draw at the p-quantile of its gap at the latest
    optimum (each copy a constraint of its own, so a later optimum meets it too), until every row
    is met in a share p of the draws or :data:`ROUNDS` rounds have passed. Each round starts from
    the basis the one before ended at (the re-ranked programme has the same rows and columns; the
    copies are added to the live model). Returns the solved programme and how it was met."""
    ch = _chance(built, draws, problem, catalogue)
    assert built.reference is not None
    met, dstar = ch.evaluate(built.reference)
    solved = built
    for round_ in range(ROUNDS):
        if round_ == 0:  # each row at its p-quantile draw at the staff in post
            solved = replace(built, h=_at_draws(built, ch, dstar))
            run(solved, method)
        elif round_ == 1:  # re-ranked at the optimum found, solved on from its basis
            basis = solved.h.getBasis()
            solved = replace(built, h=_at_draws(built, ch, dstar))
            if method == "ipm":
                run(solved, method)
            else:
                solved.h.setBasis(basis)
                solved.h.run()
        else:  # a copy of each row still short of p, at its p-quantile draw here
            short = np.flatnonzero(met < ch.probability - SHORT)
            starts, cols, vals, upper = ch.cuts(short, dstar[short])
            status = solved.h.addRows(
                len(short),
                np.full(len(short), -INF),
                upper,
                len(cols),
                starts.astype(np.int32),
                cols.astype(np.int32),
                vals,
            )
            if status == highspy.HighsStatus.kError:  # pragma: no cover - a bug, not bad input
                raise RuntimeError("HiGHS refused the chance constraints' added rows")
            solved.h.run()
        if solved.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return solved, ""
        x = np.asarray(solved.h.getSolution().col_value)
        # the shares met here and the draws the next round imposes (every row's when re-ranking)
        met, dstar = ch.evaluate(x, every=round_ == 0)
        if not len(met) or met.min() >= ch.probability - SHORT:
            break
    p = ch.probability
    n = next(iter(draws.values())).shape[0]
    low = float(met.min()) if len(met) else 1.0
    return solved, (
        f"each level's hours met with a {100 * p:g}% chance over {n:,} draws (seed"
        f" {problem.seed}) of {', '.join(sorted(draws))}: the p-quantile of hours needed minus"
        f" hours available per draw; at the optimum every practice, level and year is met in at"
        f" least {100 * low:.1f}% of the draws"
    )
