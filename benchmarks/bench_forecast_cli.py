"""National Monte Carlo end to end through ``gpworkforce forecast`` (issue 9), with PySD and a
naive NumPy loop on the same model in the same run.

1. ``gpworkforce forecast scenarios/england/practices-mc.toml --draws 1000`` as a user runs it (a
   subprocess): every practice in GPW Year 2024 (~6,300) x 120 months x 1,000 draws, per-practice
   monthly P10/P50/P90, every measure per ICB and for England every month, P(meet the target) per
   ICB. Compute time (wall and CPU) is the CLI's own "computed in" line (central run + Monte Carlo
   + quantiles, not reading files or writing CSV); peak memory is the child's maximum RSS.
   Targets: <= 5 s compute, <= 2 GB peak.
2. The same through the CLI with a different age split in every practice (no two practices
   proportional, so the quantiles cannot be shared: the general path).
3. The naive NumPy loop an analyst would write for the same outputs: step [draws, practices]
   arrays month by month, ``np.quantile`` over the draws for every practice each month, ICB sums by
   a membership matrix. Its last-month practice quantiles are checked against the CLI's kernel.
4. PySD running ``benchmarks/gp_two_band.mdl`` (the same central model) for every practice x 120
   months, against the kernel the CLI uses (the engine on the basis organisations, then every
   practice's monthly GP FTE): speed ratio (target >= 500x) and largest relative difference over
   every practice and month (target <= 1e-9).

The machine is shared: the load average before and after each measurement is in its note.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import Result, load_average

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "england" / "practices-mc.toml"
MDL = Path(__file__).with_name("gp_two_band.mdl")
DRAWS = 1000
COMPUTED = re.compile(r"computed in ([0-9.]+) s \(([0-9.]+) s CPU\)")


def _cli(scenario: Path, out: Path) -> tuple[float, float, float, float, str]:
    """Run the CLI; (compute wall s, compute CPU s, total wall s, peak MB of the child, load)."""
    before = load_average()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("gpworkforce")),
            "forecast",
            str(scenario),
            "--draws",
            str(DRAWS),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    total = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    match = COMPUTED.search(proc.stderr)
    assert match is not None, proc.stderr
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return float(match[1]), float(match[2]), total, peak, f"{before}; after {load_average()}"


def _model() -> tuple[object, object, object]:
    from gpworkforce.domain.taxonomy import load_taxonomy
    from gpworkforce.forecast.build import compile_inputs
    from gpworkforce.forecast.io import load_cohort_data
    from gpworkforce.forecast.scenario_io import load_scenario

    loaded = load_scenario(SCENARIO)
    data = load_cohort_data(loaded)
    assert loaded.scenario.cohort is not None
    inputs = compile_inputs(loaded.scenario.cohort, data.stocks, load_taxonomy())
    return loaded, data, inputs


def _general_scenario(tmp: Path, data: object) -> Path:
    """The national scenario with each practice's own under-55 share (0.6-0.95, seeded)."""
    stocks = data.stocks  # type: ignore[attr-defined]
    patients = data.patients  # type: ignore[attr-defined]
    totals = stocks.groupby("org")[["headcount", "fte"]].sum()
    share = np.random.default_rng(2024).uniform(0.6, 0.95, len(totals))
    rows = []
    for (org, row), s in zip(totals.iterrows(), share, strict=True):
        rows.append(f"{org},GP,under55,{float(row.headcount * s)!r},{float(row.fte * s)!r}")
        rows.append(f"{org},GP,55+,{float(row.headcount * (1 - s))!r},{float(row.fte * (1 - s))!r}")
    (tmp / "stocks.csv").write_text("org,class,band,headcount,fte\n" + "\n".join(rows) + "\n")
    patients[["org", "registered"]].to_csv(tmp / "patients.csv", index=False)
    text = SCENARIO.read_text(encoding="utf-8")
    start = text.index("[cohort.initial.gpw]")
    end = text.index("[[cohort.leaving]]")
    text = text[:start] + '[cohort.initial]\ncsv = "stocks.csv"\n\n' + text[end:]
    text = text.replace(
        'driver = "list_growth"', 'driver = "list_growth"\npatients_csv = "patients.csv"'
    )
    path = tmp / "practices-mc-own-split.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _naive(
    loaded: object, inputs: object, groups: dict[str, str]
) -> tuple[float, float, np.ndarray]:
    """The naive loop; returns wall and CPU seconds and the last month's practice quantiles."""
    from gpworkforce.forecast.scenario import uncertain_fields
    from gpworkforce.forecast.uncertainty import draw_parameters

    s = loaded.scenario  # type: ignore[attr-defined]
    drawn = draw_parameters(uncertain_fields(s), DRAWS, s.seed)
    col = {n: drawn.column(n)[:, None] for n in drawn.names}
    fte = inputs.fte[:, 0, :]  # type: ignore[attr-defined]
    alloc = inputs.inflows[0].schedule[0] * 12 / 4000.0  # type: ignore[attr-defined]
    reg0 = loaded_registered(loaded, inputs)
    orgs = inputs.orgs  # type: ignore[attr-defined]
    names = sorted({groups.get(o, "unassigned") for o in orgs})
    member = np.zeros((len(orgs), len(names)))
    for i, o in enumerate(orgs):
        member[i, names.index(groups.get(o, "unassigned"))] = 1.0
    t0, c0 = time.perf_counter(), time.process_time()
    dt = 1 / 12
    q_u = 1 - (1 - col["cohort.leaving[0].annual_rate"]) ** dt
    q_o = 1 - (1 - col["cohort.leaving[1].annual_rate"]) ** dt
    grow = (1 + col["cohort.participation[0].annual_change"]) ** dt
    join = 4000 / 12 * col["cohort.inflows[0].retention"] * col["cohort.inflows[0].fte_per_head"]
    g = dt / 20
    u = np.repeat(fte[None, :, 0], DRAWS + 1, axis=0)
    o = np.repeat(fte[None, :, 1], DRAWS + 1, axis=0)
    target_step = 60
    practice_q = icb_q = eng_q = None
    for t in range(121):
        if t:
            u_stay = u * (1 - q_u)
            o = (o * (1 - q_o) + u_stay * g) * grow
            u = u_stay * (1 - g) * grow + join * alloc[None, :]
        total = u + o
        practice_q = np.quantile(total[1:], [0.1, 0.5, 0.9], axis=0)
        icb = total @ member
        icb_q = np.quantile(icb[1:], [0.1, 0.5, 0.9], axis=0)
        eng_q = np.quantile(icb[1:].sum(axis=1), [0.1, 0.5, 0.9])
        if t == target_step:
            reg = reg0 @ member * (1 + col["cohort.demand.list_growth_rate"]) ** (t / 12)
            p_meet = np.mean(icb[1:] >= 0.45 * reg[1:] / 1000, axis=0)
    assert icb_q is not None and eng_q is not None and p_meet is not None
    return time.perf_counter() - t0, time.process_time() - c0, practice_q


def loaded_registered(loaded: object, inputs: object) -> np.ndarray:
    from gpworkforce.forecast.io import load_cohort_data

    patients = load_cohort_data(loaded).patients.set_index("org")  # type: ignore[arg-type,union-attr]
    return patients.loc[list(inputs.orgs), "registered"].to_numpy(dtype=float)  # type: ignore[attr-defined]


def _kernel_paths(inputs: object, params: object) -> np.ndarray:
    """What the CLI computes for the central case: basis run, then every practice's GP FTE
    (with one BLAS thread, as the CLI runs it)."""
    from gpworkforce.forecast.blas import one_blas_thread
    from gpworkforce.forecast.kernels.linear import linear_response

    with one_blas_thread():
        resp = linear_response(inputs, params)  # type: ignore[arg-type]
        assert resp is not None
        coeff = resp.class_weighted("fte", np.ones((1, 1)))[0]  # [T+1, B]
        return coeff @ resp.x_fte  # [T+1, O]


def _pysd(inputs: object, params: object) -> list[Result]:
    from benchmarks.twoband import TwoBandRates
    from benchmarks.twoband_pysd import load_model, run_model

    fte = inputs.fte[:, 0, :]  # type: ignore[attr-defined]
    trainees = inputs.inflows[0].schedule[0] * 12  # type: ignore[attr-defined]
    rates = TwoBandRates(0.7, 0.67, 0.05, 0.06, 0.15, 0.02)  # the scenario's central values
    with tempfile.TemporaryDirectory() as tmp:
        model = load_model(MDL, fte.shape[0], Path(tmp))
        before = load_average()
        t0, c0 = time.perf_counter(), time.process_time()
        theirs = run_model(model, fte[:, 0], fte[:, 1], trainees, rates, 120).total
        pysd_s, pysd_cpu = time.perf_counter() - t0, time.process_time() - c0
    runs, cpus = [], []
    for _ in range(20):
        t0, c0 = time.perf_counter(), time.process_time()
        ours = _kernel_paths(inputs, params)
        runs.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    ours_s = min(runs)
    ours_cpu = float(np.median(cpus))
    zero = theirs == 0
    rel = float(np.max(np.abs(ours[~zero] - theirs[~zero]) / np.abs(theirs[~zero])))
    exact_zero = bool(np.all(np.abs(ours[zero]) < 1e-300))
    n = fte.shape[0]
    return [
        Result(
            f"PySD, {n:,} practices x 120 months (central)",
            pysd_s,
            "s",
            note=f"CPU {pysd_cpu:.2f} s; {before}",
        ),
        Result(
            "the CLI's kernel, same model: basis run + every practice's monthly FTE",
            ours_s * 1000,
            "ms",
            note=f"best of 20; median {np.median(runs) * 1000:.1f} ms; median CPU"
            f" {ours_cpu * 1000:.1f} ms",
        ),
        Result(
            "speed ratio PySD / CLI kernel (wall, best)",
            pysd_s / ours_s,
            "x",
            target=500,
            lower_is_better=False,
            note=f"CPU-time ratio {pysd_cpu / max(ours_cpu, 1e-9):.0f}x",
        ),
        Result(
            "largest relative difference from PySD, every practice and month",
            rel if exact_zero else float("inf"),
            "",
            target=1e-9,
        ),
    ]


def run() -> list[Result]:
    from gpworkforce.forecast.build import build_assumptions
    from gpworkforce.forecast.calibration import icb_map
    from gpworkforce.forecast.kernels.linear import linear_response

    results = []
    loaded, data, inputs = _model()
    with tempfile.TemporaryDirectory() as tmp:
        comp, cpu, total, peak, load = _cli(SCENARIO, Path(tmp) / "out")
        results += [
            Result(
                f"gpworkforce forecast national, {DRAWS:,} draws: compute (wall)",
                comp,
                "s",
                target=5.0,
                note=f"CPU {cpu:.2f} s; whole command {total:.1f} s (reading GPW and the"
                f" registry, writing CSV); {load}",
            ),
            Result("same: peak memory of the command", peak, "MB", target=2048),
        ]
        general = _general_scenario(Path(tmp), data)
        comp2, cpu2, total2, _, load2 = _cli(general, Path(tmp) / "out2")
        results.append(
            Result(
                "same with every practice's own age split (no shared quantiles): compute (wall)",
                comp2,
                "s",
                target=5.0,
                note=f"CPU {cpu2:.2f} s; whole command {total2:.1f} s; {load2}",
            )
        )
        ours = np.loadtxt(
            Path(tmp) / "out" / "every_step.csv",
            delimiter=",",
            skiprows=1,
            usecols=(4, 5, 6),
            encoding="utf-8-sig",
            max_rows=None,
        )[-len(inputs.orgs) :]  # type: ignore[attr-defined]
    before = load_average()
    naive_s, naive_cpu, naive_q = _naive(loaded, inputs, icb_map())
    gap = float(np.max(np.abs(naive_q.T - ours)))
    results.append(
        Result(
            "naive NumPy loop, same outputs (practice, ICB, England quantiles, P(meet) per ICB)",
            naive_s,
            "s",
            note=f"CPU {naive_cpu:.2f} s; {before}; after {load_average()}; largest difference from the"
            " CLI's last-month"
            f" practice quantiles {gap:.3f} WTE (CSV has 2 decimals)",
        )
    )
    params = build_assumptions(loaded.scenario.cohort).engine  # type: ignore[attr-defined]
    assert linear_response(inputs, params) is not None  # type: ignore[arg-type]
    results += _pysd(inputs, params)
    return results
