"""From practice returns to a forecast: the demo's LLR 2017 returns -> DEMOGRAPHY -> starting
stocks for every role in ten age bands -> a ten-year monthly cohort run for the ICS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce import tables
from gpworkforce.demo import build_llr_2017
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.engine import EngineOptions
from gpworkforce.forecast.inputs import gpw_band_specs, stocks_from_demography
from gpworkforce.returns.convert import returns_to_tables


def test_returns_to_an_ics_cohort_run(shared_data: Path) -> None:
    demo = build_llr_2017(shared_data)
    tax = load_taxonomy()
    returned = returns_to_tables(demo.returns)
    roles = sorted(
        n.code
        for n in tax.nodes.values()
        if n.kind in ("role", "leaf") and n.parent in ("GP", "NURSE", "DPC", "ADMIN")
    )
    gp_target = tax.leaves_of("GP_TARGET")
    classes = [
        {
            "code": r,
            "role": r,
            "gp_equivalent": 1.0
            if tax.leaves_of(r) <= gp_target
            else (1 / 3 if r == "NURSE_ANP" else 0.0),
        }
        for r in roles
    ]
    bands = [b.model_dump() for b in gpw_band_specs()]
    retire = {"55-59": 0.08, "60-64": 0.15, "65-69": 0.3, "70+": 0.5}  # rising with age
    cfg = CohortConfig.model_validate(
        {
            "start": demo.census_date,
            "years": 10,
            "step": "month",
            "bands": bands,
            "classes": classes,
            "initial": {"rows": []},
            "leaving": [{"kind": "early", "annual_rate": 0.03}]
            + [{"kind": "retirement", "bands": [b], "annual_rate": r} for b, r in retire.items()],
            "transitions": [
                {"from": "GP_SALARIED", "to": "GP_PARTNER", "annual_rate": 0.05},
                {"from": "GP_LOCUM", "to": "GP_SALARIED", "annual_rate": 0.1},
            ],
            "participation": [{"classes": ["GP_PARTNER", "GP_SALARIED"], "annual_change": -0.02}],
            "inflows": [
                {
                    "name": "Newly qualified GPs",
                    "kind": "trainees",
                    "per_year": [51],
                    "retention": 0.8,
                    "joining_profile": [
                        {"months": 6, "cumulative_share": 0.34},
                        {"months": 12, "cumulative_share": 0.48},
                        {"months": 24, "cumulative_share": 0.62},
                    ],
                    "destinations": [{"class": "GP_SALARIED", "share": 1.0}],
                    "band": "30-34",
                    "fte_per_head": 0.67,
                }
            ],
        }
    )
    ics = dict.fromkeys(demo.ccg_of, "LLR")
    built = stocks_from_demography(
        returned.demography,
        period=demo.census_date,
        classes=cfg.classes,
        band_of={b["label"]: b["label"] for b in bands},
        tax=tax,
        org_of=ics,
    )
    assert built.dropped == ()
    fc = run_cohort(cfg, built.stocks, options=EngineOptions(record_flows=True))
    assert fc.orgs == ("LLR",)
    assert fc.engine.headcount.shape == (1, 121, 1, len(roles), 10)
    # the starting GP supply is exactly what the practices returned for the GP target roles
    target_rows = tables.resolve(returned.workforce, "GP_TARGET", tax)
    assert fc.supply_fte[0, 0, 0] == pytest.approx(float(target_rows["fte"].sum()))
    flows = fc.engine.flows
    assert flows is not None
    np.testing.assert_allclose(np.diff(fc.engine.headcount, axis=1), flows.net_hc(), atol=1e-8)
    assert (fc.engine.headcount >= 0).all()
    # people leave and age through the bands
    assert flows.leavers_hc.sum() > 0 and flows.aged_in_hc.sum() > 0
