"""LLR GP Workforce Plan (Oct 2017) chapter 7.2 as input -> output specifications.

The plan's own figures are the oracle, written out by hand below (never computed by the code under
test): a salaried GP costs 9 sessions x GBP 10,000 plus pension and indemnity = GBP 112,000 a
year; the gap to the NHSE target is 98 WTE (639 - 541); locums cost GBP 5,000 a session a year
more (9 x 5,000 = 45,000 a WTE); 39.44 locum WTE (Table 10); 18 reported vacancies and about as
many unreported. The scenarios' positions are Tables 12-14's (561, 630, 658 WTE in 2020).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.finance.costing import ALL
from gpworkforce.finance.runner import CostedRun, cost_scenario

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"

# (scenario file, end position, GP-equivalent gap at Sep 2020, cost of that gap at GBP 112,000)
SCENARIOS = [
    ("scenario-1.toml", 561, 78, 8_736_000),
    ("scenario-2.toml", 630, 9, 1_008_000),
    ("scenario-3.toml", 658, 0, 0),
]


@pytest.fixture(scope="module")
def costed() -> dict[str, CostedRun]:
    return {name: cost_scenario(LLR / name) for name, *_ in SCENARIOS}


def _per_wte(c: CostedRun, role: str) -> dict[str, float]:
    frame = c.tables[1].frame
    rows = frame[frame["role"] == role]
    return dict(zip(rows["line"], rows["gbp_a_year"], strict=True))


def test_salaried_gp_costs_112000_line_by_line(costed: dict[str, CostedRun]) -> None:
    lines = _per_wte(costed["scenario-1.toml"], "Salaried GP")
    assert lines["Pay"] == 90_000  # 9 sessions x GBP 10,000
    assert lines["Pension and indemnity (not split in the plan)"] == 22_000
    assert lines["Total"] == 112_000


def test_locum_costs_5000_a_session_more(costed: dict[str, CostedRun]) -> None:
    lines = _per_wte(costed["scenario-1.toml"], "Locum GP")
    assert lines["Locum premium"] == 45_000  # 9 sessions x GBP 5,000
    assert lines["Total"] == 157_000


@pytest.mark.parametrize(("name", "position", "gap", "gap_cost"), SCENARIOS)
def test_each_scenario_prices_the_papers_gap(
    costed: dict[str, CostedRun], name: str, position: int, gap: int, gap_cost: int
) -> None:
    rows = costed[name].rows
    sub = rows.get("gap_substantive", terms="cash")[0]
    locum = rows.get("gap_locum", terms="cash")[0]
    # September 2017: 98 WTE short of 639, the plan's "98 WTE x GBP 112,000"
    assert sub[0] == 10_976_000
    assert locum[0] == 98 * 157_000 == 15_386_000
    # September 2020: what is left of the gap after each scenario
    assert sub[-1] == gap_cost
    assert locum[-1] == gap * 157_000
    assert rows.get("gap_locum_extra", terms="cash")[0][-1] == gap * 45_000


@pytest.mark.parametrize(("name", "position", "gap", "gap_cost"), SCENARIOS)
def test_workforce_cost_from_541_to_the_position(
    costed: dict[str, CostedRun], name: str, position: int, gap: int, gap_cost: int
) -> None:
    gp = costed[name].rows.get("workforce", "GP", "Practice", "cash")[0]
    assert gp[0] == 541 * 112_000 == 60_592_000
    gp_position = 630 if name == "scenario-3.toml" else position  # Sc. 3's 28 are substitutes
    assert gp[-1] == pytest.approx(gp_position * 112_000)


def test_scenario_3_adds_its_substitutes_at_their_cost(costed: dict[str, CostedRun]) -> None:
    rows = costed["scenario-3.toml"].rows
    # costs.toml's central assumptions (not the plan's): pharmacist pay 43,000, ANP 47,000, NI
    # 13.8% above 8,164 and pension 14.38%
    pharmacist = 43_000 + 0.138 * (43_000 - 8_164) + 0.1438 * 43_000
    anp = 47_000 + 0.138 * (47_000 - 8_164) + 0.1438 * 47_000
    assert rows.get("workforce", "DPC_PHARMACIST", "Practice")[0][-1] == pytest.approx(
        35 * pharmacist
    )
    assert rows.get("workforce", "NURSE_ANP", "Practice")[0][-1] == pytest.approx(50 * anp)
    assert rows.get("workforce", "NURSE_ANP", "Practice")[0][0] == 0


def test_locum_conversion_and_vacancies(costed: dict[str, CostedRun]) -> None:
    rows = costed["scenario-1.toml"].rows
    assert rows.get("locum_conversion_saving")[0][0] == pytest.approx(39.44 * 45_000)  # 1,774,800
    assert rows.get("vacancies")[0][0] == 36 * 112_000 == 4_032_000


def test_no_uplift_means_cash_equals_real(costed: dict[str, CostedRun]) -> None:
    rows = costed["scenario-2.toml"].rows
    assert (rows.get("workforce", ALL, ALL, "cash") == rows.get("workforce", terms="real")).all()
