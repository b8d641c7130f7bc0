"""The XLSX and CSV templates: layout, reference lists, drop-downs, pre-filling."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from gpworkforce.domain.demography import AgeBand, ContractType
from gpworkforce.returns import check_return_bytes
from gpworkforce.returns.schema import CSV_COLUMNS, SHEETS
from gpworkforce.returns.template import build_csv, build_xlsx, template_rows
from returns_support import REGISTRY, TAXONOMY


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_sheets_headers_and_frozen_rows() -> None:
    wb = _open(build_xlsx())
    assert wb.sheetnames == [
        "Instructions", "Practice", "Staff", "Vacancies", "Locums", "Spend", "Lists"
    ]  # fmt: skip
    for spec in SHEETS:
        ws = wb[spec.name]
        headers = [c.value for c in ws[1]][: len(spec.fields)]
        assert headers == [f.header for f in spec.fields]
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.b
        assert ws.column_dimensions["A"].width >= len(spec.fields[0].header)
    assert "quarter end" in " ".join(str(c.value) for c in wb["Instructions"]["A"])


def test_lists_hold_every_leaf_role_and_code_list() -> None:
    ws = _open(build_xlsx())["Lists"]
    columns = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value}

    def values(title: str) -> list[str]:
        col = columns[title]
        return [ws.cell(r, col).value for r in range(2, ws.max_row + 1) if ws.cell(r, col).value]

    locum_leaves = sorted(c for c, leaf in TAXONOMY.leaves.items() if leaf.locum)
    assert sorted(values("Role code")) == sorted(set(TAXONOMY.leaves) - set(locum_leaves))
    assert sorted(values("Locum type")) == locum_leaves
    assert values("Age band") == [b.value for b in AgeBand]
    assert values("Sex") == ["F", "M", "U"]
    assert values("Contract type") == [c.value for c in ContractType]


def test_drop_downs_and_input_messages_point_at_the_lists() -> None:
    wb = _open(build_xlsx(blank_rows=50))
    staff = wb["Staff"].data_validations.dataValidation
    by_column = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in staff}
    role = by_column["A"]
    assert role.type == "list"
    assert role.formula1.startswith("Lists!$A$2:$A$")
    assert role.prompt and "Lists sheet" in role.prompt
    assert str(role.sqref) == "A2:A51"
    assert by_column["B"].type == "whole"  # headcount
    assert by_column["C"].type == "decimal"  # hours
    assert wb["Practice"].data_validations.dataValidation[1].type == "date"


def test_prefilled_template_carries_practice_and_date() -> None:
    rows = template_rows("C82001", dt.date(2017, 12, 31))
    ws = _open(build_xlsx(rows))["Practice"]
    assert ws["A2"].value == "C82001"
    assert ws["B2"].value == dt.datetime(2017, 12, 31)
    result = check_return_bytes(build_xlsx(rows), "t.xlsx", REGISTRY, TAXONOMY)
    # an unfilled template is only missing its staff
    assert [i.expected for i in result.issues] == ["list at least one staff line"]


def test_csv_template_has_every_column_and_a_practice_line() -> None:
    text = build_csv(template_rows("C82001", dt.date(2017, 12, 31)))
    header, practice = text.splitlines()
    assert tuple(header.split(",")) == CSV_COLUMNS
    assert practice.split(",")[:3] == ["practice", "C82001", "2017-12-31"]
    result = check_return_bytes(text.encode(), "t.csv", REGISTRY, TAXONOMY)
    assert [i.expected for i in result.issues] == ["list at least one staff line"]


def test_same_input_gives_same_bytes() -> None:
    assert build_xlsx(template_rows("C82001", dt.date(2017, 12, 31))) == build_xlsx(
        template_rows("C82001", dt.date(2017, 12, 31))
    )


def test_csv_cells_are_quoted_when_needed() -> None:
    text = build_csv({"Staff": [{"role_code": 'A,"B"'}]})
    assert text.splitlines()[1].startswith('staff,,,"A,""B""",')
