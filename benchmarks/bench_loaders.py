"""Loaders: a national raw "Practice Level - Detailed" file (full current layout), the registry,
and a national ODS ePCN workbook (synthetic, from the real January 2022 practice map).

The GPW file is synthetic (see ``gpworkforce.loaders.synthetic_gpw``): ~6,400 practices with
every column of the current layout, written to a temporary directory and loaded and validated
by :func:`gpworkforce.loaders.load_gpw_detailed`. Target (issue 2): under 1 s.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Result, best_of, load_average, peak_rss_mb
from gpworkforce.loaders import build_registry, load_gpw_detailed, load_practice_year_gp_admin
from gpworkforce.loaders.epcn import read_epcn
from gpworkforce.loaders.registry import _cached_registry
from gpworkforce.loaders.synthetic_epcn import write_epcn_from_map
from gpworkforce.loaders.synthetic_gpw import NATIONAL_PRACTICES, synthetic_detailed_csv
from gpworkforce.paths import nhs_file, shared_data_dir


def run() -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gpw_practice_detailed_synthetic.csv"
        text = synthetic_detailed_csv(NATIONAL_PRACTICES)
        path.write_text(text, encoding="utf-8")
        n_cols = text.split("\n", 1)[0].count(",") + 1
        seconds, loaded = best_of(lambda: load_gpw_detailed(path, period=dt.date(2024, 9, 30)), 5)
        results.append(
            Result(
                "load+validate national GPW detailed CSV",
                seconds,
                "s",
                target=1.0,
                note=f"{NATIONAL_PRACTICES} practices x {n_cols} columns, "
                f"{path.stat().st_size / 1e6:.1f} MB -> {len(loaded.workforce):,} workforce + "
                f"{len(loaded.demography):,} demography rows",
            )
        )

    def cold_registry() -> object:
        _cached_registry.cache_clear()
        return build_registry(shared_data_dir())

    seconds, registry = best_of(cold_registry, 3)
    results.append(
        Result(
            "build national registry (cold)",
            seconds,
            "s",
            target=2.0,
            note=f"{len(registry.organisations):,} organisations, {len(registry.links):,} links",
        )
    )
    seconds, _ = best_of(lambda: build_registry(shared_data_dir()), 5)
    results.append(Result("build_registry (cached)", seconds, "s", target=0.01))
    results += _epcn()
    seconds, _ = best_of(
        lambda: load_practice_year_gp_admin(nhs_file("gpw_practice_fy2016_2024_gp_admin.csv")), 3
    )
    results.append(Result("load practice-year file (62,673 rows)", seconds, "s"))
    results.append(Result("peak memory", peak_rss_mb(), "MB"))
    return results


def _cpu_best(fn: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds (this process) over ``repeats`` calls."""
    wall = cpu = float("inf")
    out: object = None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu, out


def _epcn() -> list[Result]:
    """A national ePCN workbook (every practice of the January 2022 map in its PCN): read and
    checked, and the registry built cold with it (decision 0153)."""
    on = dt.date(2024, 6, 30)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_epcn_from_map(
            nhs_file("gp_reg_pat_prac_map_2022-01.csv"), Path(tmp) / "ePCN.xlsx"
        )
        wall, cpu, found = _cpu_best(lambda: read_epcn(path, on), 3)
        size = f"{path.stat().st_size / 1e6:.2f} MB, {len(found.members):,} relationships"  # type: ignore[attr-defined]
        read = Result(
            "read+check national ePCN workbook", wall, "s",
            note=f"CPU {cpu:.2f} s; {size}; {load_average()}",
        )  # fmt: skip

        def cold() -> object:
            _cached_registry.cache_clear()
            return build_registry(shared_data_dir(), epcn=[(on, path)])

        before = os.environ.get("GPWORKFORCE_CACHE_DIR")
        os.environ["GPWORKFORCE_CACHE_DIR"] = "off"  # the disk cache would hide the build
        try:
            wall, cpu, registry = _cpu_best(cold, 3)
        finally:
            if before is None:
                del os.environ["GPWORKFORCE_CACHE_DIR"]
            else:
                os.environ["GPWORKFORCE_CACHE_DIR"] = before
        build = Result(
            "build national registry with the ePCN (cold)", wall, "s",
            note=f"CPU {cpu:.2f} s; {len(registry.links):,} links; {load_average()}",  # type: ignore[attr-defined]
        )  # fmt: skip
    return [read, build]
