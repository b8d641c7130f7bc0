"""Baseline tables for every ICB, sub-ICB location and PCN of England (issue 2: under 1 s).

The real national files have staff groups only, so the workforce is synthesised at full role
detail: every practice open on the census date in the real national registry gets a row for
every taxonomy leaf (seeded random headcount and FTE), with its real registered list size from
the GPW staff-groups file and a weighted list size of registered x U(0.8, 1.2). The timed calls
are the library's public ones, on data that has not been selected or cut to the period yet.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from benchmarks.common import Result, best_of, peak_rss_mb
from gpworkforce.baseline import BaselineData
from gpworkforce.baseline.report import baseline_all_levels, baseline_report
from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.loaders import build_registry, load_practice_year_staff_groups
from gpworkforce.paths import nhs_file
from gpworkforce.tables import PATIENTS, WORKFORCE, conform

CENSUS = dt.date(2024, 3, 31)
SOURCE = "gpw-practice-detailed:2024-03-31:2024-05-01:benchmark0001"
SEED = 20171001


def national_data(registry: OrgRegistry) -> BaselineData:
    """A national WORKFORCE frame with every taxonomy leaf for every practice open on CENSUS."""
    rng = np.random.default_rng(SEED)
    practices = sorted(registry.practice_map(CENSUS, OrgType.ICB))
    leaves = sorted(load_taxonomy().leaves)
    n = len(practices) * len(leaves)
    headcount = rng.poisson(1.5, n).astype(float)
    fte = np.round(headcount * rng.uniform(0.4, 1.0, n), 2)
    workforce = conform(
        pd.DataFrame(
            {
                "practice_code": np.repeat(practices, len(leaves)),
                "period": pd.Timestamp(CENSUS),
                "node": np.tile(leaves, len(practices)),
                "headcount": headcount,
                "fte": fte,
                "source_id": SOURCE,
            }
        ),
        WORKFORCE,
    )
    loaded = load_practice_year_staff_groups(nhs_file("gpw_practice_fy2023_2025_staff_groups.csv"))
    pats = loaded.patients.loc[loaded.patients["period"] == pd.Timestamp(CENSUS)].copy()
    pats["weighted"] = (pats["registered"] * rng.uniform(0.8, 1.2, len(pats))).astype("Float64")
    return BaselineData(workforce=workforce, registry=registry, patients=conform(pats, PATIENTS))


def run() -> list[Result]:
    registry = build_registry()
    data = national_data(registry)
    practices = data.workforce["practice_code"].nunique()
    rows = len(data.workforce)
    seconds, tables = best_of(lambda: baseline_all_levels(data, CENSUS, source="gpw"), repeats=5)
    counts = ", ".join(f"{t.key} {len(t.frame)}" for t in tables)
    with_roles, _ = best_of(
        lambda: baseline_all_levels(data, CENSUS, source="gpw", roles=True), repeats=3
    )
    icb = registry.practice_map(CENSUS, OrgType.ICB)
    one_icb = sorted(set(icb.values()))[0]
    report_s, report = best_of(
        lambda: baseline_report(data, one_icb, CENSUS, source="gpw", include_series=False),
        repeats=3,
    )
    return [
        Result(
            "baseline_all_levels: staff + per-1,000 tables, every ICB/sub-ICB/PCN",
            seconds,
            "s",
            target=1.0,
            note=f"{practices} practices, {rows} leaf rows; {counts}",
        ),
        Result(
            "baseline_all_levels with role columns (every role HC/WTE)",
            with_roles,
            "s",
            target=1.0,
        ),
        Result(
            f"baseline_report for one ICB ({one_icb}) on the national frame",
            report_s,
            "s",
            note=f"{len(report)} tables",
        ),
        Result("peak RSS of the benchmark process", peak_rss_mb(), "MB"),
    ]
