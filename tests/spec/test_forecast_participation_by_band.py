"""Participation (FTE per head) by age band: hand-worked steps, the order against ageing, and the
scenario language's rule (docs/model.md, step 4; docs/scenarios.md).

Every engine path is run on the same table: the fused step (no flows), the step operation by
operation (flows recorded), the slow reference engine of ``tests/`` and, for the
system-dynamics scheme, the Euler step. Each expected figure is worked out by hand beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.forecast.build import build_assumptions
from gpworkforce.forecast.engine import EngineInputs, EngineOptions, EngineParams, run
from gpworkforce.forecast.scenario_io import load_scenario
from reference_engine import run_reference


def two_bands(
    hc: list[list[float]],
    part: list[list[float]],
    *,
    leave: float = 0.0,
    trans: list[list[float]] | None = None,
    width: float = 5.0,
    scheme: str = "sequential",
) -> tuple[EngineInputs, EngineParams]:
    """One organisation, classes x two age bands, one yearly step; FTE = headcount at the start."""
    h = np.array([hc], dtype=float)
    k = h.shape[1]
    inputs = EngineInputs(
        orgs=("O",),
        classes=tuple(f"K{i}" for i in range(k)),
        bands=("under55", "55+"),
        headcount=h,
        fte=h.copy(),
        steps_per_year=1,
        n_steps=1,
    )
    params = EngineParams(
        leave_rate=np.full((k, 2), leave),
        transition_rate=np.zeros((k, k)) if trans is None else np.array(trans),
        band_width_years=[width, np.inf],
        participation_rate=np.array([part], dtype=float),  # [D = 1, K, A]: by band
        inflow_multiplier=[],
        inflow_fte_per_head=[],
        scheme=scheme,
    )
    return inputs, params


def every_path(inputs: EngineInputs, params: EngineParams) -> list[np.ndarray]:
    """FTE after the step ``[K, A]`` from the fused step, the flows step and the reference."""
    fused = run(inputs, params).fte[0, 1, 0]
    flows = run(inputs, params, EngineOptions(record_flows=True)).fte[0, 1, 0]
    _, ref_f = run_reference(inputs, params)
    return [fused, flows, np.array(ref_f[0][1][0])]


def test_participation_applies_to_the_band_after_ageing() -> None:
    # 100 under 55 and 50 over 55; a fifth of the under-55s (20) age into 55+ in the year.
    # Under-55s -2% sessions a year, over-55s -10%. Participation comes after ageing:
    #   under55: (100 - 20) x 0.98 = 78.4      55+: (50 + 20) x 0.90 = 63.0
    # (before ageing it would be 100 x 0.98 = 98 -> 78.4 and 50 x 0.9 + 19.6 = 64.6: not this)
    inputs, params = two_bands([[100.0, 50.0]], [[-0.02, -0.10]])
    for fte in every_path(inputs, params):
        np.testing.assert_allclose(fte, [[78.4, 63.0]], rtol=1e-12)
    hc = run(inputs, params).headcount[0, 1, 0]
    np.testing.assert_allclose(hc, [[80.0, 70.0]], rtol=1e-12)  # people are not changed


def test_with_leavers() -> None:
    # 10% leave from each band first: 90 and 45; a fifth of 90 (18) age up: 72 and 63;
    # then 72 x 0.98 = 70.56 and 63 x 0.90 = 56.7
    inputs, params = two_bands([[100.0, 50.0]], [[-0.02, -0.10]], leave=0.1)
    for fte in every_path(inputs, params):
        np.testing.assert_allclose(fte, [[70.56, 56.7]], rtol=1e-12)


def test_moves_take_the_rate_of_the_class_and_band_they_end_in() -> None:
    # K0 has 100 under 55; half move to K1 (50 and 50); a quarter of each ages up (width 4):
    #   K0: 37.5 | 12.5     K1: 37.5 | 12.5
    # participation K0 -10% | 0%, K1 0% | -20%:
    #   K0: 37.5 x 0.9 = 33.75 | 12.5     K1: 37.5 | 12.5 x 0.8 = 10.0
    inputs, params = two_bands(
        [[100.0, 0.0], [0.0, 0.0]],
        [[-0.10, 0.0], [0.0, -0.20]],
        trans=[[0.0, 0.5], [0.0, 0.0]],
        width=4.0,
    )
    for fte in every_path(inputs, params):
        np.testing.assert_allclose(fte, [[33.75, 12.5], [37.5, 10.0]], rtol=1e-12)


def test_system_dynamics_takes_each_flow_on_the_start_stocks() -> None:
    # Euler, continuous rates, one year: every flow on the stocks at the start.
    #   under55: 100 - 10 (leave 0.1) - 20 (ageing 1/5) + 100 x -0.02 = 68
    #   55+:      50 -  5 + 20 + 50 x -0.10 = 60
    inputs, params = two_bands([[100.0, 50.0]], [[-0.02, -0.10]], leave=0.1, scheme="euler")
    for opts in (EngineOptions(), EngineOptions(record_flows=True)):
        np.testing.assert_allclose(run(inputs, params, opts).fte[0, 1, 0], [[68.0, 60.0]])


def test_class_and_band_forms_are_checked() -> None:
    inputs, params = two_bands([[100.0, 50.0]], [[-0.02, -0.10]])
    from dataclasses import replace

    with pytest.raises(ValueError, match="participation_rate"):
        run(inputs, replace(params, participation_rate=np.zeros((1, 1, 3))))  # 3 bands, not 2
    with pytest.raises(ValueError, match="participation_rate"):
        run(inputs, replace(params, participation_rate=np.zeros((1, 2))))  # [D, K]: 2 classes


SCENARIO = """\
name = "over-55s reduce sessions"
method = "cohort"

[cohort]
start = 2020-03-31
years = 2
step = "year"
bands = [{ label = "under55", width_years = 5 }, { label = "55+" }]
classes = [{ code = "GP", role = "GP_QUALIFIED" }, { code = "ANP", role = "NURSE_ANP" }]

[cohort.initial]
rows = [{ org = "X", class = "GP", band = "under55", headcount = 100, fte = 100 }]

[[cohort.participation]]
annual_change = -0.02

[[cohort.participation]]
classes = ["GP"]
bands = ["55+"]
annual_change = -0.10
"""


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def test_rules_by_band_combine_into_the_engine_rate(tmp_path: Path) -> None:
    cfg = _load(tmp_path, SCENARIO).scenario.cohort
    assert cfg is not None
    rate = np.asarray(build_assumptions(cfg).engine.participation_rate)
    # every band -2%; GP over-55s also -10%: 0.98 x 0.90 - 1 = -0.118
    np.testing.assert_allclose(rate, [[[-0.02, -0.118], [-0.02, -0.02]]], rtol=1e-12)


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path)
    assert err.value.exit_code == 4
    return [str(i).replace(f"{path}, ", "") for i in err.value.issues]


def test_unknown_band_is_named_by_key_and_line(tmp_path: Path) -> None:
    text = SCENARIO.replace('bands = ["55+"]', 'bands = ["over55"]')
    assert problems(tmp_path, text) == [
        "line 19, field 'cohort.participation[1].bands[0]': must be one of"
        " ['under55', '55+'], got 'over55'"
    ]


def test_change_outside_the_range_is_named_by_key_and_line(tmp_path: Path) -> None:
    text = SCENARIO.replace("annual_change = -0.10", "annual_change = -0.7")
    assert problems(tmp_path, text) == [
        "line 20, field 'cohort.participation[1].annual_change': must be a change"
        " (-0.5..0.5), got -0.7"
    ]


def test_a_rule_by_band_is_named_with_its_bands() -> None:
    from gpworkforce.web.scenarios.labels import parameter_label

    doc = {"cohort": {"participation": [{"annual_change": -0.02}, SCENARIO_RULE]}}
    assert parameter_label("cohort.participation[1].annual_change", doc) == (
        "Hours worked (GPs, 55+): change in WTE per head a year"
    )
    assert parameter_label("cohort.participation[0].annual_change", doc) == (
        "Hours worked (everyone): change in WTE per head a year"
    )


SCENARIO_RULE = {"classes": ["GP"], "bands": ["55+"], "annual_change": -0.10}
