"""The finance chapter of a committee paper states real and cash terms and the price base year
(issue 12 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.finance.runner import cost_scenario
from gpworkforce.papers.build import CostSummary, _finance_section, cost_summary

ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"
SUBSTANTIVE = "Cost of the gap to target, filled by substantive staff"


class _Inputs:  # the two fields the chapter reads
    def __init__(self, costs: tuple[CostSummary, ...]) -> None:
        self.costs, self.allocations, self.allocation_note = costs, None, ""


def test_cash_and_real_terms_with_uplifts_and_inflation() -> None:
    """The example cost model: pay uplifts 2% (2018/19), 2% (2019/20), 2.8% (2020/21) and
    inflation 2% a year, so at Sep 2020 (in 2020/21) cash = real x 1.02 ** 3 (the deflator),
    and cash = base-year price x 1.02 x 1.02 x 1.028."""
    summary = cost_summary(
        cost_scenario(LLR / "scenario-2.toml", LLR / "costs-detailed-example.toml")
    )
    assert summary.base_year == "2017/18"
    real = {t: v for t, v, *_ in summary.measures}
    cash = {t: v for t, v, *_ in summary.cash}
    assert set(cash) == set(real) and real[SUBSTANTIVE] > 0
    for title, value in real.items():
        assert cash[title] == pytest.approx(value * 1.02**3, rel=1e-9), title
    section = _finance_section(_Inputs((summary,)))  # type: ignore[arg-type]
    assert section is not None
    [table] = section.tables
    assert "real terms at 2017/18 prices and cash terms" in table.title
    frame = table.frame.set_index("Cost a year")
    assert list(frame.columns) == [
        "Scenario",
        "By",
        "Real terms (£, 2017/18 prices)",
        "Cash terms (£)",
    ]
    row = frame.loc[SUBSTANTIVE]
    assert row["Cash terms (£)"] == pytest.approx(
        row["Real terms (£, 2017/18 prices)"] * 1.0612080, rel=1e-6
    )
    assert any("Price base year 2017/18" in n for n in table.notes)
    assert not any("cash and real terms are equal" in n for n in table.notes)
    [text] = section.paragraphs
    assert "(2017/18 prices; " in text and " in cash terms)." in text


def test_a_cost_model_without_uplift_says_cash_equals_real() -> None:
    """LLR's own cost model states no uplift or deflator: both rows, and a note saying so; 9
    WTE x GBP 112,000 = GBP 1.0m at Sep 2020 (Scenario 2)."""
    summary = cost_summary(cost_scenario(LLR / "scenario-2.toml"))
    section = _finance_section(_Inputs((summary,)))  # type: ignore[arg-type]
    assert section is not None
    [table] = section.tables
    row = table.frame.set_index("Cost a year").loc[SUBSTANTIVE]
    assert row["Real terms (£, 2017/18 prices)"] == pytest.approx(9 * 112_000)
    assert row["Cash terms (£)"] == pytest.approx(9 * 112_000)
    assert any("cash and real terms are equal" in n for n in table.notes)
    assert section.paragraphs[0].endswith("(2017/18 prices).")
