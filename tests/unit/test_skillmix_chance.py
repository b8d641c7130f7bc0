"""The chance rows of the multi-year plan (``skillmix/chance.py``): the gaps per draw, the draw at
each row's p-quantile and the share of draws met, checked against independent computations.

The oracle for the gaps does not use the tags: for each draw it builds the programme afresh from a
catalogue whose values *are* that draw's (and the draw's growth as a fixed growth), so each chance
row's activity minus its bound is what the row asks in that draw; the tagged, year-by-year matrix
products of :class:`ChanceRows` must give the same numbers. The quantile is checked against
NumPy's stable argsort, ties included."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import skillmix_support as mix
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.chance import kth_draw
from gpworkforce.skillmix.multiyear import _chance, build, parameter_draws
from gpworkforce.skillmix.plan_problem import PlanProblem

TAX = load_taxonomy()
MIN_A = "tasks.consult.minutes.Autonomous"
MIN_E = "tasks.consult.minutes.Enhanced"
SUP_E = "tasks.consult.supervision.Enhanced"
H_ANP = "roles.NURSE_ANP.productive_hours"
H_GP = "roles.GP_SALARIED.productive_hours"


def _catalogue(values: dict[str, Any]) -> Catalogue:
    return mix.consult_and_clinic(
        per_1000=5000,
        autonomous=values[MIN_A],
        enhanced=values[MIN_E],
        supervision=values[SUP_E],
        anp_hours=values[H_ANP],
        gp_hours=values[H_GP],
    )


UNCERTAIN = mix.consult_and_clinic(per_1000=5000, **mix.UNCERTAIN_FIGURES)
GROWTH = {"kind": "triangular", "low": 1.0, "mode": 1.01, "high": 1.03}


def _problem(**more: Any) -> PlanProblem:
    return mix.plan_problem(
        "chance", 3, gp={"recruit_a_year": 1.0}, anp=mix.SUPERVISED_ANP, delay_years=1, **more
    )


PRACTICES = mix.practices(
    [3000.0, 7000.0],
    {
        "GP_SALARIED": [1.5, 3.0],
        "NURSE_ANP": [0.5, 1.0],
        "NURSE_PRACTICE": [1.0, 2.0],
        "ADMIN_RECEPTION": [2.0, 3.0],
    },
)


def _chance_rows_of(built) -> np.ndarray:
    return np.concatenate(
        [idx.ravel() for kind, _, idx in built.b.blocks if kind in ("hours", "supervision")]
    )


def test_the_gaps_are_those_of_the_programme_built_at_each_draw() -> None:
    problem = _problem(probability=0.8, draws=6, growth=GROWTH)
    draws = parameter_draws(problem, UNCERTAIN)
    assert draws is not None and set(draws) == {MIN_A, MIN_E, SUP_E, H_ANP, H_GP, "growth"}
    built = build(problem, PRACTICES, UNCERTAIN, TAX, draws)
    ch = _chance(built, draws, problem, UNCERTAIN)
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 3.0, built.b.ncol)  # any columns: the rows are linear in them
    gaps = ch.gap(x)
    assert gaps.shape == (6, len(ch.rows))
    for d in range(6):
        at_d = _catalogue({name: float(v[d]) for name, v in draws.items() if name != "growth"})
        fixed = _problem(growth=float(draws["growth"][d]))  # no probability: the draw's growth
        alone = build(fixed, PRACTICES, at_d, TAX)
        rows = _chance_rows_of(alone)
        assert np.array_equal(rows, ch.rows)
        activity = alone.b.matrix() @ x
        upper = np.concatenate(alone.b.upper_r)
        expected = activity[rows] - upper[rows]
        assert gaps[d] == pytest.approx(expected, rel=1e-9, abs=1e-7)
    # and each row's share of the draws met, and its draw at the p-quantile (k = ceil(0.8 x 6) - 1)
    met, dstar = ch.evaluate(x)
    tol = 1e-5 + 1e-9 * np.abs(ch.fixed_upper)
    assert met == pytest.approx(np.mean(gaps <= tol[None, :], axis=0))
    assert np.array_equal(dstar, np.argsort(gaps, axis=0, kind="stable")[4])


def test_the_copies_of_short_rows_only_are_ranked_in_the_later_rounds() -> None:
    problem = _problem(probability=0.8, draws=6, growth=GROWTH)
    draws = parameter_draws(problem, UNCERTAIN)
    assert draws is not None
    built = build(problem, PRACTICES, UNCERTAIN, TAX, draws)
    ch = _chance(built, draws, problem, UNCERTAIN)
    x = np.random.default_rng(3).uniform(0.0, 3.0, built.b.ncol)
    met_all, every = ch.evaluate(x)
    met, some = ch.evaluate(x, every=False)
    assert np.array_equal(met, met_all)
    short = met < 0.8 - 1e-12
    assert short.any() and not short.all()  # the case is not trivial
    assert np.array_equal(some[short], every[short]) and (some[~short] == -1).all()


@settings(max_examples=60, deadline=None)
@given(
    g=arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 40)),
        elements=st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0]),  # few values: many ties
    ),
    share=st.floats(min_value=0.0, max_value=1.0),
)
def test_the_kth_draw_is_the_stable_sorts(g: np.ndarray, share: float) -> None:
    k = min(int(share * g.shape[1]), g.shape[1] - 1)
    assert np.array_equal(kth_draw(g, k), np.argsort(g, axis=1, kind="stable")[:, k])


def test_the_kth_draw_of_distinct_values() -> None:
    g = np.array([[3.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 1.0, 5.0]])
    # row 1: sorted 0 (3), 1 (1), 2 (2), 3 (0): rank 2 is draw 2; all equal: draw 2; rank 2 of
    # 1 (2), 5 (0), 5 (1), 5 (3) is the second 5, draw 1
    assert kth_draw(g, 2).tolist() == [2, 2, 1]
