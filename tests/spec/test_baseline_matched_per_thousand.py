"""Per 1,000: staff and patients of the same practices (issue 10, item 5), worked by hand.

Three practices on 30 September 2017 (one GPW-style staff file, so a practice may lack a group;
every other staff group is 0 WTE):

| practice | CCG | GP WTE | nurse WTE | registered | weighted |
|---|---|---|---|---|---|
| P00001 | CC1 | 3.0 | 1.0 | 4,000 | 5,000 |
| P00002 | CC1 | 2.0 | 2.0 | 6,000 | 5,000 |
| P00003 | CC2 | (none) | 1.0 | 10,000 | 8,000 |

GPs per 1,000 registered, QQ1: 5.0 WTE / 10,000 patients of P00001 and P00002 x 1,000 = 0.50
(dividing by all 20,000 patients, as before, gave 0.25). Weighted: 5.0 / 10,000 = 0.50.
Nurses per 1,000 registered, QQ1: all three practices have a figure: 4.0 / 20,000 x 1,000 = 0.20.
CC2 has no GP figure at all: its GP per 1,000 is not available (not 0). CC1: 5.0 / 10,000 = 0.50.
Total column: practices with a figure for any group (all three, each contributes staff): QQ1
9.0 WTE / 20,000 x 1,000 = 0.45; CC2's total WTE is NA (its GP figure is), so its ratio is too.
Given populations are kept: registered 40,000 for QQ1 gives GPs 5.0 / 40,000 x 1,000 = 0.125.
Target gap (0.58 GP WTE per 1,000 registered) on the matched 10,000: needed 5.8, gap 0.8.
"""

from __future__ import annotations

import pandas as pd
import pytest

from baseline_fixtures import GPW, SEP17, full_return, patients, registry, workforce
from gpworkforce.baseline.data import BaselineData
from gpworkforce.baseline.per_thousand import Denominators, per_thousand_frame, target_gap_frame
from gpworkforce.domain.taxonomy import load_taxonomy

SRC = GPW.format(p="2017-09-30", v="2018-03-01")
GP_EXCLUDED = (
    "GPs excl. registrars: 1 practice in QQ1 with a {b} list size but no figure left out of the "
    "denominator ({n} {b} patients), so staff and patients are of the same practices."
)


def _data() -> BaselineData:
    # every other leaf 0; P00003's GP leaves are not known (NA), as in a GPW file without them
    no_gp = dict.fromkeys(load_taxonomy().leaves_of("GP_EXCL_REGISTRARS"), (None, None))
    rows = [
        *full_return(
            "P00001", SEP17, SRC, {"GP_PARTNER_PROVIDER": (3, 3.0), "NURSE_ANP": (1, 1.0)}
        ),
        *full_return(
            "P00002", SEP17, SRC, {"GP_PARTNER_PROVIDER": (2, 2.0), "NURSE_ANP": (2, 2.0)}
        ),
        *full_return("P00003", SEP17, SRC, {**no_gp, "NURSE_ANP": (1, 1.0)}),
    ]
    pats = patients(
        [
            ("P00001", SEP17, 4000, 5000, "gpw-x:FY2018:2018-01-01:a"),
            ("P00002", SEP17, 6000, 5000, "gpw-x:FY2018:2018-01-01:a"),
            ("P00003", SEP17, 10000, 8000, "gpw-x:FY2018:2018-01-01:a"),
        ]
    )
    return BaselineData(workforce=workforce(rows), registry=registry(), patients=pats)


def _row(frame: pd.DataFrame, code: str) -> pd.Series:
    return frame.set_index("org_code").loc[code]


def test_gp_per_thousand_divides_by_the_patients_of_practices_with_a_gp_figure() -> None:
    frame, notes = per_thousand_frame(_data(), "QQ1", SEP17)
    qq1, cc1, cc2 = (_row(frame, c) for c in ("QQ1", "CC1", "CC2"))
    assert qq1["GPs excl. registrars WTE"] == pytest.approx(5.0)
    assert qq1["Registered patients"] == 20000  # the row's population is still shown whole
    assert qq1["GPs excl. registrars per 1,000 registered"] == pytest.approx(0.50)
    assert qq1["GPs excl. registrars per 1,000 weighted"] == pytest.approx(0.50)
    assert qq1["Nurses per 1,000 registered"] == pytest.approx(0.20)
    assert qq1["Nurses per 1,000 weighted"] == pytest.approx(4.0 / 18)
    assert cc1["GPs excl. registrars per 1,000 registered"] == pytest.approx(0.50)
    assert pd.isna(cc2["GPs excl. registrars per 1,000 registered"])
    assert cc2["Nurses per 1,000 registered"] == pytest.approx(0.10)
    assert qq1["Total per 1,000 registered"] == pytest.approx(0.45)
    assert pd.isna(cc2["Total per 1,000 registered"])
    assert GP_EXCLUDED.format(b="registered", n="10,000") in notes
    assert GP_EXCLUDED.format(b="weighted", n="8,000") in notes
    assert not any(n.startswith("Nurses:") for n in notes)  # every practice has a nurse figure


def test_given_populations_are_kept_as_given() -> None:
    den = Denominators(registered={"QQ1": 40000}, label="ONS")
    frame, notes = per_thousand_frame(_data(), "QQ1", SEP17, denominators=den)
    qq1 = _row(frame, "QQ1")
    assert qq1["GPs excl. registrars per 1,000 registered"] == pytest.approx(0.125)
    assert qq1["GPs excl. registrars per 1,000 weighted"] == pytest.approx(0.50)  # summed: matched
    assert "a population is not a practice list" in notes[1]
    assert GP_EXCLUDED.format(b="registered", n="10,000") not in notes
    assert GP_EXCLUDED.format(b="weighted", n="8,000") in notes


def test_target_gap_counts_the_same_practices() -> None:
    frame, notes = target_gap_frame(_data(), "QQ1", SEP17)
    qq1 = _row(frame, "QQ1")
    assert qq1["WTE per 1,000"] == pytest.approx(0.50)
    assert (qq1["WTE needed"], qq1["Gap (WTE)"]) == pytest.approx((5.8, 0.8))
    assert (
        "GPs excluding registrars WTE: 1 practice in QQ1 with a registered list size but no "
        "figure left out of the denominator (10,000 registered patients), so staff and patients "
        "are of the same practices."
    ) in notes
