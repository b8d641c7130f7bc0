"""Group sums when organisations use their own orders of the runs (``[correlation] draws =
'independent'`` / ``'hierarchical'``), computed from each run's weights (decision 0113).

Three oracles, none of them the summary's own sums:

* a naive reference: the engine's full run of every practice (``run_cohort``, every draw x step x
  practice kept), each practice's value taken in its own run of each draw
  (``value[index[d, o], t, o]``, the index being the forecast's ``draw_index``) and added up by
  ICB in a plain loop;
* the outputs of the previous implementation (every practice's values formed each step and
  gathered), kept in ``tests/data/correlation_reference.npz`` (``tests/correlation_case.py``);
* a double loop for :meth:`OwnRuns.sums` itself, on random orders and weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import correlation_case as case
from gpworkforce.forecast import cohort_mc
from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.correlation import OwnRuns, draw_index

pytestmark = pytest.mark.unit
LINEAR = ("supply_hc", "supply_fte", "supply_gp_equiv", "registered", "demand", "gap")


def _close(got: np.ndarray, want: np.ndarray, rtol: float = 1e-12) -> None:
    scale = max(1.0, float(np.max(np.abs(want))))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


@pytest.fixture(scope="module")
def summaries() -> dict[str, cohort_mc.CohortSummary]:
    return {m: case.summary(m) for m in case.MODES}


@pytest.fixture(scope="module")
def full() -> object:
    cfg = case.config()
    return run_cohort(cfg, stock_frame(cfg), patients=case.patients(cfg), values=case.values(cfg))


def _naive(full: object, mode: str) -> dict[str, np.ndarray]:
    """Every measure by ICB and for England, each practice in its own run, by plain loops."""
    orgs = list(full.orgs)  # type: ignore[attr-defined]
    index = draw_index(mode, case.DRAWS + 1, orgs, case.SEED, case.GROUPS, 0.5)  # type: ignore[arg-type]
    assert index is not None
    icbs = sorted(set(case.GROUPS.values()))
    out: dict[str, np.ndarray] = {}
    measures = full.measures()  # type: ignore[attr-defined]
    for name in LINEAR:
        arr = measures[name]  # [D, T, O]
        d_runs, steps, _ = arr.shape
        total = np.zeros((d_runs, steps, len(icbs) + 1))
        for d in range(d_runs):
            for o, org in enumerate(orgs):
                own = arr[index[d, o], :, o]
                total[d, :, icbs.index(case.GROUPS[org])] += own
                total[d, :, -1] += own
        out[name] = total
    fte = full.engine.fte.sum(axis=-1)  # type: ignore[attr-defined]  # [D, T, O, K]
    gap = measures["gap"]
    out["class_fte"] = np.zeros((fte.shape[0], fte.shape[1], fte.shape[3]))
    out["shortfall"] = np.zeros((gap.shape[0], gap.shape[1], len(icbs) + 1))
    for d in range(fte.shape[0]):
        for o, org in enumerate(orgs):
            r = index[d, o]
            out["class_fte"][d] += fte[r, :, o, :]
            short = np.maximum(gap[r, :, o], 0.0)
            out["shortfall"][d, :, icbs.index(case.GROUPS[org])] += short
            out["shortfall"][d, :, -1] += short
    return out


@pytest.mark.parametrize("mode", case.MODES)
def test_group_paths_are_each_practice_in_its_own_run_summed(
    summaries: dict[str, cohort_mc.CohortSummary], full: object, mode: str
) -> None:
    s = summaries[mode]
    want = _naive(full, mode)
    assert s.groups == ("X", "Y", "Z", cohort_mc.TOTAL)
    for name in LINEAR:
        _close(s.group_paths[name], want[name], 1e-10)
    yearly = s.yearly
    assert s.class_fte is not None and s.shortfall is not None
    _close(s.class_fte, want["class_fte"][:, yearly], 1e-10)
    _close(s.shortfall, want["shortfall"][:, yearly], 1e-10)
    # not the shared sums: the ICB totals really mix the practices' runs
    shared = case.summary("shared").group_paths["supply_gp_equiv"]
    assert not np.allclose(s.group_paths["supply_gp_equiv"][1:, -1], shared[1:, -1], rtol=1e-3)


@pytest.mark.parametrize("mode", case.MODES)
def test_outputs_equal_the_previous_gather_of_every_practice(
    summaries: dict[str, cohort_mc.CohortSummary], mode: str
) -> None:
    reference = np.load(case.REFERENCE)
    got = case.arrays(summaries[mode], mode)
    assert set(got) == {k for k in reference.files if k.startswith(mode + "/")}
    for key, value in got.items():
        assert value.shape == reference[key].shape, key
        _close(value, reference[key])


@pytest.mark.parametrize("mode", case.MODES)
def test_the_gather_kept_for_many_directions_gives_the_same(
    summaries: dict[str, cohort_mc.CohortSummary], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With hundreds of distinct directions (an ICS of 420 cells) the summary gathers each
    practice's values instead; forced here, it must agree with the weights' sums."""
    monkeypatch.setattr(cohort_mc, "GATHER_COST", -1_000)
    used: list[object] = []
    real = cohort_mc._own_run_paths
    monkeypatch.setattr(cohort_mc, "_own_run_paths", lambda *a: used.append(real(*a)) or used[-1])
    gathered = case.arrays(case.summary(mode), mode)
    assert used == [None]
    for key, value in case.arrays(summaries[mode], mode).items():
        _close(value, gathered[key])


def test_every_org_quantiles_and_per_org_costs_unchanged_by_the_sums() -> None:
    """Per-practice outputs (quantiles, costs per practice) come out as with shared draws:
    a practice's runs are a permutation of the shared ones."""
    opts = {"every_step": ("supply_gp_equiv",)}
    shared = case.summary("shared", **opts)
    own = case.summary("independent", **opts)
    for name, fan in shared.org_fans.items():
        _close(own.org_fans[name].q, fan.q)
        _close(own.org_fans[name].central, fan.central)
    _close(own.org_every_step["supply_gp_equiv"].q, shared.org_every_step["supply_gp_equiv"].q)


@settings(max_examples=40, deadline=None)
@given(
    runs=st.integers(3, 30),
    orgs=st.integers(1, 25),
    groups=st.integers(1, 4),
    columns=st.integers(1, 5),
    seed=st.integers(0, 2**31),
    mode=st.sampled_from(["independent", "hierarchical"]),
)
def test_sums_equal_a_double_loop(
    runs: int, orgs: int, groups: int, columns: int, seed: int, mode: str
) -> None:
    rng = np.random.default_rng(seed)
    names = [f"P{i}" for i in range(orgs)]
    group = np.array([i % min(groups, orgs) for i in range(orgs)], dtype=np.intp)
    rng.shuffle(group)  # organisations not sorted by group
    n_groups = int(group.max()) + 1
    index = draw_index(
        mode, runs, names, seed, {n: str(g) for n, g in zip(names, group, strict=True)}, 0.5
    )  # type: ignore[arg-type]
    assert index is not None
    weights = rng.random(orgs) * 10
    values = rng.normal(size=(runs, columns))
    want = np.zeros((runs, n_groups, columns))
    for d in range(runs):
        for o in range(orgs):
            want[d, group[o]] += weights[o] * values[index[d, o]]
    got = OwnRuns(index, group, n_groups).sums(weights, values)
    _close(got, want)


def test_sums_refuse_wrong_shapes_and_empty_groups() -> None:
    index = np.zeros((3, 2), dtype=np.int32)
    own = OwnRuns(index, np.array([0, 1]), 2)
    with pytest.raises(ValueError, match=r"values must be \[3, C\] and weights \[2\]"):
        own.sums(np.ones(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match="at least one organisation"):
        OwnRuns(index, np.array([0, 0]), 2)
