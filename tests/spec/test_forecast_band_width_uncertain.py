"""Uncertain age-band widths (``[cohort] bands[i].width_years`` as a distribution; issue 9,
docs/scenarios.md): each draw ages its own share ``dt / width`` out of the band.

The table, worked out by hand: one practice, 100 GPs all under 55, no one leaves under 55, half of
the over-55s leave each year, yearly steps. Ageing comes after leaving (docs/model.md), so with
width ``w`` the under-55s are ``100 (1 - 1/w)`` after a year and ``100 (1 - 1/w)^2`` after two;
the over-55s ``100/w`` after a year (no one over 55 at the start to leave) and
``100/w x 0.5 + 100 (1 - 1/w) / w`` after two:

    width   year 1 (<55, 55+)   year 2 (<55, 55+)          total, year 2
    20      95, 5               90.25, 2.5 + 4.75 = 7.25   97.5
    10      90, 10              81, 5 + 9 = 14             95
    5       80, 20              64, 10 + 16 = 26           90
    4       75, 25              56.25, 12.5 + 18.75 = 31.25  87.5

Every path claiming to run the cohort method is run on it: the engine's fused step and its step
with flows, the slow reference engine of ``tests/``, the full ``run_cohort`` from the scenario
language, and the streamed summary the CLI uses (its basis-run kernel and, as for many cells, its
adjoint kernel).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.forecast.build import build_assumptions, compile_inputs, stock_frame
from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.cohort_mc import SummaryOptions, run_cohort_summary
from gpworkforce.forecast.engine import EngineOptions, run
from gpworkforce.forecast.scenario import uncertain_fields
from gpworkforce.forecast.scenario_io import load_scenario
from reference_engine import run_reference

WIDTHS = [20.0, 10.0, 5.0, 4.0]
UNDER55 = [[95.0, 90.0, 80.0, 75.0], [90.25, 81.0, 64.0, 56.25]]  # [year][draw]
OVER55 = [[5.0, 10.0, 20.0, 25.0], [7.25, 14.0, 26.0, 31.25]]
TOTAL_YEAR2 = [97.5, 95.0, 90.0, 87.5]
PATH = "cohort.bands[0].width_years"

SCENARIO = """\
name = "uncertain band width"
method = "cohort"

[cohort]
start = 2024-03-31
years = 2
step = "year"
bands = [
  { label = "under55", width_years = WIDTH },
  { label = "55+" },
]
classes = [{ code = "GP", role = "GP_QUALIFIED" }]
initial.rows = [{ org = "P", class = "GP", band = "under55", headcount = 100, fte = 100 }]

[[cohort.leaving]]
kind = "retirement"
bands = ["55+"]
annual_rate = 0.5
"""


def load(tmp_path: Path, width: str) -> object:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.replace("WIDTH", width), encoding="utf-8")
    return load_scenario(path)


def test_every_engine_path_ages_each_draw_by_its_own_width(tmp_path: Path) -> None:
    s = load(tmp_path, '{ kind = "uniform", low = 4, high = 20 }').scenario  # type: ignore[attr-defined]
    cfg = s.cohort
    assert list(uncertain_fields(s)) == [PATH]
    params = build_assumptions(cfg, {PATH: np.array(WIDTHS)}).engine
    assert np.asarray(params.band_width_years).shape == (4, 2)
    inputs = compile_inputs(cfg, stock_frame(cfg))
    fused = run(inputs, params).headcount[:, 1:, 0, 0]  # [D, year, band]
    flows = run(inputs, params, EngineOptions(record_flows=True)).headcount[:, 1:, 0, 0]
    ref_h, _ = run_reference(inputs, params)
    reference = np.array(ref_h)[:, 1:, 0, 0]
    want = np.stack([np.array(UNDER55).T, np.array(OVER55).T], axis=-1)  # [D, year, band]
    for got in (fused, flows, reference):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("kernel", ["basis", "adjoint"])
def test_the_scenario_language_and_the_cli_kernel_give_the_hand_figures(
    tmp_path: Path, kernel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gpworkforce.forecast.kernels import linear

    if kernel == "adjoint":  # as for 42 roles x 10 bands: measures streamed backwards
        monkeypatch.setattr(linear, "STEP_MAP_CELLS", 0)
    cfg = load(tmp_path, '{ kind = "triangular", low = 4, mode = 10, high = 20 }').scenario.cohort  # type: ignore[attr-defined]
    values = {PATH: np.array(WIDTHS)}
    full = run_cohort(cfg, stock_frame(cfg), values=values)
    np.testing.assert_allclose(full.supply_hc[:, -1, 0], TOTAL_YEAR2, rtol=1e-12)
    np.testing.assert_allclose(full.engine.headcount[:, 1, 0, 0, 1], OVER55[0], rtol=1e-12)
    summary = run_cohort_summary(cfg, stock_frame(cfg), values=values, options=SummaryOptions())
    np.testing.assert_allclose(summary.group_paths["supply_hc"][:, -1, -1], TOTAL_YEAR2, rtol=1e-12)
    # the central case (no draws) ages by the distribution's central value, the mode: 10 years
    central = run_cohort(cfg, stock_frame(cfg))
    np.testing.assert_allclose(central.supply_hc[0, -1, 0], 95.0, rtol=1e-12)


def test_a_drawn_width_below_one_step_is_clipped_to_one_step(tmp_path: Path) -> None:
    cfg = load(tmp_path, '{ kind = "normal", mean = 10, sd = 2 }').scenario.cohort  # type: ignore[attr-defined]
    # a draw of 0.5 years (possible, if unlikely, for a normal) ages as a one-year band: all
    # under-55s reach 55 within the year (yearly steps), then half of them leave in year 2
    full = run_cohort(cfg, stock_frame(cfg), values={PATH: np.array([10.0, 0.5])})
    np.testing.assert_allclose(full.engine.headcount[1, 1, 0, 0], [0.0, 100.0], atol=1e-12)
    np.testing.assert_allclose(full.supply_hc[1, -1, 0], 50.0, rtol=1e-12)


@pytest.mark.parametrize(
    ("width", "message"),
    [
        (
            '{ kind = "uniform", low = 0, high = 20 }',
            "must have every draw at least one step (1 year), got draws down to 0",
        ),
        (
            '{ kind = "normal", mean = 4, sd = 2 }',
            "must have every draw at least one step (1 year), got draws down to -2",
        ),
        (
            '{ kind = "lognormal", median = 1.2, p90 = 3 }',
            # exp(ln 1.2 - 3 ln(3 / 1.2) / 1.28155) = exp(0.18232 - 2.14496) = 0.14049
            "must have every draw at least one step (1 year), got draws down to 0.1405",
        ),
        ("0.5", "must be at least one step (1 year), got 0.5"),
    ],
)
def test_an_impossible_width_names_its_key_and_line(
    tmp_path: Path, width: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        load(tmp_path, width)
    shown = [str(i).split(", ", 1)[1] for i in err.value.issues]
    assert shown == [f"line 8, field '{PATH}': {message}"]
