"""Goal seeking against an independent check: the full-path engine run (``run_cohort``) on the
same draws with the shift found meets the target with the probability asked, and a slightly
smaller shift does not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce.errors import UserError
from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.goalseek import goal_seek
from gpworkforce.forecast.io import load_cohort_data
from gpworkforce.forecast.methods import CohortSpec, RunRequest
from gpworkforce.forecast.methods._draws import request_values

pytestmark = pytest.mark.unit
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "cohort.toml"
PARAM = "cohort.inflows[0].volume_factor"


def _probability(spec: CohortSpec, target, values: dict, delta: float) -> float:  # type: ignore[no-untyped-def]
    shifted = values | {PARAM: values.get(PARAM, np.ones(41)) + delta}
    fc = run_cohort(
        spec.config,
        spec.data.stocks,
        patients=spec.data.patients,
        population_index=spec.data.population_index,
        costs=spec.costs,
        values=shifted,
    )
    r = int(np.argmin([abs((d - target.date).days) for d in fc.dates]))
    supply = fc.supply_gp_equiv[1:, r].sum(axis=1)
    goal = fc.registered[1:, r].sum(axis=1) * target.per_1000 / 1000.0
    return float(np.mean(supply >= goal))


def test_shift_found_meets_the_probability_and_no_less_does(shared_data: Path) -> None:
    from gpworkforce.forecast.scenario_io import load_scenario

    loaded = load_scenario(SCENARIO)
    s = loaded.scenario
    spec = CohortSpec(s.cohort, load_cohort_data(loaded), s.costs)
    result = goal_seek(spec, s.target, PARAM, 0.5, 0.0, 20.0, draws=40, seed=7, tolerance=1e-3)
    values, _ = request_values(spec.distributions(), RunRequest(draws=40, seed=7))
    assert values is not None
    assert 0 < result.delta < 20
    assert _probability(spec, s.target, values, result.delta) == pytest.approx(result.probability)
    assert result.probability >= 0.5
    assert _probability(spec, s.target, values, result.delta - 2e-3) < 0.5
    assert result.standard_error == pytest.approx(np.sqrt(0.5 * 0.5 / 40), abs=0.02)


def test_unknown_or_unreachable_parameters_are_user_errors(shared_data: Path) -> None:
    from gpworkforce.forecast.scenario_io import load_scenario

    loaded = load_scenario(SCENARIO)
    s = loaded.scenario
    spec = CohortSpec(s.cohort, load_cohort_data(loaded), s.costs)
    with pytest.raises(UserError, match="did you mean"):
        goal_seek(spec, s.target, "cohort.inflows[9].retention", 0.5, 0.0, 1.0, draws=10)
    with pytest.raises(UserError, match="widen"):
        goal_seek(spec, s.target, "cohort.inflows[0].retention", 0.9, 0.0, 0.01, draws=10)


def test_goal_seek_keeps_the_scenario_correlation(shared_data: Path) -> None:
    # independent draws per CCG: the full-path run's per-CCG supply and patients, each CCG in its
    # own order of the runs, summed, must meet the target as often as the solver says
    from gpworkforce.forecast.cohort_mc import SummaryOptions
    from gpworkforce.forecast.correlation import draw_index
    from gpworkforce.forecast.scenario_io import load_scenario

    loaded = load_scenario(SCENARIO)
    s = loaded.scenario
    spec = CohortSpec(s.cohort, load_cohort_data(loaded), s.costs)
    options = SummaryOptions(correlation="independent", seed=3)
    result = goal_seek(
        spec, s.target, PARAM, 0.5, 0.0, 20.0, draws=40, seed=7, tolerance=1e-3, options=options
    )
    values, _ = request_values(spec.distributions(), RunRequest(draws=40, seed=7))
    assert values is not None
    shifted = values | {PARAM: values.get(PARAM, np.ones(41)) + result.delta}
    fc = run_cohort(
        spec.config,
        spec.data.stocks,
        patients=spec.data.patients,
        population_index=spec.data.population_index,
        costs=spec.costs,
        values=shifted,
    )
    r = int(np.argmin([abs((d - s.target.date).days) for d in fc.dates]))
    index = draw_index("independent", 41, fc.orgs, 3)
    assert index is not None
    supply = np.take_along_axis(fc.supply_gp_equiv[:, r], index, axis=0)[1:].sum(axis=1)
    goal = (
        np.take_along_axis(fc.registered[:, r], index, axis=0)[1:].sum(axis=1)
        * s.target.per_1000
        / 1000
    )
    assert float(np.mean(supply >= goal)) == pytest.approx(result.probability)
    assert result.probability >= 0.5
