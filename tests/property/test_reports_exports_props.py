"""Properties of gpworkforce.exports: any text in -> no formula cell out, numbers stay numbers.

The oracle for "a spreadsheet would treat this as a formula" is written here from the OWASP rule
for CSV injection, never ``exports.is_formula_like`` (the function under test): a field is run as a
formula when it starts with ``= + - @``, a tab or a carriage return; spreadsheet programs skip
leading white space before the sign, so ``"  =1"`` counts too.
"""

from __future__ import annotations

import csv
import io
import math

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpworkforce import exports
from gpworkforce.domain.report import ReportTable

# Bias generation towards the characters that matter, but allow any text.
_dangerous = st.sampled_from(["=", "+", "-", "@", "\t", "\r", " ", "\n", "\u3000", "'"])
_texts = st.one_of(
    st.text(),
    st.builds(
        lambda a, b: a + b, st.text(_dangerous, min_size=1, max_size=4), st.text(max_size=20)
    ),
)
_numbers = st.one_of(
    st.none(), st.floats(-1e12, 1e12) | st.just(float("nan")), st.integers(-(10**9), 10**9)
)


SIGNS = frozenset("=+-@")
CONTROL_TRIGGERS = frozenset("\t\r")


def runs_as_formula(field: str) -> bool:
    """The test's own oracle (see the module docstring)."""
    if field[:1] in SIGNS or field[:1] in CONTROL_TRIGGERS:
        return True
    first_visible = next((ch for ch in field if not ch.isspace()), "")
    return first_visible in SIGNS


def _unsafe(value: object) -> bool:
    return isinstance(value, str) and runs_as_formula(value)


def test_the_oracle_itself() -> None:
    dangerous = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1", "\u3000+1", "\n-2"]
    harmless = ["", "a=1", "1-2", "'=1", " x", "x@y", "\u3000", "'+1"]
    assert all(runs_as_formula(t) for t in dangerous)
    assert not any(runs_as_formula(t) for t in harmless)


@given(_texts)
@settings(max_examples=3000)
def test_neutralise_quotes_exactly_the_text_that_would_run(text: str) -> None:
    safe = exports.neutralise(text)
    assert safe == ("'" + text if runs_as_formula(text) else text)
    assert not runs_as_formula(safe)


@given(st.lists(st.tuples(_texts, _numbers), min_size=1, max_size=8), _texts, _texts)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_xlsx_has_no_formula_cells_and_keeps_numbers(
    rows: list[tuple[str, float | int | None]], title: str, column: str
) -> None:
    frame = pd.DataFrame({column or "c": [r[0] for r in rows], "value": [r[1] for r in rows]})
    if len(frame.columns) < 2:  # the generated column name was "value"
        return
    table = ReportTable("t", title, frame, notes=(title,), sources=(column,))
    ws = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes([table])))["t"]
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not _unsafe(cell.value)
    for i, (_, number) in enumerate(rows, start=4):
        got = ws.cell(row=i, column=2).value
        if number is None or (isinstance(number, float) and math.isnan(number)):
            assert got is None
        else:
            assert isinstance(got, int | float)
            assert math.isclose(got, number, rel_tol=1e-15)  # Excel keeps 15-16 digits


@given(st.lists(st.tuples(_texts, _numbers), min_size=1, max_size=8))
@settings(max_examples=1000, deadline=None)
def test_csv_has_no_formula_fields_and_keeps_numbers(
    rows: list[tuple[str, float | int | None]],
) -> None:
    frame = pd.DataFrame({"text": [r[0] for r in rows], "value": [r[1] for r in rows]})
    data = exports.csv_bytes(ReportTable("t", "T", frame)).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(data, newline="")))
    assert parsed[0] == ["text", "value"]
    assert len(parsed) == len(rows) + 1
    for (text, number), (got_text, got_number) in zip(rows, parsed[1:], strict=True):
        assert not runs_as_formula(got_text)
        assert got_text == ("'" + text if runs_as_formula(text) else text)
        if number is None or (isinstance(number, float) and math.isnan(number)):
            assert got_number == ""
        else:
            assert float(got_number) == float(number)
