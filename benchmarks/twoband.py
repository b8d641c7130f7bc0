"""The two-age-band GP supply model, vectorised over draws and practices (fixed time step).

Stocks per practice: qualified GP FTE aged under 55 (``U``) and 55 and over (``O``). Rates are
annual; the time step ``dt`` is in months, ``k = dt / 12`` years. Each step applies, in the order
of the cohort engine (:mod:`gpworkforce.forecast.engine`: leavers, ageing, participation,
inflows), with per-step coefficients converted from annual rates as the engine converts them::

    qU  = 1 - (1 - early_leaving_rate) ** k     share of U leaving early this step
    qO  = 1 - (1 - retirement_rate) ** k        share of O retiring this step
    g   = ageing_rate * k                       share of the remaining U turning 55 (dt / width)
    pm  = (1 - session_reduction) ** k - 1      proportional FTE-per-head change (< 0)
    j   = trainees_p * k * retention * joiner_participation      FTE joining U this step

    U(t + dt) = U (1 - qU) (1 - g) (1 + pm) + j
    O(t + dt) = (O (1 - qO) + U (1 - qU) g) (1 + pm)

The Vensim model ``benchmarks/gp_two_band.mdl`` writes the same step as flows
(early leaving, ageing, session change, joining, retiring), which PySD integrates with Euler,
``stock(t + dt) = stock(t) + dt * net_flow(t)``, all flows evaluated on the stocks at ``t``.
The step is linear, so it is also a 2 x 2 matrix ``M`` applied to ``[U, O]`` plus ``[j, 0]``:
:func:`simulate` and the Monte Carlo kernel use that form. Parameters are scalars or arrays with
a leading draws axis (``(draws, 1)``), so one call steps every draw and practice at once.
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


def _coefficients(rates: TwoBandRates, dt: float) -> dict[str, np.ndarray]:
    """Per-step coefficients (see the module docstring), each shaped like the rates' draws axes."""
    k = dt / MONTHS_PER_YEAR
    shape = np.broadcast_shapes(*(np.shape(getattr(rates, f.name)) for f in fields(rates)))

    def col(name: str) -> np.ndarray:
        v = np.broadcast_to(np.asarray(getattr(rates, name), dtype=np.float64), shape)
        return v[..., 0] if shape else v

    return {
        "qU": 1.0 - (1.0 - col("early_leaving_rate")) ** k,
        "qO": 1.0 - (1.0 - col("retirement_rate")) ** k,
        "g": col("ageing_rate") * k,
        "pm": (1.0 - col("session_reduction")) ** k - 1.0,
        "j": k * col("retention") * col("joiner_participation"),
    }


def transition(rates: TwoBandRates, dt: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The step as a linear map: ``[U, O](t + dt) = M @ [U, O](t) + [j * trainees, 0]``.

    Returns ``M`` shaped (..., 2, 2) (leading axes = the rates' draws axes) and ``j``, the FTE that
    one qualifying trainee a year adds per step.
    """
    c = _coefficients(rates, dt)
    grow = 1.0 + c["pm"]
    stay_u = 1.0 - c["qU"]
    m = np.zeros((*np.shape(c["qU"]), 2, 2))
    m[..., 0, 0] = stay_u * (1.0 - c["g"]) * grow
    m[..., 1, 0] = stay_u * c["g"] * grow
    m[..., 1, 1] = (1.0 - c["qO"]) * grow
    return m, c["j"]


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
    c = {name: np.asarray(v)[..., None] for name, v in _coefficients(rates, dt).items()}
    joining = trainees * c["j"] / dt  # FTE per month, as the .mdl's Joining
    for t in range(1, steps + 1):
        early = u * c["qU"] / dt
        ageing = u * (1 - c["qU"]) * c["g"] / dt
        change_u = u * (1 - c["qU"]) * (1 - c["g"]) * c["pm"] / dt
        retiring = o * c["qO"] / dt
        change_o = (o * (1 - c["qO"]) + ageing * dt) * c["pm"] / dt
        u = u + dt * (joining + change_u - early - ageing)
        o = o + dt * (ageing + change_o - retiring)
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


def simulate_with_engine(
    under55: np.ndarray,
    over55: np.ndarray,
    trainees: np.ndarray,
    rates: TwoBandRates,
    steps: int,
    threads: int = 1,
) -> TwoBandPath:
    """The same model run by the forecast-core cohort engine (monthly, scalar rates).

    Practices are the engine's organisations, one class (qualified GPs) in two age bands:
    ``leave_rate = [early_leaving_rate, retirement_rate]``, ``band_width_years = [1 / ageing_rate,
    inf]``, ``participation_rate = -session_reduction`` and one inflow stream of
    ``trainees / 12`` heads a month with multiplier ``retention`` and FTE per head
    ``joiner_participation``. Headcount is started equal to FTE (only FTE is compared).
    """
    from gpworkforce.forecast.engine import (
        EngineInputs,
        EngineOptions,
        EngineParams,
        InflowStream,
        run,
    )

    n = len(trainees)
    fte = np.stack([under55, over55], axis=1)[:, None, :].astype(np.float64)  # [O, K=1, A=2]
    schedule = np.broadcast_to(np.asarray(trainees, dtype=np.float64) / MONTHS_PER_YEAR, (steps, n))
    inputs = EngineInputs(
        orgs=tuple(f"P{i}" for i in range(1, n + 1)),
        classes=("GP_QUALIFIED",),
        bands=("under 55", "55 and over"),
        headcount=fte.copy(),
        fte=fte,
        steps_per_year=int(MONTHS_PER_YEAR),
        n_steps=steps,
        inflows=(InflowStream("trainees", np.ascontiguousarray(schedule), np.array([[1.0, 0.0]])),),
    )
    params = EngineParams(
        leave_rate=np.array([[float(rates.early_leaving_rate), float(rates.retirement_rate)]]),
        transition_rate=np.zeros((1, 1)),
        band_width_years=np.array([1.0 / float(rates.ageing_rate), np.inf]),
        participation_rate=np.array([-float(rates.session_reduction)]),
        inflow_multiplier=np.array([float(rates.retention)]),
        inflow_fte_per_head=np.array([float(rates.joiner_participation)]),
    )
    chunk = None if threads <= 1 else -(-n // threads)
    result = run(inputs, params, EngineOptions(org_chunk=chunk, threads=threads))
    f = result.fte[0, :, :, 0, :]  # [R, O, A]
    return TwoBandPath(f[..., 0], f[..., 1])


def response_coefficients(rates: TwoBandRates, steps: int, dt: float = 1.0) -> np.ndarray:
    """``C[d, t]`` (draws, steps + 1, 2, 3): the state at step ``t`` of draw ``d`` as a linear map
    of a practice's (U0, O0, trainees), got by running the step on the three basis inputs."""
    m, j = transition(rates, dt)
    m = m.reshape(-1, 2, 2)
    j = np.broadcast_to(j, (m.shape[0],)).reshape(-1)
    c = np.zeros((m.shape[0], steps + 1, 2, 3))
    c[:, 0, 0, 0] = 1.0
    c[:, 0, 1, 1] = 1.0
    m00, m10, m11 = m[:, 0, 0, None], m[:, 1, 0, None], m[:, 1, 1, None]
    for t in range(1, steps + 1):  # M is lower triangular: two row updates, vectorised over draws
        c[:, t, 0] = m00 * c[:, t - 1, 0]
        c[:, t, 0, 2] += j
        c[:, t, 1] = m10 * c[:, t - 1, 0] + m11 * c[:, t - 1, 1]
    return c


def monte_carlo_group_totals_linear(
    under55: np.ndarray,
    over55: np.ndarray,
    trainees: np.ndarray,
    rates: TwoBandRates,
    groups: np.ndarray,
    steps: int,
    dt: float = 1.0,
    keep_final_practice: bool = False,
) -> GroupTotals:
    """Same results as :func:`monte_carlo_group_totals`, using the model's linearity.

    With rates that vary by draw but not by practice, every practice's state is
    ``C[d, t] @ (U0_p, O0_p, trainees_p)``, and a group total is ``C[d, t]`` applied to the
    group's summed inputs. So the step is run once per draw on three basis inputs instead of on
    every practice; practice-level values (here: every practice's final FTE in every draw) are
    one matrix product away. Equal to the brute-force kernel up to rounding.
    """
    if np.any(np.diff(groups) < 0):
        raise ValueError("practices must be sorted by group")
    c = response_coefficients(rates, steps, dt)  # [D, T+1, 2, 3]
    starts = np.flatnonzero(np.r_[True, np.diff(groups) != 0])
    x = np.stack([under55, over55, trainees]).astype(np.float64)  # [3, P]
    sums = np.add.reduceat(x, starts, axis=1)  # [3, G]
    totals = (c.reshape(-1, 3) @ sums).reshape(*c.shape[:3], -1)  # [D, T+1, 2, G], one GEMM
    final = None
    if keep_final_practice:
        final = (c[:, -1, 0, :] + c[:, -1, 1, :]) @ x  # [D, P]
    return GroupTotals(under55=totals[:, :, 0], over55=totals[:, :, 1], final_practice=final)
