"""Allocations and funding files: every mistake named with its row and column, nothing returned."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.finance.allocations import Thresholds, checks
from gpworkforce.finance.tables_io import read_allocations, read_funding

HEAD = "organisation,financial_year,allocation_gbp_thousands,delegated_primary_care_gbp_thousands"


def _csv(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def _error(fn, path: Path) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as info:
        fn(path)
    return str(info.value)


def test_reads_thousands_separators_and_other_schemes(tmp_path: Path) -> None:
    text = HEAD + ',other_gp5yfv_gbp_thousands\nA,2017/18,"398,780","40,192",95\n'
    [row] = read_allocations(_csv(tmp_path, text))
    assert (row.allocation, row.delegated, row.other) == (398_780, 40_192, {"gp5yfv": 95})
    assert row.total == 40_192 + 95


def test_bad_cells_are_named_by_row_and_column(tmp_path: Path) -> None:
    text = (
        HEAD + "\nA,2017/18,100,-5\nB,2017-18,100,5\nC,2017/18,,5\nD,2017/18,1,1\nD,2017/18,2,2\n"
    )
    msg = _error(read_allocations, _csv(tmp_path, text))
    assert "row 2, column 'delegated_primary_care_gbp_thousands'" in msg
    assert "row 3, column 'financial_year'" in msg and "like '2017/18'" in msg
    assert "row 4, column 'allocation_gbp_thousands': must be given" in msg
    assert "row 6" in msg and "a repeat of row 5" in msg


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    msg = _error(read_allocations, _csv(tmp_path, HEAD + ",alocation\nA,2017/18,1,1,1\n"))
    assert "column 'alocation'" in msg and "known column" in msg
    msg = _error(read_allocations, _csv(tmp_path, "organisation,financial_year\nA,2017/18\n"))
    assert "allocation_gbp_thousands" in msg and "required" in msg


def test_decimal_commas_are_refused(tmp_path: Path) -> None:
    msg = _error(read_allocations, _csv(tmp_path, HEAD + '\nA,2017/18,"1,5",1\n'))
    assert "row 2" in msg and "allocation_gbp_thousands" in msg


def test_xlsx_numbers_and_unsaved_formulas(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEAD.split(","), "reported_spend_pct"])
    sheet.append(["West", "2016/17", 457_845, 44_990, 10.9])
    book.save(tmp_path / "a.xlsx")
    [row] = read_allocations(tmp_path / "a.xlsx")
    assert row.allocation == 457_845 and row.reported_spend_pct == 10.9
    # the regenerated share is 9.83%, the "paper" 10.9%: a disagreement, reported
    assert checks([row], Thresholds())["agrees_at_paper_precision"].tolist() == ["no"]
    sheet["C2"] = "=1+1"  # a formula never calculated: openpyxl saves no value
    book.save(tmp_path / "b.xlsx")
    msg = _error(read_allocations, tmp_path / "b.xlsx")
    assert "row 2" in msg and "saved value" in msg


def test_funding_register_rules(tmp_path: Path) -> None:
    head = "scheme,financial_year,amount_gbp,status,rag,period_start,period_end\n"
    ok = _csv(
        tmp_path,
        head + "HEE,2017/18,190000,Secured,Green,2017-04-01,2018-03-31\nIR,2018/19,,bid,,,\n",
        "f.csv",
    )
    entries = read_funding(ok)
    assert entries[0].status == "secured" and entries[0].rag == "green"
    assert entries[1].amount_gbp is None  # TBC: not known, not zero
    bad = _csv(tmp_path, head + "HEE,2017/18,-1,won,purple,2018-04-01,2017-04-01\n", "g.csv")
    msg = _error(read_funding, bad)
    for col in ("amount_gbp", "status", "rag"):
        assert f"column '{col}'" in msg
    late = _csv(tmp_path, head + "HEE,2017/18,1,bid,,2018-04-01,2017-04-01\n", "h.csv")
    assert "on or after period_start" in _error(read_funding, late)


def test_the_shipped_example_registers() -> None:
    root = Path(__file__).resolve().parents[2] / "scenarios"
    blmk = read_funding(root / "examples" / "funding-blmk-2018-19.csv")
    # BLMK Table 2: eight amounts (GBP 1,785,000) and international recruitment "TBC"
    known = [e.amount_gbp for e in blmk if e.amount_gbp is not None]
    assert len(blmk) == 9 and sum(known) == 134_000 + 185_000 + 16_000 + 100_000 + 20_000 + (
        330_000 + 730_000 + 270_000
    )
    assert [e.scheme for e in blmk if e.amount_gbp is None] == [
        "NHS England: international recruitment"
    ]
    devon = read_funding(root / "examples" / "funding-devon-2017-18.csv")
    assert [(e.financial_year, e.amount_gbp, e.status) for e in devon] == [
        ("2017/18", 851_000, "secured"),
        ("2018/19", None, "planned"),
    ]
    llr = read_funding(root / "llr-2017" / "funding.csv")
    assert [e.amount_gbp for e in llr] == [95_000, 190_000, 190_000, 190_000]  # LLR Table 15


def test_xlsx_rows_are_the_sheets_rows_across_blank_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEAD.split(","))
    sheet.append(["A", "2017/18", 5, 1])
    sheet.append([None, None, None, None])
    sheet.append(["B", "2018/19", "x", 1])
    book.save(tmp_path / "a.xlsx")
    msg = _error(read_allocations, tmp_path / "a.xlsx")
    assert "row 4, column 'allocation_gbp_thousands'" in msg
    sheet["C4"] = 7
    book.save(tmp_path / "a.xlsx")
    assert [r.organisation for r in read_allocations(tmp_path / "a.xlsx")] == ["A", "B"]
