"""Loaders: a national raw "Practice Level - Detailed" file (full current layout) and the registry.

The GPW file is synthetic (see ``gpworkforce.loaders.synthetic_gpw``): ~6,400 practices with
every column of the current layout, written to a temporary directory and loaded and validated
by :func:`gpworkforce.loaders.load_gpw_detailed`. Target (issue 2): under 1 s.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from benchmarks.common import Result, best_of, peak_rss_mb
from gpworkforce.loaders import build_registry, load_gpw_detailed, load_practice_year_gp_admin
from gpworkforce.loaders.registry import _cached_registry
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
    seconds, _ = best_of(
        lambda: load_practice_year_gp_admin(nhs_file("gpw_practice_fy2016_2024_gp_admin.csv")), 3
    )
    results.append(Result("load practice-year file (62,673 rows)", seconds, "s"))
    results.append(Result("peak memory", peak_rss_mb(), "MB"))
    return results
