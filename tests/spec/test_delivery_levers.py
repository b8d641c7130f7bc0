"""The WTE an initiative's lever delivers: the scenario without the lever (spec, decision 0088).

The oracle is the LLR plan's own arithmetic (Tables 12 and 13): Scenario 1 ends at
541 - 39 - 48 + 107 = 561 WTE, Scenario 2 at 541 - 31 - 32 + 122 + 30 = 630. Taking each of
Scenario 2's levers back to Scenario 1's setting must cost the printed line differences:
international recruits 30, leaving rates (39 - 31) + (48 - 32) = 24, newly qualified GPs
staying 122 - 107 = 15; together the 69 WTE between the scenarios.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from gpworkforce.delivery.levers import (
    LeverError,
    counterfactual,
    delivered,
    delivered_by,
)
from gpworkforce.forecast.hee_linear import hee_table
from gpworkforce.forecast.scenario import HeeLinearConfig
from gpworkforce.forecast.scenario_io import load_scenario, shipped_scenarios_dir

LLR = shipped_scenarios_dir() / "llr-2017"


def _doc(file: str) -> dict:
    """The resolved scenario as the web app keeps it (no ``extends``)."""
    loaded = load_scenario(LLR / file)
    return loaded.scenario.model_dump(mode="python", exclude={"extends"}, by_alias=True)


def _position(doc: dict) -> float:
    return hee_table(HeeLinearConfig.model_validate(doc["hee_linear"]), "s").position


@pytest.mark.parametrize(
    ("lever", "comparison", "expected"),
    [
        ("international_recruits", None, 30),  # switched off
        ("international_recruits", "scenario-1.toml", 30),  # as in Scenario 1 (none)
        ("leaving_rates", "scenario-1.toml", 24),
        ("trainee_retention", "scenario-1.toml", 15),
    ],
)
def test_each_llr_lever_delivers_the_plans_line_difference(
    lever: str, comparison: str | None, expected: float
) -> None:
    s2 = _doc("scenario-2.toml")
    assert _position(s2) == 630  # the paper's Scenario 2
    other = _doc(comparison) if comparison else None
    without = counterfactual(s2, lever, other)
    assert _position(s2) - _position(without) == expected
    assert without["hee_linear"]["baseline_wte"] == 541  # nothing else changed
    assert s2["hee_linear"]["international_recruits"] == 30  # the input is not changed


def test_the_three_levers_together_are_the_gap_between_the_scenarios() -> None:
    s1, s2 = _doc("scenario-1.toml"), _doc("scenario-2.toml")
    assert _position(s1) == 561
    doc = s2
    for lever in ("international_recruits", "leaving_rates", "trainee_retention"):
        doc = counterfactual(doc, lever, s1)
    assert _position(doc) == _position(s1)


@pytest.mark.parametrize("lever", ["leaving_rates", "trainee_retention"])
def test_a_rate_lever_needs_a_comparison(lever: str) -> None:
    with pytest.raises(LeverError, match="no 'off'"):
        counterfactual(_doc("scenario-2.toml"), lever)


@pytest.mark.parametrize("lever", ["returners", "locum_conversion"])
def test_hee_linear_does_not_model_returners_or_locum_conversion(lever: str) -> None:
    with pytest.raises(LeverError, match="does not model"):
        counterfactual(_doc("scenario-2.toml"), lever)


def test_the_comparison_must_use_the_same_method() -> None:
    cohort = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    with pytest.raises(LeverError, match="same method"):
        counterfactual(_doc("scenario-2.toml"), "international_recruits", cohort)


def test_cohort_flow_levers_are_switched_off_and_nothing_else() -> None:
    doc = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    intl = counterfactual(doc, "international_recruits")
    assert [i["kind"] for i in intl["cohort"]["inflows"]] == [
        "trainees",
        "recruitment",
        "recruitment",
    ]
    assert intl["cohort"]["transitions"] == doc["cohort"]["transitions"]
    locums = counterfactual(doc, "locum_conversion")
    assert locums["cohort"]["transitions"] == []  # GP_LOCUM -> GP was the only one
    assert locums["cohort"]["inflows"] == doc["cohort"]["inflows"]
    with pytest.raises(LeverError, match="does not model GPs returning"):
        counterfactual(doc, "returners")


def test_a_transition_between_two_salaried_classes_is_not_locum_conversion() -> None:
    doc = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    doc["cohort"]["transitions"] = [{"from": "PHARMACIST", "to": "GP", "annual_rate": 0.1}]
    with pytest.raises(LeverError, match="locums moving"):
        counterfactual(doc, "locum_conversion")


def test_cohort_retention_takes_only_the_comparisons_retention() -> None:
    doc = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    other = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    trainees = next(i for i in other["cohort"]["inflows"] if i["kind"] == "trainees")
    trainees["retention"] = 0.7
    trainees["per_year"] = [99]  # not the scheme: must not be copied
    out = counterfactual(doc, "trainee_retention", other)
    mine = next(i for i in out["cohort"]["inflows"] if i["kind"] == "trainees")
    assert mine["retention"] == 0.7
    assert mine["per_year"] == [51]


def test_cohort_leaving_rates_are_taken_from_the_comparison() -> None:
    doc = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    other = tomllib.loads((LLR / "cohort.toml").read_text("utf-8"))
    other["cohort"]["leaving"] = [{"kind": "retirement", "bands": ["55+"], "annual_rate": 0.2}]
    out = counterfactual(doc, "leaving_rates", other)
    assert out["cohort"]["leaving"] == other["cohort"]["leaving"]


def test_delivered_is_the_difference_on_shared_dates() -> None:
    d = [dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30)]
    points = delivered([(d[0], 10.0), (d[1], 12.5), (d[2], 15.0)], [(d[1], 10.0), (d[2], 11.0)])
    assert [(p.date, p.wte) for p in points] == [(d[1], 2.5), (d[2], 4.0)]
    assert delivered_by(points, dt.date(2018, 8, 1)).wte == 2.5  # latest on or before
    assert delivered_by(points, dt.date(2018, 1, 1)) is None
    with pytest.raises(LeverError, match="share no dates"):
        delivered([(d[0], 1.0)], [(d[1], 1.0)])


def test_salaried_wte_counts_salaried_gp_classes_only() -> None:
    import numpy as np

    from gpworkforce.delivery.levers import measure_of, salaried_series

    classes = [
        {"code": "GP", "gp_equivalent": 1.0},
        {"code": "GP_LOCUM", "contract": "locum", "gp_equivalent": 1.0},
        {"code": "ANP", "gp_equivalent": 1 / 3},
    ]
    # [D=2, R=2, O=2, K=3, A=1]: draw 0 is the central case; draw 1 must be ignored
    fte = np.zeros((2, 2, 2, 3, 1))
    fte[0, :, :, 0, 0] = [[10.0, 5.0], [11.0, 6.0]]  # GP in two organisations
    fte[0, :, :, 1, 0] = 100.0  # locums
    fte[0, :, :, 2, 0] = 1000.0  # nurse practitioners
    fte[1] = 7.0
    d = [dt.date(2017, 9, 30), dt.date(2017, 12, 31)]
    assert salaried_series(d, classes, ("GP", "GP_LOCUM", "ANP"), fte) == [
        (d[0], 15.0),
        (d[1], 17.0),
    ]
    assert measure_of("locum_conversion") == "salaried GP WTE"
    assert measure_of("international_recruits") == "GP WTE"
    with pytest.raises(LeverError, match="no salaried GP class"):
        salaried_series(d, classes[1:], ("GP_LOCUM", "ANP"), fte[:, :, :, 1:, :])
