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
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from gpworkforce.domain.taxonomy import SkillLevel, Taxonomy
from gpworkforce.skillmix.catalogue import Catalogue
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

    def add(self, rows: np.ndarray, cols: np.ndarray, value: float | np.ndarray) -> None:
        rows, cols = np.broadcast_arrays(rows, cols)
        vals = np.broadcast_to(np.asarray(value, dtype=float), rows.shape)
        self.r.append(rows.ravel())
        self.c.append(cols.ravel())
        self.v.append(vals.ravel().copy())

    def matrix(self) -> csc_matrix:
        """The constraint matrix (rows x columns), duplicates summed."""
        a = coo_matrix(
            (np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))),
            shape=(self.nrow, self.ncol),
        ).tocsc()
        a.sum_duplicates()
        return a

    def model(self) -> highspy.Highs:
        a = self.matrix()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.ncol, self.nrow
        lp.col_cost_ = np.concatenate(self.cost)
        lp.col_lower_ = np.zeros(self.ncol)
        lp.col_upper_ = np.concatenate(self.upper)
        lp.row_lower_ = np.concatenate(self.lower_r)
        lp.row_upper_ = np.concatenate(self.upper_r)
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
    task_hours: Mapping[SkillLevel, tuple[np.ndarray, list[tuple[np.ndarray, float]]]]
    implicit: Mapping[str, tuple[np.ndarray, np.ndarray]]  # role -> stock rows, their lower bound
    disc: np.ndarray
    baseline_by_year: np.ndarray
    cost_terms: tuple[tuple[np.ndarray, float | np.ndarray], ...]  # (J, Y) columns, GBP per unit
    demand_basis: str

    def yearly_cost(self, value: np.ndarray) -> np.ndarray:
        """(Y,) cost of the WTE in post and the levers in each year (undiscounted), GBP."""
        total = np.zeros_like(self.baseline_by_year)
        for cols, coef in self.cost_terms:
            total += coef * value[cols].sum(axis=0)
        return total


def build(
    problem: PlanProblem, practices: Practices, catalogue: Catalogue, taxonomy: Taxonomy
) -> _Built:
    """The programme (see the module docstring), ready to solve; recruit costs already in GBP."""
    J, Y = len(practices), problem.years
    years = np.arange(1, Y + 1)
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
    scale = practices.patients[:, None] / 1000.0 * factors[None, :]  # (J, Y)
    levels = [lv.code for lv in catalogue.levels]
    fixed_hours = {lv: np.zeros((J, Y)) for lv in levels}  # task and supervision hours
    terms: dict[SkillLevel, list[tuple[np.ndarray, float]]] = {lv: [] for lv in levels}
    sup_terms: dict[SkillLevel, list[tuple[object, float]]] = {lv: [] for lv in levels}
    sup_fixed = {lv: np.zeros((J, Y)) for lv in levels}
    X: dict[tuple[str, SkillLevel], np.ndarray] = {}
    Z: dict[str, tuple[SkillLevel, SkillLevel, np.ndarray]] = {}
    for t in catalogue.tasks:
        demand = t.per_1000 * scale
        able = list(t.minutes)
        first = able[0]
        fixed_hours[first] += demand * t.minutes[first] / MINUTES
        if t.supervision.get(first):
            extra = demand * t.supervision[first] / MINUTES
            fixed_hours[t.supervised_by] += extra
            sup_fixed[t.supervised_by] += extra
        if len(able) == 2:
            second = able[1]
            z = b.cols((J, Y), 0.0)
            b.upper[-1][:] = demand.ravel()
            Z[t.key] = (first, second, z)
            terms[first].append((z, -t.minutes[first] / MINUTES))
            terms[second].append((z, t.minutes[second] / MINUTES))
            net = (t.supervision.get(second, 0.0) - t.supervision.get(first, 0.0)) / MINUTES
            if net:
                terms[t.supervised_by].append((z, net))
                sup_terms[t.supervised_by].append((z, net))
        elif len(able) > 2:
            # the first level does the rest: demand - the others' tasks, kept >= 0 by this row
            rows = b.rows("demand", t.key, (J, Y), -INF, demand)
            for lv in able[1:]:
                X[t.key, lv] = b.cols((J, Y), 0.0)
                b.add(rows, X[t.key, lv], 1.0)
                d_sup = (t.supervision.get(lv, 0.0) - t.supervision.get(first, 0.0)) / MINUTES
                terms[first].append((X[t.key, lv], -t.minutes[first] / MINUTES))
                terms[lv].append((X[t.key, lv], t.minutes[lv] / MINUTES))
                if d_sup:
                    terms[t.supervised_by].append((X[t.key, lv], d_sup))
                    sup_terms[t.supervised_by].append((X[t.key, lv], d_sup))
    supply_fixed = {lv: np.zeros((J, Y)) for lv in levels}  # hours of roles without levers
    for k in fixed:
        role = catalogue.roles[k]
        supply_fixed[role.level] += staff0[k][:, None] * role.productive_hours

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
        for cols, value in terms[level]:
            b.add(rows, cols, value)
        recruit_sup: list[tuple[object, float]] = []
        if level == SkillLevel.AUTONOMOUS:
            for k, cols in R.items():
                for age, hours in enumerate(problem.roles[k].supervision_hours):
                    if hours and age < Y:
                        # recruits of year s are in their (age+1)th year in year s+age
                        recruit_sup.append(((cols, age), hours))
            for name, r in problem.release.items():
                b.add(rows, W[name], -r.hours_per_gp_wte)
        for cols, value in recruit_sup:
            _add_shifted(b, rows, cols, value)
        for name, p in problem.paths.items():
            frm = catalogue.roles[p.from_role]
            if frm.level == level and p.study_share > 0:
                for lag in range(p.delay_years):
                    _add_shifted(b, rows, (U[name], lag), p.study_share * frm.productive_hours)
        in_level = [k for k in roles if catalogue.roles[k].level == level]
        for k in in_level:
            b.add(rows, S[k], -catalogue.roles[k].productive_hours)
        given = sup_terms[level] + recruit_sup
        if given and problem.supervision_share < 1:
            share = problem.supervision_share
            cap = share * supply_fixed[level] - sup_fixed[level]
            srows = b.rows("supervision", level.value, (J, Y), -INF, cap)
            for cols, value in given:
                _add_shifted(b, srows, cols, value)
            for k in in_level:
                b.add(srows, S[k], -share * catalogue.roles[k].productive_hours)

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
    )


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


def _add_shifted(b: _Builder, rows: np.ndarray, cols, value: float) -> None:
    """Add ``value`` x column (j, s) to row (j, s + lag): cols is an array or (array, lag)."""
    if isinstance(cols, tuple):
        cols, lag = cols
    else:
        lag = 0
    Y = rows.shape[1]
    if lag >= Y:
        return
    b.add(rows[:, lag:], cols[:, : Y - lag], value)


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
) -> PlanSolution:
    """Solve ``problem`` for ``practices``; raises :class:`Infeasible` when nothing meets it.
    ``method``: how HiGHS solves it (:func:`run`); the optimum is the same."""
    built = build(problem, practices, catalogue, taxonomy)
    h = built.h
    run(built, method)
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
        level: const + sum((value[cols] * coef for cols, coef in terms), np.zeros_like(const))
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
    where = f"in {n} of {of} practices in {year}"
    most = f"most at {worst_name}, {_gbp(worst)}"
    if kind == "hours":
        h = catalogue.productive_hours
        return (
            f"{key} hours {year}",
            f"{key} hours are all used {where}: one more WTE at the {key} level ({h:,.1f} hours"
            f" on tasks) is worth {_gbp(mean * h)} over the plan on average (most at"
            f" {worst_name}, {_gbp(worst * h)}).",
        )
    if kind == "supervision":
        return (
            f"{key} supervision {year}",
            f"{key} supervision capacity binds {where}: one more hour a year is worth"
            f" {_gbp(mean)} on average ({most}).",
        )
    if kind == "min_gp":
        return (
            f"Minimum GP cover {year}",
            f"The minimum GP cover binds {where}: each GP WTE it requires costs {_gbp(mean)}"
            f" over the plan more than the cheapest alternative, on average ({most}).",
        )
    return (
        f"GP WTE covered by {key} {year}",
        f"{key} covers every GP it can {where}: covering one more GP WTE is worth"
        f" {_gbp(mean)} on average ({most}).",
    )
