"""Coefficients of the cohort engine: annual rates -> per-step factors, fused step factors.

Part of :mod:`gpworkforce.forecast.engine` (import from there): :func:`prepare` checks the shapes
and ranges of :class:`EngineParams` and converts annual rates to per-step coefficients;
:func:`fuse` folds leaving, moving class, ageing and participation into the factors of one
multiply; :class:`InflowBlock` groups inflow streams that share a destination pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gpworkforce.forecast.engine_types import EngineInputs, EngineParams, InflowStream

Array = NDArray[np.float64]
SPARSE_SHARES = 4  # inflows with more non-zero class x band shares are added as a block


# ---- coefficient preparation ------------------------------------------------------------------
@dataclass(frozen=True)
class Coefficients:
    """Per-step coefficients, broadcast to ``[D, 1, K, A]`` style shapes."""

    draws: int
    keep: Array  # [D,1,K,A] 1 - q
    leave: Array  # [D,1,K,A] q
    tau: Array  # [D,K,K] per-step transition probabilities (diag 0)
    stay: Array  # [D,1,K,1] 1 - sum_j tau[k, j]
    has_transitions: bool
    pairs: tuple[tuple[int, int], ...]  # (from, to) classes with any transition
    share_nz: tuple[tuple[tuple[int, int], ...], ...]  # per stream: non-zero (class, band)
    blocks: tuple[InflowBlock, ...]  # streams with many non-zero shares, grouped by share
    age_full: Array  # [A] per-step share ageing out of band a (0 for the last band), or
    # [D, 1, 1, A] when band widths differ by draw
    has_ageing: bool
    part: Array  # [D,1,K,A] per-step proportional FTE change (same for every band unless by band)
    has_participation: bool
    mult: Array  # [D,S]
    fph: Array  # [D,S]
    euler: bool = False  # system-dynamics step: every flow on the start stocks (see prepare)
    euler_stay: Array | None = None  # [D,1,K,A] 1 - leave - sum_j tau - age (Euler only)


def _with_draws(value: ArrayLike, base_ndim: int, name: str) -> Array:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == base_ndim:
        arr = arr[np.newaxis]
    if arr.ndim != base_ndim + 1:
        raise ValueError(f"{name} must have {base_ndim} or {base_ndim + 1} dims, got {arr.shape}")
    return arr


@dataclass(frozen=True)
class InflowBlock:
    """Streams sharing one ``share`` with more than a few non-zero cells, added together.

    ``index`` selects the smallest block of classes x bands holding the non-zeros (a single class
    or band as an integer, so the view drops that axis); ``block`` is the share over it.
    """

    streams: tuple[int, ...]
    index: tuple[slice | int, slice | int]
    block: Array


def _axis(nz: NDArray[np.intp]) -> slice | int:
    lo, hi = int(nz.min()), int(nz.max())
    return lo if lo == hi else slice(lo, hi + 1)


def _blocks(streams: tuple[InflowStream, ...]) -> tuple[InflowBlock, ...]:
    groups: list[tuple[Array, list[int]]] = []
    for s, st in enumerate(streams):
        if np.count_nonzero(st.share) <= SPARSE_SHARES:
            continue  # added cell by cell
        for share, members in groups:
            if np.array_equal(share, st.share):
                members.append(s)
                break
        else:
            groups.append((st.share, [s]))
    out = []
    for share, members in groups:
        ks, bs = np.nonzero(share)
        index = (_axis(ks), _axis(bs))
        out.append(InflowBlock(tuple(members), index, np.asarray(share[index])))
    return tuple(out)


def _participation(value: ArrayLike, n_cls: int, n_band: int) -> Array:
    """``participation_rate`` as ``[D, K, A]``: ``[K]`` and ``[D, K]`` (one change per class,
    every band alike) are spread over the bands; ``[D, K, A]`` (by band) is taken as it is (its
    draws axis is required, ``D = 1`` for one draw, so a 2-D array always means ``[D, K]``)."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 3:
        return arr
    arr = _with_draws(arr, 1, "participation_rate")
    if arr.shape[1:] != (n_cls,):
        raise ValueError(
            f"participation_rate must have shape [D?, {n_cls}] or [D, {n_cls}, {n_band}],"
            f" got {arr.shape}"
        )
    return np.repeat(arr[:, :, None], n_band, axis=2)


def prepare(inputs: EngineInputs, params: EngineParams) -> Coefficients:
    """Check shapes and ranges and turn annual rates into per-step coefficients."""
    _, n_cls, n_band = inputs.shape
    n_str = len(inputs.inflows)
    dt = inputs.dt
    leave = _with_draws(params.leave_rate, 2, "leave_rate")
    trans = _with_draws(params.transition_rate, 2, "transition_rate")
    part = _participation(params.participation_rate, n_cls, n_band)
    mult = _with_draws(params.inflow_multiplier, 1, "inflow_multiplier")
    fph = _with_draws(params.inflow_fte_per_head, 1, "inflow_fte_per_head")
    width = np.asarray(params.band_width_years, dtype=np.float64)
    expected = {
        "leave_rate": (leave, (n_cls, n_band)),
        "transition_rate": (trans, (n_cls, n_cls)),
        "participation_rate": (part, (n_cls, n_band)),
        "inflow_multiplier": (mult, (n_str,)),
        "inflow_fte_per_head": (fph, (n_str,)),
    }
    draws = max(a.shape[0] for a, _ in expected.values())
    if width.ndim == 2:  # band widths with their own draws axis
        draws = max(draws, width.shape[0])
    if inputs.headcount.ndim == 4:  # starting stocks with their own draws axis
        draws = max(draws, inputs.headcount.shape[0])
    for name, (arr, tail) in expected.items():
        if arr.shape[1:] != tail or arr.shape[0] not in (1, draws):
            raise ValueError(f"{name} must have shape [D?, {tail}], got {arr.shape}")
    by_draw = width.ndim == 2 and width.shape[0] in (1, draws) and width.shape[1] == n_band
    if width.shape != (n_band,) and not by_draw:
        raise ValueError(f"band_width_years must have shape [D?, {n_band}], got {width.shape}")
    if params.scheme not in ("sequential", "euler"):
        raise ValueError(f"scheme must be 'sequential' or 'euler', got {params.scheme!r}")
    euler = params.scheme == "euler"
    if euler:  # continuous rates a year: any value >= 0
        if np.any(leave < 0) or np.any(trans < 0):
            raise ValueError("continuous leave and transition rates must be >= 0")
    elif np.any((leave < 0) | (leave > 1)) or np.any((trans < 0) | (trans > 1)):
        raise ValueError("leave_rate and transition_rate must be probabilities in [0, 1]")
    if np.any(np.diagonal(trans, axis1=1, axis2=2) != 0):
        raise ValueError("transition_rate must have a zero diagonal")
    if not euler and np.any(trans.sum(axis=2) > 1 + 1e-12):
        raise ValueError("transition rates out of a class must sum to at most 1 a year")
    if (not euler and np.any(part <= -1)) or np.any(mult < 0) or np.any(fph < 0):
        raise ValueError("participation_rate must be > -1; multipliers and FTE/head >= 0")
    if n_band > 1 and np.any(width[..., :-1] < dt):
        raise ValueError(f"every band but the last must be at least one step ({dt} y) wide")
    age = np.zeros(width.shape)  # [A], or [D, A] when the widths are drawn
    age[..., :-1] = dt / width[..., :-1]
    age3 = age.reshape(-1, 1, n_band)  # [D | 1, 1, A]
    euler_stay = None
    if euler:  # Euler: a flow in one step is stock x rate x dt
        q = leave * dt
        tau = trans * dt
        pm = part * dt
        euler_stay = 1.0 - q - tau.sum(axis=2)[:, :, None] - age3
        if np.any(euler_stay < -1e-12) or np.any(pm <= -1):
            raise ValueError(
                "a system-dynamics step must not take more than the stock: rates x step"
                f" ({dt:g} y) sum above 1; use a shorter step"
            )
        euler_stay = euler_stay[:, None, :, :]
    else:
        q = 1.0 - (1.0 - leave) ** dt
        tau = 1.0 - (1.0 - trans) ** dt
        pm = (1.0 + part) ** dt - 1.0
    stay = np.clip(1.0 - tau.sum(axis=2), 0.0, 1.0)
    return Coefficients(
        draws=draws,
        keep=(1.0 - q)[:, None, :, :],
        leave=q[:, None, :, :],
        tau=tau,
        stay=stay[:, None, :, None],
        has_transitions=bool(np.any(tau > 0)),
        share_nz=tuple(
            tuple((int(k), int(a)) for k, a in zip(*np.nonzero(st.share), strict=True))
            for st in inputs.inflows
        ),
        blocks=_blocks(inputs.inflows),
        pairs=tuple(
            (int(k), int(j)) for k, j in zip(*np.nonzero((tau > 0).any(axis=0)), strict=True)
        ),
        age_full=age if age.ndim == 1 else age3[:, None],
        has_ageing=bool(np.any(age > 0)),
        part=pm[:, None, :, :],
        has_participation=bool(np.any(pm != 0)),
        mult=mult,
        fph=fph,
        euler=euler,
        euler_stay=euler_stay,
    )


@dataclass(frozen=True)
class Fused:
    """Steps 1-4 folded into one multiply, one ageing shift and the moving pairs (no flows kept).

    For headcount, ``aged = S x keep x stay x g`` moves up a band and ``S x keep x stay x (1 - g)``
    stays; a pair k -> j moves ``S[k] x keep[k] x tau[k, j]``, split the same way between band a
    and a + 1. FTE takes the participation factor ``(1 + p[k, a]) ** dt`` of the class *and band it
    ends the step in* (participation applies after leavers, moves and ageing, docs/model.md): the
    share ageing up from band a takes band a + 1's factor, the share staying band a's.
    """

    c1h: Array  # [D,1,K,A] share ageing up
    c2h: Array  # [D,1,K,A] share staying
    c1f: Array
    c2f: Array
    moves_h: tuple[tuple[int, int, Array, Array], ...]  # (k, j, stay [D,1,A], up [D,1,A])
    moves_f: tuple[tuple[int, int, Array, Array], ...]


def fuse(c: Coefficients) -> Fused:
    g = c.age_full
    g_moves = g if g.ndim == 1 else g[:, :, 0, :]  # [A] or [D, 1, A], as the moves' shares
    ks = c.keep * c.stay
    factor = 1.0 + c.part  # [D,1,K,A]: band a's factor, for the share staying in band a
    up_factor = factor.copy()  # band a + 1's, for the share ageing up out of band a
    up_factor[..., :-1] = factor[..., 1:]  # (the last band does not age out: its share is 0)
    c1h, c2h = ks * g, ks * (1.0 - g)
    moves_h, moves_f = [], []
    for k, j in c.pairs:
        base = c.keep[:, :, k, :] * c.tau[:, k, j, None, None]  # [D,1,A]
        stay, up = base * (1.0 - g_moves), base * g_moves
        moves_h.append((k, j, stay, up))
        moves_f.append((k, j, stay * factor[:, :, j, :], up * up_factor[:, :, j, :]))
    return Fused(c1h, c2h, c1h * up_factor, c2h * factor, tuple(moves_h), tuple(moves_f))
