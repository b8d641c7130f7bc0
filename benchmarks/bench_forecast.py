"""Forecast benchmarks (issue 3): PySD vs our engine, national Monte Carlo, one ICS cohort run.

1. The two-age-band GP model (``benchmarks/gp_two_band.mdl``) for 6,300 practices x 36 monthly
   steps, run by PySD and by :func:`benchmarks.twoband.simulate` in this process:
   largest relative difference (target <= 1e-9) and the speed ratio (target >= 1,000x).
2. National practice-level Monte Carlo of the same model: 1,000 draws x 6,300 practices x 120
   monthly steps with per-draw parameters, streaming ICB and England totals per step, then
   P10/P50/P90 per step and ICB and the probability that England ends above its start (target
   <= 3 s, peak memory <= 4 GB).
3. One ICS deterministic cohort run with the forecast-core engine: every taxonomy leaf role, 10
   age bands, monthly, 10 years, for LLR's practices (target <= 50 ms).

Practices, their ICBs and their qualified GP FTE are real (GPW Year 2024, the first 6,300
practices by ICB); the split at 55, trainees and rates are illustrative (see docs/performance.md).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import Result, best_of, peak_rss_mb
from benchmarks.twoband import (
    PARAMETERS,
    TwoBandRates,
    monte_carlo_group_totals,
    monte_carlo_group_totals_linear,
    simulate,
    simulate_with_engine,
)
from gpworkforce.forecast.uncertainty import Dist, draw_parameters, fan_chart

MDL = Path(__file__).with_name("gp_two_band.mdl")
N_PRACTICES = 6300
OVER55_SHARE = 0.2
TRAINEES_PER_YEAR = 4000.0
CENTRAL = TwoBandRates(0.7, 0.67, 0.05, 0.06, 0.15, 0.02)
DISTRIBUTIONS = {
    "retention": Dist.interval80(0.6, 0.8),
    "joiner_participation": Dist.triangular(0.6, 0.67, 0.7),
    "ageing_rate": Dist.uniform(0.04, 0.06),
    "early_leaving_rate": Dist.triangular(0.04, 0.06, 0.08),
    "retirement_rate": Dist.triangular(0.12, 0.15, 0.18),
    "session_reduction": Dist.uniform(0.01, 0.03),
}


def practices() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Under-55 FTE, 55+ FTE, trainees a year, ICB index (sorted) and ICB codes of 6,300 practices."""
    from gpworkforce.forecast.calibration import GP_ADMIN_FILE, icb_map, load_panel
    from gpworkforce.paths import nhs_file

    panel = load_panel(nhs_file(GP_ADMIN_FILE))
    year = panel.loc[(panel["fy"] == 2024) & panel["fte"].notna()].copy()
    mapping = icb_map()
    year["icb"] = year["practice_code"].map(mapping)
    year = year.dropna(subset=["icb"]).sort_values(["icb", "practice_code"]).head(N_PRACTICES)
    codes = sorted(year["icb"].unique())
    group = year["icb"].map({c: i for i, c in enumerate(codes)}).to_numpy()
    fte = year["fte"].to_numpy(dtype=float)
    trainees = TRAINEES_PER_YEAR * fte / fte.sum()
    return fte * (1 - OVER55_SHARE), fte * OVER55_SHARE, trainees, group, codes


def bench_pysd(u0: np.ndarray, o0: np.ndarray, trainees: np.ndarray) -> list[Result]:
    from benchmarks.twoband_pysd import load_model, run_model

    steps = 36
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        model = load_model(MDL, len(u0), Path(tmp))
        translate = time.perf_counter() - t0
        pysd_s, theirs = best_of(lambda: run_model(model, u0, o0, trainees, CENTRAL, steps), 3)
    ours_s, ours = best_of(lambda: simulate(u0, o0, trainees, CENTRAL, steps), 50)
    engine_s, engine = best_of(
        lambda: simulate_with_engine(u0, o0, trainees, CENTRAL, steps, threads=2), 5
    )
    rel = 0.0
    pairs = [(ours.under55, theirs.under55), (ours.over55, theirs.over55)]
    pairs += [(engine.under55, theirs.under55), (engine.over55, theirs.over55)]
    for mine, ref in pairs:
        zero = ref == 0  # practices with no GPs stay at exactly zero in both
        if not np.array_equal(mine[zero], ref[zero]):
            rel = float("inf")
        rel = max(rel, float(np.max(np.abs(mine[~zero] - ref[~zero]) / np.abs(ref[~zero]))))
    return [
        Result(
            "PySD two-band model, 6,300 practices x 36 months",
            pysd_s,
            "s",
            note=f"translation of the .mdl {translate:.2f} s not included",
        ),
        Result("our engine, same model and inputs", ours_s * 1000, "ms"),
        Result(
            "forecast-core cohort engine, same model (6,300 orgs x 1 class x 2 bands)",
            engine_s * 1000,
            "ms",
            note=f"ratio PySD / cohort engine {pysd_s / engine_s:.0f}x",
        ),
        Result("largest relative difference, ours and cohort engine vs PySD", rel, "", target=1e-9),
        Result("speed ratio PySD / ours", pysd_s / ours_s, "x", target=1000, lower_is_better=False),
    ]


def national_monte_carlo(
    u0: np.ndarray,
    o0: np.ndarray,
    trainees: np.ndarray,
    group: np.ndarray,
    codes: list[str],
    threads: int = 2,
    linear: bool = False,
) -> tuple[np.ndarray, float]:
    """Draw, simulate, summarise. Returns the fan-chart quantiles and P(England keeps 90% of its FTE)."""
    draws = draw_parameters(DISTRIBUTIONS, 1000, master_seed=20170930)
    rates = TwoBandRates.from_columns(draws.values, draws.names)
    if linear:
        totals = monte_carlo_group_totals_linear(u0, o0, trainees, rates, group, 120)
    else:
        totals = monte_carlo_group_totals(u0, o0, trainees, rates, group, 120, threads=threads)
    icb = totals.total  # (runs, steps + 1, ICBs)
    england = icb.sum(axis=2, keepdims=True)
    runs = np.concatenate([icb, england], axis=2)
    fan = fan_chart(runs, list(range(121)), [*codes, "ENG"], measure="fte")
    prob = float(np.mean(england[1:, -1, 0] >= 0.9 * england[0, 0, 0]))
    return fan[["p10", "p50", "p90"]].to_numpy(), prob


def bench_monte_carlo(
    u0: np.ndarray, o0: np.ndarray, trainees: np.ndarray, group: np.ndarray, codes: list[str]
) -> list[Result]:
    assert tuple(sorted(DISTRIBUTIONS)) == tuple(sorted(PARAMETERS))
    two, (fan2, prob) = best_of(lambda: national_monte_carlo(u0, o0, trainees, group, codes), 3)
    one, (fan1, _) = best_of(lambda: national_monte_carlo(u0, o0, trainees, group, codes, 1), 2)
    lin, (fan_lin, _) = best_of(
        lambda: national_monte_carlo(u0, o0, trainees, group, codes, linear=True), 3
    )
    same = bool(np.array_equal(fan1, fan2))
    close = float(np.max(np.abs(fan_lin - fan2) / np.abs(fan2)))
    return [
        Result(
            "national MC 1,000 draws x 6,300 practices x 120 months, 2 threads",
            two,
            "s",
            target=3.0,
            note=f"P(England keeps 90% of its FTE) = {prob:.2f}; "
            f"1 thread gives identical results: {same}",
        ),
        Result("same, 1 thread", one, "s"),
        Result(
            "same outputs via the model's linearity (step run on 3 basis inputs per draw)",
            lin,
            "s",
            target=3.0,
            note=f"largest relative difference from the brute-force fan chart {close:.1e}",
        ),
        Result("peak memory of the benchmark process so far", peak_rss_mb(), "MB", target=4096),
    ]


def ics_cohort_inputs(n_orgs: int) -> tuple[object, object]:
    """LLR-sized synthetic cohort inputs for the forecast-core engine: all leaves, 10 bands."""
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.forecast.engine import EngineInputs, EngineParams, InflowStream

    tax = load_taxonomy()
    classes = tuple(sorted(n.code for n in tax.nodes.values() if n.kind == "leaf"))
    bands = (*(f"{20 + 5 * i}-{24 + 5 * i}" for i in range(9)), "65+")
    rng = np.random.default_rng(2017)
    k, a, t = len(classes), len(bands), 120
    hc = rng.uniform(0, 3, (n_orgs, k, a))
    fte = hc * rng.uniform(0.5, 1.0, (n_orgs, k, a))
    share = np.zeros((k, a))
    share[:, 1] = 1.0 / k
    streams = (
        InflowStream("trainees", rng.uniform(0, 0.2, (t, n_orgs)), share),
        InflowStream("international", rng.uniform(0, 0.05, (t, n_orgs)), share),
    )
    inputs = EngineInputs(
        orgs=tuple(f"P{i}" for i in range(n_orgs)),
        classes=classes,
        bands=bands,
        headcount=hc,
        fte=fte,
        steps_per_year=12,
        n_steps=t,
        inflows=streams,
    )
    leave = np.tile(np.linspace(0.04, 0.25, a), (k, 1))
    trans = np.zeros((k, k))
    trans[0, 1] = 0.05
    params = EngineParams(
        leave_rate=leave,
        transition_rate=trans,
        band_width_years=np.r_[np.full(a - 1, 5.0), np.inf],
        participation_rate=np.full(k, -0.01),
        inflow_multiplier=np.array([0.75, 0.9]),
        inflow_fte_per_head=np.array([0.67, 0.9]),
    )
    return inputs, params


def bench_cohort() -> list[Result]:
    from gpworkforce.forecast.engine import run

    out = []
    cases = ((130, "130 practices"), (141, "141 practices"), (1, "the ICS as one organisation"))
    for n_orgs, what in cases:
        inputs, params = ics_cohort_inputs(n_orgs)
        secs, _ = best_of(lambda i=inputs, p=params: run(i, p), 9)  # type: ignore[misc]
        out.append(
            Result(
                f"ICS cohort run, {what}, 42 roles x 10 bands x 120 months, monthly records",
                secs * 1000,
                "ms",
                target=50,
            )
        )
    return out


def run() -> list[Result]:
    u0, o0, trainees, group, codes = practices()
    results = bench_monte_carlo(u0, o0, trainees, group, codes)
    results += bench_pysd(u0, o0, trainees)
    results += bench_cohort()
    return results
