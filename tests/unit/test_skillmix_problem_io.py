"""Reading optimisation problem files: costs from the finance cost model, catalogue overrides
beside the problem, and errors that name the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gpworkforce.domain.taxonomy import SkillLevel
from gpworkforce.errors import ValidationFailed
from gpworkforce.skillmix.problem_io import load_problem

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"

MINIMAL = """
name = "t"
base_year = 2017
target_year = 2020
patients = 10000
{extra}
[staff]
GP_SALARIED = 5
[recruit.GP_SALARIED]
cost = {cost}
"""


def _write(tmp_path: Path, cost: str, extra: str = "") -> Path:
    path = tmp_path / "p.toml"
    path.write_text(MINIMAL.format(cost=cost, extra=extra), encoding="utf-8")
    return path


def test_recruit_cost_named_in_the_cost_model_is_resolved(tmp_path: Path) -> None:
    shutil.copy(LLR / "costs.toml", tmp_path / "costs.toml")
    problem, _ = load_problem(_write(tmp_path, '"gp_salaried"', 'costs = "costs.toml"'))
    # LLR plan ch. 7.2: "a potential cost of £112,000 per annum per GP"
    assert problem.recruit["GP_SALARIED"].cost == 112_000


def test_catalogue_overrides_beside_the_problem_are_used(tmp_path: Path) -> None:
    (tmp_path / "cat.toml").write_text('[roles.NURSE_ANP]\nlevel = "Enhanced"\n', encoding="utf-8")
    _, catalogue = load_problem(_write(tmp_path, "100000", 'catalogue = "cat.toml"'))
    assert catalogue.roles["NURSE_ANP"].level == SkillLevel.ENHANCED


@pytest.mark.parametrize(
    ("cost", "extra", "key", "expected"),
    [
        ('"gp_salaried"', "", "recruit.GP_SALARIED.cost", "cost model"),
        ("-5", "", "recruit.GP_SALARIED.cost", "greater than 0"),
        ("100000", "target_year = 2010", "(file)", "target_year"),
    ],
)
def test_problem_errors_name_the_key(
    tmp_path: Path, cost: str, extra: str, key: str, expected: str
) -> None:
    text = MINIMAL.format(cost=cost, extra="")
    if extra:
        text = text.replace("target_year = 2020", extra)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_problem(path)
    assert key in str(info.value) and expected in str(info.value)
