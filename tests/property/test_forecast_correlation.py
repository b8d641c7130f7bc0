"""Correlation of draws between organisations: shared, independent, hierarchical.

Oracles that do not come from the code under test: with ``n`` identical practices in an ICB, each
with variance ``v`` over the runs, the ICB total has variance ``n^2 v`` when the draws are shared
(perfectly correlated), ``n v`` when they are independent, and about ``n v + g^2 n (n - 1) v``
when each practice keeps its ICB's draw in a share ``g`` of the runs (two practices then share a
run in ``g^2`` of them). A practice's own distribution (its quantiles) is the same in every mode.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.cohort_mc import SummaryOptions, run_cohort_summary
from gpworkforce.forecast.correlation import draw_index
from gpworkforce.forecast.uncertainty import draw_parameters

N_PRACTICES = 20  # per ICB
RUNS = 400


def config() -> CohortConfig:
    rows = [
        {"org": f"{icb}{i:02d}", "class": "GP", "band": "all", "headcount": 10.0, "fte": 10.0}
        for icb in ("A", "B")
        for i in range(N_PRACTICES)
    ]
    raw: dict[str, Any] = {
        "start": dt.date(2020, 9, 30),
        "years": 3,
        "step": "year",
        "bands": [{"label": "all"}],
        "classes": [{"code": "GP", "role": "GP_QUALIFIED"}],
        "initial": {"rows": rows},
        "leaving": [{"kind": "other", "annual_rate": {"kind": "uniform", "low": 0.0, "high": 0.3}}],
    }
    return CohortConfig.model_validate(raw)


def summary(mode: str, share: float = 0.5) -> Any:
    cfg = config()
    drawn = draw_parameters({"cohort.leaving[0].annual_rate": cfg.leaving[0].annual_rate}, RUNS, 7)
    groups = {o: o[0] for o in stock_frame(cfg)["org"]}
    options = SummaryOptions(groups=groups, correlation=mode, group_share=share, seed=11)  # type: ignore[arg-type]
    values = {n: drawn.column(n) for n in drawn.names}
    return run_cohort_summary(cfg, stock_frame(cfg), values=values, options=options)


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    return {m: summary(m) for m in ("shared", "independent", "hierarchical")}


def test_icb_total_variance_lies_between_shared_and_independent(runs: dict[str, Any]) -> None:
    n = N_PRACTICES
    per_practice = runs["shared"].group_paths["supply_gp_equiv"][1:, -1, 0] / n  # identical
    v = per_practice.var()
    var = {m: s.group_paths["supply_gp_equiv"][1:, -1, 0].var() for m, s in runs.items()}
    assert var["shared"] == pytest.approx(n * n * v, rel=1e-9)
    assert var["independent"] == pytest.approx(n * v, rel=0.3)
    assert var["hierarchical"] == pytest.approx(n * v + 0.25 * n * (n - 1) * v, rel=0.3)
    assert var["independent"] < var["hierarchical"] < var["shared"]


def test_icbs_are_independent_unless_shared(runs: dict[str, Any]) -> None:
    def corr(s: Any) -> float:
        p = s.group_paths["supply_gp_equiv"][1:, -1, :2]
        return float(np.corrcoef(p[:, 0], p[:, 1])[0, 1])

    assert corr(runs["shared"]) == pytest.approx(1.0)
    assert abs(corr(runs["hierarchical"])) < 0.2
    assert abs(corr(runs["independent"])) < 0.2


def test_each_practice_keeps_its_own_distribution_and_run_zero(runs: dict[str, Any]) -> None:
    base = runs["shared"]
    for s in runs.values():
        np.testing.assert_allclose(
            s.group_paths["supply_gp_equiv"][0], base.group_paths["supply_gp_equiv"][0], rtol=1e-12
        )
        np.testing.assert_allclose(
            s.org_fans["supply_gp_equiv"].q, base.org_fans["supply_gp_equiv"].q, rtol=1e-12
        )
    # the England total's central run and its mean over runs do not depend on the correlation
    means = [s.group_paths["supply_gp_equiv"][1:, -1, -1].mean() for s in runs.values()]
    np.testing.assert_allclose(means, means[0], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    runs=st.integers(3, 60),
    orgs=st.integers(1, 30),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31),
)
def test_every_organisation_uses_each_run_once(
    runs: int, orgs: int, share: float, seed: int
) -> None:
    names = [f"P{i}" for i in range(orgs)]
    groups = {n: f"G{i % 3}" for i, n in enumerate(names)}
    for mode in ("independent", "hierarchical"):
        index = draw_index(mode, runs, names, seed, groups, share)  # type: ignore[arg-type]
        assert index is not None and index.shape == (runs, orgs)
        assert (index[0] == 0).all()
        np.testing.assert_array_equal(
            np.sort(index[1:], axis=0), np.arange(1, runs)[:, None].repeat(orgs, 1)
        )
    together = draw_index("hierarchical", runs, names, seed, groups, 1.0)
    assert together is not None
    for g in {*groups.values()}:
        cols = [i for i, n in enumerate(names) if groups[n] == g]
        assert (together[:, cols] == together[:, cols[:1]]).all()
    assert draw_index("shared", runs, names, seed, groups, share) is None
