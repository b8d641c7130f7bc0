"""One table of cases, run against every forecasting method that claims what the case needs.

Each case is written once, in plain terms (a start in WTE, an annual rate, joiners a year, the
years); each method builds its own specification from it (the adapters below) and is run through
the method interface (:class:`gpworkforce.forecast.methods.ForecastMethod`). A method is run on a
case only if its ``supports`` holds every capability the case lists; a test below checks that each
method is exercised by at least one case beyond the trivial one. Expected paths are worked by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from gpworkforce.forecast.build import stock_frame
from gpworkforce.forecast.cohort_config import CohortConfig
from gpworkforce.forecast.io import CohortData
from gpworkforce.forecast.methods import (
    COHORT,
    HEE_LINEAR,
    PERSISTENCE,
    TREND,
    Capability,
    CohortSpec,
    ForecastMethod,
    HeeSpec,
    RunRequest,
    TrendSpec,
)
from gpworkforce.forecast.scenario import HeeLinearConfig

pytestmark = pytest.mark.spec


@dataclass(frozen=True)
class Case:
    name: str
    needs: frozenset[Capability]
    start: float
    years: int
    loss_rate: float  # a year
    joiners: float  # a year, all retained, full time
    expected: tuple[float, ...]  # supply at the start and each year end


CASES = [
    Case("nothing changes", frozenset(), 500.0, 3, 0.0, 0.0, (500, 500, 500, 500)),
    # 10% a year compounded: 100 -> 90 -> 81
    Case("compound loss", frozenset({"compound-rates"}), 100.0, 2, 0.1, 0.0, (100, 90, 81)),
    # the HEE arithmetic loses 10% of the baseline each year: 100 -> 90 -> 80 -> 70
    Case("linear loss", frozenset({"linear-rates"}), 100.0, 3, 0.1, 0.0, (100, 90, 80, 70)),
    # 10 joiners a year and no losses: 100 -> 110 -> 120 -> 130
    Case("joiners", frozenset({"inflows"}), 100.0, 3, 0.0, 10.0, (100, 110, 120, 130)),
    # 10% lost a year compounded, then 10 join at the year's end: 100 -> 100 -> 100
    Case(
        "losses replaced",
        frozenset({"compound-rates", "inflows"}),
        100.0,
        2,
        0.1,
        10.0,
        (100, 100, 100),
    ),
]


def cohort_spec(c: Case) -> CohortSpec:
    raw: dict[str, Any] = {
        "start": dt.date(2017, 9, 30),
        "years": c.years,
        "step": "year",
        "bands": [{"label": "all"}],
        "classes": [{"code": "GP", "role": "GP_QUALIFIED", "gp_equivalent": 1.0}],
        "initial": {
            "rows": [
                {"org": "O", "class": "GP", "band": "all", "headcount": c.start, "fte": c.start}
            ]
        },
    }
    if c.loss_rate:
        raw["leaving"] = [{"kind": "other", "annual_rate": c.loss_rate}]
    if c.joiners:
        raw["inflows"] = [
            {
                "name": "joiners",
                "kind": "recruitment",
                "per_year": [c.joiners],
                "destinations": [{"class": "GP", "share": 1.0}],
                "band": "all",
            }
        ]
    cfg = CohortConfig.model_validate(raw)
    return CohortSpec(cfg, CohortData(stock_frame(cfg), None, None, ()))


def hee_spec(c: Case) -> HeeSpec:
    cfg = HeeLinearConfig(
        baseline_wte=c.start,
        years=c.years,
        over55_wte=0.0,
        over55_loss_rate=0.0,
        session_loss_rate=c.loss_rate,
        trainees_qualifying=c.joiners * c.years,
        trainee_retention=1.0,
        rounding="none",
    )
    return HeeSpec(cfg, c.name)


def trend_spec(c: Case) -> TrendSpec:
    return TrendSpec("O", c.start, -c.loss_rate, 0.0, 0.0, c.years)


def persistence_spec(c: Case) -> TrendSpec:
    return TrendSpec.persistence("O", c.start, 0.0, c.years)


ADAPTERS: dict[str, tuple[ForecastMethod[Any], Any]] = {
    "cohort": (COHORT, cohort_spec),
    "hee-linear": (HEE_LINEAR, hee_spec),
    "trend": (TREND, trend_spec),
    "persistence": (PERSISTENCE, persistence_spec),
}
PAIRS = [
    pytest.param(m, c, id=f"{m}-{c.name}")
    for c in CASES
    for m, (method, _) in ADAPTERS.items()
    if c.needs <= method.supports
]


@pytest.mark.parametrize(("method_name", "case"), PAIRS)
def test_case(method_name: str, case: Case) -> None:
    method, adapt = ADAPTERS[method_name]
    result = method.run(adapt(case), RunRequest())
    assert result.method == method_name
    assert result.supply.shape == (1, case.years + 1, 1)
    np.testing.assert_allclose(result.supply[0, :, 0], case.expected, rtol=1e-12)


def test_every_method_meets_a_case_beyond_no_change() -> None:
    covered = {p.values[0] for p in PAIRS if p.values[1].needs}
    assert covered >= set(ADAPTERS) - {"persistence"}


def test_the_compound_and_linear_cases_tell_the_methods_apart() -> None:
    # the same inputs give 72.9 compounded and 70 linearly after 3 years: the capability matters
    case = CASES[2]
    cohort = COHORT.run(cohort_spec(case), RunRequest()).supply[0, -1, 0]
    hee = HEE_LINEAR.run(hee_spec(case), RunRequest()).supply[0, -1, 0]
    assert cohort == pytest.approx(72.9, rel=1e-12)
    assert hee == pytest.approx(70.0, rel=1e-12)


@pytest.mark.parametrize("method_name", list(ADAPTERS))
def test_draws_keep_run_zero_central(method_name: str) -> None:
    # every method claims "draws": with draws asked, run 0 equals the central run
    method, adapt = ADAPTERS[method_name]
    assert "draws" in method.supports
    spec = adapt(CASES[0])
    central = method.run(spec, RunRequest()).supply
    drawn = method.run(spec, RunRequest(draws=5, seed=1)).supply
    assert drawn.shape[0] in (1, 6)  # 1 when nothing in the spec is uncertain
    np.testing.assert_array_equal(drawn[0], central[0])
