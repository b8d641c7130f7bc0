"""LLR GP Workforce Plan (Oct 2017) Table 17 regenerated from its inputs.

The paper's printed rows (total primary care spend, co-commissioning as % of allocation, % of
CCG budget spent on primary care) are typed below from the seed and must come back from the
shipped `scenarios/llr-2017/allocations.csv` inputs (allocation, co-commissioning, discretionary).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.finance.allocations import ALL_ORGS, Thresholds, checks, derive
from gpworkforce.finance.tables_io import read_allocations

FILE = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "allocations.csv"
ORGS = ("East Leicestershire and Rutland", "Leicester City", "West Leicestershire")
YEARS = ("2016/17", "2017/18", "2018/19", "2019/20", "2020/21")
# Table 17, "Total Primary Care Spend" (GBP '000), ELR / City / West by year
TOTAL = [
    (45_979, 54_146, 49_740),
    (47_455, 54_285, 50_706),
    (48_113, 55_425, 52_962),
    (49_101, 56_864, 55_210),
    (50_880, 58_538, 57_305),
]
# "% of CCG Budget Spent on Primary Care"
SHARE = [
    (11.5, 11.3, 10.9),
    (11.7, 11.1, 10.9),
    (11.6, 11.1, 11.1),
    (11.6, 11.2, 11.3),
    (11.6, 11.1, 11.3),
]
# "Co-Commissioning Allocation as % of Overall CCG Allocation"
DELEGATED = [
    (10.1, 10.5, 9.8),
    (10.2, 10.3, 9.8),
    (10.2, 10.3, 10.1),
    (10.2, 10.4, 10.4),
    (10.2, 10.3, 10.4),
]


@pytest.fixture(scope="module")
def table() -> dict[tuple[str, str], dict[str, object]]:
    frame = derive(read_allocations(FILE), Thresholds(), {"gp": 112_000.0})
    return {(r["organisation"], r["financial_year"]): r for r in frame.to_dict("records")}


@pytest.mark.parametrize("y", range(5))
@pytest.mark.parametrize("o", range(3))
def test_derived_rows_equal_the_papers(table: dict, y: int, o: int) -> None:
    row = table[(ORGS[o], YEARS[y])]
    assert row["total_primary_care_spend_gbp_thousands"] == TOTAL[y][o]
    assert round(row["spend_share_pct"] + 1e-9, 1) == SHARE[y][o]
    assert round(row["delegated_share_pct"] + 1e-9, 1) == DELEGATED[y][o]


def test_headroom_in_pounds_and_salaried_gp_wte(table: dict) -> None:
    elr = table[(ORGS[0], "2016/17")]
    # 45,979 - 11.3% x 398,780 = 916.86 thousand; / 112,000 a WTE = 8.19 WTE
    assert elr["headroom_to_aspiration_gbp_thousands"] == pytest.approx(916.86)
    assert elr["headroom_to_aspiration_wte_gp"] == pytest.approx(916_860 / 112_000)
    assert elr["headroom_to_minimum_gbp_thousands"] == pytest.approx(45_979 - 0.109 * 398_780)


def test_west_leicestershire_is_below_the_minimum_before_rounding(table: dict) -> None:
    # 49,740 / 457,845 = 10.864%, printed as 10.9%: below the 10.9% minimum
    assert table[(ORGS[2], "2016/17")]["meets_minimum"] == "no"
    assert table[(ORGS[2], "2017/18")]["meets_minimum"] == "no"  # 50,706 / 466,838 = 10.862%
    assert table[(ORGS[2], "2018/19")]["meets_minimum"] == "yes"
    check = checks(read_allocations(FILE), Thresholds())
    assert (check["agrees_at_paper_precision"] == "yes").all() and len(check) == 45
    noted = check[check["note"] != ""]
    assert list(zip(noted["organisation"], noted["financial_year"], strict=True)) == [
        (ORGS[2], "2016/17"),
        (ORGS[2], "2017/18"),
    ]


def test_all_organisations_rows_sum_the_money(table: dict) -> None:
    row = table[(ALL_ORGS, "2020/21")]
    assert row["allocation_gbp_thousands"] == 438_967 + 528_694 + 505_832
    assert row["total_primary_care_spend_gbp_thousands"] == 50_880 + 58_538 + 57_305
    assert row["spend_share_pct"] == pytest.approx(100 * 166_723 / 1_473_493)
