"""Fuzz: thousands of corrupted returns (CSV and XLSX) never crash the reader.

Each example damages a valid return - random cell values (unicode junk, huge numbers, formulas,
swapped types), deleted or repeated lines, columns and sheets, broken XML, truncated or random
bytes - and feeds it to the reader. The only exceptions allowed are user errors, every issue of a
rejection names at least the file, and a batch holding a rejected file writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.returns import check_return_bytes, load_returns
from gpworkforce.returns.template import build_xlsx
from gpworkforce.returns.writer import return_csv_text, return_rows, return_xlsx_bytes
from returns_support import REGISTRY, TAXONOMY, base_return, rezip

BASE = base_return()
BASE_CSV = list(csv.reader(io.StringIO(return_csv_text(BASE), newline="")))
BASE_ROWS = return_rows(BASE)
BASE_XLSX = return_xlsx_bytes(BASE)
XLSX_SMALL = build_xlsx(BASE_ROWS, blank_rows=2)
with zipfile.ZipFile(io.BytesIO(XLSX_SMALL)) as _zf:
    MEMBERS = sorted(_zf.namelist())
    SHEET_XML = {n: _zf.read(n).decode("utf-8") for n in MEMBERS if n.endswith(".xml")}

NASTY = [
    "", " ", "=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-0", "nan", "-inf",
    "1e400", "1e308", "-1", "9" * 400, "0x10", "1_000", "1,5", "TRUE", '"', "\r\n", ",", ";",
    "GP_LOCUM_OTHER", "GP_PARTNER", "NURSE", "C82003", "03W", "2017-02-30", "30/09/2017",
    "2017-09-30T00:00:00", "\x00", "\ufeff", "\u202e", "<b>x</b>", "]]>", "&amp;", "Unknown",
]  # fmt: skip
cell_values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(NASTY),
    st.floats().map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


def _assert_rejection_is_located(exc: UserError, name: str) -> None:
    assert isinstance(exc, ValidationFailed), f"rejection without issues: {exc!r}"
    assert exc.issues
    for issue in exc.issues:
        assert issue.location.file == name, str(issue)
        assert issue.expected and issue.found


def _feed(data: bytes, name: str) -> None:
    """Read the bytes; pass if accepted, or rejected with located issues; fail on anything else."""
    try:
        result = check_return_bytes(data, name, REGISTRY, TAXONOMY)
    except UserError as exc:
        _assert_rejection_is_located(exc, name)
        return
    if result.ok:
        assert result.ret is not None
    else:
        assert result.ret is None
        _assert_rejection_is_located(ValidationFailed(issues=result.issues), name)


# ---- CSV --------------------------------------------------------------------------------------
_data_cell = st.tuples(st.just("cell"), st.integers(1, 50), st.integers(0, 20), cell_values)
structure_ops = st.one_of(
    st.tuples(st.just("header"), st.integers(0, 20), cell_values),
    st.tuples(st.just("del_col"), st.integers(0, 20)),
    st.tuples(st.just("del_line"), st.integers(0, 50)),
    st.tuples(st.just("dup_line"), st.integers(0, 50)),
    st.tuples(st.just("swap"), st.integers(0, 50), st.integers(0, 50)),
)
csv_ops = st.one_of(_data_cell, structure_ops)
byte_ops = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
)


def _mutate_grid(grid: list[list[str]], ops: list[tuple]) -> list[list[str]]:  # type: ignore[type-arg]
    rows = [list(r) for r in grid]
    for op in ops:
        if not rows:
            break
        kind = op[0]
        if kind in ("cell", "header"):
            row = (
                rows[0] if kind == "header" or len(rows) == 1 else rows[1 + op[1] % (len(rows) - 1)]
            )
            if row:
                row[op[-2] % len(row)] = op[-1]
        elif kind == "del_col":
            for row in rows:
                if row:
                    del row[op[1] % len(row)]
        elif kind == "del_line":
            del rows[op[1] % len(rows)]
        elif kind == "dup_line":
            rows.insert(op[1] % len(rows), list(rows[op[1] % len(rows)]))
        else:
            i, j = op[1] % len(rows), op[2] % len(rows)
            rows[i], rows[j] = rows[j], rows[i]
    return rows


def _mutate_bytes(data: bytes, ops: list[tuple]) -> bytes:  # type: ignore[type-arg]
    buf = bytearray(data)
    for op in ops:
        at = int(op[1] * len(buf))
        if op[0] == "truncate":
            del buf[at:]
        elif op[0] == "insert":
            buf[at:at] = op[2]
        elif buf:
            buf[min(at, len(buf) - 1)] = op[2]
    return bytes(buf)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    how=st.sampled_from(["cells", "cells", "structure", "cells+bytes", "random"]),
    cell_ops=st.lists(_data_cell, min_size=1, max_size=4),
    struct_ops=st.lists(structure_ops, min_size=1, max_size=2),
    quoted=st.booleans(),
    raw_ops=st.lists(byte_ops, min_size=1, max_size=2),
    random_bytes=st.binary(max_size=300),
)
def test_corrupted_csv_never_crashes(
    how: str,
    cell_ops: list[tuple],  # type: ignore[type-arg]
    struct_ops: list[tuple],  # type: ignore[type-arg]
    quoted: bool,
    raw_ops: list[tuple],  # type: ignore[type-arg]
    random_bytes: bytes,
) -> None:
    if how == "random":
        _feed(random_bytes, "junk.csv")
        return
    rows = _mutate_grid(BASE_CSV, cell_ops + (struct_ops if how == "structure" else []))
    if quoted:
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        text = out.getvalue()
    else:  # naive join: stray commas and quotes break the structure
        text = "\n".join(",".join(r) for r in rows)
    data = text.encode("utf-8", errors="surrogatepass")
    _feed(_mutate_bytes(data, raw_ops) if how == "cells+bytes" else data, "return.csv")


# ---- XLSX -------------------------------------------------------------------------------------
SHEET_KEYS = {
    "Practice": ["practice_code", "census_date"],
    "Staff": list(BASE_ROWS["Staff"][0]),
    "Vacancies": list(BASE_ROWS["Vacancies"][0]),
    "Locums": list(BASE_ROWS["Locums"][0]),
}
typed_values = st.one_of(
    cell_values,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**15), 10**15),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.none(),
)
cell_ops = st.lists(
    st.tuples(
        st.sampled_from(sorted(SHEET_KEYS)), st.integers(0, 10), st.integers(0, 10), typed_values
    ),
    min_size=1,
    max_size=4,
)
xml_ops = st.one_of(
    st.tuples(st.just("drop_member"), st.sampled_from(MEMBERS)),
    st.tuples(st.just("rename_sheet"), st.sampled_from(["Practice", "Staff", "Vacancies", "Locums"]), st.text(max_size=6)),
    st.tuples(st.just("header"), st.sampled_from(["Role code", "Headcount", "Hours per week", "Sex", "Locum type", "Months open", "Census date"]), st.text(max_size=6)),
    st.tuples(st.just("value"), st.integers(0, 200), st.text(max_size=10)),
    st.tuples(st.just("drop_cell"), st.integers(0, 200)),
    st.tuples(st.just("type"), st.integers(0, 200), st.sampled_from(["s", "n", "b", "e", "str", "inlineStr", "d", "zz"])),
    st.tuples(st.just("formula"), st.integers(0, 200), st.sampled_from(["SUM(A1:A3)", "1/0", "A1", "<"])),
    st.tuples(st.just("cut_member"), st.sampled_from(MEMBERS), st.floats(0, 1)),
)  # fmt: skip


STAFF_XML = "xl/worksheets/sheet3.xml"
_CELL = re.compile(r"<c [^>]*?(?:/>|>.*?</c>)", re.S)


def _xml_mutation(op: tuple) -> bytes:  # type: ignore[type-arg]
    kind = op[0]
    if kind == "drop_member":
        return rezip(XLSX_SMALL, {op[1]: None})
    if kind == "rename_sheet":
        wb = SHEET_XML["xl/workbook.xml"].replace(f'name="{op[1]}"', f'name="{_esc(op[2])}"')
        return rezip(XLSX_SMALL, {"xl/workbook.xml": wb.encode()})
    if kind == "header":
        sst = SHEET_XML["xl/sharedStrings.xml"].replace(f">{op[1]}<", f">{_esc(op[2])}<")
        return rezip(XLSX_SMALL, {"xl/sharedStrings.xml": sst.encode()})
    if kind == "cut_member":
        raw = SHEET_XML.get(op[1], "").encode()
        return rezip(XLSX_SMALL, {op[1]: raw[: int(op[2] * len(raw))]})
    xml = SHEET_XML[STAFF_XML]
    cells = list(_CELL.finditer(xml))
    m = cells[op[1] % len(cells)]
    cell = m.group(0)
    if kind == "value":
        # raw, unescaped (may break the XML); a function, so backslashes in it are not escapes
        new = re.sub(r"<v>.*?</v>", lambda _m: f"<v>{op[2]}</v>", cell)
    elif kind == "drop_cell":
        new = ""
    elif kind == "type":
        new = re.sub(r' t="[^"]*"', "", cell).replace("<c ", f'<c t="{op[2]}" ', 1)
    else:
        new = cell.replace("<v>", f"<f>{op[2]}</f><v>", 1)
    return rezip(XLSX_SMALL, {STAFF_XML: (xml[: m.start()] + new + xml[m.end() :]).encode()})


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    how=st.sampled_from(["cells", "xml", "bytes", "random"]),
    cells=cell_ops,
    xml=xml_ops,
    raw_ops=st.lists(byte_ops, min_size=1, max_size=2),
    random_bytes=st.binary(max_size=300),
)
def test_corrupted_xlsx_never_crashes(
    how: str,
    cells: list[tuple],  # type: ignore[type-arg]
    xml: tuple,  # type: ignore[type-arg]
    raw_ops: list[tuple],  # type: ignore[type-arg]
    random_bytes: bytes,
) -> None:
    if how == "cells":
        rows = {k: [dict(r) for r in v] for k, v in BASE_ROWS.items()}
        for sheet, i, j, value in cells:
            lines = rows[sheet]
            keys = SHEET_KEYS[sheet]
            if i >= len(lines):
                lines.append({})
            lines[min(i, len(lines) - 1)][keys[j % len(keys)]] = value
        data = build_xlsx(rows, blank_rows=2)
    elif how == "xml":
        data = _xml_mutation(xml)
    elif how == "bytes":
        data = _mutate_bytes(XLSX_SMALL, raw_ops)
    else:
        data = b"PK\x03\x04" + random_bytes
    _feed(data, "return.xlsx")


# ---- nothing persisted --------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_ops=st.lists(csv_ops, min_size=1, max_size=4), raw_ops=st.lists(byte_ops, max_size=1))
def test_batch_with_a_corrupted_file_writes_nothing(
    grid_ops: list[tuple],  # type: ignore[type-arg]
    raw_ops: list[tuple],  # type: ignore[type-arg]
) -> None:
    rows = _mutate_grid(BASE_CSV, grid_ops)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = _mutate_bytes(out.getvalue().encode("utf-8", errors="surrogatepass"), raw_ops)
    with tempfile.TemporaryDirectory() as tmp:
        good = Path(tmp) / "good.xlsx"
        good.write_bytes(BASE_XLSX)
        other = Path(tmp) / "other.csv"
        other.write_bytes(data.replace(b"C82001", b"C82002"))  # a different practice
        out_dir = Path(tmp) / "out"
        try:
            load_returns([good, other], REGISTRY, TAXONOMY, out_dir=out_dir)
        except UserError as exc:
            _assert_rejection_is_located(exc, "other.csv")
            assert not out_dir.exists()
            assert sorted(p.name for p in Path(tmp).iterdir()) == ["good.xlsx", "other.csv"]
        else:
            assert sorted(p.name for p in out_dir.iterdir()) == [
                "demography.csv",
                "vacancies.csv",
                "workforce.csv",
            ]
