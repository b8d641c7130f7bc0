"""Turn a validated cohort scenario into engine inputs and (optionally per-draw) parameters.

:func:`compile_inputs` fixes everything that does not vary between Monte Carlo draws: the
organisations, classes, bands, starting stocks and the inflow schedules (people per step and
organisation before their multiplier). :func:`build_assumptions` turns every numeric assumption
into an array with a leading draws axis: the central value, or the draws given in ``values``
(field path -> array of length ``D``, e.g. from ``uncertainty.draw_parameters``).

Draws outside a rate's range (a normal draw of a probability below 0) are clipped to it; if the
transition rates out of a class then sum above 1 a year they are scaled down to sum to 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy, load_taxonomy
from gpworkforce.forecast.cohort_config import ALL, CohortConfig, Inflow
from gpworkforce.forecast.distributions import central, is_distribution
from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream

Array = NDArray[np.float64]
PREFIX = "cohort"
STOCK_COLUMNS = ("org", "class", "band", "headcount", "fte")


@dataclass(frozen=True)
class Assumptions:
    """Engine parameters plus what the outputs need, each with a leading draws axis."""

    engine: EngineParams
    gp_equivalent: Array  # [D, K]
    supervision: Array  # [D, K]
    draws: int


def stock_frame(cfg: CohortConfig, csv_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Starting stocks from the scenario's inline rows and an already-read CSV frame."""
    rows = [
        {
            "org": r.org,
            "class": r.class_code,
            "band": r.band,
            "headcount": r.headcount,
            "fte": r.fte,
        }
        for r in cfg.initial.rows
    ]
    frame = pd.DataFrame(rows, columns=list(STOCK_COLUMNS))
    if csv_rows is not None:
        frame = pd.concat([frame, csv_rows.loc[:, list(STOCK_COLUMNS)]], ignore_index=True)
    return frame


def is_gp_class(role: str, tax: Taxonomy) -> bool:
    leaves = tax.leaves_of(role)
    return bool(leaves) and all(tax.leaves[x].group == StaffGroup.GP for x in leaves)


def joining_weights(inflow: Inflow, steps_per_year: int, n_steps: int) -> Array:
    """Share of one step's completions joining ``lag`` steps later, for lag = 0..T-1.

    The cumulative joining profile is piecewise linear through (0, 0) and the given points and
    flat after the last; an empty profile means everyone joins at once. ``delay_months`` shifts it.
    """
    months_per_step = 12.0 / steps_per_year
    pts = [(0.0, 0.0)] + [(p.months, p.cumulative_share) for p in inflow.joining_profile]

    def cumulative(m: float) -> float:
        m -= inflow.delay_months
        if m <= 0:
            return 0.0
        if len(pts) == 1:
            return 1.0
        return float(np.interp(m, [p[0] for p in pts], [p[1] for p in pts]))

    ends = [cumulative((lag + 1) * months_per_step) for lag in range(n_steps)]
    starts = [cumulative(lag * months_per_step) for lag in range(n_steps)]
    return np.asarray(ends) - np.asarray(starts)


def steps_in_month(start: dt.date, steps_per_year: int, n_steps: int, month: int) -> Array:
    """1.0 for the steps that contain calendar month ``month``, else 0.0.

    Step ``t`` covers the ``12 / steps_per_year`` months after ``start`` + ``t`` steps (a start on
    30 September: step 0 is October); every run of twelve months has exactly one such step.
    """
    per_step = 12 // steps_per_year
    first = start.month + np.arange(n_steps) * per_step  # month just before the step, 1-based
    covered = ((first[:, None] + np.arange(per_step)[None, :]) % 12) + 1
    return (covered == month).any(axis=1).astype(np.float64)


def completion_schedule(
    inflow: Inflow,
    start: dt.date,
    steps_per_year: int,
    n_steps: int,
    counts: Array | None = None,
) -> Array:
    """People completing in each step before the joining profile: a forecast year's count
    (``counts``, else the central ``per_year``) spread evenly over its steps, or all in the
    step holding ``completion_month``."""
    given = counts if counts is not None else np.asarray([central(x) for x in inflow.per_year])
    year_of_step = np.minimum(np.arange(n_steps) // steps_per_year, len(given) - 1)
    per_year = np.asarray(given, dtype=np.float64)[year_of_step]
    if inflow.completion_month is None:
        return per_year / steps_per_year
    return per_year * steps_in_month(start, steps_per_year, n_steps, inflow.completion_month)


def _allocation(inflow: Inflow, fte0: Array, gp_mask: NDArray[np.bool_]) -> Array:
    n_org = fte0.shape[0]
    if inflow.allocation == "gp_fte":
        per_org = fte0[:, gp_mask, :].sum(axis=(1, 2))
        if per_org.sum() > 0:
            return per_org / per_org.sum()
    return np.full(n_org, 1.0 / max(n_org, 1))


def _codes(column: pd.Series, index: Mapping[str, int]) -> NDArray[np.intp]:
    """Position of each row's label in ``index`` (KeyError for a label not in it)."""
    labels = column.astype(str)
    codes = pd.Categorical(labels, categories=list(index)).codes.astype(np.intp)
    if np.any(codes < 0):
        raise KeyError(str(labels[codes < 0].iloc[0]))
    return codes


@dataclass(frozen=True)
class StreamSpec:
    """One inflow stream of the engine and what sets its size.

    ``joining`` gives the timing (delay, profile, completion month), destinations, band and
    allocation (an inflow, or a pipeline as one); ``counts`` the people completing in each
    forecast year before ``factors``, each ``(field path, value, kind)`` drawn per run and
    multiplied in: a scale (>= 0), a share (clipped to [0, 1]) or a loss (``1 - share``). ``org_year`` marks the stream of one forecast year
    of an inflow given per organisation (``org_csv``): its allocation comes from that file.
    """

    name: str
    source: int  # index of the inflow (org_csv frames are keyed by it) or -1 for a pipeline
    joining: Inflow
    counts: Array  # [years]
    factors: tuple[tuple[str, Any, str], ...]  # (path, value, "scale" | "share" | "loss")
    fte: tuple[str, Any]
    org_year: int | None = None


def _expand(values: list[float], years: int) -> Array:
    out = np.asarray(values, dtype=np.float64)
    return out[np.minimum(np.arange(years), len(out) - 1)]


def stream_specs(cfg: CohortConfig) -> list[StreamSpec]:
    """The engine's inflow streams, in order: each inflow (one stream per forecast year when a
    per_year count is a distribution or the inflow is given per organisation), then each row
    of each pipeline. Linear in the counts, so the Monte Carlo kernel stays linear."""
    out: list[StreamSpec] = []
    years = cfg.years
    for i, f in enumerate(cfg.inflows):
        base = f"{PREFIX}.inflows[{i}]"
        common = (
            (f"{base}.volume_factor", f.volume_factor, "scale"),
            (f"{base}.retention", f.retention, "share"),
            (f"{base}.attrition", f.attrition, "loss"),
        )
        fte = (f"{base}.fte_per_head", f.fte_per_head)
        if f.org_csv is not None:
            for y in range(years):
                unit = np.zeros(years)
                unit[y] = 1.0
                out.append(StreamSpec(f"{f.name} (year {y + 1})", i, f, unit, common, fte, y))
        elif any(is_distribution(x) for x in f.per_year):
            last = len(f.per_year) - 1
            for j, value in enumerate(f.per_year):
                unit = np.zeros(years)
                if j < last:
                    unit[j : j + 1] = 1.0
                else:
                    unit[j:] = 1.0
                count = ((f"{base}.per_year[{j}]", value, "scale"),)
                out.append(StreamSpec(f"{f.name} (year {j + 1})", i, f, unit, count + common, fte))
        else:
            counts = _expand([central(x) for x in f.per_year], years)
            out.append(StreamSpec(f.name, i, f, counts, common, fte))
    for i, pl in enumerate(cfg.pipeline):
        base = f"{PREFIX}.pipeline[{i}]"
        joining = Inflow(
            name=pl.name,
            kind="trainees",
            per_year=[0.0],
            delay_months=pl.delay_months,
            completion_month=pl.completion_month,
            joining_profile=pl.joining_profile,
            destinations=pl.destinations,
            band=pl.band,
            fte_per_head=pl.fte_per_head,
            allocation=pl.allocation,
        )
        for j, row in enumerate(pl.in_training):
            unit = np.zeros(years)
            done = pl.programme_years - row.year  # forecast year index of completion
            if done < years:
                unit[done] = 1.0
            completion = (
                (f"{base}.in_training[{j}].completion", row.completion, "share")
                if row.completion is not None
                else (f"{base}.completion", pl.completion, "share")
            )
            factors = (
                (f"{base}.in_training[{j}].count", row.count, "scale"),
                completion,
                (f"{base}.retention", pl.retention, "share"),
            )
            name = f"{pl.name} (training year {row.year})"
            out.append(
                StreamSpec(
                    name, -1, joining, unit, factors, (f"{base}.fte_per_head", pl.fte_per_head)
                )
            )
    return out


def _org_shares(frame: pd.DataFrame, orgs: tuple[str, ...], year: int) -> tuple[float, Array]:
    """(total, each organisation's share) of the joiners in forecast year ``year`` (0-based)."""
    rows = frame[frame["year"] == year + 1]
    by_org = rows.groupby("org")["count"].sum()
    counts = np.asarray([float(by_org.get(o, 0.0)) for o in orgs])
    total = float(counts.sum())
    return total, (counts / total if total > 0 else counts)


def compile_inputs(
    cfg: CohortConfig,
    stocks: pd.DataFrame,
    tax: Taxonomy | None = None,
    org_inflows: Mapping[int, pd.DataFrame] | None = None,
) -> EngineInputs:
    """Engine inputs from the config and the starting stocks (columns org,class,band,headcount,fte);
    ``org_inflows`` holds the ``org,year,count`` rows of inflows given per organisation."""
    tax = tax or load_taxonomy()
    classes = tuple(c.code for c in cfg.classes)
    bands = tuple(b.label for b in cfg.bands)
    orgs = tuple(sorted(stocks["org"].astype(str).unique()))
    o_ix = {o: i for i, o in enumerate(orgs)}
    k_ix = {k: i for i, k in enumerate(classes)}
    a_ix = {a: i for i, a in enumerate(bands)}
    shape = (len(orgs), len(classes), len(bands))
    hc = np.zeros(shape)
    fte = np.zeros(shape)
    # every row added in order (np.add.at is unbuffered), as a loop over the rows would
    idx = tuple(
        _codes(stocks[col], ix) for col, ix in (("org", o_ix), ("class", k_ix), ("band", a_ix))
    )
    np.add.at(hc, idx, stocks["headcount"].to_numpy(dtype=np.float64))
    np.add.at(fte, idx, stocks["fte"].to_numpy(dtype=np.float64))
    gp_mask = np.array([is_gp_class(c.role, tax) for c in cfg.classes])
    spy, n_t = cfg.steps_per_year, cfg.n_steps
    streams = []
    for spec in stream_specs(cfg):
        f = spec.joining
        alloc = None
        counts = spec.counts
        if spec.org_year is not None:
            frame = (org_inflows or {}).get(spec.source)
            if frame is None:
                raise ValueError(f"inflow {f.name!r} is given per organisation: pass its rows")
            total, alloc = _org_shares(frame, orgs, spec.org_year)
            counts = counts * total
        completions = completion_schedule(f, cfg.start, spy, n_t, counts)
        joined = np.convolve(completions, joining_weights(f, spy, n_t))[:n_t]
        if alloc is None:
            alloc = _allocation(f, fte, gp_mask)
        schedule = joined[:, None] * alloc[None, :]
        share = np.zeros((len(classes), len(bands)))
        for d in f.destinations:
            share[k_ix[d.class_code], a_ix[f.band]] += d.share
        streams.append(InflowStream(spec.name, schedule, share, factors=(joined, alloc)))
    return EngineInputs(
        orgs=orgs,
        classes=classes,
        bands=bands,
        headcount=hc,
        fte=fte,
        steps_per_year=spy,
        n_steps=n_t,
        inflows=tuple(streams),
    )


class _Values:
    """Field path -> value per draw: the given draws or the central value."""

    def __init__(self, values: Mapping[str, Any] | None):
        self.values = {
            k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in (values or {}).items()
        }
        lengths = {len(v) for v in self.values.values()}
        if len(lengths) > 1:
            raise ValueError(f"every parameter needs the same number of draws, got {lengths}")
        self.draws = lengths.pop() if lengths else 1

    def get(self, path: str, value: Any) -> Array:
        if path in self.values:
            return self.values[path]
        return np.full(self.draws, central(value))


def annual_probability(rate: Array, kind: str, steps_per_year: int) -> Array:
    """A leaving or moving rate as the probability of it happening within a year, clipped to
    [0, 1]: ``1 - exp(-rate)`` for a continuous rate, ``1 - (1 - f) ** steps_per_year`` for a
    share ``f`` a step."""
    r = np.clip(np.asarray(rate, dtype=np.float64), 0.0, None)
    if kind == "continuous":
        return 1.0 - np.exp(-r)
    if kind == "per_step":
        return 1.0 - (1.0 - np.clip(r, 0.0, 1.0)) ** steps_per_year
    return np.clip(r, 0.0, 1.0)


def continuous_rate(rate: Array, kind: str, steps_per_year: int) -> Array:
    """A leaving or moving rate as a continuous rate a year (flow = stock x rate):
    ``-ln(1 - p)`` for an annual probability, ``f x steps_per_year`` for a share a step."""
    r = np.clip(np.asarray(rate, dtype=np.float64), 0.0, None)
    if kind == "annual_probability":
        with np.errstate(divide="ignore"):
            return -np.log1p(-np.clip(r, 0.0, 1.0))
    if kind == "per_step":
        return r * steps_per_year
    return r


def annual_change(change: Array, kind: str, steps_per_year: int) -> Array:
    """A participation change as a proportional change a year (> -99%)."""
    c = np.asarray(change, dtype=np.float64)
    if kind == "continuous":
        out = np.expm1(c)
    elif kind == "per_step":
        out = (1.0 + np.clip(c, -0.99, None)) ** steps_per_year - 1.0
    else:
        out = c
    return np.clip(out, -0.99, None)


def continuous_change(change: Array, kind: str, steps_per_year: int) -> Array:
    """A participation change as a continuous rate a year (flow = FTE x rate)."""
    c = np.asarray(change, dtype=np.float64)
    if kind == "annual_change":
        return np.log1p(np.clip(c, -0.99, None))
    if kind == "per_step":
        return c * steps_per_year
    return c


def varies_by_year(cfg: CohortConfig) -> bool:
    """Whether any leaving, transition or participation rule applies in some years only."""
    rules = [*cfg.leaving, *cfg.transitions, *cfg.participation]
    return any(r.years is not None for r in rules)


def _band_widths(cfg: CohortConfig, v: _Values) -> Array:
    """Years in each age band, ``[A]`` (``inf`` for the last), or ``[D, A]`` when a width is
    uncertain; a drawn width below one step is clipped to one step (the engine's least)."""
    widths = []
    for i, b in enumerate(cfg.bands[:-1]):
        path = f"{PREFIX}.bands[{i}].width_years"
        widths.append(np.inf if b.width_years is None else v.get(path, b.width_years))
    if not any(f"{PREFIX}.bands[{i}].width_years" in v.values for i in range(len(cfg.bands))):
        return np.array([float(np.ravel(w)[0]) for w in widths] + [np.inf], dtype=np.float64)
    out = np.full((v.draws, len(cfg.bands)), np.inf)
    for i, w in enumerate(widths):
        out[:, i] = np.clip(w, 1.0 / cfg.steps_per_year, None)
    return out


def _same(a: EngineParams, b: EngineParams) -> bool:
    names = ("leave_rate", "transition_rate", "participation_rate")
    return all(np.array_equal(getattr(a, n), getattr(b, n)) for n in names)


def build_assumptions(
    cfg: CohortConfig, values: Mapping[str, Any] | None = None, year: int | None = None
) -> Assumptions:
    """Per-draw parameters (``D = 1`` with central values when ``values`` is None).

    ``year`` (1 = the first forecast year) keeps only the rules that apply that year. Without it,
    a scenario whose rules apply in some years only gets year 1's parameters with
    ``EngineParams.changes`` at the first step of every later year whose rates differ.
    """
    if year is None and varies_by_year(cfg):
        by_year = [build_assumptions(cfg, values, y) for y in range(1, cfg.years + 1)]
        changes, current = [], by_year[0].engine
        for y, a in enumerate(by_year[1:], start=2):
            if not _same(a.engine, current):
                changes.append(((y - 1) * cfg.steps_per_year, a.engine))
                current = a.engine
        first = by_year[0]
        return replace(first, engine=replace(first.engine, changes=tuple(changes)))

    def applies(rule: Any) -> bool:
        return year is None or rule.years is None or year in rule.years

    v = _Values(values)
    D, K, A = v.draws, len(cfg.classes), len(cfg.bands)
    k_ix = {c.code: i for i, c in enumerate(cfg.classes)}
    a_ix = {b.label: i for i, b in enumerate(cfg.bands)}

    def mask(classes: list[str], bands: list[str] | None = None) -> Array:
        m = np.zeros((K, A))
        ks = range(K) if ALL in classes else [k_ix[c] for c in classes]
        as_ = range(A) if bands is None or ALL in bands else [a_ix[b] for b in bands]
        for k in ks:
            m[k, list(as_)] = 1.0
        return m

    sd = cfg.integration == "system-dynamics"
    spy = cfg.steps_per_year
    # sequential: annual probabilities combined as independent hazards; system-dynamics:
    # continuous rates a year, which add (docs/model.md, "Rates and integration")
    keep = np.ones((D, K, A))
    lam = np.zeros((D, K, A))
    for i, rule in enumerate(cfg.leaving):
        if not applies(rule):
            continue
        r = v.get(f"{PREFIX}.leaving[{i}].annual_rate", rule.annual_rate)
        m = mask(rule.classes, rule.bands)
        if sd:
            lam += continuous_rate(r, rule.rate_kind, spy)[:, None, None] * m
        else:
            keep *= 1.0 - annual_probability(r, rule.rate_kind, spy)[:, None, None] * m
    trans = np.zeros((D, K, K))
    for i, tr in enumerate(cfg.transitions):
        if not applies(tr):
            continue
        r = v.get(f"{PREFIX}.transitions[{i}].annual_rate", tr.annual_rate)
        conv = continuous_rate if sd else annual_probability
        trans[:, k_ix[tr.from_class], k_ix[tr.to_class]] += conv(r, tr.rate_kind, spy)
    if not sd:
        row = trans.sum(axis=2, keepdims=True)
        trans = np.where(row > 1.0, trans / np.where(row > 0, row, 1.0), trans)
    part = np.ones((D, K, A))  # by class and age band (the engine's [D, K, A] form)
    pi = np.zeros((D, K, A))
    for i, p in enumerate(cfg.participation):
        if not applies(p):
            continue
        ch = v.get(f"{PREFIX}.participation[{i}].annual_change", p.annual_change)
        m = mask(p.classes, p.bands)[None]
        if sd:
            pi += continuous_change(ch, p.change_kind, spy)[:, None, None] * m
        else:
            part *= 1.0 + annual_change(ch, p.change_kind, spy)[:, None, None] * m
    specs = stream_specs(cfg)
    mult = np.ones((D, len(specs)))
    fph = np.ones((D, len(specs)))
    for s, spec in enumerate(specs):
        for path, value, kind in spec.factors:  # draws outside the range are clipped to it
            x = np.clip(v.get(path, value), 0.0, None if kind == "scale" else 1.0)
            mult[:, s] *= 1.0 - x if kind == "loss" else x
        fph[:, s] = np.clip(v.get(*spec.fte), 0.0, None)
    gp_eq = np.stack(
        [
            v.get(f"{PREFIX}.classes[{k}].gp_equivalent", c.gp_equivalent)
            for k, c in enumerate(cfg.classes)
        ],
        axis=1,
    )
    sup = np.stack(
        [
            v.get(f"{PREFIX}.classes[{k}].supervision_gp_fte", c.supervision_gp_fte)
            for k, c in enumerate(cfg.classes)
        ],
        axis=1,
    )
    engine = EngineParams(
        leave_rate=lam if sd else 1.0 - keep,
        transition_rate=trans,
        band_width_years=_band_widths(cfg, v),
        participation_rate=pi if sd else part - 1.0,
        inflow_multiplier=mult,
        inflow_fte_per_head=fph,
        scheme="euler" if sd else "sequential",
    )
    return Assumptions(
        engine=engine, gp_equivalent=gp_eq, supervision=np.clip(sup, 0.0, None), draws=D
    )
