"""The detailed example cost model on LLR Scenario 3: explicit lines, locum types, ARRS, prices.

Oracle figures are worked by hand from the example file's central values (documented in
docs/finance.md), not computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.finance.runner import CostedRun, cost_scenario

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"
UPLIFT = [1.0, 1.02, 1.02 * 1.02, 1.02 * 1.02 * 1.028]  # 2017/18 .. 2020/21
PHARMACIST = 43_000 + 0.1438 * 43_000 + 0.138 * (43_000 - 8_164)  # 53,990.77
GP_PAY = 9 * 8_300  # triangular mode of the session rate
SALARIED = GP_PAY * (1 + 0.1438 + 0.005) + 0.138 * (GP_PAY - 8_164) + 6_000


@pytest.fixture(scope="module")
def costed() -> CostedRun:
    return cost_scenario(LLR / "scenario-3.toml", LLR / "costs-detailed-example.toml")


def _lines(c: CostedRun, role: str) -> dict[str, float]:
    f = c.tables[1].frame
    rows = f[f["role"] == role]
    return dict(zip(rows["line"], rows["gbp_a_year"], strict=True))


def test_explicit_on_cost_lines(costed: CostedRun) -> None:
    gp = _lines(costed, "Salaried GP")
    assert gp["Pay"] == pytest.approx(74_700)
    assert gp["Pension"] == pytest.approx(0.1438 * 74_700)
    assert gp["National insurance"] == pytest.approx(0.138 * (74_700 - 8_164))
    assert gp["Indemnity"] == pytest.approx(6_000)
    assert gp["Apprenticeship levy"] == pytest.approx(0.005 * 74_700)
    assert gp["Total"] == pytest.approx(SALARIED)
    assert _lines(costed, "GP partner (drawings)") == {"Drawings": 110_000, "Total": 110_000}


def test_bank_and_agency_locums(costed: CostedRun) -> None:
    bank = _lines(costed, "Locum GP (bank)")
    agency = _lines(costed, "Locum GP (agency)")
    assert bank["Total"] == pytest.approx(SALARIED * 1.2)
    assert agency["Locum premium"] == 45_000
    assert agency["Agency fee"] == pytest.approx(0.15 * (SALARIED + 45_000))
    assert agency["Total"] == pytest.approx((SALARIED + 45_000) * 1.15)


def test_arrs_pays_up_to_its_cap_and_the_practice_the_rest(costed: CostedRun) -> None:
    rows = costed.rows
    arrs = rows.get("workforce", "DPC_PHARMACIST", "NHS England (ARRS)")[0]
    rest = rows.get("workforce", "DPC_PHARMACIST", "Practice or PCN")[0]
    wte = [0, 35 / 3, 70 / 3, 35]  # 35 pharmacists added in a straight line over 3 years
    assert arrs.tolist() == pytest.approx([0, 0, wte[2] * 37_810, 35 * 55_670])
    for y in range(4):
        assert arrs[y] + rest[y] == pytest.approx(wte[y] * PHARMACIST * UPLIFT[y])


def test_cash_and_real_terms(costed: CostedRun) -> None:
    rows = costed.rows
    cash = rows.get("workforce", terms="cash")[0]
    real = rows.get("workforce", terms="real")[0]
    assert real.tolist() == pytest.approx([cash[y] / 1.02**y for y in range(4)])
