"""Role costs of a multi-year practice problem taken from the finance cost model: the same pay,
on-costs and pay uplift as ``gpworkforce cost``, by role key or by the model's group of the role's
code (docs/skillmix.md, "Several years and practices"). Worked by hand below.

Cost model (base 2017/18; uplift 2% in 2018/19, 3% a year after):
- anp: pay 40,000 + NI 13.8% x (40,000 - 8,164) = 4,393.368 + pension 14.38% x 40,000 = 5,752
  -> 50,145.368 a year at 2017/18 prices;
- hca: pay 20,000, no on-costs -> 20,000;
- gp: 9 sessions x 10,000 + 22,000 other -> 112,000;
- group NURSE_ANP = half anp, half hca -> 35,072.684.
Cash factors: 2018/19 1.02; 2019/20 1.02 x 1.03 = 1.0506.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import ValidationFailed
from gpworkforce.skillmix.multiyear import solve
from gpworkforce.skillmix.problem_io import load_plan_problem
from skillmix_support import catalogue

COSTS = """
name = "hand"
[prices]
base_year = "2017/18"
pay_uplift = { "2018/19" = 0.02 }
pay_uplift_default = 0.03
inflation_default = 0.0

[[roles]]
key = "anp"
label = "ANP"
contract = "employed"
pay = 40000
on_costs = [
  { kind = "national_insurance", rate = 0.138, threshold = 8164 },
  { kind = "pension", rate = 0.1438 },
]

[[roles]]
key = "hca"
label = "HCA"
contract = "employed"
pay = 20000

[[roles]]
key = "gp"
label = "Salaried GP"
contract = "salaried"
sessions_per_wte = 9
pay_per_session = 10000
on_costs = [{ kind = "other", label = "Pension and indemnity", amount = 22000 }]

[groups]
GP_SALARIED = [{ role = "gp", share = 1.0 }]
NURSE_ANP = [{ role = "anp", share = 0.5 }, { role = "hca", share = 0.5 }]

[gap]
substantive_role = "gp"
"""

PROBLEM = """
name = "hand"
base_year = 2017
years = 2
practices = "practices.csv"
costs = "costs.toml"
[roles.GP_SALARIED]
cost = "gp"
recruit_a_year = 0
[roles.NURSE_ANP]
{anp}
"""


def _files(tmp_path: Path, anp: str = "", costs: bool = True) -> Path:
    if costs:
        (tmp_path / "costs.toml").write_text(COSTS, encoding="utf-8")
    (tmp_path / "practices.csv").write_text("practice,patients,GP_SALARIED\nP1,2000,1\n")
    problem = PROBLEM.format(anp=anp)
    if not costs:
        problem = problem.replace('costs = "costs.toml"\n', "")
    path = tmp_path / "problem.toml"
    path.write_text(problem, encoding="utf-8")
    return path


def test_costs_come_from_the_cost_model_with_its_uplift(tmp_path: Path) -> None:
    problem, _, _ = load_plan_problem(_files(tmp_path))
    # gp by key: 112,000 x 1.02 = 114,240; x 1.0506 = 117,667.20
    assert problem.role_cost("GP_SALARIED") == pytest.approx([114_240.0, 117_667.2], abs=1e-6)
    # NURSE_ANP has no cost: the group NURSE_ANP, 35,072.684 x 1.02 = 35,774.13768;
    # x 1.0506 = 36,847.3618104
    assert problem.role_cost("NURSE_ANP") == pytest.approx([35_774.13768, 36_847.3618104], abs=1e-6)
    # a role key: anp alone, 50,145.368 x 1.02 = 51,148.27536; x 1.0506 = 52,682.7236208 (50,145.368 x 0.0506 = 2,537.3556)
    keyed, _, _ = load_plan_problem(_files(tmp_path, anp='cost = "anp"'))
    assert keyed.role_cost("NURSE_ANP") == pytest.approx([51_148.27536, 52_682.7236208], abs=1e-6)
    # a figure of the problem's own is kept as it is, every year
    own, _, _ = load_plan_problem(_files(tmp_path, anp="cost = 40000"))
    assert own.role_cost("NURSE_ANP") == pytest.approx([40_000.0, 40_000.0])


def test_the_optimum_is_costed_at_the_cost_models_prices(tmp_path: Path) -> None:
    # The ground of tests/spec/test_skillmix_multiyear.py: 10,000 consultations a year, a GP does
    # 6,000, an ANP 3,000: 4/3 ANP recruited in year 1 and kept. Their cost: 4/3 x 35,774.13768 =
    # 47,698.85024 in 2018/19 and 4/3 x 36,847.3618104 = 49,129.81575 in 2019/20 (the GP in post
    # costs the same with and without levers).
    problem, practices, _ = load_plan_problem(_files(tmp_path))
    cat = catalogue(
        {
            "consult": {
                "name": "Consultation",
                "per_1000": 5000,
                "minutes": {"Autonomous": 10, "Enhanced": 20},
            }
        },
        roles={"NURSE_ANP": {"level": "Enhanced"}},
        hours=1000,
    )
    s = solve(problem, practices, cat, load_taxonomy())
    assert s.cost_by_year == pytest.approx([47_698.85024, 49_129.81575], abs=1e-4)
    assert s.cost == pytest.approx(96_828.66599, abs=1e-4)


def test_a_role_the_cost_model_does_not_price_is_named(tmp_path: Path) -> None:
    path = _files(tmp_path, anp='cost = "nurse"')
    with pytest.raises(ValidationFailed) as err:
        load_plan_problem(path)
    text = str(err.value.issues[0])
    assert "roles.NURSE_ANP.cost" in text and "anp, gp, hca" in text and "'nurse'" in text
    path = _files(tmp_path)
    path.write_text(path.read_text() + "[roles.NURSE_PRACTICE]\nattrition = 0.1\n")
    with pytest.raises(ValidationFailed) as err:
        load_plan_problem(path)
    text = str(err.value.issues[0])
    assert "roles.NURSE_PRACTICE.cost" in text and "GP_SALARIED, NURSE_ANP" in text


def test_without_a_cost_model_a_role_needs_its_own_cost(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as err:
        load_plan_problem(_files(tmp_path, costs=False))
    assert "roles.GP_SALARIED.cost" in str(err.value.issues[0])
