"""A slow, scalar re-statement of the costing equations (docs/finance.md), for tests only.

Written from the documented equations, not from ``gpworkforce.finance``: one role, one year at a
time, plain Python floats, the scheme split written as "reimbursed = min(share x cost, cap)".
"""

from __future__ import annotations


def cost_per_wte(pay: float, rates: list[tuple[float, float]], amounts: list[float]) -> float:
    """Pay + sum of rate x max(pay - threshold, 0) + sum of amounts (base-year prices)."""
    total = pay
    for rate, threshold in rates:
        total += rate * max(pay - threshold, 0.0)
    for amount in amounts:
        total += amount
    return total


def cash_factor(uplifts: list[float], year_index: int) -> float:
    """Product of (1 + uplift) over the first ``year_index`` years after the base."""
    f = 1.0
    for u in uplifts[:year_index]:
        f *= 1.0 + u
    return f


def payer_split(cost: float, share: float, cap: float | None) -> tuple[float, float]:
    """(reimbursed by the scheme, left to the employer) for one WTE; no cap = no scheme."""
    if cap is None:
        return 0.0, cost
    paid = min(share * cost, cap)
    return paid, cost - paid
