"""The yearly budget of a multi-year practice problem read from the finance model's allocations
table (docs/skillmix.md, "Budget"), worked by hand from scenarios/llr-2017/allocations.csv
(GBP thousands, LLR plan Table 17):

2018/19  allocation 414,470 + 497,978 + 476,518 = 1,388,966
         spend (delegated + discretionary) 48,113 + 55,425 + 52,962 = 156,500
2019/20  allocation 423,132 + 508,865 + 486,906 = 1,418,903
         spend 49,101 + 56,864 + 55,210 = 161,175
Leicester City spend: 51,420 + 4,005 = 55,425 (2018/19); 52,819 + 4,045 = 56,864 (2019/20).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import ValidationFailed
from gpworkforce.skillmix.multiyear import solve
from gpworkforce.skillmix.optimise import Infeasible
from gpworkforce.skillmix.problem_io import load_plan_problem
from skillmix_support import catalogue

ALLOCATIONS = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "allocations.csv"

PROBLEM = """
name = "hand"
base_year = 2017
years = {years}
practices = "practices.csv"
budget = {{ allocations = "{allocations}", {budget} }}
[roles.GP_SALARIED]
cost = 100000
recruit_a_year = 0
[roles.NURSE_ANP]
cost = 40000
"""


def _file(tmp_path: Path, budget: str, years: int = 2) -> Path:
    (tmp_path / "practices.csv").write_text("practice,patients,GP_SALARIED\nP1,2000,1\n")
    path = tmp_path / "problem.toml"
    path.write_text(
        PROBLEM.format(years=years, allocations=ALLOCATIONS.as_posix(), budget=budget),
        encoding="utf-8",
    )
    return path


def test_headroom_over_the_minimum_share_of_all_organisations(tmp_path: Path) -> None:
    # headroom to the 10.9% minimum: 156,500 - 0.109 x 1,388,966 = 156,500 - 151,397.294
    # = 5,102.706 thousand; 161,175 - 0.109 x 1,418,903 = 161,175 - 154,660.427 = 6,514.573
    # thousand. Half of it: GBP 2,551,353 and 3,257,286.5.
    problem, _, _ = load_plan_problem(
        _file(tmp_path, 'figure = "headroom_to_minimum", share = 0.5')
    )
    assert problem.per_year("budget") == pytest.approx([2_551_353.0, 3_257_286.5], abs=1e-3)


def test_a_share_of_one_organisations_spend_limits_the_levers(tmp_path: Path) -> None:
    # 2% of Leicester City's spend: 0.02 x 55,425,000 = 1,108,500; 0.02 x 56,864,000 = 1,137,280.
    path = _file(tmp_path, 'organisation = "Leicester City", share = 0.02')
    problem, practices, _ = load_plan_problem(path)
    assert problem.per_year("budget") == pytest.approx([1_108_500.0, 1_137_280.0])
    # The ground of tests/spec/test_skillmix_multiyear.py: 4/3 ANP at GBP 40,000 are needed in
    # year 1, GBP 53,333.33 a year. 0.1% of the spend (55,425 and 56,864) pays for them; 0.05%
    # (27,712.50 in 2018/19) does not.
    cat = catalogue(
        {"consult": {"name": "C", "per_1000": 5000, "minutes": {"Autonomous": 10, "Enhanced": 20}}},
        roles={"NURSE_ANP": {"level": "Enhanced"}},
        hours=1000,
    )
    tax = load_taxonomy()
    enough, practices, _ = load_plan_problem(
        _file(tmp_path, 'organisation = "Leicester City", share = 0.001')
    )
    assert solve(enough, practices, cat, tax).cost == pytest.approx(106_666.667, abs=0.01)
    short, practices, _ = load_plan_problem(
        _file(tmp_path, 'organisation = "Leicester City", share = 0.0005')
    )
    with pytest.raises(Infeasible):
        solve(short, practices, cat, tax)


def test_a_negative_headroom_a_missing_year_or_organisation_is_named(tmp_path: Path) -> None:
    # headroom to the 11.3% aspiration in 2018/19: 156,500 - 0.113 x 1,388,966 = -453.158 thousand
    with pytest.raises(ValidationFailed) as err:
        load_plan_problem(_file(tmp_path, 'figure = "headroom_to_aspiration"'))
    text = str(err.value.issues[0])
    assert "budget.figure" in text and "-453,158" in text and "2018/19" in text
    with pytest.raises(ValidationFailed) as err:  # the table ends in 2020/21
        load_plan_problem(_file(tmp_path, "share = 0.01", years=4))
    text = str(err.value.issues[0])
    assert "budget.allocations" in text and "2021/22" in text
    with pytest.raises(ValidationFailed) as err:
        load_plan_problem(_file(tmp_path, 'organisation = "Corby"'))
    text = str(err.value.issues[0])
    assert "budget.organisation" in text and "Leicester City" in text and "'Corby'" in text
