"""Costed runs: the cost of a workforce trajectory by year, staff group and payer. Pure.

Input is a :class:`Workforce` (WTE per draw, year and staff group, and the gap to target; built
from a forecast run by :mod:`gpworkforce.finance.runs`). For draw ``d``, year ``y`` and group ``g``
priced by role mix ``{r: s}`` (shares summing to 1)::

    workforce[d, y, g, payer] = sum_r  wte[d, y, g] x s_r x per_wte[d, y, r, payer]
    per_wte[d, y, r, payer]   = full cost of r at base prices x cash factor[d, y], split by payer:
                                a scheme pays min(share x cost, cap[y]) per WTE, the role's payer
                                the rest (schemes apply in order, each to what is left)
    gap_substantive[d, y]     = gap[d, y] x per_wte[substantive role]        (gap >= 0)
    gap_locum[d, y]           = gap[d, y] x per_wte[locum role]
    locum_extra[d, y]         = gap_locum - gap_substantive
    conversion_saving[d, y]   = locum_wte[d, y] x share x (per_wte[locum] - per_wte[to_role])
    vacancies[d, y]           = (reported + unreported vacant WTE) x per_wte[role]  (held flat)

Real terms divide by the deflator (``prices.price_factors``). Rows are returned per (measure,
group, payer, terms) with one value per draw; :func:`summarise` gives the central case (draw 0)
and P10/P50/P90 over draws 1..N. Totals are summed per draw before taking percentiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.finance.model import CostModel, fy_label
from gpworkforce.finance.prices import PREFIX, RoleCost, Values, fy_of, price_factors, role_costs

Array = NDArray[np.float64]
ALL = "All"
MEASURES = {
    "workforce": "Cost of the workforce",
    "gap_substantive": "Cost of the gap to target, filled by substantive staff",
    "gap_locum": "Cost of the gap to target, filled by locums",
    "gap_locum_extra": "Extra cost of filling the gap with locums instead of substantive staff",
    "locum_conversion_saving": "Saving from converting locum sessions to salaried",
    "vacancies": "Cost of filling vacant posts (reported and unreported)",
    "locum_spend": "Locum and agency spend (locum WTE at their cost)",
}


@dataclass(frozen=True)
class Workforce:
    """What a forecast run gives the costing: WTE ``[D, Y, G]`` and the gap ``[D, Y]``."""

    scenario: str
    dates: tuple[dt.date, ...]
    groups: tuple[str, ...]
    wte: Array
    gap: Array | None = None
    gap_label: str = "Gap to target"

    def __post_init__(self) -> None:
        if self.wte.shape[1:] != (len(self.dates), len(self.groups)):
            raise ValueError("wte must be [draws, dates, groups]")
        if self.gap is not None and self.gap.shape != self.wte.shape[:2]:
            raise ValueError("gap must be [draws, dates]")

    @property
    def draws(self) -> int:
        return int(self.wte.shape[0])


@dataclass(frozen=True)
class CostRows:
    """Costs per draw: ``keys[i] = (measure, group, payer, terms)``, ``values[i]`` is ``[D, Y]``."""

    dates: tuple[dt.date, ...]
    keys: tuple[tuple[str, str, str, str], ...]
    values: Array  # [rows, D, Y]
    role_costs: Mapping[str, RoleCost]
    base_year: str

    def get(self, measure: str, group: str = ALL, payer: str = ALL, terms: str = "cash") -> Array:
        return self.values[self.keys.index((measure, group, payer, terms))]


def _payer_split(
    model: CostModel, costs: Mapping[str, RoleCost], years: list[int], cash: Array, v: Values
) -> dict[str, dict[str, Array]]:
    """Per role: payer -> cost per WTE ``[D, Y]`` in cash terms, after reimbursement schemes."""
    out: dict[str, dict[str, Array]] = {}
    for key, rc in costs.items():
        remaining = rc.total[:, None] * cash
        split: dict[str, Array] = {}
        for i, s in enumerate(model.schemes):
            if key not in s.roles:
                continue
            share = v.get(f"{PREFIX}.schemes[{i}].share", s.share)[:, None]
            cap = np.array([s.caps.get(fy_label(y), 0.0) for y in years])[None, :]
            paid = np.minimum(share * remaining, cap)
            split[s.payer] = split.get(s.payer, 0.0) + paid
            remaining = remaining - paid
        split[rc.payer] = split.get(rc.payer, 0.0) + remaining
        out[key] = split
    return out


def _check_groups(model: CostModel, wf: Workforce) -> None:
    missing = [g for g in wf.groups if g not in model.groups]
    if missing:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(field="groups"),
                    f"price every staff group of the run ({', '.join(wf.groups)})",
                    f"no entry for {', '.join(missing)}",
                )
            ],
            summary="cost model does not fit the run",
        )


def cost_run(model: CostModel, wf: Workforce, values: Mapping[str, Any] | None = None) -> CostRows:
    """Cost a workforce trajectory. ``values`` maps cost-model field paths to ``[D]`` draws."""
    _check_groups(model, wf)
    D = wf.draws
    v = Values(D, {k: np.asarray(a, dtype=np.float64) for k, a in (values or {}).items()})
    costs = role_costs(model, v)
    years = [fy_of(d) for d in wf.dates]
    cash, real = price_factors(model, years, v)
    per_wte = _payer_split(model, costs, years, cash, v)
    rows: dict[tuple[str, str, str], Array] = {}

    def add(measure: str, group: str, payer: str, arr: Array) -> None:
        key = (measure, group, payer)
        rows[key] = rows.get(key, 0.0) + arr

    for gi, group in enumerate(wf.groups):
        for part in model.groups[group]:
            for payer, cost in per_wte[part.role].items():
                add("workforce", group, payer, wf.wte[:, :, gi] * part.share * cost)
    gap = None if wf.gap is None else np.clip(wf.gap, 0.0, None)
    sub = model.gap.substantive_role
    total = {k: sum(split.values()) for k, split in per_wte.items()}
    if gap is not None:
        for payer, cost in per_wte[sub].items():
            add("gap_substantive", wf.gap_label, payer, gap * cost)
        if model.gap.locum_role is not None:
            for payer, cost in per_wte[model.gap.locum_role].items():
                add("gap_locum", wf.gap_label, payer, gap * cost)
            extra = gap * (total[model.gap.locum_role] - total[sub])
            add("gap_locum_extra", wf.gap_label, costs[model.gap.locum_role].payer, extra)
    lc = model.locum_conversion
    if lc is not None:
        locum = _locum_wte(model, wf, lc.locum_role, v)
        share = v.get(f"{PREFIX}.locum_conversion.share", lc.share)[:, None]
        saving = locum * share * (total[lc.locum_role] - total[lc.to_role])
        add(
            "locum_conversion_saving",
            costs[lc.locum_role].label,
            costs[lc.locum_role].payer,
            saving,
        )
    vac = model.vacancies
    if vac is not None:
        wte = v.get(f"{PREFIX}.vacancies.reported_wte", vac.reported_wte) + v.get(
            f"{PREFIX}.vacancies.unreported_wte", vac.unreported_wte
        )
        for payer, cost in per_wte[vac.role].items():
            add("vacancies", costs[vac.role].label, payer, wte[:, None] * cost)
    for key, wte in _locum_roles(model, wf, v).items():
        for payer, cost in per_wte[key].items():
            add("locum_spend", costs[key].label, payer, wte * cost)
    keys: list[tuple[str, str, str, str]] = []
    arrays: list[Array] = []
    for measure in MEASURES:
        parts = [(k, a) for k, a in rows.items() if k[0] == measure]
        if not parts:
            continue
        total_arr = np.sum([np.broadcast_to(a, (D, len(years))) for _, a in parts], axis=0)
        for (m, g, p), a in [*parts, ((measure, ALL, ALL), total_arr)]:
            a = np.broadcast_to(a, (D, len(years)))
            keys += [(m, g, p, "cash"), (m, g, p, "real")]
            arrays += [a, a / cash * real]
    return CostRows(wf.dates, tuple(keys), np.stack(arrays), costs, model.prices.base_year)


def _locum_wte(model: CostModel, wf: Workforce, role: str, v: Values) -> Array:
    """Locum WTE ``[D, Y]``: from the run's groups priced (partly) as ``role``, else the model's."""
    out = np.zeros(wf.wte.shape[:2])
    found = False
    for gi, group in enumerate(wf.groups):
        for part in model.groups[group]:
            if part.role == role:
                out = out + wf.wte[:, :, gi] * part.share
                found = True
    lc = model.locum_conversion
    if not found and lc is not None and lc.locum_wte is not None:
        out = out + v.get(f"{PREFIX}.locum_conversion.locum_wte", lc.locum_wte)[:, None]
    return out


def _locum_roles(model: CostModel, wf: Workforce, v: Values) -> dict[str, Array]:
    """WTE ``[D, Y]`` of every locum role (bank, agency, self-employed) the run's groups are
    priced with; without one, the locum conversion's ``locum_wte`` (held flat) as its locum
    role. What the plan expects to spend on locums and agency staff."""
    out: dict[str, Array] = {}
    for role in model.roles:
        if role.contract != "locum":
            continue
        wte = np.zeros(wf.wte.shape[:2])
        found = False
        for gi, group in enumerate(wf.groups):
            for part in model.groups[group]:
                if part.role == role.key:
                    wte = wte + wf.wte[:, :, gi] * part.share
                    found = True
        if found:
            out[role.key] = wte
    lc = model.locum_conversion
    if not out and lc is not None and lc.locum_wte is not None:
        out[lc.locum_role] = _locum_wte(model, wf, lc.locum_role, v)
    return out


def quantile_columns(runs: Array) -> dict[str, Array]:
    """``central`` (run 0) and, with draws, P10/P50/P90 over runs 1..N of ``[..., runs, Y]``
    flattened to rows in C order."""
    out = {"central": runs[..., 0, :].reshape(-1)}
    if runs.shape[-2] > 1:
        # draws on the last, contiguous axis: numpy partitions it several times faster
        draws = np.ascontiguousarray(np.swapaxes(runs[..., 1:, :], -1, -2))
        q = np.quantile(draws, [0.1, 0.5, 0.9], axis=-1)
        out |= {"p10": q[0].reshape(-1), "p50": q[1].reshape(-1), "p90": q[2].reshape(-1)}
    return out


def summarise(rows: CostRows, scenario: str) -> pd.DataFrame:
    """Long table: one row per measure, group, payer, terms and financial year (years inner)."""
    K, D, Y = rows.values.shape
    real = f"real ({rows.base_year} prices)"
    keys = np.array(
        [(MEASURES[m], g, p, "cash" if t == "cash" else real) for m, g, p, t in rows.keys],
        dtype=object,
    ).reshape(K, 4)
    columns: dict[str, Any] = {
        "scenario": scenario,
        "date": np.tile(np.array(rows.dates, dtype=object), K),
        "financial_year": np.tile(
            np.array([fy_label(fy_of(d)) for d in rows.dates], dtype=object), K
        ),
        "measure": np.repeat(keys[:, 0], Y),
        "group": np.repeat(keys[:, 1], Y),
        "payer": np.repeat(keys[:, 2], Y),
        "terms": np.repeat(keys[:, 3], Y),
        **quantile_columns(rows.values),
    }
    if D > 1:
        columns["draws"] = D - 1
    return pd.DataFrame(columns)


def role_cost_table(rows: CostRows) -> pd.DataFrame:
    """Cost per WTE a year at base-year prices, line by line, central case."""
    records = []
    for rc in rows.role_costs.values():
        for name, arr in rc.lines:
            records.append({"role": rc.label, "line": name, "gbp_a_year": float(arr[0])})
        records.append({"role": rc.label, "line": "Total", "gbp_a_year": float(rc.total[0])})
    return pd.DataFrame.from_records(records)
