"""Slow, obviously-correct reference implementation of the cohort engine's equations.

Plain Python loops over draws, organisations, classes, bands and steps; no NumPy in the stepping.
It exists so tests can check :mod:`gpworkforce.forecast.engine` against it. Same order within a
step: leavers, transitions, ageing, participation, inflows (see ``docs/model.md``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gpworkforce.forecast.engine import EngineInputs, EngineParams

Nested = list[Any]


def _draw(value: Any, base_ndim: int, d: int) -> Any:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == base_ndim:
        return arr.tolist()
    return arr[d if arr.shape[0] > 1 else 0].tolist()


def _n_draws(params: EngineParams) -> int:
    dims = {"leave_rate": 2, "transition_rate": 2, "participation_rate": 1}
    dims |= {"inflow_multiplier": 1, "inflow_fte_per_head": 1}
    n = 1
    for name, nd in dims.items():
        arr = np.asarray(getattr(params, name))
        if arr.ndim >= nd + 1:  # participation by band is [D, K, A]
            n = max(n, arr.shape[0])
    return n


def _participation(params: EngineParams, d: int, n_band: int) -> Nested:
    """``[class][band]`` annual change: ``[K]`` / ``[D, K]`` the same in every band."""
    arr = np.asarray(params.participation_rate, dtype=np.float64)
    if arr.ndim == 3:
        return arr[d if arr.shape[0] > 1 else 0].tolist()
    return [[p] * n_band for p in _draw(arr, 1, d)]


def run_reference(inputs: EngineInputs, params: EngineParams) -> tuple[Nested, Nested]:
    """Headcount and FTE as nested lists ``[draw][step][org][class][band]`` for steps 0..T."""
    n_org, n_cls, n_band = inputs.shape
    dt = inputs.dt
    width_arr = np.asarray(params.band_width_years, dtype=np.float64)  # [A] or [D?, A]
    schedules = [s.schedule.tolist() for s in inputs.inflows]
    shares = [s.share.tolist() for s in inputs.inflows]
    all_h: Nested = []
    all_f: Nested = []
    n_draws = max(_n_draws(params), width_arr.shape[0] if width_arr.ndim == 2 else 1)
    for d in range(n_draws):
        row = width_arr if width_arr.ndim == 1 else width_arr[d if width_arr.shape[0] > 1 else 0]
        widths = [float(w) for w in row]
        leave = _draw(params.leave_rate, 2, d)
        trans = _draw(params.transition_rate, 2, d)
        part = _participation(params, d, n_band)
        mult = _draw(params.inflow_multiplier, 1, d)
        fph = _draw(params.inflow_fte_per_head, 1, d)
        hist_h: Nested = [[] for _ in range(inputs.n_steps + 1)]
        hist_f: Nested = [[] for _ in range(inputs.n_steps + 1)]
        for o in range(n_org):
            h = [[float(inputs.headcount[o, k, a]) for a in range(n_band)] for k in range(n_cls)]
            f = [[float(inputs.fte[o, k, a]) for a in range(n_band)] for k in range(n_cls)]
            hist_h[0].append([row[:] for row in h])
            hist_f[0].append([row[:] for row in f])
            for t in range(inputs.n_steps):
                for stock in (h, f):
                    # 1. leavers: a share q of each stock leaves
                    for k in range(n_cls):
                        for a in range(n_band):
                            q = 1.0 - (1.0 - leave[k][a]) ** dt
                            stock[k][a] = stock[k][a] - stock[k][a] * q
                    # 2. transitions between classes, same band
                    tau = [
                        [1.0 - (1.0 - trans[k][j]) ** dt for j in range(n_cls)]
                        for k in range(n_cls)
                    ]
                    moved = [[0.0] * n_band for _ in range(n_cls)]
                    for k in range(n_cls):
                        stay = min(1.0, max(0.0, 1.0 - sum(tau[k])))
                        for a in range(n_band):
                            moved[k][a] += stock[k][a] * stay
                            for j in range(n_cls):
                                moved[j][a] += stock[k][a] * tau[k][j]
                    for k in range(n_cls):
                        stock[k][:] = moved[k]
                    # 3. ageing: dt / width of each band moves up one band
                    for k in range(n_cls):
                        up = [stock[k][a] * (dt / widths[a]) for a in range(n_band - 1)]
                        for a in range(n_band - 1):
                            stock[k][a] -= up[a]
                            stock[k][a + 1] += up[a]
                # 4. participation: FTE per head changes by (1 + p[k][a]) ** dt, p of the class
                #    and band each FTE is in now, after the moves and ageing above
                for k in range(n_cls):
                    for a in range(n_band):
                        f[k][a] = f[k][a] * math.pow(1.0 + part[k][a], dt)
                # 5. inflows
                for s in range(len(schedules)):
                    for k in range(n_cls):
                        for a in range(n_band):
                            arrive = mult[s] * schedules[s][t][o] * shares[s][k][a]
                            h[k][a] += arrive
                            f[k][a] += arrive * fph[s]
                hist_h[t + 1].append([row[:] for row in h])
                hist_f[t + 1].append([row[:] for row in f])
        all_h.append(hist_h)
        all_f.append(hist_f)
    return all_h, all_f
