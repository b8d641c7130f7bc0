"""Pieces of the demo generator on small hand-made inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from gpworkforce.demo import recipe
from gpworkforce.demo.check import round_half_up
from gpworkforce.demo.real import RealPractice
from gpworkforce.demo.synth import Pool, feasible_heads, plan_pools, pool_people, practice_signal


def _practice(
    code: str,
    ccg: str,
    gp_fte: float | None,
    list_size: float | None,
    registered: float | None = None,
) -> RealPractice:
    return RealPractice(
        code,
        code,
        ccg,
        dt.date(1974, 4, 1),
        None,
        list_size,
        None,
        gp_fte,
        None,
        registered,
        None,
        None,
    )


def test_practice_signal_fallbacks() -> None:
    practices = [
        _practice("A00001", "03W", 4.0, 9000.0),
        _practice("A00002", "03W", 2.5, 3000.0),
        _practice("A00003", "03W", None, None, registered=1200.0),  # not in GPW, in Payments
        _practice("A00004", "03W", None, None),  # in neither
        _practice("B00001", "04C", 7.0, 12000.0),
    ]
    gp = practice_signal(practices, "gp_fte")
    assert gp == {"A00001": 4.0, "A00002": 2.5, "A00003": 2.5, "A00004": 2.5, "B00001": 7.0}
    lists = practice_signal(practices, "list_size")
    assert lists["A00003"] == 1200.0  # Payments' registered list stands in for GPW's
    assert lists["A00004"] == 1200.0  # CCG's smallest known list


def test_feasible_heads_near_proportional() -> None:
    # 10 GPs with 140 half-sessions, 46 of them aged 55+, 8-18 half-sessions each
    h = feasible_heads(10, 140, 46, 8, 18)
    assert h == 3  # round(10 * 46 / 140) = 3; 3 x 8..18 holds 46, 7 x 8..18 holds 94
    assert feasible_heads(5, 50, 0, 8, 18) == 0
    with pytest.raises(ValueError, match="no feasible split"):
        feasible_heads(1, 10, 5, 8, 18)  # one person cannot be both


def test_pool_people_sums_exactly_and_respects_bounds() -> None:
    role = recipe.ROLES["GP"][1]
    pool = Pool("03W", role, True, 12, 150)
    people = pool_people(np.random.default_rng(1), pool)
    assert len(people) == 12
    assert sum(u for u, _, _ in people) == 150
    assert all(role.lo <= u <= role.hi for u, _, _ in people)
    assert all(band.over_55 for _, band, _ in people)


def test_plan_pools_keep_ccg_totals_and_llr_over55_share() -> None:
    pools = plan_pools("NURSE")
    for ccg, target in recipe.GROUP_TARGETS["NURSE"].items():
        mine = [p for p in pools if p.ccg == ccg]
        assert sum(p.units for p in mine) == target.units
        assert sum(p.heads for p in mine) == target.headcount
    for role in recipe.ROLES["NURSE"]:
        mine = [p for p in pools if p.role is role]
        share = sum(p.units for p in mine if p.over55) / sum(p.units for p in mine)
        assert abs(share - role.over55) <= 0.0005  # one unit in ~1,000 at most


def test_round_half_up_as_the_paper() -> None:
    assert round_half_up(2.675, 2) == Decimal("2.68")  # float 2.675 is 2.67499...; paper says .68
    assert round_half_up(0.5) == Decimal(1)
    assert round_half_up(255.5) == Decimal(256)
