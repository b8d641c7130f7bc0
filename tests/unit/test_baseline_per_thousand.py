"""Per-1,000 figures, denominators and the target gap on small hand-made frames."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from baseline_fixtures import GPW, RET, SEP17, full_return, patients, registry, workforce
from gpworkforce.baseline.data import BaselineData, select_patients
from gpworkforce.baseline.per_thousand import (
    Denominators,
    TargetConfig,
    per_thousand,
    per_thousand_frame,
    target_gap,
    target_gap_frame,
)
from gpworkforce.domain.orgs import OrgType

R17 = RET.format(p="2017-09-30", v="2017-10-05")


def _row(frame: pd.DataFrame, code: str) -> pd.Series:
    return frame.set_index("org_code").loc[code]


def _data(pats: pd.DataFrame) -> BaselineData:
    rows = [
        *full_return(
            "P00001", SEP17, R17, {"GP_PARTNER_PROVIDER": (2, 2.0), "NURSE_ANP": (1, 1.0)}
        ),
        *full_return("P00002", SEP17, R17, {"GP_SALARIED_BY_PRACTICE": (1, 1.0)}),
        *full_return("P00003", SEP17, R17, {"GP_SALARIED_BY_PRACTICE": (2, 1.5)}),
    ]
    return BaselineData(workforce=workforce(rows), registry=registry(), patients=pats)


PATS = patients(
    [
        ("P00001", SEP17, 2000, 2500, "gpw-x:FY2018:2018-01-01:a"),
        ("P00002", SEP17, 3000, 2500, "gpw-x:FY2018:2018-01-01:a"),
        ("P00003", SEP17, 5000, 6000, "gpw-x:FY2018:2018-01-01:a"),
    ]
)


def test_per_thousand_uses_summed_list_sizes():
    frame, notes = per_thousand_frame(_data(PATS), "QQ1", SEP17)
    cc1, cc2, icb = (_row(frame, c) for c in ("CC1", "CC2", "QQ1"))
    assert cc1["Registered patients"] == 5000
    assert cc1["Weighted patients"] == 5000
    assert cc1["GPs excl. registrars per 1,000 registered"] == pytest.approx(3.0 / 5000 * 1000)
    assert cc2["GPs excl. registrars per 1,000 weighted"] == pytest.approx(1.5 / 6000 * 1000)
    assert icb["Registered patients"] == 10000
    assert icb["GPs excl. registrars per 1,000 registered"] == pytest.approx(0.45)
    assert icb["Nurses per 1,000 registered"] == pytest.approx(0.1)
    assert icb["Total per 1,000 registered"] == pytest.approx(0.55)
    assert any("list sizes" in n for n in notes)


def test_given_populations_override_list_sizes():
    den = Denominators(registered={"CC1": 4000, "CC2": 6000}, label="test populations")
    frame, notes = per_thousand_frame(_data(PATS), "QQ1", SEP17, denominators=den)
    assert _row(frame, "CC1")["Registered patients"] == 4000
    # the total is not given but both children are: their sum
    assert _row(frame, "QQ1")["Registered patients"] == 10000
    assert _row(frame, "CC1")["GPs excl. registrars per 1,000 registered"] == pytest.approx(0.75)
    # weighted not given: list sizes
    assert _row(frame, "CC1")["Weighted patients"] == 5000
    assert any("test populations" in n for n in notes)
    only_total = Denominators(registered={"QQ1": 12000})
    frame2, _ = per_thousand_frame(_data(PATS), "QQ1", SEP17, denominators=only_total)
    assert _row(frame2, "QQ1")["Registered patients"] == 12000
    assert _row(frame2, "CC1")["Registered patients"] == 5000


def test_missing_patients_give_na_not_infinity_or_zero():
    pats = patients([("P00001", SEP17, 0, None, "gpw-x:FY2018:2018-01-01:a")])
    frame, _ = per_thousand_frame(_data(pats), "QQ1", SEP17)
    cc1, cc2 = _row(frame, "CC1"), _row(frame, "CC2")
    assert pd.isna(cc1["GPs excl. registrars per 1,000 registered"])  # 0 patients
    assert pd.isna(cc1["Weighted patients"])
    assert pd.isna(cc2["Registered patients"])
    assert pd.isna(cc2["GPs excl. registrars per 1,000 registered"])
    _, notes = per_thousand_frame(_data(pats), "QQ1", SEP17)
    assert (
        "Registered list size known for 1 of 3 practices in QQ1; patients are summed over those."
        in notes
    )
    assert any(n.startswith("Weighted list size known for 0 of 3") for n in notes)


def test_patients_nearest_period_and_newest_vintage():
    pats = patients(
        [
            ("P00001", dt.date(2018, 3, 31), 1100, 1200, "pay:FY2018:2019-01-01:a"),
            ("P00001", SEP17, 1000, None, "gpw:FY2018:2018-01-01:a"),
            ("P00001", SEP17, 1050, None, "gpw:FY2018:2022-07-01:b"),
            ("P00002", dt.date(2016, 9, 30), 500, 600, "gpw:FY2017:2017-01-01:a"),
        ]
    )
    chosen = select_patients(pats, SEP17).set_index("practice_code")
    assert chosen.loc["P00001", "registered"] == 1050  # same period, newest vintage
    assert chosen.loc["P00001", "weighted"] == 1200  # only within six months
    assert "P00002" not in chosen.index  # a year away: outside the tolerance
    wide_window = select_patients(pats, SEP17, tolerance_days=400).set_index("practice_code")
    assert wide_window.loc["P00002", "registered"] == 500


def test_target_gap_llr_arithmetic():
    # LLR plan, Table 4: 0.58 WTE per 1,000 on 1,114,316 patients needs 646.3 WTE
    den = Denominators(registered={"QQ1": 1_114_316})
    frame, _ = target_gap_frame(_data(PATS), "QQ1", SEP17, denominators=den)
    icb = _row(frame, "QQ1")
    assert icb["WTE needed"] == pytest.approx(646.30328)
    assert icb["Gap (WTE)"] == pytest.approx(646.30328 - 4.5)
    cc1 = _row(frame, "CC1")
    assert cc1["WTE per 1,000"] == pytest.approx(0.6)
    assert cc1["Gap (WTE)"] == pytest.approx(0.58 * 5 - 3.0)


def test_target_on_weighted_patients_and_other_node():
    target = TargetConfig(node="NURSE", per_1000=0.3, basis="weighted")
    frame, notes = target_gap_frame(_data(PATS), "QQ1", SEP17, target=target)
    icb = _row(frame, "QQ1")
    assert icb["WTE"] == 1.0
    assert icb["WTE needed"] == pytest.approx(0.3 * 11000 / 1000)
    assert "weighted" in notes[0]


def test_per_thousand_report_table_decimals():
    table = per_thousand(_data(PATS), "QQ1", SEP17)
    assert table.decimals["GPs excl. registrars per 1,000 registered"] == 2
    assert table.decimals["Registered patients"] == 0


# ---- written to kill surviving mutants (docs/testing.md, "Mutation testing") -----------------
# The data above, by hand: CC1 = P1 + P2 (GPs 2.0 + 1.0 WTE, one nurse 1.0 WTE; registered
# 2,000 + 3,000, weighted 2,500 + 2,500); CC2 = P3 (GPs 1.5 WTE; 5,000 registered, 6,000 weighted);
# QQ1 = both (GPs 4.5, nurses 1.0, total 5.5 WTE; 10,000 registered, 11,000 weighted).
SOURCE = "practice-return:2017-09-30:2017-10-05:abc123abc123"
GROUPS = ["GPs excl. registrars", "Nurses", "Other clinical (DPC)", "Admin/non-clinical"]


def test_per_thousand_report_table() -> None:
    table = per_thousand(_data(PATS), "QQ1", SEP17)
    assert table.key == "per_thousand"
    assert table.title == "WTE per 1,000 patients by staff group: ICB One (QQ1), 30 September 2017"
    assert table.sources == (SOURCE,)
    assert table.notes[:2] == (
        "Per 1,000 = WTE / patients x 1,000. Total WTE = sum of the four groups (NA if any is NA).",
        "Patients: registered and weighted list sizes of the practices in each row, summed.",
    )
    assert not any("list size known" in n for n in table.notes)  # all 3 practices' are known
    per_1000 = [
        f"{g} per 1,000 {b}" for g in [*GROUPS, "Total"] for b in ("registered", "weighted")
    ]
    wte = [f"{g} WTE" for g in [*GROUPS, "Total"]]
    assert table.decimals == {
        "Registered patients": 0,
        "Weighted patients": 0,
        **dict.fromkeys(wte, 1),
        **dict.fromkeys(per_1000, 2),
    }
    icb, cc2 = _row(table.frame, "QQ1"), _row(table.frame, "CC2")
    assert icb["Total WTE"] == pytest.approx(5.5)
    assert icb["Total per 1,000 weighted"] == pytest.approx(0.5)  # 5.5 / 11,000 x 1,000
    assert icb["Nurses per 1,000 weighted"] == pytest.approx(1 / 11)  # 1.0 / 11,000 x 1,000
    assert cc2["GPs excl. registrars per 1,000 weighted"] == pytest.approx(0.25)  # 1.5 / 6,000
    assert cc2["Other clinical (DPC) WTE"] == 0


def test_target_gap_report_table() -> None:
    table = target_gap(_data(PATS), "QQ1", SEP17)
    assert table.key == "target_gap"
    assert table.title == "WTE against the per-1,000 target: ICB One (QQ1), 30 September 2017"
    assert table.sources == (SOURCE,)
    assert table.notes[:3] == (
        "WTE counts GPs excluding registrars; target 0.58 WTE per 1,000 registered patients.",
        "WTE needed = target x patients / 1,000; gap = WTE needed - WTE (positive = shortfall).",
        "Patients: registered and weighted list sizes of the practices in each row, summed.",
    )
    assert table.decimals == {
        "WTE": 1,
        "WTE needed": 1,
        "Gap (WTE)": 1,
        "WTE per 1,000": 3,
        "Target per 1,000": 2,
        "Registered patients": 0,
        "Weighted patients": 0,
    }
    icb, cc2 = _row(table.frame, "QQ1"), _row(table.frame, "CC2")
    # QQ1: 0.58 x 10,000 / 1,000 = 5.8 needed, 4.5 there: 1.3 short
    assert (icb["WTE"], icb["WTE needed"], icb["Gap (WTE)"]) == pytest.approx((4.5, 5.8, 1.3))
    assert icb["WTE per 1,000"] == pytest.approx(0.45)
    # CC2: 0.58 x 5,000 / 1,000 = 2.9 needed, 1.5 there: 1.4 short
    assert (cc2["WTE needed"], cc2["Gap (WTE)"]) == pytest.approx((2.9, 1.4))
    assert table.frame["Target per 1,000"].tolist() == [0.58, 0.58, 0.58]
    custom = target_gap(_data(PATS), "QQ1", SEP17, target=TargetConfig(per_1000=0.5))
    assert _row(custom.frame, "QQ1")["WTE needed"] == pytest.approx(5.0)


def test_the_denominator_note_names_given_populations() -> None:
    def second_note(den: Denominators | None) -> str:
        return per_thousand_frame(_data(PATS), "QQ1", SEP17, denominators=den)[1][1]

    summed = "Patients: registered and weighted list sizes of the practices in each row, summed."
    assert second_note(None) == summed
    assert second_note(Denominators()) == summed  # nothing given: the same as none
    assert second_note(Denominators(weighted={"CC1": 1.0})) == (
        "Populations given per organisation, kept as given (a population is not a practice "
        "list); others are summed practice list sizes."
    )
    assert second_note(Denominators(registered={"CC1": 1.0}, label="ONS mid-2017")) == (
        "Populations given per organisation (ONS mid-2017), kept as given (a population is not a "
        "practice list); others are summed practice list sizes."
    )


def test_given_weighted_populations_and_a_partly_given_total() -> None:
    # weighted given for CC2 only: CC2 uses it; QQ1's children are not all given, so QQ1 sums the
    # practices' lists (11,000), not the one given child
    den = Denominators(weighted={"CC2": 8000})
    frame, _ = per_thousand_frame(_data(PATS), "QQ1", SEP17, denominators=den)
    assert _row(frame, "CC2")["Weighted patients"] == 8000
    assert _row(frame, "CC1")["Weighted patients"] == 5000
    assert _row(frame, "QQ1")["Weighted patients"] == 11000
    assert _row(frame, "CC2")["GPs excl. registrars per 1,000 weighted"] == pytest.approx(1.5 / 8)
    assert _row(frame, "QQ1")["Registered patients"] == 10000  # registered not given at all


def test_no_coverage_note_for_a_basis_whose_total_is_given() -> None:
    pats = patients([("P00001", SEP17, 0, None, "gpw-x:FY2018:2018-01-01:a")])
    den = Denominators(registered={"QQ1": 9000})
    _, notes = per_thousand_frame(_data(pats), "QQ1", SEP17, denominators=den)
    assert not any(n.startswith("Registered list size known") for n in notes)
    assert (
        "Weighted list size known for 0 of 3 practices in QQ1; patients are summed over those."
        in notes
    )


def _two_sources() -> BaselineData:
    """The returns above plus a GPW file giving each practice 5 GP partner WTE (15 in QQ1)."""
    gpw = GPW.format(p="2017-09-30", v="2018-03-01")
    rows = [
        row
        for p in ("P00001", "P00002", "P00003")
        for row in full_return(p, SEP17, gpw, {"GP_PARTNER_PROVIDER": (5, 5.0)})
    ]
    both = pd.concat([_data(PATS).workforce, workforce(rows)], ignore_index=True)
    return BaselineData(workforce=both, registry=registry(), patients=PATS)


def _gp_wte(frame: pd.DataFrame, code: str) -> float:
    row = _row(frame, code)
    return float(row["WTE"] if "WTE" in row else row["GPs excl. registrars WTE"])


@pytest.mark.parametrize(
    "table",
    [
        lambda *a, **k: per_thousand(*a, **k).frame,
        lambda *a, **k: per_thousand_frame(*a, **k)[0],
        lambda *a, **k: target_gap(*a, **k).frame,
        lambda *a, **k: target_gap_frame(*a, **k)[0],
    ],
    ids=["per_thousand", "per_thousand_frame", "target_gap", "target_gap_frame"],
)
def test_every_entry_point_passes_its_options_on(table) -> None:  # type: ignore[no-untyped-def]
    data = _two_sources()
    # the source chosen: returns 2.0 + 1.0 + 1.5 = 4.5 GP WTE; GPW 5 + 5 + 5 = 15
    assert _gp_wte(table(data, "QQ1", SEP17, source="returns"), "QQ1") == pytest.approx(4.5)
    assert _gp_wte(table(data, "QQ1", SEP17, source="gpw"), "QQ1") == pytest.approx(15.0)
    # the rows: QQ1's practices instead of its CCGs (the default child level)
    codes = table(_data(PATS), "QQ1", SEP17, child_level=OrgType.PRACTICE)["org_code"].tolist()
    assert codes == ["P00001", "P00002", "P00003", "QQ1"]
    # the populations given
    den = Denominators(registered={"QQ1": 9000})
    frame = table(_data(PATS), "QQ1", SEP17, denominators=den)
    assert _row(frame, "QQ1")["Registered patients"] == 9000


def test_target_gap_with_missing_patients_is_blank_not_an_error() -> None:
    # list sizes known only for P00001, and 0: CC1 has 0 registered patients, CC2 none known
    pats = patients([("P00001", SEP17, 0, None, "gpw-x:FY2018:2018-01-01:a")])
    frame, _ = target_gap_frame(_data(pats), "QQ1", SEP17)
    cc1, cc2 = _row(frame, "CC1"), _row(frame, "CC2")
    assert cc1["WTE needed"] == 0.0 and cc1["Gap (WTE)"] == pytest.approx(-3.0)
    assert pd.isna(cc1["WTE per 1,000"])  # per 1,000 of no patients: not available
    assert pd.isna(cc2["WTE needed"]) and pd.isna(cc2["Gap (WTE)"])
    weighted, _ = target_gap_frame(_data(pats), "QQ1", SEP17, target=TargetConfig(basis="weighted"))
    assert weighted["WTE needed"].isna().all() and weighted["Gap (WTE)"].isna().all()


def test_target_gap_notes_follow_the_populations_and_coverage() -> None:
    # P00003 sent nothing: QQ1's GP figure covers 2 of its 3 practices
    two = _data(PATS).workforce
    data = BaselineData(
        workforce=two.loc[two["practice_code"] != "P00003"].reset_index(drop=True),
        registry=registry(),
        patients=patients([("P00001", SEP17, 2000, 2500, "gpw-x:FY2018:2018-01-01:a")]),
    )
    den = Denominators(registered={"QQ1": 9000}, label="ONS")
    _, notes = target_gap_frame(data, "QQ1", SEP17, denominators=den)
    assert notes[2:] == [
        "Populations given per organisation (ONS), kept as given (a population is not a practice "
        "list); others are summed practice list sizes.",
        # registered given for QQ1: no note on its list sizes; weighted known for 1 of 3
        "Weighted list size known for 1 of 3 practices in QQ1; patients are summed over those.",
        "GPs excluding registrars WTE: 2 of 3 practices in QQ1 have a figure; the total covers "
        "those.",
    ]
    _, notes = per_thousand_frame(data, "QQ1", SEP17, denominators=den)
    assert notes[-4:] == [
        f"{label} WTE: 2 of 3 practices in QQ1 have a figure; the total covers those."
        for label in GROUPS
    ]


def test_one_bundle_answers_each_question_afresh() -> None:
    # P00002's list size is from 30 June, 92 days before the census: inside the default window of
    # 183 days, outside one of 30. One bundle of data, asked in turn with different settings.
    pats = patients(
        [
            ("P00001", SEP17, 2000, 2500, "gpw-x:FY2018:2018-01-01:a"),
            ("P00002", dt.date(2017, 6, 30), 3000, 2500, "gpw-x:FY2018:2018-01-01:a"),
        ]
    )
    data = _data(pats)
    first, _ = per_thousand_frame(data, "QQ1", SEP17)
    assert _row(first, "CC1")["Registered patients"] == 5000
    narrow, _ = per_thousand_frame(data, "QQ1", SEP17, denominators=Denominators(tolerance_days=30))
    assert _row(narrow, "CC1")["Registered patients"] == 2000
    given, _ = per_thousand_frame(
        data, "QQ1", SEP17, denominators=Denominators(registered={"CC1": 7})
    )
    assert _row(given, "CC1")["Registered patients"] == 7
    practices, _ = per_thousand_frame(data, "CC1", SEP17, child_level=OrgType.PRACTICE)
    assert practices["org_code"].tolist() == ["P00001", "P00002", "CC1"]


def test_the_gp_column_can_count_another_node() -> None:
    frame, _ = per_thousand_frame(_data(PATS), "QQ1", SEP17, gp_node="GP_QUALIFIED")
    label = "Fully qualified GPs (excluding trainees and locums)"  # its name in the taxonomy
    assert f"{label} WTE" in frame.columns
    assert "GPs excl. registrars WTE" not in frame.columns
    table = per_thousand(_data(PATS), "QQ1", SEP17, gp_node="GP_QUALIFIED")
    assert _row(table.frame, "QQ1")[f"{label} WTE"] == pytest.approx(4.5)


def test_a_total_not_given_is_the_sum_of_its_given_children() -> None:
    # 4,000 + 7,000 given for the two CCGs: QQ1 is 11,000 (its practices' lists sum to 10,000)
    den = Denominators(registered={"CC1": 4000, "CC2": 7000})
    frame, _ = per_thousand_frame(_data(PATS), "QQ1", SEP17, denominators=den)
    assert [_row(frame, c)["Registered patients"] for c in ("CC1", "CC2", "QQ1")] == [
        4000,
        7000,
        11000,
    ]
    assert _row(frame, "QQ1")["Total per 1,000 registered"] == pytest.approx(0.5)  # 5.5 / 11


def test_two_patient_sources_of_one_vintage_follow_the_load_order() -> None:
    """Two list-size files with the same publication date for one practice and census date: the
    one loaded later counts, whatever order their rows have in the table (module doc, rule 3)."""
    pats = patients(
        [
            # loaded second, but its rows come first in the table
            ("P00001", SEP17, 4000, 4000, "gpw-x:FY2018:2018-01-01:late"),
            ("P00001", SEP17, 2000, 2500, "gpw-x:FY2018:2018-01-01:early"),
            ("P00002", SEP17, 3000, 2500, "gpw-x:FY2018:2018-01-01:early"),
            ("P00003", SEP17, 5000, 6000, "gpw-x:FY2018:2018-01-01:early"),
        ]
    )
    order = {"gpw-x:FY2018:2018-01-01:early": 0, "gpw-x:FY2018:2018-01-01:late": 1}
    data = dataclasses.replace(_data(pats), source_order=order)
    frame, notes = per_thousand_frame(data, "QQ1", SEP17)
    # CC1 = P00001 + P00002: 4,000 + 3,000 patients; GP WTE 2.0 + 1.0 = 3.0 -> 3 / 7,000 x 1,000
    assert _row(frame, "CC1")["Registered patients"] == 7000
    assert _row(frame, "CC1")["Weighted patients"] == 6500
    assert _row(frame, "QQ1")["Registered patients"] == 12000
    assert _row(frame, "CC1")["GPs excl. registrars per 1,000 registered"] == pytest.approx(
        3.0 / 7000 * 1000
    )
    assert not any("list size known" in n for n in notes)
    # the control: with the load order reversed the other file counts (2,000 + 3,000 patients)
    flipped = dataclasses.replace(_data(pats), source_order={k: -v for k, v in order.items()})
    frame2, _ = per_thousand_frame(flipped, "QQ1", SEP17)
    assert _row(frame2, "CC1")["Registered patients"] == 5000
    gap = target_gap_frame(data, "QQ1", SEP17)[0]
    assert _row(gap, "QQ1")["Registered patients"] == 12000


def test_practices_without_a_figure_leave_the_denominator() -> None:
    # P00003 (CC2; 5,000 registered, 6,000 weighted) sent nothing: QQ1's figures are P00001 and
    # P00002's staff over their 5,000 registered (5,000 weighted) patients. GPs 3.0 WTE: 0.6 per
    # 1,000; all groups 4.0 WTE: 0.8 per 1,000; CC2 has no figure: NA, not 0.
    two = _data(PATS).workforce
    data = BaselineData(
        workforce=two.loc[two["practice_code"] != "P00003"].reset_index(drop=True),
        registry=registry(),
        patients=PATS,
    )
    frame, notes = per_thousand_frame(data, "QQ1", SEP17)
    qq1, cc2 = _row(frame, "QQ1"), _row(frame, "CC2")
    assert qq1["Registered patients"] == 10000
    assert qq1["GPs excl. registrars per 1,000 registered"] == pytest.approx(0.6)
    assert qq1["GPs excl. registrars per 1,000 weighted"] == pytest.approx(0.6)
    assert qq1["Total per 1,000 registered"] == pytest.approx(0.8)
    assert qq1["Nurses per 1,000 weighted"] == pytest.approx(0.2)
    assert pd.isna(cc2["GPs excl. registrars per 1,000 registered"])
    assert pd.isna(cc2["Total per 1,000 weighted"])
    assert [n for n in notes if "left out" in n] == [
        f"{label}: 1 practice in QQ1 with a {basis} list size but no figure left out of the "
        f"denominator ({n} {basis} patients), so staff and patients are of the same practices."
        for label in [*GROUPS, "Total"]
        for basis, n in (("registered", "5,000"), ("weighted", "6,000"))
    ]
    gap, gap_notes = target_gap_frame(data, "QQ1", SEP17, target=TargetConfig(basis="weighted"))
    assert _row(gap, "QQ1")["WTE needed"] == pytest.approx(0.58 * 5)  # 5,000 weighted matched
    assert _row(gap, "QQ1")["WTE per 1,000"] == pytest.approx(0.6)
    assert gap_notes[-3].startswith("GPs excluding registrars WTE: 1 practice in QQ1 with a reg")
    assert gap_notes[-2].startswith("GPs excluding registrars WTE: 1 practice in QQ1 with a wei")


def test_two_practices_left_out_are_counted_in_the_plural() -> None:
    # only P00002 sent a return: P00001 and P00003 (2,000 + 5,000 registered) are left out
    two = _data(PATS).workforce
    data = BaselineData(
        workforce=two.loc[two["practice_code"] == "P00002"].reset_index(drop=True),
        registry=registry(),
        patients=PATS,
    )
    frame, notes = per_thousand_frame(data, "QQ1", SEP17)
    assert _row(frame, "QQ1")["GPs excl. registrars per 1,000 registered"] == pytest.approx(1 / 3)
    assert (
        "GPs excl. registrars: 2 practices in QQ1 with a registered list size but no figure left "
        "out of the denominator (7,000 registered patients), so staff and patients are of the same "
        "practices." in notes
    )


def test_target_gap_leaves_no_one_out_of_a_given_population() -> None:
    # P00003 sent nothing; QQ1's registered population is given (9,000): kept whole, no note on
    # registered patients left out; weighted is summed, so P00003's 6,000 are left out of it
    two = _data(PATS).workforce
    data = BaselineData(
        workforce=two.loc[two["practice_code"] != "P00003"].reset_index(drop=True),
        registry=registry(),
        patients=PATS,
    )
    den = Denominators(registered={"QQ1": 9000})
    frame, notes = target_gap_frame(data, "QQ1", SEP17, denominators=den)
    assert _row(frame, "QQ1")["WTE needed"] == pytest.approx(0.58 * 9)
    assert [n for n in notes if "left out" in n] == [
        "GPs excluding registrars WTE: 1 practice in QQ1 with a weighted list size but no figure "
        "left out of the denominator (6,000 weighted patients), so staff and patients are of the "
        "same practices."
    ]


def test_the_list_size_note_counts_one_practice_in_the_singular():
    pats = patients([("P00001", SEP17, 2000, 2500, "gpw-x:FY2018:2018-01-01:a")])
    _, notes = per_thousand_frame(_data(pats), "CC2", SEP17)  # CC2 holds P00003 alone
    assert (
        "Registered list size known for 0 of 1 practice in CC2; patients are summed over those."
        in notes
    )
