"""Random cohort scenarios through the whole build: engine == reference, invariants, sane outputs;
and corrupted scenario files never crash the loader (a user error, never a traceback)."""

from __future__ import annotations

import contextlib
import copy
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gpworkforce.errors import UserError
from gpworkforce.forecast.build import build_assumptions, compile_inputs, stock_frame
from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.engine import EngineOptions, run
from gpworkforce.forecast.scenario_io import load_scenario
from reference_engine import run_reference

SAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "sample.toml"
ROLES = ["GP_PARTNER", "GP_SALARIED", "GP_LOCUM", "NURSE_ANP", "DPC_PHARMACIST"]
share = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def scenarios(draw: st.DrawFn) -> CohortConfig:
    n_b = draw(st.integers(1, 3))
    n_k = draw(st.integers(1, 3))
    bands = [{"label": f"b{i}", "width_years": draw(st.floats(1.0, 20.0))} for i in range(n_b - 1)]
    bands.append({"label": f"b{n_b - 1}"})
    classes = [
        {
            "code": f"c{i}",
            "role": draw(st.sampled_from(ROLES)),
            "gp_equivalent": draw(st.floats(0.0, 1.0)),
            "supervision_gp_fte": draw(st.floats(0.0, 0.2)),
        }
        for i in range(n_k)
    ]
    cls = st.sampled_from([c["code"] for c in classes])
    band = st.sampled_from([b["label"] for b in bands])
    rows = [
        {"org": o, "class": draw(cls), "band": draw(band), "headcount": h, "fte": h * draw(share)}
        for o in draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=4))
        for h in [draw(st.floats(0.0, 100.0))]
    ]
    leaving = [
        {"kind": "early", "classes": [draw(cls)], "bands": [draw(band)], "annual_rate": draw(share)}
        for _ in range(draw(st.integers(0, 3)))
    ]
    transitions = []
    if n_k > 1:
        transitions = [{"from": "c0", "to": "c1", "annual_rate": draw(st.floats(0.0, 1.0))}]
    inflows = [
        {
            "name": f"in{i}",
            "kind": "recruitment",
            "per_year": draw(st.lists(st.floats(0.0, 20.0), min_size=1, max_size=3)),
            "retention": draw(share),
            "delay_months": draw(st.floats(0.0, 12.0)),
            "joining_profile": [
                {"months": 6, "cumulative_share": 0.3},
                {"months": 18, "cumulative_share": 0.9},
            ]
            if draw(st.booleans())
            else [],
            "destinations": [{"class": draw(cls), "share": 1.0}],
            "band": draw(band),
            "fte_per_head": draw(st.floats(0.0, 1.0)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    return CohortConfig.model_validate(
        {
            "start": "2020-03-31",
            "years": draw(st.integers(1, 3)),
            "step": draw(st.sampled_from(["month", "quarter", "year"])),
            "bands": bands,
            "classes": classes,
            "initial": {"rows": rows},
            "leaving": leaving,
            "transitions": transitions,
            "participation": [{"annual_change": draw(st.floats(-0.3, 0.3))}],
            "inflows": inflows,
        }
    )


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_random_scenarios_engine_equals_reference_and_invariants_hold(cfg: CohortConfig) -> None:
    stocks = stock_frame(cfg)
    inputs = compile_inputs(cfg, stocks)
    params = build_assumptions(cfg).engine
    res = run(inputs, params, EngineOptions(record_flows=True))
    ref_h, ref_f = run_reference(inputs, params)
    np.testing.assert_allclose(res.headcount, np.array(ref_h), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res.fte, np.array(ref_f), rtol=1e-9, atol=1e-9)
    assert res.flows is not None
    assert (res.headcount >= 0).all() and (res.fte >= 0).all()
    np.testing.assert_allclose(
        np.diff(res.headcount, axis=1), res.flows.net_hc(), atol=1e-9 * (1 + res.headcount.max())
    )
    fc = run_cohort(cfg, stocks)
    # headcount starts as the rows say; supply never negative
    assert np.isclose(fc.engine.headcount[0, 0].sum(), stocks["headcount"].sum())
    assert (fc.supply_fte >= -1e-12).all() and (fc.supply_hc >= -1e-12).all()


def _leaves(doc: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _leaves(v, (*path, k))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _leaves(v, (*path, i))]
    return [path]


BASE = tomllib.loads(SAMPLE.read_text(encoding="utf-8"))
LEAVES = _leaves(BASE)
junk = st.one_of(
    st.text(max_size=5),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(LEAVES), junk, st.booleans()), min_size=1, max_size=3))
def test_corrupted_scenarios_give_user_errors_not_crashes(
    changes: list[tuple[tuple, Any, bool]],
) -> None:
    doc = copy.deepcopy(BASE)
    for path, value, delete in changes:
        node: Any = doc
        try:
            for key in path[:-1]:
                node = node[key]
            if delete and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "s.toml"
        file.write_text(tomli_w.dumps(doc), encoding="utf-8")
        try:
            loaded = load_scenario(file)
        except UserError as exc:
            assert str(exc)
            event(f"user error: {type(exc).__name__}")
            return
        event("still valid")
        # still valid: it must then also build and run without crashing
        cfg = loaded.scenario.cohort
        assert cfg is not None
        stocks = stock_frame(cfg)
        if not stocks.empty:
            patients = (
                pd.DataFrame(
                    [
                        {"org": p.org, "registered": p.registered, "weighted": p.weighted}
                        for p in cfg.demand.patients
                    ]
                )
                if cfg.demand
                else None
            )
            with contextlib.suppress(UserError):
                run_cohort(cfg, stocks, patients=patients)
