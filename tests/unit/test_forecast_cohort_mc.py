"""The streamed Monte Carlo summary equals quantiles of the full paths of ``run_cohort``.

``run_cohort`` keeps every draw x step x organisation and steps every cell with the engine; the
summary runs the engine on a few basis organisations and combines them (linearity). Both are run
on the same draws and their quantiles compared (1e-9 relative): the oracle is the engine's own
full run, not the summary's code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.cohort_mc import TOTAL, SummaryOptions, run_cohort_summary, target_rows
from gpworkforce.forecast.io import load_cohort_data
from gpworkforce.forecast.kernels.quantiles import LinearSeries
from gpworkforce.forecast.scenario import uncertain_fields
from gpworkforce.forecast.scenario_io import load_scenario
from gpworkforce.forecast.uncertainty import draw_parameters

pytestmark = pytest.mark.unit
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _drawn(loaded, n: int) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    drawn = draw_parameters(uncertain_fields(loaded.scenario), n, loaded.scenario.seed)
    return {k: drawn.column(k) for k in drawn.names}


def over_draws(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run 0 and ``np.quantile`` over runs 1..N (the oracle: NumPy's, not the kernel's)."""
    return values[0], np.quantile(values[1:], (0.1, 0.5, 0.9), axis=0)


def _close(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9 * max(1.0, float(np.max(np.abs(b)))))


@pytest.mark.parametrize("kernel", ["basis", "adjoint"])
@pytest.mark.parametrize("name", ["sample.toml", "llr-2017/cohort.toml"])
def test_summary_equals_quantiles_of_the_full_run(
    name: str, kernel: str, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gpworkforce.forecast.kernels import adjoint, linear

    if kernel == "adjoint":  # as for 42 roles x 10 bands: the measures streamed backwards
        monkeypatch.setattr(linear, "STEP_MAP_CELLS", 0)
    used = []
    real = linear.linear_response
    monkeypatch.setattr(linear, "linear_response", lambda i, p: used.append(real(i, p)) or used[-1])
    loaded = load_scenario(SCENARIOS / name)
    s = loaded.scenario
    data = load_cohort_data(loaded)
    values = _drawn(loaded, 40)
    common = {
        "patients": data.patients,
        "population_index": data.population_index,
        "costs": s.costs,
        "values": values,
    }
    full = run_cohort(s.cohort, data.stocks, **common)
    orgs = full.orgs
    groups = {o: ("A" if i % 2 else "B") for i, o in enumerate(orgs)}
    summary = run_cohort_summary(
        s.cohort,
        data.stocks,
        options=SummaryOptions(every_step=("supply_gp_equiv",), groups=groups, threads=2),
        **common,
    )
    assert summary.runs == 41 and summary.dates == full.dates
    assert isinstance(used[0], adjoint.AdjointResponse) == (kernel == "adjoint")
    member = np.array([[groups[o] == g for g in ("A", "B")] + [True] for o in orgs], dtype=float)
    for measure, arr in full.measures().items():
        yearly = arr[:, summary.yearly]
        central, q = (
            np.stack(x)
            for x in zip(
                *(over_draws(yearly[:, r]) for r in range(len(summary.yearly))), strict=True
            )
        )
        fan = summary.org_fans[measure]
        _close(fan.central, central)
        _close(fan.q, np.moveaxis(q, 0, 1))
        if measure == "per_1000":
            continue
        by_group = arr[:, summary.group_fans[measure].positions] @ member  # [D, R, G]
        c, gq = over_draws(by_group.reshape(41, -1))
        _close(summary.group_fans[measure].central.reshape(-1), c)
        _close(summary.group_fans[measure].q.reshape(3, -1), gq)
    every = summary.org_every_step["supply_gp_equiv"]
    for r in (0, 17, len(full.dates) - 1):
        c, q = over_draws(full.supply_gp_equiv[:, r])
        _close(every.central[r], c)
        _close(every.q[:, r], q)
    assert summary.groups == ("A", "B", TOTAL)


def test_target_probability_per_group(shared_data: Path) -> None:
    loaded = load_scenario(SCENARIOS / "llr-2017" / "cohort.toml")
    s = loaded.scenario
    data = load_cohort_data(loaded)
    values = _drawn(loaded, 60)
    common = {"patients": data.patients, "population_index": data.population_index}
    full = run_cohort(s.cohort, data.stocks, values=values, costs=s.costs, **common)
    summary = run_cohort_summary(
        s.cohort, data.stocks, values=values, costs=s.costs, options=SummaryOptions(), **common
    )
    rows = target_rows(summary, s.target)
    assert rows is not None and list(rows["org"]) == [TOTAL]
    r = int(np.argmin([abs((d - s.target.date).days) for d in full.dates]))
    supply = full.supply_gp_equiv[:, r].sum(axis=1)
    goal = full.registered[:, r].sum(axis=1) * s.target.per_1000 / 1000.0
    assert rows["probability_meeting_target"][0] == pytest.approx(np.mean(supply[1:] >= goal[1:]))


def test_proportional_series_are_computed_once_and_scaled() -> None:
    rng = np.random.default_rng(3)
    base = rng.uniform(0.1, 1.0, (3, 1))
    x = np.hstack([base * 2.0, base * 5.5, rng.uniform(0.1, 1.0, (3, 1)), np.zeros((3, 1))])
    ls = LinearSeries.of(x)
    assert ls.n_directions == 3  # two proportional columns share one; the zero column is its own
    coeff = rng.normal(size=(101, 3))
    central, q = ls.quantiles(coeff)
    want_c, want_q = over_draws(coeff @ x)
    _close(central, want_c)
    _close(q, want_q)
    coeff[:, 1] = 0.0  # a basis no draw responds to is left out of the product
    central, q = ls.quantiles(coeff)
    want_c, want_q = over_draws(coeff @ x)
    _close(central, want_c)
    _close(q, want_q)
