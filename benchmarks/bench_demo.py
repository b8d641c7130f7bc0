"""Demo build time: the LLR 2017 demo (target ~5 s, issue 2 item 6 brief) and the national view."""

from __future__ import annotations

import time

from benchmarks.common import Result, best_of, peak_rss_mb
from gpworkforce.demo import build_llr_2017, build_national
from gpworkforce.demo.real import read_real_inputs
from gpworkforce.demo.synth import generate_returns
from gpworkforce.paths import shared_data_dir


def run() -> list[Result]:
    data = shared_data_dir()
    t0 = time.perf_counter()
    build_llr_2017(data)
    cold = time.perf_counter() - t0  # includes building the national registry (then cached)
    warm, _ = best_of(lambda: build_llr_2017(data), repeats=3)
    real = read_real_inputs(data)
    gen, _ = best_of(lambda: generate_returns(real.practices, 2017), repeats=5)
    national, _ = best_of(lambda: build_national(data), repeats=3)
    return [
        Result("llr_2017 build, first call (cold registry)", cold, "s", target=5.0),
        Result("llr_2017 build, registry cached", warm, "s", target=5.0),
        Result("llr_2017 synthetic returns generation only", gen, "s", target=5.0),
        Result("national view build", national, "s"),
        Result("peak RSS", peak_rss_mb(), "MB"),
    ]
