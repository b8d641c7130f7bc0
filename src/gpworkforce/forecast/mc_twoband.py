"""The two-age-band GP supply model, vectorised over draws and practices (Euler, fixed step).

Stocks per practice: qualified GP FTE aged under 55 (``U``) and 55 and over (``O``). Rates are
annual; the time step ``dt`` is in months (1 = monthly), so a rate ``x`` moves ``x * dt / 12`` of a
stock per step. Flows, all evaluated on the stocks at the start of the step (explicit Euler, the
same convention as Vensim and PySD)::

    joining        = trainees_p * retention * joiner_participation / 12   (FTE per month)
    ageing         = ageing_rate       * U / 12     (U -> O, crossing 55)
    early_leaving  = early_leaving_rate * U / 12    (U -> out)
    retiring       = retirement_rate   * O / 12     (O -> out)
    reduction_U    = session_reduction * U / 12     (FTE lost to fewer sessions)
    reduction_O    = session_reduction * O / 12

    U(t + dt) = U + dt * (joining - ageing - early_leaving - reduction_U)
    O(t + dt) = O + dt * (ageing - retiring - reduction_O)

The same model is written in Vensim in ``benchmarks/gp_two_band.mdl``; the equivalence is tested
with PySD. Parameters are scalars or arrays with a leading draws axis (``(draws, 1)``), so one call
steps every draw and practice at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np

MONTHS_PER_YEAR = 12.0
PARAMETERS: tuple[str, ...] = (
    "retention",
    "joiner_participation",
    "ageing_rate",
    "early_leaving_rate",
    "retirement_rate",
    "session_reduction",
)


@dataclass(frozen=True)
class TwoBandRates:
    """Annual rates (scalars, or arrays shaped ``(draws, 1)`` to broadcast over practices)."""

    retention: float | np.ndarray
    joiner_participation: float | np.ndarray
    ageing_rate: float | np.ndarray
    early_leaving_rate: float | np.ndarray
    retirement_rate: float | np.ndarray
    session_reduction: float | np.ndarray

    @classmethod
    def from_columns(cls, values: np.ndarray, names: Sequence[str]) -> TwoBandRates:
        """From a (draws, parameters) table whose columns are named by ``names``."""
        col = {n: values[:, i : i + 1] for i, n in enumerate(names)}
        return cls(**{f.name: col[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class TwoBandPath:
    """Stocks at every saved time: arrays (steps + 1, ..., practices)."""

    under55: np.ndarray
    over55: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.under55 + self.over55


def transition(rates: TwoBandRates, dt: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The Euler step as a linear map: ``[U, O](t + dt) = M @ [U, O](t) + [j * trainees, 0]``.

    Returns ``M`` shaped (..., 2, 2) (leading axes = the rates' draws axes) and ``j``, the FTE that
    one qualifying trainee a year adds per step. Expanding ``M`` gives exactly the flow equations
    of the module docstring.
    """
    k = dt / MONTHS_PER_YEAR
    shape = np.broadcast_shapes(*(np.shape(getattr(rates, f.name)) for f in fields(rates)))
    lead = shape[:-1] if shape else ()

    def col(name: str) -> np.ndarray:
        v = np.broadcast_to(np.asarray(getattr(rates, name), dtype=np.float64), shape)
        return v[..., 0] if shape else v

    a, e = col("ageing_rate"), col("early_leaving_rate")
    q, s = col("retirement_rate"), col("session_reduction")
    m = np.zeros((*lead, 2, 2))
    m[..., 0, 0] = 1.0 - k * (a + e + s)
    m[..., 1, 0] = k * a
    m[..., 1, 1] = 1.0 - k * (q + s)
    j = k * col("retention") * col("joiner_participation")
    return m, j


def simulate(
    under55: np.ndarray,
    over55: np.ndarray,
    trainees: np.ndarray,
    rates: TwoBandRates,
    steps: int,
    dt: float = 1.0,
) -> TwoBandPath:
    """Deterministic run keeping every step (scalar rates): one 2x2-by-practices product a step."""
    m, j = transition(rates, dt)
    n = len(trainees)
    out = np.empty((steps + 1, 2, n))
    out[0, 0], out[0, 1] = under55, over55
    inflow = j * np.asarray(trainees, dtype=np.float64)
    for t in range(1, steps + 1):
        np.matmul(m, out[t - 1], out=out[t])
        out[t, 0] += inflow
    return TwoBandPath(out[:, 0], out[:, 1])


def simulate_reference(
    under55: np.ndarray,
    over55: np.ndarray,
    trainees: np.ndarray,
    rates: TwoBandRates,
    steps: int,
    dt: float = 1.0,
) -> TwoBandPath:
    """Slow, obviously correct run: each flow by name, then ``stock + dt * net_flow`` (as PySD)."""
    shape = np.broadcast_shapes(
        np.shape(under55),
        np.shape(trainees),
        *(np.shape(getattr(rates, f.name)) for f in fields(rates)),
    )
    u = np.broadcast_to(np.asarray(under55, dtype=np.float64), shape)
    o = np.broadcast_to(np.asarray(over55, dtype=np.float64), shape)
    out_u = np.empty((steps + 1, *shape))
    out_o = np.empty((steps + 1, *shape))
    out_u[0], out_o[0] = u, o
    joining = trainees * rates.retention * rates.joiner_participation / MONTHS_PER_YEAR
    for t in range(1, steps + 1):
        ageing = u * rates.ageing_rate / MONTHS_PER_YEAR
        early = u * rates.early_leaving_rate / MONTHS_PER_YEAR
        red_u = u * rates.session_reduction / MONTHS_PER_YEAR
        retiring = o * rates.retirement_rate / MONTHS_PER_YEAR
        red_o = o * rates.session_reduction / MONTHS_PER_YEAR
        u = u + dt * (joining - ageing - early - red_u)
        o = o + dt * (ageing - retiring - red_o)
        out_u[t], out_o[t] = u, o
    return TwoBandPath(out_u, out_o)


@dataclass(frozen=True)
class GroupTotals:
    """Per draw, saved step and group: FTE under 55 and 55+ summed over the group's practices."""

    under55: np.ndarray  # (draws, steps + 1, groups)
    over55: np.ndarray
    final_practice: np.ndarray | None  # (draws, practices) total FTE at the last step

    @property
    def total(self) -> np.ndarray:
        return self.under55 + self.over55


def monte_carlo_group_totals(
    under55: np.ndarray,
    over55: np.ndarray,
    trainees: np.ndarray,
    rates: TwoBandRates,
    groups: np.ndarray,
    steps: int,
    dt: float = 1.0,
    chunk: int = 32,
    threads: int = 2,
    keep_final_practice: bool = False,
) -> GroupTotals:
    """Run every draw over every practice, streaming group totals instead of storing the cube.

    ``groups`` gives each practice's group index and must be sorted (a group's practices
    contiguous), so group totals are one ``reduceat`` per step. Rates have a leading draws axis
    ``(D, 1)``. Every draw x practice x step is computed (one batched 2x2 product per step and
    chunk of draws); only group totals per step (and optionally each practice's final FTE) are
    kept, so memory is O(chunk x practices + D x steps x groups). Chunks of draws run on
    ``threads`` worker threads (NumPy releases the GIL inside matmul and ufunc loops).
    """
    if np.any(np.diff(groups) < 0):
        raise ValueError("practices must be sorted by group")
    m, j = transition(rates, dt)
    n_draws, n_prac = m.shape[0], len(trainees)
    starts = np.flatnonzero(np.r_[True, np.diff(groups) != 0])
    sums = np.empty((n_draws, steps + 1, 2, len(starts)))
    final = np.empty((n_draws, n_prac)) if keep_final_practice else None
    trainees = np.asarray(trainees, dtype=np.float64)

    def work(lo: int) -> None:
        hi = min(lo + chunk, n_draws)
        x = np.empty((hi - lo, 2, n_prac))
        y = np.empty_like(x)
        x[:, 0], x[:, 1] = under55, over55
        inflow = j[lo:hi, None] * trainees
        mc = m[lo:hi]
        sums[lo:hi, 0] = np.add.reduceat(x, starts, axis=2)
        for t in range(1, steps + 1):
            np.matmul(mc, x, out=y)
            y[:, 0] += inflow
            np.add.reduceat(y, starts, axis=2, out=sums[lo:hi, t])
            x, y = y, x
        if final is not None:
            np.add(x[:, 0], x[:, 1], out=final[lo:hi])

    chunks = range(0, n_draws, chunk)
    if threads <= 1:
        for lo in chunks:
            work(lo)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(work, chunks))
    return GroupTotals(under55=sums[:, :, 0], over55=sums[:, :, 1], final_practice=final)
