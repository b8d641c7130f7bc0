"""Cost model input checks: every mistake names the field, the file and line, and what was found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.finance.cost_io import key_lines, load_cost_model
from gpworkforce.finance.costing import Workforce, cost_run

BASE = """\
name = "test"

[prices]
base_year = "2017/18"
pay_uplift = { "2018/19" = 0.02, "2019/20" = 0.03 }
inflation_default = 0.02

[[roles]]
key = "gp"
label = "Salaried GP"
contract = "salaried"
pay = 90000
on_costs = [{ kind = "pension", rate = 0.1438 }]

[[roles]]
key = "locum"
label = "Locum GP"
contract = "locum"
based_on = "gp"
premium_rate = 0.45

[[roles]]
key = "pharm"
label = "Pharmacist"
contract = "employed"
pay = 45000

[[schemes]]
name = "ARRS"
payer = "NHS England"
roles = ["pharm"]
share = 1.0
caps = { "2018/19" = 30000 }

[groups]
GP = [{ role = "gp", share = 1.0 }]
PH = [{ role = "pharm", share = 1.0 }]

[gap]
substantive_role = "gp"
locum_role = "locum"
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "costs.toml"
    p.write_text(text)
    return p


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ValidationFailed) as info:
        load_cost_model(_write(tmp_path, text))
    return str(info.value)


def test_the_base_model_is_valid(tmp_path: Path) -> None:
    model = load_cost_model(_write(tmp_path, BASE))
    assert [r.key for r in model.roles] == ["gp", "locum", "pharm"]


def test_negative_salary_names_the_field_and_line(tmp_path: Path) -> None:
    msg = _error(tmp_path, BASE.replace("pay = 90000", "pay = -90000"))
    assert "costs.toml:12" in msg and "roles[0].pay" in msg and "at least 0" in msg
    assert "-90000" in msg


def test_an_uplift_of_300_percent_is_refused(tmp_path: Path) -> None:
    msg = _error(tmp_path, BASE.replace('"2019/20" = 0.03', '"2019/20" = 3.0'))
    assert "prices.pay_uplift" in msg and "2019/20" in msg and "between -0.5 and 0.5" in msg
    assert "costs.toml:5" in msg


def test_a_cap_below_zero_is_refused(tmp_path: Path) -> None:
    msg = _error(tmp_path, BASE.replace('"2018/19" = 30000', '"2018/19" = -1'))
    assert "schemes[0].caps" in msg and "be at least 0" in msg and "costs.toml:33" in msg


def test_a_scheme_missing_a_year_is_refused(tmp_path: Path) -> None:
    text = BASE.replace(
        "share = 1.0\ncaps", 'share = 1.0\nfirst_year = "2018/19"\nlast_year = "2020/21"\ncaps'
    )
    msg = _error(tmp_path, text)
    assert "schemes[0]" in msg and "missing ['2019/20', '2020/21']" in msg


def test_a_bad_financial_year_and_unknown_field(tmp_path: Path) -> None:
    msg = _error(
        tmp_path, BASE.replace('base_year = "2017/18"', 'base_year = "2017-18"\nbogus = 1')
    )
    assert "prices.base_year" in msg and "financial year like '2017/18'" in msg
    assert "prices.bogus" in msg and "known field" in msg


def test_unknown_role_in_a_group(tmp_path: Path) -> None:
    msg = _error(tmp_path, BASE.replace('PH = [{ role = "pharm"', 'PH = [{ role = "pharmacist"'))
    assert "group PH: unknown role 'pharmacist'" in msg


def test_a_run_year_without_an_uplift_names_the_year(tmp_path: Path) -> None:
    model = load_cost_model(_write(tmp_path, BASE))
    dates = tuple(dt.date(2017 + i, 9, 30) for i in range(4))  # 2017/18 .. 2020/21
    wf = Workforce("t", dates, ("GP", "PH"), np.ones((1, 4, 2)))
    with pytest.raises(ValidationFailed) as info:
        cost_run(model, wf)
    assert "prices.pay_uplift" in str(info.value) and "no value for 2020/21" in str(info.value)


def test_a_run_group_the_model_does_not_price(tmp_path: Path) -> None:
    model = load_cost_model(_write(tmp_path, BASE))
    wf = Workforce("t", (dt.date(2017, 9, 30),), ("GP", "ANP"), np.ones((1, 1, 2)))
    with pytest.raises(ValidationFailed, match="no entry for ANP"):
        cost_run(model, wf)


def test_a_scheme_changes_who_pays_up_to_its_cap(tmp_path: Path) -> None:
    model = load_cost_model(_write(tmp_path, BASE))
    dates = (dt.date(2017, 9, 30), dt.date(2018, 9, 30), dt.date(2019, 9, 30))
    wf = Workforce("t", dates, ("GP", "PH"), np.full((1, 3, 2), 2.0))
    rows = cost_run(model, wf)
    nhse = rows.get("workforce", "PH", "NHS England")[0]
    practice = rows.get("workforce", "PH", "Practice")[0]
    # 2018/19 only: 2 WTE x min(45,000 x 1.02, 30,000) reimbursed, the rest the practice's
    assert nhse.tolist() == [0.0, 60_000.0, 0.0]
    assert practice.tolist() == pytest.approx(
        [90_000, 2 * 45_900 - 60_000, 2 * 45_000 * 1.02 * 1.03]
    )


def test_key_lines_of_tables_arrays_and_inline_keys() -> None:
    lines = key_lines(BASE)
    assert lines[("prices", "pay_uplift")] == 5
    assert lines[("roles", 2, "pay")] == 26
    assert lines[("groups", "PH")] == 37
