"""Costing a Monte Carlo cohort run whose organisations do not share draws (issue 12 item 2,
``[correlation] draws = 'independent'`` or ``'hierarchical'``).

Oracle (brute force, not the summary's gather): each organisation run on its own with the same
drawn values, its per-draw FTE per class taken in the run that organisation uses in each draw
(``draw_index``, the forecast's own orders, tested in tests/property/test_forecast_correlation.py)
and summed over organisations. The cost per draw is then the cost of that whole-system WTE. The
variance of a sum says the independent total's spread is narrower than the shared one (n v
against n^2 v for n alike practices), and the hierarchical one lies between.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.finance.costing import ALL, MEASURES, Workforce, cost_run
from gpworkforce.finance.model import CostModel
from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.cohort_mc import SummaryOptions, run_cohort_summary
from gpworkforce.forecast.correlation import draw_index
from gpworkforce.forecast.uncertainty import draw_parameters

RUNS = 300
SEED = 11
PRACTICES = [f"{icb}{i:02d}" for icb in ("A", "B") for i in range(6)]
GROUPS = {o: o[0] for o in PRACTICES}


def config(orgs: list[str]) -> CohortConfig:
    rows = []
    for i, o in enumerate(PRACTICES):
        if o in orgs:  # practices differ: 4..15 GPs, 1..3.75 nurses
            rows.append(
                {"org": o, "class": "GP", "band": "all", "headcount": 4.0 + i, "fte": 4.0 + i}
            )
            rows.append(
                {"org": o, "class": "ANP", "band": "all", "headcount": 2.0, "fte": 1.0 + i / 4}
            )
    raw: dict[str, Any] = {
        "start": dt.date(2020, 9, 30),
        "years": 3,
        "step": "year",
        "bands": [{"label": "all"}],
        "classes": [
            {"code": "GP", "role": "GP_QUALIFIED"},
            {"code": "ANP", "role": "NURSE_ANP"},
        ],
        "initial": {"rows": rows},
        "leaving": [{"kind": "other", "annual_rate": {"kind": "uniform", "low": 0.0, "high": 0.3}}],
    }
    return CohortConfig.model_validate(raw)


def values() -> dict[str, Any]:
    cfg = config(PRACTICES)
    drawn = draw_parameters({"cohort.leaving[0].annual_rate": cfg.leaving[0].annual_rate}, RUNS, 7)
    return {n: drawn.column(n) for n in drawn.names}


def summary(mode: str, orgs: list[str] = PRACTICES) -> Any:
    cfg = config(orgs)
    options = SummaryOptions(
        groups={o: GROUPS[o] for o in orgs},
        correlation=mode,
        group_share=0.5,
        seed=SEED,  # type: ignore[arg-type]
    )
    return run_cohort_summary(cfg, stock_frame(cfg), values=values(), options=options)


def workforce(class_fte: np.ndarray, s: Any) -> Workforce:
    dates = tuple(s.dates[i] for i in s.yearly)
    return Workforce("t", dates, tuple(s.classes), np.ascontiguousarray(class_fte))


def model(gp_pay: float = 100_000.0, anp_pay: float = 60_000.0) -> CostModel:
    return CostModel.model_validate(
        {
            "name": "hand-built",
            "prices": {
                "base_year": "2020/21",
                "pay_uplift_default": 0.02,
                "inflation_default": 0.02,
            },
            "roles": [
                {"key": "gp", "label": "GP", "contract": "salaried", "pay": gp_pay},
                {"key": "anp", "label": "ANP", "contract": "salaried", "pay": anp_pay},
                {
                    "key": "locum",
                    "label": "Locum",
                    "contract": "locum",
                    "based_on": "gp",
                    "premium_rate": 0.45,
                },
            ],
            "groups": {
                "GP": [{"role": "gp", "share": 1.0}],
                "ANP": [{"role": "anp", "share": 1.0}],
            },
            "gap": {"substantive_role": "gp", "locum_role": "locum"},
        }
    )


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    return {m: summary(m) for m in ("shared", "independent", "hierarchical")}


@pytest.fixture(scope="module")
def alone() -> dict[str, np.ndarray]:
    """Each practice run on its own: its FTE per class in every run, ``[D, Y, K]``."""
    return {o: summary("shared", [o]).class_fte for o in PRACTICES}


def brute_force(mode: str, alone: dict[str, np.ndarray]) -> np.ndarray:
    index = draw_index(mode, RUNS + 1, PRACTICES, SEED, GROUPS, 0.5)  # type: ignore[arg-type]
    assert index is not None
    total = np.zeros_like(alone[PRACTICES[0]])
    for o, org in enumerate(PRACTICES):
        total += alone[org][index[:, o]]  # organisation o in its own run of each draw
    return total


@pytest.mark.parametrize("mode", ["independent", "hierarchical"])
def test_class_fte_per_draw_is_the_sum_of_each_practice_in_its_own_run(
    runs: dict[str, Any], alone: dict[str, np.ndarray], mode: str
) -> None:
    want = brute_force(mode, alone)
    got = runs[mode].class_fte
    assert got.shape == want.shape == (RUNS + 1, 4, 2)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)
    # not the shared sums: the draws really are each practice's own
    assert not np.allclose(got[1:, -1], runs["shared"].class_fte[1:, -1], rtol=1e-3)
    # the central case (run 0) is the same in every mode
    np.testing.assert_allclose(got[0], runs["shared"].class_fte[0], rtol=1e-12)


@pytest.mark.parametrize("mode", ["independent", "hierarchical"])
def test_adjoint_kernel_gathers_the_same_class_fte(
    runs: dict[str, Any], alone: dict[str, np.ndarray], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for 42 roles x 10 bands: the measures streamed backwards (each class its own
    measure), not the basis runs; the same per-draw sums."""
    from gpworkforce.forecast.kernels import adjoint, linear

    monkeypatch.setattr(linear, "STEP_MAP_CELLS", 0)
    used = []
    real = linear.linear_response
    monkeypatch.setattr(linear, "linear_response", lambda i, p: used.append(real(i, p)) or used[-1])
    got = summary(mode).class_fte
    assert used and all(isinstance(r, adjoint.AdjointResponse) for r in used)
    np.testing.assert_allclose(got, brute_force(mode, alone), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("mode", ["independent", "hierarchical"])
def test_cost_per_draw_is_the_whole_system_cost_of_that_draw(
    runs: dict[str, Any], alone: dict[str, np.ndarray], mode: str
) -> None:
    s = runs[mode]
    got = cost_run(model(), workforce(s.class_fte, s)).get("workforce", terms="real")
    want = cost_run(model(), workforce(brute_force(mode, alone), s)).get("workforce", terms="real")
    np.testing.assert_allclose(got, want, rtol=1e-10)
    q_got = np.quantile(got[1:, -1], [0.1, 0.5, 0.9])
    q_want = np.quantile(want[1:, -1], [0.1, 0.5, 0.9])
    np.testing.assert_allclose(q_got, q_want, rtol=1e-10)


def test_independent_cost_spread_is_narrower_than_shared_hierarchical_between(
    runs: dict[str, Any], alone: dict[str, np.ndarray]
) -> None:
    """Variance of a sum: shared draws add each practice's standard deviation (perfectly
    correlated), independent draws add its variance; hierarchical draws lie between."""
    m = model()

    def cost(fte: np.ndarray, s: Any) -> np.ndarray:
        return cost_run(m, workforce(fte, s)).get("workforce", terms="real")[1:, -1]

    s0 = runs["shared"]
    var_each = [cost(alone[o], s0).var() for o in PRACTICES]
    sd_sum = sum(np.sqrt(var_each))
    var = {mode: cost(s.class_fte, s).var() for mode, s in runs.items()}
    assert var["shared"] == pytest.approx(sd_sum**2, rel=1e-6)
    assert var["independent"] == pytest.approx(sum(var_each), rel=0.3)
    assert var["independent"] < var["hierarchical"] < var["shared"]
    width = {}
    for mode, s in runs.items():
        p10, p50, p90 = np.quantile(cost(s.class_fte, s), [0.1, 0.5, 0.9])
        assert p10 < p50 < p90
        width[mode] = p90 - p10
    assert width["independent"] < width["hierarchical"] < width["shared"]
    # the medians agree (the same runs in another order): only the spread changes
    med = {mode: np.median(cost(s.class_fte, s)) for mode, s in runs.items()}
    assert med["independent"] == pytest.approx(med["shared"], rel=0.03)


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["independent", "hierarchical"]),
    st.floats(0, 100_000),
    st.floats(0, 50_000),
    st.integers(0, 1),
    st.floats(0, 20),
)
def test_own_draw_costs_monotone_in_pay_and_wte_totals_sum_parts(
    runs: dict[str, Any], mode: str, pay: float, more: float, group: int, extra: float
) -> None:
    s = runs[mode]
    base = cost_run(model(gp_pay=pay), workforce(s.class_fte, s))
    dearer = cost_run(model(gp_pay=pay + more), workforce(s.class_fte, s))
    assert (dearer.get("workforce") >= base.get("workforce") - 1e-6).all()
    bigger = s.class_fte.copy()
    bigger[:, :, group] += extra
    assert (
        cost_run(model(gp_pay=pay), workforce(bigger, s)).get("workforce")
        >= base.get("workforce") - 1e-6
    ).all()
    for measure in MEASURES:
        for terms in ("cash", "real"):
            parts = [
                base.values[i]
                for i, (m, g, _p, t) in enumerate(base.keys)
                if m == measure and t == terms and g != ALL
            ]
            if parts:
                total = base.get(measure, terms=terms)
                np.testing.assert_allclose(np.sum(parts, axis=0), total, rtol=1e-12, atol=1e-6)
