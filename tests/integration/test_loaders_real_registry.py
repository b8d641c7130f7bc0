"""The national registry built from the real ODS / NHS Digital files in ../shared/data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.loaders import build_registry

SEP_2017 = dt.date(2017, 9, 30)
LLR_CCGS = ("03W", "04C", "04V")


@pytest.fixture(scope="module")
def registry(shared_data: Path) -> OrgRegistry:
    return build_registry(shared_data)


def test_llr_2017_practices_per_ccg(registry: OrgRegistry) -> None:
    # LLR: 141 practices open on 30 Sep 2017 under the three CCGs (ODS commissioner, Dec 2019)
    ccg_of = registry.practice_map(SEP_2017, OrgType.SUB_ICB)
    counts = Counter(c for c in ccg_of.values() if c in LLR_CCGS)
    assert counts == {"03W": 33, "04C": 60, "04V": 48}
    assert sum(len(registry.practices_under(c, SEP_2017)) for c in LLR_CCGS) == 141


def test_llr_ccgs_sit_under_icb_qk1_then_and_now(registry: OrgRegistry) -> None:
    for on in (SEP_2017, dt.date(2021, 3, 31), dt.date(2024, 3, 31)):
        for ccg in LLR_CCGS:
            icb = registry.parent_of_type(ccg, OrgType.ICB, on)
            assert icb is not None and icb.code == "QK1", (ccg, on)
    assert "Leicester, Leicestershire and Rutland" in registry.get("QK1").name
    region = registry.parent_of_type("QK1", OrgType.REGION, SEP_2017)
    assert region is not None and region.name == "Midlands"


def test_practice_joined_ccg_after_2017_still_counts_under_it_in_2017(
    registry: OrgRegistry,
) -> None:
    # C82119's ODS join date for 04C is 2019-04-01, but 04C existed since 2013 (other practices
    # joined it then), and the LLR plan's 2017 Leicester City total includes this practice.
    ccg = registry.parent_of_type("C82119", OrgType.SUB_ICB, SEP_2017)
    assert ccg is not None and ccg.code == "04C"


def test_practice_closed_in_october_2017(registry: OrgRegistry) -> None:
    # A81003 (Victoria Medical Practice, Hartlepool) closed 2017-10-31 and left its CCG then
    p = registry.get("A81003")
    assert p.is_open(SEP_2017) and not p.is_open(dt.date(2017, 11, 1))
    assert registry.parent_of_type("A81003", OrgType.SUB_ICB, dt.date(2017, 10, 31)) is not None
    assert "A81003" not in registry.practice_map(dt.date(2017, 11, 1), OrgType.SUB_ICB)


def test_ccg_formed_by_2019_merger_gives_its_predecessor_in_2017(registry: OrgRegistry) -> None:
    # 15N (Devon CCG) was formed on 2019-04-01; before it, NHS Payments 2017/18 names the
    # practice's CCG (99P for L83002), which sits under Devon's ICB as its practices later did.
    assert registry.parent_of_type("L83002", OrgType.SUB_ICB, dt.date(2019, 4, 1)).code == "15N"
    before = registry.parent_of_type("L83002", OrgType.SUB_ICB, SEP_2017)
    assert before is not None and before.code == "99P"
    assert "Devon" in before.name
    assert registry.parent_of_type("99P", OrgType.ICB, SEP_2017).code == "QJK"


def test_number_of_ccgs_each_september(registry: OrgRegistry) -> None:
    # NHS England: 207 CCGs from April 2017, 195 from April 2018, 191 from April 2019,
    # 135 from April 2020, 106 from April 2021.
    expected = {2017: 207, 2018: 195, 2019: 191}
    for year, n in expected.items():
        ccgs = set(registry.practice_map(dt.date(year, 9, 30), OrgType.SUB_ICB).values())
        assert len(ccgs) == n, year
    assert len(set(registry.practice_map(dt.date(2021, 1, 1), OrgType.SUB_ICB).values())) == 135
    assert len(set(registry.practice_map(dt.date(2023, 1, 1), OrgType.SUB_ICB).values())) == 106
    # nearly every practice open in September 2017 has a CCG and an STP then
    on = SEP_2017
    open_2017 = registry.practice_map(on, OrgType.ENGLAND)
    with_stp = registry.practice_map(on, OrgType.ICB)
    assert len(open_2017) - len(with_stp) < 30


def test_pcns_exist_from_the_first_map(registry: OrgRegistry) -> None:
    assert registry.practice_map(dt.date(2019, 1, 1), OrgType.PCN) == {}
    pcn_2021 = registry.practice_map(dt.date(2021, 1, 1), OrgType.PCN)
    assert 6000 < len(pcn_2021) < 6708  # the Sep 2020 map lists 6,708 practices, some unallocated
    assert "U" not in pcn_2021.values()


def test_national_tiers(registry: OrgRegistry) -> None:
    on = dt.date(2023, 1, 1)
    icbs = set(registry.practice_map(on, OrgType.ICB).values())
    assert len(icbs) == 42
    assert len(set(registry.practice_map(on, OrgType.REGION).values())) == 7
    assert len(registry.practice_map(on, OrgType.ICB)) == 6527  # practices in the Jan 2022 map


def test_cached_and_fast_second_call(shared_data: Path, registry: OrgRegistry) -> None:
    assert build_registry(shared_data) is registry
