"""The one place that writes tables for users: CSV and XLSX.

Everything a user can open in a spreadsheet goes through here, so three promises hold everywhere
(CLI, reports, web downloads):

* **No formula injection.** A text cell that a spreadsheet could run as a formula (it starts with
  ``= + - @``, a tab or a carriage return, possibly after leading whitespace) is neutralised by
  prefixing an apostrophe. XLSX cells are written as strings with ``strings_to_formulas`` and
  ``strings_to_urls`` off, and the same neutralised text is stored, so a copy saved as CSV later is
  still safe.
* **Numbers stay numbers, not available stays blank.** Numeric cells are written as numbers (XLSX
  number formats follow :attr:`ReportTable.decimals`); ``NA``/``NaN`` become empty cells and every
  workbook sheet carries the legend :data:`NA_LEGEND`. CSV files hold only the header and the data
  (tidy, machine readable); their title, notes, sources and legend come from :func:`csv_metadata`.
* **Nothing half-written.** Files are written to a temporary file beside the target and renamed.
* **Same tables, same bytes.** A workbook's ``created`` document property is :data:`XLSX_CREATED`
  (a fixed date) unless the caller passes one (e.g. the data date), so writing the same tables
  twice gives byte-identical XLSX files (XlsxWriter already fixes the zip entries' timestamps).

Functions come in pairs: ``*_bytes`` (for web downloads and streams) and ``write_*`` (to a path).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import numbers
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.domain.report import ReportTable

if TYPE_CHECKING:  # imported where a workbook is written: CSV and text reports skip it
    import xlsxwriter

NA_LEGEND = "A blank cell means not available (no figure was given); it is not zero."
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel read UTF-8 correctly; pandas skips it
MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_XLSX_MAX_STRING = 32767
_MIN_WIDTH, _MAX_WIDTH = 8, 60


# --- cell values -----------------------------------------------------------------------------

Cell = str | float | int | bool | dt.datetime | dt.date | None


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet could treat ``text`` as a formula (or DDE/command payload)."""
    if not text:
        return False
    return text[0] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """``text`` made safe to put in a spreadsheet cell: formula-like text gets a leading ``'``."""
    return "'" + text if is_formula_like(text) else text


def is_missing(value: Any) -> bool:
    """True for values meaning *not available*: ``None``, ``pd.NA``, ``NaN``, ``NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral | np.bool_):
        return math.isnan(float(value))
    return False


def _cell(value: Any) -> Cell:
    """A Python value to write: None (blank), number, bool, date/datetime or safe text."""
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "−∞"  # unicode minus: not a formula
        return number
    if isinstance(value, pd.Timestamp):
        stamp = value.tz_localize(None) if value.tzinfo else value
        return stamp.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return neutralise(str(value))


def _cell_text(cell: Cell, decimals: int | None) -> str:
    """A converted cell (see :func:`_cell`) as CSV text."""
    kind = type(cell)
    if cell is None:
        return ""
    if kind is str:
        return cell  # type: ignore[return-value]
    if kind is float:
        number: float = cell  # type: ignore[assignment]
        if decimals is not None:
            return f"{number:.{decimals}f}"
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if kind is bool:
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ") if cell.time() != dt.time() else cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


# --- atomic writes ---------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file private (0600); give it the target's mode, or rw-r--r--
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename). Returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


# --- CSV -------------------------------------------------------------------------------------


def write_csv_stream(table: ReportTable, stream: IO[str]) -> None:
    """Write the header and data rows of ``table`` as CSV text to ``stream``."""
    writer = csv.writer(stream, lineterminator="\r\n")
    columns = [str(c) for c in table.frame.columns]
    writer.writerow([neutralise(c) for c in columns])
    decimals = [table.decimals.get(c) for c in columns]
    texts = [column_texts(table.frame.iloc[:, i], d) for i, d in enumerate(decimals)]
    writer.writerows(zip(*texts, strict=True))


def column_texts(series: pd.Series, decimals: int | None) -> list[str]:
    """Every value of a column as CSV text, as :func:`_cell_text` writes each cell, but fast on long
    columns: numbers with fixed decimals are formatted in one pass, and other columns (codes,
    labels, dates) convert each distinct value once."""
    if (
        decimals is not None
        and pd.api.types.is_float_dtype(series)
        and isinstance(series.dtype, np.dtype)
    ):
        values = series.to_numpy(dtype="float64")
        if np.isfinite(values).all():
            return [f"{v:.{decimals}f}" for v in values.tolist()]
    if series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        if len(uniques) * 4 < len(series):
            words = [_cell_text(_cell(u), decimals) for u in uniques.tolist()] + [""]
            return [words[c] for c in codes.tolist()]  # code -1 (missing) picks ""
    return [_cell_text(cell, decimals) for cell in column_cells(series)]


def csv_bytes(table: ReportTable) -> bytes:
    """``table`` as CSV bytes (UTF-8 with BOM, CRLF line ends): header row, then data rows."""
    buffer = io.StringIO(newline="")
    write_csv_stream(table, buffer)
    return buffer.getvalue().encode(CSV_ENCODING)


def write_csv(table: ReportTable, path: str | os.PathLike[str]) -> Path:
    """Write ``table`` to ``path`` as CSV, atomically."""
    return atomic_write_bytes(path, csv_bytes(table))


def csv_metadata(tables: Sequence[ReportTable], file_names: Sequence[str] | None = None) -> str:
    """Plain text describing CSV files: each table's title, notes, sources and the NA legend."""
    names = list(file_names) if file_names is not None else [f"{t.key}.csv" for t in tables]
    lines: list[str] = []
    for table, name in zip(tables, names, strict=True):
        lines += [f"{name}: {table.title}"]
        lines += [f"  Note: {n}" for n in table.notes]
        lines += [f"  Source: {s}" for s in table.sources]
        lines.append("")
    lines.append(NA_LEGEND)
    return "\n".join(lines) + "\n"


def write_csv_files(
    tables: Sequence[ReportTable], directory: str | os.PathLike[str], prefix: str = ""
) -> list[Path]:
    """Write one CSV per table into ``directory`` plus ``<prefix>README.txt`` (metadata).

    Returns the paths written, README last. File names are ``<prefix><key>.csv``.
    """
    folder = Path(directory)
    names = [f"{prefix}{t.key}.csv" for t in tables]
    if len(set(names)) != len(names):
        raise ValueError(f"report table keys must be unique, got {[t.key for t in tables]}")
    paths = [write_csv(t, folder / n) for t, n in zip(tables, names, strict=True)]
    paths.append(atomic_write_text(folder / f"{prefix}README.txt", csv_metadata(tables, names)))
    return paths


# --- XLSX ------------------------------------------------------------------------------------


def sheet_names(keys: Sequence[str]) -> list[str]:
    """Valid, unique (case-insensitively) Excel sheet names for ``keys``, at most 31 characters."""
    used: set[str] = set()
    names: list[str] = []
    for i, key in enumerate(keys, start=1):
        base = _SHEET_FORBIDDEN.sub("_", key).strip("'") or f"Sheet{i}"
        if base.casefold() == "history":  # reserved by Excel
            base = "History_"
        base = base[:MAX_SHEET_NAME]
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f"~{n}"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def _number_format(decimals: int | None) -> str | None:
    if decimals is None:
        return None
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def column_cells(series: pd.Series) -> list[Cell]:
    """Every value of a column as a cell to write (see :func:`_cell`), fast for number columns."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        integral = pd.api.types.is_integer_dtype(series)
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        if np.isfinite(values[~np.isnan(values)]).all():
            if integral:
                return [None if v != v else int(v) for v in values.tolist()]
            return [None if v != v else v for v in values.tolist()]
    return [_cell(v) for v in series.tolist()]


def _display_len(cell: Cell, decimals: int | None) -> int:
    if cell is None:
        return 0
    if isinstance(cell, str):
        return max((len(part) for part in cell.splitlines()), default=0)
    return len(_cell_text(cell, decimals))


def _column_width(label: str, cells: Sequence[Cell], decimals: int | None) -> int:
    numbers = [c for c in cells if isinstance(c, int | float) and not isinstance(c, bool)]
    others = [c for c in cells if not isinstance(c, int | float) or isinstance(c, bool)]
    extremes = [min(numbers), max(numbers)] if numbers else []
    longest = max((_display_len(c, decimals) for c in [*extremes, *others]), default=0)
    if decimals is not None and numbers:
        longest += len(f"{max(abs(x) for x in extremes):,.0f}") // 4  # thousands separators
    return min(_MAX_WIDTH, max(_MIN_WIDTH, len(label) + 2, longest + 2))


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#E8EDEE"}
        )
        self.date = book.add_format({"num_format": "d mmm yyyy"})
        self.datetime = book.add_format({"num_format": "d mmm yyyy hh:mm"})
        self.note = book.add_format({"italic": True})
        self.label = book.add_format({"bold": True})
        self._numbers: dict[str, Any] = {}

    def number(self, decimals: int | None) -> Any:
        fmt = _number_format(decimals)
        if fmt is None:
            return None
        if fmt not in self._numbers:
            self._numbers[fmt] = self.book.add_format({"num_format": fmt})
        return self._numbers[fmt]


def _write_cell(sheet: Any, row: int, col: int, cell: Cell, fmts: _Formats, fmt: Any) -> None:
    if cell is None:
        return
    if isinstance(cell, bool):
        sheet.write_boolean(row, col, cell)
    elif isinstance(cell, int | float):
        sheet.write_number(row, col, cell, fmt)
    elif isinstance(cell, dt.datetime):
        date_fmt = fmts.date if cell.time() == dt.time() else fmts.datetime
        sheet.write_datetime(row, col, cell, date_fmt)
    elif isinstance(cell, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(cell, dt.time()), fmts.date)
    else:
        sheet.write_string(row, col, cell[:_XLSX_MAX_STRING])


def _write_sheet(book: xlsxwriter.Workbook, fmts: _Formats, table: ReportTable, name: str) -> None:
    sheet = book.add_worksheet(name)
    columns = [str(c) for c in table.frame.columns]
    decimals = [table.decimals.get(c) for c in columns]
    sheet.write_string(0, 0, neutralise(table.title)[:_XLSX_MAX_STRING], fmts.title)
    header_row = 2
    for col, label in enumerate(columns):
        sheet.write_string(header_row, col, neutralise(label)[:_XLSX_MAX_STRING], fmts.header)
    frame = table.frame
    for col in range(len(columns)):
        cells = column_cells(frame.iloc[:, col])
        fmt = fmts.number(decimals[col])
        for row, cell in enumerate(cells, header_row + 1):
            _write_cell(sheet, row, col, cell, fmts, fmt)
        sheet.set_column(col, col, _column_width(columns[col], cells, decimals[col]))
    row = header_row + len(frame)
    # header row and first column stay in view; filters on the header; printed landscape,
    # one page wide, the header repeated on every page
    sheet.freeze_panes(header_row + 1, 1 if len(columns) > 1 else 0)
    if columns and len(frame):
        sheet.autofilter(header_row, 0, row, len(columns) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    row += 2
    for label, lines in (("Notes", table.notes), ("Sources", table.sources)):
        if not lines:
            continue
        sheet.write_string(row, 0, label, fmts.label)
        for line in lines:
            row += 1
            sheet.write_string(row, 0, neutralise(line)[:_XLSX_MAX_STRING], fmts.note)
        row += 2
    sheet.write_string(row, 0, NA_LEGEND, fmts.note)


XLSX_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""The workbook ``created`` property when the caller gives none: fixed, so output is repeatable."""


def write_xlsx_stream(
    tables: Sequence[ReportTable], stream: IO[bytes], *, created: dt.datetime | None = None
) -> None:
    """Write a workbook with one sheet per table to a binary ``stream``.

    ``created`` (default :data:`XLSX_CREATED`) is the document's creation date: the workbook's
    bytes depend only on the tables and this date, never on the time of writing.
    """
    if not tables:
        raise ValueError("a workbook needs at least one table")
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": False,
    }
    import xlsxwriter

    book = xlsxwriter.Workbook(stream, options)
    book.set_properties({"created": created or XLSX_CREATED})
    fmts = _Formats(book)
    for table, name in zip(tables, sheet_names([t.key for t in tables]), strict=True):
        _write_sheet(book, fmts, labels.readable(table), name)
    book.close()


def xlsx_bytes(tables: Sequence[ReportTable], *, created: dt.datetime | None = None) -> bytes:
    """A workbook with one sheet per table, as bytes (``created``: see :func:`write_xlsx_stream`)."""
    buffer = io.BytesIO()
    write_xlsx_stream(tables, buffer, created=created)
    return buffer.getvalue()


def write_xlsx(
    tables: Sequence[ReportTable],
    path: str | os.PathLike[str],
    *,
    created: dt.datetime | None = None,
) -> Path:
    """Write a workbook with one sheet per table to ``path``, atomically."""
    return atomic_write_bytes(path, xlsx_bytes(tables, created=created))
