"""Calibration on data simulated from a known process recovers nominal coverage (issue 15).

The process is known, so the oracle is the process itself: outcomes drawn from it fall inside
the calibrated band's P10-P90 about 80% of the time and inside P2.5-P97.5 about 95%, with each tail
near its nominal share. Coverage is counted here directly, not by the module's scoring.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.forecast import evaluation as ev

N_PAST = 1000  # earlier forecasts the band is calibrated on
N_NEW = 3000  # later forecasts it is tested on


def _noise(rng: np.random.Generator, shape: str, scale: float, n: int) -> np.ndarray:
    if shape == "normal":
        return rng.normal(0.0, scale, n)
    if shape == "heavy":
        return scale * rng.standard_t(3, n) / np.sqrt(3.0)
    return scale * (rng.gamma(2.0, 1.0, n) - 2.0) / np.sqrt(2.0)  # skewed


def _coverage(lo: np.ndarray, hi: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """% inside [lo, hi], % below lo, % above hi."""
    return (
        float(np.mean((lo <= y) & (y <= hi)) * 100),
        float(np.mean(y < lo) * 100),
        float(np.mean(y > hi) * 100),
    )


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.005, 0.15),
    bias=st.floats(-0.05, 0.05),
    shape=st.sampled_from(["normal", "heavy", "skewed"]),
    horizon=st.integers(1, 6),
)
def test_conformal_band_recovers_nominal_coverage(
    seed: int, scale: float, bias: float, shape: str, horizon: int
) -> None:
    rng = np.random.default_rng(seed)
    # a forecaster whose log errors are biased and noisy in a way it does not know
    past = bias + _noise(rng, shape, scale, N_PAST)
    central = rng.uniform(50, 500, N_NEW)
    actual = central * np.exp(bias + _noise(rng, shape, scale, N_NEW))
    samples, how = ev.conformal_samples(central, horizon, {horizon: past})
    assert samples is not None and how.startswith(f"horizon {horizon}")
    q = np.quantile(samples, [0.025, 0.1, 0.9, 0.975], axis=1)
    inside80, below10, above90 = _coverage(q[1], q[2], actual)
    inside95, below2, above97 = _coverage(q[0], q[3], actual)
    assert abs(inside80 - 80) <= 5 and abs(inside95 - 95) <= 5
    assert abs(below10 - 10) <= 3 and abs(above90 - 10) <= 3
    assert abs(below2 - 2.5) <= 3 and abs(above97 - 2.5) <= 3


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    width=st.floats(0.3, 3.0),
    shift=st.floats(-2.0, 2.0),
    sigma=st.floats(0.01, 0.2),
)
def test_recalibration_repairs_a_band_that_is_too_narrow_wide_or_shifted(
    seed: int, width: float, shift: float, sigma: float
) -> None:
    rng = np.random.default_rng(seed)
    # truth: log y ~ normal(log 100, sigma); the model's draws put log y at normal(log 100 +
    # shift x sigma, width x sigma): off-centre and too narrow or too wide
    n_draws = 400
    model = 100 * np.exp(sigma * (shift + width * rng.standard_normal((1, n_draws))))

    def truth(n: int) -> np.ndarray:
        return 100 * np.exp(sigma * rng.standard_normal(n))

    past = ev.normal_score(np.repeat(model, N_PAST, axis=0), truth(N_PAST))
    y_new = truth(N_NEW)
    recal, how = ev.recalibrated_samples(model, 2, {2: past})
    assert recal is not None and how.startswith("horizon 2")
    q = np.quantile(recal[0], [0.025, 0.1, 0.9, 0.975])
    inside80, below10, above90 = _coverage(np.full(N_NEW, q[1]), np.full(N_NEW, q[2]), y_new)
    inside95, below2, above97 = _coverage(np.full(N_NEW, q[0]), np.full(N_NEW, q[3]), y_new)
    assert abs(inside80 - 80) <= 5 and abs(inside95 - 95) <= 5
    assert abs(below10 - 10) <= 3 and abs(above90 - 10) <= 3
    assert abs(below2 - 2.5) <= 3 and abs(above97 - 2.5) <= 3


def test_positive_control_an_uncalibrated_narrow_band_fails_the_same_check() -> None:
    # without recalibration, draws half as wide as the truth cover far less than 80%
    rng = np.random.default_rng(1)
    model = 0.5 * rng.standard_normal(400)
    y = rng.standard_normal(N_NEW)
    q10, q90 = np.quantile(model, [0.1, 0.9])
    inside = float(np.mean((q10 <= y) & (y <= q90)) * 100)
    assert inside < 75


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.005, 0.1),
    old_bias=st.floats(-0.05, 0.05),
    process=st.sampled_from(["random-walk", "scaled-heavy", "scaled-skewed", "scaled-normal"]),
    growth=st.floats(0.2, 1.0),
    horizon=st.integers(1, 6),
)
def test_recent_band_recovers_nominal_coverage_when_an_old_bias_has_gone(
    seed: int, scale: float, old_bias: float, process: str, growth: float, horizon: int
) -> None:
    """The band's assumptions, met by two known processes: today's errors have median zero
    (an old bias has gone) and ``h``-year errors are one-year errors of the same shape, scaled.
    A normal random walk (``h``-year errors are sums of ``h`` yearly shocks, scaling
    ``sqrt(h)``, extrapolated from 3 years), and errors of one shape (heavy-tailed, skewed or
    normal, median zero) whose spread grows as ``h ** growth``, scored at horizon ``h`` before.
    """
    rng = np.random.default_rng(seed)
    n_areas = 2000

    def noise(n: int) -> np.ndarray:
        shape = process.split("-")[1]
        x = _noise(rng, shape, scale, n)
        if shape == "skewed":  # median zero: the gamma(2)'s median, not its mean, at 0
            x -= scale * (1.678346990016661 - 2.0) / np.sqrt(2.0)
        return x

    def errors(h: int, bias: float) -> np.ndarray:
        if process == "random-walk":
            return bias * h + sum(_noise(rng, "normal", scale, n_areas) for _ in range(h))
        return bias * h + h**growth * noise(n_areas)

    # earlier origins scored with a bias that has since gone; the latest one-year errors
    # (origin 2022) have none
    past = {(2018, 1): errors(1, old_bias), (2022, 1): errors(1, 0)}
    past[(2018, 3 if process == "random-walk" else horizon)] = errors(
        3 if process == "random-walk" else horizon, old_bias
    )
    central = rng.uniform(50, 500, n_areas)
    actual = central * np.exp(errors(horizon, 0.0))
    samples, how = ev.recent_samples(central, horizon, past)
    assert samples is not None and "GPW Year 2023" in how
    q = np.quantile(samples, [0.025, 0.1, 0.9, 0.975], axis=1)
    inside80, below10, above90 = _coverage(q[1], q[2], actual)
    inside95, below2, above97 = _coverage(q[0], q[3], actual)
    assert abs(inside80 - 80) <= 5 and abs(inside95 - 95) <= 5
    assert abs(below10 - 10) <= 3 and abs(above90 - 10) <= 3
    assert abs(below2 - 2.5) <= 3 and abs(above97 - 2.5) <= 3


def test_recent_band_scales_by_the_measured_spread_ratio() -> None:
    # hand-worked: one-year errors -2..2 (P10-P90 range 3.2), three-year errors twice as wide
    one = np.linspace(-0.02, 0.02, 11)
    errs = {(2019, 1): one, (2019, 3): 2 * one, (2021, 1): one + 0.01}
    k3, why3 = ev.horizon_spread_ratio(errs, 3)
    assert k3 == pytest.approx(2.0) and "3-year / 1-year" in why3
    k4, _ = ev.horizon_spread_ratio(errs, 4)
    assert k4 == pytest.approx(2.0 * np.sqrt(4 / 3))
    k2, why2 = ev.horizon_spread_ratio({(2019, 1): one}, 2)
    assert k2 == pytest.approx(np.sqrt(2)) and "no longer forecast" in why2
    samples, how = ev.recent_samples(np.array([100.0]), 3, errs, min_n=5)
    assert samples is not None and "GPW Year 2022" in how
    # recentred: the latest errors' +0.01 bias is dropped, so the median sample is the central
    assert np.median(samples[0]) == pytest.approx(100.0)
    assert samples[0].max() == pytest.approx(100 * np.exp(2 * 0.02))
    none, why = ev.recent_samples(np.array([100.0]), 1, {(2019, 2): one})
    assert none is None and why == "no earlier errors"


@settings(max_examples=8, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.005, 0.1),
    shift_share=st.floats(0.0, 0.6),
    bias=st.floats(-0.03, 0.03),
    shape=st.sampled_from(["normal", "heavy", "skewed"]),
)
def test_leave_out_band_recovers_nominal_coverage_with_a_shift_shared_by_all_areas(
    seed: int, scale: float, shift_share: float, bias: float, shape: str
) -> None:
    """The leave-one-origin-out band's process: each origin's areas share one national shift
    (normal, sd ``shift_share x scale`` about a lasting bias) and spread about it with a
    symmetric or skewed shape. Each origin's forecasts are scored with a band made from the
    other origins' errors only; pooled over origins the band holds the actual at nominal
    rates, each tail near its share. Examples are fixed (derandomised) so the check cannot
    flicker."""
    rng = np.random.default_rng(seed)
    n_origins, n_areas = 40, 25
    shifts = bias + shift_share * scale * rng.standard_normal(n_origins)
    errors = {
        o: shifts[o] + _noise(rng, "normal" if shape == "skewed" else shape, scale, n_areas)
        for o in range(n_origins)
    }
    lo80, hi80, lo95, hi95, ys = [], [], [], [], []
    for o, e in errors.items():
        central = rng.uniform(50, 500, n_areas)
        samples, how = ev.leave_out_samples(central, {k: v for k, v in errors.items() if k != o})
        assert samples is not None and f"{n_origins - 1} national shifts" in how
        q = np.quantile(samples, [0.025, 0.1, 0.9, 0.975], axis=1)
        lo95.append(q[0]), lo80.append(q[1]), hi80.append(q[2]), hi95.append(q[3])
        ys.append(central * np.exp(e))
    y = np.concatenate(ys)
    inside80, below10, above90 = _coverage(np.concatenate(lo80), np.concatenate(hi80), y)
    inside95, below2, above97 = _coverage(np.concatenate(lo95), np.concatenate(hi95), y)
    assert abs(inside80 - 80) <= 5 and abs(inside95 - 95) <= 5
    assert abs(below10 - 10) <= 3 and abs(above90 - 10) <= 3
    assert abs(below2 - 2.5) <= 3 and abs(above97 - 2.5) <= 3


def test_leave_out_band_by_hand() -> None:
    # two other origins: shifts (medians) -0.02 and +0.04, centre +0.01; two shifts, so their
    # deviations from the centre (-0.03, +0.03) are widened by sqrt((2 + 1) / (2 - 1)) =
    # sqrt(3) = 1.7321 to -0.05196 and +0.05196; each error keeps its place about its shift
    # (-0.01, 0, +0.01): deviations -0.06196..-0.04196 and +0.04196..+0.06196, symmetrised
    # (decision 0143's band; the deviations are symmetric here, so the module's band, decision
    # 0158, is the same: test_tail_specific_leave_out_band_by_hand has one that is not)
    others = {2019: np.array([-0.03, -0.02, -0.01]), 2020: np.array([0.03, 0.04, 0.05])}
    samples, how = ev.leave_out_samples(
        np.array([100.0]), others, n_samples=1000, symmetric=True, finite_sample=False
    )
    assert samples is not None
    assert how == (
        "errors of the other origins 2019, 2020 (n=6, 2 national shifts, centre +1.0%,"
        " shifts' spread x 1.73, symmetrised)"
    )
    tails, _ = ev.leave_out_samples(np.array([100.0]), others, n_samples=1000, finite_sample=False)
    assert tails is not None
    for t in (0.0, 0.5, 1.0):  # the same reach and centre (interpolation differs inside)
        assert np.quantile(tails[0], t) == pytest.approx(np.quantile(samples[0], t), rel=1e-3)
    assert np.median(samples[0]) == pytest.approx(100 * np.exp(0.01), rel=1e-3)
    top = 0.01 + np.sqrt(3) * 0.03 + 0.01
    assert samples[0].max() == pytest.approx(100 * np.exp(top), rel=1e-3)
    assert samples[0].min() == pytest.approx(100 * np.exp(0.01 - (top - 0.01)), rel=1e-3)
    # symmetrised: as much of the band above the centre as below it
    logs = np.log(samples[0] / 100) - 0.01
    assert np.sort(logs) == pytest.approx(-np.sort(logs)[::-1], abs=1e-12)
    none, why = ev.leave_out_samples(np.array([100.0]), {})
    assert none is None and why == "no other origin's errors at this horizon"
    # one other origin: its shift's spread is unknown, so nothing is widened
    one, why1 = ev.leave_out_samples(
        np.array([100.0]), {2019: others[2019]}, n_samples=1000, finite_sample=False
    )
    assert one is not None and "its spread unknown and not widened" in why1
    assert one[0].max() == pytest.approx(100 * np.exp(-0.02 + 0.01), rel=1e-3)


def test_tail_specific_leave_out_band_by_hand() -> None:
    # three other origins: shifts (medians) -0.05, +0.01, +0.02, centre -0.02 / 3 = -0.006667;
    # k = sqrt((3 + 1) / (3 - 1)) = sqrt(2): the shifts' deviations -0.043333, +0.016667,
    # +0.026667 become -0.061283, +0.023570, +0.037712; each error keeps its place about its
    # shift (-0.01, 0, +0.01). The nine deviations, sorted: -0.071283, -0.061283, -0.051283,
    # 0.013570, 0.023570, 0.027712, 0.033570, 0.037712, 0.047712: the band reaches 0.0713
    # below the centre and 0.0477 above it (each tail as found), its median centre + 0.023570
    others = {
        2019: np.array([-0.06, -0.05, -0.04]),
        2020: np.array([0.00, 0.01, 0.02]),
        2021: np.array([0.01, 0.02, 0.03]),
    }
    samples, how = ev.leave_out_samples(
        np.array([100.0]), others, n_samples=1000, finite_sample=False
    )
    assert samples is not None
    assert how == (
        "errors of the other origins 2019, 2020, 2021 (n=9, 3 national shifts, centre -0.7%,"
        " shifts' spread x 1.41)"
    )
    centre = -0.02 / 3
    logs = np.log(samples[0] / 100)
    assert logs.min() == pytest.approx(centre - 0.071283, abs=2e-4)
    assert logs.max() == pytest.approx(centre + 0.047712, abs=2e-4)
    assert np.median(logs) == pytest.approx(centre + 0.023570, abs=1e-4)
    # symmetrised (decision 0143), the same errors reach 0.0713 on both sides
    sym, _ = ev.leave_out_samples(
        np.array([100.0]), others, n_samples=1000, symmetric=True, finite_sample=False
    )
    assert sym is not None
    assert np.log(sym[0] / 100).max() == pytest.approx(centre + 0.071283, abs=2e-4)


def _skewed_shifts(rng: np.random.Generator, n: int, sigma: float = 0.8) -> np.ndarray:
    """``n`` shifts of mean 0 and sd 1 skewed to the low side: a few origins far below the
    rest (a negated log-normal, log-sd ``sigma``, standardised)."""
    mean = np.exp(sigma**2 / 2)
    sd = np.sqrt((np.exp(sigma**2) - 1) * np.exp(sigma**2))
    return -(np.exp(sigma * rng.standard_normal(n)) - mean) / sd


def _skewed_coverage(seed: int, *, symmetric: bool) -> np.ndarray:
    """% below P2.5, below P10, above P90, above P97.5 of the leave-out band over 10 data sets
    of 30 origins x 42 areas whose shifts (sd 0.045) are skewed low and dominate the areas'
    spread (sd 0.01)."""
    rng = np.random.default_rng(seed)
    counts, total = np.zeros(4), 0
    for _ in range(10):
        shifts = 0.045 * _skewed_shifts(rng, 30)
        errors = {o: shifts[o] + 0.01 * rng.standard_normal(42) for o in range(30)}
        for o, e in errors.items():
            others = {k: v for k, v in errors.items() if k != o}
            samples, _ = ev.leave_out_samples(np.array([1.0]), others, symmetric=symmetric)
            assert samples is not None
            q = np.quantile(np.log(samples[0]), [0.025, 0.1, 0.9, 0.975])
            counts += [np.sum(e < q[0]), np.sum(e < q[1]), np.sum(e > q[2]), np.sum(e > q[3])]
            total += e.size
    return counts / total * 100


@settings(max_examples=3, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**31 - 1))
def test_tail_specific_band_balances_the_tails_of_skewed_shifts(seed: int) -> None:
    """Shifts skewed to the low side (a few starting years far below the rest, as 2017-2018
    were for the trends): the band that reads each tail from the errors holds each tail near
    its nominal share (simulated first: 3.3-3.4 / 10.3-11.0 / 9.5-9.7 / 2.4-2.6)."""
    b2, b10, a90, a97 = _skewed_coverage(seed, symmetric=False)
    assert abs(100 - b10 - a90 - 80) <= 5 and abs(100 - b2 - a97 - 95) <= 5
    assert abs(b10 - 10) <= 3 and abs(a90 - 10) <= 3
    assert abs(b2 - 2.5) <= 3 and abs(a97 - 2.5) <= 3


def test_positive_control_a_symmetrised_band_unbalances_skewed_tails() -> None:
    # the same process: mirroring the errors about the centre (decision 0143) puts as much band
    # above as below, so the long low tail is cut short and the high one too long (simulated
    # first: 12-14% below P10 and 6-8% above; 6% below P2.5 and 0.2% above P97.5)
    b2, b10, a90, a97 = _skewed_coverage(0, symmetric=True)
    assert b10 > 12 and a90 < 7.5 and a97 < 0.5 and b2 > 5


@pytest.mark.parametrize(
    ("n", "k"), [(1, 1.0), (2, np.sqrt(3.0)), (3, np.sqrt(2.0)), (4, np.sqrt(5 / 3)), (5, 1.2247)]
)
def test_shift_widening(n: int, k: float) -> None:
    # a new shift's deviation from the mean of n known ones has variance s^2 (1 + 1/n); the
    # known ones' deviations from their own mean s^2 (n - 1) / n: ratio of spreads
    # sqrt((n + 1) / (n - 1)); n = 5: sqrt(1.5) = 1.2247
    assert ev.shift_widening(n) == pytest.approx(k, abs=1e-4)


def _few_origin_coverage(
    rng: np.random.Generator, n_origins: int, ratio: float, *, widen: bool, reps: int
) -> np.ndarray:
    """% of actuals below P2.5, below P10, above P90 and above P97.5 of the leave-out band,
    over ``reps`` simulated data sets of ``n_origins`` origins x 42 areas: each origin's
    areas share a normal shift of sd ``ratio x 0.03`` and spread about it with sd 0.03.
    ``widen=False`` builds the band of decision 0125 (shifts not widened) in the test itself,
    from the same errors."""
    counts, total = np.zeros(4), 0
    for _ in range(reps):
        shifts = ratio * 0.03 * rng.standard_normal(n_origins)
        errors = {o: shifts[o] + 0.03 * rng.standard_normal(42) for o in range(n_origins)}
        tails, size = _tails(errors, None if widen else _unwidened_band)
        counts, total = counts + tails, total + size
    return counts / total * 100


def _unwidened_band(others: dict[int, np.ndarray]) -> np.ndarray:
    """The band of decision 0125 (the known shifts' spread as it is, not widened)."""
    centre = np.mean([np.median(v) for v in others.values()])
    dev = np.concatenate(list(others.values())) - centre
    return centre + np.concatenate([dev, -dev])


def _own_median_band(others: dict[int, np.ndarray]) -> np.ndarray:
    """A band that recentres each origin on its own median (the national shift dropped)."""
    return np.concatenate([v - np.median(v) for v in others.values()])


def _nominal_levels_band(others: dict[int, np.ndarray]) -> np.ndarray:
    """The band of decision 0158: the module's band with its tails read at their nominal
    levels (no finite-sample widening, decision 0173)."""
    samples, _ = ev.leave_out_samples(np.array([1.0]), others, finite_sample=False)
    assert samples is not None
    return np.log(samples[0])


def _tails(
    errors: dict[int, np.ndarray],
    band_of: Callable[[dict[int, np.ndarray]], np.ndarray] | None = None,
) -> tuple[np.ndarray, int]:
    """How many of each origin's errors fall below P2.5, below P10, above P90 and above P97.5
    of the band built from the other origins' errors (the leave-out band, or ``band_of``'s),
    and how many errors there are."""
    counts, total = np.zeros(4), 0
    for o, e in errors.items():
        others = {k: v for k, v in errors.items() if k != o}
        if band_of is None:
            samples, _ = ev.leave_out_samples(np.array([1.0]), others)
            assert samples is not None
            band = np.log(samples[0])
        else:
            band = band_of(others)
        q = np.quantile(band, [0.025, 0.1, 0.9, 0.975])
        counts += [np.sum(e < q[0]), np.sum(e < q[1]), np.sum(e > q[2]), np.sum(e > q[3])]
        total += e.size
    return counts, total


@settings(max_examples=8, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_origins=st.integers(4, 7),
    ratio=st.floats(0.0, 0.8),
)
def test_leave_out_band_recovers_nominal_coverage_with_as_few_origins_as_the_data_have(
    seed: int, n_origins: int, ratio: float
) -> None:
    """With 4-7 origins (what GPW's Years allow) and a national shift up to 0.8 times the
    areas' spread (ICBs: about 0.3-0.7), the band's coverage over many data sets from the
    known process is within the issue's tolerances of nominal, each tail too. One data set
    alone cannot show that: its coverage rests on a handful of shifts."""
    b2, b10, a90, a97 = _few_origin_coverage(
        np.random.default_rng(seed), n_origins, ratio, widen=True, reps=120
    )
    assert abs(100 - b10 - a90 - 80) <= 5 and abs(100 - b2 - a97 - 95) <= 5
    assert abs(b10 - 10) <= 3 and abs(a90 - 10) <= 3
    assert abs(b2 - 2.5) <= 3 and abs(a97 - 2.5) <= 3


def test_positive_control_the_unwidened_band_is_too_narrow_with_few_origins() -> None:
    # the same process and check, 4 origins, a shift as large as the spread: the band of
    # decision 0125 (the known shifts' spread as it is) holds well under 80%, the widened one
    # near 80% (simulated first: about 70% against 76-78%)
    rng = np.random.default_rng(7)
    b2, b10, a90, a97 = _few_origin_coverage(rng, 4, 1.0, widen=False, reps=150)
    assert 100 - b10 - a90 < 73 and 100 - b2 - a97 < 89
    b2, b10, a90, a97 = _few_origin_coverage(rng, 4, 1.0, widen=True, reps=150)
    assert 100 - b10 - a90 > 75 and 100 - b2 - a97 > 89


def test_positive_control_a_band_without_the_shared_shift_is_too_narrow() -> None:
    # recentring each origin on its own median (as the recent band does) drops the national
    # shift: with a shift as large as the areas' spread, such a band covers well under 80%
    rng = np.random.default_rng(3)
    shifts = 0.03 * rng.standard_normal(60)
    errors = [s + 0.03 * rng.standard_normal(30) for s in shifts]
    spread = np.concatenate([e - np.median(e) for e in errors])
    q10, q90 = np.quantile(spread, [0.1, 0.9])
    y = np.concatenate(errors)
    assert float(np.mean((q10 <= y) & (y <= q90)) * 100) < 70


def _trend_design_coverage(
    seed: int,
    growth_sd: float,
    area_sd: float,
    h: int,
    *,
    reps: int,
    keep_shift: bool = True,
    finite_sample: bool = True,
) -> np.ndarray:
    """% below P2.5, below P10, above P90 and above P97.5 of the leave-out band in the
    evaluation's own design (decision 0164): ten GPW Years of a national series whose yearly
    log growth is normal about a drift, 42 areas each a random walk about it, the national trend
    estimated at each origin from the Years before it (from two years of growth, as from Year
    2018) and extrapolated ``h`` years; origins overlap in their target years as the data's do.
    ``keep_shift=False`` builds, in the test itself, a band that recentres each origin on its
    own median (the national shift dropped); ``finite_sample=False`` is the band of decision
    0158 (tails read at their nominal levels)."""
    rng = np.random.default_rng(seed)
    counts, total = np.zeros(4), 0
    for _ in range(reps):
        national = np.concatenate([[0.0], np.cumsum(0.002 + growth_sd * rng.standard_normal(9))])
        areas = national[None, :] + np.cumsum(area_sd * rng.standard_normal((42, 10)), axis=1)
        errors = {o: areas[:, o + h] - areas[:, o] - h * national[o] / o for o in range(2, 10 - h)}
        if not keep_shift:
            band_of = _own_median_band
        else:
            band_of = None if finite_sample else _nominal_levels_band
        tails, size = _tails(errors, band_of)
        counts, total = counts + tails, total + size
    return counts / total * 100


@settings(max_examples=4, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    growth_sd=st.sampled_from([0.005, 0.011]),
    area_sd=st.sampled_from([0.022, 0.042]),
    h=st.integers(1, 4),
)
def test_leave_out_band_recovers_nominal_coverage_when_a_national_trend_is_extrapolated(
    seed: int, growth_sd: float, area_sd: float, h: int
) -> None:
    """The design of the data rather than independent shifts: origins 2-6 years apart share
    target years, and the first origins' trends rest on two or three years of growth, so their
    shifts are larger (decision 0164). Pooled over 60 data sets, the band holds nominal
    coverage with each tail near its share at ICB-like and sub-ICB-like settings (simulated
    first with scripts/leave_out_band_simulation.py --process trend: 78.4-79.4% inside P10-P90
    and 92.8-94.1% inside P2.5-P97.5 at 1-4 years for the band of decision 0158, 200 data sets
    per setting; 79.3-80.1% and 93.2-94.2% for the module's band since decision 0173, 100 data
    sets per setting)."""
    b2, b10, a90, a97 = _trend_design_coverage(seed, growth_sd, area_sd, h, reps=60)
    assert abs(100 - b10 - a90 - 80) <= 5 and abs(100 - b2 - a97 - 95) <= 5
    assert abs(b10 - 10) <= 3 and abs(a90 - 10) <= 3
    assert abs(b2 - 2.5) <= 3 and abs(a97 - 2.5) <= 3


def test_positive_control_the_trend_design_without_the_shared_shift_is_too_narrow() -> None:
    # the same design, national growth sd 1.1% beside an ICB-like areas' spread of 2.2% a year,
    # 4 years ahead: each origin's forecasts share the error of its extrapolated trend, so a
    # band without that shift leaves far more than 20% of actuals outside P10-P90
    b2, b10, a90, a97 = _trend_design_coverage(5, 0.011, 0.022, 4, reps=60, keep_shift=False)
    assert 100 - b10 - a90 < 72 and 100 - b2 - a97 < 88


def test_effective_errors_by_hand() -> None:
    # two origins of three errors: medians -0.02 and +0.04, variance of the medians (ddof 1)
    # 0.0018; errors about their median -0.01, 0, +0.01 twice: variance 0.0001 / 1.5 =
    # 0.0000667; rho = 0.0018 / 0.0018667 = 0.9643; n = 6 / (1 + 2 x 0.9643) = 2.0488
    others = {2019: np.array([-0.03, -0.02, -0.01]), 2020: np.array([0.03, 0.04, 0.05])}
    assert ev.effective_errors(others) == pytest.approx(2.0488, abs=1e-4)
    # no shift at all (both medians 0): every error counts
    flat = {2019: np.array([-0.01, 0.0, 0.01]), 2020: np.array([-0.01, 0.0, 0.01])}
    assert ev.effective_errors(flat) == pytest.approx(6.0)
    # one origin: no shift variance known, its errors counted
    assert ev.effective_errors({2019: others[2019]}) == 3.0


def test_finite_sample_levels_by_hand() -> None:
    # 10 effective errors: each tail probability up to 0.1 times 10 / 11; between 0.1 and the
    # median a straight line: 0.3 -> 0.0909 + (0.2 / 0.4) x (0.5 - 0.0909) = 0.29545
    got = ev.finite_sample_levels(np.array([0.0, 0.025, 0.1, 0.3, 0.5, 0.9, 0.975, 1.0]), 10.0)
    want = [0.0, 0.025 * 10 / 11, 0.1 * 10 / 11, 0.295455, 0.5, 1 - 0.1 * 10 / 11]
    assert got[:6] == pytest.approx(want, abs=1e-6)
    assert got[6:] == pytest.approx([1 - 0.025 * 10 / 11, 1.0], abs=1e-9)


def test_leave_out_band_reads_its_tails_for_the_effective_number_by_hand() -> None:
    # the three origins of test_tail_specific_leave_out_band_by_hand: shifts -0.05, +0.01,
    # +0.02 (variance 0.0013); errors about their median +-0.01 (variance 0.0000667); rho =
    # 0.95122, n = 9 / (1 + 2 x 0.95122) = 3.1008. The band's P10 is then the nine deviations'
    # quantile at 0.1 x 3.1008 / 4.1008 = 0.07561 instead of 0.1 (linear interpolation between
    # the two lowest: -0.071283 + 0.6049 x 0.01), its median unchanged
    others = {
        2019: np.array([-0.06, -0.05, -0.04]),
        2020: np.array([0.00, 0.01, 0.02]),
        2021: np.array([0.01, 0.02, 0.03]),
    }
    centre = -0.02 / 3
    band, how = ev.leave_out_samples(np.array([100.0]), others, n_samples=4000)
    plain, _ = ev.leave_out_samples(np.array([100.0]), others, n_samples=4000, finite_sample=False)
    assert band is not None and plain is not None
    assert how.endswith("shifts' spread x 1.41, tails read for 3 effective errors)")
    logs, plain_logs = np.log(band[0] / 100), np.log(plain[0] / 100)
    assert np.quantile(logs, 0.1) == pytest.approx(centre - 0.071283 + 0.6049 * 0.01, abs=3e-4)
    assert np.quantile(plain_logs, 0.1) == pytest.approx(centre - 0.071283 + 0.8 * 0.01, abs=3e-4)
    assert np.median(logs) == pytest.approx(np.median(plain_logs), abs=1e-6)


def test_finite_sample_band_is_nearer_nominal_in_the_trend_design() -> None:
    # the evaluation's design at an ICB-like setting (national growth sd 1.1%, areas' yearly sd
    # 2.2%), 4 years ahead with 4 origins: the 0158 band holds about 78% inside P10-P90 in
    # expectation, the finite-sample band about 79% (simulated first with
    # scripts/leave_out_band_simulation.py --process trend: 78.0-78.1 against 79.2-79.8, 100
    # data sets per setting). Positive control: the same data sets with the tails at their
    # nominal levels fall further short of 80%.
    new = _trend_design_coverage(11, 0.011, 0.022, 4, reps=80)
    old = _trend_design_coverage(11, 0.011, 0.022, 4, reps=80, finite_sample=False)
    inside_new, inside_old = 100 - new[1] - new[2], 100 - old[1] - old[2]
    assert abs(inside_new - 80) < abs(inside_old - 80)
    assert inside_new - inside_old > 0.5
    assert abs(inside_new - 80) <= 1.5 and abs(100 - new[0] - new[3] - 95) <= 2.5
    assert abs(new[1] - 10) <= 1.5 and abs(new[2] - 10) <= 1.5
