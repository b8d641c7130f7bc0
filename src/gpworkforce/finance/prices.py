"""Cost per WTE by role (explicit lines), cash and real price factors by year. Pure, vectorised.

Every function takes a :class:`Values` (the draws of the cost model's uncertain fields, run 0 the
central case) and returns arrays with a leading draws axis ``D``.

* pay = ``pay`` or ``sessions_per_wte x pay_per_session``; an on-cost line is
  ``rate x max(pay - threshold, 0)`` or ``amount``; full cost = pay + on-costs.
* a locum costs its ``based_on`` role's full cost plus a premium
  (``premium_per_session x sessions_per_wte`` of that role, or ``premium_rate x full cost``), and an
  agency locum an agency fee of ``agency_fee_rate x`` (full cost + premium).
* cash factor of financial year ``y`` = product of ``1 + uplift`` over the years after the base up
  to ``y``; real factor = cash factor x deflator(base) / deflator(y).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.finance.model import CostModel, Role, fy_label, fy_start
from gpworkforce.forecast.distributions import central, is_distribution

Array = NDArray[np.float64]
PREFIX = "finance"


def fy_of(date: dt.date) -> int:
    """First calendar year of the financial year (April-March) holding ``date``."""
    return date.year if date.month >= 4 else date.year - 1


def uncertain(model: BaseModel, prefix: str = PREFIX) -> dict[str, Any]:
    """Every distribution in the cost model by field path (``finance.roles[0].pay``)."""
    out: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if is_distribution(value):
            out[path] = value
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")
        elif isinstance(value, dict):
            for k, item in value.items():
                walk(item, f"{path}[{k}]")

    walk(model, prefix)
    return out


@dataclass(frozen=True)
class Values:
    """Draws of the uncertain fields: ``values[path]`` is ``[D]``; others take their centre."""

    draws: int  # D, including run 0
    values: Mapping[str, Array]

    def get(self, path: str, value: Any) -> Array:
        if path in self.values:
            return np.asarray(self.values[path], dtype=np.float64)
        return np.full(self.draws, central(value), dtype=np.float64)


@dataclass(frozen=True)
class RoleCost:
    """Cost of one WTE a year at base-year prices, line by line (each ``[D]``)."""

    key: str
    label: str
    payer: str
    lines: tuple[tuple[str, Array], ...]

    @property
    def total(self) -> Array:
        return np.sum([a for _, a in self.lines], axis=0)


def _pay(model: CostModel, i: int, role: Role, v: Values) -> tuple[Array, float | None]:
    p = f"{PREFIX}.roles[{i}]"
    if role.pay is not None:
        return v.get(f"{p}.pay", role.pay), role.sessions_per_wte
    assert role.pay_per_session is not None and role.sessions_per_wte is not None
    return role.sessions_per_wte * v.get(f"{p}.pay_per_session", role.pay_per_session), (
        role.sessions_per_wte
    )


def _substantive(model: CostModel, i: int, role: Role, v: Values) -> list[tuple[str, Array]]:
    pay, _ = _pay(model, i, role, v)
    lines = [("Pay" if role.contract != "partner" else "Drawings", pay)]
    for j, oc in enumerate(role.on_costs):
        p = f"{PREFIX}.roles[{i}].on_costs[{j}]"
        if oc.rate is not None:
            amount = v.get(f"{p}.rate", oc.rate) * np.clip(pay - oc.threshold, 0.0, None)
        else:
            amount = v.get(f"{p}.amount", oc.amount)
        lines.append((oc.name, amount))
    return lines


def role_costs(model: CostModel, v: Values) -> dict[str, RoleCost]:
    """Every role's cost per WTE a year at base-year prices, by line."""
    index = {r.key: i for i, r in enumerate(model.roles)}
    out: dict[str, RoleCost] = {}
    for i, role in enumerate(model.roles):
        if role.contract == "locum":
            continue
        out[role.key] = RoleCost(
            role.key, role.label, role.payer, tuple(_substantive(model, i, role, v))
        )
    for i, role in enumerate(model.roles):
        if role.contract != "locum":
            continue
        assert role.based_on is not None
        base = out[role.based_on]
        b_role = model.roles[index[role.based_on]]
        p = f"{PREFIX}.roles[{i}]"
        lines = list(base.lines)
        if role.premium_per_session is not None:
            sessions = b_role.sessions_per_wte
            if sessions is None:
                raise ValidationFailed(
                    issues=[
                        Issue(
                            Location(field=f"roles[{i}].premium_per_session"),
                            f"go with a based_on role that has sessions_per_wte ({role.based_on})",
                            "no sessions_per_wte",
                        )
                    ],
                    summary="cost model is invalid",
                )
            premium = sessions * v.get(f"{p}.premium_per_session", role.premium_per_session)
        elif role.premium_rate is not None:
            premium = base.total * v.get(f"{p}.premium_rate", role.premium_rate)
        else:
            premium = np.zeros(v.draws)
        lines.append(("Locum premium", premium))
        if role.agency_fee_rate is not None:
            fee = (base.total + premium) * v.get(f"{p}.agency_fee_rate", role.agency_fee_rate)
            lines.append(("Agency fee", fee))
        out[role.key] = RoleCost(role.key, role.label, role.payer, tuple(lines))
    return {r.key: out[r.key] for r in model.roles}


def _missing(field: str, year: int, why: str) -> ValidationFailed:
    return ValidationFailed(
        issues=[Issue(Location(field=field), why, f"no value for {fy_label(year)}")],
        summary="cost model does not cover the run's years",
    )


def price_factors(model: CostModel, years: Sequence[int], v: Values) -> tuple[Array, Array]:
    """Cash and real factors ``[D, Y]`` for financial years ``years`` (first calendar years).

    Raises :class:`ValidationFailed` naming the field and year when an uplift or deflator value a
    year needs is missing."""
    pr = model.prices
    base = fy_start(pr.base_year)
    last = max([base, *years])
    first = min([base, *years])
    cash = {base: np.ones(v.draws)}
    for y in range(base + 1, last + 1):
        label = fy_label(y)
        if label in pr.pay_uplift:
            rate = v.get(f"{PREFIX}.prices.pay_uplift[{label}]", pr.pay_uplift[label])
        elif pr.pay_uplift_default is not None:
            rate = v.get(f"{PREFIX}.prices.pay_uplift_default", pr.pay_uplift_default)
        else:
            raise _missing("prices.pay_uplift", y, "give the uplift of every year of the run")
        cash[y] = cash[y - 1] * (1.0 + rate)
    for y in range(base - 1, first - 1, -1):  # years before the base: deflate by the uplift
        label = fy_label(y + 1)
        if label in pr.pay_uplift:
            rate = v.get(f"{PREFIX}.prices.pay_uplift[{label}]", pr.pay_uplift[label])
        elif pr.pay_uplift_default is not None:
            rate = v.get(f"{PREFIX}.prices.pay_uplift_default", pr.pay_uplift_default)
        else:
            raise _missing("prices.pay_uplift", y + 1, "give the uplift of every year of the run")
        cash[y] = cash[y + 1] / (1.0 + rate)
    defl = _deflator(model, first, last)
    cash_f = np.stack([cash[y] for y in years], axis=1)
    real_f = cash_f * np.array([defl[base] / defl[y] for y in years])[None, :]
    return cash_f, real_f


def _deflator(model: CostModel, first: int, last: int) -> dict[int, float]:
    pr = model.prices
    given = {fy_start(k): float(x) for k, x in pr.deflator.items()}
    if not given:
        if pr.inflation_default is None:
            _no_deflator()
        given = {fy_start(pr.base_year): 1.0}
    out = dict(given)
    anchor = min(given)
    for y in range(anchor + 1, last + 1):
        if y not in out:
            if pr.inflation_default is None:
                raise _missing("prices.deflator", y, "give the deflator of every year of the run")
            out[y] = out[y - 1] * (1.0 + pr.inflation_default)
    for y in range(anchor - 1, first - 1, -1):
        if pr.inflation_default is None:
            raise _missing("prices.deflator", y, "give the deflator of every year of the run")
        out[y] = out[y + 1] / (1.0 + pr.inflation_default)
    return out


def _no_deflator() -> None:
    raise ValidationFailed(
        issues=[
            Issue(
                Location(field="prices.deflator"),
                "be given (or prices.inflation_default) to state costs in real terms",
                "neither",
            )
        ],
        summary="cost model is invalid",
    )
