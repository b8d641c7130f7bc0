"""Monte Carlo summaries of the cohort method without holding draws x organisations x steps.

:func:`summarise_cohort` runs the engine once on the basis organisations of
:mod:`gpworkforce.forecast.kernels.linear` (every draw, every step), then, one recorded step at a
time, forms each measure for every organisation as ``coeff [D, B] @ X [B, O]`` and keeps only its
central value and P10/P50/P90 over the draws (:mod:`~gpworkforce.forecast.kernels.quantiles`):

* per organisation: the measures asked (``org_measures``) at whole years, and those in
  ``every_step`` at every step (e.g. each practice's GP-equivalent WTE every month);
* per group (e.g. ICB, from ``groups``) and for ``TOTAL`` (all organisations): every measure at
  every step (costs at whole years: they need each organisation's gap first);
* the probability of meeting the target at its date, in total and per group;
* for costing, per draw at whole years, each class's FTE summed over all organisations and the
  sum of ``max(gap, 0)``; when organisations have their own draws (``correlation``), each
  organisation is taken in its own run of the draw before summing (decision 0103).

Measures and their equations are :mod:`gpworkforce.forecast.cohort`'s (supply, demand, gap, per
1,000, costs); a test checks them against :func:`~gpworkforce.forecast.cohort.run_cohort` on the
same draws. Memory: the basis paths ``[D, T + 1, B, K, A]``, the per-group paths ``[D, T + 1, G]``
and one step's ``[D, O]`` at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from gpworkforce.forecast.build import Assumptions
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.correlation import Mode, OwnRuns, draw_index, gather
from gpworkforce.forecast.kernels.adjoint import AdjointResponse
from gpworkforce.forecast.kernels.linear import LinearResponse
from gpworkforce.forecast.kernels.quantiles import LinearSeries, over_draws

Array = NDArray[np.float64]
Response = LinearResponse | AdjointResponse
TOTAL = "TOTAL"
LINEAR_MEASURES = ("supply_hc", "supply_fte", "supply_gp_equiv", "registered", "demand", "gap")
MEASURES = (*LINEAR_MEASURES, "per_1000", "cost_salaried", "cost_locum")


@dataclass(frozen=True)
class SummaryOptions:
    """What a Monte Carlo run keeps.

    org_measures  measures with per-organisation quantiles at whole years (None = every one)
    every_step    measures with per-organisation quantiles at every step
    groups        organisation -> group (e.g. practice -> ICB); groups get every measure
    threads       worker threads for the quantiles
    correlation   how organisations share draws (:mod:`gpworkforce.forecast.correlation`):
                  shared, independent or hierarchical (by ``groups``, ``group_share``)
    seed          seed of the organisations' orders of the runs (not shared)
    """

    org_measures: tuple[str, ...] | None = None
    every_step: tuple[str, ...] = ()
    groups: Mapping[str, str] | None = field(default=None, compare=False)
    threads: int = 2
    correlation: Mode = "shared"
    group_share: float = 0.5
    seed: int = 0


@dataclass(frozen=True)
class Fan:
    """Central case and P10/P50/P90 of one measure for some series at some recorded steps."""

    measure: str
    names: tuple[str, ...]
    positions: NDArray[np.int64]  # indices into the summary's dates
    central: Array  # [R, N]
    q: Array  # [3, R, N]

    def frame(self, dates: Sequence[dt.date], with_draws: bool) -> pd.DataFrame:
        r, n = self.central.shape
        frame = pd.DataFrame(
            {
                "date": np.repeat(np.asarray([dates[i] for i in self.positions], dtype=object), n),
                "org": np.tile(np.asarray(self.names, dtype=object), r),
                "measure": self.measure,
                "central": self.central.reshape(-1),
            }
        )
        if with_draws:
            for i, name in enumerate(("p10", "p50", "p90")):
                frame[name] = self.q[i].reshape(-1)
        return frame


@dataclass(frozen=True)
class CohortSummary:
    """Everything a Monte Carlo cohort run reports (see the module docstring)."""

    dates: tuple[dt.date, ...]  # every step
    yearly: NDArray[np.int64]
    runs: int
    orgs: tuple[str, ...]
    groups: tuple[str, ...]  # group names, TOTAL last
    org_fans: dict[str, Fan]
    org_every_step: dict[str, Fan]
    group_fans: dict[str, Fan]
    group_paths: dict[str, Array]  # measure -> [runs, steps, groups] (small: groups only)
    basis_organisations: int
    distinct_directions: int
    # for costing every draw (gpworkforce.finance): FTE per staff class summed over all
    # organisations, [runs, whole years, classes], and the sum over organisations of max(gap, 0),
    # [runs, whole years, groups] (None without demand)
    classes: tuple[str, ...] = ()
    class_fte: Array | None = None
    shortfall: Array | None = None

    @property
    def draws(self) -> int:
        return self.runs - 1


@dataclass(frozen=True)
class CohortInputs:
    """What :func:`summarise_cohort` needs besides the response (built by the caller)."""

    cfg: CohortConfig
    assume: Assumptions
    gp: NDArray[np.bool_]  # [K] GP classes
    registered0: Array | None  # [O]
    weighted0: Array | None  # [O]
    index: Array | None  # [D, T + 1] registered patients relative to the start's lists
    per_1000: Array | None  # [D]
    salaried_cost: Array | None  # [D]
    locum_premium: Array | None  # [D]
    dates: tuple[dt.date, ...]
    need: Array | None = None  # [D, T + 1] GP time each patient needs relative to the start


def _membership(
    orgs: Sequence[str], groups: Mapping[str, str] | None
) -> tuple[tuple[str, ...], Array]:
    names = sorted({groups.get(o, "unassigned") for o in orgs}) if groups else []
    cols = {g: i for i, g in enumerate(names)}
    m = np.zeros((len(orgs), len(names) + 1))
    for i, o in enumerate(orgs):
        if groups:
            m[i, cols[groups.get(o, "unassigned")]] = 1.0
        m[i, -1] = 1.0
    return (*names, TOTAL), m


class _Measures:
    """Each linear measure at the current step as ``(coeff [D, B'], X [B', O])``; the response's
    class-weighted coefficients arrive one step at a time (:meth:`at`)."""

    def __init__(self, resp: Response, ci: CohortInputs):
        a = ci.assume
        eq, sup = a.gp_equivalent, a.supervision
        counts = (ci.gp[None, :] & (eq > 0)).astype(np.float64)
        self.specs = (("hc", counts), ("fte", eq * ci.gp[None, :]), ("fte", eq - sup))
        self.x_hc, self.x_fte = resp.x_hc, resp.x_fte
        self.ci = ci
        d = ci.cfg.demand
        self.has_demand = d is not None and ci.registered0 is not None and ci.index is not None
        self.rule = d.rule if d is not None else None
        self.t = 0
        self.r_hc = self.r_gp = self.r_eq = self.r_eq0 = np.zeros((0, 0))

    def at(self, t: int, coeffs: list[Array]) -> None:
        self.t = t
        self.r_hc, self.r_gp, self.r_eq = coeffs
        if t == 0:  # the responses are valid for this step only: keep a copy
            self.r_eq0 = self.r_eq.copy()

    def names(self) -> tuple[str, ...]:
        return MEASURES if self.has_demand else ("supply_hc", "supply_fte", "supply_gp_equiv")

    def linear(self, name: str) -> tuple[Array, Array]:
        ci, t = self.ci, self.t
        if name == "supply_hc":
            return self.r_hc, self.x_hc
        if name == "supply_fte":
            return self.r_gp, self.x_fte
        if name == "supply_gp_equiv":
            return self.r_eq, self.x_fte
        assert ci.index is not None and ci.registered0 is not None
        idx = ci.index[:, t, None]
        if name == "registered":
            return idx, ci.registered0[None, :]
        if name == "demand":
            need = 1.0 if ci.need is None else ci.need[:, t, None]
            if self.rule == "base_ratio":  # the start's patients per GP-equivalent WTE held
                return self.r_eq0 * (idx / ci.index[:, 0, None]) * need, self.x_fte
            assert ci.per_1000 is not None
            base = ci.weighted0 if self.rule == "per_1000_weighted" else ci.registered0
            assert base is not None
            return ci.per_1000[:, None] * idx * need / 1000.0, base[None, :]
        if name == "gap":
            c_dem, x_dem = self.linear("demand")
            return np.hstack([c_dem, -self.r_eq]), np.vstack([x_dem, self.x_fte])
        if name == "per_1000":
            return self.r_eq * 1000.0 / idx, self.x_fte / ci.registered0[None, :]
        raise ValueError(f"{name} is not a linear measure")

    def costs(self, gap: Array) -> tuple[Array, Array]:
        """Cost of filling the gap ``[D, ...]`` (:func:`gpworkforce.forecast.costs.gap_costs`)."""
        from gpworkforce.forecast.costs import gap_costs

        assert self.ci.salaried_cost is not None and self.ci.locum_premium is not None
        return gap_costs(gap, self.ci.salaried_cost, self.ci.locum_premium)


def summarise_cohort(resp: Response, ci: CohortInputs, options: SummaryOptions) -> CohortSummary:
    """Per-organisation and per-group quantiles, streamed step by step (module docstring): one
    pass over the steps, each step's coefficients used for every output and then dropped."""
    ms = _Measures(resp, ci)
    names = ms.names()
    steps = resp.steps
    spy = resp.steps_per_year
    yearly = np.flatnonzero((steps % spy == 0) | (steps == steps[-1]))
    is_year = {int(t) for t in yearly}
    every = np.arange(len(steps))
    org_wanted = names if options.org_measures is None else options.org_measures
    org_wanted = tuple(m for m in names if m in org_wanted)
    step_wanted = tuple(m for m in names if m in options.every_step)
    group_names, member = _membership(resp.orgs, options.groups)
    runs = resp.draws
    series: dict[str, LinearSeries] = {}
    linear_names = [m for m in names if m in LINEAR_MEASURES]
    want_costs = "cost_salaried" in names
    org_costs = [k for k in ("cost_salaried", "cost_locum") if k in org_wanted]
    order, starts = np.arange(len(resp.orgs)), None
    if want_costs and member.shape[1] > 1:  # orgs sorted by group: group sums are one reduceat
        gidx = np.argmax(member[:, :-1], axis=1)
        order = np.argsort(gidx, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(gidx[order]) != 0])
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    group_x: dict[str, Array] = {}
    # each organisation's own order of the runs (None: shared draws, sums by group_x)
    index = draw_index(
        options.correlation, runs, resp.orgs, options.seed, options.groups, options.group_share
    )
    sparse_member = csr_matrix(member)
    index_t = None if index is None else np.ascontiguousarray(index.T)  # [O, D]: rows contiguous
    # group sums from each run's weights (OwnRuns) where that is cheaper than gathering every
    # organisation's values each step (decision 0113); None: shared draws, or the gather
    own = _own_run_paths(index, member, resp.x_fte)
    own_gap = None  # index_t[order] as positions in the [O, D] values of organisations by group
    if own is not None and want_costs and index_t is not None:
        runs_of = index_t[order].astype(np.intp)
        own_gap = runs_of + (np.arange(len(order)) * runs)[:, None]
    group_steps: dict[str, list[Array]] = {n: [] for n in linear_names}
    org_parts: dict[str, list[tuple[Array, Array]]] = {n: [] for n in org_wanted}
    every_parts: dict[str, list[tuple[Array, Array]]] = {n: [] for n in step_wanted}
    short: list[Array] = []  # sum over organisations of max(gap, 0), [D, G], whole years

    per_org = ("per_1000", *linear_names)
    done: dict[str, tuple[Array, Array]] = {}  # this step's per-organisation quantiles

    def quantiles(name: str) -> tuple[Array, Array]:
        if name not in done:
            coeff, x = ms.linear(name)
            if name not in series:
                series[name] = LinearSeries.of(x)
            done[name] = series[name].quantiles(coeff, options.threads)
        return done[name]

    # per-draw FTE of each class over all organisations when organisations do not share draws:
    # each organisation's own run of each class, gathered, then summed (shared: resp.class_fte)
    n_class = len(resp.classes)
    class_specs = _class_specs(resp, index_t)
    gathered_fte: list[Array] = []  # [D, K] per whole year
    specs = (*ms.specs, *class_specs)
    for t, all_coeffs in zip(every, resp.weighted_steps(specs), strict=True):
        coeffs = all_coeffs[: len(ms.specs)]
        ms.at(int(t), coeffs)
        done.clear()
        for name in linear_names:  # per group and TOTAL, every step (groups are few)
            if own is not None:  # buffered, summed to groups a block of steps at a time
                if name != "gap":  # (the gap: demand - supply once they are summed)
                    own.add(name, *ms.linear(name))
                continue
            if name == "gap":  # demand - supply: the two paths already summed
                group_steps[name].append(
                    group_steps["demand"][-1] - group_steps["supply_gp_equiv"][-1]
                )
                continue
            coeff, x = ms.linear(name)
            if index_t is not None:  # gather each organisation's run, then sum to groups
                # organisation by organisation ([O, D]): each gather reads one contiguous row
                gathered = np.take_along_axis(x.T @ coeff.T, index_t, axis=1)
                group_steps[name].append((sparse_member.T @ gathered).T)
                continue
            if name not in group_x:
                group_x[name] = x @ member  # [B', G]
            group_steps[name].append(coeff @ group_x[name])
        for name in step_wanted:
            if name in per_org:
                every_parts[name].append(quantiles(name))
        if int(t) not in is_year:
            continue
        if index_t is not None:
            by_class = all_coeffs[len(ms.specs) :] or _class_coeffs(resp, int(t), n_class)
            if own is not None:
                for k, coeff in enumerate(by_class):
                    own.add(f"class {k}", coeff, resp.x_fte)
            else:
                gathered_fte.append(_gathered_classes(by_class, resp.x_fte, index_t))
        for name in org_wanted:
            if name in per_org:
                org_parts[name].append(quantiles(name))
        if want_costs:  # costs need every organisation's gap: whole years only
            coeff, x = ms.linear("gap")
            if own_gap is None:
                gap = gather(coeff @ x, index)[:, order]  # [D, O]
                np.maximum(gap, 0.0, out=gap)
                by_group = [] if starts is None else [np.add.reduceat(gap, starts, axis=1)]
                total = gap.sum(axis=1, keepdims=True)
            else:  # organisation by organisation ([O, D]): each gather reads one row of runs
                gap_t = np.take(x[:, order].T @ coeff.T, own_gap)
                np.maximum(gap_t, 0.0, out=gap_t)
                if starts is None:
                    by_group, total = [], gap_t.sum(axis=0)[:, None]
                else:
                    by_group = [np.add.reduceat(gap_t, starts, axis=0).T]
                    total = by_group[0].sum(axis=1, keepdims=True)
                gap = gap_t.T
            short.append(np.concatenate([*by_group, total], axis=1))
            if org_costs:
                sal, loc = ms.costs(gap)  # max(gap, 0) is its own positive part
                for key, val in (("cost_salaried", sal), ("cost_locum", loc)):
                    if key in org_costs:
                        org_parts[key].append(over_draws(val[:, inverse], options.threads))
    if own is not None:
        summed = own.finish()
        paths: dict[str, Array] = {n: summed[n] for n in linear_names if n != "gap"}
        if "gap" in linear_names:
            paths["gap"] = paths["demand"] - paths["supply_gp_equiv"]
        if n_class:  # each class's FTE over all organisations (the TOTAL), [D, years, K]
            own_fte = np.stack([summed[f"class {k}"][:, :, -1] for k in range(n_class)], axis=2)
    else:
        paths = {n: np.stack(v, axis=1) for n, v in group_steps.items()}
    if "per_1000" in names:
        paths["per_1000"] = paths["supply_gp_equiv"] / paths["registered"] * 1000.0
    group_fans = {n: _fan(n, group_names, every, p, options.threads) for n, p in paths.items()}
    if index_t is None:
        class_fte = resp.class_fte(yearly)
    elif own is not None and n_class:
        class_fte = own_fte
    else:
        class_fte = np.stack(gathered_fte, axis=1)
    shortfall = None
    org_fans = {
        n: _stack(n, resp.orgs, yearly, org_parts[n])
        for n in org_wanted
        if n not in ("cost_salaried", "cost_locum") and org_parts[n]
    }
    if want_costs:
        assert ci.salaried_cost is not None and ci.locum_premium is not None
        shortfall = path = np.stack(short, axis=1)  # [D, years, G]
        sal_path = path * ci.salaried_cost[:, None, None]
        loc_path = sal_path * (1.0 + ci.locum_premium[:, None, None])
        for key, val in (("cost_salaried", sal_path), ("cost_locum", loc_path)):
            paths[key] = val
            group_fans[key] = _fan(key, group_names, yearly, val, options.threads)
            if key in org_wanted:
                org_fans[key] = _stack(key, resp.orgs, yearly, org_parts[key])
    org_fans = {n: org_fans[n] for n in org_wanted if n in org_fans}
    org_every = {
        n: _stack(n, resp.orgs, every, every_parts[n]) for n in step_wanted if every_parts[n]
    }
    directions = max((s.n_directions for s in series.values()), default=0)
    return CohortSummary(
        dates=ci.dates,
        yearly=yearly,
        runs=runs,
        orgs=resp.orgs,
        groups=group_names,
        org_fans=org_fans,
        org_every_step=org_every,
        group_fans=group_fans,
        group_paths=paths,
        basis_organisations=int(resp.x_fte.shape[0]),
        distinct_directions=directions,
        classes=tuple(resp.classes),
        class_fte=np.ascontiguousarray(class_fte),
        shortfall=shortfall,
    )


# CPU per value, relative to a multiply-add of the sparse product (measured, decision 0113): a
# gathered value (with forming and summing it), and a multiply-add of a dense BLAS product
GATHER_COST = 50
BLAS_SPEEDUP = 5
Direction = tuple[bytes, Array, NDArray[np.intp], Array]


def _directions(x: Array) -> list[Direction]:
    """The rows of ``x [B, O]`` grouped by direction: ``(key, weights [O], rows, scales)`` with
    ``x[rows] = scales[:, None] * weights`` (to 12 significant digits, as
    :class:`~gpworkforce.forecast.kernels.quantiles.LinearSeries` groups organisations); all-zero
    rows are left out. A national run whose practices share one age split has one direction."""
    live = np.flatnonzero((x != 0).any(axis=1))
    if np.any(x[live] < 0):  # not stocks: every row its own direction
        return [(b"row%d" % b, x[b], np.array([b]), np.ones(1)) for b in live]
    sums = x.sum(axis=1)
    out: dict[bytes, tuple[Array, list[int], list[float]]] = {}
    for b in live:
        unit = x[b] / sums[b]
        key = np.round(unit, 12).tobytes()
        out.setdefault(key, (unit, [], []))
        out[key][1].append(int(b))
        out[key][2].append(float(sums[b]))
    return [(k, w, np.asarray(rows), np.asarray(sc)) for k, (w, rows, sc) in out.items()]


PROPORTIONAL_RTOL = 1e-13  # columns within this of a multiple of another are summed once


def _proportional(cols: Array) -> tuple[NDArray[np.intp], Array]:
    """For the columns of ``cols [D, C]``: the first column each is a multiple of, and the factor
    (``cols[:, c] = factor[c] * cols[:, first[c]]`` to :data:`PROPORTIONAL_RTOL` in every run),
    so that a group sum is taken once for, e.g., registered patients and the demand they make
    at a fixed rate per 1,000. Columns are compared on their values relative to run 0 (the
    central case) rounded to 12 digits, then checked."""
    n = cols.shape[1]
    first, factor = np.arange(n), np.ones(n)
    ref = cols[0]
    scaled = np.where(ref != 0, ref, 1.0)
    key = np.round(cols / scaled, 12)
    key[:, ref == 0] = np.round(cols[:, ref == 0], 12)  # run 0 is zero: as they are
    _, head, inverse = np.unique(key, axis=1, return_index=True, return_inverse=True)
    for c, rep in enumerate(head[inverse.reshape(-1)]):
        if rep == c or ref[c] == 0 or ref[rep] == 0:
            continue
        k = ref[c] / ref[rep]
        if np.all(np.abs(cols[:, c] - k * cols[:, rep]) <= PROPORTIONAL_RTOL * np.abs(cols[:, c])):
            first[c], factor[c] = rep, k
    return first, factor


class _OwnRunPaths:
    """Per-group paths of measures ``coeff [D, B] @ x [B, O]`` when each organisation uses its own
    run of every draw: each step's coefficients are buffered and, a block of steps at a time,
    summed to groups with :meth:`OwnRuns.sums`: one product per direction of the rows of the
    measures' ``x`` (series of every measure with that direction side by side, each distinct
    series once)."""

    BUFFER = 64 * 2**20  # bytes of coefficients held before they are summed

    def __init__(self, own: OwnRuns, with_total: bool):
        self.own, self.with_total = own, with_total
        self.buf: dict[str, list[Array]] = {}
        self.dirs: dict[str, list[Direction]] = {}
        self.blocks: dict[str, list[Array]] = {}
        self.held = 0

    def add(self, name: str, coeff: Array, x: Array) -> None:
        if name not in self.dirs:
            self.dirs[name] = _directions(x)
            self.buf[name], self.blocks[name] = [], []
        d = self.own.runs
        self.buf[name].append(np.array(np.broadcast_to(coeff, (d, x.shape[0]))))
        self.held += d * x.shape[0] * 8
        if self.held > self.BUFFER:
            self._flush()

    def _flush(self) -> None:
        g = self.own.n_groups
        series: dict[bytes, tuple[Array, list[tuple[str, Array]]]] = {}
        blocks: dict[str, Array] = {}
        for name, parts in self.buf.items():
            if not parts:
                continue
            c = np.stack(parts, axis=1)  # [D, n, B]
            d, n = c.shape[0], c.shape[1]
            blocks[name] = np.zeros((d, n, g + 1 if self.with_total else g))
            for key, w, rows, scales in self.dirs[name]:
                series.setdefault(key, (w, []))[1].append((name, c[:, :, rows] @ scales))
            parts.clear()
        for w, items in series.values():
            cols = np.concatenate([y for _, y in items], axis=1)  # [D, columns]
            first, factor = _proportional(cols)
            distinct, back = np.unique(first, return_inverse=True)
            summed = self.own.sums(w, cols[:, distinct])  # [D, G, distinct]
            by_col = np.ascontiguousarray(summed.transpose(0, 2, 1))  # [D, distinct, G]
            at = 0
            for name, y in items:
                part = slice(at, at + y.shape[1])
                blocks[name][:, :, :g] += by_col[:, back[part], :] * factor[None, part, None]
                at += y.shape[1]
        for name, block in blocks.items():
            if self.with_total:
                block[:, :, -1] = block[:, :, :g].sum(axis=2)
            self.blocks[name].append(block)
        self.held = 0

    def finish(self) -> dict[str, Array]:
        """Each measure's ``[D, steps added, groups (+ TOTAL)]``."""
        self._flush()
        return {
            n: b[0] if len(b) == 1 else np.concatenate(b, axis=1) for n, b in self.blocks.items()
        }


def _own_run_paths(index: Any, member: Array, x_fte: Array) -> _OwnRunPaths | None:
    """:class:`_OwnRunPaths` when organisations use their own runs and summing each run's
    weights costs less than gathering every organisation's value (``D x O`` sparse multiply-adds a
    direction and series, against ``D x O x B`` dense ones and ``D x O`` gathered values a measure
    and step): always but with hundreds of distinct directions (an ICS of many cells); else None."""
    if index is None:
        return None
    n_org = index.shape[1]
    grouped = member.shape[1] > 1
    n_groups = member.shape[1] - 1 if grouped else 1
    if len(_directions(x_fte)) > GATHER_COST + x_fte.shape[0] / BLAS_SPEEDUP:
        return None
    group = np.argmax(member[:, :-1], axis=1) if grouped else np.zeros(n_org, dtype=np.intp)
    return _OwnRunPaths(OwnRuns(index, group, n_groups), with_total=grouped)


def _class_specs(resp: Response, index_t: Any) -> tuple[tuple[str, Array], ...]:
    """Extra ``(which, weights)`` specs giving each class's FTE coefficients every step: needed
    only with each organisation's own draws, and only for the adjoint response (the linear
    response's basis gives them at whole years directly, :func:`_class_coeffs`)."""
    if index_t is None or isinstance(resp, LinearResponse):
        return ()
    eye = np.eye(len(resp.classes))
    return tuple(("fte", eye[k]) for k in range(len(resp.classes)))


def _class_coeffs(resp: Response, t: int, n_class: int) -> list[Array]:
    """Each class's FTE response ``[D, B]`` to a unit of every basis at step ``t`` (linear
    response: its basis paths summed over bands)."""
    assert isinstance(resp, LinearResponse)
    by_class = resp.basis.fte[:, t].sum(axis=-1)  # [D, B, K]
    return [by_class[:, :, k] for k in range(n_class)]


def _gathered_classes(coeffs: Sequence[Array], x_fte: Array, index_t: Any) -> Array:
    """``[D, K]``: per draw ``d``, the FTE of each class summed over organisations, each
    organisation ``o`` in its own run ``index[d, o]`` (``index_t`` is ``index.T``, ``[O, D]``)."""
    out = np.empty((index_t.shape[1], len(coeffs)))
    for k, coeff in enumerate(coeffs):
        per_org = x_fte.T @ coeff.T  # [O, D]: organisation o in run r
        out[:, k] = np.take_along_axis(per_org, index_t, axis=1).sum(axis=0)
    return out


def _fan(
    name: str, names: Sequence[str], positions: NDArray[np.int64], path: Array, threads: int
) -> Fan:
    """Fan of a small ``[D, R, N]`` path."""
    d, r, n = path.shape
    central, q = over_draws(path.reshape(d, r * n), threads)
    return Fan(name, tuple(names), positions, central.reshape(r, n), q.reshape(3, r, n))


def _stack(
    name: str, names: Sequence[str], positions: NDArray[np.int64], parts: list[tuple[Array, Array]]
) -> Fan:
    central = np.stack([c for c, _ in parts])
    q = np.stack([q for _, q in parts], axis=1)
    return Fan(name, tuple(names), positions, central, q)


def target_rows(summary: CohortSummary, cfg_target: Any) -> pd.DataFrame | None:
    """Supply against a per-1,000 or WTE target at its date, in total and per group."""
    if cfg_target is None:
        return None
    pos = int(np.argmin([abs((d - cfg_target.date).days) for d in summary.dates]))
    supply = summary.group_paths["supply_gp_equiv"][:, pos, :]  # [D, G]
    if cfg_target.per_1000 is not None and "registered" in summary.group_paths:
        goal = summary.group_paths["registered"][:, pos, :] * cfg_target.per_1000 / 1000.0
        names = summary.groups
    elif cfg_target.wte is not None:
        goal = np.full((supply.shape[0], 1), cfg_target.wte)
        supply, names = supply[:, -1:], (TOTAL,)
    else:
        return None
    draws = slice(1, None) if supply.shape[0] > 1 else slice(0, 1)
    q = np.quantile(supply[draws], [0.1, 0.5, 0.9], axis=0)
    met = np.mean(supply[draws] - goal[draws] >= 0.0, axis=0)
    return pd.DataFrame(
        {
            "date": summary.dates[pos],
            "org": list(names),
            "target_wte": goal[0],
            "supply_central": supply[0],
            "supply_p10": q[0],
            "supply_p50": q[1],
            "supply_p90": q[2],
            "probability_meeting_target": met,
            "draws": supply.shape[0] - 1,
        }
    )


def run_cohort_summary(
    cfg: CohortConfig,
    stocks: pd.DataFrame,
    *,
    patients: pd.DataFrame | None = None,
    population_index: Array | None = None,
    costs: Any = None,
    values: Mapping[str, Any] | None = None,
    options: SummaryOptions | None = None,
    org_inflows: Mapping[int, pd.DataFrame] | None = None,
) -> CohortSummary:
    """The cohort method's Monte Carlo summary (same inputs as
    :func:`~gpworkforce.forecast.cohort.run_cohort`, which keeps every path instead)."""
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.forecast.build import _Values, build_assumptions, compile_inputs, is_gp_class
    from gpworkforce.forecast.cohort import _patients, step_dates
    from gpworkforce.forecast.demand import need_index, patient_index
    from gpworkforce.forecast.kernels.linear import linear_response
    from gpworkforce.forecast.scenario import CostConfig

    tax = load_taxonomy()
    costs = costs or CostConfig()
    inputs = compile_inputs(cfg, stocks, tax, org_inflows)
    gp = np.array([is_gp_class(c.role, tax) for c in cfg.classes])
    v = _Values(values)
    assume = build_assumptions(cfg, values)
    resp = linear_response(inputs, assume.engine)
    if resp is None:  # pragma: no cover - compile_inputs always factors its schedules
        raise ValueError("the scenario's inflows cannot be summarised by the linear kernel")
    steps = resp.steps
    D = resp.draws
    reg0 = w0 = index = need = per = sal = prem = None
    d = cfg.demand
    if d is not None and patients is not None:
        index = patient_index(
            d, v.get, steps, cfg.steps_per_year, D, population_index, cfg.start.year
        )
        need = need_index(d, v.get, steps, cfg.steps_per_year, D, cfg.start.year)
        reg0, w0 = _patients(cfg, inputs.orgs, patients)
        if d.per_1000 is not None:
            per = np.broadcast_to(v.get("cohort.demand.per_1000", d.per_1000), (D,))
        sal = np.broadcast_to(v.get("costs.salaried_gp_cost", costs.salaried_gp_cost), (D,))
        prem = np.broadcast_to(v.get("costs.locum_premium", costs.locum_premium), (D,))
    ci = CohortInputs(
        cfg=cfg,
        assume=assume,
        gp=gp,
        registered0=reg0,
        weighted0=w0,
        index=None if index is None else np.ascontiguousarray(index),
        need=None if need is None else np.ascontiguousarray(need),
        per_1000=per,
        salaried_cost=sal,
        locum_premium=prem,
        dates=step_dates(cfg.start, steps, cfg.steps_per_year),
    )
    return summarise_cohort(resp, ci, options or SummaryOptions())
