"""Per-1,000 figures, denominators and the target gap on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from baseline_fixtures import RET, SEP17, full_return, patients, registry, workforce
from gpworkforce.baseline.data import BaselineData, select_patients
from gpworkforce.baseline.per_thousand import (
    Denominators,
    TargetConfig,
    per_thousand,
    per_thousand_frame,
    target_gap_frame,
)

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
