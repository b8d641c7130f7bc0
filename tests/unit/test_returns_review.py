"""The review of one return: totals by staff group and plausibility flags with their reasons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.returns import LocumLine, PracticeReturn, StaffLine
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.returns.review import (
    PATIENTS_PER_GP_RANGES,
    group_totals,
    list_size_range,
    review_return,
)

TAX = load_taxonomy()
CENSUS = dt.date(2017, 9, 30)
F, SAL = Sex.FEMALE, ContractType.SALARIED


def _ret(*staff: StaffLine, locums: tuple[LocumLine, ...] = (), census: dt.date = CENSUS):
    return PracticeReturn("C82001", census, staff=staff, locums=locums)


def gp(heads: int, sessions: float, role: str = "GP_PARTNER_PROVIDER") -> StaffLine:
    return StaffLine(
        role, heads, AgeBand.A45_49, F, ContractType.PARTNER, sessions_per_week=sessions
    )


def staff(role: str, heads: int, hours: float) -> StaffLine:
    return StaffLine(role, heads, AgeBand.A30_34, F, SAL, hours_per_week=hours)


NORMAL = (
    gp(4, 27.0),  # 3.0 WTE
    StaffLine(
        "GP_REGISTRAR_ST3_4", 1, AgeBand.UNDER_30, F, ContractType.TRAINEE, sessions_per_week=9.0
    ),
    staff("NURSE_PRACTICE", 2, 60.0),  # 1.6
    staff("DPC_HCA", 1, 30.0),  # 0.8
    staff("ADMIN_RECEPTION", 5, 150.0),  # 4.0
)


def test_totals_by_staff_group_count_locums_as_gps_and_qualified_gps_apart() -> None:
    ret = _ret(*NORMAL, locums=(LocumLine("GP_LOCUM_OTHER", 1, 4.5),))
    t = group_totals(ret, TAX)
    assert (t["GP"].headcount, round(t["GP"].wte, 6)) == (6, 4.5)  # 3 + 1 registrar + 0.5 locum
    assert (t["GP_QUALIFIED"].headcount, round(t["GP_QUALIFIED"].wte, 6)) == (4, 3.0)
    assert round(t["NURSE"].wte, 6) == 1.6 and t["ADMIN"].headcount == 5
    assert t["GP"].label == "GPs" and t["GP_QUALIFIED"].label == "Fully qualified GPs"


def test_a_plausible_return_raises_no_flag_and_totals_add_up() -> None:
    review = review_return(_ret(*NORMAL), TAX, registered_patients=6_000)
    assert review.flags == ()
    everyone = review.rows[-1]
    assert everyone.label == "All staff" and everyone.headcount == 4 + 1 + 2 + 1 + 5
    assert round(everyone.wte, 6) == round(3.0 + 1.0 + 1.6 + 0.8 + 4.0, 6)
    assert review.patients_per_gp == 2_000


def test_three_partners_for_a_large_practice_is_challenged_with_the_figures() -> None:
    review = review_return(_ret(gp(3, 27.0), *NORMAL[2:]), TAX, registered_patients=15_000)
    [flag] = review.flags
    assert flag.title == "5,000 patients per GP"
    assert "15,000 registered patients for 3.0 fully qualified GP WTE" in flag.reason
    assert "every GP is on the return" in flag.reason
    assert "nine in ten of England's practices in GPW September 2017: 1,280 to 4,880" in flag.reason


def test_patients_per_gp_is_judged_against_the_nearest_earlier_gpw_snapshot() -> None:
    # 5,000 patients per GP was in England's top 5% in 2017, not by 2023-24 (lists grew)
    late = review_return(
        _ret(gp(3, 27.0), *NORMAL[2:], census=dt.date(2024, 9, 30)), TAX, registered_patients=15_000
    )
    assert late.flags == () and late.list_size_range.source == "GPW 2023-24 (the year's average)"
    assert list_size_range(dt.date(2017, 12, 31)).source == "GPW September 2017"
    assert list_size_range(dt.date(2017, 9, 29)).source == "GPW September 2016"
    assert list_size_range(dt.date(2010, 3, 31)).source == "GPW September 2015"
    small = review_return(_ret(*NORMAL), TAX, registered_patients=3_000)  # 1,000 per GP WTE
    assert [f.title for f in small.flags] == ["1,000 patients per GP"]
    assert "counted twice" in small.flags[0].reason


def test_the_list_size_ranges_are_the_gpw_files_5th_and_95th_percentiles(
    shared_data: Path,
) -> None:
    import pandas as pd

    f = pd.read_csv(shared_data / "nhs" / "gpw_practice_fy2016_2024_gp_admin.csv", na_values=["NA"])
    f = f[(f["TOTAL_GP_EXTGL_FTE"] > 0) & (f["TOTAL_PATIENTS"] > 0)]
    per_gp = f["TOTAL_PATIENTS"] / f["TOTAL_GP_EXTGL_FTE"]
    years = sorted(f["Year"].unique())
    assert len(years) == len(PATIENTS_PER_GP_RANGES)
    for year, usual in zip(years, PATIENTS_PER_GP_RANGES, strict=True):
        q = per_gp[f["Year"] == year].quantile([0.05, 0.95])
        assert (usual.low, usual.high) == (round(q[0.05], -1), round(q[0.95], -1)), year
        # GPW's Year is the financial year ending; September snapshots until 2020
        assert usual.snapshot.year == (year - 1 if year <= 2020 else year)


def test_wte_per_person_outside_the_usual_range_is_flagged() -> None:
    # 5 receptionists giving 30 hours each on ONE line: 30 hours in total = 0.16 WTE per person
    review = review_return(_ret(*NORMAL[:4], staff("ADMIN_RECEPTION", 5, 30.0)), TAX)
    titles = [f.title for f in review.flags]
    assert titles == ["Admin/non-clinical: 0.16 WTE per person"]
    assert "total for everyone on each line" in review.flags[0].reason


def test_sudden_change_since_the_last_accepted_return_is_flagged_and_shown() -> None:
    before = _ret(*NORMAL, census=dt.date(2017, 6, 30))
    now = _ret(*NORMAL[:4], staff("ADMIN_RECEPTION", 8, 240.0))  # admin 4.0 -> 6.4 WTE
    review = review_return(now, TAX, previous=before)
    assert review.previous_date == dt.date(2017, 6, 30)
    admin = next(r for r in review.rows if r.label == "Admin/non-clinical")
    assert round(admin.change, 6) == 2.4 and round(admin.previous_wte, 6) == 4.0
    [flag] = review.flags
    assert flag.title == "Admin/non-clinical: up 2.4 WTE"
    assert "4.0 WTE on 30 June 2017, 6.4 WTE now" in flag.reason
    # a small change (0.4 WTE) is not flagged
    calm = review_return(
        _ret(*NORMAL[:4], staff("ADMIN_RECEPTION", 5, 165.0)), TAX, previous=before
    )
    assert calm.flags == ()


def test_missing_staff_groups_are_flagged() -> None:
    review = review_return(_ret(NORMAL[0], NORMAL[3]), TAX)
    assert [f.title for f in review.flags] == [
        "No nurses returned",
        "No admin/non-clinical returned",
    ]


def test_difference_from_gpw_uses_the_given_query_rule() -> None:
    gpw = {"GP_QUALIFIED": 3.2, "ADMIN": 2.0, "NURSE": 1.5}
    review = review_return(_ret(*NORMAL), TAX, gpw=gpw, gpw_date=CENSUS, gpw_query=(1.0, 0.2))
    assert [f.title for f in review.flags] == ["Admin/non-clinical: 2.0 WTE above GPW"]
    admin = next(r for r in review.rows if r.label == "Admin/non-clinical")
    assert (admin.gpw_wte, round(admin.gpw_difference, 6)) == (2.0, 2.0)
    # a stricter rule flags the GP difference of 0.2 WTE too
    strict = review_return(_ret(*NORMAL), TAX, gpw=gpw, gpw_query=(0.1, 0.05))
    assert "Fully qualified GPs: 0.2 WTE below GPW" in [f.title for f in strict.flags]
