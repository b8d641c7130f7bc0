"""Costing properties on random cost models and workforces, against a scalar reference.

* the costs equal the scalar re-statement of the equations (tests/finance_reference.py);
* every total is the sum of its parts (group x payer rows), cash and real;
* cost never falls when WTE or pay rise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_reference import cash_factor, cost_per_wte, payer_split
from gpworkforce.finance.costing import ALL, MEASURES, Workforce, cost_run
from gpworkforce.finance.model import CostModel

money = st.floats(0, 200_000, allow_nan=False)
rate = st.floats(0, 0.4, allow_nan=False)
uplift = st.floats(-0.1, 0.2, allow_nan=False)


@st.composite
def cases(draw: Any) -> dict[str, Any]:
    years = draw(st.integers(1, 5))
    return {
        "pay": draw(money),
        "rates": draw(st.lists(st.tuples(rate, st.floats(0, 50_000)), max_size=3)),
        "amounts": draw(st.lists(st.floats(0, 20_000), max_size=2)),
        "uplifts": draw(st.lists(uplift, min_size=years - 1, max_size=years - 1)),
        "share": draw(st.floats(0, 1)),
        "caps": draw(st.lists(st.one_of(st.none(), money), min_size=years, max_size=years)),
        "premium": draw(st.floats(0, 1)),
        "wte": draw(st.lists(st.floats(0, 500), min_size=2 * years, max_size=2 * years)),
        "gap": draw(st.lists(st.floats(-50, 200), min_size=years, max_size=years)),
        "years": years,
    }


def _model(c: dict[str, Any]) -> CostModel:
    years = [f"{2017 + i}/{(18 + i) % 100:02d}" for i in range(c["years"])]
    on_costs = [{"kind": "pension", "rate": r, "threshold": t} for r, t in c["rates"]]
    on_costs += [{"kind": "indemnity", "amount": a} for a in c["amounts"]]
    caps = {y: cap for y, cap in zip(years, c["caps"], strict=True) if cap is not None}
    return CostModel.model_validate(
        {
            "name": "random",
            "prices": {
                "base_year": years[0],
                "pay_uplift": dict(zip(years[1:], c["uplifts"], strict=True)),
                "inflation_default": 0.03,
            },
            "roles": [
                {
                    "key": "gp",
                    "label": "GP",
                    "contract": "salaried",
                    "pay": c["pay"],
                    "on_costs": on_costs,
                },
                {
                    "key": "locum",
                    "label": "Locum",
                    "contract": "locum",
                    "based_on": "gp",
                    "premium_rate": c["premium"],
                },
            ],
            "groups": {"A": [{"role": "gp", "share": 1.0}], "B": [{"role": "locum", "share": 1.0}]},
            "gap": {"substantive_role": "gp", "locum_role": "locum"},
            "schemes": [
                {"name": "S", "payer": "Scheme", "roles": ["gp"], "share": c["share"], "caps": caps}
            ]
            if caps
            else [],
        }
    )


def _workforce(c: dict[str, Any]) -> Workforce:
    y = c["years"]
    dates = tuple(dt.date(2017 + i, 9, 30) for i in range(y))
    wte = np.array(c["wte"], dtype=np.float64).reshape(1, y, 2)
    return Workforce("t", dates, ("A", "B"), wte, gap=np.array([c["gap"]], dtype=np.float64))


@given(cases())
def test_costs_match_the_scalar_reference(c: dict[str, Any]) -> None:
    rows = cost_run(_model(c), _workforce(c))
    base = cost_per_wte(c["pay"], c["rates"], c["amounts"])
    has_scheme = any(cap is not None for cap in c["caps"])
    for i in range(c["years"]):
        f = cash_factor(c["uplifts"], i)
        scheme, practice = payer_split(base * f, c["share"], c["caps"][i])
        wte_a, wte_b = c["wte"][2 * i], c["wte"][2 * i + 1]
        got_p = rows.get("workforce", "A", "Practice")[0, i]
        assert got_p == pytest.approx(wte_a * practice, rel=1e-9, abs=1e-6)
        if has_scheme:
            assert rows.get("workforce", "A", "Scheme")[0, i] == pytest.approx(
                wte_a * scheme, rel=1e-9, abs=1e-6
            )
        locum = base * (1 + c["premium"]) * f
        assert rows.get("workforce", "B", "Practice")[0, i] == pytest.approx(
            wte_b * locum, rel=1e-9, abs=1e-6
        )
        gap = max(c["gap"][i], 0.0)
        assert rows.get("gap_locum_extra")[0, i] == pytest.approx(
            gap * base * c["premium"] * f, rel=1e-9, abs=1e-6
        )
        real = rows.get("workforce", terms="real")[0, i]
        assert real == pytest.approx(rows.get("workforce")[0, i] / 1.03**i, rel=1e-9, abs=1e-6)


@given(cases())
def test_totals_are_the_sum_of_their_parts(c: dict[str, Any]) -> None:
    rows = cost_run(_model(c), _workforce(c))
    for measure in MEASURES:
        for terms in ("cash", "real"):
            parts = [
                rows.values[i]
                for i, (m, g, p, t) in enumerate(rows.keys)
                if m == measure and t == terms and g != ALL
            ]
            if not parts:
                continue
            total = rows.get(measure, terms=terms)
            np.testing.assert_allclose(np.sum(parts, axis=0), total, rtol=1e-12, atol=1e-6)


@given(cases(), st.integers(0, 9), st.floats(0, 100))
def test_cost_never_falls_when_wte_rises(c: dict[str, Any], cell: int, more: float) -> None:
    before = cost_run(_model(c), _workforce(c)).get("workforce")
    c2 = dict(c, wte=list(c["wte"]))
    c2["wte"][cell % len(c2["wte"])] += more
    after = cost_run(_model(c2), _workforce(c2)).get("workforce")
    assert (after >= before - 1e-6).all()


@given(cases(), st.floats(0, 50_000))
def test_cost_never_falls_when_pay_rises(c: dict[str, Any], more: float) -> None:
    rows = cost_run(_model(c), _workforce(c))
    rows2 = cost_run(_model(dict(c, pay=c["pay"] + more)), _workforce(c))
    for measure in ("workforce", "gap_substantive", "gap_locum"):
        assert (rows2.get(measure) >= rows.get(measure) - 1e-6).all()


@given(cases())
def test_locum_spend_is_the_locum_groups_workforce_cost(c: dict[str, Any]) -> None:
    """Group B is priced wholly as the locum role: its locum spend is its workforce cost
    (computed by a different path in cost_run), in cash and real terms."""
    rows = cost_run(_model(c), _workforce(c))
    for terms in ("cash", "real"):
        np.testing.assert_allclose(
            rows.get("locum_spend", terms=terms),
            rows.get("workforce", "B", "Practice", terms=terms),
            rtol=1e-12,
            atol=1e-6,
        )


@given(cases(), st.integers(0, 9), st.floats(0, 100), st.floats(0, 50_000))
def test_locum_spend_never_falls_when_locum_wte_or_pay_rises(
    c: dict[str, Any], cell: int, more_wte: float, more_pay: float
) -> None:
    before = cost_run(_model(c), _workforce(c)).get("locum_spend")
    c2 = dict(c, wte=list(c["wte"]), pay=c["pay"] + more_pay)
    i = (cell % c["years"]) * 2 + 1  # group B (locums) in year cell
    c2["wte"][i] += more_wte
    after = cost_run(_model(c2), _workforce(c2)).get("locum_spend")
    assert (after >= before - 1e-6).all()
