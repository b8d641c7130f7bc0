"""How the leave-one-origin-out band covers with as few origins as GPW's Years allow (decisions
0143, 0158, 0164 and 0173): a known process, many simulated data sets, several band constructions.

Each data set has ``n`` origins of 42 areas; each origin's areas share a national shift of sd
``ratio x 0.03`` (normal, or with ``--shifts skewed`` a few origins far below the rest) and
spread about it normally with sd 0.03. Every origin is scored against
a band made from the other origins' errors, and coverage is pooled as ``gpworkforce evaluate``
pools it. Printed per setting: the mean % inside P10-P90 (below / above) and inside P2.5-P97.5
over the data sets, and the share of data sets in which the band meets the issue's target
(both coverages within 5 points, each tail within 3) -- also for the process's own true
distribution, which shows how much one data set of few origins can tell.

    python scripts/leave_out_band_simulation.py [--reps 300] [--seed 1] [--shifts skewed]
        [--origins 4 5 7 9]

With ``--process trend`` (decision 0164) the data sets are the evaluation's own design instead:
a national series of ten GPW Years whose yearly log growth is normal about a constant drift
(``--growth iid``) or persists from year to year (``--growth ar1``, correlation 0.7), 42 areas
each a random walk about it; the national trend is estimated at each origin from the Years
before it (two years of growth at the first origin, as from Year 2018) and extrapolated 1-4
years. Printed per horizon: the 0158 band; three candidates tried for decision 0164 (the same
band with each origin's shift scaled by the random walk with drift's forecast spread ``sqrt(h
(1 + h / n))`` for its ``n`` years of growth; the shifts of every horizon pooled, scaled by
``sqrt(h / h')``; no change's shifts times ``sqrt(1 + h / n)``); two tried for decision 0173
(``slope-se``: the band plus the scored origin's own trend-estimation error; ``effective-n``, the
module's band: the tails read for the errors' effective number); and the process's true
distribution (iid growth only). The independent-shift design prints ``effective-n`` too.

    python scripts/leave_out_band_simulation.py --process trend [--growth ar1] [--reps 200]
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

from gpworkforce.forecast import evaluation as ev

LEVELS = (0.025, 0.1, 0.9, 0.975)
N_AREAS, SPREAD = 42, 0.03


def band_0125(others: dict[int, np.ndarray]) -> np.ndarray:
    """Decision 0125: the other origins' errors about their mean shift, symmetrised."""
    centre = np.mean([np.median(e) for e in others.values()])
    dev = np.concatenate(list(others.values())) - centre
    return centre + np.concatenate([dev, -dev])


def band_t(others: dict[int, np.ndarray], n_s: int = 400) -> np.ndarray:
    """Tried and not chosen: shift from a Student-t predictive plus the areas' spread."""
    shifts = np.array([np.median(e) for e in others.values()])
    dev = np.concatenate([e - np.median(e) for e in others.values()])
    lv = (np.arange(n_s) + 0.5) / n_s
    spread = np.quantile(np.concatenate([dev, -dev]), lv)
    n = len(shifts)
    t = stats.t.ppf(lv, n - 1) * shifts.std(ddof=1) * np.sqrt(1 + 1 / n)
    return shifts.mean() + (t[:, None] + spread[None, :]).ravel()


def band_0143(others: dict[int, np.ndarray]) -> np.ndarray:
    """Decision 0143: the shifts' deviations widened for their number, symmetrised."""
    samples, _ = ev.leave_out_samples(np.array([1.0]), others, symmetric=True, finite_sample=False)
    assert samples is not None
    return np.log(samples[0])


def band_tails(others: dict[int, np.ndarray]) -> np.ndarray:
    """Decision 0158, the module's band: each tail from the other origins' own errors (the 0143
    band without the symmetrising)."""
    samples, _ = ev.leave_out_samples(np.array([1.0]), others, finite_sample=False)
    assert samples is not None
    return np.log(samples[0])


def band_finite(others: dict[int, np.ndarray]) -> np.ndarray:
    """Decision 0173, the module's band: the 0158 band with each tail read a little further
    out for the errors' effective number (``evaluation.finite_sample_levels``)."""
    samples, _ = ev.leave_out_samples(np.array([1.0]), others)
    assert samples is not None
    return np.log(samples[0])


def meets(b2: float, b10: float, a90: float, a97: float) -> bool:
    return ev.calibration_ok(
        {
            "coverage_80": 100 - b10 - a90,
            "coverage_95": 100 - b2 - a97,
            "below_p10": b10,
            "above_p90": a90,
            "below_p2_5": b2,
            "above_p97_5": a97,
        }
    )


SKEW_SIGMA = 0.8


def _shift_draws(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    """``n`` shifts of mean 0 and sd 1: normal, or a negated standardised log-normal."""
    if kind == "normal":
        return rng.standard_normal(n)
    mean = np.exp(SKEW_SIGMA**2 / 2)
    sd = np.sqrt((np.exp(SKEW_SIGMA**2) - 1) * np.exp(SKEW_SIGMA**2))
    return -(np.exp(SKEW_SIGMA * rng.standard_normal(n)) - mean) / sd


def _true_quantiles(ratio: float, kind: str) -> np.ndarray:
    """The process's own quantiles at LEVELS (by simulation for the skewed shifts)."""
    if kind == "normal":
        return stats.norm.ppf(LEVELS) * SPREAD * np.sqrt(1 + ratio**2)
    big = np.random.default_rng(0)
    x = ratio * SPREAD * _shift_draws(big, 400_000, kind) + SPREAD * big.standard_normal(400_000)
    return np.quantile(x, LEVELS)


YEARS = 10  # GPW Years 2016-2025: nine years of growth
FIRST_ORIGIN = 2  # Year 2018: two years of growth known


def band_drift(others: dict[int, np.ndarray], scales: dict[int, float], scale: float) -> np.ndarray:
    """Tried for decision 0164: the 0158 band with each other origin's shift deviation divided by
    its own forecast spread and multiplied by the left-out origin's (``scales``: the random walk
    with drift's ``sqrt(h (1 + h / n))`` for the origin's ``n`` years of growth)."""
    shifts = {o: float(np.median(e)) for o, e in others.items()}
    centre = float(np.mean(list(shifts.values())))
    k = ev.shift_widening(len(others))
    dev = [
        centre + k * (shifts[o] - centre) * scale / scales[o] + (e - shifts[o])
        for o, e in others.items()
    ]
    return np.concatenate(dev)


def drift_scale(h: int, n: int) -> float:
    """The random walk with drift's h-year forecast spread, in yearly shocks, when its drift is
    the mean of ``n`` years of growth: ``sqrt(h (1 + h / n))`` (Hyndman and Athanasopoulos,
    Forecasting: Principles and Practice, 3rd ed., section 5.5)."""
    return float(np.sqrt(h * (1 + h / n)))


def _counts(e: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.array([np.sum(e < q[0]), np.sum(e < q[1]), np.sum(e > q[2]), np.sum(e > q[3])])


def band_pooled(errors: dict[tuple[int, int], np.ndarray], left: int, h: int) -> np.ndarray:
    """Tried for decision 0164: the shifts' deviations of the other origins at *every* horizon
    ``h'``, each from the mean shift of the other origins at ``h'`` and scaled by ``sqrt(h /
    h')`` (a random walk's spread), widened by :func:`ev.shift_widening` of the number of
    origins they come from, added to every areas' deviation of the other origins at ``h`` about
    their mean shift at ``h``."""
    shift = {k: float(np.median(e)) for k, e in errors.items()}
    devs, used = [], set()
    for hp in sorted({k[1] for k in errors}):
        ps = [o for o, hh in errors if hh == hp and o != left]
        if len(ps) < 2:
            continue
        centre = np.mean([shift[(o, hp)] for o in ps])
        devs += [(shift[(o, hp)] - centre) * np.sqrt(h / hp) for o in ps]
        used |= set(ps)
    ps = [o for o, hh in errors if hh == h and o != left]
    centre = float(np.mean([shift[(o, h)] for o in ps]))
    area = np.concatenate([errors[(o, h)] - shift[(o, h)] for o in ps])
    area = np.quantile(area, (np.arange(200) + 0.5) / 200)
    return centre + (ev.shift_widening(len(used)) * np.array(devs)[:, None] + area).ravel()


def band_no_change(
    others: dict[int, np.ndarray], no_change: dict[int, np.ndarray], n: int, h: int
) -> np.ndarray:
    """Tried for decision 0164: the random walk with drift's spread with its random-walk part
    read from no change's longer record. The shifts' deviations of no change's other origins
    at ``h`` (widened for their number) times ``sqrt(1 + h / n)`` for the left-out origin's
    ``n`` years of growth, added to every areas' deviation of the method's other origins."""
    nc = np.array([np.median(e) for e in no_change.values()])
    devs = ev.shift_widening(nc.size) * (nc - nc.mean()) * np.sqrt(1 + h / n)
    centre = float(np.mean([np.median(e) for e in others.values()]))
    area = np.concatenate([e - np.median(e) for e in others.values()])
    area = np.quantile(area, (np.arange(200) + 0.5) / 200)
    return centre + (devs[:, None] + area).ravel()


def slope_se(national: np.ndarray, o: int) -> float:
    """The standard error of the trend known at origin ``o``, with years as the unit: the
    spread of the ``o`` yearly national growths before it over ``sqrt(o)`` (decision 0173)."""
    return float(np.std(np.diff(national[: o + 1]), ddof=1) / np.sqrt(o))


def band_slope_se(
    others: dict[int, np.ndarray], se: dict[int, float], left: int, h: int
) -> np.ndarray:
    """Tried for decision 0173: the 0158 band plus the scored origin's own trend-estimation
    error ``h x se`` (normal), the other origins' widened shift deviations first shrunk so
    that their mean square loses the mean of their own ``(h x se)^2`` (their shifts already
    hold their estimation errors, which are replaced by the scored origin's)."""
    shifts = {o: float(np.median(e)) for o, e in others.items()}
    centre = float(np.mean(list(shifts.values())))
    k = ev.shift_widening(len(others))
    dev = np.array([k * (shifts[o] - centre) for o in others])
    known = float(np.mean([(h * se[o]) ** 2 for o in others]))
    square = float(np.mean(dev**2))
    c = np.sqrt(max(square - known, 0.0) / square) if square > 0 else 0.0
    area = np.concatenate(
        [c * d + (e - shifts[o]) for d, (o, e) in zip(dev, others.items(), strict=True)]
    )
    lv = (np.arange(200) + 0.5) / 200
    slope = h * se[left] * stats.norm.ppf(lv)
    return centre + (np.quantile(area, lv)[:, None] + slope[None, :]).ravel()


BANDS = (
    "0158",
    "drift-scaled",
    "horizon-pooled",
    "no-change-scaled",
    "slope-se",
    "effective-n",
    "truth",
)


def trend_process(args: argparse.Namespace) -> None:
    """The national-trend design of decision 0164 (see the module's docstring)."""
    rng = np.random.default_rng(args.seed)
    print(
        "areas' yearly sd | growth sd | years ahead (origins) | band | inside P10-P90 (below /"
        " above) | P2.5-P97.5 | met"
    )
    for area_sd in (0.022, 0.042):
        for growth_sd in (0.005, 0.011, 0.02):
            sums: dict[tuple[int, str], np.ndarray] = {}
            met: dict[tuple[int, str], int] = {}
            for _ in range(args.reps):
                shocks = growth_sd * rng.standard_normal(YEARS - 1)
                if args.growth == "ar1":
                    for t in range(1, YEARS - 1):
                        shocks[t] = 0.7 * shocks[t - 1] + np.sqrt(1 - 0.49) * shocks[t]
                national = np.concatenate([[0.0], np.cumsum(0.002 + shocks)])
                areas = national[None, :] + np.cumsum(
                    area_sd * rng.standard_normal((N_AREAS, YEARS)), axis=1
                )
                errors = {
                    (o, h): areas[:, o + h] - areas[:, o] - h * national[o] / o
                    for h in range(1, YEARS - FIRST_ORIGIN)
                    for o in range(FIRST_ORIGIN, YEARS - h)
                }
                for h in range(1, 5):
                    nc = {o: areas[:, o + h] - areas[:, o] for o in range(YEARS - h)}
                    at = {o: e for (o, hh), e in errors.items() if hh == h}
                    scales = {o: drift_scale(h, o) for o in at}
                    ses = {o: slope_se(national, o) for o in at}
                    counts = {k: np.zeros(4) for k in BANDS}
                    for o, e in at.items():
                        others = {p: v for p, v in at.items() if p != o}
                        counts["0158"] += _counts(e, np.quantile(band_tails(others), LEVELS))
                        counts["effective-n"] += _counts(
                            e, np.quantile(band_finite(others), LEVELS)
                        )
                        counts["drift-scaled"] += _counts(
                            e, np.quantile(band_drift(others, scales, scales[o]), LEVELS)
                        )
                        counts["horizon-pooled"] += _counts(
                            e, np.quantile(band_pooled(errors, o, h), LEVELS)
                        )
                        counts["slope-se"] += _counts(
                            e, np.quantile(band_slope_se(others, ses, o, h), LEVELS)
                        )
                        nc_others = {p: v for p, v in nc.items() if p != o}
                        counts["no-change-scaled"] += _counts(
                            e, np.quantile(band_no_change(others, nc_others, o, h), LEVELS)
                        )
                        sd = np.sqrt(growth_sd**2 * scales[o] ** 2 + area_sd**2 * h)
                        counts["truth"] += _counts(e, stats.norm.ppf(LEVELS) * sd)
                    for k, c in counts.items():
                        if k == "truth" and args.growth == "ar1":
                            continue
                        pct = c / (len(at) * N_AREAS) * 100
                        sums[(h, k)] = sums.get((h, k), np.zeros(4)) + pct
                        met[(h, k)] = met.get((h, k), 0) + meets(*pct)
            for (h, k), total in sums.items():
                b2, b10, a90, a97 = total / args.reps
                print(
                    f"{area_sd:.3f} | {growth_sd:.3f} | {h} ({YEARS - h - FIRST_ORIGIN}) | {k} |"
                    f" {100 - b10 - a90:.1f} ({b10:.1f} / {a90:.1f}) | {100 - b2 - a97:.1f} |"
                    f" {met[(h, k)] / args.reps:.0%}",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--shifts",
        choices=("normal", "skewed"),
        default="normal",
        help="the origins' shifts: normal, or skewed to the low side (a few origins far below"
        " the rest: a negated log-normal, log-sd 0.8, standardised)",
    )
    parser.add_argument("--origins", type=int, nargs="+", default=[4, 5, 6, 7])
    parser.add_argument(
        "--process",
        choices=("shifts", "trend"),
        default="shifts",
        help="'shifts': origins' shifts drawn directly (decisions 0143, 0158); 'trend': a"
        " national trend estimated from the years before each origin (decision 0164)",
    )
    parser.add_argument("--growth", choices=("iid", "ar1"), default="iid")
    args = parser.parse_args()
    if args.process == "trend":
        trend_process(args)
        return
    rng = np.random.default_rng(args.seed)
    bands = {
        "0125": band_0125,
        "t": band_t,
        "0143": band_0143,
        "tails": band_tails,
        "effective-n": band_finite,
    }
    print("origins | shift/spread | band | inside P10-P90 (below / above) | P2.5-P97.5 | met")
    for n in args.origins:
        for ratio in (0.0, 0.3, 0.6, 1.0):
            sums = {k: np.zeros(4) for k in [*bands, "truth"]}
            met = dict.fromkeys(sums, 0)
            for _ in range(args.reps):
                shifts = ratio * SPREAD * _shift_draws(rng, n, args.shifts)
                errors = {o: shifts[o] + SPREAD * rng.standard_normal(N_AREAS) for o in range(n)}
                counts = {k: np.zeros(4) for k in sums}
                truth = _true_quantiles(ratio, args.shifts)
                for o, e in errors.items():
                    others = {k: v for k, v in errors.items() if k != o}
                    qs = {k: np.quantile(f(others), LEVELS) for k, f in bands.items()}
                    qs["truth"] = truth
                    for k, q in qs.items():
                        counts[k] += [
                            np.sum(e < q[0]),
                            np.sum(e < q[1]),
                            np.sum(e > q[2]),
                            np.sum(e > q[3]),
                        ]
                for k, c in counts.items():
                    pct = c / (n * N_AREAS) * 100
                    sums[k] += pct
                    met[k] += meets(*pct)
            for k, total in sums.items():
                b2, b10, a90, a97 = total / args.reps
                print(
                    f"{n} | {ratio:.1f} | {k} | {100 - b10 - a90:.1f} ({b10:.1f} / {a90:.1f}) |"
                    f" {100 - b2 - a97:.1f} | {met[k] / args.reps:.0%}"
                )


if __name__ == "__main__":
    main()
