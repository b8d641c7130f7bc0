"""The costing's cohort shortcut against the full run: every organisation, every draw.

``finance.runs.cohort_workforce`` gets WTE per class from one summed organisation and the gap from
the forecast's streamed summary priced at GBP 1. The reference here runs the engine on every
organisation and clips each one's gap itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gpworkforce.finance.runs import cohort_workforce
from gpworkforce.forecast.engine import EngineOptions
from gpworkforce.forecast.io import load_cohort_data
from gpworkforce.forecast.methods import COHORT, CohortSpec, RunRequest
from gpworkforce.forecast.outputs import yearly
from gpworkforce.forecast.scenario_io import load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "cohort.toml"


def test_shortcut_equals_the_full_run(shared_data: Path) -> None:
    loaded = load_scenario(SCENARIO)
    s = loaded.scenario
    assert s.cohort is not None
    spec = CohortSpec(s.cohort, load_cohort_data(loaded), s.costs)
    options = EngineOptions(record_every=s.cohort.steps_per_year)
    fc = COHORT.run(spec, RunRequest(draws=15, seed=s.seed, options=options)).detail
    idx = yearly(fc)
    fte = fc.engine.fte[:, idx].sum(axis=(2, 4))
    assert fc.gap is not None
    gap = np.clip(fc.gap[:, idx, :], 0.0, None).sum(axis=2)

    wf = cohort_workforce(loaded, 15)
    assert wf.groups == tuple(fc.engine.classes)
    np.testing.assert_allclose(wf.wte, fte, rtol=1e-9)
    assert wf.gap is not None
    np.testing.assert_allclose(wf.gap, gap, rtol=1e-9)
    assert np.ptp(gap[1:, -1]) > 1  # the draws differ
    # the 03W / 04C / 04V split matters: the summed gap is not the gap of the sum
    net = np.clip(fc.gap[:, idx, :].sum(axis=2), 0.0, None)
    assert not np.allclose(net, gap)
