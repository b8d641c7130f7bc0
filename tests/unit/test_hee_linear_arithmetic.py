"""HEE-linear arithmetic on small hand-worked configurations (the LLR tables are in
``tests/spec/test_forecast_hee_linear.py``): each rounding rule, draws for a field inside a list,
the trajectory, the printed table and the end label.

Every expected figure is worked out by hand in the comments; the code under test is never used
to compute an expectation.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from gpworkforce.forecast.distributions import Triangular
from gpworkforce.forecast.hee_linear import hee_table, position
from gpworkforce.forecast.scenario import HeeLinearConfig, Substitute


def config(**kw: object) -> HeeLinearConfig:
    """100 WTE; over-55s 20 x 10% x 2 years = 4 lost; sessions 100 x 5% x 2 = 10 lost;
    trainees 10 x 50% = 5; international 2.6; substitutes (7 + 4) / 2 = 5.5."""
    fields: dict[str, object] = {
        "baseline_wte": 100,
        "baseline_date": dt.date(2020, 3, 31),
        "years": 2,
        "over55_wte": 20,
        "over55_loss_rate": Triangular(kind="triangular", low=0.05, mode=0.1, high=0.2),
        "session_loss_rate": 0.05,
        "trainees_qualifying": 10,
        "trainee_retention": 0.5,
        "international_recruits": 2.6,
        "substitutes": [
            Substitute(role="NURSE_ANP", headcount=7),
            Substitute(role="DPC_PHARMACIST", headcount=4, basis="4 from the plan"),
        ],
        "staff_per_gp": 2,
        "rounding": "none",
    }
    fields.update(kw)
    return HeeLinearConfig.model_validate(fields)


# rounding: international 2.6 and substitution 5.5 are the lines where the rules differ
#   none:     100 - 4 - 10 + 5 + 2.6 + 5.5 = 99.1
#   truncate: 100 - 4 - 10 + 5 + 2   + 5   = 98
#   nearest:  100 - 4 - 10 + 5 + 3   + 6   = 100   (halves go up)
@pytest.mark.parametrize(
    ("rounding", "intl", "subs", "end"),
    [("none", 2.6, 5.5, 99.1), ("truncate", 2, 5, 98), ("nearest", 3, 6, 100)],
)
def test_each_rounding_rule_line_by_line(
    rounding: str, intl: float, subs: float, end: float
) -> None:
    cfg = config(rounding=rounding)
    table = hee_table(cfg, "Small")
    assert [(li.value, li.kind) for li in table.lines] == [
        (100, "baseline"),
        (-4, "change"),
        (-10, "change"),
        (5, "change"),
        (pytest.approx(intl), "change"),
        (pytest.approx(subs), "change"),
        (pytest.approx(end), "position"),
    ]
    assert position(cfg) == pytest.approx(end)
    assert table.baseline == 100 and table.position == pytest.approx(end)


def test_nearest_rounds_a_negative_line_by_its_size() -> None:
    # sessions 100 x 2.5% x 2 = 5 exactly; over-55s 20 x 11.25% x 2 = 4.5 -> 5 lost (not 4)
    cfg = config(rounding="nearest", over55_loss_rate=0.1125, session_loss_rate=0.025)
    lines = hee_table(cfg, "s").lines
    assert lines[1].value == -5 and lines[2].value == -5


def test_labels_baselines_and_assumptions_as_printed() -> None:
    table = hee_table(config(), "Small")
    assert table.scenario == "Small" and table.years == 2
    assert [(li.label, li.baseline, li.assumption) for li in table.lines] == [
        ("Baseline Figure", "", ""),
        ("Number of WTE GPs over the age of 55", "20", "Lose 10% per annum"),
        (
            "Proportion GP workforce reducing sessions or leaving prior to retirement age",
            "100",
            "Lose 5% of sessions per annum",
        ),
        ("Newly qualified GP trainees", "10", "50% remain in the workforce"),
        ("International Recruits", "0", "2.6"),
        (
            "Other Health Professionals / Role Substitution",
            "7 NURSE_ANP and 4 from the plan",  # no basis given: the number and the role
            "11 with a ratio of 2:1",
        ),
        ("Position in 2022", "", ""),  # 2020 + 2 years
    ]
    undated = hee_table(config(baseline_date=None, baseline_label="Start"), "s").lines
    assert undated[0].label == "Start"
    assert undated[-1].label == "Position after 2 years"


def test_without_substitutes_there_is_no_substitution_line() -> None:
    cfg = config(substitutes=[], staff_per_gp=0)  # no ratio is needed, so 0 is not divided by
    table = hee_table(cfg, "s")
    assert "Other Health Professionals / Role Substitution" not in [li.label for li in table.lines]
    assert position(cfg) == pytest.approx(93.6)  # 99.1 - 5.5


def test_draws_for_a_rate_and_for_a_field_inside_the_substitutes_list() -> None:
    cfg = config()
    # over-55 rate 0.2 in the second draw: 20 x 0.2 x 2 = 8 lost instead of 4
    got = position(cfg, {"hee_linear.over55_loss_rate": np.array([0.1, 0.2])})
    np.testing.assert_allclose(got, [99.1, 95.1])
    # the second substitute's headcount 14 in the second draw: (7 + 14) / 2 = 10.5 instead of 5.5
    got = position(cfg, {"hee_linear.substitutes[1].headcount": np.array([4.0, 14.0])})
    np.testing.assert_allclose(got, [99.1, 104.1])
    # truncation applies draw by draw: 10.5 -> 10, 5.5 -> 5 (and 2.6 -> 2)
    trunc = config(rounding="truncate")
    got = position(trunc, {"hee_linear.substitutes[1].headcount": np.array([4.0, 14.0])})
    np.testing.assert_array_equal(got, [98.0, 103.0])


def test_trajectory_is_a_straight_line_year_by_year() -> None:
    table = hee_table(config(), "s")  # 100 -> 99.1 over 2 years: -0.45 a year
    got = table.trajectory()
    assert [year for year, _ in got] == [0, 1, 2]
    np.testing.assert_allclose([wte for _, wte in got], [100, 99.55, 99.1])


def test_render_prints_the_papers_columns() -> None:
    # 10 WTE; over-55s 2 x 50% x 1 = 1 lost; sessions 10 x 10% x 1 = 1 lost; trainees 4 x 50% = 2
    cfg = HeeLinearConfig(
        baseline_wte=10,
        baseline_label="Start",
        years=1,
        over55_wte=2,
        over55_loss_rate=0.5,
        session_loss_rate=0.1,
        trainees_qualifying=4,
        trainee_retention=0.5,
    )
    # columns: labels left-aligned to the longest (76 characters), baseline (8, "Baseline"),
    # assumptions (30), numbers right-aligned (19, the heading); two spaces apart; a gain has "+"
    long = "Proportion GP workforce reducing sessions or leaving prior to retirement age"

    def row(label: str, base: str, assumption: str, number: str) -> str:
        text = f"{label:<76}  {base:<8}  {assumption:<30}  {number:>19}"
        return text.rstrip()

    expected = [
        "Tiny",
        row("", "Baseline", "Local Assumptions", "Number over 1 years"),
        row("Start", "", "", "10"),
        row("Number of WTE GPs over the age of 55", "2", "Lose 50% per annum", "-1"),
        row(long, "10", "Lose 10% of sessions per annum", "-1"),
        row("Newly qualified GP trainees", "4", "50% remain in the workforce", "+2"),
        row("International Recruits", "0", "0", "0"),
        row("Position after 1 years", "", "", "10"),
    ]
    assert len(long) == 76
    assert hee_table(cfg, "Tiny").render().split("\n") == expected


def test_a_gain_of_one_or_less_still_shows_its_sign() -> None:
    cfg = HeeLinearConfig(
        baseline_wte=10,
        over55_wte=0,
        over55_loss_rate=0,
        session_loss_rate=0,
        trainees_qualifying=1,
        trainee_retention=0.5,  # 0.5 newly qualified (rounding "none")
        international_recruits=1,
        rounding="none",
    )
    lines = hee_table(cfg, "s").render().split("\n")
    assert lines[5].endswith("  +0.5") and lines[6].endswith("  +1")


def test_a_float_artefact_just_below_a_whole_number_is_that_number() -> None:
    # 2.9999999996 is within 1e-9 of 3: truncated to 3 (a product like 0.7 x 30 can land there),
    # while 2.999999 is truncated to 2
    def intl(value: float) -> float:
        return (
            hee_table(config(rounding="truncate", international_recruits=value), "s").lines[4].value
        )

    assert intl(2.9999999996) == 3
    assert intl(2.999999) == 2
