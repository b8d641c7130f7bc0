"""A small cohort Monte Carlo case with organisations in their own orders of the runs
(``[correlation] draws = 'independent'`` / ``'hierarchical'``), shared by the correlation tests.

18 practices in 3 ICBs, 2 classes x 2 age bands, a trainee inflow shared by GP FTE, demand per
1,000 patients with growing lists, costs of the gap, quarterly for 3 years, 40 draws of 5
uncertain assumptions. Practices 0-8 share one age split (their paths are proportional), the
others each have their own, so both the shared-direction and the general cases are exercised.

``tests/data/correlation_reference.npz`` holds what the summary produced for this case before
the group sums were computed from each run's weights (the per-step gather of every practice's
values, main at 3de12a1): every per-group path, each class's FTE per draw and the shortfall, for
both modes. Regenerate only on purpose (it overwrites): ``.venv/bin/python
tests/correlation_case.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.cohort_mc import CohortSummary, SummaryOptions, run_cohort_summary
from gpworkforce.forecast.scenario import uncertain_fields
from gpworkforce.forecast.uncertainty import draw_parameters

REFERENCE = Path(__file__).with_name("data") / "correlation_reference.npz"
DRAWS = 40
SEED = 5
PRACTICES = [f"{icb}{i:02d}" for icb in ("X", "Y", "Z") for i in range(6)]
GROUPS = {o: o[0] for o in PRACTICES}
MODES = ("independent", "hierarchical")


def config() -> CohortConfig:
    rows, patients = [], []
    for i, o in enumerate(PRACTICES):
        young = 0.7 if i < 9 else 0.3 + 0.04 * i  # 0-8 alike, the rest each their own split
        gp = 3.0 + (i % 5)
        for band, share in (("u55", young), ("55+", 1.0 - young)):
            rows.append(
                {"org": o, "class": "GP", "band": band, "headcount": gp * share, "fte": gp * share}
            )
        rows.append({"org": o, "class": "ANP", "band": "u55", "headcount": 1.0 + i % 3, "fte": 0.8})
        patients.append({"org": o, "registered": 4000.0 + 350.0 * i})
    raw: dict[str, Any] = {
        "start": dt.date(2024, 3, 31),
        "years": 3,
        "step": "quarter",
        "bands": [{"label": "u55", "width_years": 20}, {"label": "55+"}],
        "classes": [
            {"code": "GP", "role": "GP_QUALIFIED"},
            {
                "code": "ANP",
                "role": "NURSE_ANP",
                "gp_equivalent": {"kind": "uniform", "low": 0.3, "high": 0.5},
            },
        ],
        "initial": {"rows": rows},
        "leaving": [
            {
                "kind": "early",
                "bands": ["u55"],
                "annual_rate": {"kind": "uniform", "low": 0.02, "high": 0.12},
            },
            {
                "kind": "retirement",
                "bands": ["55+"],
                "annual_rate": {"kind": "triangular", "low": 0.1, "mode": 0.15, "high": 0.25},
            },
        ],
        "inflows": [
            {
                "name": "Newly qualified GPs",
                "kind": "trainees",
                "per_year": [12.0],
                "retention": {"kind": "uniform", "low": 0.5, "high": 0.9},
                "destinations": [{"class": "GP", "share": 1.0}],
                "band": "u55",
                "allocation": "gp_fte",
            }
        ],
        "demand": {
            "rule": "per_1000_target",
            "per_1000": 0.6,
            "driver": "list_growth",
            "list_growth_rate": {"kind": "uniform", "low": 0.0, "high": 0.02},
            "patients": patients,
        },
    }
    return CohortConfig.model_validate(raw)


def values(cfg: CohortConfig) -> dict[str, np.ndarray]:
    fields = uncertain_fields(cfg, "cohort")
    drawn = draw_parameters(fields, DRAWS, SEED)
    return {n: drawn.column(n) for n in drawn.names}


def patients(cfg: CohortConfig) -> pd.DataFrame:
    assert cfg.demand is not None
    return pd.DataFrame([p.model_dump(by_alias=True) for p in cfg.demand.patients])


def summary(mode: str, **options: Any) -> CohortSummary:
    cfg = config()
    opts = SummaryOptions(
        groups=GROUPS,
        correlation=mode,  # type: ignore[arg-type]
        group_share=0.5,
        seed=SEED,
        **options,
    )
    return run_cohort_summary(
        cfg, stock_frame(cfg), patients=patients(cfg), values=values(cfg), options=opts
    )


def arrays(s: CohortSummary, mode: str) -> dict[str, np.ndarray]:
    out = {f"{mode}/path/{k}": v for k, v in s.group_paths.items()}
    assert s.class_fte is not None and s.shortfall is not None
    out[f"{mode}/class_fte"] = s.class_fte
    out[f"{mode}/shortfall"] = s.shortfall
    return out


if __name__ == "__main__":  # pragma: no cover - regenerates the reference on purpose
    saved: dict[str, np.ndarray] = {}
    for m in MODES:
        saved |= arrays(summary(m), m)
    REFERENCE.parent.mkdir(exist_ok=True)
    np.savez_compressed(REFERENCE, **saved)
    print(f"wrote {REFERENCE} ({REFERENCE.stat().st_size:,} bytes, {len(saved)} arrays)")
